"""The one error type that means "the user gave us bad input".

CLIs turn it into a single line on stderr and exit code 2; anything else is a bug and keeps its
traceback.
"""


class InputError(ValueError):
    """Bad input from the user: a missing or corrupt file, a wrong shape, an unknown name."""
