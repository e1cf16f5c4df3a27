"""Release signing keys on disk: encrypted PKCS#8 PEM private keys, SPKI PEM public keys.

Ed25519 is the default; ECDSA P-256 and RSA 3072 are offered for keys that must live in
hardware that lacks Ed25519. No cryptography is implemented here: pyca/cryptography reads and
writes the PEM files, securesystemslib's ``CryptoSigner`` signs and ``SSlibKey`` names the
public key (its key id is what TUF metadata lists).

Rules enforced: a private key file must be PKCS#8 (``BEGIN ENCRYPTED PRIVATE KEY``) and
encrypted; unencrypted PKCS#8 and traditional OpenSSL or OpenSSH formats are refused with the
command that converts them. A new key's passphrase has at least 8 characters. Private key
files are written with mode 0600, never over an existing key unless asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import assert_never

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from securesystemslib.signer import CryptoSigner, SSlibKey

from techfile.errors import Location
from techfile.project import atomic_write_text
from techfile.release.errors import ReleaseKeyError

__all__ = [
    "GeneratedKey",
    "KeyType",
    "Passphrase",
    "generate_key",
    "load_key",
    "load_signer",
    "public_key_path",
]

MIN_PASSPHRASE = 8
"""Shortest passphrase accepted for a new key."""
_MIN_RSA_BITS = 2048
_ENCRYPTED = "ENCRYPTED PRIVATE KEY"
_PUBLIC = "PUBLIC KEY"
_CONVERT = "convert it with `openssl pkcs8 -topk8 -v2 aes-256-cbc -in OLD -out NEW`"

Passphrase = Callable[[Path], bytes]
"""Gives the passphrase of a private key file (asked only for private keys)."""


class KeyType(StrEnum):
    """The kinds of key ``techfile release keygen`` makes."""

    ED25519 = "ed25519"
    """Ed25519 (RFC 8032): the default."""
    ECDSA_P256 = "ecdsa-p256"
    """ECDSA on NIST P-256 with SHA-256."""
    RSA_3072 = "rsa-3072"
    """RSA 3072 bits, RSASSA-PSS with SHA-256."""


@dataclass(frozen=True, slots=True)
class GeneratedKey:
    """Where a new key pair was written."""

    private: Path
    """Encrypted PKCS#8 PEM file (keep it offline, out of version control)."""
    public: Path
    """SubjectPublicKeyInfo PEM file (safe to share)."""
    keyid: str
    """The key id TUF metadata will list."""
    type: KeyType
    """Its kind."""


def public_key_path(private: Path) -> Path:
    """The public key file beside a private one (``keys/root.pem`` -> ``keys/root.pub.pem``)."""
    return private.with_name(f"{private.stem}.pub.pem")


def generate_key(
    path: Path, passphrase: bytes, *, key_type: KeyType = KeyType.ED25519, overwrite: bool = False
) -> GeneratedKey:
    """Create a key pair: ``path`` (encrypted PKCS#8) and its ``.pub.pem`` beside it.

    Raises:
        ReleaseKeyError: The passphrase is too short or a key file exists already.
    """
    if len(passphrase) < MIN_PASSPHRASE:
        msg = f"the passphrase must have at least {MIN_PASSPHRASE} characters"
        raise ReleaseKeyError(Location(path), msg)
    public = public_key_path(path)
    for existing in (path, public):
        if existing.exists() and not overwrite:
            raise ReleaseKeyError(
                Location(existing), "exists already", hint="pass --force to replace the key"
            )
    key = _new_private_key(key_type)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )
    spki = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    atomic_write_text(path, pem.decode("ascii"))
    path.chmod(0o600)
    atomic_write_text(public, spki.decode("ascii"))
    return GeneratedKey(path, public, SSlibKey.from_crypto(key.public_key()).keyid, key_type)


def _new_private_key(
    key_type: KeyType,
) -> ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey:
    match key_type:
        case KeyType.ED25519:
            return ed25519.Ed25519PrivateKey.generate()
        case KeyType.ECDSA_P256:
            return ec.generate_private_key(ec.SECP256R1())
        case KeyType.RSA_3072:
            return rsa.generate_private_key(public_exponent=65537, key_size=3072)
        case _:
            assert_never(key_type)


def _pem_label(path: Path, data: bytes) -> tuple[str, int]:
    """The label of the first PEM block (``ENCRYPTED PRIVATE KEY`` ...) and its line."""
    for number, line in enumerate(data.splitlines(), start=1):
        text = line.strip().decode("ascii", errors="replace")
        if text.startswith("-----BEGIN ") and text.endswith("-----"):
            return text.removeprefix("-----BEGIN ").removesuffix("-----"), number
    raise ReleaseKeyError(
        Location(path, 1, 1),
        "not a PEM key file",
        expected="'-----BEGIN ENCRYPTED PRIVATE KEY-----' or '-----BEGIN PUBLIC KEY-----'",
        hint="make one with `techfile release keygen`",
    )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as e:
        raise ReleaseKeyError(
            Location(path), "no such key file", hint="make one with `techfile release keygen`"
        ) from e
    except OSError as e:
        raise ReleaseKeyError(Location(path), f"cannot be read ({e.strerror or e})") from e


def _check_private_label(path: Path, label: str, line: int) -> None:
    where = Location(path, line, 1)
    if label == _ENCRYPTED:
        return
    if label == "PRIVATE KEY":
        raise ReleaseKeyError(
            where,
            "the private key is not encrypted",
            expected="encrypted PKCS#8 ('ENCRYPTED PRIVATE KEY')",
            hint=_CONVERT,
        )
    if label == _PUBLIC:
        raise ReleaseKeyError(
            where,
            "a public key cannot sign",
            expected="the encrypted private key (PKCS#8)",
            hint="give the .pem file that `techfile release keygen` wrote, not the .pub.pem",
        )
    raise ReleaseKeyError(
        where,
        f"not a PKCS#8 key ('{label}')",
        expected="encrypted PKCS#8 ('ENCRYPTED PRIVATE KEY')",
        hint=_CONVERT,
    )


def _ssl_key(path: Path, public: object) -> SSlibKey:
    if isinstance(public, rsa.RSAPublicKey) and public.key_size < _MIN_RSA_BITS:
        msg = f"an RSA key of {public.key_size} bits is too weak"
        raise ReleaseKeyError(Location(path), msg, expected=f"at least {_MIN_RSA_BITS} bits")
    try:
        return SSlibKey.from_crypto(public)  # type: ignore[arg-type]  # checked by the library
    except (ValueError, TypeError) as e:
        msg = f"unsupported key type ({type(public).__name__})"
        raise ReleaseKeyError(
            Location(path), msg, expected="Ed25519, ECDSA P-256/P-384 or RSA"
        ) from e


def load_signer(path: Path, passphrase: Passphrase) -> CryptoSigner:
    """Unlock an encrypted PKCS#8 PEM private key for signing.

    Args:
        path: The key file.
        passphrase: Gives the key's passphrase (called once, after the format is checked).

    Raises:
        ReleaseKeyError: The file is missing, not encrypted PKCS#8, of an unsupported type,
            or the passphrase is wrong.
    """
    data = _read(path)
    label, line = _pem_label(path, data)
    _check_private_label(path, label, line)
    try:
        key = serialization.load_pem_private_key(data, password=passphrase(path))
    except (ValueError, TypeError, UnsupportedAlgorithm) as e:
        raise ReleaseKeyError(
            Location(path, line, 1),
            "cannot unlock the key: wrong passphrase or damaged file",
            hint="check $TECHFILE_RELEASE_PASSPHRASE or the passphrase typed",
        ) from e
    public = _ssl_key(path, key.public_key())
    try:
        return CryptoSigner(key, public)
    except ValueError as e:
        msg = f"unsupported key type ({type(key).__name__})"
        raise ReleaseKeyError(Location(path), msg) from e


def load_key(path: Path, passphrase: Passphrase) -> CryptoSigner | SSlibKey:
    """Read a key file: a signer for a private key, the public key for a ``PUBLIC KEY`` file.

    Raises:
        ReleaseKeyError: The file is missing or not a usable key (see `load_signer`).
    """
    data = _read(path)
    label, line = _pem_label(path, data)
    if label != _PUBLIC:
        return load_signer(path, passphrase)
    try:
        public = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm) as e:
        raise ReleaseKeyError(Location(path, line, 1), "damaged public key") from e
    return _ssl_key(path, public)
