"""What every CLI shares: bad input becomes one line on stderr and exit code 2.

Two sources of bad input: our own checks (InputError, inside `user_errors()`), and click's parsing
(an unknown option, a value out of its range, a missing option). Click prints those as a usage
block of several lines (typer: a framed panel); the OneLine command classes print them as the same
single `error: ...` line instead. Every app passes them as `cls`.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Iterator

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from bonebench.errors import InputError, one_line

EXIT_BAD_INPUT = 2
# every app: typer.Typer(**APP) -- plain click help (no rich panels with <bool> and <path> labels)
APP = dict(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn InputError into one stderr line and exit code 2, Ctrl-C into exit 130."""
    try:
        yield
    except InputError as exc:
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise typer.Exit(130) from None


def _plain_argument(param: TyperArgument) -> None:
    """Show an argument as its metavar (VOLUME), without typer's <type> label and {braces}."""
    def usage_name() -> str:
        name = param.display_name_raw + ("..." if param.nargs != 1 else "")
        return name if param.required else f"[{name}]"

    param.display_type_rich = lambda ctx: None
    param._usage_display_name = usage_name


def _click_classes() -> tuple[tuple[type, ...], tuple[type, ...]]:
    """(usage errors, aborts) of the click that typer runs on: its own vendored copy (typer >= 0.20)
    and/or the click package (older typer)."""
    errors, aborts = [], []
    with contextlib.suppress(ImportError):
        from typer._click.exceptions import ClickException

        errors.append(ClickException)
    aborts.append(typer.Abort)
    with contextlib.suppress(ImportError):
        import click

        errors.append(click.ClickException)
        aborts.append(click.Abort)
    return tuple(errors), tuple(aborts)


CLICK_ERRORS, CLICK_ABORTS = _click_classes()


class _OneLineErrors:
    """Run click's main without its own error printing; usage errors become one line, exit 2. Help
    shows arguments by their metavar alone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, TyperArgument):
                _plain_argument(param)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args=args, prog_name=prog_name, complete_var=complete_var,
                              standalone_mode=False, **extra)
        except CLICK_ERRORS as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # a group called alone: its usage, as --help prints it
                print(exc.ctx.get_help())
                sys.exit(0)
            hint = f" (see {exc.ctx.command_path} --help)" if getattr(exc, "ctx", None) is not None else ""
            print(f"error: {one_line(exc.format_message())}{hint}", file=sys.stderr)
            sys.exit(exc.exit_code)
        except CLICK_ABORTS:
            print("interrupted", file=sys.stderr)
            sys.exit(130)
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)


class OneLineCommand(_OneLineErrors, TyperCommand):
    """A typer command whose parsing errors are one stderr line and exit code 2."""


class OneLineGroup(_OneLineErrors, TyperGroup):
    """A typer group whose parsing errors (in any subcommand) are one stderr line and exit code 2."""
