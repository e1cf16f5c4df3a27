"""Signing: the bundle's layout and metadata, and the inputs refused before anything is written."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from tuf.api.metadata import Metadata, Snapshot, Targets, Timestamp

from techfile.errors import InputError
from techfile.release import (
    ReleaseInputError,
    Role,
    RoleKey,
    TargetSource,
    create_root,
    generate_key,
    load_signer,
    sign_bundle,
)

from .conftest import DAY, NOW, PASSPHRASE, Release, passphrase


def test_the_bundle_holds_the_metadata_and_files_a_tuf_client_expects(release: Release) -> None:
    signed = release.sign(7)
    metadata = signed.bundle / "metadata"
    assert sorted(p.name for p in metadata.iterdir()) == [
        "1.root.json",
        "root.json",
        "snapshot.json",
        "targets.json",
        "timestamp.json",
    ]
    assert (metadata / "root.json").read_bytes() == release.root.read_bytes()
    targets = Metadata[Targets].from_file(str(metadata / "targets.json")).signed
    snapshot = Metadata[Snapshot].from_file(str(metadata / "snapshot.json")).signed
    timestamp = Metadata[Timestamp].from_file(str(metadata / "timestamp.json")).signed
    assert targets.version == snapshot.version == timestamp.version == signed.counter == 7
    assert targets.unrecognized_fields == {"x-techfile-release": {"label": "1.7.0"}}
    pinned = snapshot.meta["targets.json"]
    assert pinned.length == len((metadata / "targets.json").read_bytes())
    assert set(pinned.hashes or {}) == {"sha256"}
    assert timestamp.snapshot_meta.length == len((metadata / "snapshot.json").read_bytes())
    wheel = targets.targets["cardiorisk-1.0.0-py3-none-any.whl"]
    assert wheel.length == len(b"PK\x03\x04 a wheel" * 100)
    assert (signed.bundle / "targets" / "evidence" / "vex.json").is_file()
    assert not list(signed.bundle.parent.glob(".bundle-7*"))  # no staging left behind


def test_a_key_the_root_does_not_name_is_refused(release: Release, attacker: Release) -> None:
    with pytest.raises(ReleaseInputError, match="is not a key of any bundle role in the root"):
        release.sign(1, key=attacker.online_key)
    assert not (release.folder / "bundle-1").exists()


def test_a_key_for_the_wrong_role_is_refused(release: Release) -> None:
    root_key = load_signer(release.folder / "keys" / "root.pem", passphrase)
    with pytest.raises(ReleaseInputError, match="is not a targets key of the root"):
        sign_bundle(
            release.folder / "b",
            root=release.root,
            keys=[RoleKey((Role.TARGETS,), root_key)],
            files=release.sources,
            counter=1,
            expires=NOW + DAY,
            now=NOW,
        )


def test_a_threshold_of_two_needs_two_keys(tmp_path: Path) -> None:
    keys = [generate_key(tmp_path / f"{n}.pem", PASSPHRASE) for n in ("root", "a", "b")]
    signers = [load_signer(k.private, passphrase) for k in keys]
    root = tmp_path / "root.json"
    create_root(
        root,
        [RoleKey((Role.ROOT,), signers[0]), RoleKey((), signers[1]), RoleKey((), signers[2])],
        expires=NOW + 100 * DAY,
        now=NOW,
        thresholds={Role.TARGETS: 2},
    )
    source = tmp_path / "app.whl"
    source.write_bytes(b"wheel")
    common = {"root": root, "files": [TargetSource(source)], "counter": 1, "now": NOW}
    with pytest.raises(InputError, match="the targets role needs 2 key"):
        sign_bundle(tmp_path / "b1", keys=[RoleKey((), signers[1])], expires=NOW + DAY, **common)  # type: ignore[arg-type]
    signed = sign_bundle(
        tmp_path / "b2",
        keys=[RoleKey((), signers[1]), RoleKey((), signers[2])],
        expires=NOW + DAY,
        **common,  # type: ignore[arg-type]
    )
    assert len(signed.signed_by[Role.TARGETS]) == 2


def test_two_files_with_one_name_are_refused(release: Release) -> None:
    other = release.folder / "sbom.cdx.json"
    other.write_text("{}", encoding="utf-8")
    with pytest.raises(ReleaseInputError, match=r"two files would be targets/sbom\.cdx\.json"):
        sign_bundle(
            release.folder / "b",
            root=release.root,
            keys=[RoleKey((), load_signer(release.online_key, passphrase))],
            files=[*release.sources, TargetSource(other)],
            counter=1,
            expires=NOW + DAY,
            now=NOW,
        )


@pytest.mark.parametrize("name", ["../escape", "/abs", "a/./b", "a\\b"])
def test_a_target_name_outside_the_bundle_is_refused(release: Release, name: str) -> None:
    with pytest.raises(ReleaseInputError, match="is not a relative path within the bundle"):
        sign_bundle(
            release.folder / "b",
            root=release.root,
            keys=[RoleKey((), load_signer(release.online_key, passphrase))],
            files=[TargetSource(release.sources[0].path, name)],
            counter=1,
            expires=NOW + DAY,
            now=NOW,
        )


def test_a_missing_file_an_existing_bundle_and_bad_times_are_refused(release: Release) -> None:
    signer = load_signer(release.online_key, passphrase)
    kwargs = {
        "root": release.root,
        "keys": [RoleKey((), signer)],
        "files": release.sources,
        "counter": 1,
        "expires": NOW + DAY,
        "now": NOW,
    }
    with pytest.raises(ReleaseInputError, match="no such file or folder"):
        sign_bundle(release.folder / "b", **kwargs | {"files": [TargetSource(Path("absent"))]})  # type: ignore[arg-type]
    release.sign(1, name="b")
    with pytest.raises(ReleaseInputError, match="exists and is not empty"):
        sign_bundle(release.folder / "b", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="--counter must be 1 or more"):
        sign_bundle(release.folder / "c", **kwargs | {"counter": 0})  # type: ignore[arg-type]
    with pytest.raises(InputError, match="is not in the future"):
        sign_bundle(release.folder / "c", **kwargs | {"expires": NOW - DAY})  # type: ignore[arg-type]
    later = {"now": NOW + 400 * DAY, "expires": NOW + 401 * DAY}
    with pytest.raises(ReleaseInputError, match="the root expired at"):
        sign_bundle(release.folder / "c", **kwargs | later)  # type: ignore[arg-type]


def test_replacing_a_bundle_with_force(release: Release) -> None:
    release.sign(1, name="b")
    signer = load_signer(release.online_key, passphrase)
    signed = sign_bundle(
        release.folder / "b",
        root=release.root,
        keys=[RoleKey((), signer)],
        files=release.sources[:1],
        counter=2,
        expires=NOW + DAY,
        now=NOW,
        overwrite=True,
    )
    assert len(signed.targets) == 1
    assert sorted(p.name for p in (release.folder / "b" / "targets").iterdir()) == [
        "cardiorisk-1.0.0-py3-none-any.whl"
    ]


def test_a_root_that_is_not_self_signed_is_refused(release: Release) -> None:
    document = json.loads(release.root.read_bytes())
    document["signed"]["expires"] = "2099-01-01T00:00:00Z"
    release.root.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ReleaseInputError, match="the root is not signed by its own root keys"):
        release.sign(1)


def test_create_root_checks_its_keys(tmp_path: Path) -> None:
    key = generate_key(tmp_path / "k.pem", PASSPHRASE)
    public = RoleKey((), load_signer(key.private, passphrase).public_key)
    with pytest.raises(InputError, match="the root needs 1 signature"):
        create_root(tmp_path / "root.json", [public], expires=NOW + DAY, now=NOW)
    signer = RoleKey((Role.ROOT,), load_signer(key.private, passphrase))
    with pytest.raises(InputError, match="no key for the targets role"):
        create_root(tmp_path / "root.json", [signer], expires=NOW + DAY, now=NOW)
    everything = RoleKey((), load_signer(key.private, passphrase))
    with pytest.raises(InputError, match="--threshold snapshot=2: must be between 1 and 1"):
        create_root(
            tmp_path / "root.json",
            [everything],
            expires=NOW + DAY,
            now=NOW,
            thresholds={Role.SNAPSHOT: 2},
        )
    info = create_root(tmp_path / "root.json", [everything], expires=NOW + DAY, now=NOW)
    assert info.version == 1
    assert info.expires == NOW + DAY
    assert dt.timedelta(0) < info.expires - NOW
