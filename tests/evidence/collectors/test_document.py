"""The document collector: any file, described by its options."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from techfile.catalog import EvidenceKind
from techfile.evidence.collectors import (
    DocumentCollector,
    Draft,
    EvidenceInputError,
    Outcome,
    Subject,
)

Collect = Callable[..., Draft]
SOP = "sop-software-development.md"


@pytest.fixture
def document() -> DocumentCollector:
    return DocumentCollector()


def test_document_with_every_option(
    document: DocumentCollector,
    collect: Collect,
    subject: Callable[[str], Subject],
    asset: Callable[..., Path],
) -> None:
    draft = collect(
        document,
        SOP,
        title="Software development plan",
        document_type="SOP",
        version="3.1",
        requirements=["MDR.AI.17.2", "MDCG2019-16.secure-design", "MDR.AI.17.2"],
    )

    assert draft.kind is EvidenceKind.DOCUMENT
    assert draft.subjects == (subject(SOP),)
    assert draft.outcome is Outcome.INFO
    assert draft.summary == "SOP: Software development plan (version 3.1)"
    assert draft.requirement_ids == ("MDCG2019-16.secure-design", "MDR.AI.17.2")
    assert draft.requirement_outcomes == {}
    assert draft.details == {
        "title": "Software development plan",
        "document_type": "SOP",
        "version": "3.1",
        "size_bytes": len(asset("evidence", SOP).read_bytes()),
    }


def test_document_with_a_title_only(document: DocumentCollector, collect: Collect) -> None:
    draft = collect(document, "sarif-bandit.sarif", title="Bandit scan kept for the record")

    assert draft.summary == "document: Bandit scan kept for the record"
    assert draft.details["document_type"] is None
    assert draft.details["version"] is None
    assert draft.requirement_ids == ()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "option 'title': expected the document's title, found None"),
        ({"title": "  "}, "option 'title': expected a non-empty string"),
        ({"title": "Plan", "version": 3}, "option 'version': expected a non-empty string"),
        ({"title": "Plan", "document_type": ["SOP"]}, "option 'document_type'"),
        ({"title": "Plan", "requirements": "MDR.AI.17.2"}, "option 'requirements'"),
        ({"title": "Plan", "requirements": ["MDR AI 17.2"]}, "found 'MDR AI 17.2' (str)"),
        ({"title": "Plan", "requirements": [17]}, "found 17 (int)"),
        ({"title": "Plan", "owner": "QA"}, "unknown option 'owner'"),
    ],
    ids=[
        "no-title",
        "blank-title",
        "numeric-version",
        "list-type",
        "requirements-not-a-list",
        "bad-requirement-id",
        "requirement-not-a-string",
        "unknown-option",
    ],
)
def test_bad_options_are_named(
    document: DocumentCollector, collect: Collect, options: dict[str, object], message: str
) -> None:
    with pytest.raises(EvidenceInputError) as raised:
        collect(document, SOP, **options)

    assert message in str(raised.value)
    assert SOP in str(raised.value)


def test_empty_document_is_refused(document: DocumentCollector, collect: Collect) -> None:
    with pytest.raises(EvidenceInputError, match=r"document-empty\.md: the document is empty"):
        collect(document, "document-empty.md", title="Usability engineering file")
