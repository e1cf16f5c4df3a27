"""The datagov data file fits the catalog: every id resolves and accepts datagov evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from techfile.catalog import EvidenceKind, load_catalog
from techfile.datagov import Check, DatasheetHeading, FindingKind, load_rules
from techfile.datagov._rules import _complete, _FileModel, _rules, data_path
from techfile.datagov.errors import DatagovDataError
from techfile.located import load_yaml, validate


def _all_requirements() -> set[str]:
    rules = load_rules()
    ids = {r for c in rules.checks.values() for r in c.requirements}
    ids |= {r for f in rules.findings.values() for r in f.requirements}
    ids |= {r for h in rules.headings.values() for r in h.requirements}
    return ids | {rules.datasheet_requirement}


@pytest.mark.parametrize("rid", sorted(_all_requirements()))
def test_every_linked_requirement_exists_and_accepts_datagov(rid: str) -> None:
    requirement = load_catalog().get(rid)
    assert requirement is not None, rid
    assert EvidenceKind.DATAGOV in requirement.evidence_kinds, rid


def test_every_check_finding_and_heading_has_an_entry() -> None:
    rules = load_rules()
    assert set(rules.checks) == set(Check)
    assert set(rules.findings) == set(FindingKind)
    assert list(rules.headings) == list(DatasheetHeading)
    for threshold in ("alpha", "shift_alpha", "leakage_auroc"):
        assert 0 < getattr(rules.thresholds, threshold).value < 1


def test_a_finding_cannot_fail_a_point_its_check_does_not_link(tmp_path: Path) -> None:
    text = data_path().read_text(encoding="utf-8")
    entry = "  exact_duplicates:\n    check: duplicates\n    severity: medium\n"
    broken = text.replace(
        entry + "    requirements: [AIA.10.3]", entry + "    requirements: [AIA.10.4]"
    )
    assert broken != text
    path = tmp_path / "datagov.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(DatagovDataError, match="exact_duplicates fails"):
        _rules(validate(_FileModel, load_yaml(path)), path)


def test_a_missing_entry_is_named() -> None:
    with pytest.raises(DatagovDataError, match="checks without an entry: duplicates"):
        _complete("checks", {c.value for c in Check} - {"duplicates"}, Check, Path("x.yaml"))
