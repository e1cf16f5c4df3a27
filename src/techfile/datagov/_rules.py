"""The rules of the dataset profile, read from ``catalog/data/datagov/ai-act-2024-1689.yaml``.

The data file holds what is policy rather than code (STYLE B1): the screening thresholds with
their rationale and literature, the checks with the AI Act points each one gives evidence
for, the findings with their severity, and the datasheet headings of Gebru et al. (2021) with
the Art 10(2) point each answer documents. This module loads it into frozen objects after
checking it against a schema that rejects unknown keys (STYLE B3), and checks that every
check, finding and heading the code knows has exactly one entry.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from techfile.datagov.errors import DatagovDataError
from techfile.errors import InputError
from techfile.located import load_yaml, validate

__all__ = [
    "Check",
    "CheckRule",
    "DatasheetHeading",
    "FindingKind",
    "FindingRule",
    "HeadingRule",
    "Rules",
    "Severity",
    "Threshold",
    "Thresholds",
    "load_rules",
]

_DATA = ("data", "datagov", "ai-act-2024-1689.yaml")


class Severity(StrEnum):
    """How much a finding weighs."""

    HIGH = "high"
    """Likely to make the model or its test results wrong (leakage, missing groups)."""
    MEDIUM = "medium"
    """Needs a look and, usually, a measure (duplicates, shifts, thin groups)."""
    LOW = "low"
    """Worth recording; often explained by how the data were made."""


class Check(StrEnum):
    """The examinations of the profile; each gives evidence for some Art 10 points."""

    GROUP_COMPOSITION = "group_composition"
    REPRESENTATION = "representation"
    LABEL_BALANCE = "label_balance"
    MISSINGNESS = "missingness"
    DUPLICATES = "duplicates"
    SPLIT_LEAKAGE = "split_leakage"
    TARGET_LEAKAGE = "target_leakage"


class FindingKind(StrEnum):
    """What a finding is about."""

    UNDER_REPRESENTED = "under_represented"
    UNREFERENCED_LEVEL = "unreferenced_level"
    SMALL_SUBGROUP = "small_subgroup"
    FEW_LABEL_CASES = "few_label_cases"
    MISSINGNESS_BY_GROUP = "missingness_by_group"
    MISSINGNESS_SHIFT = "missingness_shift"
    EXACT_DUPLICATES = "exact_duplicates"
    DUPLICATES_EXCEPT_ID = "duplicates_except_id"
    NEAR_DUPLICATES = "near_duplicates"
    PATIENT_ACROSS_SPLITS = "patient_across_splits"
    FEATURES_ACROSS_SPLITS = "features_across_splits"
    TARGET_LEAKAGE = "target_leakage"
    MISSINGNESS_LEAKAGE = "missingness_leakage"


class DatasheetHeading(StrEnum):
    """The seven headings of a datasheet (Gebru et al. 2021), as keys of ``datasets:``."""

    MOTIVATION = "motivation"
    COMPOSITION = "composition"
    COLLECTION_PROCESS = "collection_process"
    PREPROCESSING = "preprocessing"
    USES = "uses"
    DISTRIBUTION = "distribution"
    MAINTENANCE = "maintenance"


@dataclass(frozen=True, slots=True)
class Threshold:
    """One screening threshold with the reason for its value."""

    value: float
    """The value."""
    citations: tuple[str, ...]
    """The method's literature and the AI Act point it serves."""
    rationale: str
    """Why it has this value (our own words)."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Every threshold of the profile (see the data file for each one's rationale)."""

    alpha: Threshold
    shift_alpha: Threshold
    missing_difference: Threshold
    leakage_auroc: Threshold
    min_subgroup_n: Threshold
    min_class_n: Threshold
    min_level_n: Threshold
    min_period_n: Threshold
    max_periods: Threshold
    near_duplicate_resolution: Threshold
    max_group_levels: Threshold
    max_label_levels: Threshold

    def count(self, name: str) -> int:
        """A whole-number threshold (a count of rows, levels or periods) by name."""
        threshold: Threshold = getattr(self, name)
        return int(threshold.value)


@dataclass(frozen=True, slots=True)
class CheckRule:
    """One check and the requirements it gives evidence for when it runs."""

    title: str
    """Title for reports."""
    requirements: tuple[str, ...]
    """Catalog ids of the AI Act points it examines."""
    rationale: str
    """Why it bears on those points."""


@dataclass(frozen=True, slots=True)
class FindingRule:
    """How a kind of finding is weighed and which requirements it leaves open."""

    check: Check
    """The check that finds it."""
    severity: Severity
    """Its weight."""
    requirements: tuple[str, ...]
    """The requirements a finding of this kind fails (a subset of its check's)."""
    title: str
    """Short title."""


@dataclass(frozen=True, slots=True)
class HeadingRule:
    """A datasheet heading: its title, what to answer, and what an answer documents."""

    title: str
    """Title in the datasheet."""
    prompt: str
    """What the answer should cover (our summary of the paper's questions)."""
    requirements: tuple[str, ...]
    """Art 10 points an answer documents."""


@dataclass(frozen=True, slots=True)
class Rules:
    """The whole data file."""

    version: str
    """The legal text the mapping was made against."""
    thresholds: Thresholds
    """Screening thresholds."""
    checks: dict[Check, CheckRule]
    """Every check."""
    findings: dict[FindingKind, FindingRule]
    """Every kind of finding."""
    datasheet_citation: str
    """The datasheet template's source."""
    datasheet_requirement: str
    """The Annex IV point that asks for datasheets."""
    headings: dict[DatasheetHeading, HeadingRule]
    """Every datasheet heading, in datasheet order."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_Text = Annotated[str, Field(min_length=1)]


class _ThresholdModel(_Strict):
    value: float
    citations: list[_Text] = Field(min_length=1)
    rationale: _Text


class _CheckModel(_Strict):
    title: _Text
    requirements: list[_Text] = Field(min_length=1)
    rationale: _Text


class _FindingModel(_Strict):
    check: Check
    severity: Severity
    requirements: list[_Text] = Field(min_length=1)
    title: _Text


class _HeadingModel(_Strict):
    title: _Text
    prompt: _Text
    requirements: list[_Text]


class _DatasheetModel(_Strict):
    citation: _Text
    requirement: _Text
    headings: dict[DatasheetHeading, _HeadingModel]


class _FileModel(_Strict):
    source: _Text
    version: _Text
    thresholds: dict[str, _ThresholdModel]
    checks: dict[Check, _CheckModel]
    findings: dict[FindingKind, _FindingModel]
    datasheet: _DatasheetModel


def data_path() -> Path:
    """Where the packaged data file lies."""
    return Path(str(resources.files("techfile.catalog").joinpath(*_DATA)))


@functools.cache
def load_rules() -> Rules:
    """Load and check the datagov data file (once per process).

    Raises:
        DatagovDataError: The file is missing, malformed or incomplete (a defect of techfile).
    """
    path = data_path()
    try:
        model = validate(_FileModel, load_yaml(path, fast=True))
    except InputError as e:
        raise DatagovDataError(f"the datagov data file is malformed: {e}") from e
    return _rules(model, path)


def _complete(what: str, given: set[str], known: type[StrEnum], path: Path) -> None:
    missing = sorted(set(known) - given)
    if missing:
        raise DatagovDataError(f"{path}: {what} without an entry: {', '.join(missing)}")


def _rules(model: _FileModel, path: Path) -> Rules:
    names = {f.name for f in Thresholds.__dataclass_fields__.values()}
    if set(model.thresholds) != names:
        raise DatagovDataError(f"{path}: thresholds must be exactly {', '.join(sorted(names))}")
    _complete("checks", set(model.checks), Check, path)
    _complete("findings", set(model.findings), FindingKind, path)
    _complete("datasheet headings", set(model.datasheet.headings), DatasheetHeading, path)
    for kind, finding in model.findings.items():
        extra = set(finding.requirements) - set(model.checks[finding.check].requirements)
        if extra:
            msg = f"{path}: finding {kind} fails {sorted(extra)}, which its check does not link"
            raise DatagovDataError(msg)
    thresholds = Thresholds(
        **{
            name: Threshold(t.value, tuple(t.citations), t.rationale)
            for name, t in model.thresholds.items()
        }
    )
    return Rules(
        version=model.version,
        thresholds=thresholds,
        checks={
            c: CheckRule(r.title, tuple(r.requirements), r.rationale)
            for c, r in model.checks.items()
        },
        findings={
            k: FindingRule(r.check, r.severity, tuple(r.requirements), r.title)
            for k, r in model.findings.items()
        },
        datasheet_citation=model.datasheet.citation,
        datasheet_requirement=model.datasheet.requirement,
        headings={
            h: HeadingRule(
                model.datasheet.headings[h].title,
                model.datasheet.headings[h].prompt,
                tuple(model.datasheet.headings[h].requirements),
            )
            for h in DatasheetHeading
        },
    )
