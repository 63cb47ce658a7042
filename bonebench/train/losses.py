"""Segmentation losses on logits: the study's cross entropy, a soft Dice (Eq. 1), or both."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def soft_dice_loss(logits: torch.Tensor, target: torch.Tensor, eps: float = 1.0) -> torch.Tensor:
    """1 - Eq. 1 on probabilities, over the whole batch (stable when a patch has no bone)."""
    p = torch.sigmoid(logits.float())
    inter = (p * target).sum()
    return 1.0 - (2.0 * inter + eps) / ((p * p).sum() + (target * target).sum() + eps)


def segmentation_loss(name: str, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    ce = F.binary_cross_entropy_with_logits(logits.float(), target) if "ce" in name else 0.0
    dice = soft_dice_loss(logits, target) if "dice" in name else 0.0
    return ce + dice


def restoration_loss(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """L1 between the restored patch and the original. The restoration head is linear: through a
    sigmoid, the mostly-air targets (≈0) saturate it within a few hundred iterations and the
    gradient vanishes for every pixel (seen here: a constant black output)."""
    return F.l1_loss(output.float(), target)
