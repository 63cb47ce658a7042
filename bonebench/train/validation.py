"""Validation as in the study: the network on whole axial slices, Dice (Eq. 1) per patient; for
interactive models one simulated click per bone in each slice (at its innermost point).

Inference runs in the training run's precision (bf16 autocast + channels_last where it trains so)
under torch.inference_mode, in batches of whole slices: on the 2-core CPU one validation pass over
9 OpenKBP volumes went from about 50 s (fp32, batches of 16) to the figures in docs/benchmarks.md."""

from __future__ import annotations

from functools import partial

import numpy as np
import torch

from bonebench.kernels.metrics import dice
from bonebench.protocol.clicks import one_click_inputs, walk_inputs
from bonebench.protocol.network import THRESHOLD, InputSpec, network_input, padded_size
from bonebench.train.precision import Compute

BATCH_PIXELS = 32 * 128 * 128  # slices per inference batch: 32 of 128x128, fewer of larger slices


@torch.inference_mode()
def predict_slices(model: torch.nn.Module, inputs: np.ndarray, compute: Compute, *,
                   batch_slices: int | None = None, sigmoid: bool = True) -> np.ndarray:
    """Foreground probability (N, H, W) for network inputs (N, C, H, W), padded by the protocol's
    pad rule (the raw output instead with sigmoid=False: the restoration head); `batch_slices`
    defaults to BATCH_PIXELS worth of slices."""
    was_training = model.training
    model.eval()
    n, c, h, w = inputs.shape
    ph, pw = padded_size(h), padded_size(w)
    step = batch_slices or max(1, BATCH_PIXELS // (ph * pw))
    out = np.empty((n, h, w), dtype=np.float32)
    for s in range(0, n, step):
        chunk = inputs[s:s + step]
        padded = np.zeros((len(chunk), c, ph, pw), dtype=np.float32)
        padded[:, :, :h, :w] = chunk
        with compute.autocast():
            logits = model(compute.tensor(padded))
        result = torch.sigmoid(logits.float()) if sigmoid else logits.float()
        out[s:s + len(chunk)] = result[:, 0, :h, :w].cpu().numpy()
    model.train(was_training)
    return out


def predict_volume(model: torch.nn.Module, hu: np.ndarray, compute: Compute) -> np.ndarray:
    """Foreground probability (z, y, x) of an image-only model for every slice of a clipped-HU volume."""
    return predict_slices(model, network_input(hu, InputSpec(interactive=False)), compute)


def validation_dice(model: torch.nn.Module, cases, compute: Compute) -> float:
    """Mean over patients of the volume Dice of the thresholded prediction."""
    scores = [dice(c.target, predict_volume(model, c.hu, compute) > THRESHOLD) for c in cases]
    return float(np.mean(scores)) if scores else 0.0


def interactive_validation_dice(model: torch.nn.Module, cases, labels: list[int], compute: Compute,
                                spec: InputSpec, walk_arms: float = 0.0) -> float:
    """Mean over patients and the target labels each patient shows of the volume Dice with one click
    per slice (a multi-region dataset would otherwise score empty-against-empty for absent bones);
    a neighbour-mask model is scored both so and as a walk sees each slice (walk_inputs, clicked as
    its training clicks walked slices: `walk_arms`), half each."""
    scores = []
    views = [one_click_inputs] + ([partial(walk_inputs, walk_arms=walk_arms)] if spec.neighbour_mask else [])
    for case in cases:
        for value in labels:
            target = case.target == value
            if not target.any():  # a bone this patient does not show: nothing to click, nothing to score
                continue
            for view in views:
                prob = predict_slices(model, view(case.hu, target, spec), compute)
                scores.append(dice(target, prob > THRESHOLD))
    return float(np.mean(scores)) if scores else 0.0
