"""Code coverage reports (Cobertura): line and branch rates against the threshold."""

from __future__ import annotations

from collections.abc import Sequence

from techfile.catalog import EvidenceKind
from techfile.evidence import Verified
from techfile.render._model import Block, Table
from techfile.render.sections._common import provenance, value
from techfile.render.sections.interface import Group

__all__ = ["CoverageSection"]


class CoverageSection:
    """Structural coverage of the software by its tests."""

    __slots__ = ()
    kind = EvidenceKind.COVERAGE
    title = "Code coverage"
    group = Group.CHECKS

    def render(self, records: Sequence[Verified]) -> list[Block]:
        """Rates per report."""
        blocks: list[Block] = []
        for verified in records:
            details = verified.record.details
            blocks += provenance(verified)
            keys = ("line_rate", "branch_rate", "lines_covered", "lines_valid", "threshold")
            rows = tuple((k.replace("_", " "), str(value(details, k, "n/a"))) for k in keys)
            blocks.append(Table(("measure", "value"), rows))
        return blocks
