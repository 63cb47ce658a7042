"""The three kinds of model group. A group *key* (seg, inter-prev, ...) names a registry entry; its
*kind* says what the model does. Code that branches on behaviour compares kinds, never keys."""

RESTORATION = "restoration"  # distorted patch in, restored patch out (pretraining only)
SEGMENTATION = "segmentation"  # image in, mask out
INTERACTIVE = "interactive"  # image + click maps (+ previous mask) in, the clicked bone out

KINDS = (RESTORATION, SEGMENTATION, INTERACTIVE)
