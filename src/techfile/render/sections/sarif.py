"""Static analysis logs (SARIF): tools, findings by level, most frequent rules."""

from __future__ import annotations

from collections.abc import Sequence

from techfile.catalog import EvidenceKind
from techfile.evidence import Verified
from techfile.render._model import Block, Table
from techfile.render.sections._common import provenance, value
from techfile.render.sections.interface import Group

__all__ = ["SarifSection"]


class SarifSection:
    """Static analysis and security testing of the source code."""

    __slots__ = ()
    kind = EvidenceKind.SARIF
    title = "Static analysis"
    group = Group.CHECKS

    def render(self, records: Sequence[Verified]) -> list[Block]:
        """Findings per level for each log."""
        blocks: list[Block] = []
        for verified in records:
            blocks += provenance(verified)
            levels = value(verified.record.details, "levels", {})
            if isinstance(levels, dict) and levels:
                rows = tuple((str(k), str(v)) for k, v in sorted(levels.items()))
                blocks.append(Table(("level", "findings"), rows))
        return blocks
