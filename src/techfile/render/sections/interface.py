"""The evidence-section extension point: one module per evidence kind renders its records.

A section module defines a class with ``kind``, ``title``, ``group`` (where in the technical file
its records belong) and ``render(records) -> blocks``, and is listed in ``sections/__init__.py``.
Adding a kind adds a module; the builder and the writers do not change.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Protocol

from techfile.catalog import EvidenceKind
from techfile.evidence import Verified
from techfile.render._model import Block

__all__ = ["EvidenceSection", "Group"]


class Group(StrEnum):
    """Where a kind's records appear."""

    DOCUMENTS = "documents"
    """Design and manufacturing information (Annex II 3)."""
    CHECKS = "checks"
    """Verification and validation (Annex II 6.1)."""
    RISK = "risk"
    """Benefit-risk analysis and risk management (Annex II 5; AI Act Annex IV 5)."""


class EvidenceSection(Protocol):
    """Renders the records of one evidence kind."""

    @property
    def kind(self) -> EvidenceKind:
        """The kind rendered."""
        ...

    @property
    def title(self) -> str:
        """Sub-section title."""
        ...

    @property
    def group(self) -> Group:
        """Where it belongs."""
        ...

    def render(self, records: Sequence[Verified]) -> list[Block]:
        """Content for the records (oldest first; at least one)."""
        ...
