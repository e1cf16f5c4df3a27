"""``techfile release``: signing keys, the root of trust, signed bundles, verification.

``verify`` exits 0 when the bundle may be installed, 1 when it must not (rollback, freeze,
mix-and-match, wrong key, tampered or missing file), 2 for bad input (a missing or malformed
file, a wrong passphrase, a key that is not encrypted PKCS#8).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.text import Text

from techfile.cli._app import EXIT_FOUND, app, err, out, reporting
from techfile.errors import InputError
from techfile.release import (
    KeyType,
    ReleaseVerified,
    Role,
    RoleKey,
    TargetSource,
    Verification,
    create_root,
    expiry_from,
    generate_key,
    key_json,
    load_key,
    load_signer,
    parse_key_spec,
    root_json,
    sign_bundle,
    sign_json,
    time_from,
    verify_bundle,
    verify_json,
)

__all__ = ["PASSPHRASE_ENV", "passphrase_for", "release_app"]

PASSPHRASE_ENV = "TECHFILE_RELEASE_PASSPHRASE"  # noqa: S105  # the variable's name, not a secret

release_app = typer.Typer(
    help="Sign release bundles (TUF) and verify them offline before install.",
    no_args_is_help=True,
)
app.add_typer(release_app, name="release")

_Json = Annotated[bool, typer.Option("--json", help="Print JSON (`techfile schema release-...`).")]
_Force = Annotated[bool, typer.Option("--force", help="Replace existing files.")]
_Keys = Annotated[
    list[str],
    typer.Option(
        "--key",
        "-k",
        help="[ROLE[,ROLE]=]KEYFILE; repeat. Roles: root, targets, snapshot, timestamp; "
        "without ROLE= the key serves every role it can.",
    ),
]


def passphrase_for(path: Path, *, confirm: bool = False) -> bytes:
    """The passphrase of a key file: $TECHFILE_RELEASE_PASSPHRASE, else asked on the terminal.

    Raises:
        InputError: Neither is available.
    """
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value.encode()
    if not sys.stdin.isatty():
        msg = f"no passphrase for {path}: set {PASSPHRASE_ENV} or run on a terminal"
        raise InputError(msg)
    entered: str = typer.prompt(
        f"Passphrase for {path}", hide_input=True, confirmation_prompt=confirm
    )
    return entered.encode()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _role_keys(specs: list[str], *, public_ok: bool) -> list[RoleKey]:
    keys = []
    for text in specs:
        spec = parse_key_spec(text)
        load = load_key if public_ok else load_signer
        keys.append(RoleKey(spec.roles, load(spec.path, passphrase_for), spec.path))
    return keys


def _thresholds(texts: list[str]) -> dict[Role, int]:
    found: dict[Role, int] = {}
    for text in texts:
        name, _, number = text.partition("=")
        try:
            found[Role(name.strip().lower())] = int(number)
        except ValueError as e:
            msg = f"--threshold {text!r}: expected ROLE=N with ROLE one of {', '.join(Role)}"
            raise InputError(msg) from e
    return found


def _source(text: str) -> TargetSource:
    if Path(text).exists() or "=" not in text:
        return TargetSource(Path(text))
    name, _, path = text.partition("=")
    return TargetSource(Path(path), name.strip("/"))


@contextmanager
def _progress() -> Iterator[Progress]:
    with Progress(transient=True, console=err) as progress:
        yield progress


@release_app.command("keygen")
def keygen_command(
    key_file: Annotated[Path, typer.Argument(help="The private key file to write (.pem).")],
    *,
    key_type: Annotated[KeyType, typer.Option("--type", help="Key algorithm.")] = KeyType.ED25519,
    force: _Force = False,
    as_json: _Json = False,
) -> None:
    """Make a signing key: KEY_FILE (encrypted PKCS#8) and KEY_FILE's .pub.pem beside it.

    The passphrase comes from $TECHFILE_RELEASE_PASSPHRASE or is asked twice. Keep root keys
    offline; the public .pub.pem file may be shared.
    """
    with reporting():
        key = generate_key(
            key_file, passphrase_for(key_file, confirm=True), key_type=key_type, overwrite=force
        )
    if as_json:
        typer.echo(json.dumps(key_json(key), indent=2))
        return
    out.print(f"private key: {key.private}\npublic key:  {key.public}\nkey id:      {key.keyid}")


@release_app.command("root")
def root_command(  # noqa: PLR0913  # one option per setting, all keyword-only
    root_file: Annotated[Path, typer.Argument(help="The root metadata file to write.")],
    *,
    keys: _Keys,
    expires: Annotated[
        str, typer.Option(help="Expiry: a date/time (e.g. the end of support) or 365d, 52w.")
    ],
    threshold: Annotated[
        list[str] | None, typer.Option(help="ROLE=N signatures a role needs (default 1).")
    ] = None,
    force: _Force = False,
    as_json: _Json = False,
) -> None:
    """Write the root of trust (TUF root.json, version 1) that devices keep.

    Root keys must be private (they sign it); the other roles may be given public .pub.pem
    files. Install the written file on every device as its trusted root.
    """
    with reporting():
        now = _now()
        info = create_root(
            root_file,
            _role_keys(keys, public_ok=True),
            expires=expiry_from(expires, now),
            now=now,
            thresholds=_thresholds(threshold or []),
            overwrite=force,
        )
    if as_json:
        typer.echo(json.dumps(root_json(root_file.as_posix(), info), indent=2))
        return
    out.print(f"wrote {root_file}: root version {info.version}, expires {info.expires:%Y-%m-%d}")
    for role in Role:
        ids = ", ".join(k[:12] for k in info.keyids[role])
        out.print(f"  {role:<9} {info.thresholds[role]} of {ids}")


@release_app.command("sign")
def sign_command(  # noqa: PLR0913  # one option per setting, all keyword-only
    bundle: Annotated[Path, typer.Argument(help="The bundle folder to write.")],
    *,
    root: Annotated[Path, typer.Option(help="The root metadata (from `release root`).")],
    keys: _Keys,
    files: Annotated[
        list[str],
        typer.Option(
            "--file",
            "-f",
            help="[NAME=]PATH of a file or folder to ship (wheel, model weights, SBOM, VEX, "
            "evidence); repeat.",
        ),
    ],
    counter: Annotated[
        int, typer.Option(help="Release counter: higher than every earlier release's.")
    ],
    expires: Annotated[str, typer.Option(help="Expiry: a date/time, or 90d, 12w from now.")],
    label: Annotated[str | None, typer.Option(help="A label, e.g. the software version.")] = None,
    force: _Force = False,
    as_json: _Json = False,
) -> None:
    """Write a signed release bundle for local media (TUF targets, snapshot, timestamp).

    Devices install it only after `techfile release verify` accepts it. The bundle is checked
    before it replaces anything.
    """
    with reporting():
        now = _now()
        when = expiry_from(expires, now)
        role_keys = _role_keys(keys, public_ok=False)
        with _progress() as progress:
            task = progress.add_task("copying and hashing", total=None)
            signed = sign_bundle(
                bundle,
                root=root,
                keys=role_keys,
                files=[_source(f) for f in files],
                counter=counter,
                expires=when,
                now=now,
                label=label,
                overwrite=force,
                progress=lambda name: progress.update(task, description=name),
            )
    for warning in signed.warnings:
        err.print(Text(f"warning: {warning}", style="yellow"))
    if as_json:
        typer.echo(json.dumps(sign_json(signed), indent=2))
        return
    out.print(
        f"wrote {bundle}: release {signed.counter}, {len(signed.targets)} file(s), "
        f"expires {signed.expires.isoformat()}"
    )


@release_app.command("verify")
def verify_command(  # noqa: PLR0913  # one option per setting, all keyword-only
    bundle: Annotated[Path, typer.Argument(help="The bundle folder (e.g. on a USB stick).")],
    *,
    trusted_root: Annotated[
        Path, typer.Option("--trusted-root", help="The root metadata the device trusts.")
    ],
    state: Annotated[
        Path | None,
        typer.Option(help="Device state folder: the last release accepted (rollback check)."),
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Reference time for expiry (default: now).")
    ] = None,
    save: Annotated[
        bool, typer.Option("--save/--no-save", help="Record a verified release in --state.")
    ] = True,
    as_json: _Json = False,
) -> None:
    """Verify a bundle offline before install: exit 0 install, 1 refuse, 2 bad input.

    Refuses rollback (counter below the saved state's), freeze (expired at --at), mix-and-match,
    metadata not signed by the trusted root's keys, and files that differ from targets.json.
    """
    with reporting():
        when = time_from(at, option="--at") if at is not None else _now()
        if state is None:
            err.print(Text("no --state: rollback against earlier releases is not checked", "dim"))
        with _progress() as progress:
            task = progress.add_task("hashing", total=None)
            result = verify_bundle(
                bundle,
                trusted_root=trusted_root,
                state=state,
                at=when,
                update_state=save,
                progress=lambda name: progress.update(task, description=name),
            )
    if as_json:
        typer.echo(json.dumps(verify_json(result), indent=2))
    else:
        _show(result)
    if not isinstance(result, ReleaseVerified):
        raise typer.Exit(EXIT_FOUND)


def _show(result: Verification) -> None:
    if not isinstance(result, ReleaseVerified):
        where = f" [{result.file}]" if result.file else ""
        out.print(Text(f"REJECTED ({result.reason}){where}: {result.message}", "bold red"))
        return
    label = f" ({result.label})" if result.label else ""
    out.print(
        Text(
            f"verified release {result.counter}{label}: {len(result.targets)} file(s); "
            f"install before {result.expires.isoformat()}",
            "bold green",
        )
    )
    if result.already_trusted:
        out.print("the device already trusts this release")
    elif result.state_updated:
        out.print(f"saved as the trusted release in {result.state}")
