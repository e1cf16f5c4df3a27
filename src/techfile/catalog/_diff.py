"""Differences between two catalog versions: added, removed and changed requirements."""

from __future__ import annotations

from dataclasses import dataclass

from techfile.catalog._requirements import Catalog, RequirementId

__all__ = ["CatalogDiff", "Change", "diff_catalogs"]


@dataclass(frozen=True, slots=True)
class Change:
    """A requirement present in both versions whose content differs."""

    id: RequirementId
    """The requirement."""
    fields: tuple[str, ...]
    """The fields that changed."""


@dataclass(frozen=True, slots=True)
class CatalogDiff:
    """What changed from an old catalog to a new one."""

    added: tuple[RequirementId, ...]
    """Only in the new catalog."""
    removed: tuple[RequirementId, ...]
    """Only in the old catalog."""
    changed: tuple[Change, ...]
    """In both, with different content."""

    @property
    def empty(self) -> bool:
        """True when the versions hold the same requirements with the same content."""
        return not (self.added or self.removed or self.changed)


def diff_catalogs(old: Catalog, new: Catalog) -> CatalogDiff:
    """Compare two catalogs requirement by requirement (by id and content hash)."""
    added = tuple(r for r in new.requirements if r not in old.requirements)
    removed = tuple(r for r in old.requirements if r not in new.requirements)
    changed: list[Change] = []
    for rid, before in old.requirements.items():
        after = new.requirements.get(rid)
        if after is None or after.content_hash == before.content_hash:
            continue
        a, b = before.data(), after.data()
        fields = tuple(sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k)))
        changed.append(Change(rid, fields))
    return CatalogDiff(added, removed, tuple(changed))
