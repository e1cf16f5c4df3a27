"""Verification before install: a good bundle passes offline; every attack fails closed.

Each attack is its own test and names the failure it must be reported as, with a message a
person can act on. The bundles are real TUF repositories made by python-tuf; nothing of TUF
is mocked.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from tuf.api.metadata import Metadata, Root

from techfile.release import (
    Failure,
    ReleaseRejected,
    ReleaseVerified,
    Role,
    Verification,
    load_signer,
    verify_bundle,
)

from .conftest import DAY, NOW, Release, passphrase

AT = NOW + DAY


def _verify(release: Release, bundle: Path, **kwargs: Any) -> Verification:  # noqa: ANN401
    return verify_bundle(bundle, trusted_root=release.root, at=kwargs.pop("at", AT), **kwargs)


def _rejected(result: Verification, reason: Failure) -> ReleaseRejected:
    assert isinstance(result, ReleaseRejected), result
    assert result.reason is reason, result.message
    return result


@pytest.mark.usefixtures("no_network")
def test_a_valid_bundle_verifies_offline(release: Release, tmp_path: Path) -> None:
    signed = release.sign(1)
    state = tmp_path / "device-state"
    result = _verify(release, signed.bundle, state=state)
    assert isinstance(result, ReleaseVerified), result
    assert result.counter == 1
    assert result.label == "1.1.0"
    assert {t.path for t in result.targets} == {
        "cardiorisk-1.0.0-py3-none-any.whl",
        "model/card.json",
        "model/weights.bin",
        "sbom.cdx.json",
        "evidence/vex.json",
    }
    assert result.targets == signed.targets
    versions = {r.role: r.version for r in result.roles}
    assert versions == {Role.ROOT: 1, Role.TIMESTAMP: 1, Role.SNAPSHOT: 1, Role.TARGETS: 1}
    online = load_signer(release.online_key, passphrase).public_key.keyid
    assert all(r.signed_by == (online,) for r in result.roles if r.role is not Role.ROOT)
    assert result.expires == NOW + 30 * DAY
    assert result.state_updated
    assert result.trusted_before is None
    assert (state / "timestamp.json").read_bytes() == (
        signed.bundle / "metadata" / "timestamp.json"
    ).read_bytes()


def test_a_newer_release_is_accepted_and_becomes_the_trusted_one(
    release: Release, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    assert isinstance(_verify(release, release.sign(1).bundle, state=state), ReleaseVerified)
    result = _verify(release, release.sign(5).bundle, state=state)
    assert isinstance(result, ReleaseVerified)
    assert (result.trusted_before, result.counter) == (1, 5)


def test_verifying_the_installed_release_again_is_accepted_without_change(
    release: Release, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    bundle = release.sign(3).bundle
    _verify(release, bundle, state=state)
    again = _verify(release, bundle, state=state)
    assert isinstance(again, ReleaseVerified)
    assert again.already_trusted
    assert not again.state_updated


def test_rollback_to_an_older_release_is_refused(release: Release, tmp_path: Path) -> None:
    old, new = release.sign(1).bundle, release.sign(2).bundle
    state = tmp_path / "state"
    assert isinstance(_verify(release, new, state=state), ReleaseVerified)
    before = sorted((p.name, p.read_bytes()) for p in state.rglob("*.json"))
    result = _rejected(_verify(release, old, state=state), Failure.ROLLBACK)
    assert "release counter 1 is older than release 2 the device trusts" in result.message
    assert result.trusted_before == 2
    assert sorted((p.name, p.read_bytes()) for p in state.rglob("*.json")) == before


def test_freeze_an_expired_bundle_is_refused_at_the_reference_time(release: Release) -> None:
    bundle = release.sign(1, expires=NOW + 2 * DAY).bundle
    assert isinstance(_verify(release, bundle, at=NOW + DAY), ReleaseVerified)
    result = _rejected(_verify(release, bundle, at=NOW + 3 * DAY), Failure.EXPIRED)
    assert result.message.startswith("freeze: timestamp.json expired at 2026-06-03T12:00:00+00:00")
    assert "reference time 2026-06-04T12:00:00+00:00" in result.message


def test_freeze_an_expired_root_is_refused(tmp_path: Path) -> None:
    from .conftest import make_release  # noqa: PLC0415  # a setup with a short-lived root

    release = make_release(tmp_path / "m", root_expires=NOW + 5 * DAY)
    signed = release.sign(1)
    assert signed.warnings  # the root expires before the bundle
    result = _rejected(_verify(release, signed.bundle, at=NOW + 6 * DAY), Failure.EXPIRED)
    assert result.file == "metadata/root.json"
    assert "root.json expired at 2026-06-06T12:00:00+00:00" in result.message


def test_mix_and_match_targets_from_an_older_bundle(release: Release) -> None:
    old, new = release.sign(1).bundle, release.sign(2).bundle
    shutil.copyfile(old / "metadata" / "targets.json", new / "metadata" / "targets.json")
    result = _rejected(_verify(release, new), Failure.MIX_AND_MATCH)
    assert result.file == "metadata/targets.json"
    assert result.message.startswith("mix-and-match: targets.json")


def test_mix_and_match_snapshot_from_an_older_bundle(release: Release) -> None:
    old, new = release.sign(1).bundle, release.sign(2).bundle
    shutil.copyfile(old / "metadata" / "snapshot.json", new / "metadata" / "snapshot.json")
    result = _rejected(_verify(release, new), Failure.MIX_AND_MATCH)
    assert result.file == "metadata/snapshot.json"


def test_mix_and_match_an_old_timestamp_with_newer_files(release: Release) -> None:
    old, new = release.sign(1).bundle, release.sign(2).bundle
    shutil.copyfile(old / "metadata" / "timestamp.json", new / "metadata" / "timestamp.json")
    result = _rejected(_verify(release, new), Failure.MIX_AND_MATCH)
    assert result.file == "metadata/snapshot.json"


def test_mix_and_match_on_a_device_that_trusts_the_older_release(
    release: Release, tmp_path: Path
) -> None:
    old, new = release.sign(1).bundle, release.sign(2).bundle
    state = tmp_path / "state"
    assert isinstance(_verify(release, old, state=state), ReleaseVerified)
    shutil.copyfile(old / "metadata" / "targets.json", new / "metadata" / "targets.json")
    _rejected(_verify(release, new, state=state), Failure.MIX_AND_MATCH)
    assert json.loads((state / "timestamp.json").read_bytes())["signed"]["version"] == 1


def test_wrong_key_a_bundle_signed_by_other_keys(release: Release, attacker: Release) -> None:
    forged = attacker.sign(9, name="forged")
    result = _rejected(_verify(release, forged.bundle), Failure.WRONG_KEY)
    assert result.file == "metadata/timestamp.json"
    assert "is not signed by trusted timestamp keys" in result.message
    attacker_key = load_signer(attacker.online_key, passphrase).public_key.keyid
    assert attacker_key[:12] in result.message


def test_wrong_key_a_new_root_not_signed_by_the_trusted_root(
    release: Release, attacker: Release
) -> None:
    bundle = release.sign(1).bundle
    rotated: Metadata[Root] = Metadata.from_file(str(attacker.root))
    rotated.signed.version = 2
    rotated.signatures.clear()
    rotated.sign(load_signer(attacker.folder / "keys" / "root.pem", passphrase))
    rotated.to_file(str(bundle / "metadata" / "2.root.json"))
    result = _rejected(_verify(release, bundle), Failure.WRONG_KEY)
    assert result.file == "metadata/2.root.json"
    assert "2.root.json is not signed by trusted root keys (signed by " in result.message


def test_a_tampered_target_file_is_refused(release: Release) -> None:
    bundle = release.sign(1).bundle
    weights = bundle / "targets" / "model" / "weights.bin"
    data = bytearray(weights.read_bytes())
    data[100] ^= 0x01  # same length, one bit flipped
    weights.write_bytes(bytes(data))
    result = _rejected(_verify(release, bundle), Failure.TARGET_MISMATCH)
    assert result.file == "targets/model/weights.bin"
    assert "tampered target: targets/model/weights.bin does not match" in result.message


def test_a_longer_target_file_is_refused(release: Release) -> None:
    bundle = release.sign(1).bundle
    with (bundle / "targets" / "sbom.cdx.json").open("ab") as handle:
        handle.write(b" ")
    _rejected(_verify(release, bundle), Failure.TARGET_MISMATCH)


def test_a_missing_target_file_is_refused(release: Release) -> None:
    bundle = release.sign(1).bundle
    (bundle / "targets" / "evidence" / "vex.json").unlink()
    result = _rejected(_verify(release, bundle), Failure.TARGET_MISSING)
    assert result.file == "targets/evidence/vex.json"


def test_a_file_the_metadata_does_not_list_is_refused(release: Release) -> None:
    bundle = release.sign(1).bundle
    (bundle / "targets" / "model" / "backdoor.py").write_text("import os\n", encoding="utf-8")
    result = _rejected(_verify(release, bundle), Failure.UNLISTED_FILE)
    assert "targets/model/backdoor.py" in result.message


def test_a_reused_counter_with_other_content_is_refused(release: Release, tmp_path: Path) -> None:
    state = tmp_path / "state"
    first = release.sign(4, name="first")
    assert isinstance(_verify(release, first.bundle, state=state), ReleaseVerified)
    second = release.sign(4, name="second", expires=NOW + 40 * DAY)
    result = _rejected(_verify(release, second.bundle, state=state), Failure.COUNTER_REUSED)
    assert "already trusts release 4" in result.message


def test_a_tampered_device_state_is_reported_not_ignored(release: Release, tmp_path: Path) -> None:
    state = tmp_path / "state"
    _verify(release, release.sign(2).bundle, state=state)
    document = json.loads((state / "timestamp.json").read_bytes())
    document["signed"]["version"] = 1  # an attacker lowering the trusted counter
    (state / "timestamp.json").write_text(json.dumps(document), encoding="utf-8")
    result = _rejected(
        _verify(release, release.sign(1).bundle, state=state), Failure.UNTRUSTED_STATE
    )
    assert "damaged or tampered" in result.message


def test_without_saving_the_state_stays_as_it_was(release: Release, tmp_path: Path) -> None:
    state = tmp_path / "state"
    result = _verify(release, release.sign(1).bundle, state=state, update_state=False)
    assert isinstance(result, ReleaseVerified)
    assert not result.state_updated
    assert not state.exists()


def test_a_failed_verification_leaves_the_state_unchanged(release: Release, tmp_path: Path) -> None:
    state = tmp_path / "state"
    _verify(release, release.sign(1).bundle, state=state)
    bundle = release.sign(2).bundle
    (bundle / "targets" / "vex.json").write_text("x", encoding="utf-8")
    (bundle / "targets" / "evidence" / "vex.json").write_text("{}", encoding="utf-8")
    _rejected(_verify(release, bundle, state=state), Failure.TARGET_MISMATCH)
    assert json.loads((state / "targets.json").read_bytes())["signed"]["version"] == 1


def test_a_new_root_in_the_bundle_is_followed_and_remembered(
    release: Release, tmp_path: Path
) -> None:
    bundle = release.sign(1).bundle
    rotated: Metadata[Root] = Metadata.from_file(str(release.root))
    rotated.signed.version = 2
    rotated.signatures.clear()
    rotated.sign(load_signer(release.folder / "keys" / "root.pem", passphrase))
    rotated.to_file(str(bundle / "metadata" / "2.root.json"))
    state = tmp_path / "state"
    result = _verify(release, bundle, state=state)
    assert isinstance(result, ReleaseVerified), result
    assert result.roles[0].version == 2
    assert (state / "root_history" / "2.root.json").is_file()
    assert isinstance(_verify(release, release.sign(2).bundle, state=state), ReleaseVerified)
