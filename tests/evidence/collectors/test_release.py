"""The release collector: a bundle in the project is verified when collected and recorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from techfile.catalog import EvidenceKind, load_catalog
from techfile.evidence import Request, read_ledger, record
from techfile.evidence.collectors import EvidenceInputError, Outcome, ReleaseCollector
from techfile.release import (
    ReleaseInputError,
    Role,
    RoleKey,
    TargetSource,
    create_root,
    generate_key,
    load_signer,
    sign_bundle,
    verify_schema,
)
from techfile.testing import MemoryStore, throwaway_signer

COLLECTOR = ReleaseCollector()
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
PASSPHRASE = b"collector passphrase"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with a root of trust and a signed bundle in ``release/bundle``."""
    key = generate_key(tmp_path / "keys" / "release.pem", PASSPHRASE)
    signer = load_signer(key.private, lambda _: PASSPHRASE)
    create_root(
        tmp_path / "release" / "root.json",
        [RoleKey((), signer)],
        expires=NOW + dt.timedelta(days=365),
        now=NOW,
    )
    (tmp_path / "sbom.cdx.json").write_text('{"bomFormat": "CycloneDX"}', encoding="utf-8")
    sign_bundle(
        tmp_path / "release" / "bundle",
        root=tmp_path / "release" / "root.json",
        keys=[RoleKey((Role.TARGETS, Role.SNAPSHOT, Role.TIMESTAMP), signer)],
        files=[TargetSource(tmp_path / "sbom.cdx.json")],
        counter=3,
        expires=NOW + dt.timedelta(days=30),
        now=NOW,
        label="1.3.0",
    )
    return tmp_path


def test_a_verified_bundle_becomes_a_passing_signed_record(project: Path) -> None:
    bundle = project / "release" / "bundle"
    options: dict[str, object] = {"trusted_root": "release/root.json"}
    signer, key = throwaway_signer()
    store = MemoryStore()
    record(
        [Request(EvidenceKind.RELEASE, bundle, (), options)],
        root=project,
        signer=signer,
        store=store,
        catalog=load_catalog(),
    )
    (verified,) = read_ledger(store, [key]).verified
    evidence = verified.record
    assert evidence.kind is EvidenceKind.RELEASE
    assert evidence.outcome is Outcome.PASS
    assert evidence.summary.startswith("release 3 (1.3.0): 1 file(s) verified")
    names = [s.name for s in evidence.subjects]
    assert names[0] == "release/root.json"
    assert "release/bundle/metadata/timestamp.json" in names
    assert "release/bundle/targets/sbom.cdx.json" in names
    details: dict[str, Any] = dict(evidence.details)
    jsonschema.validate(details, verify_schema())
    assert details["bundle"] == "release/bundle"
    assert details["counter"] == 3
    assert {r["role"]: r["version"] for r in details["roles"]} == {
        "root": 1,
        "timestamp": 3,
        "snapshot": 3,
        "targets": 3,
    }
    assert all(r["keyids"] for r in details["roles"])


def test_a_tampered_bundle_becomes_a_failing_record(project: Path) -> None:
    bundle = project / "release" / "bundle"
    (bundle / "targets" / "sbom.cdx.json").write_text("{}", encoding="utf-8")
    draft = COLLECTOR.collect(bundle, root=project, options={"trusted_root": "release/root.json"})
    assert draft.outcome is Outcome.FAIL
    assert draft.details["reason"] == "target_mismatch"
    assert "tampered target" in draft.summary


def test_the_reference_time_option_checks_expiry(project: Path) -> None:
    later = (NOW + dt.timedelta(days=60)).isoformat()
    draft = COLLECTOR.collect(
        project / "release" / "bundle",
        root=project,
        options={"trusted_root": "release/root.json", "at": later},
    )
    assert draft.outcome is Outcome.FAIL
    assert draft.details["reason"] == "expired"


def test_options_and_inputs_are_checked(project: Path) -> None:
    bundle = project / "release" / "bundle"
    with pytest.raises(EvidenceInputError, match="option 'trusted_root': expected"):
        COLLECTOR.collect(bundle, root=project, options={})
    with pytest.raises(EvidenceInputError, match="unknown option 'trusted'"):
        COLLECTOR.collect(bundle, root=project, options={"trusted": "x"})
    with pytest.raises(EvidenceInputError, match="expected a release bundle folder"):
        COLLECTOR.collect(
            project / "sbom.cdx.json", root=project, options={"trusted_root": "release/root.json"}
        )
    with pytest.raises(EvidenceInputError, match=r"absent\.json: cannot read the artefact"):
        COLLECTOR.collect(bundle, root=project, options={"trusted_root": "absent.json"})
    (bundle / "metadata" / "snapshot.json").write_text("{", encoding="utf-8")
    with pytest.raises(ReleaseInputError, match=r"snapshot\.json:1:2: invalid JSON"):
        COLLECTOR.collect(bundle, root=project, options={"trusted_root": "release/root.json"})
