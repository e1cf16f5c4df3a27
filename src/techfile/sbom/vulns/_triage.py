"""Triage decisions kept in the project (``vex.yaml``), checked with located errors.

Each statement says what the manufacturer decided about one vulnerability in one component,
in the vocabulary of CycloneDX's impact analysis (``vulnerabilities[].analysis``)::

    author: Example Medical GmbH, product security
    statements:
      - id: PYSEC-2023-74              # the OSV id or any alias (CVE-..., GHSA-...)
        purl: pkg:pypi/requests@2.30.0 # without @version: every version of the package
        state: not_affected            # resolved, resolved_with_pedigree, exploitable,
                                       # in_triage, false_positive, not_affected
        justification: code_not_reachable
        response: [will_not_fix]
        detail: The device never sends requests through a proxy.

Rules enforced (located by line and field): ``state`` and ``justification`` and ``response``
take CycloneDX's values; ``not_affected`` and ``false_positive`` need a ``justification`` or a
``detail`` (OpenVEX requires one for ``not_affected``); ``exploitable`` needs a ``response``
or a ``detail`` (OpenVEX's action statement); the purl is a valid ``pkg:pypi`` URL; an
(id, purl) pair appears once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cyclonedx.model.impact_analysis import (
    ImpactAnalysisJustification,
    ImpactAnalysisResponse,
    ImpactAnalysisState,
)
from packageurl import PackageURL
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from techfile.errors import InputError, LocatedInputError, Location
from techfile.located import load_yaml, validate
from techfile.sbom.vulns._match import normalise_name, parse_version
from techfile.sbom.vulns.errors import VexInputError

__all__ = ["RESOLVING", "Triage", "VexDocument", "load_vex"]

RESOLVING = frozenset(
    {
        ImpactAnalysisState.NOT_AFFECTED,
        ImpactAnalysisState.FALSE_POSITIVE,
        ImpactAnalysisState.RESOLVED,
        ImpactAnalysisState.RESOLVED_WITH_PEDIGREE,
    }
)
"""States after which a finding no longer counts as unresolved."""


class _StatementModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    purl: str = Field(min_length=1)
    state: ImpactAnalysisState
    justification: ImpactAnalysisJustification | None = None
    response: list[ImpactAnalysisResponse] = Field(default_factory=list)
    detail: str | None = None

    @field_validator("purl")
    @classmethod
    def _pypi(cls, value: str) -> str:
        try:
            purl = PackageURL.from_string(value)
        except ValueError as e:
            msg = f"a package URL such as pkg:pypi/requests@2.31.0 ({e})"
            raise ValueError(msg) from e
        if purl.type != "pypi":
            msg = "a pkg:pypi package URL (only PyPI packages are scanned)"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _reasons(self) -> _StatementModel:
        quiet = {ImpactAnalysisState.NOT_AFFECTED, ImpactAnalysisState.FALSE_POSITIVE}
        if self.state in quiet and self.justification is None and not self.detail:
            msg = f"a justification or a detail for state {self.state.value}"
            raise ValueError(msg)
        if self.state is ImpactAnalysisState.EXPLOITABLE and not (self.response or self.detail):
            msg = "a response or a detail (what users must do) for state exploitable"
            raise ValueError(msg)
        return self


class _VexModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    author: str = Field(default="", description="Who made the decisions (OpenVEX author).")
    statements: list[_StatementModel] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Triage:
    """One triage decision."""

    id: str
    """The vulnerability id or alias it is about."""
    purl: str
    """The component's package URL, as written."""
    name: str
    """PEP 503 package name from the purl."""
    version: str | None
    """The version from the purl; None covers every version."""
    state: ImpactAnalysisState
    """CycloneDX impact-analysis state."""
    justification: ImpactAnalysisJustification | None
    """Why it is not affected, if so."""
    responses: tuple[ImpactAnalysisResponse, ...]
    """What is done about it."""
    detail: str | None
    """Free-text reasoning."""

    @property
    def resolves(self) -> bool:
        """Whether the finding stops counting as unresolved."""
        return self.state in RESOLVING

    def covers(self, ids: set[str], name: str, version: str) -> bool:
        """Whether it is about one of ``ids`` in package ``name`` at ``version``."""
        if self.id not in ids or normalise_name(name) != self.name:
            return False
        if self.version is None:
            return True
        mine, theirs = parse_version(self.version), parse_version(version)
        if mine is not None and theirs is not None:
            return mine == theirs
        return self.version == version


@dataclass(frozen=True, slots=True)
class VexDocument:
    """The project's triage decisions."""

    path: Path
    """Where they were read."""
    author: str
    """Who made them."""
    statements: tuple[Triage, ...]
    """The decisions, in file order."""


def load_vex(path: Path) -> VexDocument:
    """Read and check a ``vex.yaml``.

    Raises:
        VexInputError: The file is malformed (located by line and field).
    """
    try:
        document = load_yaml(path)
        model = validate(_VexModel, document)
    except LocatedInputError as e:
        error = VexInputError(
            e.location, e.problem, field=e.field, expected=e.expected, found=e.found, hint=e.hint
        )
        error.more = e.more
        raise error from e
    except InputError as e:
        raise VexInputError(Location(path), str(e).removeprefix(f"{path}: ")) from e
    seen: dict[tuple[str, str], int] = {}
    statements = []
    for i, s in enumerate(model.statements):
        purl = PackageURL.from_string(s.purl)
        key = (s.id, s.purl)
        if key in seen:
            raise VexInputError(
                document.locate(("statements", i, "id")),
                "the same id and purl appear twice",
                field=f"statements.{i}",
                hint=f"merge it with statements.{seen[key]}",
            )
        seen[key] = i
        statements.append(
            Triage(
                s.id,
                s.purl,
                normalise_name(purl.name),
                purl.version,
                s.state,
                s.justification,
                tuple(s.response),
                s.detail,
            )
        )
    return VexDocument(path, model.author, tuple(statements))
