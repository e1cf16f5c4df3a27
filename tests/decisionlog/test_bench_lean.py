"""The benchmark's ``lean`` contender writes the log's data model: a log opened on it audits."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from techfile.decisionlog import AuditFailed, DecisionLog

BENCH = Path(__file__).resolve().parents[2] / "bench" / "decisionlog.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_decisionlog", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and typing look the module up by name
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("batch", [1, 7, 100])
def test_a_log_opened_on_what_lean_wrote_audits_clean(
    bench: ModuleType, tmp_path: Path, batch: int
) -> None:
    path = tmp_path / "lean.db"
    lean = bench.Lean(path)
    records = bench.records(0, 300)
    for first in range(0, len(records), batch):
        lean.append(records[first : first + batch])
    lean.close()
    with DecisionLog.open(f"sqlite:///{path}", origin=bench.ORIGIN) as log:
        assert log.size == 300
        result = log.audit()
        assert result.ok, result
        log.checkpoint()
        proof = log.prove(123)
        proof.verify(log.verifier, origin=log.origin)
        assert log.read(123) == records[123]


def test_the_audit_catches_lean_writing_a_wrong_hash(bench: ModuleType, tmp_path: Path) -> None:
    """The check above can fail: one subtree hash too few bytes and the audit says so."""
    path = tmp_path / "lean.db"
    lean = bench.Lean(path)
    lean.append(bench.records(0, 100))
    lean.db.execute("UPDATE decisionlog_tiles SET hashes = substr(hashes, 2) WHERE first = 64")
    lean.close()
    with DecisionLog.open(f"sqlite:///{path}", origin=bench.ORIGIN) as log:
        result = log.audit()
    assert isinstance(result, AuditFailed)
    assert result.first_bad_index == 64
