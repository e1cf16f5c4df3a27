"""``techfile datagov`` end to end: CSV and Parquet, JSON, evidence, gaps and the technical file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest
from typer.testing import CliRunner

from techfile.cli import app
from techfile.evidence import FolderStore, load_public_key, read_ledger
from techfile.project import load_manifest

if TYPE_CHECKING:  # the fixtures' types; conftest is pytest's to import
    from .conftest import Columns

ENV = {"TECHFILE_KEY_PASSPHRASE": "datagov test passphrase"}
ROLES = [
    "--split", "split", "--id", "patient", "--label", "outcome",
    "--group", "sex", "--group", "site", "--time", "visit_date",
]  # fmt: skip
runner = CliRunner()
Write = Callable[["Columns", str], Path]


def _run(*args: str, code: int) -> Any:  # noqa: ANN401  # any JSON document
    result = runner.invoke(app, list(args), env=ENV)
    assert result.exit_code == code, result.output
    return result


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(_run("schema", "datagov", code=0).stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_clean_exits_0_and_planted_exits_1_with_valid_json(
    suffix: str,
    project: Path,
    clean: Columns,
    planted: Callable[[str], Columns],
    table_in: Write,
) -> None:
    schema = _schema()
    clean_path = table_in(clean, f"clean{suffix}")
    document = json.loads(
        _run("datagov", str(clean_path), *ROLES, "--project", str(project), "--json", code=0).stdout
    )
    jsonschema.validate(document, schema)
    assert document["schema"] == "techfile.datagov/1"
    assert document["findings"] == []
    assert document["table"]["format"] == suffix[1:]
    leaky = table_in(planted("patients_across_splits"), f"leaky{suffix}")
    args = ("datagov", str(leaky), *ROLES, "--project", str(project), "--json")
    document = json.loads(_run(*args, code=1).stdout)
    jsonschema.validate(document, schema)
    assert {f["kind"] for f in document["findings"]} == {
        "patient_across_splits",
        "features_across_splits",
    }
    assert document["split_leakage"]["patients"] == 15


def test_the_table_output_summarises_findings_by_severity(
    project: Path, planted: Callable[[str], Columns], table_in: Write
) -> None:
    path = table_in(planted("leakage_column"), "t.csv")
    result = _run("datagov", str(path), *ROLES, "--project", str(project), code=1)
    assert "target leakage" in result.stdout
    assert "discharge_code" in result.stdout
    assert "1 finding(s): 1 high, 0 medium, 0 low" in result.stdout
    assert "gap: unanswered" in result.stdout  # five datasheet headings are not answered


def test_the_project_in_the_current_folder_is_used(
    project: Path, clean: Columns, table_in: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = table_in(clean, "clean.csv")
    monkeypatch.chdir(project)
    document = json.loads(_run("datagov", str(path), "--group", "sex", "--json", code=0).stdout)
    compared = [r for r in document["representation"] if r["reference_source"]]
    assert compared
    assert document["datasheet"]["gaps"] == [
        "collection_process", "preprocessing", "uses", "distribution", "maintenance",
    ]  # fmt: skip


def _record(project: Path, path: Path, code: int) -> None:
    _run("keys", "new", str(project), code=0)
    result = _run("datagov", str(path), *ROLES, "--project", str(project), "--record", code=code)
    assert "recorded evidence" in result.stderr


def _gaps(project: Path) -> dict[str, str]:
    document = json.loads(_run("gaps", str(project), "--json", code=1).stdout)
    return {r["id"]: r["status"] for r in document["requirements"]}


def test_a_recorded_profile_links_what_it_examined(
    project: Path, clean: Columns, table_in: Write
) -> None:
    _record(project, table_in(clean, "clean.csv"), code=0)
    manifest = load_manifest(project)
    ledger = read_ledger(
        FolderStore(project / "evidence"), [load_public_key(project / manifest.evidence.key)]
    )
    (verified,) = ledger.verified
    record = verified.record
    assert record.kind.value == "datagov"
    assert [s.name for s in record.subjects] == ["data/clean.csv"]
    outcomes = {str(link.requirement): link.outcome.value for link in record.links}
    assert outcomes["AIA.10.3"] == "pass"
    assert outcomes["AIA.10.2.a"] == "info"  # motivation answered
    assert outcomes["AIA.AIV.2.d"] == "fail"  # five headings unanswered
    assert "AIA.10.2.b" not in outcomes  # collection process unanswered: nothing claimed
    status = _gaps(project)
    assert status["AIA.10.3"] == "met"
    assert status["AIA.10.1"] == "met"
    assert status["AIA.10.2.b"] == "missing"
    assert status["AIA.AIV.2.d"] == "partial"


def test_a_profile_with_findings_leaves_its_points_partial(
    project: Path, planted: Callable[[str], Columns], table_in: Write
) -> None:
    _record(project, table_in(planted("under_represented"), "t.csv"), code=1)
    status = _gaps(project)
    assert status["AIA.10.4"] == "partial"
    assert status["AIA.10.2.e"] == "met"


def test_evidence_collect_profiles_a_table_named_in_the_manifest(
    project: Path, clean: Columns, table_in: Write
) -> None:
    table_in(clean, "clean.parquet")
    manifest = project / "techfile.yaml"
    text = manifest.read_text(encoding="utf-8")
    entry = (
        "    - kind: datagov\n      path: data/clean.parquet\n"
        "      options: {split: split, id: patient, label: outcome, groups: [sex, site]}\n"
    )
    manifest.write_text(text.replace("  collect: []\n", "  collect:\n" + entry), encoding="utf-8")
    _run("keys", "new", str(project), code=0)
    _run("evidence", "collect", str(project), code=0)
    listed = json.loads(_run("evidence", "list", str(project), "--json", code=0).stdout)
    kinds = {r["kind"]: r for r in listed["records"]}
    assert kinds["datagov"]["outcome"] == "pass"
    assert "AIA.10.3" in kinds["datagov"]["requirements"]


def test_a_bad_collector_option_is_bad_input(
    project: Path, clean: Columns, table_in: Write
) -> None:
    table_in(clean, "clean.csv")
    manifest = project / "techfile.yaml"
    text = manifest.read_text(encoding="utf-8").replace(
        "  collect: []\n",
        "  collect:\n    - kind: datagov\n      path: data/clean.csv\n"
        "      options: {label: outcomes}\n",
    )
    manifest.write_text(text, encoding="utf-8")
    _run("keys", "new", str(project), code=0)
    result = _run("evidence", "collect", str(project), code=2)
    assert "field 'outcomes': --label names a column the table does not have" in result.stderr


def test_the_technical_file_shows_the_profile_in_html_docx_and_xlsx(
    project: Path, planted: Callable[[str], Columns], table_in: Write, tmp_path: Path
) -> None:
    _record(project, table_in(planted("missingness_shift"), "t.csv"), code=1)
    out = tmp_path / "out"
    _run("build", str(project), "--out", str(out), "--format", "html,docx,xlsx", code=0)
    html = (out / "technical-file.html").read_text(encoding="utf-8")
    assert "Datasets and data governance" in html
    assert "missingness shift" in html
    assert "Shifts in missing values (periods: month)" in html
    assert "datasheet heading &#39;Uses&#39; (datasets.uses)" in html
    for name in ("technical-file.docx", "technical-file.xlsx"):
        assert (out / name).stat().st_size > 0
