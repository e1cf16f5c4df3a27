"""The rule tables: the law of classification as typed, frozen values.

Each file in ``techfile/catalog/data/rules/`` is one legal source (STYLE B1). This module
defines the domain types the engine runs on; ``_loading`` reads and checks the files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from techfile.catalog._conditions import Condition
from techfile.catalog._source import Amendment, Source
from techfile.classify._facts import DeviceClass, Regulation

__all__ = [
    "Amendment",
    "Branch",
    "Contradiction",
    "DateRule",
    "Definition",
    "FactSpec",
    "Flag",
    "NotifiedBody",
    "Report",
    "Route",
    "Rule",
    "RuleBook",
    "RuleSet",
    "Source",
    "Tree",
    "TreeNode",
    "Variant",
]


class NotifiedBody(StrEnum):
    """How far a notified body takes part in the conformity assessment."""

    NONE = "none"
    FULL = "full"
    LIMITED = "limited"


@dataclass(frozen=True, slots=True)
class Branch:
    """Where a tree goes after a test: to another node, to an outcome, or to a question."""

    finding: str
    """What the answer means, in our words."""
    next: str | None = None
    """The next node id."""
    outcome: str | None = None
    """The tree's outcome."""
    ask: str | None = None
    """A fact to ask about, because the answer given does not settle the step."""


@dataclass(frozen=True, slots=True)
class TreeNode:
    """One legal step of a decision tree."""

    id: str
    """Node id."""
    step: str
    """The legal step, as a question."""
    citation: str
    """Where the step comes from."""
    test: Condition
    """The condition the step tests."""
    if_true: Branch
    """Branch taken when the test holds."""
    if_false: Branch
    """Branch taken when it does not."""


@dataclass(frozen=True, slots=True)
class Tree:
    """A decision tree over facts (e.g. MDCG 2019-11 Figure 1)."""

    name: str
    """Tree name."""
    start: str
    """Id of the first node."""
    nodes: Mapping[str, TreeNode]
    """Nodes by id."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A classification rule or sub-rule: when its condition holds, it gives a class."""

    id: str
    """Stable id within its rule set."""
    rule: str
    """The rule as the law names it, e.g. "11(a)", "3(h)", "IR 3.3"."""
    klass: DeviceClass | None
    """The class it gives (None: it gives none of its own)."""
    class_from: str | None
    """A fact whose value is the class instead (the driven device's class)."""
    citation: str
    """Where the rule is written."""
    finding: str
    """What firing means, in our words."""
    when: Condition | None
    """When the rule fires (None: always)."""
    fallback: bool = False
    """Fires only when no other rule of the set does (IVDR Rule 6)."""


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The classification rules of one regulation, combined by taking the highest class."""

    regulation: Regulation
    """MDR or IVDR."""
    scale: tuple[DeviceClass, ...]
    """The classes from lowest to highest."""
    combine_citation: str
    """The implementing rule that makes the strictest rule win."""
    rules: tuple[Rule, ...]
    """Rules, including one per trigger."""
    trigger_fact: str | None
    """The fact listing this set's triggers."""
    triggers: frozenset[str]
    """Every trigger name the set knows."""
    none_fired_ask: str | None
    """The fact to ask about when no rule fires at all."""

    def rank(self, klass: DeviceClass) -> int:
        """Position of a class on this regulation's scale."""
        return self.scale.index(klass)


@dataclass(frozen=True, slots=True)
class Variant:
    """A class I (MDR Art 52(7)) or class A (IVDR Art 48(10)) variant needing a notified body."""

    name: str
    """Is, Im, Ir or "A sterile"."""
    regulation: Regulation
    """The regulation."""
    base_class: DeviceClass
    """The class it qualifies."""
    fact: str
    """The boolean fact that makes it apply."""
    nb_scope: str
    """What the notified body assesses."""
    citation: str
    """Legal basis."""


@dataclass(frozen=True, slots=True)
class Route:
    """Conformity assessment routes for a class (MDR Art 52, IVDR Art 48) or AI Act outcome."""

    regulation: Regulation | None
    """The device regulation, or None for an AI Act route."""
    classes: frozenset[DeviceClass]
    """Classes it is for."""
    with_variant: bool
    """For class I/A variants (Is/Im/Ir, sterile A) only."""
    outcome: str | None
    """The AI Act outcome it is for."""
    notified_body: NotifiedBody | None
    """Notified-body involvement."""
    citation: str
    """Legal basis."""
    routes: tuple[str, ...]
    """The routes, as the manufacturer would choose between them."""
    notes: tuple[str, ...]
    """Additional duties on the way."""


@dataclass(frozen=True, slots=True)
class Report:
    """The periodic post-market report due for a class (MDR Arts 85-86, IVDR Arts 80-81)."""

    regulation: Regulation
    """The regulation."""
    classes: frozenset[DeviceClass]
    """Classes it is for."""
    report: str
    """PSUR or PMS report."""
    frequency: str
    """How often, in our words."""
    period_months: int | None
    """Maximum period between reports, where the law fixes one."""
    citation: str
    """Legal basis."""


@dataclass(frozen=True, slots=True)
class DateRule:
    """A legal date that applies when its condition holds."""

    id: str
    """Stable id."""
    date: dt.date
    """The date."""
    event: str
    """What happens on it."""
    citation: str
    """Legal basis."""
    when: Condition
    """When the date concerns the device."""


@dataclass(frozen=True, slots=True)
class Flag:
    """An obligation to point out, regardless of class (e.g. AI Act Arts 5 and 50)."""

    id: str
    """Stable id."""
    article: str
    """The article."""
    citation: str
    """Legal basis."""
    finding: str
    """What the manufacturer must know or do."""
    when: Condition
    """When it applies."""
    ask_when_unknown: bool
    """Ask about the missing facts instead of staying silent."""


@dataclass(frozen=True, slots=True)
class FactSpec:
    """A classification fact: its question, explanation, legal test and default."""

    name: str
    """Contract field name."""
    question: str
    """The question asked when the fact is missing."""
    explanation: str
    """Plain words for the questionnaire."""
    citation: str
    """The legal test it feeds."""
    has_default: bool
    """Whether the contract gives a default."""
    default: bool | str | frozenset[str] | None
    """The default value."""
    ask_when: Condition | None
    """When the questionnaire asks it (None: always)."""


@dataclass(frozen=True, slots=True)
class Contradiction:
    """A combination of facts that cannot hold together."""

    fields: tuple[str, ...]
    """The facts involved (the first locates the error)."""
    citation: str
    """Why they contradict."""
    message: str
    """What is wrong."""
    when: Condition
    """The contradictory combination."""


@dataclass(frozen=True, slots=True)
class Definition:
    """A legal definition kept for reference (e.g. MDR Annex VIII durations)."""

    term: str
    """The term."""
    definition: str
    """Its meaning, in our words."""
    citation: str
    """Where it is defined."""


@dataclass(frozen=True, slots=True)
class RuleBook:
    """Every rule table techfile classifies with, merged from the data files."""

    sources: tuple[Source, ...]
    """The legal sources read."""
    trees: Mapping[str, Tree]
    """Decision trees by name."""
    rule_sets: Mapping[Regulation, RuleSet]
    """Classification rules by regulation."""
    variants: tuple[Variant, ...]
    """Class I/A variants."""
    routes: tuple[Route, ...]
    """Conformity assessment routes."""
    reports: tuple[Report, ...]
    """Post-market reports."""
    dates: tuple[DateRule, ...]
    """Legal dates."""
    flags: tuple[Flag, ...]
    """Class-independent obligations."""
    annex_iii_points: tuple[str, ...]
    """AI Act Annex III points."""
    facts: tuple[FactSpec, ...]
    """Classification facts."""
    contradictions: tuple[Contradiction, ...]
    """Impossible combinations of facts."""
    definitions: tuple[Definition, ...]
    """Reference definitions."""

    @property
    def legal_status_as_of(self) -> dt.date:
        """The oldest legal status among the sources: the data are current up to this date."""
        return min(source.legal_status_as_of for source in self.sources)

    def fact(self, name: str) -> FactSpec:
        """Return the specification of a fact."""
        for spec in self.facts:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def source(self, source_id: str) -> Source:
        """Return a source by id."""
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)
