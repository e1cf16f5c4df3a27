"""``techfile log`` through the real command line: operators' commands and the auditor's check.

Every case runs the Typer app with ``CliRunner`` on a SQLite log in ``tmp_path``; one round
trip runs on the PostgreSQL server (``postgres`` marker, never skipped). Exit codes follow
STYLE D4: 0 ok, 1 a problem found (bad proof, failed audit), 2 bad input.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import psycopg
import pytest
from typer.testing import CliRunner, Result

from techfile.cli import app
from techfile.decisionlog import DecisionLog

runner = CliRunner()
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cardiorisk"
ORIGIN = "example.com/cardiorisk/decisions"
PASSPHRASE = {"TECHFILE_KEY_PASSPHRASE": "log evidence passphrase"}
POSTGRES_URL = os.environ.get(
    "TECHFILE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def decision(n: int, output: str = "high risk") -> dict[str, Any]:
    return {
        "type": "decision",
        "device": "cardiorisk-udi-0123456789012+SN42",
        "model_version": "2.1.0",
        "input_digest": f"{n:064x}",
        "output": output,
        "score": 0.91,
        "timestamp": f"2025-03-01T12:{n % 60:02d}:00+01:00",
        "site": "Klinikum Nord, ward 3",
        "operator": "nurse-7",
    }


def oversight(index: int, action: str = "override") -> dict[str, Any]:
    line: dict[str, Any] = {
        "type": "oversight",
        "decision_index": index,
        "action": action,
        "clinician": "dr-schmidt",
        "timestamp": "2025-03-01T13:00:00Z",
    }
    if action != "confirm":
        line["reason"] = "the ECG shows otherwise"
    return line


# Decisions at 0, 1, 3, 4, 6; oversight: 2 overrides, 2 confirms, 1 dismiss.
RECORDS = [
    decision(0),
    decision(1, "low risk"),
    oversight(0, "override"),
    decision(2),
    decision(3),
    oversight(1, "confirm"),
    decision(4),
    oversight(3, "dismiss"),
    oversight(4, "confirm"),
    oversight(6, "override"),
]


def jsonl(path: Path, lines: list[dict[str, Any]], *, raw: tuple[str, ...] = ()) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines) + "".join(raw), "utf-8")
    return path


class Log:
    """One log under test: its URL and key options, and the runner around them."""

    def __init__(self, url: str, key: Path | None = None) -> None:
        self.url = url
        self.options = ["--log", url, *(["--key", str(key)] if key is not None else [])]

    def run(self, *args: str, code: int = 0, env: dict[str, str] | None = None) -> Result:
        result = runner.invoke(app, ["log", args[0], *args[1:], *self.options], env=env)
        assert result.exit_code == code, (result.stdout, result.stderr)
        return result

    def json(self, *args: str, code: int = 0) -> Any:  # noqa: ANN401  # a JSON document
        return json.loads(self.run(*args, "--json", code=code).stdout)

    def size(self) -> int:
        size: int = self.json("stats")["size"]
        return size


@pytest.fixture
def log(tmp_path: Path) -> Log:
    made = Log(f"sqlite:///{tmp_path / 'decisions.db'}")
    made.run("init", "--origin", ORIGIN)
    return made


@pytest.fixture
def filled(log: Log, tmp_path: Path) -> Log:
    log.run("append", str(jsonl(tmp_path / "records.jsonl", RECORDS)))
    log.run("checkpoint")
    return log


def vkey(tmp_path: Path) -> Path:
    return tmp_path / "decisions.db.vkey"


def schema(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(runner.invoke(app, ["schema", name]).stdout)
    jsonschema.Draft202012Validator.check_schema(document)
    return document


# ---- init, append, checkpoint, prove, verify-proof ----


def test_init_writes_the_key_and_the_verifier_key(log: Log, tmp_path: Path) -> None:
    assert (tmp_path / "decisions.db.skey").is_file()
    text = vkey(tmp_path).read_text("utf-8")
    assert text.startswith(f"{ORIGIN}+")
    again = log.run("init")  # idempotent: the same log, the same key
    assert text.strip() in again.stdout
    log.run("init", "--origin", "another.example/log", code=2)  # not this log's origin


def test_round_trip_append_checkpoint_prove_verify(filled: Log, tmp_path: Path) -> None:
    note = filled.run("checkpoint").stdout
    assert note.startswith(f"{ORIGIN}\n10\n")
    proof = filled.json("prove", "5")
    jsonschema.validate(proof, schema("log-inclusion-proof"))
    assert (proof["index"], proof["tree_size"], proof["checkpoint"]) == (5, 10, note)
    assert proof["leaf"].startswith('{"kind":"oversight","record_digest":')
    readable = filled.run("prove", "5").stdout
    assert proof["leaf_hash"] in readable
    assert all(h in readable for h in proof["hashes"])
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(proof), "utf-8")
    checked = runner.invoke(app, ["log", "verify-proof", str(path), "--vkey", str(vkey(tmp_path))])
    assert checked.exit_code == 0, checked.output
    assert "verified" in checked.stdout
    kept = tmp_path / "kept.txt"
    kept.write_text(note, "utf-8")
    as_json = runner.invoke(
        app,
        ["log", "verify-proof", str(path), "--vkey", str(vkey(tmp_path)), "--checkpoint",
         str(kept), "--json"],
    )  # fmt: skip
    assert as_json.exit_code == 0, as_json.output
    result = json.loads(as_json.stdout)
    jsonschema.validate(result, schema("log-proof-check"))
    assert (result["ok"], result["kind"], result["tree_size"]) == (True, "inclusion", 10)


def test_prove_needs_a_checkpoint_covering_the_entry(log: Log, tmp_path: Path) -> None:
    log.run("append", str(jsonl(tmp_path / "one.jsonl", [decision(0)])))
    log.run("prove", "0", code=2)
    log.run("checkpoint")
    log.run("prove", "0")
    log.run("prove", "1", code=2)


def _mutate_hash(proof: dict[str, Any]) -> None:
    first = proof["hashes"][0]
    proof["hashes"][0] = ("0" if first[0] != "0" else "1") + first[1:]


def _mutate_leaf(proof: dict[str, Any]) -> None:
    proof["leaf"] = proof["leaf"].replace('"oversight"', '"decision"')


def _mutate_index(proof: dict[str, Any]) -> None:
    proof["index"] = 4


def _mutate_note(proof: dict[str, Any]) -> None:
    proof["checkpoint"] = proof["checkpoint"].replace("\n10\n", "\n11\n")


@pytest.mark.parametrize(
    "mutate",
    [_mutate_hash, _mutate_leaf, _mutate_index, _mutate_note],
    ids=["proof-hash", "leaf", "index", "checkpoint-size"],
)
def test_a_mutated_proof_fails(filled: Log, tmp_path: Path, mutate: Any) -> None:  # noqa: ANN401
    proof = filled.json("prove", "5")
    mutate(proof)
    path = tmp_path / "mutated.json"
    path.write_text(json.dumps(proof), "utf-8")
    result = runner.invoke(
        app, ["log", "verify-proof", str(path), "--vkey", str(vkey(tmp_path)), "--json"]
    )
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["ok"] is False


def test_a_proof_fails_with_another_logs_key(filled: Log, tmp_path: Path) -> None:
    proof = tmp_path / "proof.json"
    proof.write_text(filled.run("prove", "2", "--json").stdout, "utf-8")
    other = tmp_path / "other"
    other.mkdir()
    Log(f"sqlite:///{other / 'decisions.db'}").run("init", "--origin", ORIGIN)  # same name
    result = runner.invoke(
        app, ["log", "verify-proof", str(proof), "--vkey", str(other / "decisions.db.vkey")]
    )
    assert result.exit_code == 1, result.output
    assert "REJECTED" in result.stdout


def test_a_proof_about_another_checkpoint_than_the_kept_one_fails(
    filled: Log, tmp_path: Path
) -> None:
    kept = tmp_path / "kept.txt"
    kept.write_text(filled.run("checkpoint").stdout, "utf-8")
    filled.run("append", str(jsonl(tmp_path / "more.jsonl", [decision(50)])))
    filled.run("checkpoint")
    proof = tmp_path / "proof.json"
    proof.write_text(filled.run("prove", "0", "--json").stdout, "utf-8")
    args = ["log", "verify-proof", str(proof), "--vkey", str(vkey(tmp_path))]
    assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, [*args, "--checkpoint", str(kept)]).exit_code == 1


@pytest.mark.usefixtures("log")
def test_verify_proof_refuses_what_is_not_a_proof_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "techfile.gaps/1"}', "utf-8")
    result = runner.invoke(app, ["log", "verify-proof", str(bad), "--vkey", str(vkey(tmp_path))])
    assert result.exit_code == 2
    assert "not a decision-log proof file" in result.stderr
    broken_key = tmp_path / "broken.vkey"
    broken_key.write_text("not a key\n", "utf-8")
    result = runner.invoke(app, ["log", "verify-proof", str(bad), "--vkey", str(broken_key)])
    assert result.exit_code == 2


# ---- append: the whole file is checked first ----


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({**decision(9), "input_digest": "ABC"}, "input_digest"),
        ({**decision(9), "timestamp": "2025-03-01T12:00:00"}, "timestamp"),
        ({**decision(9), "score": "high"}, "score"),
        ({**decision(9), "site": "   "}, "site"),
        ({**decision(9), "colour": "red"}, "colour"),
        ({k: v for k, v in decision(9).items() if k != "operator"}, "operator"),
        ({**oversight(0), "reason": ""}, "reason"),
        ({**oversight(0), "action": "ignore"}, "action"),
        ({**oversight(0), "type": "comment"}, "type"),
    ],
    ids=[
        "digest-not-hex",
        "time-without-offset",
        "score-not-a-number",
        "blank-site",
        "unknown-field",
        "missing-operator",
        "override-without-reason",
        "unknown-action",
        "unknown-type",
    ],
)
def test_a_malformed_line_appends_nothing(
    log: Log, tmp_path: Path, line: dict[str, Any], field: str
) -> None:
    path = jsonl(tmp_path / "records.jsonl", [decision(0), decision(1), line, decision(2)])
    result = log.run("append", str(path), code=2)
    assert f"{path}:3:" in result.stderr
    assert f"field '{field}'" in result.stderr
    assert log.size() == 0


def test_every_bad_line_is_reported_and_nothing_appended(log: Log, tmp_path: Path) -> None:
    path = jsonl(tmp_path / "records.jsonl", [decision(0)], raw=("not json\n", "[1, 2]\n", "\n"))
    result = log.run("append", str(path), code=2)
    assert f"{path}:2:1: not JSON" in result.stderr
    assert f"{path}:3: not a JSON object" in result.stderr
    assert log.size() == 0


def test_oversight_must_name_a_decision(log: Log, tmp_path: Path) -> None:
    log.run("append", str(jsonl(tmp_path / "first.jsonl", [decision(0), oversight(0)])))
    for target in (1, 7):  # an oversight entry, then an index beyond the file
        path = jsonl(tmp_path / f"bad{target}.jsonl", [decision(1), oversight(target)])
        result = log.run("append", str(path), code=2)
        assert f"{path}:2: field 'decision_index'" in result.stderr
    assert log.size() == 2
    # Index 2 is the first record of the next file: a decision of the same file.
    log.run("append", str(jsonl(tmp_path / "ok.jsonl", [decision(1), oversight(2), oversight(0)])))
    assert log.size() == 5


def test_append_refuses_a_missing_log_or_key(tmp_path: Path) -> None:
    records = str(jsonl(tmp_path / "records.jsonl", [decision(0)]))
    missing = Log(f"sqlite:///{tmp_path / 'none.db'}")
    assert "techfile log init" in missing.run("append", records, code=2).stderr
    assert not (tmp_path / "none.db").exists()
    keyless = Log(f"sqlite:///{tmp_path / 'decisions.db'}", tmp_path / "elsewhere.skey")
    Log(keyless.url).run("init")
    assert "no log key" in keyless.run("append", records, code=2).stderr
    assert not (tmp_path / "elsewhere.skey").exists()


# ---- audit, stats, consistency ----


def _tamper_leaf(tmp_path: Path, index: int) -> None:
    with sqlite3.connect(tmp_path / "decisions.db") as db:
        db.execute("DROP TRIGGER decisionlog_tiles_no_update")  # as anyone with file access can
        first, joined = db.execute(
            "SELECT first, leaves FROM decisionlog_tiles WHERE first <= ? ORDER BY first DESC",
            (index,),
        ).fetchone()
        leaves = joined.split(b"\n")
        leaves[index - first] = b'{"kind":"decision","record_digest":"' + b"0" * 64 + b'"}'
        db.execute(
            "UPDATE decisionlog_tiles SET leaves = ? WHERE first = ?", (b"\n".join(leaves), first)
        )


def test_audit_passes_then_names_the_first_bad_index(filled: Log, tmp_path: Path) -> None:
    assert "audit passed: 10 entries" in filled.run("audit").stdout
    passed = filled.json("audit")
    jsonschema.validate(passed, schema("log-audit"))
    assert (passed["ok"], passed["size"], passed["checkpoints"]) == (True, 10, 1)
    _tamper_leaf(tmp_path, 4)
    assert "first bad index 4" in filled.run("audit", code=1).stdout
    failed = filled.json("audit", code=1)
    jsonschema.validate(failed, schema("log-audit"))
    assert (failed["ok"], failed["first_bad_index"], failed["part"]) == (False, 4, "leaf")


def test_audit_against_a_kept_checkpoint(filled: Log, tmp_path: Path) -> None:
    kept = tmp_path / "kept.txt"
    kept.write_text(filled.run("checkpoint").stdout, "utf-8")
    assert filled.json("audit", "--trusted", str(kept))["checkpoints"] == 2


def test_stats_count_decisions_and_oversight(filled: Log) -> None:
    stats = filled.json("stats")
    jsonschema.validate(stats, schema("log-stats"))
    assert stats["size"] == 10
    assert (stats["checkpoints"], stats["latest_checkpoint"]) == (1, 10)
    assert stats["decisions"] == 5
    assert stats["oversight"] == {"confirm": 2, "override": 2, "dismiss": 1}
    assert stats["overseen_decisions"] == 5
    assert stats["override_rate"] == pytest.approx(2 / 5)
    assert (stats["erased"], stats["oversight_erased"]) == (0, 0)
    assert stats["first_recorded"] == "2025-03-01T12:00:00+01:00"
    assert stats["last_recorded"] == "2025-03-01T13:00:00Z"
    table = filled.run("stats").stdout
    assert "override rate" in table
    assert "40.0%" in table


def test_stats_of_an_empty_log(log: Log) -> None:
    stats = log.json("stats")
    assert (stats["size"], stats["override_rate"], stats["latest_checkpoint"]) == (0, None, None)


def test_consistency_between_two_checkpoints(filled: Log, tmp_path: Path) -> None:
    filled.run("append", str(jsonl(tmp_path / "more.jsonl", [decision(60), decision(61)])))
    filled.run("checkpoint")
    assert "verified" in filled.run("consistency", "10", "12").stdout
    document = filled.json("consistency", "10", "12")
    jsonschema.validate(document, schema("log-consistency-proof"))
    path = tmp_path / "consistency.json"
    path.write_text(json.dumps(document), "utf-8")
    args = ["log", "verify-proof", str(path), "--vkey", str(vkey(tmp_path))]
    assert runner.invoke(app, args).exit_code == 0
    document["hashes"][0] = "0" * 64
    path.write_text(json.dumps(document), "utf-8")
    assert runner.invoke(app, args).exit_code == 1
    assert "checkpoints: 10, 12" in filled.run("consistency", "5", "12", code=2).stderr


# ---- evidence for the technical file ----


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "cardiorisk"
    ignored = shutil.ignore_patterns(
        "evidence", "keys", "out", "reports", ".coverage", "__pycache__"
    )
    shutil.copytree(EXAMPLE, root, ignore=ignored)
    result = runner.invoke(app, ["keys", "new", str(root)], env=PASSPHRASE)
    assert result.exit_code == 0, result.output
    return root


def _gaps(root: Path) -> dict[str, dict[str, Any]]:
    result = runner.invoke(app, ["gaps", str(root), "--json"])
    return {row["id"]: row for row in json.loads(result.stdout)["requirements"]}


LINKED = ("AIA.12", "AIA.12.1", "AIA.12.2", "AIA.12.2.a", "AIA.12.2.b", "AIA.12.2.c",
          "AIA.14.4.a", "AIA.14.4.d", "AIA.19")  # fmt: skip


def test_evidence_makes_the_linked_requirements_met(filled: Log, project: Path) -> None:
    before = _gaps(project)
    assert all(before[rid]["status"] in {"missing", "partial"} for rid in LINKED)
    result = filled.run("evidence", "--project", str(project), env=PASSPHRASE)
    assert "(pass)" in result.stdout
    note = project / "evidence" / "decision-log-checkpoint.txt"
    assert note.read_text("utf-8") == filled.run("checkpoint").stdout
    verified = runner.invoke(app, ["evidence", "verify", str(project)])
    assert verified.exit_code == 0, verified.output
    after = _gaps(project)
    for rid in LINKED:
        assert after[rid]["status"] == "met", (rid, after[rid])
        (evidence,) = after[rid]["evidence"]
        assert evidence["kind"] == "decision_log"
        assert evidence["outcome"] == "pass"
        assert evidence["subjects"] == [
            {
                "name": "evidence/decision-log-checkpoint.txt",
                "sha256": evidence["subjects"][0]["sha256"],
            }
        ]
    assert after["AIA.14"]["status"] == "partial"  # usability evidence still lacking
    listed = runner.invoke(app, ["evidence", "list", str(project), "--json"])
    (record,) = json.loads(listed.stdout)["records"]
    assert record["kind"] == "decision_log"
    assert "5 decisions" in record["summary"]


def test_evidence_of_a_tampered_log_records_a_failure(
    filled: Log, project: Path, tmp_path: Path
) -> None:
    _tamper_leaf(tmp_path, 2)
    result = filled.run("evidence", "--project", str(project), env=PASSPHRASE, code=1)
    assert "(fail)" in result.stdout
    after = _gaps(project)
    assert after["AIA.12.1"]["status"] == "partial"
    assert after["AIA.12.1"]["evidence"][0]["outcome"] == "fail"


def test_evidence_links_only_requirements_that_accept_a_decision_log(
    filled: Log, project: Path
) -> None:
    for rid, message in (("MDR.AI.17.4", "does not accept"), ("AIA.99", "unknown requirement")):
        result = filled.run(
            "evidence", "--project", str(project), "-r", rid, env=PASSPHRASE, code=2
        )
        assert message in result.stderr
    assert not (project / "evidence").exists()
    filled.run("evidence", "--project", str(project), "-r", "AIA.19", env=PASSPHRASE)
    assert _gaps(project)["AIA.19"]["status"] == "met"
    assert _gaps(project)["AIA.12.1"]["status"] == "missing"


# ---- PostgreSQL ----


@pytest.fixture
def postgres(tmp_path: Path) -> Iterator[Log]:
    name = f"decisionlog_cli_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:  # fails when unreachable
        conn.execute(f"CREATE SCHEMA {name}")
    joiner = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield Log(f"{POSTGRES_URL}{joiner}options=-csearch_path%3D{name}", tmp_path / "pg.skey")
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE")


@pytest.mark.postgres
def test_postgres_round_trip(postgres: Log, tmp_path: Path) -> None:
    Log(postgres.url).run("init", code=2)  # PostgreSQL needs a key file
    postgres.run("init", "--origin", ORIGIN)
    postgres.run("append", str(jsonl(tmp_path / "records.jsonl", RECORDS)))
    note = postgres.run("checkpoint").stdout
    assert note.startswith(f"{ORIGIN}\n10\n")
    proof = tmp_path / "proof.json"
    proof.write_text(postgres.run("prove", "7", "--json").stdout, "utf-8")
    checked = runner.invoke(
        app, ["log", "verify-proof", str(proof), "--vkey", str(tmp_path / "pg.vkey")]
    )
    assert checked.exit_code == 0, checked.output
    assert postgres.json("audit")["ok"] is True
    stats = postgres.json("stats")
    assert (stats["decisions"], stats["oversight"]["override"]) == (5, 2)
    with DecisionLog.open(postgres.url, key=tmp_path / "pg.skey") as log:
        assert log.size == 10
