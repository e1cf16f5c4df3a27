"""The HTML technical file: structure, links, completeness, determinism and staleness."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import html5lib  # type: ignore[import-untyped]  # html5lib ships no type hints
import pytest
from typer.testing import CliRunner

from techfile.catalog import load_catalog
from techfile.cli import app
from techfile.render import OutputFormat, build, check_build

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cardiorisk"
NS = "{http://www.w3.org/1999/xhtml}"
runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The example project without evidence (so its documentation is fully deterministic)."""
    root = tmp_path / "cardiorisk"
    shutil.copytree(
        EXAMPLE, root, ignore=shutil.ignore_patterns("reports", "evidence", "keys", "__pycache__")
    )
    return root


def _html(project: Path, out: Path) -> str:
    build(project, out, [OutputFormat.HTML])
    return (out / "technical-file.html").read_text(encoding="utf-8")


def test_html_parses_and_every_internal_link_resolves(project: Path, tmp_path: Path) -> None:
    text = _html(project, tmp_path / "out")
    tree = html5lib.parse(text)
    ids = {e.get("id") for e in tree.iter() if e.get("id")}
    hrefs = [e.get("href") for e in tree.iter(f"{NS}a") if e.get("href")]
    assert len(hrefs) > 200
    assert all(h.startswith("#") for h in hrefs)  # self-contained: no external resource
    unresolved = sorted({h for h in hrefs if h[1:] not in ids})
    assert unresolved == []
    assert not list(tree.iter(f"{NS}img"))
    assert not list(tree.iter(f"{NS}link"))


def test_every_annex_ii_section_and_annex_iv_item_has_content_or_a_missing_line(
    project: Path, tmp_path: Path
) -> None:
    text = _html(project, tmp_path / "out")
    sections = dict(re.findall(r'<section id="([^"]+)">\s*<h\d>([^<]+)</h\d>', text))
    for number in ("1 ", "1.1 ", "1.2 ", "2 ", "3 ", "4 ", "5 ", "6 ", "6.1 ", "6.2 ", "7 "):
        assert any(title.startswith(number) for title in sections.values()), number
    for item in range(1, 10):
        rid = f"AIA.AIV.{item}"
        row = re.search(rf'<tr id="req-aia-aiv-{item}"[^>]*>(.*?)</tr>', text, re.DOTALL)
        assert row is not None, rid
        placed = re.search(rf"<td><a href=\"#req-aia-aiv-{item}\">{re.escape(rid)}</a></td>", text)
        missing = re.search(rf'missing: {re.escape(rid)} .*?<a href="#req-aia-aiv-{item}">', text)
        assert placed or missing, rid
    # Without evidence the gaps are explicit, each pointing at its row in the matrix.
    assert text.count('class="missing"') > 100
    gspr_rows = re.findall(r'<tr id="gspr-mdr-ai-[^"]+"', text)
    assert len(gspr_rows) == sum(1 for r in load_catalog() if r.id.startswith("MDR.AI."))


def test_classification_rationale_and_declaration_draft(project: Path, tmp_path: Path) -> None:
    text = _html(project, tmp_path / "out")
    assert "IIb by Rule 11(a)" in text
    assert "MDCG 2019-11 Rev.1, section 3.3, Figure 1, step 1" in text
    assert "Class IIb, Annex VIII Rule 11(a)" in text  # declaration point MDR Annex IV 5
    assert "missing: MDR Annex IV 3: Basic UDI-DI" in text  # not assigned in the example
    assert "2028-08-02" in text


def test_rebuilding_without_changes_is_identical_and_check_passes(
    project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = _html(project, out)
    build_record = (out / "build.json").read_text()
    second = _html(project, out)
    assert first == second
    assert (out / "build.json").read_text() == build_record
    assert check_build(project, out).current
    result = runner.invoke(app, ["build", str(project), "--out", str(out), "--check"])
    assert result.exit_code == 0


def test_a_changed_input_makes_the_build_stale_and_starts_a_new_edition(
    project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _html(project, out)
    manifest = project / "techfile.yaml"
    manifest.write_text(manifest.read_text().replace("version: 1.0.0", "version: 1.0.1", 1))
    check = check_build(project, out)
    assert not check.current
    assert check.changed == ("manifest",)
    result = runner.invoke(app, ["build", str(project), "--out", str(out), "--check"])
    assert result.exit_code == 1
    text = _html(project, out)
    assert "changed inputs: manifest" in text
    assert check_build(project, out).current


def test_unknown_format_is_bad_input(project: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(project), "--out", str(tmp_path), "--format", "odt"])
    assert result.exit_code == 2
    assert "html,pdf,docx,xlsx" in result.output or "html, pdf, docx, xlsx" in result.output


def test_golden_html_of_the_example(
    project: Path, tmp_path: Path, golden: Callable[[str, str], None]
) -> None:
    golden("cardiorisk-technical-file.html", _html(project, tmp_path / "out"))
