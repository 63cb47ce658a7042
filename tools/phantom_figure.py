"""Draw a leg phantom slice beside a real CT slice (OpenKBP mandible) at the same display window.

    python tools/phantom_figure.py docs/img/phantom_vs_real.png [--real ../shared/data/openkbp-mandible]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from bonebench.data.dataset import Dataset  # noqa: E402
from bonebench.data.phantoms import FIBULA, TIBIA, make_phantom  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--real", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/openkbp-mandible")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    hu, labels, geometry = make_phantom(args.seed)
    z = hu.shape[0] // 3
    real = Dataset(args.real).load("pt_100", "mandible")
    rz = int(np.argmax(real.target.sum(axis=(1, 2))))

    fig, axes = plt.subplots(1, 3, figsize=(15, 5.4))
    window = dict(cmap="gray", vmin=-400, vmax=1200)
    axes[0].imshow(hu[z], **window)
    axes[0].set_title(f"bonebench leg phantom, seed {args.seed}, slice {z}\n"
                      f"{geometry.spacing[0]:.2f} mm pixels")
    crop = (slice(50, 210), slice(10, 130))
    axes[1].imshow(hu[z][crop], **window)
    axes[1].contour(labels[z][crop] == FIBULA, levels=[0.5], colors="red", linewidths=0.8)
    axes[1].contour(labels[z][crop] == TIBIA, levels=[0.5], colors="yellow", linewidths=0.8)
    axes[1].set_title("right leg, labels: fibula (red), tibia (yellow)")
    axes[2].imshow(real.hu[rz], **window)
    axes[2].contour(real.target[rz], levels=[0.5], colors="red", linewidths=0.8)
    axes[2].set_title(f"real CT (OpenKBP pt_100, slice {rz}), mandible in red\n"
                      f"{real.geometry.spacing[0]:.2f} mm pixels")
    for ax in axes:
        ax.axis("off")
    fig.suptitle("Display window [-400, 1200] HU for all panels")
    fig.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=80)


if __name__ == "__main__":
    main()
