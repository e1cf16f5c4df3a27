"""Documents recorded as evidence: plans, reports, SOPs, each pinned by digest."""

from __future__ import annotations

from collections.abc import Sequence

from techfile.catalog import EvidenceKind
from techfile.evidence import Verified
from techfile.render._model import Block, Table
from techfile.render.sections._common import value
from techfile.render.sections.interface import Group

__all__ = ["DocumentSection"]


class DocumentSection:
    """Design and development documents."""

    __slots__ = ()
    kind = EvidenceKind.DOCUMENT
    title = "Documents"
    group = Group.DOCUMENTS

    def render(self, records: Sequence[Verified]) -> list[Block]:
        """One row per document."""
        rows = tuple(
            (
                str(value(v.record.details, "title", v.record.summary)),
                str(value(v.record.details, "version", "")),
                ", ".join(s.name for s in v.record.subjects),
                ", ".join(s.sha256[:16] for s in v.record.subjects),
                v.record.recorded_at.date().isoformat(),
                ", ".join(link.requirement for link in v.record.links),
            )
            for v in records
        )
        return [Table(("document", "version", "file", "sha256", "recorded", "requirements"), rows)]
