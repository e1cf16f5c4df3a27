"""Test reports (JUnit): counts, failing tests and the requirements the tests verify."""

from __future__ import annotations

from collections.abc import Sequence

from techfile.catalog import EvidenceKind
from techfile.evidence import Verified
from techfile.render._model import Block, Table, Tone
from techfile.render.sections._common import provenance, value
from techfile.render.sections.interface import Group

__all__ = ["JUnitSection"]

_SHOWN_FAILURES = 50


class JUnitSection:
    """Software verification by automated tests."""

    __slots__ = ()
    kind = EvidenceKind.JUNIT
    title = "Software tests"
    group = Group.CHECKS

    def render(self, records: Sequence[Verified]) -> list[Block]:
        """One summary per report, the failing tests, and tests per requirement."""
        blocks: list[Block] = []
        for verified in records:
            details = verified.record.details
            blocks += provenance(verified)
            counts = tuple(
                (k, str(value(details, k, 0))) for k in ("tests", "failures", "errors", "skipped")
            )
            blocks.append(Table(("measure", "value"), counts))
            cases = value(details, "cases", [])
            failing = (
                [c for c in cases if isinstance(c, dict) and c.get("outcome") == "fail"]
                if isinstance(cases, list)
                else []
            )
            if failing:
                rows = tuple(
                    (str(c.get("classname", "")), str(c.get("name", "")))
                    for c in failing[:_SHOWN_FAILURES]
                )
                blocks.append(
                    Table(
                        ("class", "failing test"),
                        rows,
                        "Failing tests",
                        tuple(Tone.BAD for _ in rows),
                    )
                )
            links = tuple((link.requirement, link.outcome.value) for link in verified.record.links)
            if links:
                blocks.append(
                    Table(("requirement", "outcome"), links, "Requirements verified by these tests")
                )
        return blocks
