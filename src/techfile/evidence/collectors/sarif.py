"""The SARIF collector: static-analysis findings (bandit, semgrep, ruff, CodeQL ...) by level.

Reads SARIF 2.1.0 logs (OASIS SARIF v2.1.0, Errata 01). Only as much structure is checked as
this collector relies on: the version, the runs, each run's tool, and each result's level and
rule reference; everything else a tool adds is left alone.

Rules enforced:

- a result's level follows §3.27.10: its own ``level``; else "none" if its ``kind`` is present
  and not "fail"; else its rule's ``defaultConfiguration.level``; else "warning". Run-level
  ``ruleConfigurationOverrides`` are not applied;
- suppressed results (``suppressions`` all ``accepted`` or without ``status``) and results whose
  ``baselineState`` is "absent" (fixed since the baseline) are not findings: they are counted
  apart;
- the outcome is FAIL if a finding reaches the ``fail_on`` level, and also if a run did not
  complete (``run.results`` absent, which SARIF distinguishes from an empty list: no results
  were computed; or an invocation whose ``executionSuccessful`` is false, §3.20.14): an
  analysis that did not cover the code is no evidence that the code is clean.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypeGuard

from techfile.catalog import EvidenceKind
from techfile.errors import Location
from techfile.evidence.collectors._artefact import ArtefactError, read_artefact
from techfile.evidence.collectors._options import check_names, option_error, optional_text
from techfile.evidence.collectors.interface import Draft, Outcome

__all__ = ["SarifCollector"]

_LEVELS = ("error", "warning", "note", "none")
"""SARIF result levels, most severe first (§3.27.10)."""
_FAIL_ON = ("error", "warning", "note")
_OPTIONS = ("fail_on",)
_RULES_LIMIT = 50
"""Most rules listed in the details, by number of findings."""

_JSONObject = Mapping[str, object]


class SarifCollector:
    """Collects SARIF 2.1.0 static-analysis logs.

    Options: ``fail_on``, the least severe level that fails: "error" (default), "warning" or
    "note".
    """

    # See JUnitCollector: ``kind`` stays a class attribute to match the Collector protocol.
    __slots__ = ()
    kind: EvidenceKind = EvidenceKind.SARIF

    def collect(self, path: Path, *, root: Path, options: Mapping[str, object]) -> Draft:
        """Read a SARIF log and count its findings by level.

        Args:
            path: The log.
            root: The project root (the subject is named relative to it).
            options: ``fail_on`` (optional).

        Returns:
            FAIL if a finding reaches ``fail_on`` or a run is incomplete, else PASS.

        Raises:
            EvidenceInputError: The log is unreadable, not valid JSON, not SARIF 2.1.0, or an
                option is wrong.
        """
        check_names(options, _OPTIONS, path)
        fail_on = optional_text(options, "fail_on", path) or "error"
        if fail_on not in _FAIL_ON:
            raise option_error(path, "fail_on", '"error", "warning" or "note"', fail_on)
        subject, data = read_artefact(path, root)
        tally = _Tally(path)
        for index, run in enumerate(_runs(_load(data, path), tally)):
            tally.add_run(run, f"runs[{index}]")
        blocking = sum(tally.levels[level] for level in _LEVELS[: _FAIL_ON.index(fail_on) + 1])
        failed = blocking > 0 or bool(tally.incomplete)
        return Draft(
            kind=self.kind,
            subjects=(subject,),
            outcome=Outcome.FAIL if failed else Outcome.PASS,
            summary=tally.summary(),
            details=tally.details(fail_on),
        )


def _load(data: bytes, path: Path) -> object:
    try:
        return json.loads(data)
    except json.JSONDecodeError as e:
        location = Location(path, e.lineno, e.colno)
        raise ArtefactError(location, f"not valid JSON: {e.msg}") from e
    except UnicodeDecodeError as e:
        raise ArtefactError(Location(path), "not text in a JSON encoding (UTF-8)") from e
    except (ValueError, RecursionError) as e:  # an over-long number; absurd nesting
        raise ArtefactError(Location(path), f"JSON beyond reasonable limits ({e})") from e


def _runs(log: object, tally: _Tally) -> list[_JSONObject]:
    """Check the log's envelope (``version``, ``runs``) and return its runs."""
    top = tally.as_object(log, "(log)")
    version = top.get("version")
    if version != "2.1.0":
        raise tally.error(
            "version",
            "not a SARIF 2.1.0 log",
            expected='"2.1.0"',
            found=json.dumps(version) if version is not None else "nothing",
        )
    runs = top.get("runs")
    if not isinstance(runs, list) or not runs:
        raise tally.error(
            "runs",
            "the log holds no runs",
            expected="a non-empty list of runs",
            found=json.dumps(runs) if runs is not None else "nothing",
            hint="the tool probably failed before analysing anything",
        )
    return [tally.as_object(run, f"runs[{index}]") for index, run in enumerate(runs)]


class _Tally:
    """Findings counted over all runs of one log, and the checks that locate bad values."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tools: list[dict[str, str | None]] = []
        self.levels: Counter[str] = Counter(dict.fromkeys(_LEVELS, 0))
        self.rules: Counter[str] = Counter()
        self.suppressed = 0
        self.incomplete: list[str] = []

    def error(self, field: str, problem: str, **parts: str) -> ArtefactError:
        """Return an error about the value at ``field`` (JSON values carry no line numbers)."""
        return ArtefactError(Location(self.path), problem, field=field, **parts)

    def as_object(self, value: object, field: str) -> _JSONObject:
        """Return ``value`` as a JSON object, or raise naming ``field``."""
        if not isinstance(value, dict):
            raise self.error(field, "wrong type", expected="an object", found=_kind_of(value))
        return value

    def as_objects(self, value: object, field: str) -> list[_JSONObject]:
        """Return ``value`` (a list of objects, or absent) as a list."""
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(field, "wrong type", expected="a list", found=_kind_of(value))
        return [self.as_object(item, f"{field}[{index}]") for index, item in enumerate(value)]

    def level(self, value: object, field: str) -> str:
        """Return ``value`` as a SARIF level, or raise naming ``field``."""
        if value not in _LEVELS:
            raise self.error(
                field, "unknown level", expected=", ".join(_LEVELS), found=json.dumps(value)
            )
        return str(value)

    def add_run(self, run: _JSONObject, where: str) -> None:
        """Count one run's findings."""
        tool_object = self.as_object(run.get("tool"), f"{where}.tool")
        driver = self.as_object(tool_object.get("driver"), f"{where}.tool.driver")
        name = driver.get("name")
        if not isinstance(name, str) or not name.strip():
            raise self.error(f"{where}.tool.driver.name", "the run names no tool")
        version = driver.get("version", driver.get("semanticVersion"))
        tool = {"name": name, "version": version if isinstance(version, str) else None}
        if tool not in self.tools:
            self.tools.append(tool)
        extensions = self.as_objects(tool_object.get("extensions"), f"{where}.tool.extensions")
        rules = [self.as_objects(driver.get("rules"), f"{where}.tool.driver.rules")]
        rules += [
            self.as_objects(extension.get("rules"), f"{where}.tool.extensions[{index}].rules")
            for index, extension in enumerate(extensions)
        ]
        invocations = self.as_objects(run.get("invocations"), f"{where}.invocations")
        results = run.get("results")
        if results is None or any(i.get("executionSuccessful") is False for i in invocations):
            self.incomplete.append(name)
        for index, result in enumerate(self.as_objects(results, f"{where}.results")):
            self._add_result(result, rules, f"{where}.results[{index}]")

    def _add_result(self, result: _JSONObject, rules: list[list[_JSONObject]], where: str) -> None:
        suppressions = self.as_objects(result.get("suppressions"), f"{where}.suppressions")
        if suppressions and all(s.get("status", "accepted") == "accepted" for s in suppressions):
            self.suppressed += 1
            return
        if result.get("baselineState") == "absent":
            return
        rule = _rule(result, rules)
        self.levels[self._level_of(result, rule, where)] += 1
        self.rules[_rule_id(result, rule)] += 1

    def _level_of(self, result: _JSONObject, rule: _JSONObject | None, where: str) -> str:
        if "level" in result:
            return self.level(result["level"], f"{where}.level")
        kind = result.get("kind", "fail")
        if kind != "fail":
            return "none"
        if rule is not None:
            config = rule.get("defaultConfiguration")
            if isinstance(config, dict) and "level" in config:
                return self.level(config["level"], f"rule {rule.get('id')} defaultConfiguration")
        return "warning"

    def summary(self) -> str:
        """One line: the tools, then the findings by level."""
        tools = ", ".join(
            f"{t['name']} {t['version']}" if t["version"] else str(t["name"]) for t in self.tools
        )
        total = sum(self.levels.values())
        text = f"{tools}: {_plural(total, 'finding')}: " + ", ".join(
            [
                _plural(self.levels["error"], "error"),
                _plural(self.levels["warning"], "warning"),
                _plural(self.levels["note"], "note"),
            ]
        )
        if self.levels["none"]:
            text += f", {self.levels['none']} without level"
        if self.suppressed:
            text += f"; {self.suppressed} suppressed"
        if self.incomplete:
            text += f"; incomplete run: {', '.join(self.incomplete)}"
        return text

    def details(self, fail_on: str) -> dict[str, object]:
        """The figures for the technical file."""
        ranked = sorted(self.rules.items(), key=lambda item: (-item[1], item[0]))
        details: dict[str, object] = {
            "tools": self.tools,
            "results": sum(self.levels.values()),
            "levels": dict(self.levels),
            "suppressed": self.suppressed,
            "fail_on": fail_on,
            "incomplete_runs": self.incomplete,
            "rules": [{"id": rid, "count": n} for rid, n in ranked[:_RULES_LIMIT]],
        }
        if len(ranked) > _RULES_LIMIT:
            details["rules_truncated"] = True
        return details


def _rule(result: _JSONObject, rules: Sequence[Sequence[_JSONObject]]) -> _JSONObject | None:
    """Find the result's rule (reportingDescriptor): by index, else by id."""
    reference = result.get("rule")
    reference = reference if isinstance(reference, dict) else {}
    component = reference.get("toolComponent")
    component_index = component.get("index") if isinstance(component, dict) else None
    # rules[0] is the driver's; a toolComponent reference's index counts the run's extensions.
    position = component_index + 1 if _is_index(component_index) else 0
    candidates = rules[position] if position < len(rules) else ()
    index = result.get("ruleIndex", reference.get("index"))
    if _is_index(index) and index < len(candidates):
        return candidates[index]
    wanted = result.get("ruleId", reference.get("id"))
    return next((r for r in candidates if r.get("id") == wanted), None)


def _rule_id(result: _JSONObject, rule: _JSONObject | None) -> str:
    reference = result.get("rule")
    candidates = (
        result.get("ruleId"),
        reference.get("id") if isinstance(reference, dict) else None,
        rule.get("id") if rule is not None else None,
    )
    return next((c for c in candidates if isinstance(c, str) and c), "(no rule id)")


def _is_index(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _kind_of(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
