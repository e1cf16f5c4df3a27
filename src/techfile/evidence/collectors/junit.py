"""The JUnit XML collector: test results, and the requirements each test case verifies.

Reads the JUnit XML dialects in use: pytest's ``--junitxml`` (xunit1, xunit2 and legacy),
Maven Surefire and go-junit-report, with a ``<testsuites>`` or a bare ``<testsuite>`` root and
suites nested to any depth.

Rules enforced:

- counts come from the ``<testcase>`` elements, never from the suites' ``tests``/``failures``
  attributes (tools disagree on them, and a hand-edited attribute must not turn a failure into a
  pass); a disagreement is logged;
- each case has exactly one status, the worst it records: error, then failure, then skipped,
  else passed (Surefire's ``flakyFailure``/``rerunFailure`` do not count: the case's own
  ``<failure>`` says whether it failed in the end);
- a report without test cases is malformed: it proves nothing;
- a case verifies the requirements named by ``requirement``/``requirements`` properties (its own
  or its enclosing suites') and by ids in brackets in its name or classname; a property value
  that is not a requirement id is an error, so a typo never silently drops a link;
- a requirement fails if any linked case failed or errored, passes if a linked case passed and
  none failed, and has no outcome if every linked case was skipped.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from xml.etree.ElementTree import Element

from techfile.catalog import EvidenceKind
from techfile.evidence.collectors._artefact import read_artefact
from techfile.evidence.collectors._links import ids_in_brackets, split_id_list
from techfile.evidence.collectors._options import check_names
from techfile.evidence.collectors._xml import XmlDocument, parse_xml
from techfile.evidence.collectors.interface import Draft, Outcome

__all__ = ["JUnitCollector"]

_log = logging.getLogger(__name__)

_CASES_LIMIT = 5000
"""Most cases listed in the details; the counts always cover every case."""
_LINK_PROPERTIES = frozenset({"requirement", "requirements"})


class _Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"


_SHOWN_OUTCOME = {
    _Status.PASSED: "pass",
    _Status.FAILED: "fail",
    _Status.ERROR: "fail",
    _Status.SKIPPED: "skipped",
}


@dataclass(frozen=True, slots=True)
class _Case:
    name: str
    classname: str
    status: _Status
    seconds: float
    requirements: tuple[str, ...]


class JUnitCollector:
    """Collects JUnit XML test reports (pytest, Maven Surefire, go-junit-report).

    Options: none.
    """

    # A class attribute, not a frozen field: the Collector protocol declares ``kind`` as a
    # plain attribute, and empty slots still make it read-only on instances at run time.
    __slots__ = ()
    kind: EvidenceKind = EvidenceKind.JUNIT

    def collect(self, path: Path, *, root: Path, options: Mapping[str, object]) -> Draft:
        """Read a JUnit XML report and link its test cases to requirements.

        Args:
            path: The report.
            root: The project root (the subject is named relative to it).
            options: Must be empty: this collector has no settings.

        Returns:
            PASS if no case failed or errored, else FAIL, with per-requirement outcomes.

        Raises:
            EvidenceInputError: The report is unreadable, not well-formed XML, not JUnit, has
                no test cases, or links to something that is not a requirement id.
        """
        check_names(options, (), path)
        subject, data = read_artefact(path, root)
        xml = parse_xml(data, path)
        if xml.root.tag not in {"testsuites", "testsuite"}:
            raise xml.error(
                xml.root,
                "not a JUnit XML report",
                field="root element",
                expected="<testsuites> or <testsuite>",
                found=f"<{xml.root.tag}>",
            )
        suites: list[str] = []
        cases = [_case(xml, element, linked) for element, linked in _walk(xml, suites)]
        if not cases:
            raise xml.error(
                xml.root,
                "the report holds no test cases",
                hint="a run that collected no tests proves nothing; check the test selection",
            )
        counts = Counter(c.status for c in cases)
        _compare_declared(xml, counts)
        failed = counts[_Status.FAILED] + counts[_Status.ERROR]
        return Draft(
            kind=self.kind,
            subjects=(subject,),
            outcome=Outcome.FAIL if failed else Outcome.PASS,
            summary=_summary(counts),
            details=_details(cases, counts, suites),
            requirement_ids=tuple(sorted({r for c in cases for r in c.requirements})),
            requirement_outcomes=_requirement_outcomes(cases),
        )


def _walk(xml: XmlDocument, suites: list[str]) -> Iterator[tuple[Element, tuple[str, ...]]]:
    """Yield each test case with the ids its enclosing suites link, in document order.

    Appends each suite's name to ``suites`` on the way. Iterative, so that a report nesting
    suites thousands deep cannot exhaust the stack.
    """
    if xml.root.tag == "testsuite":
        suites.append(xml.root.get("name", ""))
    stack = [(iter(xml.root), _property_ids(xml, xml.root))]
    while stack:
        children, linked = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
        elif child.tag == "testsuite":
            suites.append(child.get("name", ""))
            stack.append((iter(child), linked + _property_ids(xml, child)))
        elif child.tag == "testcase":
            yield child, linked


def _property_ids(xml: XmlDocument, element: Element) -> tuple[str, ...]:
    """Return the requirement ids linked by ``element``'s own ``<properties>``."""
    found: list[str] = []
    for prop in element.iterfind("properties/property"):
        name = prop.get("name")
        if name not in _LINK_PROPERTIES:
            continue
        value = prop.get("value")
        if value is None:  # a few writers put the value in the element text
            value = prop.text or ""
        ids, bad = split_id_list(value)
        if bad or not ids:
            raise xml.error(
                prop,
                "a requirement link is not a list of requirement ids",
                field=f"property {name}",
                expected="ids such as MDR.AI.17.2, separated by spaces or commas",
                found=repr(value),
            )
        found.extend(ids)
    return tuple(found)


def _case(xml: XmlDocument, element: Element, linked: tuple[str, ...]) -> _Case:
    """Read one ``<testcase>``: its status, duration and linked requirements."""
    name = element.get("name")
    if not name:
        raise xml.error(element, "a test case has no name", field="name")
    classname = element.get("classname", "")
    tags = {child.tag for child in element}
    if "error" in tags:
        status = _Status.ERROR
    elif "failure" in tags:
        status = _Status.FAILED
    elif "skipped" in tags:
        status = _Status.SKIPPED
    else:
        status = _Status.PASSED
    ids = {*linked, *_property_ids(xml, element), *ids_in_brackets(classname)}
    ids.update(ids_in_brackets(name))
    return _Case(name, classname, status, _seconds(xml, element), tuple(sorted(ids)))


def _seconds(xml: XmlDocument, element: Element) -> float:
    text = element.get("time")
    if text is None:
        return 0.0
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise xml.error(
            element,
            "a test case has a bad duration",
            field="time",
            expected="a number of seconds",
            found=repr(text),
        )
    return seconds


def _compare_declared(xml: XmlDocument, counts: Counter[_Status]) -> None:
    """Log when the outermost suites' count attributes disagree with the counted cases."""
    tops = [xml.root] if xml.root.tag == "testsuite" else xml.root.findall("testsuite")
    counted = {
        "tests": counts.total(),
        "failures": counts[_Status.FAILED],
        "errors": counts[_Status.ERROR],
        "skipped": counts[_Status.SKIPPED],
    }
    for attribute, number in counted.items():
        values = [suite.get(attribute, "") for suite in tops]
        if not all(v.isascii() and v.isdigit() for v in values):
            continue  # not declared by every suite: nothing to compare
        declared = sum(int(v) for v in values)
        if declared != number:
            _log.warning(
                "%s: the report declares %s=%d but its test cases count %d; "
                "the test cases are trusted",
                xml.path,
                attribute,
                declared,
                number,
            )


def _requirement_outcomes(cases: list[_Case]) -> dict[str, Outcome]:
    outcomes: dict[str, Outcome] = {}
    for case in cases:
        if case.status is _Status.SKIPPED:
            continue
        outcome = Outcome.PASS if case.status is _Status.PASSED else Outcome.FAIL
        for rid in case.requirements:
            if outcomes.get(rid) is not Outcome.FAIL:
                outcomes[rid] = outcome
    return dict(sorted(outcomes.items()))


def _summary(counts: Counter[_Status]) -> str:
    parts = [f"{counts[_Status.PASSED]} passed", f"{counts[_Status.FAILED]} failed"]
    if errors := counts[_Status.ERROR]:
        parts.append(f"{errors} error" + ("s" if errors != 1 else ""))
    parts.append(f"{counts[_Status.SKIPPED]} skipped")
    tests = counts.total()
    return f"{tests} test{'s' if tests != 1 else ''}: {', '.join(parts)}"


def _details(cases: list[_Case], counts: Counter[_Status], suites: list[str]) -> dict[str, object]:
    details: dict[str, object] = {
        "tests": counts.total(),
        "failures": counts[_Status.FAILED],
        "errors": counts[_Status.ERROR],
        "skipped": counts[_Status.SKIPPED],
        "time_seconds": round(math.fsum(c.seconds for c in cases), 6),
        "suites": suites,
        "cases": [
            {
                "name": c.name,
                "classname": c.classname,
                "outcome": _SHOWN_OUTCOME[c.status],
                "requirements": list(c.requirements),
            }
            for c in cases[:_CASES_LIMIT]
        ],
    }
    if len(cases) > _CASES_LIMIT:
        details["cases_truncated"] = True
    return details
