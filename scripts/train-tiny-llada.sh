#!/usr/bin/env bash
# Trains the shipped tiny-llada model from scratch in two stages (about 36 + 20 minutes on 2 cores) and writes
# it to the folder given as the first argument (default: target/tiny-llada). Timed runs fit their learning-rate
# schedule to the measured step time, so a rerun reaches the same quality, not bit-identical weights
# (use TrainMain --steps for that).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/tiny-llada}"
stage1="${out}-stage1"
./mvnw -q -o -B install -DskipTests -pl elastic-cache-core,elastic-cache-lab -am 2>/dev/null \
  || ./mvnw -q -B install -DskipTests -pl elastic-cache-core,elastic-cache-lab -am
train() {
  ./mvnw -q -B -pl elastic-cache-lab exec:java -Dai.djl.pytorch.num_threads=2 -Dexec.args="$*"
}
train --out "$stage1" --minutes 36 --seed 7 --d-model 128 --layers 4 --heads 2 --mlp 384 --rope-theta 100 \
  --batch 16 --lr 3e-3 --warmup 150 --long-fraction 0.08 --long-gen 512 --short-fraction 0.6 \
  --eval-every 1500 --final-eval 0
train --init "$stage1" --out "$out" --minutes 20 --seed 8 --batch 16 --lr 1.5e-3 --warmup 50 \
  --long-fraction 0.08 --long-gen 512 --short-fraction 0.6 --eval-every 0 --final-eval 60
echo "model written to $out"
