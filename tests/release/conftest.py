"""A manufacturer's release setup in a temporary folder: keys, a root of trust, bundles.

Everything is real: keys from pyca/cryptography, metadata from python-tuf, no fakes of TUF.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

from techfile.release import (
    Role,
    RoleKey,
    SignedBundle,
    TargetSource,
    create_root,
    generate_key,
    load_key,
    load_signer,
    sign_bundle,
)

PASSPHRASE = b"release test passphrase"
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def passphrase(_: Path) -> bytes:
    return PASSPHRASE


@dataclass(frozen=True)
class Release:
    """A manufacturer's setup: where things are and how to sign a bundle."""

    folder: Path
    root: Path
    online_key: Path
    sources: tuple[TargetSource, ...]

    def sign(
        self,
        counter: int,
        *,
        name: str | None = None,
        expires: dt.datetime = NOW + 30 * DAY,
        key: Path | None = None,
        root: Path | None = None,
    ) -> SignedBundle:
        signer = load_signer(key or self.online_key, passphrase)
        return sign_bundle(
            self.folder / (name or f"bundle-{counter}"),
            root=root or self.root,
            keys=[RoleKey((), signer, key or self.online_key)],
            files=self.sources,
            counter=counter,
            expires=expires,
            now=NOW,
            label=f"1.{counter}.0",
        )


def make_release(folder: Path, *, root_expires: dt.datetime = NOW + 365 * DAY) -> Release:
    """Keys, a root and the files of a release, under ``folder``."""
    keys = folder / "keys"
    root_key = generate_key(keys / "root.pem", PASSPHRASE)
    online = generate_key(keys / "online.pem", PASSPHRASE)
    root = folder / "root.json"
    create_root(
        root,
        [
            RoleKey((Role.ROOT,), load_signer(root_key.private, passphrase), root_key.private),
            RoleKey(
                (Role.TARGETS, Role.SNAPSHOT, Role.TIMESTAMP),
                load_key(online.public, passphrase),
                online.public,
            ),
        ],
        expires=root_expires,
        now=NOW,
    )
    files = folder / "release"
    (files / "model").mkdir(parents=True)
    (files / "cardiorisk-1.0.0-py3-none-any.whl").write_bytes(b"PK\x03\x04 a wheel" * 100)
    (files / "model" / "weights.bin").write_bytes(bytes(range(256)) * 40)
    (files / "model" / "card.json").write_text('{"name": "cardiorisk"}\n', encoding="utf-8")
    (files / "sbom.cdx.json").write_text(json.dumps({"bomFormat": "CycloneDX"}), "utf-8")
    (files / "vex.json").write_text(json.dumps({"statements": []}), encoding="utf-8")
    sources = (
        TargetSource(files / "cardiorisk-1.0.0-py3-none-any.whl"),
        TargetSource(files / "model"),
        TargetSource(files / "sbom.cdx.json"),
        TargetSource(files / "vex.json", "evidence/vex.json"),
    )
    return Release(folder, root, online.private, sources)


@pytest.fixture
def release(tmp_path: Path) -> Release:
    """The manufacturer's genuine setup."""
    return make_release(tmp_path / "manufacturer")


@pytest.fixture
def attacker(tmp_path: Path) -> Release:
    """Someone else's keys and root, with the same files."""
    return make_release(tmp_path / "attacker")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        msg = f"network access attempted: {args!r} {kwargs!r}"
        raise AssertionError(msg)

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
