"""Metrics as short text, the same in the terminal, the plots and the technical file.

An estimate reads ``0.852 (0.781 to 0.903)``: three decimals and its interval. A metric without
an estimate reads ``undefined (n = 7 < 10)`` when its denominator is below the minimum, and
``undefined (<reason>)`` otherwise, so a reader never mistakes a missing figure for a small one.
"""

from __future__ import annotations

from techfile.evaluate._metric import Metric, MetricResult, UndefinedReason

__all__ = ["describe", "estimate_text", "interval_text"]


def estimate_text(value: float) -> str:
    """A number as shown in tables: three decimals."""
    return f"{value:.3f}"


def interval_text(result: Metric) -> str:
    """The interval of an estimate, ``0.781 to 0.903`` (a dash would blur negative limits)."""
    return f"{estimate_text(result.interval.lower)} to {estimate_text(result.interval.upper)}"


def describe(result: MetricResult | None, min_n: int) -> str:
    """The estimate with its interval, or why there is none (``""`` if not computed)."""
    if result is None:
        return ""
    if isinstance(result, Metric):
        return f"{estimate_text(result.estimate)} ({interval_text(result)})"
    if result.reason is UndefinedReason.TOO_FEW:
        return f"undefined (n = {result.n} < {min_n})"
    return f"undefined ({result.detail})"
