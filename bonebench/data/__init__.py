"""Data layer: volumes in and out (SimpleITK), the HU window, datasets on disk, splits, patch
sampling and CT phantoms (legs, joints, thorax). Never imports torch."""
