"""The file formats bonebench reads and writes masks in: the one list of their extensions.

A leaf (it imports nothing), so the checks, the readers, the mask writers, the CLIs' help and the
napari widget's file dialogs all read the same names without importing each other.

Masks go to single-file formats SimpleITK writes a label volume to (not .mhd: its voxels go to a
second file, which a rename cannot commit together with the header; .mha is the same MetaImage
format in one file), or to a DICOM-SEG of the source series.
"""

NIFTI_GZ = ".nii.gz"
VOLUME, DICOM_SEG = "volume", "dicom-seg"  # the mask formats (bb-segment --format)
MASK_FORMATS = (VOLUME, DICOM_SEG)
VOLUME_MASK_SUFFIXES = (NIFTI_GZ, ".nii", ".nrrd", ".mha")
DICOM_SEG_SUFFIXES = (".dcm",)
MASK_SUFFIXES = VOLUME_MASK_SUFFIXES + DICOM_SEG_SUFFIXES
# volumes the readers open as a file (a DICOM series is a folder)
VOLUME_SUFFIXES = (".nii", NIFTI_GZ, ".nrrd", ".nhdr", ".mha", ".mhd")
# what a file dialog calls each mask extension, in the order it offers them
MASK_FILTERS = {NIFTI_GZ: "NIfTI", ".dcm": "DICOM-SEG", ".nrrd": "NRRD", ".mha": "MetaImage", ".nii": "NIfTI"}


def listed(suffixes: tuple[str, ...], last: str = "or") -> str:
    """'.a, .b or .c': extensions in a sentence."""
    return ", ".join(suffixes[:-1]) + f" {last} {suffixes[-1]}" if len(suffixes) > 1 else suffixes[0]
