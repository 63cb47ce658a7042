"""Physical geometry of a volume, kept apart from its voxels so masks can be written back exactly."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import SimpleITK as sitk


@dataclass(frozen=True)
class VolumeGeometry:
    """Size, spacing, origin and direction in ITK order (x, y, z); the array itself is (z, y, x)."""

    size: tuple[int, int, int]
    spacing: tuple[float, float, float]
    origin: tuple[float, float, float]
    direction: tuple[float, ...]  # row-major 3x3

    @classmethod
    def of_image(cls, image: sitk.Image) -> "VolumeGeometry":
        """The geometry of a SimpleITK image (size, spacing, origin, direction)."""
        return cls(
            size=tuple(int(v) for v in image.GetSize()),
            spacing=tuple(float(v) for v in image.GetSpacing()),
            origin=tuple(float(v) for v in image.GetOrigin()),
            direction=tuple(float(v) for v in image.GetDirection()),
        )

    def apply_to(self, image: sitk.Image) -> sitk.Image:
        """Stamp this geometry on an image whose size matches."""
        if tuple(image.GetSize()) != self.size:
            raise ValueError(f"image size {image.GetSize()} does not match geometry size {self.size}")
        image.SetSpacing(self.spacing)
        image.SetOrigin(self.origin)
        image.SetDirection(self.direction)
        return image

    @property
    def shape_zyx(self) -> tuple[int, int, int]:
        return (self.size[2], self.size[1], self.size[0])

    @property
    def voxel_volume_ml(self) -> float:
        sx, sy, sz = self.spacing
        return sx * sy * sz / 1000.0

    def physical_to_continuous_index(self, point: tuple[float, float, float]) -> tuple[float, float, float]:
        """Continuous voxel index (i, j, k) = (x, y, z) of a physical LPS point in millimetres."""
        direction = np.asarray(self.direction, dtype=np.float64).reshape(3, 3)
        offset = np.asarray(point, dtype=np.float64) - np.asarray(self.origin)
        with np.errstate(all="ignore"):
            continuous = np.linalg.solve(direction, offset) / np.asarray(self.spacing)
        return tuple(float(v) for v in continuous)

    def physical_to_index(self, point: tuple[float, float, float]) -> tuple[int, int, int]:
        """Nearest voxel index (i, j, k) = (x, y, z) of a physical LPS point in millimetres."""
        return tuple(int(v) for v in np.rint(self.physical_to_continuous_index(point)))

    def to_dict(self) -> dict:
        """Plain lists and numbers (the napari layer's metadata carries the geometry this way)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "VolumeGeometry":
        return cls(size=tuple(d["size"]), spacing=tuple(d["spacing"]), origin=tuple(d["origin"]),
                   direction=tuple(d["direction"]))
