"""``techfile export oscal``: the command writes the three files, or fails with the right code.

The project here has no evidence, so the documents are dated by the catalog and nothing is met.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.catalog import Catalog as OscalCatalog
from trestle.oscal.profile import Profile
from typer.testing import CliRunner

from techfile.catalog import load_catalog
from techfile.cli import app

runner = CliRunner()

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INPUT = 2


def test_export_writes_three_readable_documents(bare_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "oscal"
    result = runner.invoke(app, ["export", "oscal", str(bare_project), "--out", str(out)])
    assert result.exit_code == EXIT_OK, result.output
    names = ("catalog.json", "profile.json", "assessment-results.json")
    assert [line.removeprefix("wrote ") for line in result.output.splitlines()] == [
        str(out / name) for name in names
    ]
    assert isinstance(OscalCatalog.oscal_read(out / "catalog.json"), OscalCatalog)
    assert isinstance(Profile.oscal_read(out / "profile.json"), Profile)
    results = AssessmentResults.oscal_read(out / "assessment-results.json")
    assert isinstance(results, AssessmentResults)
    [outcome] = results.results
    assert outcome.observations is None
    newest = max(source.legal_status_as_of for source in load_catalog().sources)
    assert outcome.start.date() == newest
    states = {f.target.status.state.value for f in outcome.findings or [] if f.target.status}
    assert states == {"not-satisfied"}


def test_out_is_required(bare_project: Path) -> None:
    result = runner.invoke(app, ["export", "oscal", str(bare_project)])
    assert result.exit_code == EXIT_INPUT
    assert "--out" in result.output


def test_a_missing_project_is_bad_input(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = runner.invoke(app, ["export", "oscal", str(missing), "--out", str(tmp_path / "o")])
    assert result.exit_code == EXIT_INPUT
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_without_trestle_the_command_names_the_extra(
    bare_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [n for n in sys.modules if n == "trestle" or n.startswith("trestle.")]:
        monkeypatch.setitem(sys.modules, name, None)  # None makes `import trestle...` fail
    for module in ("_catalog", "_profile", "_results", "_document"):
        monkeypatch.delitem(sys.modules, f"techfile.export.{module}", raising=False)
    out = tmp_path / "oscal"
    result = runner.invoke(app, ["export", "oscal", str(bare_project), "--out", str(out)])
    assert result.exit_code == EXIT_FAILED
    assert "pip install 'techfile[oscal]'" in result.output
    assert not out.exists()
