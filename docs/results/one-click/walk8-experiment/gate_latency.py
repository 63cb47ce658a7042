"""Latency of gate.py's "both" gate on the runtime benchmark's case (benchmarks/test_runtime_bench.py: one click
on a leg phantom's fibula, the whole bone through 200 slices of 512x512), against v7 and walk8 alone; best and
mean of 3. The gate is gate.py's.

    python docs/results/one-click/walk8-experiment/gate_latency.py   # needs runs/walk8_last.onnx
"""
import sys
import time

from pathlib import Path

import numpy as np

from bonebench.data.phantoms import FIBULA, PhantomShape, make_phantom
from bonebench.kernels import innermost_point, label_components
from bonebench.runtime import interactive
from bonebench.runtime.interactive import InteractiveSession
from bonebench.runtime.session import Model

sys.path.insert(0, str(Path(__file__).parent))
import gate  # noqa: E402

hu, labels, geometry = make_phantom(21, PhantomShape(size_xy=512, slices=200))
z = 100
comp, _ = label_components(labels[z] == FIBULA, 8)
y, x = innermost_point(comp == 1)
hu = hu.astype(np.float32)
v7 = Model(Path("bonebench/runtime/models/click_v7.onnx"), device="cpu")
walk8 = Model(Path("runs/walk8_last.onnx"), device="cpu")
plain = InteractiveSession._segment_slice
gate.GATE, gate.GATE_GROW, gate.GATE_MODE = v7, 2, "both"


def run(model, reach, gated):
    interactive.ARM_REACH = reach
    InteractiveSession._segment_slice = gate.gated if gated else plain
    times = []
    for _ in range(3):
        start = time.perf_counter()
        session = InteractiveSession(hu, model, geometry.spacing)
        session.click(x, y, z)
        first, last = session.propagate()
        times.append(time.perf_counter() - start)
    return min(times), np.mean(times), last - first + 1


for name, m, r, g in (("v7", v7, None, False), ("walk8 arms 24", walk8, 24.0, False), ("walk8 arms 24 + gate both", walk8, 24.0, True)):
    print(name, "min %.2f s mean %.2f s slices %d" % run(m, r, g))
