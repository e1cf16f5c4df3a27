"""Release keys: encrypted PKCS#8 PEM only; every other key file is bad input, located."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from securesystemslib.signer import CryptoSigner, SSlibKey

from techfile.errors import LocatedInputError
from techfile.release import (
    KeyType,
    ReleaseKeyError,
    generate_key,
    load_key,
    load_signer,
    public_key_path,
)

from .conftest import PASSPHRASE, passphrase


@pytest.mark.parametrize("key_type", list(KeyType), ids=str)
def test_every_key_type_signs_and_its_public_half_matches(
    tmp_path: Path, key_type: KeyType
) -> None:
    key = generate_key(tmp_path / "k.pem", PASSPHRASE, key_type=key_type)
    assert key.public == public_key_path(key.private) == tmp_path / "k.pub.pem"
    assert key.private.read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert key.private.stat().st_mode & 0o777 == 0o600
    signer = load_signer(key.private, passphrase)
    public = load_key(key.public, passphrase)
    assert isinstance(public, SSlibKey)
    assert signer.public_key.keyid == public.keyid == key.keyid
    signature = signer.sign(b"payload")
    public.verify_signature(signature, b"payload")


def test_an_existing_key_is_not_overwritten(tmp_path: Path) -> None:
    generate_key(tmp_path / "k.pem", PASSPHRASE)
    with pytest.raises(ReleaseKeyError, match="exists already"):
        generate_key(tmp_path / "k.pem", PASSPHRASE)
    assert generate_key(tmp_path / "k.pem", PASSPHRASE, overwrite=True).keyid


def test_a_short_passphrase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReleaseKeyError, match="at least 8 characters"):
        generate_key(tmp_path / "k.pem", b"short")


def test_a_wrong_passphrase_is_bad_input_located_at_the_key(tmp_path: Path) -> None:
    key = generate_key(tmp_path / "k.pem", PASSPHRASE)
    with pytest.raises(ReleaseKeyError) as caught:
        load_signer(key.private, lambda _: b"not the passphrase")
    assert isinstance(caught.value, LocatedInputError)
    assert (
        str(caught.value)
        == f"{key.private}:1:1: cannot unlock the key: wrong passphrase or damaged file"
    )


def _write(path: Path, key: ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey, fmt: str) -> Path:
    formats = {
        "pkcs8-plain": (serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
        "openssl": (
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.BestAvailableEncryption(PASSPHRASE),
        ),
        "openssh": (
            serialization.PrivateFormat.OpenSSH,
            serialization.BestAvailableEncryption(PASSPHRASE),
        ),
    }
    private_format, encryption = formats[fmt]
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, private_format, encryption))
    return path


def test_an_unencrypted_pkcs8_key_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "plain.pem", ed25519.Ed25519PrivateKey.generate(), "pkcs8-plain")
    with pytest.raises(ReleaseKeyError, match="the private key is not encrypted") as caught:
        load_signer(path, passphrase)
    assert caught.value.hint is not None
    assert "openssl pkcs8 -topk8" in caught.value.hint


@pytest.mark.parametrize(
    ("fmt", "label"), [("openssl", "RSA PRIVATE KEY"), ("openssh", "OPENSSH PRIVATE KEY")]
)
def test_a_key_that_is_not_pkcs8_is_refused(tmp_path: Path, fmt: str, label: str) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = _write(tmp_path / "old.pem", key, fmt)
    with pytest.raises(ReleaseKeyError, match=f"not a PKCS#8 key \\('{label}'\\)"):
        load_signer(path, passphrase)


def test_a_public_key_cannot_sign(tmp_path: Path) -> None:
    key = generate_key(tmp_path / "k.pem", PASSPHRASE)
    with pytest.raises(ReleaseKeyError, match="a public key cannot sign"):
        load_signer(key.public, passphrase)


def test_a_file_that_is_no_pem_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello\n", encoding="utf-8")
    with pytest.raises(ReleaseKeyError, match="not a PEM key file"):
        load_key(path, passphrase)
    with pytest.raises(ReleaseKeyError, match="no such key file"):
        load_key(tmp_path / "absent.pem", passphrase)


def test_a_weak_rsa_key_is_refused(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505  # the point
    path = tmp_path / "weak.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PASSPHRASE),
        )
    )
    with pytest.raises(ReleaseKeyError, match="1024 bits is too weak"):
        load_signer(path, passphrase)


def test_a_signer_is_a_securesystemslib_crypto_signer(tmp_path: Path) -> None:
    key = generate_key(tmp_path / "k.pem", PASSPHRASE)
    assert isinstance(load_key(key.private, passphrase), CryptoSigner)
