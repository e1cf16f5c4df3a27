"""Evidence records: signing, verification and every way a record can be untrustworthy."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from techfile.catalog import EvidenceKind, load_catalog
from techfile.evidence import (
    Draft,
    Outcome,
    Rejected,
    Subject,
    Verified,
    parse_record,
    predicate_type,
    sign_draft,
    verify_record,
)
from techfile.testing import throwaway_signer

CATALOG = load_catalog()
SUBJECT = Subject("reports/junit.xml", "ab" * 32)
WHEN = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)


def _draft(**changes: object) -> Draft:
    values: dict[str, object] = {
        "kind": EvidenceKind.JUNIT,
        "subjects": (SUBJECT,),
        "outcome": Outcome.PASS,
        "summary": "3 tests: 3 passed",
        "details": {"tests": 3},
        "requirement_ids": ("MDR.AI.17.2",),
        "requirement_outcomes": {"MDR.AI.17.2": Outcome.PASS},
    }
    values.update(changes)
    return Draft(**values)  # type: ignore[arg-type]  # test values of the right types


def _payload(envelope: bytes) -> dict[str, object]:
    data = json.loads(base64.b64decode(json.loads(envelope)["payload"]))
    assert isinstance(data, dict)
    return data


def test_a_signed_record_is_an_in_toto_statement_in_dsse() -> None:
    signer, key = throwaway_signer()
    envelope = sign_draft(_draft(), signer, catalog=CATALOG, recorded_at=WHEN)
    document = json.loads(envelope)
    assert document["payloadType"] == "application/vnd.in-toto+json"
    assert document["signatures"][0]["keyid"] == key.keyid
    statement = _payload(envelope)
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["predicateType"] == predicate_type(EvidenceKind.JUNIT)
    assert statement["subject"] == [{"name": SUBJECT.name, "digest": {"sha256": SUBJECT.sha256}}]
    requirement = CATALOG.get("MDR.AI.17.2")
    assert requirement is not None
    link = statement["predicate"]["requirements"][0]  # type: ignore[index]
    assert link == {
        "id": "MDR.AI.17.2",
        "content_hash": requirement.content_hash,
        "outcome": "pass",
    }


def test_verification_accepts_the_trusted_key_only() -> None:
    signer, key = throwaway_signer()
    _, other = throwaway_signer()
    envelope = sign_draft(_draft(), signer, catalog=CATALOG, recorded_at=WHEN)
    verified = verify_record(envelope, [key])
    assert isinstance(verified, Verified)
    assert verified.keyid == key.keyid
    assert verified.record.recorded_at == WHEN
    assert verified.record.links[0].requirement == "MDR.AI.17.2"
    rejected = verify_record(envelope, [other])
    assert isinstance(rejected, Rejected)
    assert "signature" in rejected.reason


def test_a_changed_payload_breaks_the_signature() -> None:
    signer, key = throwaway_signer()
    document = json.loads(sign_draft(_draft(), signer, catalog=CATALOG, recorded_at=WHEN))
    statement = _payload(json.dumps(document).encode())
    statement["subject"][0]["digest"]["sha256"] = "cd" * 32  # type: ignore[index]
    document["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    result = verify_record(json.dumps(document).encode(), [key])
    assert isinstance(result, Rejected)


def test_a_forged_record_claiming_the_project_key_id_is_rejected() -> None:
    _, key = throwaway_signer()
    forger, _ = throwaway_signer()
    document = json.loads(sign_draft(_draft(), forger, catalog=CATALOG, recorded_at=WHEN))
    document["signatures"][0]["keyid"] = key.keyid
    result = verify_record(json.dumps(document).encode(), [key])
    assert isinstance(result, Rejected)


def test_an_unsigned_record_is_rejected() -> None:
    signer, key = throwaway_signer()
    document = json.loads(sign_draft(_draft(), signer, catalog=CATALOG, recorded_at=WHEN))
    document["signatures"] = []
    result = verify_record(json.dumps(document).encode(), [key])
    assert isinstance(result, Rejected)
    assert "not signed" in result.reason


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("_type",), "https://in-toto.io/Statement/v0.1"),
        (("predicateType",), "https://example.org/other/v1"),
        (("subject",), []),
        (("predicate", "outcome"), "maybe"),
    ],
    ids=["old-statement-type", "foreign-predicate", "no-subject", "unknown-outcome"],
)
def test_a_malformed_statement_is_rejected_even_when_signed(
    path: tuple[str, ...], value: object
) -> None:
    signer, key = throwaway_signer()
    statement = _payload(sign_draft(_draft(), signer, catalog=CATALOG, recorded_at=WHEN))
    target: dict[str, object] = statement
    for part in path[:-1]:
        target = target[part]  # type: ignore[assignment]
    target[path[-1]] = value
    from securesystemslib.dsse import Envelope  # noqa: PLC0415  # only this test re-signs

    envelope = Envelope(json.dumps(statement).encode(), "application/vnd.in-toto+json", {})
    envelope.sign(signer)
    result = verify_record(json.dumps(envelope.to_dict()).encode(), [key])
    assert isinstance(result, Rejected)


def test_unknown_envelope_fields_survive_because_bytes_are_kept() -> None:
    signer, key = throwaway_signer()
    document = json.loads(sign_draft(_draft(), signer, catalog=CATALOG, recorded_at=WHEN))
    document["x-annotation"] = {"reviewed-by": "QA"}
    data = json.dumps(document).encode()
    result = verify_record(data, [key])
    assert isinstance(result, Verified)
    assert result.record.envelope == data


_text = st.text(st.characters(codec="utf-8"), max_size=40)


@settings(max_examples=50, deadline=None)
@given(
    summary=_text,
    details=st.dictionaries(
        _text, st.integers(-(2**53) + 1, 2**53 - 1) | _text | st.booleans(), max_size=5
    ),
    outcome=st.sampled_from(list(Outcome)),
    ids=st.lists(st.sampled_from(sorted(CATALOG.requirements)[:50]), max_size=4),
)
def test_sign_parse_round_trip(
    summary: str, details: dict[str, object], outcome: Outcome, ids: list[str]
) -> None:
    signer, _ = throwaway_signer()
    draft = _draft(summary=summary, details=details, outcome=outcome, requirement_ids=tuple(ids))
    envelope = sign_draft(draft, signer, catalog=CATALOG, recorded_at=WHEN)
    first = parse_record(envelope)
    assert not isinstance(first, Rejected)
    assert first.summary == summary
    assert dict(first.details) == details
    assert first.outcome is outcome
    assert sorted(link.requirement for link in first.links) == sorted(set(ids))
    again = parse_record(first.envelope)
    assert again == first


def test_a_record_file_that_is_not_json_is_refused_with_its_location(tmp_path: Path) -> None:
    from techfile.errors import LocatedInputError  # noqa: PLC0415
    from techfile.evidence import FolderStore, read_ledger  # noqa: PLC0415

    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / f"{'0' * 64}.json").write_text('{\n  "payload": "abc",\n  oops\n}\n')
    _, key = throwaway_signer()
    with pytest.raises(LocatedInputError, match=r"\.json:3:3"):
        read_ledger(FolderStore(folder), [key])
