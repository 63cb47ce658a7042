"""Would the click model, from the walk's seeds, see the walk crossing a joint? Per walked slice of walk8 on
the tuning bones (12 phantoms per region, one innermost click, arm seeds at 24): walk8's mask and what the
label says (docs/results/one-click/walk8-experiment/joint_crossings.py records them), and beside them v7's mask
from the same seeds: its area against the previous slice's mask, its share outside that mask (dilated by 2
pixels) and the stop rule it breaks. Not in the package: the measurement behind the check's leak stop
(docs/results/one-click/README.md, "The click model as the walk's check").

    python docs/results/one-click/v9/check_crossings.py runs/walk8_last.onnx OUT.csv   # 2 min 28 s
"""
import csv
import sys
from pathlib import Path

from scipy import ndimage

sys.path.insert(0, "tools")
sys.path.insert(0, "docs/results/one-click/walk8-experiment")
import joint_crossings as jc  # noqa: E402
from bonebench.runtime import interactive  # noqa: E402
from bonebench.runtime.session import Model  # noqa: E402

CHECK = Model(Path("bonebench/runtime/models/click_v7.onnx"))
plain = jc.plain_segment


def segment(self, z, carried=None):
    jc.state["z"] = z
    walked = plain(self, z, carried)
    if carried is not None:
        predicted, model = self._predicted[z], self.model
        self.model = CHECK
        try:
            jc.state["check"] = plain(self, z, None)[0]
        finally:
            self.model, self._predicted[z] = model, predicted
    return walked


recorded_rule = jc.rule


def rule(result, previous, rules=interactive.DEFAULT_RULES):
    broken = recorded_rule(result, previous, rules)
    check, prev = jc.state["check"] > 0, previous > 0
    jc.rows[-1].update(c_area=int(check.sum()), c_overlap=int((check & prev).sum()),
                       c_out2=int((check & ~ndimage.binary_dilation(prev, iterations=2)).sum()),
                       c_rule=rules.broken(check, prev), c_tp=int((check & jc.state["bone"][jc.state["z"]]).sum()),
                       agree=int((check & (result > 0)).sum()))
    return broken


def report() -> None:
    kept = [r for r in jc.rows if r["rule"] == "" and r["area"] > 0]
    onsets = [r for r in kept if r["other"] >= 0.3 * r["area"] and r["prev_other"] < 0.1 * r["before"]]
    bone = [r for r in kept if r["other"] < 0.1 * r["area"] and r["true"] > 0]
    for name in ("leak", "overlap", "shrink", "empty"):
        print(f"v7's mask breaks {name}: {sum(r['c_rule'] == name for r in onsets)} of {len(onsets)} crossing starts, "
              f"{sum(r['c_rule'] == name for r in bone)} of {len(bone)} bone slices")


if __name__ == "__main__":
    jc.segment, jc.rule = segment, rule
    interactive.ARM_REACH = 24.0
    jc.record(Model(Path(sys.argv[1])))
    with open(sys.argv[2], "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(jc.rows[0]))
        writer.writeheader()
        writer.writerows(jc.rows)
    report()
