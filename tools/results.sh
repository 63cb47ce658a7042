#!/usr/bin/env bash
# Reproduce docs/results/: a scaled-down study (tiny preset: CPU-sized) on the leg phantoms and on
# the real OpenKBP mandible CT, with Seg, SegPretrained, SegInter and the SegInterPrev variant.
#   bash tools/results.sh [WORK_DIR]      (from the repository root; needs ../shared/data)
set -euo pipefail
work=${1:-local/results}
mkdir -p "$work" docs/results/leg-phantoms docs/results/openkbp-mandible

bb-data phantoms "$work/legs" --cases 20 --seed 5 --size 128 --slices 24
bb-train sweep --data "$work/legs" --label fibula --groups seg,pretrained,inter,inter-prev \
    --patients 1,2,5 --preset tiny --device cpu --out "$work/legs-run"
bb-eval "$work/legs-run" --paper --noc-every 4 --device cpu

bb-train sweep --data ../shared/data/openkbp-mandible --label mandible \
    --groups seg,pretrained,inter,inter-prev --patients 1,2,5 --preset tiny --device cpu --out "$work/mandible-run"
bb-eval "$work/mandible-run" --paper --noc-every 4 --device cpu

bb-train sweep --data ../shared/data/openkbp-mandible --label mandible --groups seg,inter --patients 1,5 \
    --preset tiny --iterations 1200 --val-every 100 --device cpu --out "$work/mandible-1200"
bb-eval "$work/mandible-1200" --paper --noc-every 4 --device cpu

mkdir -p docs/results/openkbp-mandible-1200
for pair in "legs-run:leg-phantoms" "mandible-run:openkbp-mandible" "mandible-1200:openkbp-mandible-1200"; do
    cp "$work/${pair%%:*}"/{results.csv,table.md,curves.png,examples.png,sweep.json,split.json} "docs/results/${pair##*:}/"
done
