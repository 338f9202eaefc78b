#!/usr/bin/env bash
# Decodes the three real-shape checkpoints through bin/elastic-cache generate inside memory limits (cgroup v1):
# LLaDA-8B-Instruct and Dream-v0-Instruct-7B shapes in 20 GiB, LLaDA-V with one 384x384 image in 22 GiB.
#   scripts/real-size-demo.sh [MODELS_DIR]     (default /work/models; needs ~50 GB free and root for the cgroup)
# Writes missing checkpoints first (RealShapeCheckpointMain, streamed, BF16), drops the page cache before each run
# (so every page the run touches is charged to its cgroup: a cold start), and prints each run's figures.
set -euo pipefail
cd "$(dirname "$0")/.."
models="${1:-/work/models}"
mkdir -p "$models"
./mvnw -q -o -B install -DskipTests -pl elastic-cache-core,elastic-cache-lab -am 2>/dev/null \
  || ./mvnw -q -B install -DskipTests -pl elastic-cache-core,elastic-cache-lab -am
for m in llada-8b dream-7b llada-v; do
  if [ ! -f "$models/$m/config.json" ]; then
    ./mvnw -q -B -pl elastic-cache-lab exec:java -Dexec.mainClass=dev.elasticcache.lab.realsize.RealShapeCheckpointMain \
      -Dexec.args="--model $m --out $models/$m"
  fi
done
image="$models/llada-v/image-384.png"   # written with the checkpoint
run() {
  local limit="$1"; shift
  echo "== $* (limit ${limit} GiB)"
  sync; echo 3 > /proc/sys/vm/drop_caches
  /usr/bin/time -f "wall %e s" scripts/run-in-memory-limit.sh "$limit" "$@" 2>&1 | grep -v "^\[main\]\|SLF4J"
}
prompt="Uppercase these words: robot flame"
run 20 bin/elastic-cache generate --model "$models/llada-8b" --prompt "$prompt" --chat --gen-length 16 --block-length 16 --strategy elastic
run 20 bin/elastic-cache generate --model "$models/dream-7b" --prompt "$prompt" --chat --gen-length 16 --block-length 16 --strategy elastic
run 22 bin/elastic-cache generate --model "$models/llada-v" --image "$image" --prompt "What is written in the image?" \
  --gen-length 16 --block-length 16 --strategy fast-dllm-dual
