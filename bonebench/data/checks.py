"""Checks on the files a user names, run before any heavy work, each failing with one InputError line.

Inputs must exist, be readable and decode completely: SimpleITK reads a NIfTI cut short without a
word (it fills the missing voxels with zeros), so the whole gzip stream is decompressed (which also
verifies its checksum) and a NIfTI must hold as many bytes as its header promises. Outputs must go to
a writable folder, have an extension we can write, and never be one of the inputs (same resolved path
or same inode: a symlink or hard link to the CT is the CT).
"""

from __future__ import annotations

import gzip
import os
import struct
import tempfile
import zlib
from pathlib import Path
from typing import Iterable

from bonebench.data.atomic import file_suffix
from bonebench.data.formats import MASK_SUFFIXES
from bonebench.errors import InputError

# The output extensions by kind; the mask's are data.formats' (the readers and writers share them).
OUTPUT_FORMATS: dict[str, list[str]] = {
    "mask": list(MASK_SUFFIXES),
    "preview": [".png"],
    "model": [".onnx"],
    "split": [".json"],
    "checkpoint": [".pt"],
}
GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 1 << 22


# ---------------------------------------------------------------- inputs
def check_input_path(path: str | os.PathLike) -> Path:
    """The path exists and can be read (a folder: listed); returns it as a Path."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_dir():
        if not os.access(path, os.R_OK | os.X_OK):
            raise InputError(f"{path}: folder cannot be read (permission denied)")
        return path
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    try:
        with open(path, "rb") as f:
            f.read(1)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    return path


def check_model_file(path: str | os.PathLike, expected: str = "an .onnx file") -> Path:
    """A model path names a file: a folder or a missing path is refused by what it is."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder, expected {expected}")
    if not path.is_file():
        raise InputError(f"{path}: no such model file")
    return path


def check_volume_file(path: str | os.PathLike) -> Path:
    """An input volume exists, is readable and decodes completely (gzip stream, NIfTI voxel count)."""
    path = check_input_path(path)
    if path.is_dir():
        return path
    if path.stat().st_size == 0:
        raise InputError(f"{path}: file is empty")
    with open(path, "rb") as f:
        compressed = f.read(2) == GZIP_MAGIC
    head, length = _gzip_head_and_length(path) if compressed else (_read_head(path), path.stat().st_size)
    expected = nifti_expected_bytes(head)
    if expected is not None and length < expected:
        raise InputError(f"{path}: cannot read volume: file is truncated (holds {length} bytes of the {expected} its header promises)")
    return path


def check_nifti_length(path: str | os.PathLike) -> None:
    """A cheap truncation check for every NIfTI read (training data too), without decompressing it:
    a .nii must be as long as its header says; a .nii.gz's gzip trailer stores the decompressed length
    (mod 2**32), which a file cut short does not end with. check_volume_file does the full check."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size < 8:
        return
    with open(path, "rb") as f:
        compressed = f.read(2) == GZIP_MAGIC
        f.seek(-4, os.SEEK_END)
        stored_length = struct.unpack("<I", f.read(4))[0]
    try:
        head = _read_gzip_head(path) if compressed else _read_head(path)
    except (EOFError, OSError, zlib.error):
        raise InputError(f"{path}: cannot read volume: file is corrupt or truncated") from None
    expected = nifti_expected_bytes(head)
    if expected is None:
        return
    length = stored_length if compressed else path.stat().st_size
    if (compressed and length != expected % 2**32) or (not compressed and length < expected):
        raise InputError(f"{path}: cannot read volume: file is truncated (it does not hold the "
                         f"{expected} bytes its header promises)")


def _read_gzip_head(path: Path, size: int = 544) -> bytes:
    with gzip.open(path, "rb") as f:
        return f.read(size)


def _read_head(path: Path, size: int = 544) -> bytes:
    with open(path, "rb") as f:
        return f.read(size)


def _gzip_head_and_length(path: Path, size: int = 544) -> tuple[bytes, int]:
    """Decompress the whole gzip stream (checksum included); its first bytes and its length."""
    head, length = b"", 0
    try:
        with gzip.open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                if len(head) < size:
                    head += chunk[: size - len(head)]
                length += len(chunk)
    except EOFError:
        raise InputError(f"{path}: cannot read volume: file is truncated (its compressed data ends early)") from None
    except (gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise InputError(f"{path}: cannot read volume: file is corrupt (gzip: {exc})") from None
    return head, length


def nifti_expected_bytes(head: bytes) -> int | None:
    """Bytes a single-file NIfTI-1/-2 must hold (voxel offset + voxels x bytes per voxel), from its
    header; None when `head` is not such a header."""
    for order in "<>":
        if len(head) >= 348 and struct.unpack(order + "i", head[:4])[0] == 348 and head[344:347] == b"n+1":
            dims = struct.unpack(order + "8h", head[40:56])
            bitpix = struct.unpack(order + "h", head[72:74])[0]
            offset = int(struct.unpack(order + "f", head[108:112])[0])
        elif len(head) >= 540 and struct.unpack(order + "i", head[:4])[0] == 540 and head[4:7] == b"n+2":
            bitpix = struct.unpack(order + "h", head[14:16])[0]
            dims = struct.unpack(order + "8q", head[16:80])
            offset = struct.unpack(order + "q", head[168:176])[0]
        else:
            continue
        if not 1 <= dims[0] <= 7 or bitpix <= 0 or any(d < 0 for d in dims[1:dims[0] + 1]):
            return None  # a broken header: SimpleITK refuses it with its own message
        voxels = 1
        for d in dims[1:dims[0] + 1]:
            voxels *= max(int(d), 1)
        return offset + voxels * bitpix // 8
    return None


# ---------------------------------------------------------------- outputs
def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """True when a and b name the same file: equal resolved paths, or the same inode (hard link)."""
    if Path(a).resolve() == Path(b).resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _inside_existing(path: Path, folder: str | os.PathLike) -> bool:
    """True when `path` is an existing file inside the input folder `folder` (a dataset, a DICOM
    series): overwriting it destroys input data; a new file beside the data is fine."""
    folder = Path(folder)
    return folder.is_dir() and path.exists() and path.resolve().is_relative_to(folder.resolve())


def _named(option: str, path: Path) -> str:
    """How a message names an output: by its option and path (-o mask.png), or by the path alone
    where there is no option (the napari widget's Save)."""
    return f"{option} {path}" if option else str(path)


def check_output_path(path: str | os.PathLike, kind: str, inputs: Iterable[str | os.PathLike] = (),
                      option: str = "-o", any_suffix: bool = False) -> Path:
    """An output path we can write: a supported extension for `kind` (any with `any_suffix`, when the
    format is named otherwise, e.g. --format dicom-seg), not a folder, not an input, in a folder we can
    create files in. Messages start with `option` (none: the path alone). Returns it as a Path."""
    path = Path(path)
    suffixes = OUTPUT_FORMATS[kind]
    if path.is_dir():
        raise InputError(f"{_named(option, path)}: is a folder; name a file in it, e.g. {path / ('out' + suffixes[0])}")
    suffix = file_suffix(path)
    if suffix not in suffixes and not any_suffix:
        raise InputError(f"{_named(option, path)}: cannot write a {kind} as {suffix or 'a file without extension'}; "
                         f"use {', '.join(suffixes)}")
    for source in inputs:
        if source is not None and (same_file(path, source) or _inside_existing(path, source)):
            raise InputError(f"{_named(option, path)}: is the input {source}" +
                             (" or a file in it" if Path(source).is_dir() else "") +
                             "; writing there would destroy it, choose another output")
    check_writable_folder(path, option)
    return path


def check_writable_folder(path: Path, option: str = "-o") -> None:
    """The nearest existing folder above `path` accepts new files (checked by creating one: os.access
    alone says yes to root on a read-only mount)."""
    existing = path.parent
    while not existing.exists() and existing != existing.parent:
        if existing.is_symlink():
            raise InputError(f"{_named(option, path)}: {existing} is a broken link")
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(f"{_named(option, path)}: cannot write under {existing}, which is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"{_named(option, path)}: folder {existing} is read-only")
    try:
        fd, probe = tempfile.mkstemp(prefix=".bonebench-probe-", dir=existing)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(f"{_named(option, path)}: cannot write in {existing} ({exc.strerror})") from None
