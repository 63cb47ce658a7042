"""Run from the repository root: python docs/results/one-click/eighth-session-latency/int8_calibration_inputs.py
MODEL.onnx PER_REGION PER_CASE OUT.npz -- the network inputs of one-click walks (every bone, innermost click) on
PER_REGION training cases of each region (walk8's split10 train list in runs/click_data10), about PER_CASE of each
case's inputs kept: int8 calibration data from training cases only."""
import json, sys, random
import numpy as np
sys.path.insert(0, "tools")
from bonebench.data.volume_io import read_volume
from bonebench.runtime.session import Model
from bonebench.study.one_click import score_volume
root = "runs/click_data10"
names = {v: k for k, v in json.load(open(f"{root}/dataset.json"))["labels"].items()}
train = json.load(open(f"{root}/split10.json"))["train"]
rng = random.Random(0)
by_region = {}
for c in train:
    by_region.setdefault(c.rsplit("_", 1)[0], []).append(c)
chosen = [c for r, cs in sorted(by_region.items()) for c in rng.sample(cs, min(int(sys.argv[2]), len(cs)))]
model = Model(sys.argv[1], device="cpu")
orig = model.session.run
rec = []
def run(outs, feed):
    rec.append(next(iter(feed.values())).copy()); return orig(outs, feed)
model.session.run = run
keep = []
for case in chosen:
    hu, g = read_volume(f"{root}/imagesTr/{case}_0000.nii.gz")
    lab, _ = read_volume(f"{root}/labelsTr/{case}.nii.gz")
    rec.clear()
    score_volume(model, hu.astype(np.float32), lab.astype(np.uint8), names, case, spacing=g.spacing)
    step = max(1, len(rec) // int(sys.argv[3]))
    keep += rec[::step]
    print(case, len(rec), len(keep), flush=True)
np.savez_compressed(sys.argv[4], *keep)
