"""Dataset profiling for AI Act Art 10(2)-(4), with the datasheet of Annex IV 2(d).

`profile_file` (or `read_table` then `profile`) examines a training, validation and test table
whose columns are given roles (`Roles`: split, patient id, label, groups, time) against the
manufacturer's statements in ``techfile.yaml`` (`techfile.project.Datasets`: reference
population and datasheet answers), and returns a `DatagovReport`:

* representation of each group against the reference population, with Goodman simultaneous
  intervals, and the rows per group;
* label balance per group;
* missing values per column, per group and over time, with tests for shifts;
* identical, identical-but-for-the-id and near-duplicate rows;
* patients and feature rows shared between splits;
* a screen for columns that give the label away;
* the datasheet (Gebru et al. 2021) with its unanswered headings as gaps.

Problems found are `Finding`s with a `Severity` and the AI Act points they leave open; bad
input raises `TableError` (located) or another `InputError`. `report_json` and
`datagov_schema` give the published JSON; `evidence_draft` turns a report into evidence of
kind ``datagov``. Thresholds, severities and the mapping to the law are data
(``catalog/data/datagov/ai-act-2024-1689.yaml``, `load_rules`).
"""

from techfile.datagov._datasheet import Datasheet, DatasheetEntry
from techfile.datagov._duplicates import Duplicates, DuplicateSet, SplitLeakage, SplitPair
from techfile.datagov._evidence import evidence_draft, requirement_outcomes, summary_line
from techfile.datagov._finding import Finding
from techfile.datagov._groups import (
    BalanceRow,
    GroupBalance,
    LevelShare,
    Representation,
    Standing,
)
from techfile.datagov._json import SCHEMA_ID, datagov_schema, report_json
from techfile.datagov._leakage import LeakageScore, Signal
from techfile.datagov._missingness import (
    ColumnMissing,
    Missingness,
    PeriodUnit,
    Stratified,
    Stratum,
)
from techfile.datagov._report import (
    CheckRun,
    ColumnInfo,
    DatagovReport,
    Progress,
    TableInfo,
    ThresholdUsed,
    no_progress,
    profile,
    profile_file,
)
from techfile.datagov._roles import Roles, Split
from techfile.datagov._rules import (
    Check,
    DatasheetHeading,
    FindingKind,
    Rules,
    Severity,
    Thresholds,
    load_rules,
)
from techfile.datagov._stats import HomogeneityTest, IntervalMethod, Share, simultaneous_shares
from techfile.datagov._table import Column, ColumnKind, Table, TableFormat, read_table
from techfile.datagov.errors import DatagovDataError, TableError

__all__ = [
    "SCHEMA_ID",
    "BalanceRow",
    "Check",
    "CheckRun",
    "Column",
    "ColumnInfo",
    "ColumnKind",
    "ColumnMissing",
    "DatagovDataError",
    "DatagovReport",
    "Datasheet",
    "DatasheetEntry",
    "DatasheetHeading",
    "DuplicateSet",
    "Duplicates",
    "Finding",
    "FindingKind",
    "GroupBalance",
    "HomogeneityTest",
    "IntervalMethod",
    "LeakageScore",
    "LevelShare",
    "Missingness",
    "PeriodUnit",
    "Progress",
    "Representation",
    "Roles",
    "Rules",
    "Severity",
    "Share",
    "Signal",
    "Split",
    "SplitLeakage",
    "SplitPair",
    "Standing",
    "Stratified",
    "Stratum",
    "Table",
    "TableError",
    "TableFormat",
    "TableInfo",
    "ThresholdUsed",
    "Thresholds",
    "datagov_schema",
    "evidence_draft",
    "load_rules",
    "no_progress",
    "profile",
    "profile_file",
    "read_table",
    "report_json",
    "requirement_outcomes",
    "simultaneous_shares",
    "summary_line",
]
