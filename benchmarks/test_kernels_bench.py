"""Click tooling beside its baselines on the same inputs: a 512x512 slice and a batch of 32 96x96
patches. Baselines: scipy.ndimage (the reference), cc3d + edt, OpenCV. Group names pair them up;
`python tools/bench_ratios.py BENCH.json` turns a --benchmark-json file into the ratio table."""

import subprocess
import sys

import numpy as np
import pytest
from scipy import ndimage

from bonebench.data.phantoms import PhantomShape, make_phantom
from bonebench.kernels import (click_maps, click_maps_batch, dice, distance_transform, label_components,
                               next_click, next_click_batch)
from tests.kernels import reference

cc3d = pytest.importorskip("cc3d")
edt = pytest.importorskip("edt")
cv2 = pytest.importorskip("cv2")


def _errors_on(truth, rng):
    """A realistic imperfect prediction: shifted by two pixels, a bite taken, a spurious blob."""
    pred = np.roll(truth, (2, 1), axis=(-2, -1)).copy()
    ys, xs = np.nonzero(truth)
    if len(ys):
        y, x = ys[len(ys) // 2], xs[len(xs) // 2]
        pred[..., max(y - 6, 0):y + 6, max(x - 6, 0):x + 6] = False
    cy, cx = rng.integers(10, truth.shape[-2] - 10), rng.integers(10, truth.shape[-1] - 10)
    pred[..., cy - 4:cy + 4, cx - 5:cx + 5] = True
    return pred


@pytest.fixture(scope="module")
def slice512():
    _, labels, _ = make_phantom(1, PhantomShape(size_xy=512, slices=3))
    truth = labels[1] > 0  # both bones of both legs
    pred = _errors_on(truth, np.random.default_rng(0))
    return pred, truth, np.zeros_like(truth)


@pytest.fixture(scope="module")
def patches96():
    _, labels, _ = make_phantom(2, PhantomShape(size_xy=256, slices=32))
    truth = np.ascontiguousarray(labels[:, 100:196, 40:136] > 0)
    rng = np.random.default_rng(1)
    pred = np.stack([_errors_on(t, rng) for t in truth])
    return pred, truth, np.zeros_like(truth)


# ------------------------------------------------------------- next click (the whole pipeline)

def _cc3d_edt_pipeline(pred, truth, clicked):
    fn = truth & ~pred & ~clicked
    fp = pred & ~truth & ~clicked
    best = None
    for positive, errors in ((True, fn), (False, fp)):
        labels, n = cc3d.connected_components(errors.astype(np.uint8), connectivity=4, return_N=True)
        if n == 0:
            continue
        sizes = np.bincount(labels.ravel())[1:]
        lab = int(np.argmax(sizes)) + 1
        if best is None or sizes[lab - 1] > best[0]:
            best = (sizes[lab - 1], positive, labels == lab)
    if best is None:
        return None
    dist = edt.edt(np.pad(best[2], 1).astype(np.uint8))[1:-1, 1:-1]
    y, x = np.unravel_index(np.argmax(dist), dist.shape)
    return y, x, best[1]


def _opencv_pipeline(pred, truth, clicked):
    fn = (truth & ~pred & ~clicked).astype(np.uint8)
    fp = (pred & ~truth & ~clicked).astype(np.uint8)
    best = None
    for positive, errors in ((True, fn), (False, fp)):
        n, labels, stats, _ = cv2.connectedComponentsWithStats(errors, connectivity=4)
        if n <= 1:
            continue
        lab = int(np.argmax(stats[1:, cv2.CC_STAT_AREA])) + 1
        if best is None or stats[lab, cv2.CC_STAT_AREA] > best[0]:
            best = (stats[lab, cv2.CC_STAT_AREA], positive, labels == lab)
    if best is None:
        return None
    dist = cv2.distanceTransform(np.pad(best[2], 1).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    y, x = np.unravel_index(np.argmax(dist[1:-1, 1:-1]), best[2].shape)
    return y, x, best[1]


@pytest.mark.benchmark(group="next_click 512x512")
@pytest.mark.parametrize("impl", ["bonebench", "bonebench-ritm", "scipy", "cc3d+edt", "opencv"])
def test_next_click_512(benchmark, slice512, impl):
    pred, truth, clicked = slice512
    fn = {"bonebench": lambda: next_click(pred, truth, clicked),
          "bonebench-ritm": lambda: next_click(pred, truth, clicked, mode="ritm"),
          "scipy": lambda: reference.next_click_largest(pred, truth, clicked),
          "cc3d+edt": lambda: _cc3d_edt_pipeline(pred, truth, clicked),
          "opencv": lambda: _opencv_pipeline(pred, truth, clicked)}[impl]
    result = benchmark(fn)
    assert result is not None
    if impl in ("bonebench", "scipy"):
        ours = next_click(pred, truth, clicked)
        assert (ours.y, ours.x, ours.positive) == reference.next_click_largest(pred, truth, clicked)


@pytest.mark.benchmark(group="next_click batch 32x96x96")
@pytest.mark.parametrize("impl", ["bonebench", "scipy"])
def test_next_click_batch(benchmark, patches96, impl):
    pred, truth, clicked = patches96
    if impl == "bonebench":
        rows = benchmark(next_click_batch, pred, truth, clicked)
        assert (rows[:, 0] >= 0).all()
    else:
        benchmark(lambda: [reference.next_click_largest(p, t, c) for p, t, c in zip(pred, truth, clicked)])


# ------------------------------------------------------------- click maps

CLICKS = [(200, 150), (260, 330)]


@pytest.mark.benchmark(group="click maps 2 clicks 512x512")
@pytest.mark.parametrize("impl", ["bonebench", "scipy", "opencv"])
def test_click_maps_512(benchmark, impl):
    def opencv():
        impulses = np.zeros((512, 512), np.float32)
        for y, x in CLICKS:
            impulses[y, x] = 1.0
        smooth = cv2.GaussianBlur(impulses, (17, 17), 2.0, borderType=cv2.BORDER_REFLECT)
        return smooth / smooth.max()

    fn = {"bonebench": lambda: click_maps((512, 512), CLICKS, sigma=2.0)[0],
          "scipy": lambda: reference_click_map((512, 512), CLICKS, 2.0),
          "opencv": opencv}[impl]
    out = benchmark(fn)
    np.testing.assert_allclose(out, reference_click_map((512, 512), CLICKS, 2.0), atol=1e-5)


def reference_click_map(shape, clicks, sigma):
    impulses = np.zeros(shape)
    for y, x in clicks:
        impulses[y, x] = 1.0
    smooth = ndimage.gaussian_filter(impulses, sigma)
    return (smooth - smooth.min()) / (smooth.max() - smooth.min())


@pytest.mark.benchmark(group="click maps batch 32x96x96")
@pytest.mark.parametrize("impl", ["bonebench", "scipy"])
def test_click_maps_batch(benchmark, impl):
    rng = np.random.default_rng(0)
    coords = rng.integers(0, 96, size=(32, 5, 2))
    kinds = rng.integers(0, 2, size=(32, 5))
    if impl == "bonebench":
        benchmark(click_maps_batch, (96, 96), coords, kinds, sigma=2.0)
    else:
        def scipy_maps():
            return [[reference_click_map((96, 96), [tuple(c) for c, k in zip(coords[b], kinds[b]) if k == kind], 2.0)
                     for kind in (1, 0) if (kinds[b] == kind).any()] for b in range(32)]
        benchmark(scipy_maps)


# ------------------------------------------------------------- components and distance alone

@pytest.mark.benchmark(group="components 512x512")
@pytest.mark.parametrize("impl", ["bonebench", "scipy", "cc3d", "opencv"])
def test_components_512(benchmark, slice512, impl):
    mask = slice512[0] ^ slice512[1]
    m8 = mask.astype(np.uint8)
    fn = {"bonebench": lambda: label_components(mask, 4),
          "scipy": lambda: ndimage.label(mask),
          "cc3d": lambda: cc3d.connected_components(m8, connectivity=4, return_N=True),
          "opencv": lambda: cv2.connectedComponents(m8, connectivity=4)}[impl]
    benchmark(fn)


@pytest.mark.benchmark(group="distance transform 512x512")
@pytest.mark.parametrize("impl", ["bonebench", "scipy", "edt", "opencv"])
def test_distance_512(benchmark, slice512, impl):
    mask = slice512[1]
    m8 = mask.astype(np.uint8)
    fn = {"bonebench": lambda: distance_transform(mask),
          "scipy": lambda: ndimage.distance_transform_edt(mask),
          "edt": lambda: edt.edt(m8, black_border=False),
          "opencv": lambda: cv2.distanceTransform(m8, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)}[impl]
    benchmark(fn)


@pytest.mark.benchmark(group="dice 512x512x200")
@pytest.mark.parametrize("impl", ["bonebench", "numpy"])
def test_dice_volume(benchmark, impl):
    rng = np.random.default_rng(0)
    a = rng.random((200, 512, 512)) < 0.1
    b = rng.random((200, 512, 512)) < 0.1

    def numpy_dice():
        g, p = a.astype(np.float64), b.astype(np.float64)
        return 2 * (g * p).sum() / ((g * g).sum() + (p * p).sum())

    out = benchmark(dice, a, b) if impl == "bonebench" else benchmark(numpy_dice)
    assert out == pytest.approx(numpy_dice())


# ------------------------------------------------------------- import cost

@pytest.mark.benchmark(group="import")
@pytest.mark.parametrize("what", ["python", "import bonebench.kernels",
                                  "import + first next_click (cached kernels)"])
def test_import_time(benchmark, what):
    code = {"python": "pass", "import bonebench.kernels": "import bonebench.kernels",
            "import + first next_click (cached kernels)":
                "import numpy as np; from bonebench.kernels import next_click; "
                "next_click(np.zeros((8, 8), bool), np.ones((8, 8), bool))"}[what]
    subprocess.run([sys.executable, "-c", code], check=True)  # warm the numba cache
    benchmark.pedantic(subprocess.run, args=([sys.executable, "-c", code],), kwargs={"check": True},
                       rounds=5, iterations=1)
