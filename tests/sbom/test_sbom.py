"""The SBOM: techfile's own environment validates as CycloneDX 1.6; ML-BOM round trip; errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

import jsonschema
import pytest
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import ComponentType
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from typer.testing import CliRunner

from techfile.cli import app
from techfile.project import load_manifest
from techfile.sbom import (
    Device,
    Package,
    SbomInputError,
    build_sbom,
    from_environment,
    from_lock,
    read_sbom,
)
from techfile.schemas import schema

WHEN = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
runner = CliRunner()
MANIFEST = """\
device:
  name: CardioRisk
  version: "2.1.0"
  manufacturer: {{name: Example Medical GmbH, address: "Musterstrasse 1, Berlin"}}
  intended_purpose: Estimate the ten-year risk of coronary heart disease for clinicians.
  intended_users: [cardiologists]
  patient_population: adults 30-74 years
  use_environment: [hospital]
sbom:
  support:
    PyYAML: {{level: active, end_of_support: 2030-12-31}}
    typer: {{level: end_of_life}}
  models:
    - {{name: cardiorisk-gbm, version: "3", path: model.bin, licence: Apache-2.0}}
  datasets:
    - {{name: uci-heart, version: "2024-01", path: data.csv, supplier: UCI}}
{extra}"""


def _project(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "model.bin").write_bytes(b"\x00model weights")
    (tmp_path / "data.csv").write_text("age,sex\n63,1\n", encoding="utf-8")
    (tmp_path / "techfile.yaml").write_text(MANIFEST.format(extra=extra), encoding="utf-8")
    return tmp_path


def test_the_sbom_of_techfiles_own_environment_validates_against_cyclonedx_16() -> None:
    packages = from_environment(Path(sys.prefix))
    names = {p.key for p in packages}
    assert {"cyclonedx-python-lib", "packaging", "pydantic", "typer"} <= names
    text = build_sbom(packages, device=Device("techfile", "0"), timestamp=WHEN)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    data = json.loads(text)
    assert data["specVersion"] == "1.6"
    by_name = {c["name"].lower(): c for c in data["components"]}
    packaging = by_name["packaging"]
    assert packaging["purl"].startswith("pkg:pypi/packaging@")
    assert packaging["hashes"][0]["alg"] == "SHA-256"
    assert {"name": "techfile:hash:source", "value": "RECORD"} in packaging["properties"]
    assert by_name["pydantic"]["licenses"]
    assert by_name["pydantic"]["supplier"]["name"]
    refs = [c["bom-ref"] for c in data["components"]]
    assert len(refs) == len(set(refs)) == len(packages)
    root = next(d for d in data["dependencies"] if d["ref"] == "device:techfile@0")
    assert root["dependsOn"]
    assert text == build_sbom(packages, device=Device("techfile", "0"), timestamp=WHEN)


def test_ml_components_and_support_survive_a_write_read_round_trip(tmp_path: Path) -> None:
    manifest = load_manifest(_project(tmp_path))
    packages = [Package("PyYAML", "6.0.1"), Package("typer", "0.12.0")]
    text = build_sbom(
        packages, device=Device("CardioRisk", "2.1.0"), timestamp=WHEN, manifest=manifest
    )
    bom = Bom.from_json(json.loads(text))  # type: ignore[attr-defined]  # py-serializable adds it
    by_name = {c.name: c for c in bom.components}
    model, data = by_name["cardiorisk-gbm"], by_name["uci-heart"]
    assert model.type is ComponentType.MACHINE_LEARNING_MODEL
    assert data.type is ComponentType.DATA
    digest = hashlib.sha256(b"\x00model weights").hexdigest()
    assert [h.content for h in model.hashes] == [digest]
    assert [str(p.value) for p in model.properties] == ["model.bin"]
    assert data.supplier is not None
    assert data.supplier.name == "UCI"
    support = {p.name: p.value for p in by_name["PyYAML"].properties}
    assert support["techfile:support:level"] == "active"
    assert support["techfile:support:end"] == "2030-12-31"
    document = read_sbom(_write(tmp_path / "sbom.json", text))
    assert {c.type for c in document.components} == {"library", "machine-learning-model", "data"}
    assert document.serial_number == str(bom.serial_number.urn)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_support_for_a_package_not_there_is_located(tmp_path: Path) -> None:
    manifest = load_manifest(_project(tmp_path))
    with pytest.raises(SbomInputError) as caught:
        build_sbom(
            [Package("PyYAML", "6")], device=Device("d", "1"), timestamp=WHEN, manifest=manifest
        )
    assert caught.value.field == "sbom.support.typer"
    assert caught.value.location.line == 12


def test_a_missing_model_file_is_located(tmp_path: Path) -> None:
    manifest = load_manifest(_project(tmp_path))
    (tmp_path / "model.bin").unlink()
    packages = [Package("PyYAML", "6"), Package("typer", "1")]
    with pytest.raises(SbomInputError) as caught:
        build_sbom(packages, device=Device("d", "1"), timestamp=WHEN, manifest=manifest)
    assert caught.value.location.line == 14
    assert caught.value.field == "sbom.models.0.path"


def test_a_lock_file_gives_pinned_packages_with_their_hashes(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.txt"
    a, b = "a" * 64, "b" * 64
    lock.write_text(
        f"# generated\n--index-url https://pypi.org/simple\nRequests==2.31.0 \\\n"
        f"    --hash=sha256:{a} \\\n    --hash=sha256:{b}\n"
        f"zope.interface==6.0 ; python_version >= '3.8'  # comment\n",
        encoding="utf-8",
    )
    packages = from_lock(lock)
    assert [(p.key, p.version, p.sha256, p.hash_source) for p in packages] == [
        ("requests", "2.31.0", (a, b), "lock"),
        ("zope-interface", "6.0", (), ""),
    ]
    text = build_sbom(packages, device=Device("d", "1"), timestamp=WHEN)
    purls = [c["purl"] for c in json.loads(text)["components"]]
    assert sorted(purls) == ["pkg:pypi/requests@2.31.0", "pkg:pypi/zope.interface@6.0"]


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("requests>=2\n", 1, "does not pin one exact version"),
        ("ok==1\nrequests==2 --hash=md5:abcd\n", 2, "unsupported hash"),
        ("a==1\n\nA==2\n", 3, "listed twice"),
        ("a==1\n!!bad\n", 2, "not a requirement"),
    ],
    ids=["unpinned", "md5-hash", "duplicate", "syntax"],
)
def test_a_bad_lock_line_is_located(tmp_path: Path, text: str, line: int, problem: str) -> None:
    lock = tmp_path / "requirements.txt"
    lock.write_text(text, encoding="utf-8")
    with pytest.raises(SbomInputError, match=problem) as caught:
        from_lock(lock)
    assert caught.value.location.line == line


def test_the_command_is_reproducible_from_source_date_epoch(tmp_path: Path) -> None:
    project = _project(tmp_path)
    lock = _write(tmp_path / "req.txt", "pyyaml==6.0.1\ntyper==0.12.0\n")
    env = {"SOURCE_DATE_EPOCH": "1767600000"}
    args = ["sbom", str(project), "--lock", str(lock), "--json"]
    first = runner.invoke(app, [*args, "--out", str(tmp_path / "a.json")], env=env)
    second = runner.invoke(app, [*args, "--out", str(tmp_path / "b.json")], env=env)
    assert first.exit_code == second.exit_code == 0, first.output
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    summary = json.loads(first.stdout)
    jsonschema.validate(summary, schema("sbom"))
    assert summary["by_type"] == {"data": 1, "library": 2, "machine-learning-model": 1}
    assert summary["support_ended"] == [
        {"name": "typer", "version": "0.12.0", "level": "end_of_life", "end": None}
    ]
    data = json.loads((tmp_path / "a.json").read_text())
    assert data["metadata"]["timestamp"] == "2026-01-05T08:00:00+00:00"
    assert data["metadata"]["component"]["name"] == "CardioRisk"
    bad = runner.invoke(
        app, [*args, "--out", str(tmp_path / "c.json")], env={"SOURCE_DATE_EPOCH": "soon"}
    )
    assert bad.exit_code == 2


def test_an_interpreter_a_venv_and_site_packages_give_the_same_inventory(tmp_path: Path) -> None:
    by_venv = from_environment(Path(sys.prefix))
    by_python = from_environment(Path(sys.executable))
    site = next(Path(sys.prefix).glob("lib/python*/site-packages"))
    assert [p.key for p in by_python] == [p.key for p in by_venv]
    assert [p.key for p in from_environment(site)] == [p.key for p in by_venv]
    with pytest.raises(SbomInputError, match="no installed packages found"):
        from_environment(tmp_path)
