"""The evidence key files and the all-or-nothing evidence folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from techfile.catalog import EvidenceKind, load_catalog
from techfile.errors import InputError
from techfile.evidence import (
    EvidenceError,
    EvidenceKeyError,
    FolderStore,
    Rejected,
    Request,
    generate_key,
    load_public_key,
    load_signer,
    read_ledger,
    record,
)
from techfile.testing import MemoryStore, throwaway_signer

PASS = b"correct horse battery"


def test_key_round_trip(tmp_path: Path) -> None:
    pair = generate_key(tmp_path / "keys" / "evidence", PASS)
    assert pair.private.read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert pair.private.stat().st_mode & 0o077 == 0
    signer = load_signer(tmp_path / "keys" / "evidence", PASS)
    public = load_public_key(tmp_path / "keys" / "evidence")
    assert signer.public_key.keyid == public.keyid == pair.keyid
    assert json.loads(pair.public.read_text())["keytype"] == "ed25519"


def test_wrong_passphrase_short_passphrase_and_existing_key(tmp_path: Path) -> None:
    stem = tmp_path / "evidence"
    with pytest.raises(EvidenceKeyError, match="at least"):
        generate_key(stem, b"short")
    generate_key(stem, PASS)
    with pytest.raises(EvidenceKeyError, match="exists already"):
        generate_key(stem, PASS)
    with pytest.raises(EvidenceKeyError, match="cannot unlock"):
        load_signer(stem, b"wrong passphrase")
    with pytest.raises(EvidenceKeyError, match="no evidence key"):
        load_signer(tmp_path / "absent", PASS)


def _artefacts(root: Path) -> tuple[Path, Path]:
    good = root / "docs" / "plan.md"
    good.parent.mkdir(parents=True)
    good.write_text("# Software development plan\n")
    bad = root / "reports" / "junit.xml"
    bad.parent.mkdir(parents=True)
    bad.write_text("<testsuite><testcase name='a'>")  # truncated XML
    return good, bad


def test_a_collector_failing_halfway_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    good, bad = _artefacts(tmp_path)
    folder = tmp_path / "evidence"
    store = FolderStore(folder)
    signer, key = throwaway_signer()
    catalog = load_catalog()
    first = Request(EvidenceKind.DOCUMENT, good, ("MDR.AI.17.2",), {"title": "SDP"})
    record([first], root=tmp_path, signer=signer, store=store, catalog=catalog)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    second = Request(EvidenceKind.DOCUMENT, good, (), {"title": "SDP v2"})
    with pytest.raises(InputError, match=r"junit\.xml"):
        record(
            [second, Request(EvidenceKind.JUNIT, bad)],
            root=tmp_path,
            signer=signer,
            store=store,
            catalog=catalog,
        )
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert len(read_ledger(store, [key]).verified) == 1


def test_a_store_failing_halfway_removes_what_it_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "evidence"
    store = FolderStore(folder)
    calls = {"n": 0}
    original = Path.replace

    def flaky(self: Path, target: Path) -> Path:
        calls["n"] += 1
        if calls["n"] == 2:  # the second rename of the batch fails
            raise OSError(28, "No space left on device")
        return original(self, target)

    monkeypatch.setattr(Path, "replace", flaky)
    with pytest.raises(EvidenceError, match="nothing was stored"):
        store.put([b'{"a": 1}', b'{"b": 2}', b'{"c": 3}'])
    assert list(folder.iterdir()) == []


def test_memory_store_is_all_or_nothing_too() -> None:
    store = MemoryStore(fail_after=1)
    with pytest.raises(EvidenceError):
        store.put([b"1", b"2"])
    assert store.records == {}


def test_a_renamed_record_file_is_rejected(tmp_path: Path) -> None:
    good, _ = _artefacts(tmp_path)
    folder = tmp_path / "evidence"
    signer, key = throwaway_signer()
    request = Request(EvidenceKind.DOCUMENT, good, (), {"title": "SDP"})
    store = FolderStore(folder)
    [digest] = record([request], root=tmp_path, signer=signer, store=store, catalog=load_catalog())
    (folder / f"{digest}.json").rename(folder / f"{'f' * 64}.json")
    ledger = read_ledger(store, [key])
    assert ledger.verified == ()
    assert isinstance(ledger.rejected[0], Rejected)
    assert "digest" in ledger.rejected[0].reason
