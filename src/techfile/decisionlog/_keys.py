"""Ed25519 note keys: the verifier (vkey) and signer (skey) key strings of signed notes.

This module owns the key formats of golang.org/x/mod/sumdb/note, which c2sp.org/signed-note
standardises, and the only cryptography of the decision log, delegated to the
``cryptography`` package:

* verifier key ``name+hex8(key ID)+base64(0x01 || 32-byte public key)``;
* signer key ``PRIVATE+KEY+name+hex8(key ID)+base64(0x01 || 32-byte seed)``;
* key ID = the first 4 bytes, big-endian, of ``SHA-256(name || 0x0A || 0x01 || public key)``;
* key names are non-empty and hold no Unicode space, no ``+`` and no control character.

Only signature type 0x01 (Ed25519) is supported; other types are refused with
`UnsupportedKeyTypeError` rather than ignored.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from techfile.decisionlog.errors import MalformedKeyError, UnsupportedKeyTypeError

__all__ = [
    "ED25519_KEY_TYPE",
    "SignerKey",
    "VerifierKey",
    "decode_base64",
    "is_valid_key_name",
]

ED25519_KEY_TYPE: Final = 0x01
"""Signature type byte of Ed25519 note signatures (c2sp.org/signed-note)."""

_KEY_SIZE: Final = 32
_KEY_ID_HEX: Final = re.compile(r"[0-9a-fA-F]{8}")
_SKEY_PREFIX: Final = "PRIVATE+KEY+"


def is_valid_key_name(name: str) -> bool:
    """Say whether ``name`` may name a note key (c2sp.org/signed-note, "Key names MUST ...").

    Args:
        name: The candidate key name.

    Returns:
        True if the name is non-empty and has no Unicode space, ``+`` or control character.
    """
    return bool(name) and not any(c.isspace() or c == "+" or c < " " for c in name)


def decode_base64(text: str) -> bytes | None:
    """Decode standard, padded base64 (RFC 4648 §4), accepting only its canonical form.

    Args:
        text: The base64 text.

    Returns:
        The decoded bytes, or None if ``text`` is not canonical standard base64.
    """
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):  # ValueError: non-ASCII text
        return None
    return data if base64.b64encode(data).decode("ascii") == text else None


def _key_id(name: str, public_key: bytes) -> int:
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([ED25519_KEY_TYPE]) + public_key)
    return int.from_bytes(digest.digest()[:4], "big")


def _check_name(name: str) -> None:
    if not is_valid_key_name(name):
        raise MalformedKeyError(f"invalid key name {name!r}: need no spaces, '+' or controls")


def _decode_key_material(encoded: str, what: str) -> bytes:
    """Decode ``base64(type || key)`` and return the 32-byte Ed25519 key."""
    material = decode_base64(encoded)
    if not material:
        raise MalformedKeyError(f"{what}: key material is not base64")
    if material[0] != ED25519_KEY_TYPE:
        raise UnsupportedKeyTypeError(
            f"{what}: signature type 0x{material[0]:02x} is not supported (only Ed25519, 0x01)"
        )
    if len(material) != 1 + _KEY_SIZE:
        raise MalformedKeyError(f"{what}: Ed25519 key must be {_KEY_SIZE} bytes")
    return material[1:]


def _parse_key_id(text: str, what: str) -> int:
    if not _KEY_ID_HEX.fullmatch(text):
        raise MalformedKeyError(f"{what}: key ID must be 8 hex digits, got {text!r}")
    return int(text, 16)


@dataclass(frozen=True, slots=True)
class VerifierKey:
    """An Ed25519 public key that verifies note signatures, with the name it signs under."""

    name: str
    """Key name, as in the signature lines (e.g. ``example.com/log``)."""
    public_key: bytes
    """The 32-byte Ed25519 public key (RFC 8032)."""

    def __post_init__(self) -> None:
        _check_name(self.name)
        if len(self.public_key) != _KEY_SIZE:
            raise MalformedKeyError(f"Ed25519 public key must be {_KEY_SIZE} bytes")

    @property
    def key_id(self) -> int:
        """The 32-bit key ID: ``SHA-256(name || 0x0A || 0x01 || public key)[:4]``."""
        return _key_id(self.name, self.public_key)

    @classmethod
    def parse(cls, vkey: str) -> VerifierKey:
        """Read a verifier key string ``name+keyid+base64(0x01 || public key)``.

        Args:
            vkey: The verifier key string.

        Returns:
            The key.

        Raises:
            MalformedKeyError: The string is not a well-formed vkey or its key ID is wrong.
            UnsupportedKeyTypeError: The key is not an Ed25519 key (e.g. ECDSA, 0x02).
        """
        parts = vkey.split("+", 2)
        if len(parts) != 3:  # noqa: PLR2004 - name, key ID, key material
            raise MalformedKeyError("verifier key must read name+keyid+key")
        name, key_id_hex, encoded = parts
        _check_name(name)
        key_id = _parse_key_id(key_id_hex, "verifier key")
        key = cls(name, _decode_key_material(encoded, "verifier key"))
        if key.key_id != key_id:
            raise MalformedKeyError(f"verifier key {name}: key ID does not match the key")
        return key

    def format(self) -> str:
        """Write the key as a verifier key string."""
        material = base64.b64encode(bytes([ED25519_KEY_TYPE]) + self.public_key).decode()
        return f"{self.name}+{self.key_id:08x}+{material}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Say whether ``signature`` is this key's Ed25519 signature of ``message``.

        Args:
            message: The signed bytes (a note's text).
            signature: The signature, without the key ID.

        Returns:
            True if the signature verifies.
        """
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):  # ValueError: not a valid public key
            return False
        return True


@dataclass(frozen=True, slots=True)
class SignerKey:
    """An Ed25519 private key that signs notes under a key name. Keep it secret."""

    name: str
    """Key name written in the signature lines."""
    seed: bytes = field(repr=False)
    """The 32-byte Ed25519 private key seed (RFC 8032); never shown in ``repr``."""

    def __post_init__(self) -> None:
        _check_name(self.name)
        if len(self.seed) != _KEY_SIZE:
            raise MalformedKeyError(f"Ed25519 seed must be {_KEY_SIZE} bytes")

    @classmethod
    def generate(cls, name: str) -> SignerKey:
        """Create a new random signer key.

        Args:
            name: The key name, e.g. the log's origin.

        Returns:
            The new key.

        Raises:
            MalformedKeyError: ``name`` is not a valid key name.
        """
        return cls(name, Ed25519PrivateKey.generate().private_bytes_raw())

    @classmethod
    def parse(cls, skey: str) -> SignerKey:
        """Read a signer key string ``PRIVATE+KEY+name+keyid+base64(0x01 || seed)``.

        Args:
            skey: The signer key string.

        Returns:
            The key.

        Raises:
            MalformedKeyError: The string is not a well-formed skey or its key ID is wrong.
            UnsupportedKeyTypeError: The key is not an Ed25519 key.
        """
        parts = skey.removeprefix(_SKEY_PREFIX).split("+", 2)
        if not skey.startswith(_SKEY_PREFIX) or len(parts) != 3:  # noqa: PLR2004 - as vkey
            raise MalformedKeyError("signer key must read PRIVATE+KEY+name+keyid+key")
        name, key_id_hex, encoded = parts
        _check_name(name)
        key_id = _parse_key_id(key_id_hex, "signer key")
        key = cls(name, _decode_key_material(encoded, "signer key"))
        # The key ID hashes the public key, so it can only be checked after deriving it.
        if key.key_id != key_id:
            raise MalformedKeyError(f"signer key {name}: key ID does not match the key")
        return key

    def format(self) -> str:
        """Write the key as a signer key string (it contains the secret seed)."""
        material = base64.b64encode(bytes([ED25519_KEY_TYPE]) + self.seed).decode()
        return f"{_SKEY_PREFIX}{self.name}+{self.key_id:08x}+{material}"

    @property
    def key_id(self) -> int:
        """The 32-bit key ID of the matching verifier key."""
        return self.verifier().key_id

    def verifier(self) -> VerifierKey:
        """Return the verifier key that checks this key's signatures."""
        public = Ed25519PrivateKey.from_private_bytes(self.seed).public_key()
        return VerifierKey(self.name, public.public_bytes_raw())

    def sign(self, message: bytes) -> bytes:
        """Sign ``message`` with Ed25519 (deterministic, RFC 8032).

        Args:
            message: The bytes to sign (a note's text).

        Returns:
            The 64-byte signature, without the key ID.
        """
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)
