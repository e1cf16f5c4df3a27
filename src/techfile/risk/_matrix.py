"""The risk matrix before and after controls, drawn as SVG with matplotlib.

Each cell of the policy's acceptability matrix (severity up, probability across) is coloured by
its region and shows how many risks sit in it and which. The SVG bytes depend on the risk file
only: matplotlib's object API (no pyplot state, no interactive backend), a fixed
``svg.hashsalt`` for element ids, text kept as text (``svg.fonttype: none``, so no font
outlines from the host) and no date or version in the metadata.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from techfile.project import atomic_write_bytes
from techfile.risk._file import Evaluation, RiskFile
from techfile.risk._model import Region

__all__ = ["matrix_svg", "write_matrices"]

_FILL = {Region.ACCEPTABLE: "#c8e6c9", Region.UNACCEPTABLE: "#ffcdd2"}
_METADATA = {"Date": None, "Creator": "techfile", "Format": None, "Type": None}
_IDS_SHOWN = 3


def matrix_svg(risk_file: RiskFile, *, residual: bool) -> bytes:
    """The matrix of the initial (``residual=False``) or residual risks, as SVG bytes."""
    severities = risk_file.severity_levels
    probabilities = risk_file.probability_levels
    matrix = risk_file.model.policy.acceptability
    cells: dict[tuple[str, str], list[str]] = {}
    for risk in risk_file.model.risks:
        e: Evaluation = risk_file.residual(risk) if residual else risk_file.initial(risk)
        cells.setdefault((e.severity, e.probability), []).append(risk.id)
    with mpl.rc_context(
        {"svg.hashsalt": "techfile-risk-matrix", "svg.fonttype": "none", "font.size": 8.0}
    ):
        figure = Figure(figsize=(1.5 * len(probabilities) + 1.8, 0.9 * len(severities) + 1.2))
        axes = figure.add_subplot()
        for row, severity in enumerate(severities):
            for column, probability in enumerate(probabilities):
                region = matrix[severity][probability]
                axes.add_patch(
                    Rectangle((column, row), 1, 1, facecolor=_FILL[region], edgecolor="#607d8b")
                )
                ids = cells.get((severity, probability), [])
                if ids:
                    more = len(ids) - _IDS_SHOWN
                    shown = "\n".join(ids[:_IDS_SHOWN]) + (f"\n+{more} more" if more > 0 else "")
                    axes.text(
                        column + 0.5,
                        row + 0.8,
                        str(len(ids)),
                        ha="center",
                        va="center",
                        fontsize=11,
                        fontweight="bold",
                    )
                    axes.text(
                        column + 0.5,
                        row + 0.4,
                        shown,
                        ha="center",
                        va="center",
                        fontsize=6,
                    )
        axes.set_xlim(0, len(probabilities))
        axes.set_ylim(0, len(severities))
        axes.set_xticks([i + 0.5 for i in range(len(probabilities))], list(probabilities))
        axes.set_yticks([i + 0.5 for i in range(len(severities))], list(severities))
        axes.set_xlabel("probability")
        axes.set_ylabel("severity")
        stage = "after controls (residual)" if residual else "before controls (initial)"
        axes.set_title(f"Risk matrix {stage}: {len(risk_file.model.risks)} risks")
        axes.tick_params(length=0)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata=_METADATA)
    return buffer.getvalue()


def write_matrices(risk_file: RiskFile, folder: Path) -> tuple[Path, Path]:
    """Write ``risk-matrix-initial.svg`` and ``risk-matrix-residual.svg`` atomically."""
    paths = (folder / "risk-matrix-initial.svg", folder / "risk-matrix-residual.svg")
    for path, residual in zip(paths, (False, True), strict=True):
        atomic_write_bytes(path, matrix_svg(risk_file, residual=residual))
    return paths
