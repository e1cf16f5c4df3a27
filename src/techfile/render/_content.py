"""Content about the device: identity, classification, routes, dates, drafts and document control.

Values come from the manifest, the classification and its trace; anything the manufacturer has
not stated yet is an explicit ``missing`` line, never a blank.
"""

from __future__ import annotations

import string

from techfile.assess import device_lookup
from techfile.catalog import Truth, evaluate
from techfile.render import _model as m
from techfile.render._context import BuildContext, requirement_anchor
from techfile.render._structure import load_declaration

__all__ = [
    "classification",
    "conformity",
    "dates",
    "declaration",
    "device_identity",
    "document_control",
    "history",
    "ifu_security",
    "intended_purpose",
    "post_market",
]


def _missing(what: str, requirement_id: str | None = None) -> m.Missing:
    gap = m.Link(requirement_id, requirement_anchor(requirement_id)) if requirement_id else None
    return m.Missing(what, gap)


def device_identity(ctx: BuildContext) -> list[m.Block]:
    """Name, manufacturer, version, UDI-DI (MDR Annex II 1.1(a), (b); AI Act Annex IV 1(a), (c))."""
    device = ctx.project.manifest.device
    if device is None:
        return [_missing("the device's identity (techfile.yaml: device)")]
    rows: list[tuple[m.Cell, ...]] = [
        ("Trade name", device.name),
        (
            "Manufacturer",
            device.manufacturer
            + (f", {device.manufacturer_address}" if device.manufacturer_address else ""),
        ),
        ("Single registration number", device.manufacturer_srn or "not yet assigned"),
        ("Software version", device.version),
        ("Basic UDI-DI", device.udi_di or "not yet assigned"),
    ]
    blocks: list[m.Block] = [m.Table(("item", "value"), tuple(rows), "Device identification")]
    if not device.udi_di:
        blocks.append(
            _missing(
                "Basic UDI-DI (MDR Art 27, Annex VI Part C): assign before placing on the market"
            )
        )
    return blocks


def intended_purpose(ctx: BuildContext) -> list[m.Block]:
    """Intended purpose, users, patients and environments (MDR Art 2(12); Annex II 1.1(c))."""
    device = ctx.project.manifest.device
    if device is None:
        return []
    return [
        m.Para(device.intended_purpose),
        m.Table(
            ("item", "value"),
            (
                ("Intended users", ", ".join(device.intended_users)),
                ("Patient population", device.patient_population),
                ("Use environments", ", ".join(device.use_environment)),
            ),
        ),
    ]


def _yes_no(value: bool | None) -> str:  # noqa: FBT001  # tri-state value, not a flag
    return "undecided" if value is None else ("yes" if value else "no")


def classification(ctx: BuildContext) -> list[m.Block]:
    """The classification with its cited trace (MDR Annex II 1.1(f))."""
    c = ctx.project.classification
    klass = f"{c.device_class} by Rule {c.rule}" if c.device_class else "undecided"
    if c.class_variants:
        klass += f" ({', '.join(c.class_variants)})"
    rows: list[tuple[m.Cell, ...]] = [
        ("Qualification", c.qualification.value if c.qualification else "undecided"),
        ("Regulation", c.regulation.value if c.regulation else "undecided"),
        ("Class", klass),
        (
            "Notified body",
            _yes_no(c.notified_body_required)
            + (f" ({c.notified_body_scope})" if c.notified_body_scope else ""),
        ),
        ("AI Act", c.ai_act_outcome.value if c.ai_act_outcome else "undecided"),
        ("Law as of", c.legal_status_as_of.isoformat()),
    ]
    blocks: list[m.Block] = [m.Table(("conclusion", "value"), tuple(rows), "Classification")]
    blocks.append(
        m.Table(
            ("#", "step", "finding", "citation"),
            tuple((str(n), t.step, t.finding, t.citation) for n, t in enumerate(c.trace, start=1)),
            "Rationale: the legal steps taken",
        )
    )
    blocks += [_missing(f"answer to {q.field}: {q.question} [{q.citation}]") for q in c.questions]
    return blocks


def conformity(ctx: BuildContext) -> list[m.Block]:
    """Conformity assessment routes and notified body (MDR Art 52 / IVDR Art 48; AI Act Art 43)."""
    c = ctx.project.classification
    blocks: list[m.Block] = []
    if c.conformity_routes:
        blocks += [
            m.Para("Conformity assessment routes open to the manufacturer:"),
            m.Items(c.conformity_routes),
        ]
    else:
        blocks.append(_missing("the conformity assessment route (classification undecided)"))
    blocks += [m.Items(c.conformity_notes)] if c.conformity_notes else []
    if c.ai_act_conformity_routes:
        blocks += [m.Para("AI Act:"), m.Items(c.ai_act_conformity_routes)]
    nb = ctx.project.manifest.declaration.notified_body
    if c.notified_body_required:
        blocks.append(
            m.Para(f"Notified body: {nb}")
            if nb
            else _missing(
                "the notified body's name and number (techfile.yaml: declaration.notified_body)"
            )
        )
    return blocks


def dates(ctx: BuildContext) -> list[m.Block]:
    """Dates that concern the device."""
    rows = tuple(
        (d.date.isoformat(), d.event, d.citation) for d in ctx.project.classification.dates
    )
    return [m.Table(("date", "event", "citation"), rows, "Key dates")] if rows else []


def ifu_security(ctx: BuildContext) -> list[m.Block]:
    """Draft IFU text on minimum IT requirements and IT security (MDR Annex I 23.4(ab))."""
    rid = "IVDR.AI.20.4.1.ah" if ctx.in_scope("IVDR.AI.20.4.1.ah") else "MDR.AI.23.4.ab"
    it = ctx.project.manifest.it_environment
    if it is None:
        return [
            _missing(
                "the minimum IT environment and security measures (techfile.yaml: it_environment)",
                rid,
            )
        ]
    blocks: list[m.Block] = [m.Para("Draft for the instructions for use:")]
    blocks.append(
        m.Para(f"Minimum hardware: {it.hardware}")
        if it.hardware
        else _missing("minimum hardware", rid)
    )
    blocks.append(
        m.Para(f"IT network: {it.it_network}")
        if it.it_network
        else _missing("IT network characteristics", rid)
    )
    if it.security_measures:
        blocks += [
            m.Para("IT security measures, including protection against unauthorised access:"),
            m.Items(it.security_measures),
        ]
    else:
        blocks.append(
            _missing("IT security measures, including protection against unauthorised access", rid)
        )
    return blocks


def post_market(ctx: BuildContext) -> list[m.Block]:
    """The periodic report due for the class (MDR Arts 85-86; IVDR Arts 80-81)."""
    report = ctx.project.classification.post_market_report
    if report is None:
        return [_missing("the post-market report schedule (classification undecided)")]
    months = f", every {report.period_months} months at the longest" if report.period_months else ""
    return [m.Para(f"{report.report}: {report.frequency}{months} [{report.citation}].")]


def _declaration_fields(ctx: BuildContext) -> dict[str, str | None]:
    """Values for the declaration's templates; None where not known yet."""
    p = ctx.project
    device, c, d = p.manifest.device, p.classification, p.manifest.declaration
    acts = {"MDR": "Regulation (EU) 2017/745", "IVDR": "Regulation (EU) 2017/746"}
    address = f", {device.manufacturer_address}" if device and device.manufacturer_address else ""
    return {
        "manufacturer": f"{device.manufacturer}{address}" if device else None,
        "srn": device.manufacturer_srn if device else None,
        "udi_di": device.udi_di if device else None,
        "device": device.name if device else None,
        "version": device.version if device else None,
        "intended_purpose": device.intended_purpose if device else None,
        "device_class": c.device_class.value if c.device_class else None,
        "rule": c.rule,
        "regulation_act": acts[c.regulation.value] if c.regulation else None,
        "standards": "; ".join(s.id for s in p.manifest.standards) or None,
        "notified_body": d.notified_body,
        "procedure": "; ".join(c.conformity_routes) or None,
        "certificate": d.certificate,
        "place": d.place,
        "date": ctx.control.date.isoformat(),
        "signatory": d.signatory,
        "personal_data": "confirmed by the manufacturer" if d.personal_data_statement else None,
    }


def declaration(ctx: BuildContext) -> list[m.Block]:
    """Draft of the single EU declaration of conformity (MDR Annex IV with AI Act Annex V)."""
    fields = _declaration_fields(ctx)
    lookup = device_lookup(ctx.project.manifest, ctx.project.classification)
    rows: list[tuple[m.Cell, ...]] = []
    gaps: list[m.Block] = []
    for point in load_declaration():
        if point.when is not None and evaluate(point.when, lookup).truth is Truth.FALSE:
            continue
        needed = [name for _, name, _, _ in string.Formatter().parse(point.text) if name]
        unknown = [name for name in needed if fields.get(name) is None]
        if unknown:
            rows.append((point.point, point.content, "MISSING: " + ", ".join(unknown)))
            gaps.append(_missing(f"{point.point}: {point.content} (needs {', '.join(unknown)})"))
        else:
            rows.append((point.point, point.content, point.text.format_map(fields)))
    table = m.Table(
        ("point", "content", "text of the draft"), tuple(rows), "Draft EU declaration of conformity"
    )
    return [table, *gaps]


def document_control(ctx: BuildContext) -> list[m.Block]:
    """Identity of this edition: version, date, commit and the hash of every input."""
    control = ctx.control
    rows: tuple[tuple[m.Cell, ...], ...] = (
        ("Document", control.document_id),
        ("Device version", control.version),
        ("Date (newest evidence)", control.date.isoformat()),
        ("Project commit", control.commit or "not a git checkout"),
        ("Content hash of all inputs (SHA-256)", control.input_hash),
        ("Catalog", ", ".join(f"{s.id} {s.version}" for s in ctx.catalog.sources)),
    )
    return [m.Table(("item", "value"), rows, "Document control")]


def history(ctx: BuildContext) -> list[m.Block]:
    """Earlier editions and what changed (AI Act Annex IV 6)."""
    if len(ctx.control.history) <= 1:
        return [m.Para("First edition of the technical documentation.")]
    rows = tuple(
        (h.date.isoformat(), h.version, h.commit or "", h.input_hash[:16], h.summary)
        for h in ctx.control.history
    )
    return [m.Table(("date", "version", "commit", "inputs", "change"), rows, "Editions")]
