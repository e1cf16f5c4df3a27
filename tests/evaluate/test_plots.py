"""Figures: the same report gives the same bytes, undefined cells are drawn, SVG inlines safely."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib as mpl
import pytest

from techfile.evaluate import Columns, EvaluationPlan, EvaluationReport, evaluate, read_table
from techfile.evaluate.plots import PlotFormat, drawings, figures, scoped_svg


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> EvaluationReport:
    lines = ["y,p,group"]
    for i in range(240):
        label = i % 3 == 0
        score = min(1.0, (0.35 if label else 0.05) + (i * 37 % 100) / 160)
        group = "tiny" if i < 12 else "--><b>bold</b>" if i % 2 else "large"
        lines.append(f"{int(label)},{score:.3f},{group}")
    path = tmp_path_factory.mktemp("plots") / "cases.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_table(path, Columns("y", score="p", groups=("group",)))
    return evaluate(table, EvaluationPlan(threshold=0.5), replicates=50)


@pytest.mark.parametrize("fmt", list(PlotFormat), ids=str)
def test_the_same_report_gives_the_same_bytes(report: EvaluationReport, fmt: PlotFormat) -> None:
    first = figures(report, fmt)
    assert set(first) == {
        "roc",
        "calibration",
        "forest-sensitivity",
        "forest-specificity",
        "forest-auroc",
    }
    # A user's matplotlib settings do not leak into the figures.
    with mpl.rc_context({"lines.linewidth": 7.0, "font.size": 20.0, "axes.facecolor": "red"}):
        second = figures(report, fmt)
    assert first == second
    signature = b"<svg" if fmt is PlotFormat.SVG else b"\x89PNG"
    assert all(signature in data[:400] for data in first.values())


def test_svg_carries_no_date_and_no_version(report: EvaluationReport) -> None:
    svg = figures(report)["roc"].decode()
    assert "<dc:date>" not in svg
    assert mpl.__version__ not in svg


def test_an_undefined_cell_is_drawn_as_such(report: EvaluationReport) -> None:
    forest = figures(report)["forest-sensitivity"].decode()
    # Text is drawn as glyph paths; matplotlib keeps each string as an XML comment.
    assert "<!-- undefined (n = 4 &lt; 10) -->" in forest
    assert "tiny (n = 12)" in forest


def test_inlined_svg_is_scoped_parses_and_keeps_user_text_inert(report: EvaluationReport) -> None:
    drawn = figures(report)
    one = scoped_svg(drawn["forest-auroc"], "a")
    two = scoped_svg(drawn["roc"], "b")
    for text, scope in ((one, "a"), (two, "b")):
        assert text.startswith("<svg ")
        ET.fromstring(text)  # noqa: S314  # our own SVG: well formed, no attribute twice
        ids = re.findall(r'\bid="([^"]+)"', text)
        assert ids
        assert all(i.startswith(f"{scope}-") for i in ids)
        assert all(ref[1:] in ids for ref in re.findall(r'href="(#[^"]+)"', text))
        assert "<style" not in text
        assert "style=" not in text
    assert "<b>" not in one  # a group named "--><b>bold</b>" stays text
    assert "bold" in one


def test_a_report_without_scores_draws_only_forest_plots(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("y,d,g\n" + "1,1,a\n0,0,a\n1,0,b\n0,0,b\n" * 10, encoding="utf-8")
    report = evaluate(read_table(path, Columns("y", prediction="d", groups=("g",))))
    assert set(figures(report)) == {"forest-sensitivity", "forest-specificity"}


def test_a_figure_drawn_once_is_saved_as_each_format_alone(report: EvaluationReport) -> None:
    both = drawings(report, (PlotFormat.SVG, PlotFormat.PNG))
    for fmt in PlotFormat:
        assert {name: saved[fmt] for name, saved in both.items()} == figures(report, fmt)
