"""Options that several commands of one CLI share, declared once.

typer reads a command's options from its function signature and has no option groups, so four
training commands would each re-list the same fifteen options. `shares(OPTIONS)` adds the shared
ones to a command's signature and passes them to it as one dict, `shared`.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

Options = dict[str, tuple[Any, Any]]  # name -> (type, typer.Option(...))


def pick(options: Options, *names: str) -> Options:
    """The named subset of an option set, in its order."""
    return {name: spec for name, spec in options.items() if name in names}


def shares(options: Options) -> Callable:
    """Decorator: the command also takes `options`, handed to it as the keyword `shared` (a dict)."""
    def decorate(func: Callable) -> Callable:
        own = [p for p in inspect.signature(func, eval_str=True).parameters.values() if p.name != "shared"]
        extra = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
                 for name, (kind, default) in options.items()]

        @functools.wraps(func)
        def command(**values):
            shared = {name: values.pop(name) for name in options}
            return func(shared=shared, **values)

        del command.__wrapped__  # typer must read the signature below, not the function's own
        command.__signature__ = inspect.Signature(own + extra)
        command.__annotations__ = {p.name: p.annotation for p in own + extra}
        return command
    return decorate
