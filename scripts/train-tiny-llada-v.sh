#!/usr/bin/env bash
# Trains the shipped tiny-llada-v vision-language model on 2 cores and writes it to the folder given as the first
# argument (default: target/tiny-llada-v). It starts from the embedded tiny-llada text model (its language half,
# renamed to LLaDA-V's Llama-style tensor names) and a new SigLIP tower of 3 layers on 48 x 48 images (patch 8):
#   1. the reading task (one to three characters) for 3,419 steps of a 10,974-step schedule (20 minutes);
#   2. from there, a curriculum (one character for 1,500 steps, up to two for 1,500, then up to three) with the
#      vision half at twice the learning rate, on a 10,517-step schedule (68 minutes).
# Each stage writes its own folder and is skipped when that folder already holds a model, so an interrupted run
# resumes at the stage it was in; VisionTrainMain also saves every 10 minutes (continue with --init that folder).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/tiny-llada-v}"
./mvnw -q -o -B install -DskipTests -pl elastic-cache-core,elastic-cache-lab -am 2>/dev/null \
  || ./mvnw -q -B install -DskipTests -pl elastic-cache-core,elastic-cache-lab -am
train() {
  ./mvnw -q -B -pl elastic-cache-lab exec:java -Dexec.mainClass=dev.elasticcache.lab.vision.VisionTrainMain \
    -Dai.djl.pytorch.num_threads=2 -Dexec.args="$*"
}
stage() {   # stage OUT ARGS...: runs unless OUT already holds a model
  local dir="$1"; shift
  if [[ -f "$dir/model.safetensors" ]]; then echo "stage $dir done, skipped"; else train --out "$dir" "$@"; fi
}
stage "${out}-stage1" --steps 3419 --schedule-steps 10974 --seed 1 --log-every 50 --final-eval 0
stage "$out" --init "${out}-stage1" --steps STAGE2_STEPS --schedule-steps 10517 --seed 2 --curriculum 1500 \
  --vision-lr-scale 2 --long-fraction 0.15 --log-every 50 --final-eval 200
echo "model written to $out"
