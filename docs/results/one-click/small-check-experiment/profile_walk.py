"""Run from the repository root: python docs/results/one-click/small-check-experiment/profile_walk.py [MODEL.onnx|-] [--prof]:
the runtime benchmark's case (one click on a 512x512x200 leg phantom's fibula, propagated), three timed runs, then
one with onnxruntime's calls timed apart (total and network seconds) and, with --prof, a cProfile listing."""
import sys, time, cProfile, pstats
import numpy as np
from bonebench.data.phantoms import FIBULA, PhantomShape, make_phantom
from bonebench.kernels import innermost_point, label_components
from bonebench.runtime.interactive import InteractiveSession
from bonebench.runtime.session import Model
hu, labels, geometry = make_phantom(21, PhantomShape(size_xy=512, slices=200))
z = 100
components, _ = label_components(labels[z] == FIBULA, 8)
y, x = innermost_point(components == 1)
hu = hu.astype(np.float32); spacing = geometry.spacing
model = Model(sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] != "-" else None)
def seg():
    s = InteractiveSession(hu, model, spacing); s.click(x, y, z); r = s.propagate(); return s, r
seg()
ts = []
for _ in range(3):
    t = time.perf_counter(); s, r = seg(); ts.append(time.perf_counter() - t)
print("times", [round(t, 3) for t in ts], r, "mask sum", int(s.mask.sum()))
orig = model.session.run
net = [0.0, 0]
def timed(*a, **k):
    t = time.perf_counter(); o = orig(*a, **k); net[0] += time.perf_counter() - t; net[1] += 1; return o
model.session.run = timed
t = time.perf_counter(); seg(); total = time.perf_counter() - t
print(f"total {total:.3f} network {net[0]:.3f} calls {net[1]}")
if "--prof" in sys.argv:
    cProfile.run("seg()", "/tmp/prof.out")
    pstats.Stats("/tmp/prof.out").sort_stats("tottime").print_stats(25)
