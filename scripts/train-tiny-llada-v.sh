#!/usr/bin/env bash
# Trains the small vision-language (LLaDA-V format) reading model, the embedded tiny-llada-v, on 2 cores in three
# stages of 60, 100 and 100 minutes (see docs/training/vision-pilots.md): after stage 2 it reads 65.0% / 61.0% of 200
# held-out images (glyph scales 1-6) with llada / elastic; stage 3, on glyph scales 2-6, ends at 98.0% / 97.5%. It starts from the embedded tiny-llada text model
# (its language half renamed to LLaDA-V's Llama-style tensor names) and a new SigLIP tower of 3 layers on 48 x 48
# images (patch 8), with the auxiliary losses on the vision half, a one-character curriculum for 1,000 steps (two
# for the next 1,000) and the vision half at twice the learning rate.
#   stage 1: session 9's run step for step (12,497 steps on the 9,855-step schedule it fitted; writes OUT-stage1);
#   stage 2: session 11's continuation step for step (16,097 steps, lr 5e-4 on the 12,228-step schedule it fitted,
#            then flat at its floor, scored on 200 held-out images; the committed
#            elastic-cache-lab/checkpoints/tiny-llada-v-wip is its result);
#   stage 3: the shipped model's run: MINUTES more (default 100) at lr 3e-4 on a schedule fitted to them, scored
#            on 200 held-out images with llada and elastic (skip it with MINUTES 0). Stages 1 and 2 ran before the
#            task's smallest glyph scale became 2, so repeating them now trains on scales 2-6 throughout.
# Each stage is skipped when its folder already holds a model; VisionTrainMain also saves every 10 minutes, so an
# interrupted stage resumes with --init that folder.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/tiny-llada-v}"
minutes="${2:-100}"
TRAIN_MAIN=dev.elasticcache.lab.vision.VisionTrainMain
source scripts/lib/training-stages.sh
recipe="--aux-weight 1 --vision-lr-scale 2 --long-fraction 0.15 --log-every 50"
stage "${out}-stage1" --steps 12497 --schedule-steps 9855 --seed 3 --curriculum 1000 $recipe --final-eval 0
stage "${out}-stage2" --init "${out}-stage1" --steps 16097 --schedule-steps 12228 --seed 4 --lr 5e-4 --warmup 50 $recipe --final-eval 200
if [[ "$minutes" != "0" ]]; then
  stage "$out" --init "${out}-stage2" --minutes "$minutes" --seed 5 --lr 3e-4 --warmup 50 $recipe --final-eval 200
else
  out="${out}-stage2"
fi
echo "model written to $out"
