"""A finding: something the profile found in valid data, weighed and tied to the law.

Findings are results, not exceptions (STYLE D4). Each carries the severity and the
requirements of its kind from the data file, so the CLI exit code, the evidence record and
the technical file all read the same weight and the same citations.
"""

from __future__ import annotations

from dataclasses import dataclass

from techfile.datagov._rules import Check, FindingKind, Rules, Severity

__all__ = ["Finding", "make_finding"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in the data."""

    kind: FindingKind
    """What it is about."""
    severity: Severity
    """Its weight (from the data file)."""
    check: Check
    """The check that found it."""
    subject: str
    """Where: a column, a group level, a split (e.g. ``sex=female (test)``)."""
    message: str
    """What was found, with the figures behind it."""
    requirements: tuple[str, ...]
    """The AI Act points it leaves open (catalog ids)."""


def make_finding(rules: Rules, kind: FindingKind, subject: str, message: str) -> Finding:
    """A finding of ``kind``, weighed and linked as the data file says."""
    rule = rules.findings[kind]
    return Finding(kind, rule.severity, rule.check, subject, message, rule.requirements)
