"""The napari reader: NIfTI, NRRD, MHA/MHD and DICOM series folders through bonebench.data.volume_io.

Arrays are (z, y, x) and VolumeGeometry is ITK's (x, y, z), so the layer's scale and translate are
the spacing and origin reversed: a voxel's centre then sits at its physical millimetres (for an
identity direction; the direction matrix is kept in the metadata and used when the mask is saved,
so a saved mask lands on the input's voxels whatever the direction).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from bonebench.data.atomic import file_suffix
from bonebench.data.formats import VOLUME_SUFFIXES
from bonebench.data.geometry import VolumeGeometry
META_KEY = "bonebench"  # layer.metadata[META_KEY] = {"geometry": dict, "source": str}
CT_CONTRAST = (-400.0, 1200.0)  # bone and soft tissue both readable


def layer_transform(geometry: VolumeGeometry) -> dict:
    """napari's scale and translate, in (z, y, x) order, for a volume of this geometry."""
    return {"scale": tuple(geometry.spacing[::-1]), "translate": tuple(geometry.origin[::-1])}


def geometry_of(metadata: dict, shape: tuple[int, int, int], scale, translate) -> VolumeGeometry:
    """The geometry a layer carries (set by this reader), or one built from its scale and
    translate with an identity direction for an image some other reader opened."""
    stored = (metadata or {}).get(META_KEY, {}).get("geometry")
    if stored is not None:
        geometry = VolumeGeometry.from_dict(stored)
        if geometry.shape_zyx == tuple(shape):
            return geometry
    nz, ny, nx = shape
    return VolumeGeometry(size=(nx, ny, nz), spacing=tuple(float(v) for v in np.asarray(scale)[::-1]),
                          origin=tuple(float(v) for v in np.asarray(translate)[::-1]),
                          direction=(1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0))


def source_of(metadata: dict) -> Path | None:
    """The file or DICOM folder an image layer was read from, when this reader read it."""
    source = (metadata or {}).get(META_KEY, {}).get("source")
    return Path(source) if source else None


def _is_volume_path(path: Path) -> bool:
    if path.is_dir():
        return _holds_dicom_series(path)
    return path.name.lower().endswith(VOLUME_SUFFIXES)


def _holds_dicom_series(folder: Path) -> bool:
    import SimpleITK as sitk

    return bool(sitk.ImageSeriesReader.GetGDCMSeriesIDs(str(folder)))


def get_reader(path: str | os.PathLike | list):
    """npe2 reader contribution: the reading function for a path bonebench can open, else None
    (so napari tries its other readers)."""
    if isinstance(path, (list, tuple)):
        if len(path) != 1:
            return None
        path = path[0]
    return read_layers if _is_volume_path(Path(path)) else None


def read_layers(path: str | os.PathLike | list) -> list[tuple]:
    """Read one volume as napari layer data: [(array, kwargs, "image")] (see image_layer)."""
    from bonebench.data.volume_io import read_volume

    if isinstance(path, (list, tuple)):
        path = path[0]
    hu, geometry = read_volume(path)
    return [image_layer(hu, geometry, Path(path))]


def image_layer(hu: np.ndarray, geometry: VolumeGeometry, path: Path) -> tuple:
    """(array, kwargs, "image") for a volume read from `path`: physical scale and translate, the
    geometry and source in the metadata, and a CT contrast window."""
    suffix = file_suffix(path) if path.is_file() else ""
    name = path.name[: len(path.name) - len(suffix)] if suffix else path.name
    kwargs = dict(name=name, colormap="gray", contrast_limits=CT_CONTRAST,
                  metadata={META_KEY: {"geometry": geometry.to_dict(), "source": str(path)}},
                  **layer_transform(geometry))
    return hu, kwargs, "image"
