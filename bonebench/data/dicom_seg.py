"""Write a bone mask as a DICOM Segmentation (DICOM-SEG) of the CT series it was computed on.

Hospital systems (PACS, OHIF, 3D Slicer) store masks as DICOM-SEG, not NIfTI. highdicom builds the
object: it references the source series and instances, copies the patient and study, and takes
each frame's position from its source image, so frames lie in the source geometry. Array slice z
comes from `DicomSource.files[z]` (the list SimpleITK stacked), which is how a (z, y, x) mask finds
its source instance. Bone names are coded with SNOMED CT concepts from pydicom's dictionary (never
hand-typed codes); a name without one gets the generic "Bone".

highdicom and pydicom are the optional `dicom` extra (pulled by `cpu` and `gpu`): imported here only
when a DICOM-SEG is written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

import bonebench
from bonebench.data.atomic import atomic_path
from bonebench.data.dicom_series import DicomSource
from bonebench.data.geometry import VolumeGeometry
from bonebench.errors import InputError

SEG_SERIES_NUMBER = 100  # a series number of its own, apart from the CT's usual 1..10

# bone name (lower case, as in a model's label) -> attribute of pydicom's `codes.SCT`. The one table
# of bone codes; every attribute resolves to a SNOMED CT concept shipped with pydicom.
BONE_CODES = {
    "fibula": "Fibula", "tibia": "Tibia", "femur": "Femur", "patella": "Patella",
    "humerus": "Humerus", "radius": "Radius", "ulna": "Ulna",
    "clavicle": "Clavicle", "scapula": "Scapula", "sternum": "Sternum", "rib": "Rib", "ribs": "Rib",
    "vertebra": "Vertebra", "vertebrae": "Vertebra", "sacrum": "Sacrum", "coccyx": "Coccyx",
    "pelvis": "BoneStructureOfPelvis", "ilium": "Ilium", "ischium": "Ischium",
    "mandible": "Mandible", "maxilla": "Maxilla", "skull": "Skull",
    "calcaneus": "Calcaneus", "talus": "Talus",
}
GENERIC_BONE = "Bone"  # codes.SCT.Bone (272673000), under the category Tissue
# everyday names a user may type for --bone -> the name in BONE_CODES they mean
BONE_SYNONYMS = {
    "jaw": "mandible", "jawbone": "mandible", "lower jaw": "mandible", "upper jaw": "maxilla",
    "shinbone": "tibia", "shin bone": "tibia", "thighbone": "femur", "thigh bone": "femur",
    "kneecap": "patella", "collarbone": "clavicle", "collar bone": "clavicle", "shoulder blade": "scapula",
    "breastbone": "sternum", "breast bone": "sternum", "tailbone": "coccyx", "heel bone": "calcaneus",
    "hip bone": "pelvis", "hipbone": "pelvis", "cranium": "skull",
}


def bone_name(text: str) -> str:
    """The bone a user's --bone names: a name of BONE_CODES (any case), a synonym of one (jawbone ->
    mandible), or "bone" for the generic SNOMED CT "Bone"; anything else is refused listing the names,
    rather than silently coded as the generic "Bone"."""
    key = " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())
    key = BONE_SYNONYMS.get(key, key)
    if key in BONE_CODES or key == "bone":
        return key
    raise InputError(f"--bone {text!r}: unknown bone; known: {', '.join(sorted(BONE_CODES))} (or 'bone' for the "
                     "generic SNOMED CT code)")


@dataclass(frozen=True)
class SegAlgorithm:
    """Who made the mask: bonebench (this version) running a model; interactive means a user clicked."""

    model: str
    interactive: bool
    version: str = bonebench.__version__
    parameters: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of_model(cls, info) -> "SegAlgorithm":
        """The algorithm record of a bonebench model (its ModelInfo: name, kind, group, label)."""
        return cls(info.name, info.interactive, parameters={"group": info.group, "labels": info.label})


def default_bone_name(model_label: str) -> str:
    """The bone a mask is named after when the user names none: the model's label, or the generic
    "bone" for a multi-bone model, whose label lists its bones ("fibula,tibia"): which one was
    clicked only the user knows."""
    return model_label if "," not in model_label else "bone"


def bone_codes(bone: str):
    """(segmented property category, segmented property type) for a bone name: the bone's SNOMED CT
    concept under "Anatomical Structure", or Tissue / Bone when the name has no code of its own."""
    from pydicom.sr.codedict import codes

    attribute = BONE_CODES.get(bone.strip().lower())
    if attribute is None:
        return codes.SCT.Tissue, getattr(codes.SCT, GENERIC_BONE)
    return codes.SCT.AnatomicalStructure, getattr(codes.SCT, attribute)


def segment_description(bone: str, algorithm: SegAlgorithm):
    """The one segment: labelled with the bone's name, coded, and credited to bonebench and the model."""
    import highdicom as hd
    from pydicom.sr.codedict import codes

    category, property_type = bone_codes(bone)
    identification = hd.AlgorithmIdentificationSequence(
        name="bonebench", version=algorithm.version, family=codes.cid7162.ArtificialIntelligence,
        source=algorithm.model, parameters={"model": algorithm.model, **algorithm.parameters})
    kind = hd.seg.SegmentAlgorithmTypeValues.SEMIAUTOMATIC if algorithm.interactive \
        else hd.seg.SegmentAlgorithmTypeValues.AUTOMATIC
    return hd.seg.SegmentDescription(segment_number=1, segment_label=(bone.strip() or "bone")[:64],
                                     segmented_property_category=category, segmented_property_type=property_type,
                                     algorithm_type=kind, algorithm_identification=identification)


def _source_datasets(source: DicomSource) -> list:
    """The source files' headers in array slice order, checked against the UIDs read with the volume."""
    import pydicom

    datasets = []
    for path, uid in zip(source.files, source.sop_instance_uids):
        try:
            dataset = pydicom.dcmread(path, stop_before_pixels=True)
        except (OSError, pydicom.errors.InvalidDicomError) as exc:
            raise InputError(f"{path}: cannot read DICOM header ({exc})") from None
        if str(dataset.get("SOPInstanceUID", "")) != uid:
            raise InputError(f"{path}: file changed since the series was read (SOP Instance UID differs)")
        datasets.append(dataset)
    return datasets


def _import_highdicom():
    try:
        import highdicom
    except ImportError:
        raise InputError("DICOM-SEG output needs highdicom: pip install 'bonebench[dicom]'") from None
    return highdicom


def write_dicom_seg(path: str | os.PathLike, mask: np.ndarray, geometry: VolumeGeometry, source: DicomSource,
                    *, bone: str, algorithm: SegAlgorithm) -> None:
    """Write a binary (z, y, x) mask of the series in `source` as a one-segment DICOM-SEG, atomically.
    An empty mask writes nothing and raises InputError (a SEG needs at least one frame)."""
    hd = _import_highdicom()
    mask = np.asarray(mask)
    if mask.shape != geometry.shape_zyx:
        raise InputError(f"mask shape {mask.shape} does not match the series (z, y, x) {geometry.shape_zyx}")
    if not mask.any():
        raise InputError(f"{path}: the mask is empty; no DICOM-SEG written")
    source.check_matches(geometry)
    datasets = _source_datasets(source)
    seg = hd.seg.Segmentation(
        source_images=datasets, pixel_array=(mask > 0).astype(np.uint8),
        segmentation_type=hd.seg.SegmentationTypeValues.BINARY,
        segment_descriptions=[segment_description(bone, algorithm)],
        series_instance_uid=hd.UID(), series_number=SEG_SERIES_NUMBER, sop_instance_uid=hd.UID(),
        instance_number=1, manufacturer="bonebench", manufacturer_model_name=algorithm.model,
        software_versions=algorithm.version, device_serial_number="none",
        series_description=f"bonebench {bone} ({algorithm.model})"[:64],
        content_description=f"{bone} segmented by bonebench {algorithm.version} with {algorithm.model}"[:64])
    with atomic_path(path) as tmp:
        seg.save_as(tmp)
