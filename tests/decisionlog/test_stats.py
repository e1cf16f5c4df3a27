"""Counting a log (`DecisionLog.stats`) and the progress observers of long jobs (STYLE E3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from techfile.decisionlog import (
    Action,
    Batching,
    DecisionLog,
    DecisionRecord,
    OversightRecord,
    SignerKey,
    append_lines,
    read_jsonl,
)

ORIGIN = "example.com/cardiorisk/decisions"
LONG_AGO = datetime(2020, 1, 1, 8, 30, tzinfo=UTC)


def _decision(n: int) -> DecisionRecord:
    return DecisionRecord(
        "cardiorisk-udi+SN42", "2.1.0", f"{n:064x}", "high risk", None,
        LONG_AGO + timedelta(minutes=n), "Klinikum Nord", "nurse-7",
    )  # fmt: skip


def _oversight(index: int, action: Action) -> OversightRecord:
    reason = "" if action is Action.CONFIRM else "clinical judgement"
    return OversightRecord(index, action, "dr-schmidt", LONG_AGO + timedelta(hours=1), reason)


def _open(tmp_path: Path) -> DecisionLog:
    fast = Batching(max_entries=8, max_delay_ms=1)
    return DecisionLog.open(
        f"sqlite:///{tmp_path / 'd.db'}", key=SignerKey.generate(ORIGIN), batching=fast
    )


def test_stats_count_erased_oversight_apart(tmp_path: Path) -> None:
    with _open(tmp_path) as log:
        for n in range(4):
            log.record_decision(_decision(n))
        for index, action in enumerate((Action.OVERRIDE, Action.CONFIRM, Action.DISMISS)):
            log.record_oversight(_oversight(index, action))
        log.erase(4, reason="erasure request 2025-17")  # the override
        log.erase(0, reason="erasure request 2025-18")  # its decision
        log.checkpoint()
        stats = log.stats()
    assert (stats.size, stats.decisions, stats.erased) == (9, 4, 2)
    assert stats.oversight == {Action.CONFIRM: 1, Action.OVERRIDE: 0, Action.DISMISS: 1}
    assert (stats.oversight_erased, stats.oversight_total) == (1, 3)
    assert stats.override_rate == 0.0
    assert stats.overseen_decisions == 2
    assert (stats.checkpoints, stats.latest_checkpoint) == (1, 9)
    assert stats.first_recorded == LONG_AGO + timedelta(minutes=1)  # entry 0 was erased
    assert stats.last_recorded == LONG_AGO + timedelta(hours=1)


def test_long_jobs_report_progress(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    lines = [
        '{"type":"decision","device":"d","model_version":"1","input_digest":"'
        f"{n:064x}"
        '","output":"low","timestamp":"2025-01-01T00:00:00Z","site":"s","operator":"o"}'
        for n in range(2500)
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    appended: list[tuple[int, int]] = []
    audited: list[tuple[int, int]] = []
    counted: list[tuple[int, int]] = []
    with _open(tmp_path) as log:
        done = append_lines(log, path, read_jsonl(path), lambda d, t: appended.append((d, t)))
        log.checkpoint()
        assert log.audit(progress=lambda d, t: audited.append((d, t))).ok
        log.stats(progress=lambda d, t: counted.append((d, t)))
    assert (done.count, done.first_index, done.size) == (2500, 0, 2500)
    for calls in (appended, audited, counted):
        assert calls[-1] == (2500, 2500)
        assert [d for d, _ in calls] == sorted(d for d, _ in calls)
        assert len(calls) > 1
