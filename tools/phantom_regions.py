"""Draw one axial and one coronal slice per phantom region with the bone labels outlined.

    python tools/phantom_regions.py docs/img/phantom_regions.png [--seed 3] [--size 256 --slices 64]

Axial slices are shown as stored (array[z]); coronal slices are array[:, y, :] with superior up and
the true aspect ratio (slice spacing / pixel). The axial slice is the one where the region's first
bone has the most connected pieces (a split bone, if there is one); the coronal row crosses the
most bone.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from scipy import ndimage  # noqa: E402

from bonebench.data.phantoms import (ANATOMICAL_REGIONS, BONE_LABELS, REGIONS, PhantomShape,  # noqa: E402
                                     make_region_phantom)

COLOURS = ListedColormap(plt.get_cmap("tab20").colors[:14])


def _axial_slice(labels: np.ndarray, value: int) -> int:
    pieces = [ndimage.label(labels[z] == value)[1] for z in range(labels.shape[0])]
    area = (labels == value).sum(axis=(1, 2))
    return int(np.lexsort((area, pieces))[-1])


def _crop(labels: np.ndarray) -> tuple[slice, slice]:
    """Rows and columns around all bones of the volume, with a margin (the FOV is mostly air)."""
    ys, xs = np.nonzero(labels.any(axis=0))
    pad = max(12, int(np.ptp(ys) + np.ptp(xs)) // 6)
    return (slice(max(ys.min() - pad, 0), ys.max() + pad + 1), slice(max(xs.min() - pad, 0), xs.max() + pad + 1))


def _panel(ax, image, labels, title, aspect=1.0, lower=False):
    origin = "lower" if lower else "upper"
    ax.imshow(image, cmap="gray", vmin=-400, vmax=1500, aspect=aspect, origin=origin, interpolation="nearest")
    overlay = np.ma.masked_equal(labels, 0)
    ax.imshow(overlay, cmap=COLOURS, vmin=0, vmax=13, alpha=0.35, aspect=aspect, origin=origin,
              interpolation="nearest")
    ax.set_title(title, fontsize=8)
    ax.axis("off")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--slices", type=int, default=64)
    args = parser.parse_args()
    names = list(ANATOMICAL_REGIONS)
    fig, axes = plt.subplots(2, len(names), figsize=(3.2 * len(names), 7.2))
    for col, name in enumerate(names):
        hu, labels, geo = make_region_phantom(name, args.seed, PhantomShape(args.size, args.slices))
        first = BONE_LABELS[REGIONS[name].bones[0]] if name != "legs" else 2
        z = _axial_slice(labels, first)
        sx, _, sz = geo.spacing
        flip = "diag(-1,-1,1)" if geo.direction[0] < 0 else "identity"
        bones = ", ".join(REGIONS[name].bones)
        rows, cols = _crop(labels)
        hu, labels = hu[:, rows, cols], labels[:, rows, cols]
        y = int(np.argmax((labels > 0).sum(axis=(0, 2))))
        _panel(axes[0, col], hu[z], labels[z], f"{name}: axial z={z}\n{sx:.2f} x {sz:.2f} mm, {flip}\n{bones}")
        _panel(axes[1, col], hu[:, y, :], labels[:, y, :], f"coronal y={y}", aspect=sz / sx, lower=True)
    fig.suptitle(f"bonebench region phantoms, seed {args.seed}, {args.size}x{args.size}x{args.slices} "
                 "(window -400..1500 HU; labels tinted; cropped to the bones)", fontsize=10)
    fig.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=110)


if __name__ == "__main__":
    main()
