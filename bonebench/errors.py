"""The one error type that means "the user gave us bad input", and how it is shown: one line.

CLIs turn it into a single line on stderr and exit code 2, the napari widget into its status line;
anything else is a bug and keeps its traceback.
"""


class InputError(ValueError):
    """Bad input from the user: a missing or corrupt file, a wrong shape, an unknown name."""


def one_line(text: str) -> str:
    """A message folded onto one line."""
    return "; ".join(part.strip() for part in text.strip().splitlines() if part.strip())
