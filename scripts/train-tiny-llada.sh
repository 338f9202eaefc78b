#!/usr/bin/env bash
# Trains the shipped tiny-llada model from scratch in four stages on 2 cores and writes it to the folder given as
# the first argument (default: target/tiny-llada):
#   1-2. the three copy families (uppercase, complement, query): 36 + 20 minutes;
#   3-4. all six families of TaskSuite.shipped() (adds json, tool, tool-answer: structured output and tool calls,
#        trained on the very canvases the engine infills): 45 minutes, then 1,000 steps (about 25 minutes).
# Each stage writes its own folder and is skipped when that folder already holds a model, so an interrupted run
# resumes at the stage it was in. Timed runs fit their learning-rate schedule to the measured step time, so a
# rerun reaches the same quality, not bit-identical weights (use TrainMain --steps for that).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/tiny-llada}"
source scripts/lib/training-stages.sh
common="--batch 16 --long-fraction 0.08 --long-gen 512 --short-fraction 0.6"
stage "${out}-stage1" --minutes 36 --seed 7 --d-model 128 --layers 4 --heads 2 --mlp 384 --rope-theta 100 \
  $common --lr 3e-3 --warmup 150 --eval-every 1500 --final-eval 0
stage "${out}-stage2" --init "${out}-stage1" --minutes 20 --seed 8 $common --lr 1.5e-3 --warmup 50 \
  --eval-every 0 --final-eval 60
shipped="--suite shipped --gen-length 192 --family-weights json=2,tool=3,tool-answer=2 --batch 16 --long-fraction 0.06 \
  --long-gen 512 --short-fraction 0.6 --eval-every 0 --log-every 25"
stage "${out}-stage3" --init "${out}-stage2" --minutes 45 --seed 11 $shipped --lr 2e-3 --warmup 100 --final-eval 0
stage "$out" --init "${out}-stage3" --steps 1000 --seed 12 $shipped --lr 1e-3 --warmup 50 --final-eval 60
echo "model written to $out"
