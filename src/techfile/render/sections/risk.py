"""The risk management file (risk records) for MDR Annex II 5 and AI Act Annex IV 5.

Shows the newest risk record: the risk matrix before and after controls, each risk with its
estimates and controls, each control's type and verification, the AI hazards and how they are
handled, the overall residual-risk evaluation and the check results. Earlier records are
listed as superseded. Reads the published report in the record's details (``techfile schema
risk-check``), tolerant of missing keys.
"""

from __future__ import annotations

from collections.abc import Sequence

from techfile.catalog import EvidenceKind
from techfile.evidence import Verified
from techfile.render._model import Block, Para, Table, Tone
from techfile.render.sections._common import provenance, value
from techfile.render.sections.interface import Group

__all__ = ["RiskSection"]

_REGION_TONE = {"acceptable": Tone.GOOD, "unacceptable": Tone.BAD}
_STATE_TONE = {"verified": Tone.GOOD, "missing": Tone.BAD, "stale": Tone.WARN, "failed": Tone.BAD}


def _list(details: object, key: str) -> list[dict[str, object]]:
    items = value(details, key, [])
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _strings(item: object, key: str) -> list[str]:
    found = value(item, key, [])
    return [str(x) for x in found] if isinstance(found, list) else []


def _text(item: object, key: str) -> str:
    found = value(item, key, "")
    return "" if found is None else str(found)


def _estimate(item: object, key: str) -> str:
    e = value(item, key, {})
    return f"{_text(e, 'severity')} / {_text(e, 'probability')} ({_text(e, 'region')})"


def _matrix(details: object, key: str, caption: str) -> Table:
    """The number of risks in each cell, shaded by the policy's region where the record has it."""
    severities = _strings(details, "severity_levels")
    probabilities = _strings(details, "probability_levels")
    counts: dict[tuple[str, str], int] = {}
    for risk in _list(details, "risks"):
        e = value(risk, key, {})
        cell = (_text(e, "severity"), _text(e, "probability"))
        counts[cell] = counts.get(cell, 0) + 1
    order = tuple(reversed(severities))
    rows = tuple((s, *(str(counts.get((s, p), "")) for p in probabilities)) for s in order)
    header = ("severity \\ probability", *probabilities)
    regions = value(details, "acceptability", {})  # absent from records made before it was
    if not isinstance(regions, dict) or not regions:
        return Table(header, rows, caption)

    def tone(severity: str, probability: str) -> Tone:
        region = _text(value(regions, severity, {}), probability)
        return _REGION_TONE.get(region, Tone.NORMAL)

    tones = tuple((Tone.NORMAL, *(tone(s, p) for p in probabilities)) for s in order)
    legend = f"{caption}; cells shaded by the policy's region: green acceptable, red unacceptable"
    return Table(header, rows, legend, cell_tones=tones)


def _risks(details: object) -> Table:
    risks = _list(details, "risks")
    rows = tuple(
        (
            _text(r, "id"),
            _text(r, "title"),
            _text(r, "hazard"),
            _text(r, "harm"),
            _estimate(r, "initial"),
            ", ".join(_strings(r, "controls")),
            _estimate(r, "residual"),
            _text(r, "benefit_risk"),
        )
        for r in risks
    )
    header = ("risk", "title", "hazard", "harm", "initial", "controls", "residual", "benefit-risk")
    tones = tuple(
        _REGION_TONE.get(_text(value(r, "residual", {}), "region"), Tone.NORMAL) for r in risks
    )
    return Table(header, rows, "Risks (severity / probability, region)", tones)


def _controls(details: object) -> Table:
    rows: list[tuple[str, ...]] = []
    tones: list[Tone] = []
    for control in _list(details, "controls"):
        evidence = _list(control, "evidence") or [{"state": "missing", "detail": "none"}]
        for item in evidence:
            state = _text(item, "state")
            ids = (_text(control, "id"), _text(control, "title"), _text(control, "type"))
            rows.append((*ids, state, _text(item, "detail")))
            tones.append(_STATE_TONE.get(state, Tone.NORMAL))
    header = ("control", "title", "type", "verification", "evidence")
    return Table(header, tuple(rows), "Risk controls and their verification", tuple(tones))


def _ai_hazards(details: object) -> Table:
    rows = tuple(
        (
            _text(a, "id"),
            _text(a, "title"),
            _text(a, "status"),
            ", ".join(_strings(a, "hazards")) or _text(a, "justification"),
        )
        for a in _list(details, "ai_hazards")
    )
    header = ("AI hazard", "title", "status", "hazards or justification")
    return Table(header, rows, "AI hazards (AI Act Art 9(2) and 9(10))")


def _outcome(details: object) -> list[Block]:
    overall = value(details, "overall_residual", {})
    acceptable = value(overall, "acceptable", default=False) is True
    verdict = "acceptable" if acceptable else "NOT acceptable"
    text = f"Overall residual risk: {verdict}. {_text(overall, 'justification')}"
    blocks: list[Block] = [Para(text, Tone.GOOD if acceptable else Tone.BAD)]
    findings = _list(details, "findings")
    if not findings:
        return [*blocks, Para("Every risk check passed.", Tone.GOOD)]
    rows = tuple((_text(f, "check"), _text(f, "item"), _text(f, "message")) for f in findings)
    tones = tuple(Tone.BAD for _ in findings)
    blocks.append(Table(("check", "item", "finding"), rows, "Open findings", tones))
    return blocks


class RiskSection:
    """Risk management: safety, AI and security risks in one file (ISO 14971; AI Act Art 9)."""

    __slots__ = ()
    kind = EvidenceKind.RISK
    title = "Risk management file"
    group = Group.RISK

    def render(self, records: Sequence[Verified]) -> list[Block]:
        """The newest record in full; earlier ones by their provenance only."""
        newest = records[-1]
        details = newest.record.details
        blocks: list[Block] = [
            *provenance(newest),
            _matrix(details, "initial", "Number of risks before controls"),
            _matrix(details, "residual", "Number of risks after controls"),
            _risks(details),
            _controls(details),
            _ai_hazards(details),
            *_outcome(details),
        ]
        blocks += [
            Para(f"Superseded: {r.record.summary} (record {r.record.digest[:16]})", Tone.MUTED)
            for r in records[:-1]
        ]
        return blocks
