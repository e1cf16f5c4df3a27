"""Reading and writing ``risks.yaml``, with every reference, level and link checked.

Rules enforced, each failure located at file, line and column (exit 2 in the CLI):

- the schema (pydantic; unknown keys rejected with a "did you mean");
- ids are unique across the whole file, and scale levels within their scale;
- the acceptability matrix gives every cell and never grows more acceptable with higher
  severity or probability (ISO 14971:2019 clause 4.2), and the P1 x P2 table is complete;
- every level named is a level of its scale; every reference (hazard, harm, situation, risk,
  control, asset, data flow, library AI hazard, catalog requirement) resolves;
- no cycles: a hazard may refine another but not itself, and no control may lead, through the
  risks it introduces (clause 7.5) and their controls, back to itself.

Writing is the inverse: ``dump_risks`` gives YAML that loads to an equal model, identical each
time for the same model.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import yaml

from techfile.catalog import load_catalog
from techfile.errors import LocatedInputError
from techfile.located import LocatedDocument, load_yaml, parse_yaml, validate
from techfile.project import MANIFEST_NAME
from techfile.risk._file import RiskFile
from techfile.risk._graph import check_acyclic
from techfile.risk._library import load_risk_data
from techfile.risk._model import Estimate, Level, Risk, RiskFileModel

__all__ = ["RISKS_NAME", "dump_risks", "load_risks", "parse_risks", "risks_path"]

RISKS_NAME = "risks.yaml"
"""The risk file's name, next to ``techfile.yaml``."""

Loc = tuple[str | int, ...]


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


def risks_path(project: Path) -> Path:
    """The risk file of a project given as its folder, its ``techfile.yaml`` or the file itself."""
    if project.is_dir():
        return project / RISKS_NAME
    if project.name == MANIFEST_NAME:
        return project.parent / RISKS_NAME
    return project


def load_risks(path: Path) -> RiskFile:
    """Read and check a risk file.

    Raises:
        InputError: The file cannot be read, or is not valid (located).
    """
    return _checked(load_yaml(path), path)


def parse_risks(text: str, path: Path | None = None) -> RiskFile:
    """Check risk-file text (``path`` only names it in messages).

    Raises:
        LocatedInputError: The text is not a valid risk file.
    """
    return _checked(parse_yaml(text, path), path or Path("<input>"))


def dump_risks(model: RiskFileModel) -> str:
    """The model as ``risks.yaml`` text: defaults left out, keys in schema order."""
    data = model.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _checked(document: LocatedDocument, path: Path) -> RiskFile:
    model = validate(RiskFileModel, document)
    _Checker(document, model).run()
    return RiskFile(path, model)


def _error(  # noqa: PLR0913  # the parts of a located message, keyword-only
    document: LocatedDocument,
    loc: Loc,
    problem: str,
    *,
    expected: str | None = None,
    found: str | None = None,
    hint: str | None = None,
) -> LocatedInputError:
    field = ".".join(str(p) for p in loc)
    return LocatedInputError(
        document.locate(loc), problem, field=field, expected=expected, found=found, hint=hint
    )


def _suggest(value: str, known: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


class _Checker:
    """Walks a validated model once, raising the first problem, located."""

    def __init__(self, document: LocatedDocument, model: RiskFileModel) -> None:
        self.doc = document
        self.model = model
        self.ids: dict[str, set[str]] = {}

    def run(self) -> None:
        self._ids()
        self._policy()
        self._references()
        self._security()
        self._ai_hazards()
        check_acyclic(self.doc, self.model)

    def ref(self, loc: Loc, value: str, kind: str) -> None:
        known = self.ids[kind]
        if value not in known:
            raise _error(
                self.doc,
                loc,
                f"unknown {kind} '{value}'",
                expected=f"the id of a {kind}",
                found=repr(value),
                hint=_suggest(value, known) or f"define the {kind} first",
            )

    def level(self, loc: Loc, value: str, scale: str, levels: Sequence[Level]) -> None:
        known = [level.id for level in levels]
        if value not in known:
            raise _error(
                self.doc,
                loc,
                f"unknown {scale} level '{value}'",
                expected=f"one of {', '.join(known) or '(no levels defined in policy)'}",
                found=repr(value),
                hint=_suggest(value, known),
            )

    def _ids(self) -> None:
        m = self.model
        groups: list[tuple[str, str, Sequence[_Identified]]] = [
            ("hazard", "hazards", m.hazards),
            ("harm", "harms", m.harms),
            ("hazardous situation", "situations", m.situations),
            ("risk", "risks", m.risks),
            ("control", "controls", m.controls),
        ]
        security = m.security
        nested: list[tuple[str, Sequence[_Identified]]] = [
            ("asset", security.assets),
            ("data flow", security.data_flows),
            ("threat", security.threats),
        ]
        seen: dict[str, Loc] = {}
        entries: list[tuple[str, Loc, str]] = []
        for kind, key, items in groups:
            entries += [(kind, (key, i, "id"), str(x.id)) for i, x in enumerate(items)]
        for kind, items in nested:
            key = kind.replace(" ", "_") + "s"
            entries += [(kind, ("security", key, i, "id"), str(x.id)) for i, x in enumerate(items)]
        for kind, loc, value in entries:
            if value in seen:
                first = self.doc.locate(seen[value])
                raise _error(
                    self.doc, loc, f"duplicate id '{value}'", hint=f"first defined at {first}"
                )
            seen[value] = loc
            self.ids.setdefault(kind, set()).add(value)
        for kind, _, _ in groups:
            self.ids.setdefault(kind, set())
        for kind, _ in nested:
            self.ids.setdefault(kind, set())

    def _policy(self) -> None:
        policy = self.model.policy
        scales = [("severity", policy.severity), ("probability", policy.probability)]
        scales.append(("exploitability", policy.exploitability))
        if policy.combination is not None:
            scales += [
                ("combination", policy.combination.p1),
                ("combination", policy.combination.p2),
            ]
        for name, levels in scales:
            seen: set[str] = set()
            for i, level in enumerate(levels):
                if level.id in seen:
                    raise _error(
                        self.doc, ("policy", name, i, "id"), f"duplicate level '{level.id}'"
                    )
                seen.add(level.id)
        severities = [s.id for s in policy.severity]
        probabilities = [p.id for p in policy.probability]
        matrix = policy.acceptability
        self._complete(("policy", "acceptability"), matrix, severities, "severity")
        for severity in severities:
            self._complete(
                ("policy", "acceptability", severity),
                matrix[severity],
                probabilities,
                "probability",
            )
        self._monotone(severities, probabilities)
        if (combination := policy.combination) is not None:
            loc: Loc = ("policy", "combination", "table")
            self._complete(loc, combination.table, [p.id for p in combination.p1], "P1")
            for p1, row in combination.table.items():
                self._complete((*loc, p1), row, [p.id for p in combination.p2], "P2")
                for p2, value in row.items():
                    self.level((*loc, p1, p2), value, "probability", policy.probability)

    def _complete(
        self, loc: Loc, table: Mapping[str, object], expected: list[str], what: str
    ) -> None:
        for key in table:
            if key not in expected:
                raise _error(
                    self.doc,
                    (*loc, key),
                    f"unknown {what} level '{key}'",
                    expected=f"one of {', '.join(expected)}",
                    found=repr(key),
                    hint=_suggest(key, expected),
                )
        if missing := [k for k in expected if k not in table]:
            raise _error(
                self.doc,
                loc,
                f"the table misses {what} level(s) {', '.join(missing)}",
                hint="give every cell, so that every risk has a region",
            )

    def _monotone(self, severities: list[str], probabilities: list[str]) -> None:
        matrix = self.model.policy.acceptability
        for s_rank, severity in enumerate(severities):
            for p_rank, probability in enumerate(probabilities):
                if matrix[severity][probability] != "acceptable":
                    continue
                lower = [(severities[s_rank - 1], probability)] if s_rank else []
                if p_rank:
                    lower.append((severity, probabilities[p_rank - 1]))
                for s, p in lower:
                    if matrix[s][p] != "acceptable":
                        raise _error(
                            self.doc,
                            ("policy", "acceptability", severity, probability),
                            "a cell is acceptable although a lower one is not",
                            found=f"{s}/{p} unacceptable",
                            hint="acceptability may only decrease with severity and probability",
                        )

    def _estimate(self, loc: Loc, estimate: Estimate) -> None:
        policy = self.model.policy
        if estimate.severity is not None:
            self.level((*loc, "severity"), estimate.severity, "severity", policy.severity)
        if estimate.probability is not None:
            self.level(
                (*loc, "probability"), estimate.probability, "probability", policy.probability
            )
        if estimate.p1 is not None or estimate.p2 is not None:
            if policy.combination is None:
                raise _error(
                    self.doc,
                    (*loc, "p1"),
                    "P1 and P2 need policy.combination",
                    hint="define the P1 x P2 table or give probability",
                )
            self.level((*loc, "p1"), str(estimate.p1), "P1", policy.combination.p1)
            self.level((*loc, "p2"), str(estimate.p2), "P2", policy.combination.p2)

    def _references(self) -> None:
        m = self.model
        self._chain()
        for i, risk in enumerate(m.risks):
            self._risk(i, risk)
        catalog = load_catalog()
        for i, control in enumerate(m.controls):
            for j, rid in enumerate(control.requirements):
                if catalog.get(rid) is None:
                    raise _error(
                        self.doc,
                        ("controls", i, "requirements", j),
                        f"unknown requirement id '{rid}'",
                        hint="see `techfile catalog search`",
                    )
            for j, risk_id in enumerate(control.introduces):
                self.ref(("controls", i, "introduces", j), risk_id, "risk")

    def _chain(self) -> None:
        """Harm severities and the hazard -> situation -> harm references (clause 5.4)."""
        m = self.model
        for i, harm in enumerate(m.harms):
            self.level(("harms", i, "severity"), harm.severity, "severity", m.policy.severity)
        for i, hazard in enumerate(m.hazards):
            if hazard.parent is not None:
                self.ref(("hazards", i, "parent"), hazard.parent, "hazard")
        for i, situation in enumerate(m.situations):
            self.ref(("situations", i, "hazard"), situation.hazard, "hazard")
            for j, harm_id in enumerate(situation.harms):
                self.ref(("situations", i, "harms", j), harm_id, "harm")

    def _risk(self, i: int, risk: Risk) -> None:
        self.ref(("risks", i, "situation"), risk.situation, "hazardous situation")
        self.ref(("risks", i, "harm"), risk.harm, "harm")
        situation = next(s for s in self.model.situations if s.id == risk.situation)
        if risk.harm not in situation.harms:
            raise _error(
                self.doc,
                ("risks", i, "harm"),
                f"harm '{risk.harm}' is not a harm of situation '{risk.situation}'",
                hint="add it to the situation's harms",
            )
        self._estimate(("risks", i, "initial"), risk.initial)
        for j, control in enumerate(risk.controls):
            self.ref(("risks", i, "controls", j), control, "control")
        if risk.residual is not None:
            self._estimate(("risks", i, "residual"), risk.residual)
        if risk.controls and risk.residual is None:
            raise _error(
                self.doc,
                ("risks", i, "controls"),
                "a controlled risk needs a residual estimate",
                hint="add residual: {severity, probability}",
            )
        if not risk.controls and risk.residual is not None:
            raise _error(
                self.doc,
                ("risks", i, "residual"),
                "a residual estimate without controls",
                hint="name the controls that reduce the risk",
            )

    def _security(self) -> None:
        policy = self.model.policy
        targets = self.ids["asset"] | self.ids["data flow"]
        for i, threat in enumerate(self.model.security.threats):
            loc: Loc = ("security", "threats", i)
            for j, target in enumerate(threat.targets):
                if target not in targets:
                    raise _error(
                        self.doc,
                        (*loc, "targets", j),
                        f"unknown asset or data flow '{target}'",
                        hint=_suggest(target, targets),
                    )
            self.level(
                (*loc, "exploitability"),
                threat.exploitability,
                "exploitability",
                policy.exploitability,
            )
            for j, harm in enumerate(threat.harms):
                self.ref((*loc, "harms", j), harm, "harm")
            for j, risk in enumerate(threat.risks):
                self.ref((*loc, "risks", j), risk, "risk")

    def _ai_hazards(self) -> None:
        library = {h.id for h in load_risk_data().hazards}
        addressed: set[str] = set()
        for i, hazard in enumerate(self.model.hazards):
            for j, ai_id in enumerate(hazard.ai_hazards):
                if ai_id not in library:
                    raise _error(
                        self.doc,
                        ("hazards", i, "ai_hazards", j),
                        f"unknown library AI hazard '{ai_id}'",
                        expected=f"one of {', '.join(sorted(library))}",
                        hint=_suggest(ai_id, library),
                    )
                addressed.add(ai_id)
        for ai_id in self.model.ai_hazards_not_applicable:
            loc: Loc = ("ai_hazards_not_applicable", ai_id)
            if ai_id not in library:
                raise _error(
                    self.doc,
                    loc,
                    f"unknown library AI hazard '{ai_id}'",
                    hint=_suggest(ai_id, library),
                )
            if ai_id in addressed:
                raise _error(
                    self.doc,
                    loc,
                    f"'{ai_id}' is both addressed by a hazard and declared not applicable",
                    hint="keep one",
                )
