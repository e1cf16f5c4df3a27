"""The project's evidence key: an Ed25519 pair, the private half encrypted at rest.

The private key is an encrypted PKCS#8 PEM file (cryptography's best available encryption with
the passphrase); the public key is a securesystemslib key JSON, safe to commit, whose key id is
what evidence signatures name. No cryptography is implemented here, only files and formats.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from securesystemslib.exceptions import FormatError
from securesystemslib.signer import CryptoSigner, Key, SSlibKey

from techfile.evidence.errors import EvidenceKeyError
from techfile.project import atomic_write_text

__all__ = [
    "KeyPair",
    "generate_key",
    "load_public_key",
    "load_signer",
    "private_key_path",
    "public_key_path",
]

_MIN_PASSPHRASE = 8


@dataclass(frozen=True, slots=True)
class KeyPair:
    """Where a key pair was written, and the key id signatures will carry."""

    private: Path
    """Encrypted PKCS#8 PEM file (keep out of version control)."""
    public: Path
    """Public key JSON (commit it)."""
    keyid: str
    """securesystemslib key id (SHA-256 of the canonical public key)."""


def private_key_path(stem: Path) -> Path:
    """The private key file for a key stem (``keys/evidence`` -> ``keys/evidence.key``)."""
    return stem.with_suffix(".key")


def public_key_path(stem: Path) -> Path:
    """The public key file for a key stem (``keys/evidence`` -> ``keys/evidence.pub.json``)."""
    return stem.with_suffix(".pub.json")


def generate_key(stem: Path, passphrase: bytes, *, overwrite: bool = False) -> KeyPair:
    """Create an Ed25519 key pair and write it next to ``stem``.

    Raises:
        EvidenceKeyError: The passphrase is too short or a key exists already.
    """
    if len(passphrase) < _MIN_PASSPHRASE:
        msg = f"the passphrase must have at least {_MIN_PASSPHRASE} characters"
        raise EvidenceKeyError(msg)
    private, public = private_key_path(stem), public_key_path(stem)
    if not overwrite and (private.exists() or public.exists()):
        msg = f"{private} or {public} exists already; pass --force to replace the key"
        raise EvidenceKeyError(msg)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )
    ssl_key = SSlibKey.from_crypto(key.public_key())
    atomic_write_text(private, pem.decode("ascii"))
    private.chmod(0o600)
    document = {"keyid": ssl_key.keyid, **ssl_key.to_dict()}
    atomic_write_text(public, json.dumps(document, indent=2, sort_keys=True) + "\n")
    return KeyPair(private, public, ssl_key.keyid)


def load_signer(stem: Path, passphrase: bytes) -> CryptoSigner:
    """Unlock the private key for signing.

    Raises:
        EvidenceKeyError: The key file is missing, not a key, or the passphrase is wrong.
    """
    path = private_key_path(stem)
    try:
        data = path.read_bytes()
    except FileNotFoundError as e:
        msg = f"{path}: no evidence key; create one with `techfile keys new`"
        raise EvidenceKeyError(msg) from e
    try:
        key = serialization.load_pem_private_key(data, password=passphrase)
    except (ValueError, TypeError, UnsupportedAlgorithm) as e:
        msg = f"{path}: cannot unlock the key (wrong passphrase or not an encrypted PEM key)"
        raise EvidenceKeyError(msg) from e
    if not isinstance(key, Ed25519PrivateKey):
        msg = f"{path}: expected an Ed25519 key"
        raise EvidenceKeyError(msg)
    return CryptoSigner(key, SSlibKey.from_crypto(key.public_key()))


def load_public_key(stem: Path) -> Key:
    """Read the public key that verifies evidence signatures.

    Raises:
        EvidenceKeyError: The file is missing or not a securesystemslib key.
    """
    path = public_key_path(stem)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        keyid = document.pop("keyid")
        return SSlibKey.from_dict(keyid, document)
    except FileNotFoundError as e:
        msg = f"{path}: no public evidence key; create one with `techfile keys new`"
        raise EvidenceKeyError(msg) from e
    except (ValueError, KeyError, TypeError, AttributeError, FormatError) as e:
        msg = f"{path}: not a public key file ({e})"
        raise EvidenceKeyError(msg) from e
