"""The SARIF collector on real bandit and ruff logs, level rules of the spec, and bad logs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from techfile.catalog import EvidenceKind
from techfile.errors import LocatedInputError
from techfile.evidence.collectors import (
    Draft,
    EvidenceInputError,
    Outcome,
    SarifCollector,
    Subject,
)

Collect = Callable[..., Draft]


@pytest.fixture
def sarif() -> SarifCollector:
    return SarifCollector()


def test_bandit_log(
    sarif: SarifCollector, collect: Collect, subject: Callable[[str], Subject]
) -> None:
    draft = collect(sarif, "sarif-bandit.sarif")

    assert draft.kind is EvidenceKind.SARIF
    assert draft.subjects == (subject("sarif-bandit.sarif"),)
    assert draft.outcome is Outcome.FAIL
    assert draft.summary == "Bandit 1.9.4: 7 findings: 2 errors, 1 warning, 4 notes"
    # B301 (medium severity) has no level and its rule no default: "warning" per the spec.
    assert draft.details == {
        "tools": [{"name": "Bandit", "version": "1.9.4"}],
        "results": 7,
        "levels": {"error": 2, "warning": 1, "note": 4, "none": 0},
        "suppressed": 0,
        "fail_on": "error",
        "incomplete_runs": [],
        "rules": [
            {"id": rule, "count": 1}
            for rule in ("B101", "B105", "B301", "B324", "B403", "B404", "B602")
        ],
    }


def test_ruff_logs(sarif: SarifCollector, collect: Collect) -> None:
    findings = collect(sarif, "sarif-ruff.sarif")
    clean = collect(sarif, "sarif-ruff-clean.sarif")

    assert findings.outcome is Outcome.FAIL
    assert findings.summary == "ruff 0.17.6: 5 findings: 5 errors, 0 warnings, 0 notes"
    assert clean.outcome is Outcome.PASS
    assert clean.summary == "ruff 0.17.6: 0 findings: 0 errors, 0 warnings, 0 notes"
    assert clean.details["rules"] == []


def test_levels_from_rules_kinds_suppressions_and_baselines(
    sarif: SarifCollector, collect: Collect
) -> None:
    draft = collect(sarif, "sarif-levels-by-rule.sarif")

    assert draft.outcome is Outcome.PASS
    assert draft.details["levels"] == {"error": 0, "warning": 2, "note": 3, "none": 1}
    assert draft.details["suppressed"] == 2
    assert draft.details["results"] == 6
    assert draft.details["tools"] == [{"name": "semgrep", "version": "1.80.0"}]
    assert draft.details["rules"] == [
        {"id": "py.weak-hash", "count": 3},
        {"id": "pro.taint-sql", "count": 1},
        {"id": "py.no-config", "count": 1},
        {"id": "py.todo-comment", "count": 1},
    ]
    assert draft.summary == (
        "semgrep 1.80.0: 6 findings: 0 errors, 2 warnings, 3 notes, 1 without level; 2 suppressed"
    )


@pytest.mark.parametrize(
    ("fail_on", "outcome"),
    [("error", Outcome.PASS), ("warning", Outcome.FAIL), ("note", Outcome.FAIL)],
)
def test_fail_on(sarif: SarifCollector, collect: Collect, fail_on: str, outcome: Outcome) -> None:
    draft = collect(sarif, "sarif-levels-by-rule.sarif", fail_on=fail_on)

    assert draft.outcome is outcome
    assert draft.details["fail_on"] == fail_on


def test_incomplete_runs_fail(sarif: SarifCollector, collect: Collect) -> None:
    # No finding at all, but Bandit reports an execution failure and semgrep gave no results.
    draft = collect(sarif, "sarif-incomplete-runs.sarif")

    assert draft.outcome is Outcome.FAIL
    assert draft.details["incomplete_runs"] == ["Bandit", "semgrep"]
    assert draft.summary.endswith("; incomplete run: Bandit, semgrep")


MALFORMED = [
    ("sarif-bad-json.sarif", "sarif-bad-json.sarif:12:15: not valid JSON: Expecting ',' delimiter"),
    ("sarif-wrong-version.sarif", "field 'version': not a SARIF 2.1.0 log; expected \"2.1.0\""),
    ("sarif-no-runs.sarif", "field 'runs': the log holds no runs"),
    ("sarif-empty-runs.sarif", "field 'runs': the log holds no runs"),
    ("sarif-no-tool-name.sarif", "field 'runs[0].tool.driver.name': the run names no tool"),
    ("sarif-bad-level.sarif", "field 'runs[0].results[1].level': unknown level"),
    ("sarif-not-a-log.sarif", "expected an object, found a list"),
    ("junit-pytest.xml", "junit-pytest.xml:1:1: not valid JSON: Expecting value"),
    ("document-empty.md", "document-empty.md:1:1: not valid JSON"),
]


@pytest.mark.parametrize(("name", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_logs_are_refused_with_their_place(
    sarif: SarifCollector, collect: Collect, name: str, message: str
) -> None:
    with pytest.raises(EvidenceInputError) as raised:
        collect(sarif, name)

    assert isinstance(raised.value, LocatedInputError)
    assert message in str(raised.value)
    assert name in str(raised.value)


def test_bad_fail_on(sarif: SarifCollector, collect: Collect) -> None:
    with pytest.raises(EvidenceInputError, match="option 'fail_on': expected \"error\""):
        collect(sarif, "sarif-bandit.sarif", fail_on="critical")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 100_000, "JSON beyond reasonable limits"),
        (b'{"version": "2.1.0", "runs": [\xff]}', "not text in a JSON encoding"),
        (b'{"version": ' + b"1" * 5000 + b"}", "JSON beyond reasonable limits"),
    ],
    ids=["nested-too-deep", "not-utf8", "huge-number"],
)
def test_hostile_json_is_refused(
    sarif: SarifCollector, tmp_path: Path, content: bytes, message: str
) -> None:
    log = tmp_path / "hostile.sarif"
    log.write_bytes(content)

    with pytest.raises(EvidenceInputError, match=message):
        sarif.collect(log, root=tmp_path, options={})
