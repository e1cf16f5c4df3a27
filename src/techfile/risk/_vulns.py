"""Vulnerability findings, as a vulnerability scan reports them, for the threat model.

A finding is one advisory matched to one installed package, in the OSV vocabulary:
``{id, package, version, severity, exploitable, aliases}``. A vulnerability-scan evidence
record carries the list under ``details.findings``; a file holds it as ``{findings: [...]}``
(JSON or YAML). An ``exploitable`` left out is unknown, and unknown counts as exploitable:
MDCG 2019-16 rev.1 (sections 2.3-2.4) treats exploitable vulnerabilities as reasonably
foreseeable misuse, so the check fails closed until someone has judged the finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from techfile.errors import InputError
from techfile.located import load_yaml, validate

__all__ = ["Finding", "findings_from_details", "load_findings"]


class _FindingModel(BaseModel):
    # Scanners add fields of their own (fixed versions, references): keep reading past them.
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(min_length=1)
    package: str = Field(min_length=1)
    version: str = Field(min_length=1)
    severity: str = "unknown"
    exploitable: bool | None = None
    aliases: list[str] = Field(default_factory=list)


class _FindingsModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    findings: list[_FindingModel]


@dataclass(frozen=True, slots=True)
class Finding:
    """One vulnerability found in one package version."""

    id: str
    """The advisory id (OSV, GHSA, PYSEC, CVE)."""
    package: str
    """The affected package."""
    version: str
    """The installed version."""
    severity: str
    """The advisory's severity label, as given ("unknown" if none)."""
    exploitable: bool | None
    """Whether it is exploitable in the device (None: not yet judged)."""
    aliases: tuple[str, ...] = ()
    """Other ids of the same vulnerability (e.g. the CVE of a GHSA)."""

    @property
    def counts_as_exploitable(self) -> bool:
        """Exploitable, or not yet judged (fail closed)."""
        return self.exploitable is not False

    @property
    def names(self) -> frozenset[str]:
        """Every id the vulnerability is known by."""
        return frozenset((self.id, *self.aliases))


def _finding(model: _FindingModel) -> Finding:
    return Finding(
        model.id,
        model.package,
        model.version,
        model.severity,
        model.exploitable,
        tuple(model.aliases),
    )


def load_findings(path: Path) -> tuple[Finding, ...]:
    """Read ``{findings: [...]}`` from a JSON or YAML file.

    Raises:
        InputError: The file cannot be read or is malformed (located).
    """
    document = load_yaml(path)
    return tuple(_finding(f) for f in validate(_FindingsModel, document).findings)


def findings_from_details(details: Mapping[str, object], record: str) -> tuple[Finding, ...]:
    """Read the findings of a vulnerability-scan record's details.

    Raises:
        InputError: The record has no findings list or a malformed one.
    """
    try:
        parsed = _FindingsModel.model_validate(dict(details))
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        msg = f"vulnerability-scan record {record[:16]}: details.{where}: {first['msg']}"
        raise InputError(msg) from e
    return tuple(_finding(f) for f in parsed.findings)
