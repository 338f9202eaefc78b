# Shared by the training recipes (source it after `cd` to the repository root): builds the core and the lab once,
# then `stage OUT ARGS...` runs the trainer (TRAIN_MAIN, default TrainMain) with --out OUT unless OUT already holds a
# model, so an interrupted recipe resumes at the stage it was in.
./mvnw -q -o -B install -DskipTests -pl elastic-cache-core,elastic-cache-lab -am 2>/dev/null \
  || ./mvnw -q -B install -DskipTests -pl elastic-cache-core,elastic-cache-lab -am
train() {
  ./mvnw -q -B -pl elastic-cache-lab exec:java -Dexec.mainClass="${TRAIN_MAIN:-dev.elasticcache.lab.train.TrainMain}" \
    -Dai.djl.pytorch.num_threads=2 -Dexec.args="$*"
}
stage() {   # stage OUT ARGS...: runs unless OUT already holds a model
  local dir="$1"; shift
  if [[ -f "$dir/model.safetensors" ]]; then echo "stage $dir done, skipped"; else train --out "$dir" "$@"; fi
}
