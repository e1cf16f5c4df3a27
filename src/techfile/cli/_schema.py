"""``techfile schema NAME``: print a published JSON Schema."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from techfile.cli._app import app
from techfile.schemas import SCHEMAS, schema

__all__ = ["schema_command"]


def _complete(incomplete: str) -> list[str]:
    return [name for name in SCHEMAS if name.startswith(incomplete)]


@app.command("schema")
def schema_command(
    name: Annotated[
        str,
        typer.Argument(help=f"One of: {', '.join(sorted(SCHEMAS))}.", autocompletion=_complete),
    ],
) -> None:
    """Print the JSON Schema of a techfile input or output."""
    if name not in SCHEMAS:
        msg = f"unknown schema {name!r}; choose one of {', '.join(sorted(SCHEMAS))}"
        raise typer.BadParameter(msg, param_hint="NAME")
    typer.echo(json.dumps(schema(name), indent=2))
