"""Assemble the technical file from the outline: one section per outline entry, in order.

Each outline section gets its generated content, then the status of the requirements it answers
(or an explicit ``missing`` line per gap). Evidence content becomes one sub-section per evidence
kind, from the section registry.
"""

from __future__ import annotations

from collections.abc import Callable

from techfile.render import _content, _requirements
from techfile.render import _model as m
from techfile.render._context import BuildContext
from techfile.render._structure import Content, OutlineSection
from techfile.render.sections import Group, sections_in

__all__ = ["build_document"]

_GENERATORS: dict[Content, Callable[[BuildContext], list[m.Block]]] = {
    Content.DOCUMENT_CONTROL: _content.document_control,
    Content.DEVICE_IDENTITY: _content.device_identity,
    Content.INTENDED_PURPOSE: _content.intended_purpose,
    Content.CLASSIFICATION: _content.classification,
    Content.CONFORMITY: _content.conformity,
    Content.DATES: _content.dates,
    Content.IFU_SECURITY: _content.ifu_security,
    Content.POST_MARKET: _content.post_market,
    Content.DECLARATION: _content.declaration,
    Content.HISTORY: _content.history,
    Content.STANDARDS: _requirements.standards,
    Content.GSPR_CHECKLIST: _requirements.gspr_checklist,
    Content.TRACEABILITY: _requirements.traceability,
    Content.EVIDENCE_REGISTER: _requirements.evidence_register,
    Content.INDEX: _requirements.index,
}
_EVIDENCE = {
    Content.EVIDENCE_DOCUMENTS: Group.DOCUMENTS,
    Content.EVIDENCE_CHECKS: Group.CHECKS,
    Content.EVIDENCE_RISK: Group.RISK,
}


def build_document(ctx: BuildContext) -> m.TechnicalFile:
    """Build the whole technical file for a project."""
    device = ctx.project.manifest.device
    name = device.name if device else "the device"
    return m.TechnicalFile(
        title=f"Technical documentation: {name}",
        device=name,
        manufacturer=device.manufacturer if device else "",
        control=ctx.control,
        scope=ctx.outline.scope,
        sections=tuple(_section(ctx, s) for s in ctx.outline.sections),
    )


def _section(ctx: BuildContext, outline: OutlineSection) -> m.Section:
    blocks: list[m.Block] = []
    evidence_children: list[m.Section] = []
    for content in outline.content:
        if content in _EVIDENCE:
            evidence_children += _evidence_sections(ctx, outline, _EVIDENCE[content])
        else:
            blocks += _GENERATORS[content](ctx)
    answered = _requirements.requirement_blocks(ctx, outline.requirements, outline.sources)
    if outline.requirements and not answered:
        regulation = ctx.project.classification.regulation
        blocks.append(
            m.Para(
                f"The requirements of this section do not concern a device under the {regulation}.",
                m.Tone.MUTED,
            )
        )
    blocks += answered
    children = tuple(_section(ctx, c) for c in outline.children) + tuple(evidence_children)
    if not blocks and not children:
        blocks.append(m.Missing(f"content for section {outline.number} {outline.title}"))
    return m.Section(
        m.anchor(outline.key),
        outline.number,
        outline.title,
        outline.citation,
        tuple(blocks),
        children,
    )


def _evidence_sections(ctx: BuildContext, outline: OutlineSection, group: Group) -> list[m.Section]:
    found: list[m.Section] = []
    for number, section in enumerate(sections_in(group), start=1):
        records = ctx.records.get(section.kind, ())
        blocks = (
            section.render(records)
            if records
            else [m.Missing(f"no {section.kind.value} evidence recorded")]
        )
        found.append(
            m.Section(
                m.anchor(outline.key, section.kind.value),
                f"{outline.number}.{len(outline.children) + number}",
                section.title,
                f"evidence of kind {section.kind.value}",
                tuple(blocks),
            )
        )
    return found
