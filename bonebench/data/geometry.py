"""Physical geometry of a volume, kept apart from its voxels so masks can be written back exactly."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import SimpleITK as sitk

from bonebench.errors import InputError

# The voxel sizes (mm) a CT can have, the one owner of this range (input volumes here, model and
# training pixel sizes in data.resample.check_pixel_mm). No clinical CT is outside it: in-plane pixels
# run 0.2-1 mm (micro-CT extremity scanners 0.05-0.1 mm, coarse or OpenKBP-like scans up to 5.4 mm),
# slices 0.5-10 mm. A spacing of 1000 mm or 1e-4 mm is a broken header (metres, microns, or a missing
# value), and every volume in mL and every millimetre-based rule would be wrong with it.
SPACING_MM = (0.05, 20.0)
# Slices (z) may be thicker: the thick-slice leg phantoms that tests and quick demos draw reach 44 mm
# (a 350 mm leg in 8 slices). 100 mm still refuses metres read as millimetres and a missing value.
SLICE_MM = (0.05, 100.0)


def spacing_problem(value: float, allowed: tuple[float, float] = SPACING_MM) -> bool:
    """Whether a voxel size in mm lies outside `allowed` (SPACING_MM) or is not a finite number."""
    return not (isinstance(value, (int, float)) and np.isfinite(value) and allowed[0] <= value <= allowed[1])


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

    def check_spacing(self, name) -> None:
        """Refuse pixels outside SPACING_MM or slices outside SLICE_MM, naming the axis and its value;
        `name` heads the message."""
        for axis, value, allowed in zip("xyz", self.spacing, (SPACING_MM, SPACING_MM, SLICE_MM)):
            if spacing_problem(value, allowed):
                raise InputError(f"{name}: voxel spacing {axis} = {value:g} mm is outside {allowed[0]:g}-"
                                 f"{allowed[1]:g} mm, where every clinical CT lies; the file's header is wrong "
                                 "(metres or microns?): fix its spacing")

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
