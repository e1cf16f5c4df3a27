"""The Typer application, its global options and the one place where errors become exit codes.

Exit codes (DESIGN.md): 0 ok, 1 the check found problems or the job failed, 2 bad input or
usage. A traceback is shown only with ``--verbose`` (STYLE D4).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from techfile import __version__
from techfile.errors import Error, InputError

__all__ = ["EXIT_FOUND", "EXIT_INPUT", "app", "err", "out", "reporting"]

EXIT_FOUND = 1
EXIT_INPUT = 2

app = typer.Typer(
    name="techfile",
    help=(
        "Build the EU technical file of an AI medical device: MDR/IVDR and AI Act "
        "classification, requirements, evidence and documents, each with its legal citation."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
out = Console(soft_wrap=False)
err = Console(stderr=True, soft_wrap=True)  # never wrap: editors parse file:line:col
_state = {"verbose": False}


def _version(value: bool) -> None:  # noqa: FBT001  # Typer passes the flag positionally
    if value:
        out.print(f"techfile {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    *,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show tracebacks and debug logs.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Build the EU technical file of an AI medical device."""
    del version
    _state["verbose"] = verbose
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING)


@contextmanager
def reporting() -> Iterator[None]:
    """Turn techfile errors into a message and an exit code (2 for bad input, 1 otherwise)."""
    try:
        yield
    except InputError as e:
        _report(e, e.diagnostics())
        raise typer.Exit(EXIT_INPUT) from e
    except Error as e:
        _report(e, e.diagnostics())
        raise typer.Exit(EXIT_FOUND) from e
    except Exception as e:  # the CLI boundary: a defect of techfile, reported without a traceback
        _report(e, f"internal error: {e!r}; rerun with --verbose and report it as a bug")
        raise typer.Exit(EXIT_FOUND) from e


def _report(error: BaseException, text: str) -> None:
    err.print(Text.assemble(("error: ", "bold red"), text), highlight=False)
    if _state["verbose"]:
        err.print("".join(traceback.format_exception(error)), markup=False, highlight=False)
