"""Pictures of what training does (matplotlib, written atomically)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bonebench.data.atomic import atomic_path
from bonebench.data.dataset import Dataset
from bonebench.data.sampling import SliceSampler
from bonebench.data.splits import Split
from bonebench.errors import InputError
from bonebench.train.checkpoint import load_checkpoint
from bonebench.train.distortions import distort_batch
from bonebench.train.groups import RESTORATION, get_group, build_model
from bonebench.train.precision import CPU_FP32
from bonebench.train.validation import predict_slices


def restoration_figure(checkpoint: Path, data: Path, out: Path, *, samples: int = 4, seed: int = 0) -> None:
    """Rows of (distorted input, original, restored) patches from the validation patients."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    payload = load_checkpoint(checkpoint)
    if payload.get("group") != RESTORATION:
        raise InputError(f"{checkpoint}: not a restoration checkpoint (group {payload.get('group')!r})")
    config = payload["config"]
    model = build_model(get_group(RESTORATION), config["base_width"])
    model.load_state_dict(payload["model"])
    dataset = Dataset(data)
    split = Split(0, (), tuple(payload["split"]["val"]), ())
    images = [dataset.load_image(c) for c in split.val]
    sampler = SliceSampler(images, [np.zeros(v.shape, np.uint8) for v in images],
                           patch_size=config["patch_size"], batch_size=samples, seed=seed)
    distorted, original = distort_batch(sampler.next_batch()[0], np.random.default_rng(seed))
    restored = np.clip(predict_slices(model, distorted, CPU_FP32, sigmoid=False), 0.0, 1.0)
    fig, axes = plt.subplots(samples, 3, figsize=(7.5, 2.5 * samples), squeeze=False)
    for row in range(samples):
        for col, (title, img) in enumerate([("distorted input", distorted[row, 0]),
                                            ("original", original[row, 0]), ("restored", restored[row])]):
            ax = axes[row, col]
            ax.imshow(img, cmap="gray", vmin=0.0, vmax=0.45)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(title)
    fig.suptitle(f"Restoration pretraining ({payload['name']}, iteration {payload['iteration']}, "
                 f"val L1 {payload.get('val_l1', float('nan')):.3f})")
    fig.tight_layout()
    with atomic_path(out) as tmp:
        fig.savefig(tmp, dpi=80, format="png")
    plt.close(fig)
