"""Read the rule tables from ``catalog/data/rules/*.yaml`` into a checked `RuleBook`.

pydantic validates each file (unknown keys rejected, STYLE B3); the models then build the
frozen domain values of ``_tables``. `check_rulebook` proves that every cross-reference
resolves (STYLE B6): tree links, facts read by conditions, trigger names, questions asked.
"""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources
from pathlib import Path

from pydantic import Field, model_validator

from techfile.catalog._conditions import AllOf, AnyOf, Condition, Contains, Not, fact_names
from techfile.catalog._edge import ConditionModel, SourceModel, StrictModel
from techfile.classify._facts import DeviceClass, Regulation
from techfile.classify._tables import (
    Branch,
    Contradiction,
    DateRule,
    Definition,
    FactSpec,
    Flag,
    NotifiedBody,
    Report,
    Route,
    Rule,
    RuleBook,
    RuleSet,
    Tree,
    TreeNode,
    Variant,
)
from techfile.errors import Error
from techfile.located import load_yaml, validate

__all__ = ["DERIVED_FACTS", "RuleDataError", "check_rulebook", "load_rulebook", "rules_dir"]

DERIVED_FACTS = frozenset(
    {"in_scope", "regulation", "class", "notified_body_required", "ai_act_outcome"}
)
"""Facts the engine derives on the way and offers to later conditions."""


class RuleDataError(Error):
    """techfile's own rule data are inconsistent (a defect of techfile, not of the input)."""


class _BranchModel(StrictModel):
    finding: str
    next: str | None = None
    outcome: str | None = None
    ask: str | None = None

    @model_validator(mode="after")
    def _one_target(self) -> _BranchModel:
        if sum(x is not None for x in (self.next, self.outcome, self.ask)) != 1:
            msg = "a branch has exactly one of next, outcome, ask"
            raise ValueError(msg)
        return self


class _NodeModel(StrictModel):
    step: str
    citation: str
    test: ConditionModel
    if_true: _BranchModel
    if_false: _BranchModel


class _TreeModel(StrictModel):
    start: str
    nodes: dict[str, _NodeModel]

    def build(self, name: str) -> Tree:
        def branch(b: _BranchModel) -> Branch:
            return Branch(b.finding, b.next, b.outcome, b.ask)

        nodes = {
            node_id: TreeNode(
                node_id, n.step, n.citation, n.test.build(), branch(n.if_true), branch(n.if_false)
            )
            for node_id, n in self.nodes.items()
        }
        return Tree(name, self.start, nodes)


class _RuleModel(StrictModel):
    id: str
    rule: str
    klass: DeviceClass | None = Field(default=None, alias="class")
    class_from: str | None = None
    citation: str
    finding: str
    when: ConditionModel | None = None
    fallback: bool = False


class _TriggerModel(StrictModel):
    name: str = Field(pattern=r"^rule_[0-9]+[a-m]?_[a-z0-9_]+$")
    rule: str
    klass: DeviceClass | None = Field(alias="class")
    citation: str
    finding: str


class _TriggersModel(StrictModel):
    fact: str
    items: list[_TriggerModel] = Field(min_length=1)


class _RuleSetModel(StrictModel):
    regulation: Regulation
    scale: list[DeviceClass] = Field(min_length=2)
    combine_citation: str
    none_fired_ask: str | None = None
    rules: list[_RuleModel]
    triggers: _TriggersModel | None = None

    def build(self) -> RuleSet:
        rules = [
            Rule(
                r.id,
                r.rule,
                r.klass,
                r.class_from,
                r.citation,
                r.finding,
                r.when.build() if r.when else None,
                fallback=r.fallback,
            )
            for r in self.rules
        ]
        names: frozenset[str] = frozenset()
        if self.triggers is not None:
            fact = self.triggers.fact
            names = frozenset(t.name for t in self.triggers.items)
            rules.extend(
                Rule(t.name, t.rule, t.klass, None, t.citation, t.finding, Contains(fact, t.name))
                for t in self.triggers.items
            )
        return RuleSet(
            self.regulation,
            tuple(self.scale),
            self.combine_citation,
            tuple(rules),
            self.triggers.fact if self.triggers else None,
            names,
            self.none_fired_ask,
        )


class _VariantModel(StrictModel):
    name: str
    regulation: Regulation
    base_class: DeviceClass
    fact: str
    nb_scope: str
    citation: str


class _RouteModel(StrictModel):
    regulation: Regulation | None = None
    classes: list[DeviceClass] = Field(default_factory=list)
    with_variant: bool = False
    outcome: str | None = None
    notified_body: NotifiedBody | None = None
    citation: str
    routes: list[str] = Field(min_length=1)
    notes: list[str] = Field(default_factory=list)


class _ReportModel(StrictModel):
    regulation: Regulation
    classes: list[DeviceClass] = Field(min_length=1)
    report: str
    frequency: str
    period_months: int | None = None
    citation: str


class _DateModel(StrictModel):
    id: str
    date: dt.date
    event: str
    citation: str
    when: ConditionModel


class _FlagModel(StrictModel):
    id: str
    article: str
    citation: str
    finding: str
    when: ConditionModel
    ask_when_unknown: bool = False


class _ListItemModel(StrictModel):
    point: str
    summary: str


class _ListModel(StrictModel):
    citation: str
    items: list[_ListItemModel] = Field(min_length=1)


class _FactSpecModel(StrictModel):
    name: str
    question: str
    explanation: str
    citation: str
    default: bool | str | list[str] | None = None
    ask_when: ConditionModel | None = None

    def build(self) -> FactSpec:
        has_default = "default" in self.model_fields_set
        default = frozenset(self.default) if isinstance(self.default, list) else self.default
        ask_when = self.ask_when.build() if self.ask_when else None
        return FactSpec(
            self.name,
            self.question,
            self.explanation,
            self.citation,
            has_default,
            default,
            ask_when,
        )


class _ContradictionModel(StrictModel):
    fields: list[str] = Field(min_length=1)
    citation: str
    message: str
    when: ConditionModel


class _DefinitionModel(StrictModel):
    term: str
    definition: str
    citation: str


class RuleFileModel(StrictModel):
    """One file of rule data: a legal source and the tables taken from it."""

    source: SourceModel
    definitions: list[_DefinitionModel] = Field(default_factory=list)
    trees: dict[str, _TreeModel] = Field(default_factory=dict)
    rule_sets: dict[str, _RuleSetModel] = Field(default_factory=dict)
    variants: list[_VariantModel] = Field(default_factory=list)
    routes: list[_RouteModel] = Field(default_factory=list)
    reports: list[_ReportModel] = Field(default_factory=list)
    dates: list[_DateModel] = Field(default_factory=list)
    flags: list[_FlagModel] = Field(default_factory=list)
    lists: dict[str, _ListModel] = Field(default_factory=dict)
    facts: list[_FactSpecModel] = Field(default_factory=list)
    contradictions: list[_ContradictionModel] = Field(default_factory=list)


def rules_dir() -> Path:
    """The folder holding the rule data files."""
    return Path(str(resources.files("techfile.catalog") / "data" / "rules"))


@functools.cache
def load_rulebook(folder: Path | None = None) -> RuleBook:
    """Load, merge and check every rule file.

    Raises:
        InputError: A file is malformed (located).
        RuleDataError: The files do not fit together.
    """
    files = [
        validate(RuleFileModel, load_yaml(p))
        for p in sorted((folder or rules_dir()).glob("*.yaml"))
    ]
    book = _merge(files)
    problems = check_rulebook(book)
    if problems:
        raise RuleDataError("rule data inconsistent: " + "; ".join(problems))
    return book


def _merge(files: list[RuleFileModel]) -> RuleBook:
    trees: dict[str, Tree] = {}
    rule_sets: dict[Regulation, RuleSet] = {}
    for f in files:
        trees.update({name: t.build(name) for name, t in f.trees.items()})
        rule_sets.update({rs.regulation: rs.build() for rs in f.rule_sets.values()})
    annex_iii = tuple(
        item.point
        for f in files
        for name, lst in f.lists.items()
        if name == "annex_iii"
        for item in lst.items
    )
    return RuleBook(
        sources=tuple(f.source.build() for f in files),
        trees=trees,
        rule_sets=rule_sets,
        variants=tuple(
            Variant(v.name, v.regulation, v.base_class, v.fact, v.nb_scope, v.citation)
            for f in files
            for v in f.variants
        ),
        routes=tuple(
            Route(
                r.regulation,
                frozenset(r.classes),
                r.with_variant,
                r.outcome,
                r.notified_body,
                r.citation,
                tuple(r.routes),
                tuple(r.notes),
            )
            for f in files
            for r in f.routes
        ),
        reports=tuple(
            Report(
                r.regulation,
                frozenset(r.classes),
                r.report,
                r.frequency,
                r.period_months,
                r.citation,
            )
            for f in files
            for r in f.reports
        ),
        dates=tuple(
            DateRule(d.id, d.date, d.event, d.citation, d.when.build())
            for f in files
            for d in f.dates
        ),
        flags=tuple(
            Flag(g.id, g.article, g.citation, g.finding, g.when.build(), g.ask_when_unknown)
            for f in files
            for g in f.flags
        ),
        annex_iii_points=annex_iii,
        facts=tuple(spec.build() for f in files for spec in f.facts),
        contradictions=tuple(
            Contradiction(tuple(c.fields), c.citation, c.message, c.when.build())
            for f in files
            for c in f.contradictions
        ),
        definitions=tuple(
            Definition(d.term, d.definition, d.citation) for f in files for d in f.definitions
        ),
    )


def check_rulebook(book: RuleBook) -> list[str]:  # noqa: C901  # one loop per kind of reference
    """Return every dangling or duplicate reference in the rule data (empty when sound)."""
    problems: list[str] = []
    known = {spec.name for spec in book.facts} | DERIVED_FACTS
    triggers = {name for rs in book.rule_sets.values() for name in rs.triggers}
    conditions: list[tuple[str, Condition]] = []
    for tree in book.trees.values():
        if tree.start not in tree.nodes:
            problems.append(f"tree {tree.name}: start {tree.start} is not a node")
        for node in tree.nodes.values():
            conditions.append((f"tree {tree.name} node {node.id}", node.test))
            for branch in (node.if_true, node.if_false):
                if branch.next is not None and branch.next not in tree.nodes:
                    problems.append(f"tree {tree.name} node {node.id}: no node {branch.next}")
                if branch.ask is not None and branch.ask not in known:
                    problems.append(f"tree {tree.name} node {node.id}: unknown fact {branch.ask}")
    for rs in book.rule_sets.values():
        ids = [r.id for r in rs.rules]
        problems += [
            f"rule set {rs.regulation}: duplicate id {i}" for i in set(ids) if ids.count(i) > 1
        ]
        for r in rs.rules:
            if r.when is not None:
                conditions.append((f"rule {r.id}", r.when))
            if r.klass is not None and r.klass not in rs.scale:
                problems.append(f"rule {r.id}: class {r.klass} is not on the {rs.regulation} scale")
            if r.class_from is not None and r.class_from not in known:
                problems.append(f"rule {r.id}: unknown fact {r.class_from}")
    conditions += [(f"date {d.id}", d.when) for d in book.dates]
    conditions += [(f"flag {g.id}", g.when) for g in book.flags]
    conditions += [(f"contradiction {c.message}", c.when) for c in book.contradictions]
    conditions += [(f"fact {s.name}", s.ask_when) for s in book.facts if s.ask_when is not None]
    for where, condition in conditions:
        problems += [f"{where}: unknown fact {n}" for n in fact_names(condition) if n not in known]
        problems += [f"{where}: unknown trigger {t}" for t in _contained(condition) - triggers]
    problems += [
        f"variant {v.name}: unknown fact {v.fact}" for v in book.variants if v.fact not in known
    ]
    names = [spec.name for spec in book.facts]
    problems += [f"fact {n} defined twice" for n in set(names) if names.count(n) > 1]
    return problems


def _contained(condition: Condition) -> set[str]:
    match condition:
        case Contains(_, value):
            return {value}
        case AllOf(members) | AnyOf(members):
            return set().union(*(_contained(m) for m in members))
        case Not(member):
            return _contained(member)
        case _:
            return set()
