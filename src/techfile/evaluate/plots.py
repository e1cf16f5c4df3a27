"""The figures of an evaluation: ROC curve, forest plots per subgroup, reliability diagram.

A public module of its own, not re-exported by `techfile.evaluate`: it loads matplotlib, which
takes a second or two, and only the commands that draw should pay for it.

Every figure is drawn from an `EvaluationReport` alone (never from the cases), so the
technical file redraws from the evidence record exactly what ``techfile evaluate --out`` wrote.

Rules enforced:

* the same report gives the same bytes: matplotlib's default style whatever the user's
  ``matplotlibrc``, a fixed ``svg.hashsalt`` for the SVG ids, glyphs as paths (no font lookup),
  and no date or version in the metadata; no pyplot and no global backend, so importing
  techfile changes nothing in the caller's matplotlib;
* a cell whose metric is undefined is drawn as text, ``undefined (n = 7 < 10)``, at its row of
  the forest plot, never left out;
* the ROC band and the error bars are the intervals of the report, at its confidence level.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Final

import matplotlib as mpl
import matplotlib.style
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from techfile.evaluate._criteria import Limit
from techfile.evaluate._format import describe
from techfile.evaluate._metric import Metric, MetricName
from techfile.evaluate._report import EvaluationReport
from techfile.evaluate._subgroups import Population

__all__ = ["FOREST_METRICS", "FOREST_ROWS", "PlotFormat", "drawings", "figures", "scoped_svg"]

FOREST_METRICS: Final = (MetricName.SENSITIVITY, MetricName.SPECIFICITY, MetricName.AUROC)
"""The metrics drawn per subgroup, where the evaluation computes them."""
FOREST_ROWS: Final = 40
"""Most rows of a forest plot; the tables of the report list every cell."""
_RC: Final[dict[str, object]] = {
    "svg.hashsalt": "techfile",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 8.0,
    "axes.titlesize": 9.0,
}
_BLUE, _GREY, _RED = "#1f5fa8", "#777777", "#b22222"


class PlotFormat(StrEnum):
    """File formats of the figures."""

    SVG = "svg"
    PNG = "png"


@contextmanager
def _style() -> Iterator[None]:
    with matplotlib.style.context("default"), mpl.rc_context(_RC):  # type: ignore[arg-type]  # rc keys are typed as literals; these are valid keys
        yield


def _save(figure: Figure, fmt: PlotFormat) -> bytes:
    buffer = io.BytesIO()
    match fmt:
        case PlotFormat.SVG:
            metadata: dict[str, str | None] = {"Date": None, "Creator": "techfile"}
        case PlotFormat.PNG:
            metadata = {"Software": "techfile"}
    figure.savefig(buffer, format=fmt.value, metadata=metadata, dpi=150)
    return buffer.getvalue()


def figures(report: EvaluationReport, fmt: PlotFormat = PlotFormat.SVG) -> dict[str, bytes]:
    """Draw every figure the report has data for.

    Returns:
        File stem -> bytes: ``roc``, ``calibration``, ``forest-<metric>``.
    """
    drawn: dict[str, bytes] = {}
    with _style():
        if report.roc is not None:
            drawn["roc"] = _save(_roc(report), fmt)
        if report.reliability is not None:
            drawn["calibration"] = _save(_calibration(report), fmt)
        for metric in FOREST_METRICS:
            if report.overall.metric(metric) is not None and report.groupings:
                drawn[f"forest-{metric.value}"] = _save(_forest(report, metric), fmt)
    return drawn


def drawings(
    report: EvaluationReport, formats: tuple[PlotFormat, ...]
) -> dict[str, dict[PlotFormat, bytes]]:
    """Draw every figure the report has data for in each format, as `figures` draws it.

    Each format is drawn afresh: matplotlib's constrained layout, run again on a figure
    already saved, places it slightly differently (and saving, not drawing, takes the time).

    Returns:
        File stem (as `figures`) -> format -> bytes.
    """
    drawn = {fmt: figures(report, fmt) for fmt in formats}
    names = next(iter(drawn.values()), {})
    return {name: {fmt: drawn[fmt][name] for fmt in formats} for name in names}


def _roc(report: EvaluationReport) -> Figure:
    roc = report.roc
    assert roc is not None  # noqa: S101  # drawn only with a curve
    figure = Figure(figsize=(4.2, 4.2), layout="constrained")
    ax = figure.add_subplot()
    level = f"{roc.level:.0%}"
    ax.fill_between(
        roc.fpr, roc.tpr_lower, roc.tpr_upper, step="post", color=_BLUE, alpha=0.2, lw=0
    )
    ax.step(roc.fpr, roc.tpr, where="post", color=_BLUE, lw=1.5, label="ROC curve")
    ax.plot([0, 1], [0, 1], ls="--", color=_GREY, lw=0.8, label="chance")
    counts = report.overall.counts
    if counts is not None and counts.positives and counts.negatives:
        ax.plot(
            counts.fp / counts.negatives,
            counts.tp / counts.positives,
            "o",
            color=_RED,
            label="operating point",
        )
    area = describe(report.overall.metric(MetricName.AUROC), report.settings.min_n)
    ax.set_title(f"ROC curve, AUROC {area}\nband: pointwise {level} Wilson interval of TPR")
    ax.set(xlabel="1 - specificity (false positive rate)", ylabel="sensitivity (TPR)")
    ax.set(xlim=(0, 1), ylim=(0, 1.01), aspect="equal")
    ax.legend(loc="lower right", frameon=False)
    return figure


def _calibration(report: EvaluationReport) -> Figure:
    reliability = report.reliability
    assert reliability is not None  # noqa: S101  # drawn only with bins
    figure = Figure(figsize=(4.2, 4.2), layout="constrained")
    ax = figure.add_subplot()
    ax.plot([0, 1], [0, 1], ls="--", color=_GREY, lw=0.8, label="perfect calibration")
    filled = [b for b in reliability.bins if b.n and b.mean_predicted is not None]
    xs = [b.mean_predicted or 0.0 for b in filled]
    ys = [b.positives / b.n for b in filled]
    below = [y - (b.observed_lower or y) for b, y in zip(filled, ys, strict=True)]
    above = [(b.observed_upper or y) - y for b, y in zip(filled, ys, strict=True)]
    ax.errorbar(xs, ys, yerr=[below, above], fmt="o", color=_BLUE, ms=4, capsize=2, label="bins")
    for x, y, b in zip(xs, ys, filled, strict=True):
        ax.annotate(f"{b.n}", (x, y), textcoords="offset points", xytext=(4, -9), fontsize=6)
    min_n = report.settings.min_n
    slope = describe(report.overall.metric(MetricName.CALIBRATION_SLOPE), min_n)
    intercept = describe(report.overall.metric(MetricName.CALIBRATION_INTERCEPT), min_n)
    ece = "undefined" if reliability.ece is None else f"{reliability.ece:.3f}"
    ax.text(
        0.02,
        0.98,
        f"slope {slope}\nintercept {intercept}\nECE {ece}",
        transform=ax.transAxes,
        va="top",
        fontsize=7,
    )
    ax.set_title("Reliability diagram (bins of equal width; n per bin)")
    ax.set(xlabel="mean predicted probability", ylabel="observed share of positives")
    ax.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.05), aspect="equal")
    ax.legend(loc="lower right", frameon=False)
    return figure


def _forest_rows(report: EvaluationReport) -> list[Population]:
    rows = [report.overall]
    few_columns = len(report.table.columns.groups) <= 2  # noqa: PLR2004  # intersection readable
    for grouping in report.groupings:
        if len(grouping.columns) == 1 or few_columns:
            rows += grouping.populations
    return rows


def _forest(report: EvaluationReport, metric: MetricName) -> Figure:
    rows = _forest_rows(report)
    shown = rows[:FOREST_ROWS]
    figure = Figure(figsize=(6.4, 0.9 + 0.24 * len(shown)), layout="constrained")
    ax: Axes = figure.add_subplot()
    min_n = report.settings.min_n
    for y, cell in enumerate(shown):
        result = cell.metric(metric)
        if isinstance(result, Metric):
            ax.plot([result.interval.lower, result.interval.upper], [y, y], color=_BLUE, lw=1.2)
            ax.plot(result.estimate, y, "s", color=_BLUE, ms=4 if cell.columns else 6)
        else:
            ax.text(0.01, y, describe(result, min_n), va="center", fontsize=7, color=_RED)
    overall = report.overall.metric(metric)
    if isinstance(overall, Metric):
        ax.axvline(overall.estimate, color=_GREY, ls="--", lw=0.8)
    for verdict in report.criteria:
        criterion = verdict.criterion
        if criterion.metric is metric and criterion.limit is Limit.AT_LEAST:
            ax.axvline(criterion.value, color=_RED, ls=":", lw=1.0)
    ax.set_yticks(range(len(shown)), [f"{c.label} (n = {c.n})" for c in shown])
    ax.set_ylim(len(shown) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    level = f"{report.settings.confidence_level:.0%}"
    more = f"; first {FOREST_ROWS} of {len(rows)} rows" if len(rows) > FOREST_ROWS else ""
    ax.set_title(f"{metric.value} by subgroup with {level} intervals{more}")
    ax.set_xlabel(f"{metric.value} (dashed: all cases; dotted: acceptance criteria)")
    return figure


_ID = re.compile(r'\bid="([^"]+)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL)
_STYLE_ATTRIBUTE = re.compile(r'\bstyle="([^"]*)"')


def _attributes(declarations: str) -> str:
    """CSS declarations as SVG presentation attributes: ``fill: none`` -> ``fill="none"``."""
    pairs = (d.split(":", 1) for d in declarations.split(";") if ":" in d)
    return " ".join(f'{name.strip()}="{value.strip()}"' for name, value in pairs)


def scoped_svg(svg: bytes, scope: str) -> str:
    """Return SVG markup to inline in HTML: no XML prolog, no CSS, ids prefixed with ``scope``.

    Two figures inlined in one page would otherwise share matplotlib's ids (``figure_1``,
    glyph and clip-path ids) and point at each other's definitions. matplotlib writes its
    styles as CSS (a ``<style>`` element, whose ``*`` rule would style the whole page, and
    ``style`` attributes, which HTML-to-PDF layout reads as page CSS and warns about); they
    become SVG presentation attributes, which mean the same to every SVG renderer.
    """
    text = svg.decode("utf-8")
    text = text[text.index("<svg") :]
    defaults = "".join(_STYLE_ELEMENT.findall(text)).replace("*{", "").replace("}", "")
    text = _STYLE_ELEMENT.sub("", text)
    text = text.replace("<svg ", f"<svg {_attributes(defaults)} ", 1)
    text = _STYLE_ATTRIBUTE.sub(lambda m: _attributes(m.group(1)), text)
    ids = set(_ID.findall(text))

    def scoped(match: re.Match[str]) -> str:
        name = match.group(2)
        return f"{match.group(1)}{scope}-{name}" if name in ids else match.group(0)

    text = re.sub(r'(\bid=")([^"]+)', scoped, text)
    text = re.sub(r'(xlink:href="#)([^"]+)', scoped, text)
    return re.sub(r"(url\(#)([^)]+)", scoped, text)
