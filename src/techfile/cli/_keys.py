"""``techfile keys``: the project's evidence signing key."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from techfile.cli._app import app, out, reporting
from techfile.errors import InputError
from techfile.evidence import generate_key
from techfile.project import load_manifest

__all__ = ["PASSPHRASE_ENV", "keys_app", "passphrase"]

PASSPHRASE_ENV = "TECHFILE_KEY_PASSPHRASE"  # noqa: S105  # the variable's name, not a secret

keys_app = typer.Typer(help="Create and manage the evidence signing key.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


def passphrase(*, confirm: bool) -> bytes:
    """The key passphrase: from $TECHFILE_KEY_PASSPHRASE, else asked on the terminal.

    Raises:
        InputError: Neither is available.
    """
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value.encode()
    if not sys.stdin.isatty():
        msg = f"no passphrase: set {PASSPHRASE_ENV} or run on a terminal"
        raise InputError(msg)
    entered: str = typer.prompt("Key passphrase", hide_input=True, confirmation_prompt=confirm)
    return entered.encode()


@keys_app.command("new")
def new_command(
    project: Annotated[Path, typer.Argument(help="Project folder or techfile.yaml.")] = Path(),
    *,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing key.")] = False,
) -> None:
    """Create the project's Ed25519 evidence key (private half encrypted with a passphrase).

    The passphrase comes from $TECHFILE_KEY_PASSPHRASE or is asked. Commit the .pub.json file;
    keep the .key file out of version control.
    """
    with reporting():
        manifest = load_manifest(project)
        stem = manifest.root / manifest.evidence.key
        pair = generate_key(stem, passphrase(confirm=True), overwrite=force)
    out.print(f"private key: {pair.private}\npublic key:  {pair.public}\nkey id:      {pair.keyid}")
