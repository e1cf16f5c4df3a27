"""The evaluation as evidence: a signed record of kind ``evaluation`` for the technical file.

The record's subject is the table of cases itself, pinned by SHA-256, so the evidence goes stale
as soon as the data change, and no hand-edited report can turn a failed criterion into a pass.
Its details are the published report (``techfile schema evaluation``), from which the
technical file redraws every table and figure.

Outcome: PASS when every acceptance criterion passed, FAIL when one failed or could not be
assessed, INFO when the plan sets no criteria (a report of figures, not a check).

It links only what the evaluation shows (STYLE C5), each with its own outcome:

* AI Act Art 9(8), testing against prior-defined metrics and thresholds: only when the plan
  sets acceptance criteria, with their outcome;
* Art 15(1), appropriate accuracy: the criteria's outcome, or INFO without criteria;
* Art 15(3) (accuracy metrics to declare) and Annex IV 2(g) (validation metrics and dated,
  signed test reports): INFO, the figures themselves;
* Annex IV 3 and Art 13(3)(b)(v) (performance for specific persons or groups) and Art
  10(2)(f) (examination for possible biases): INFO, only when subgroups were evaluated.
"""

from __future__ import annotations

from typing import Final

from techfile.catalog import EvidenceKind
from techfile.errors import InputError
from techfile.evaluate._format import describe
from techfile.evaluate._json import report_json
from techfile.evaluate._metric import MetricName
from techfile.evaluate._report import EvaluationReport
from techfile.evidence import Draft, Outcome, Subject

__all__ = ["evidence_draft", "requirement_outcomes", "summary_line"]

_ALWAYS: Final = ("AIA.15.3", "AIA.AIV.2.g")
_WITH_GROUPS: Final = ("AIA.10.2.f", "AIA.13.3.b.v", "AIA.AIV.3")
_HEADLINE: Final = (MetricName.AUROC, MetricName.SENSITIVITY, MetricName.SPECIFICITY)


def _outcome(report: EvaluationReport) -> Outcome:
    if not report.criteria:
        return Outcome.INFO
    return Outcome.FAIL if report.failed else Outcome.PASS


def requirement_outcomes(report: EvaluationReport) -> dict[str, Outcome]:
    """The requirements the evaluation gives evidence for, each with its outcome."""
    outcome = _outcome(report)
    found = dict.fromkeys(_ALWAYS, Outcome.INFO)
    found["AIA.15.1"] = outcome
    if report.criteria:
        found["AIA.9.8"] = outcome
    if report.groupings:
        found.update(dict.fromkeys(_WITH_GROUPS, Outcome.INFO))
    return dict(sorted(found.items()))


def summary_line(report: EvaluationReport) -> str:
    """One line for people: the data, the headline metrics and the criteria."""
    min_n = report.settings.min_n
    parts = [f"{report.table.path}: {report.table.rows} cases"]
    for name in _HEADLINE:
        result = report.overall.metric(name)
        if result is not None:
            parts.append(f"{name.value} {describe(result, min_n)}")
    if report.settings.threshold is not None:
        parts.append(f"threshold {report.settings.threshold:g}")
    if report.criteria:
        passed = len(report.criteria) - len(report.failed)
        parts.append(f"{passed} of {len(report.criteria)} acceptance criteria passed")
    return "; ".join(parts)


def evidence_draft(report: EvaluationReport, subject: Subject) -> Draft:
    """The evidence draft of an evaluation.

    Args:
        report: The evaluation, named after the subject (``source``).
        subject: The table of cases, pinned by digest (named relative to the project root).

    Raises:
        InputError: The subject's digest is not that of the evaluated bytes (the file changed
            while it was being evaluated).
    """
    if subject.sha256 != report.table.sha256:
        msg = f"{subject.name}: the table changed while it was being evaluated; evaluate it again"
        raise InputError(msg)
    outcomes = requirement_outcomes(report)
    return Draft(
        kind=EvidenceKind.EVALUATION,
        subjects=(subject,),
        outcome=_outcome(report),
        summary=summary_line(report),
        details=report_json(report),
        requirement_ids=tuple(outcomes),
        requirement_outcomes=outcomes,
    )
