"""ITK's own messages go to Python logging (debug), never to the user's terminal.

ITK and GDCM print warnings ("No Series were found", "data not read completely", ...) straight to
the process's stderr, around Python. A CLI promises one line on bad input, so those lines must not
appear: ITK's messages are routed through a SimpleITK logger into the `bonebench.itk` debug log, and
around each read the C-level stderr (file descriptor 2) is captured too, for the libraries that print
with std::cerr themselves (MetaIO, NRRD). What was captured is logged and handed back, so a caller can
use it to name the cause of a failure (for example a truncated file).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
from typing import Iterator

import SimpleITK as sitk

LOG = logging.getLogger("bonebench.itk")


class _ToLogging(sitk.LoggerBase):
    """A SimpleITK logger that writes every ITK message to the debug log."""

    def DisplayText(self, text):  # noqa: N802 (ITK's method names)
        LOG.debug("itk: %s", text.strip())

    def DisplayErrorText(self, text):  # noqa: N802
        LOG.debug("itk error: %s", text.strip())

    def DisplayWarningText(self, text):  # noqa: N802
        LOG.debug("itk warning: %s", text.strip())

    def DisplayGenericOutputText(self, text):  # noqa: N802
        LOG.debug("itk: %s", text.strip())

    def DisplayDebugText(self, text):  # noqa: N802
        LOG.debug("itk debug: %s", text.strip())


_LOGGER: _ToLogging | None = None  # kept alive: ITK holds only a pointer to it


def route_itk_messages() -> None:
    """Install the logging bridge as ITK's global logger (once per process)."""
    global _LOGGER
    if _LOGGER is None:
        _LOGGER = _ToLogging()
        _LOGGER.SetAsGlobalITKLogger()


class Captured:
    """The text ITK and friends printed to fd 2 inside a `quiet_itk()` block (after the block ends)."""

    text: str = ""


@contextlib.contextmanager
def quiet_itk() -> Iterator[Captured]:
    """Run ITK calls with their stderr output captured into the debug log instead of the terminal."""
    route_itk_messages()
    captured = Captured()
    with tempfile.TemporaryFile() as sink:
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        try:
            yield captured
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            captured.text = sink.read().decode("utf-8", "replace")
            if captured.text.strip():
                LOG.debug("itk stderr: %s", captured.text.strip())
