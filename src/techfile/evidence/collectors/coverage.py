"""The Cobertura collector: line and branch coverage against the project's threshold.

Reads Cobertura XML as written by coverage.py (``coverage xml``), gcovr, coverlet and the
Cobertura tool itself.

Rules enforced:

- the line rate compared with the threshold is the exact ratio ``lines-covered / lines-valid``
  where the report gives both (coverage.py rounds ``line-rate`` to four digits, so 79 996 of
  100 000 lines would read "0.8" and pass an 80 % gate), else ``line-rate``;
- a ``line-rate`` that contradicts those counts by more than rounding is refused, as is a
  report that measured no lines;
- the threshold is compared as written (``0.8`` means 4/5, not the binary float just above it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from xml.etree.ElementTree import Element

from techfile.catalog import EvidenceKind
from techfile.evidence.collectors._artefact import read_artefact
from techfile.evidence.collectors._options import check_names, option_error, optional_number
from techfile.evidence.collectors._xml import XmlDocument, parse_xml
from techfile.evidence.collectors.interface import Draft, Outcome

__all__ = ["CoberturaCollector"]

_OPTIONS = ("threshold",)
_PACKAGES_LIMIT = 5000
"""Most packages listed in the details."""
_RATE_TOLERANCE = Fraction(1, 100)
"""How far ``line-rate`` may stray from the counts (tools round it to 2 to 4 digits)."""


class CoberturaCollector:
    """Collects Cobertura XML coverage reports.

    Options: ``threshold``, the least line rate that passes (a number from 0 to 1, default 0).
    """

    # See JUnitCollector: ``kind`` stays a class attribute to match the Collector protocol.
    __slots__ = ()
    kind: EvidenceKind = EvidenceKind.COVERAGE

    def collect(self, path: Path, *, root: Path, options: Mapping[str, object]) -> Draft:
        """Read a Cobertura report and compare its line coverage with the threshold.

        Args:
            path: The report.
            root: The project root (the subject is named relative to it).
            options: ``threshold`` (optional, 0 to 1).

        Returns:
            PASS if the line rate reaches the threshold, else FAIL.

        Raises:
            EvidenceInputError: The report is unreadable, not well-formed XML, not Cobertura,
                inconsistent or empty, or an option is wrong.
        """
        check_names(options, _OPTIONS, path)
        threshold = _threshold(options, path)
        subject, data = read_artefact(path, root)
        xml = parse_xml(data, path)
        top = xml.root
        if top.tag != "coverage":
            raise xml.error(
                top,
                "not a Cobertura coverage report",
                field="root element",
                expected="<coverage>",
                found=f"<{top.tag}>",
                hint="write the report with `coverage xml` (or your tool's Cobertura output)",
            )
        lines = _counts(xml, top, "lines")
        branches = _counts(xml, top, "branches")
        line_rate = _line_rate(xml, top, lines)
        outcome = Outcome.PASS if line_rate >= threshold else Outcome.FAIL
        details: dict[str, object] = {
            "line_rate": float(line_rate),
            "lines_valid": lines[0] if lines else None,
            "lines_covered": lines[1] if lines else None,
            "branch_rate": _as_float(_rate(xml, top, "branch-rate")),
            "branches_valid": branches[0] if branches else None,
            "branches_covered": branches[1] if branches else None,
            "threshold": float(threshold),
            "tool_version": top.get("version"),
            **_packages(xml, top),
        }
        return Draft(
            kind=self.kind,
            subjects=(subject,),
            outcome=outcome,
            summary=f"line coverage {_percent(line_rate)} % "
            f"(threshold {float(threshold * 100):g} %)",
            details=details,
        )


def _threshold(options: Mapping[str, object], path: Path) -> Fraction:
    value = optional_number(options, "threshold", path)
    if value is None:
        return Fraction(0)
    if not 0 <= value <= 1:
        raise option_error(path, "threshold", "a number from 0 to 1", options["threshold"])
    # str() gives the shortest decimal that reads back as this float: what the user wrote.
    return Fraction(str(value))


def _rate(xml: XmlDocument, element: Element, name: str) -> Fraction | None:
    """Return the rate attribute ``name`` exactly as written, or None if it is absent."""
    text = element.get(name)
    if text is None:
        return None
    try:
        rate = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        rate = Fraction(-1)
    if not 0 <= rate <= 1:
        raise xml.error(
            element,
            "a coverage rate is not a fraction",
            field=name,
            expected="a number from 0 to 1",
            found=repr(text),
        )
    return rate


def _counts(xml: XmlDocument, element: Element, what: str) -> tuple[int, int] | None:
    """Return (valid, covered) for ``lines`` or ``branches``, or None if not given."""
    valid_name, covered_name = f"{what}-valid", f"{what}-covered"
    texts = (element.get(valid_name), element.get(covered_name))
    if texts == (None, None):
        return None
    values: list[int] = []
    for name, text in zip((valid_name, covered_name), texts, strict=True):
        if text is None or not (text.isascii() and text.strip().isdigit()):
            raise xml.error(
                element,
                "a coverage count is missing or malformed",
                field=name,
                expected="a whole number",
                found=repr(text) if text is not None else "nothing",
            )
        values.append(int(text))
    valid, covered = values
    if covered > valid:
        raise xml.error(
            element,
            f"more {what} covered than measured",
            field=covered_name,
            expected=f"at most {valid}",
            found=str(covered),
        )
    return valid, covered


def _line_rate(xml: XmlDocument, top: Element, lines: tuple[int, int] | None) -> Fraction:
    """Return the line rate to judge: the exact ratio of the counts where they are given."""
    rate = _rate(xml, top, "line-rate")
    if rate is None:
        raise xml.error(top, "the line rate is missing", field="line-rate")
    if lines is None:
        return rate
    valid, covered = lines
    if valid == 0:
        raise xml.error(
            top,
            "the report measured no lines",
            field="lines-valid",
            hint="check the coverage run's source settings: nothing was measured",
        )
    ratio = Fraction(covered, valid)
    if abs(ratio - rate) > _RATE_TOLERANCE:
        raise xml.error(
            top,
            "line-rate contradicts lines-covered / lines-valid",
            field="line-rate",
            expected=f"about {float(ratio):.4f}",
            found=repr(top.get("line-rate")),
        )
    return ratio


def _packages(xml: XmlDocument, top: Element) -> dict[str, object]:
    packages = top.findall("packages/package")
    listed = [
        {
            "name": package.get("name", ""),
            "line_rate": _as_float(_rate(xml, package, "line-rate")),
            "branch_rate": _as_float(_rate(xml, package, "branch-rate")),
        }
        for package in packages[:_PACKAGES_LIMIT]
    ]
    found: dict[str, object] = {"packages": listed}
    if len(packages) > _PACKAGES_LIMIT:
        found["packages_truncated"] = True
    return found


def _as_float(rate: Fraction | None) -> float | None:
    return None if rate is None else float(rate)


def _percent(rate: Fraction) -> str:
    """Format a rate as a percentage rounded down, so 99.99 % never reads as 100.0 %."""
    tenths = math.floor(rate * 1000)
    return f"{tenths // 10}.{tenths % 10}"
