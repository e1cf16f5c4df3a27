"""The triage decisions as standard VEX documents: CycloneDX VEX (primary) and OpenVEX.

CycloneDX VEX: a BOM with one ``vulnerabilities`` entry per decision, its ``analysis`` holding
state, justification, responses and detail, its ``affects`` pointing at the SBOM's component by
BOM-Link (``urn:cdx:SERIAL/VERSION#BOM-REF``, CycloneDX 1.6 "BOM-Link"), built with
cyclonedx-python-lib and validated against the CycloneDX 1.6 schema.

OpenVEX (v0.2.0 specification, "Status Labels" and "Status Justifications"): one statement per
decision. CycloneDX states map to OpenVEX statuses as follows: not_affected and false_positive
to ``not_affected``; resolved and resolved_with_pedigree to ``fixed``; exploitable to
``affected`` (with an ``action_statement`` from the responses and detail); in_triage to
``under_investigation``. A CycloneDX justification maps to the OpenVEX label of the same meaning
where one exists (`_JUSTIFICATIONS`); otherwise the statement carries an ``impact_statement``
instead, which OpenVEX accepts in place of a justification.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

from cyclonedx.model.bom import Bom
from cyclonedx.model.impact_analysis import ImpactAnalysisJustification, ImpactAnalysisState
from cyclonedx.model.vulnerability import BomTarget, Vulnerability, VulnerabilityAnalysis
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from techfile import __version__
from techfile.sbom import SbomDocument, SbomError
from techfile.sbom.vulns._triage import Triage, VexDocument

__all__ = ["OPENVEX_CONTEXT", "cyclonedx_vex", "openvex"]

OPENVEX_CONTEXT = "https://openvex.dev/ns/v0.2.0"
_NAMESPACE = uuid.UUID("0b8f6a52-58e4-5b7e-a0f4-0c1f3f1e9d27")
_J = ImpactAnalysisJustification
_JUSTIFICATIONS = {
    _J.CODE_NOT_PRESENT: "vulnerable_code_not_present",
    _J.CODE_NOT_REACHABLE: "vulnerable_code_not_in_execute_path",
    _J.REQUIRES_CONFIGURATION: "vulnerable_code_cannot_be_controlled_by_adversary",
    _J.REQUIRES_ENVIRONMENT: "vulnerable_code_cannot_be_controlled_by_adversary",
    _J.REQUIRES_DEPENDENCY: "component_not_present",
    _J.PROTECTED_BY_COMPILER: "inline_mitigations_already_exist",
    _J.PROTECTED_AT_RUNTIME: "inline_mitigations_already_exist",
}
"""CycloneDX justification -> OpenVEX justification of the same meaning. Perimeter and other
mitigating controls lie outside the product, which OpenVEX's labels do not cover."""
_S = ImpactAnalysisState
_STATUS = {
    _S.NOT_AFFECTED: "not_affected",
    _S.FALSE_POSITIVE: "not_affected",
    _S.RESOLVED: "fixed",
    _S.RESOLVED_WITH_PEDIGREE: "fixed",
    _S.EXPLOITABLE: "affected",
    _S.IN_TRIAGE: "under_investigation",
}


def _targets(triage: Triage, sbom: SbomDocument) -> list[str]:
    """The bom-refs of the SBOM components the decision covers."""
    return sorted(
        c.bom_ref
        for c in sbom.pypi()
        if triage.covers({triage.id}, c.purl.name if c.purl else c.name, c.version)
    )


def _bom_link(sbom: SbomDocument, ref: str) -> str:
    serial = (sbom.serial_number or "").removeprefix("urn:uuid:")
    return f"urn:cdx:{serial}/1#{ref}" if serial else ref


def cyclonedx_vex(vex: VexDocument, sbom: SbomDocument, timestamp: dt.datetime) -> str:
    """The CycloneDX 1.6 VEX document of the decisions about ``sbom``'s components.

    Decisions that cover no component of the SBOM still appear, pointing at their purl.

    Raises:
        SbomError: The document fails the CycloneDX 1.6 schema (a defect of techfile).
    """
    bom = Bom()
    bom.metadata.timestamp = timestamp.astimezone(dt.UTC)
    for n, triage in enumerate(vex.statements):
        refs = [_bom_link(sbom, r) for r in _targets(triage, sbom)] or [triage.purl]
        bom.vulnerabilities.add(
            Vulnerability(
                bom_ref=f"vex-{n + 1}",
                id=triage.id,
                analysis=VulnerabilityAnalysis(
                    state=triage.state,
                    justification=triage.justification,
                    responses=triage.responses,
                    detail=triage.detail,
                ),
                affects=[BomTarget(ref=r) for r in refs],
            )
        )
    bom.serial_number = uuid.UUID(int=0)
    draft = make_outputter(bom, OutputFormat.JSON, SchemaVersion.V1_6).output_as_string(indent=2)
    bom.serial_number = uuid.uuid5(_NAMESPACE, hashlib.sha256(draft.encode()).hexdigest())
    text = make_outputter(bom, OutputFormat.JSON, SchemaVersion.V1_6).output_as_string(indent=2)
    problem = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if problem is not None:
        msg = f"the VEX fails the CycloneDX 1.6 schema: {str(problem).splitlines()[0]}"
        raise SbomError(msg)
    return text


def _statement(triage: Triage, products: list[str], when: str) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "vulnerability": {"name": triage.id},
        "products": [{"@id": p} for p in products],
        "status": _STATUS[triage.state],
        "timestamp": when,
    }
    if statement["status"] == "not_affected":
        label = _JUSTIFICATIONS.get(triage.justification) if triage.justification else None
        if label is not None:
            statement["justification"] = label
        reasons = [triage.detail or ""]
        if triage.state is _S.FALSE_POSITIVE:
            reasons.insert(0, "False positive.")
        if label is None and triage.justification is not None:
            reasons.insert(0, f"CycloneDX justification: {triage.justification.value}.")
        text = " ".join(r for r in reasons if r)
        if text:
            statement["impact_statement"] = text
    elif statement["status"] == "affected":
        actions = ", ".join(r.value for r in triage.responses)
        parts = [f"Responses: {actions}." if actions else "", triage.detail or ""]
        statement["action_statement"] = " ".join(p for p in parts if p)
    elif triage.detail:
        statement["status_notes"] = triage.detail
    return statement


def openvex(vex: VexDocument, sbom: SbomDocument, timestamp: dt.datetime) -> str:
    """The OpenVEX v0.2.0 document of the decisions, products named by purl."""
    when = timestamp.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    purls = {c.bom_ref: c.purl.to_string() for c in sbom.pypi() if c.purl is not None}
    statements = [
        _statement(t, [purls.get(r, r) for r in _targets(t, sbom)] or [t.purl], when)
        for t in vex.statements
    ]
    body = json.dumps(statements, sort_keys=True)
    document = {
        "@context": OPENVEX_CONTEXT,
        "@id": f"urn:uuid:{uuid.uuid5(_NAMESPACE, body)}",
        "author": vex.author or "unknown",
        "timestamp": when,
        "version": 1,
        "tooling": f"techfile {__version__}",
        "statements": statements,
    }
    return json.dumps(document, indent=2) + "\n"
