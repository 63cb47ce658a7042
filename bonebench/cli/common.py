"""What every CLI shares: bad input becomes one line on stderr and exit code 2."""

from __future__ import annotations

import contextlib
import sys
from typing import Iterator

import typer

from bonebench.errors import InputError

EXIT_BAD_INPUT = 2


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn InputError into one stderr line and exit code 2, Ctrl-C into exit 130."""
    try:
        yield
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise typer.Exit(130) from None
