"""Content about requirements: status tables, the GSPR checklist, traceability, register, index.

Every requirement a section answers appears either with its status and evidence or as an
explicit ``missing`` line pointing at its row in the traceability matrix.
"""

from __future__ import annotations

import re

from techfile.assess import Assessment, EvidenceRef, Met, Missing, NotApplicable, Partial, Stale
from techfile.assess import status_name as name_of
from techfile.render import _model as m
from techfile.render._context import BuildContext, gspr_anchor, requirement_anchor

__all__ = [
    "evidence_register",
    "gspr_checklist",
    "index",
    "requirement_blocks",
    "standards",
    "traceability",
]

_TONE = {
    "met": m.Tone.GOOD,
    "partial": m.Tone.WARN,
    "stale": m.Tone.WARN,
    "missing": m.Tone.BAD,
    "not_applicable": m.Tone.MUTED,
}


def _evidence(refs: tuple[EvidenceRef, ...]) -> str:
    return "; ".join(
        f"{r.kind} {r.record[:12]} ({r.recorded_at.date().isoformat()}): {r.summary}"
        + (f" [via {r.via}]" if r.via else "")
        + (" [stale]" if r.stale else "")
        for r in refs
    )


def _detail(assessment: Assessment) -> tuple[str, str]:
    """(evidence, reasons or justification) of an assessment."""
    match assessment.status:
        case Met(evidence, note):
            return _evidence(evidence), note
        case Partial(evidence, reasons):
            return _evidence(evidence), "; ".join(reasons)
        case Stale(evidence, changed):
            return _evidence(evidence), "changed since recorded: " + ", ".join(changed)
        case Missing(reasons):
            return "", "; ".join(reasons)
        case NotApplicable(justification, basis):
            return "", f"not applicable ({basis}): {justification}"


def requirement_blocks(
    ctx: BuildContext, ids: tuple[str, ...], sources: tuple[str, ...]
) -> list[m.Block]:
    """Status of the requirements a section answers, then a ``missing`` line for each gap."""
    chosen: list[Assessment] = []
    for rid in ids:
        chosen += [ctx.assessments[r.id] for r in ctx.descendants(rid)]
    for source in sources:
        chosen += [a for a in ctx.project.report.assessments if a.requirement.source_id == source]
    if not chosen:
        return []
    present = [a for a in chosen if not isinstance(a.status, Missing)]
    blocks: list[m.Block] = []
    if present:
        rows = []
        for a in present:
            evidence, detail = _detail(a)
            rows.append(
                (
                    ctx.link(a.requirement.id),
                    a.requirement.title,
                    name_of(a.status).value,
                    evidence or detail,
                )
            )
        blocks.append(
            m.Table(
                ("requirement", "title", "status", "evidence or justification"),
                tuple(rows),
                "Requirements answered in this section",
                tuple(_TONE[name_of(a.status).value] for a in present),
            )
        )
    for a in chosen:
        if isinstance(a.status, Missing):
            r = a.requirement
            what = f"{r.id} {r.title} ({r.citation}): {'; '.join(a.status.reasons)}"
            blocks.append(
                m.Missing(what, m.Link(a.requirement.id, requirement_anchor(a.requirement.id)))
            )
    return blocks


def _standards_for(ctx: BuildContext, requirement_id: str) -> str:
    return "; ".join(
        standard.id + (" (harmonised)" if standard.harmonised else "")
        for standard in ctx.project.manifest.standards
        if any(
            requirement_id == r or requirement_id.startswith(r + ".") for r in standard.requirements
        )
    )


def gspr_checklist(ctx: BuildContext) -> list[m.Block]:
    """Every GSPR of Annex I: applicable or not, why, standards, evidence with SHA-256, status."""
    gsprs = [
        a
        for a in ctx.project.report.assessments
        if re.match(r"^(MDR|IVDR)\.AI\.", a.requirement.id)
    ]
    if not gsprs:
        return [m.Missing("no Annex I requirements are in scope: the regulation is undecided")]
    rows = []
    for a in gsprs:
        applicable = "no" if isinstance(a.status, NotApplicable) else "yes"
        evidence, detail = _detail(a)
        refs = getattr(a.status, "evidence", ())
        hashes = "; ".join(f"{s.name} sha256:{s.sha256[:16]}…" for r in refs for s in r.subjects)
        rows.append(
            (
                a.requirement.id,
                a.requirement.title,
                applicable,
                detail,
                _standards_for(ctx, a.requirement.id),
                "; ".join(x for x in (evidence, hashes) if x),
                name_of(a.status).value,
            )
        )
    return [
        m.Table(
            (
                "GSPR",
                "title",
                "applicable",
                "rationale or justification",
                "standards / CS",
                "evidence",
                "status",
            ),
            tuple(rows),
            "GSPR checklist",
            tuple(_TONE[r[6]] for r in rows),
            tuple(gspr_anchor(a.requirement.id) for a in gsprs),
        )
    ]


def standards(ctx: BuildContext) -> list[m.Block]:
    """The harmonised standards and common specifications applied (AI Act Annex IV 7)."""
    applied = ctx.project.manifest.standards
    if not applied:
        return [
            m.Missing(
                "no standards or common specifications are declared (techfile.yaml: standards)"
            )
        ]
    rows = tuple(
        (s.id, s.title, "yes" if s.harmonised else "no", ", ".join(s.requirements)) for s in applied
    )
    return [m.Table(("standard", "title", "harmonised", "used for"), rows, "Standards applied")]


def traceability(ctx: BuildContext) -> list[m.Block]:
    """Requirement -> evidence -> artefacts, for every requirement in the device's regime."""
    rows = []
    assessments = ctx.project.report.assessments
    for a in assessments:
        refs: tuple[EvidenceRef, ...] = getattr(a.status, "evidence", ())
        artefacts = "; ".join(f"{s.name} sha256:{s.sha256}" for r in refs for s in r.subjects)
        records = ", ".join(r.record[:12] for r in refs)
        rows.append(
            (a.requirement.id, a.requirement.citation, name_of(a.status).value, records, artefacts)
        )
    return [
        m.Table(
            ("requirement", "citation", "status", "records", "artefacts"),
            tuple(rows),
            "Traceability matrix",
            tuple(_TONE[r[2]] for r in rows),
            tuple(requirement_anchor(a.requirement.id) for a in assessments),
        )
    ]


def evidence_register(ctx: BuildContext) -> list[m.Block]:
    """Every trusted record with its artefacts' SHA-256 and signer; the untrusted ones apart."""
    verified = sorted(
        ctx.project.ledger.verified, key=lambda v: (v.record.recorded_at, v.record.digest)
    )
    blocks: list[m.Block] = []
    if verified:
        rows = tuple(
            (
                v.record.digest,
                v.record.kind.value,
                v.record.recorded_at.isoformat(),
                v.record.summary,
                "; ".join(f"{s.name} sha256:{s.sha256}" for s in v.record.subjects),
                v.keyid[:16],
            )
            for v in verified
        )
        blocks.append(
            m.Table(("record", "kind", "recorded", "summary", "artefacts", "signed by key"), rows)
        )
    else:
        blocks.append(m.Missing("no trusted evidence records"))
    rejected = sorted(ctx.project.ledger.rejected, key=lambda r: r.name)
    blocks += [m.Para(f"Untrusted record {r.name}: {r.reason}", m.Tone.BAD) for r in rejected]
    return blocks


def index(ctx: BuildContext) -> list[m.Block]:
    """Where each AI Act Annex IV item and each GSPR section is addressed."""
    rows: list[tuple[m.Cell, ...]] = []
    wanted = [r for r in ctx.catalog if re.fullmatch(r"AIA\.AIV\.\d|(MDR|IVDR)\.AI\.\d+", r.id)]
    for requirement in wanted:
        if not ctx.in_scope(requirement.id):
            continue
        sections = ctx.addressed_in.get(requirement.id, ())
        where = ", ".join(f"{s.number} {s.title}" for s in sections)
        target = (
            gspr_anchor(requirement.id)
            if ".AI." in requirement.id
            else requirement_anchor(requirement.id)
        )
        places = where or ("section 4 (GSPR checklist)" if ".AI." in requirement.id else "")
        status = name_of(ctx.assessments[requirement.id].status).value
        rows.append(
            (m.Link(requirement.id, target), requirement.title, places or "not placed", status)
        )
    return [m.Table(("item", "title", "addressed in", "status"), tuple(rows), "Index")]
