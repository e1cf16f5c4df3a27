"""``techfile release``: the manufacturer's and the device's commands, exit codes 0/1/2, JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from typer.testing import CliRunner

from techfile.cli import app
from techfile.schemas import schema

runner = CliRunner()
ENV = {"TECHFILE_RELEASE_PASSPHRASE": "cli test passphrase"}


def _run(*args: object, code: int = 0, env: dict[str, str] | None = None) -> Any:  # noqa: ANN401
    result = runner.invoke(app, [str(a) for a in args], env=ENV if env is None else env)
    assert result.exit_code == code, result.output
    return result


def _json(*args: object, code: int = 0, name: str) -> Any:  # noqa: ANN401
    document = json.loads(_run(*args, "--json", code=code).stdout)
    jsonschema.validate(document, schema(name))
    return document


@pytest.fixture
def setup(tmp_path: Path) -> Path:
    """Keys, a root and two signed bundles (counters 1 and 2) in ``tmp_path``."""
    key = _json("release", "keygen", str(tmp_path / "keys" / "root.pem"), name="release-key")
    assert key["type"] == "ed25519"
    _json(
        "release",
        "keygen",
        str(tmp_path / "keys" / "online.pem"),
        "--type",
        "ecdsa-p256",
        name="release-key",
    )
    root = _json(
        "release", "root", str(tmp_path / "root.json"),
        "--key", f"root={tmp_path / 'keys' / 'root.pem'}",
        "--key", f"targets,snapshot,timestamp={tmp_path / 'keys' / 'online.pub.pem'}",
        "--expires", "3650d",
        name="release-root",
    )  # fmt: skip
    assert root["roles"]["root"]["keyids"] == [key["keyid"]]
    (tmp_path / "app.whl").write_bytes(b"wheel bytes")
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "weights.bin").write_bytes(b"\x00" * 1024)
    for counter in (1, 2):
        signed = _json(
            "release", "sign", str(tmp_path / f"bundle-{counter}"),
            "--root", str(tmp_path / "root.json"),
            "--key", str(tmp_path / "keys" / "online.pem"),
            "--file", str(tmp_path / "app.whl"),
            "--file", f"weights={tmp_path / 'model'}",
            "--counter", str(counter), "--expires", "30d", "--label", f"1.{counter}",
            name="release-sign",
        )  # fmt: skip
        assert signed["counter"] == counter
        assert [t["path"] for t in signed["targets"]] == ["app.whl", "weights/weights.bin"]
    return tmp_path


def _verify(setup: Path, bundle: str, *extra: str, code: int = 0) -> Any:  # noqa: ANN401
    args = ["release", "verify", str(setup / bundle), "--trusted-root", str(setup / "root.json")]
    return _json(*args, *extra, code=code, name="release-verify")


def test_verify_exits_0_and_saves_the_state(setup: Path) -> None:
    state = str(setup / "state")
    document = _verify(setup, "bundle-2", "--state", state)
    assert document["verified"] is True
    assert document["counter"] == 2
    assert document["label"] == "1.2"
    assert document["state_updated"] is True
    human = _run("release", "verify", setup / "bundle-2", "--trusted-root", setup / "root.json",
                 "--state", state)  # fmt: skip
    assert "verified release 2 (1.2)" in human.stdout
    assert "already trusts this release" in human.stdout


def test_rollback_exits_1_with_the_reason(setup: Path) -> None:
    state = str(setup / "state")
    _verify(setup, "bundle-2", "--state", state)
    document = _verify(setup, "bundle-1", "--state", state, code=1)
    assert (document["verified"], document["reason"]) == (False, "rollback")
    assert "release counter 1 is older than release 2" in document["message"]
    human = _run("release", "verify", setup / "bundle-1", "--trusted-root", setup / "root.json",
                 "--state", state, code=1)  # fmt: skip
    assert "REJECTED (rollback) [metadata/timestamp.json]" in human.stdout


def test_freeze_exits_1_at_a_later_reference_time(setup: Path) -> None:
    document = _verify(setup, "bundle-2", "--at", "2099-01-01", code=1)
    assert document["reason"] == "expired"
    assert document["reference_time"] == "2099-01-01T00:00:00+00:00"


def test_a_tampered_target_exits_1(setup: Path) -> None:
    (setup / "bundle-1" / "targets" / "app.whl").write_bytes(b"evil bytes!")
    assert _verify(setup, "bundle-1", code=1)["reason"] == "target_mismatch"


def test_without_state_it_warns_that_rollback_is_unchecked(setup: Path) -> None:
    result = _run("release", "verify", setup / "bundle-1", "--trusted-root", setup / "root.json")
    assert "rollback against earlier releases is not checked" in result.stderr


def test_no_save_leaves_no_state(setup: Path) -> None:
    document = _verify(setup, "bundle-1", "--state", str(setup / "state"), "--no-save")
    assert document["state_updated"] is False
    assert not (setup / "state").exists()


def test_a_missing_metadata_file_exits_2_naming_it(setup: Path) -> None:
    snapshot = setup / "bundle-1" / "metadata" / "snapshot.json"
    snapshot.unlink()
    result = _run("release", "verify", setup / "bundle-1", "--trusted-root", setup / "root.json",
                  code=2)  # fmt: skip
    assert (
        f"{snapshot}: no such file (expected the bundle's TUF snapshot metadata)" in result.stderr
    )
    assert "Traceback" not in result.output


def test_corrupt_metadata_exits_2_with_line_and_column(setup: Path) -> None:
    targets = setup / "bundle-1" / "metadata" / "targets.json"
    targets.write_text('{\n "signatures": [,\n', encoding="utf-8")
    result = _run("release", "verify", setup / "bundle-1", "--trusted-root", setup / "root.json",
                  code=2)  # fmt: skip
    assert f"{targets}:2:17: invalid JSON: Expecting value" in result.stderr


def test_metadata_of_the_wrong_shape_exits_2(setup: Path) -> None:
    timestamp = setup / "bundle-1" / "metadata" / "timestamp.json"
    timestamp.write_text('{"signed": {"_type": "timestamp"}, "signatures": []}', encoding="utf-8")
    result = _run("release", "verify", setup / "bundle-1", "--trusted-root", setup / "root.json",
                  code=2)  # fmt: skip
    assert f"{timestamp}:1:1: not TUF metadata" in result.stderr


def test_missing_bundle_or_trusted_root_exits_2(setup: Path) -> None:
    result = _run("release", "verify", setup / "absent", "--trusted-root", setup / "root.json",
                  code=2)  # fmt: skip
    assert "no such bundle folder" in result.stderr
    result = _run("release", "verify", setup / "bundle-1", "--trusted-root", setup / "nope.json",
                  code=2)  # fmt: skip
    assert "nope.json: no such file (expected TUF root metadata)" in result.stderr


def test_a_wrong_passphrase_exits_2_located_at_the_key(setup: Path) -> None:
    key = setup / "keys" / "online.pem"
    result = _run(
        "release", "sign", setup / "b", "--root", setup / "root.json", "--key", key,
        "--file", setup / "app.whl", "--counter", "3", "--expires", "1d",
        code=2, env={"TECHFILE_RELEASE_PASSPHRASE": "wrong passphrase"},
    )  # fmt: skip
    assert f"{key}:1:1: cannot unlock the key: wrong passphrase" in result.stderr
    assert not (setup / "b").exists()


def test_a_key_that_is_not_encrypted_pkcs8_exits_2(setup: Path) -> None:
    key = setup / "plain.pem"
    key.write_bytes(
        ed25519.Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    result = _run(
        "release", "sign", setup / "b", "--root", setup / "root.json", "--key", key,
        "--file", setup / "app.whl", "--counter", "3", "--expires", "1d", code=2,
    )  # fmt: skip
    assert f"{key}:1:1: the private key is not encrypted" in result.stderr
    assert "hint: convert it with `openssl pkcs8 -topk8" in result.stderr


def test_no_passphrase_and_no_terminal_exits_2(setup: Path) -> None:
    result = _run("release", "keygen", setup / "k.pem", code=2, env={})
    assert "set TECHFILE_RELEASE_PASSPHRASE or run on a terminal" in result.stderr


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--at", "yesterday", "--at: expected an ISO 8601 date or time"),
        ("--state", "app.whl", "app.whl: the device state is not a folder"),
    ],
)
def test_bad_options_exit_2(setup: Path, option: str, value: str, message: str) -> None:
    value = str(setup / value) if option == "--state" else value
    result = _run("release", "verify", setup / "bundle-1", "--trusted-root", setup / "root.json",
                  option, value, code=2)  # fmt: skip
    assert message in result.stderr


def test_sign_refuses_an_unknown_role_and_a_key_outside_the_root(setup: Path) -> None:
    common = ["release", "sign", setup / "b", "--root", setup / "root.json",
              "--file", setup / "app.whl", "--counter", "3", "--expires", "1d"]  # fmt: skip
    result = _run(*common, "--key", f"tragets={setup / 'keys' / 'online.pem'}", code=2)
    assert "unknown role 'tragets'" in result.stderr
    result = _run(*common, "--key", f"targets={setup / 'keys' / 'root.pem'}", code=2)
    assert "is not a targets key of the root" in result.stderr


def test_a_forged_bundle_exits_1_as_wrong_key(
    setup: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    other = tmp_path_factory.mktemp("attacker")
    _run("release", "keygen", other / "k.pem")
    _run("release", "root", other / "root.json", "--key", other / "k.pem", "--expires", "10d")
    _run("release", "sign", other / "forged", "--root", other / "root.json",
         "--key", other / "k.pem", "--file", setup / "app.whl", "--counter", "99",
         "--expires", "1d")  # fmt: skip
    shutil.copytree(other / "forged", setup / "forged")
    document = _verify(setup, "forged", code=1)
    assert document["reason"] == "wrong_key"
