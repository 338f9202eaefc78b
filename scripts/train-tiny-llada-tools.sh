#!/usr/bin/env bash
# Trains the tool model (tiny-llada-tools: JSON documents by infilling, tool calls, answers quoting a tool's result)
# on 2 cores in resumable stages (docs/training/tool-model.md). It starts from the kept json-pilot weights (the
# shipped tiny-llada architecture: d 128, 4 layers, 2 heads, RoPE base 100, after 58 minutes of json), renders tools
# with the model's own compact chat template (one line per tool, name(param,param)), and adds the training-only
# pointer loss: for every masked answer character copied from the prompt, -log of the largest attention any head of
# layers 1-3 pays to its source. Inference is unchanged.
#   stage 1: 4,500 steps (~30 min), pointer weight 1.0, lr 2e-3;
#   stage 2: 7,500 steps (~50 min), pointer weight 0.5, lr 1e-3;
#   stage 3: 7,500 steps (~50 min), pointer weight 0.2, lr 5e-4, scored on 120 held-out tasks.
# Each stage writes its own folder and is skipped when that folder already holds a model, so an interrupted recipe
# resumes at the stage it was in; stages are step-counted, so a rerun repeats the schedule (libtorch's CPU
# reductions make weights close, not bit-identical).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/tiny-llada-tools}"
./mvnw -q -o -B install -DskipTests -pl elastic-cache-core,elastic-cache-lab -am 2>/dev/null \
  || ./mvnw -q -B install -DskipTests -pl elastic-cache-core,elastic-cache-lab -am
train() {
  ./mvnw -q -B -pl elastic-cache-lab exec:java -Dai.djl.pytorch.num_threads=2 -Dexec.args="$*"
}
stage() {   # stage OUT ARGS...: runs unless OUT already holds a model
  local dir="$1"; shift
  if [[ -f "$dir/model.safetensors" ]]; then echo "stage $dir done, skipped"; else train --out "$dir" "$@"; fi
}
recipe="--suite tools --chat-template compact-tools --family-weights json=2,tool=2,tool-answer=1,fields=1 \
  --gen-length 192 --short-fraction 1.0 --long-fraction 0 --batch 16 --canvas-fraction 0.8 --mask-floor 0.2 \
  --name-decision 0.25 --pointer-from-layer 1 --eval-every 0 --log-every 50"
stage "${out}-stage1" --init elastic-cache-lab/checkpoints/json-pilot --steps 4500 --seed 71 $recipe \
  --pointer-weight 1.0 --lr 2e-3 --warmup 30 --final-eval 40
stage "${out}-stage2" --init "${out}-stage1" --steps 7500 --seed 72 $recipe \
  --pointer-weight 0.5 --lr 1e-3 --warmup 30 --final-eval 40
stage "$out" --init "${out}-stage2" --steps 7500 --seed 73 $recipe \
  --pointer-weight 0.2 --lr 5e-4 --warmup 30 --final-eval 120
echo "model written to $out"
