"""The in-plane pixel size new models are trained at and the runtime resamples every window to.

MODEL_PIXEL_MM = 1.5 mm, chosen by measurement without training (`python tools/pixel_size.py
--pixel-mm 1.0 1.25 1.5 --cases 2 --openkbp ../shared/data/openkbp-mandible`, 2-core Intel Xeon dev
machine; docs/results/pixel-size.md): phantoms of the hip, knee, shoulder, arm and thorax drawn at
0.5, 1 and 3 mm pixels (5 mm slices) and 10 OpenKBP mandibles (3.9-5.1 mm).
- Patch fit: at 1.5 mm every 8-connected cross-section piece of every bone fits the 96x96 training
  patch (144 mm); at 1.0 mm (96 mm) clavicle 86 %, scapula 96 %, rib 95 %, mandible 98 %, so the
  model would train on cut-off outlines of the bones that fail most today.
- Round trip native -> pixel size -> native (3D Dice per bone), with a perfect model's probability
  resampled as the runtime does (linear there and back, > 0.5): 1.5 mm mean 0.97-1.00, worst bone
  0.958 (thorax and shoulder drawn at 0.5 mm); 1.0 mm worst 0.995; 1.25 mm worst 0.953 (the 2.5x
  ratio from 0.5 mm is no better than 3x). The training labels (label-wise linear, which beat nearest
  on every source) keep 0.95-0.98 at 1.5 mm. The ceiling is far above the v2 target of 0.90.
- Cost: a 512 x 0.7 mm chest slice becomes 239x239 pixels at 1.5 mm (358x358 at 1.0), a 0.98 mm
  body slice 335x335 (502x502); 2.2x fewer pixels per slice and per window for the U-Net on the
  2-core CPU (the 3 s per 200-slice bone budget), and 2.2x less training data in memory.
TotalSegmentator's 1.5 mm model is the same trade. None / 0 anywhere means "no pixel size": models
from before issue 17 and TrainConfig's default, which keep their behaviour.
"""

from __future__ import annotations

MODEL_PIXEL_MM = 1.5
