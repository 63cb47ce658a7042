"""Data layer: volumes in and out (SimpleITK), the HU window, datasets on disk, splits, patch
sampling and CT phantoms (legs, joints, thorax). Never imports torch."""

from bonebench.data.dataset import Dataset, LoadedCase
from bonebench.data.geometry import VolumeGeometry
from bonebench.data.intensity import HU_MAX, HU_MIN, window_hu
from bonebench.data.sampling import SliceSampler
from bonebench.data.splits import Split, make_split
from bonebench.data.volume_io import read_volume, write_mask, write_volume

__all__ = ["Dataset", "LoadedCase", "VolumeGeometry", "HU_MIN", "HU_MAX", "window_hu", "SliceSampler",
           "Split", "make_split", "read_volume", "write_mask", "write_volume"]
