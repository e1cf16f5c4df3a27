"""The dataset profile as a whole: run every check, collect the findings, assemble the report.

`profile` takes a read table, the roles of its columns and the manufacturer's ``datasets:``
statements, runs the checks that the roles allow, and returns a `DatagovReport`: values in,
a value out (STYLE A4). Progress goes to an observer passed in (STYLE E3). A check that the
roles do not allow (no label, no split) is recorded as not run, with the reason, so that the
evidence never claims an examination that did not happen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

from techfile.datagov._datasheet import Datasheet, datasheet
from techfile.datagov._duplicates import (
    Duplicates,
    SplitLeakage,
    duplicates,
    row_keys_of,
    split_leakage,
)
from techfile.datagov._finding import Finding
from techfile.datagov._groups import GroupBalance, Representation, label_balance, representation
from techfile.datagov._leakage import LeakageScore, target_leakage
from techfile.datagov._missingness import Missingness, missingness
from techfile.datagov._roles import Roles, prepare
from techfile.datagov._rules import Check, Rules, Severity, Threshold, load_rules
from techfile.datagov._table import ColumnKind, Table, TableFormat, read_table
from techfile.project import Datasets

__all__ = [
    "CheckRun",
    "ColumnInfo",
    "DatagovReport",
    "Progress",
    "TableInfo",
    "ThresholdUsed",
    "no_progress",
    "profile",
    "profile_file",
]

Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``: ``done`` of ``total`` steps are finished; ``step`` is next."""

_STEPS = ("groups", "missing values", "duplicates", "splits", "leakage screen", "datasheet")


def no_progress(step: str, done: int, total: int) -> None:
    """Ignore a progress report (the default observer)."""
    del step, done, total


@dataclass(frozen=True, slots=True)
class ColumnInfo:
    """A column of the table as read."""

    name: str
    """Its name."""
    kind: ColumnKind
    """How it was treated."""
    type: str
    """The Arrow type it was read as."""


@dataclass(frozen=True, slots=True)
class TableInfo:
    """The table profiled, pinned by its digest."""

    path: str
    """The file, as given."""
    format: TableFormat
    """CSV or Parquet."""
    sha256: str
    """SHA-256 of the file's bytes."""
    rows: int
    """Data rows."""
    columns: tuple[ColumnInfo, ...]
    """Every column, in header order."""


@dataclass(frozen=True, slots=True)
class ThresholdUsed:
    """A threshold the profile applied, with its reason."""

    name: str
    """Its name in the data file."""
    value: float
    """Its value."""
    rationale: str
    """Why it has this value."""
    citations: tuple[str, ...]
    """Method literature and AI Act points."""


@dataclass(frozen=True, slots=True)
class CheckRun:
    """Whether a check ran, and what it gives evidence for."""

    check: Check
    """The check."""
    title: str
    """Its title."""
    ran: bool
    """Whether the roles and declarations allowed it to run."""
    reason: str
    """What it covered, or why it did not run."""
    requirements: tuple[str, ...]
    """The AI Act points it examines when it runs."""


@dataclass(frozen=True, slots=True)
class DatagovReport:
    """Everything the profile found out about one table."""

    table: TableInfo
    """The table."""
    roles: Roles
    """The roles of its columns."""
    rules_version: str
    """The legal text the rules were mapped against."""
    thresholds: tuple[ThresholdUsed, ...]
    """The thresholds applied."""
    checks: tuple[CheckRun, ...]
    """Every check, run or not."""
    findings: tuple[Finding, ...]
    """What was found, most severe first."""
    representation: tuple[Representation, ...]
    """Group make-up per scope, against the reference where declared."""
    label_balance: tuple[GroupBalance, ...]
    """Label classes overall and per group level, per scope."""
    missingness: Missingness
    """Missing values per column, group and period."""
    duplicates: Duplicates
    """Duplicate rows."""
    split_leakage: SplitLeakage | None
    """Patients and feature rows in several splits (None without a split column)."""
    target_leakage: tuple[LeakageScore, ...]
    """The leakage screen of every feature column."""
    datasheet: Datasheet
    """The datasheet with its gaps."""

    @property
    def has_findings(self) -> bool:
        """Whether the profile found any problem (the CLI then exits 1)."""
        return bool(self.findings)

    def severity_counts(self) -> dict[Severity, int]:
        """Findings per severity."""
        return {s: sum(f.severity is s for f in self.findings) for s in Severity}


def profile_file(
    path: Path,
    roles: Roles,
    *,
    datasets: Datasets | None = None,
    progress: Progress = no_progress,
) -> DatagovReport:
    """Read a CSV or Parquet table and profile it.

    Raises:
        TableError: The table cannot be read or its roles do not fit it (located).
        InputError: A column is given two roles.
    """
    progress("reading", 0, len(_STEPS) + 1)
    return profile(read_table(path), roles, datasets=datasets, progress=progress)


def profile(
    table: Table,
    roles: Roles,
    *,
    datasets: Datasets | None = None,
    progress: Progress = no_progress,
    rules: Rules | None = None,
) -> DatagovReport:
    """Profile a read table for AI Act Art 10(2)-(4).

    Args:
        table: The table.
        roles: Which column is the split, id, label, groups and time.
        datasets: The reference population and datasheet answers from ``techfile.yaml``.
        progress: Told before each step.
        rules: The rules to apply (default: the packaged data file).

    Raises:
        TableError: A role does not fit the table (located at row and column).
        InputError: A column is given two roles.
    """
    rules = rules or load_rules()
    total = len(_STEPS) + 1
    prepared = prepare(table, roles, rules.thresholds)
    reference = datasets.reference if datasets else None
    progress(_STEPS[0], 1, total)
    shares, group_findings = representation(prepared, reference, rules)
    balance, balance_findings = label_balance(prepared, rules)
    progress(_STEPS[1], 2, total)
    gaps, gap_findings = missingness(prepared, rules)
    progress(_STEPS[2], 3, total)
    keys = row_keys_of(prepared)
    dupes, dupe_findings = duplicates(prepared, keys, rules)
    progress(_STEPS[3], 4, total)
    shared, split_findings = split_leakage(prepared, keys, rules)
    progress(_STEPS[4], 5, total)
    leaks, leak_findings = target_leakage(prepared, rules)
    progress(_STEPS[5], 6, total)
    sheet = datasheet(prepared, datasets, gaps, dupes, rules)
    progress("done", total, total)
    order = list(Severity)
    findings = sorted(
        group_findings + balance_findings + gap_findings + dupe_findings + split_findings
        + leak_findings,
        key=lambda f: order.index(f.severity),
    )  # fmt: skip
    return DatagovReport(
        table=TableInfo(
            str(table.path),
            table.format,
            table.sha256,
            table.n_rows,
            tuple(ColumnInfo(c.name, c.kind, c.type_name) for c in table.columns.values()),
        ),
        roles=roles,
        rules_version=rules.version,
        thresholds=tuple(
            ThresholdUsed(f.name, t.value, t.rationale, t.citations)
            for f in fields(rules.thresholds)
            if isinstance(t := getattr(rules.thresholds, f.name), Threshold)
        ),
        checks=_checks(roles, shares, rules),
        findings=tuple(findings),
        representation=shares,
        label_balance=balance,
        missingness=gaps,
        duplicates=dupes,
        split_leakage=shared,
        target_leakage=leaks,
        datasheet=sheet,
    )


def _checks(roles: Roles, shares: tuple[Representation, ...], rules: Rules) -> tuple[CheckRun, ...]:
    compared = sorted({r.column for r in shares if r.reference_source is not None})
    uncompared = [g for g in roles.groups if g not in compared]
    runs = {
        Check.GROUP_COMPOSITION: (
            bool(roles.groups),
            f"groups: {', '.join(roles.groups)}" if roles.groups else "no --group column given",
        ),
        Check.REPRESENTATION: (
            bool(compared),
            (f"compared: {', '.join(compared)}" if compared else "no group column has a declared")
            + (
                f"; no reference declared for {', '.join(uncompared)}"
                if uncompared and compared
                else ""
            )
            + ("" if compared else " reference population (datasets.reference_population)"),
        ),
        Check.LABEL_BALANCE: (
            bool(roles.label),
            f"label {roles.label}" if roles.label else "no --label",
        ),
        Check.MISSINGNESS: (
            True,
            "every column"
            + (f"; over time by {roles.time}" if roles.time else "; no --time column"),
        ),
        Check.DUPLICATES: (True, "every row"),
        Check.SPLIT_LEAKAGE: (
            roles.split is not None,
            f"splits in {roles.split}" + (f", patients by {roles.id}" if roles.id else ", no --id")
            if roles.split
            else "no --split column given",
        ),
        Check.TARGET_LEAKAGE: (
            bool(roles.label),
            (f"every feature column against {roles.label}" if roles.label else "no --label")
            + (f"; not model inputs: {', '.join(roles.excluded)}" if roles.excluded else ""),
        ),
    }
    return tuple(
        CheckRun(check, rules.checks[check].title, ran, reason, rules.checks[check].requirements)
        for check, (ran, reason) in runs.items()
    )
