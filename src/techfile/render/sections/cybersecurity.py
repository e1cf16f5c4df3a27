"""Cybersecurity evidence: the SBOM, the vulnerability scan, the triage decisions, releases.

MDR Annex I 17.2 and 17.4 with MDCG 2019-16 rev.1 §3.7-3.8: the inventory of third-party
components with their support status, the known vulnerabilities found in it (with the date of
the vulnerability data), what the manufacturer decided about each, and the signed release
bundles verified as a device verifies them before install. Reads the details of each record
(``techfile schema vulns`` for scans, ``techfile schema release-verify`` for releases),
tolerant of missing keys.
"""

from __future__ import annotations

from collections.abc import Sequence

from techfile.catalog import EvidenceKind
from techfile.evidence import Verified
from techfile.render._model import Block, Para, Table, Tone
from techfile.render.sections._common import provenance, value
from techfile.render.sections.interface import Group

__all__ = ["ReleaseSection", "SbomSection", "VexSection", "VulnerabilityScanSection"]

_TONE = {"critical": Tone.BAD, "high": Tone.BAD, "moderate": Tone.WARN}


def _items(details: object, key: str) -> list[dict[str, object]]:
    found = value(details, key, [])
    return [i for i in found if isinstance(i, dict)] if isinstance(found, list) else []


def _text(item: object, key: str) -> str:
    found = value(item, key, "")
    if isinstance(found, list):
        return ", ".join(str(x) for x in found)
    return "" if found is None else str(found)


class SbomSection:
    """The software bill of materials: counts, models and datasets, support ended."""

    __slots__ = ()
    kind = EvidenceKind.SBOM
    title = "Software bill of materials"
    group = Group.DOCUMENTS

    def render(self, records: Sequence[Verified]) -> list[Block]:
        """Inventory figures, ML components and components past their support."""
        blocks: list[Block] = []
        for verified in records:
            details = verified.record.details
            blocks += provenance(verified)
            by_type = value(details, "by_type", {})
            if isinstance(by_type, dict) and by_type:
                rows = tuple((str(k), str(v)) for k, v in sorted(by_type.items()))
                blocks.append(Table(("component type", "count"), rows))
            ml = _items(details, "ml")
            if ml:
                ml_rows = tuple(
                    (_text(m, "type"), _text(m, "name"), _text(m, "version"), _text(m, "sha256"))
                    for m in ml
                )
                blocks.append(
                    Table(("type", "name", "version", "sha256"), ml_rows, "Models and datasets")
                )
            ended = _items(details, "support_ended")
            if ended:
                ended_rows = tuple(
                    (_text(e, "name"), _text(e, "version"), _text(e, "level"), _text(e, "end"))
                    for e in ended
                )
                blocks.append(
                    Table(
                        ("component", "version", "support", "ended"),
                        ended_rows,
                        "Past end of support",
                        tones=tuple(Tone.BAD for _ in ended_rows),
                    )
                )
        return blocks


class VulnerabilityScanSection:
    """Known vulnerabilities in the SBOM's components and their triage."""

    __slots__ = ()
    kind = EvidenceKind.VULNERABILITY_SCAN
    title = "Known vulnerabilities"
    group = Group.CHECKS

    def render(self, records: Sequence[Verified]) -> list[Block]:
        """The data's date and source, then every finding with its triage."""
        blocks: list[Block] = []
        for verified in records:
            details = verified.record.details
            blocks += provenance(verified)
            db = value(details, "database", {})
            source = _text(db, "date_source").replace("_", " ")
            blocks.append(
                Para(
                    f"OSV data of {_text(db, 'date') or 'unknown date'} ({source}); "
                    f"{_text(db, 'records')} records, {_text(db, 'parsed')} parsed in full; "
                    f"{_text(details, 'skipped_ranges') or 0} GIT range(s) not evaluated offline."
                )
            )
            findings = _items(details, "findings")
            if not findings:
                blocks.append(Para("No known vulnerability matches a component.", Tone.GOOD))
                continue
            rows = []
            tones = []
            for f in findings:
                triage = value(f, "triage", None)
                state = _text(triage, "state") if isinstance(triage, dict) else "untriaged"
                rows.append(
                    (
                        _text(f, "id"),
                        _text(f, "package"),
                        _text(f, "version"),
                        _text(f, "severity"),
                        _text(f, "fixed_in"),
                        state,
                        _text(f, "summary"),
                    )
                )
                resolved = value(f, "resolved") is True
                tones.append(
                    Tone.NORMAL if resolved else _TONE.get(_text(f, "severity"), Tone.WARN)
                )
            blocks.append(
                Table(
                    ("id", "package", "version", "severity", "fixed in", "triage", "summary"),
                    tuple(rows),
                    tones=tuple(tones),
                )
            )
        return blocks


class VexSection:
    """The manufacturer's triage decisions (VEX)."""

    __slots__ = ()
    kind = EvidenceKind.VEX
    title = "Vulnerability triage (VEX)"
    group = Group.CHECKS

    def render(self, records: Sequence[Verified]) -> list[Block]:
        """Every decision: vulnerability, component, state, justification, detail."""
        blocks: list[Block] = []
        for verified in records:
            blocks += provenance(verified)
            rows = tuple(
                (
                    _text(s, "id"),
                    _text(s, "purl"),
                    _text(s, "state"),
                    _text(s, "justification"),
                    _text(s, "response"),
                    _text(s, "detail"),
                )
                for s in _items(verified.record.details, "statements")
            )
            if rows:
                header = (
                    "vulnerability",
                    "component",
                    "state",
                    "justification",
                    "response",
                    "detail",
                )
                blocks.append(Table(header, rows))
        return blocks


class ReleaseSection:
    """Signed release bundles: the verification, each role's keys and expiry, the files."""

    __slots__ = ()
    kind = EvidenceKind.RELEASE
    title = "Signed releases"
    group = Group.CHECKS

    def render(self, records: Sequence[Verified]) -> list[Block]:
        """The verdict, then the TUF roles and the files pinned by the release."""
        blocks: list[Block] = []
        for verified in records:
            details = verified.record.details
            blocks += provenance(verified)
            if value(details, "verified") is not True:
                reason = _text(details, "reason").replace("_", "-")
                blocks.append(Para(f"Rejected ({reason}): {_text(details, 'message')}", Tone.BAD))
                continue
            roles = tuple(
                (
                    _text(r, "role"),
                    _text(r, "version"),
                    _text(r, "expires"),
                    f"{_text(r, 'threshold')} of {len(_items_or_text(r, 'keyids'))}",
                    ", ".join(k[:16] for k in _items_or_text(r, "signed_by")),
                )
                for r in _items(details, "roles")
            )
            if roles:
                header = ("role", "version", "expires", "threshold", "signed by")
                blocks.append(Table(header, roles, "TUF metadata"))
            files = tuple(
                (_text(t, "path"), _text(t, "length"), _text(t, "sha256"))
                for t in _items(details, "targets")
            )
            if files:
                blocks.append(Table(("file", "bytes", "sha256"), files, "Files of the release"))
        return blocks


def _items_or_text(item: object, key: str) -> list[str]:
    found = value(item, key, [])
    return [str(x) for x in found] if isinstance(found, list) else []
