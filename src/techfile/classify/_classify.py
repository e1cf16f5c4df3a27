"""Classification of a device: the sequence of legal steps, each delegated to the rule data.

Order of the steps (each names its legal source in the trace):
1. consistency of the facts (contradictions are bad input);
2. qualification, MDCG 2019-11 Figure 1 (or MDR Art 2(1) for hardware);
3. MDR or IVDR, MDCG 2019-11 Figure 2;
4. class by Annex VIII, strictest rule winning, with the driven-device floor;
5. class I/A variants (MDR Art 52(7), IVDR Art 48(10)) and the in-house exemption (Art 5(5));
6. notified body and conformity routes (MDR Art 52, IVDR Art 48), post-market report;
7. AI Act Art 6 high-risk status and Art 43 route; Arts 5 and 50 flags;
8. dates (MDR Art 120/123, IVDR Art 110/113, AI Act Art 113 as amended).
"""

from __future__ import annotations

from techfile.catalog._conditions import Equals, Truth, evaluate
from techfile.classify._engine import run_rule_set, run_tree
from techfile.classify._facts import MISSING, DeviceClass, Facts, FactValue, Regulation
from techfile.classify._loading import DERIVED_FACTS, load_rulebook
from techfile.classify._result import (
    AiActOutcome,
    Classification,
    FiredRule,
    FlagNote,
    LegalDate,
    PostMarketReport,
    Qualification,
    Question,
    TraceStep,
)
from techfile.classify._tables import Contradiction, NotifiedBody, Route, RuleBook
from techfile.errors import InputError

__all__ = ["ContradictoryFactsError", "classify", "find_contradictions"]


class ContradictoryFactsError(InputError):
    """Two or more facts cannot hold together."""

    def __init__(self, contradiction: Contradiction) -> None:
        self.contradiction = contradiction
        fields = ", ".join(contradiction.fields)
        super().__init__(
            f"contradictory facts ({fields}): {contradiction.message} [{contradiction.citation}]"
        )


def find_contradictions(facts: Facts, book: RuleBook | None = None) -> list[Contradiction]:
    """Return every contradiction among the given facts."""
    book = book or load_rulebook()
    return [c for c in book.contradictions if evaluate(c.when, facts.get).truth is Truth.TRUE]


def classify(facts: Facts, book: RuleBook | None = None) -> Classification:
    """Say what the device is under the MDR/IVDR and the AI Act, with a cited trace.

    Args:
        facts: The facts given (missing ones become questions, never guesses).
        book: The rule tables; the bundled ones by default.

    Raises:
        ContradictoryFactsError: The facts contradict each other.
        InputError: A fact names an unknown trigger or Annex III point.
    """
    book = book or load_rulebook()
    _check_names(facts, book)
    for contradiction in find_contradictions(facts, book):
        raise ContradictoryFactsError(contradiction)
    defaults = {s.name: s.default for s in book.facts if s.has_default}
    return _Run(facts.with_defaults(defaults), book).result()


def _check_names(facts: Facts, book: RuleBook) -> None:
    for rule_set in book.rule_sets.values():
        if rule_set.trigger_fact is None:
            continue
        given = facts.get(rule_set.trigger_fact)
        unknown = sorted(given - rule_set.triggers) if isinstance(given, frozenset) else []
        if unknown:
            msg = f"{rule_set.trigger_fact}: unknown trigger(s) {', '.join(unknown)}"
            raise InputError(msg)
    point = facts.get("annex_iii_use_case")
    if isinstance(point, str) and point not in book.annex_iii_points:
        msg = f"annex_iii_use_case: {point!r} is not a point of AI Act Annex III"
        raise InputError(msg)


class _Run:
    """One classification: collects trace and questions while the steps run."""

    def __init__(self, facts: Facts, book: RuleBook) -> None:
        self.facts = facts
        self.book = book
        self.derived: dict[str, FactValue] = {}
        self.trace: list[TraceStep] = []
        self.missing: list[str] = []

    def lookup(self, name: str) -> FactValue:
        if name in DERIVED_FACTS:
            return self.derived.get(name, MISSING)
        return self.facts.get(name)

    def ask(self, names: tuple[str, ...] | list[str]) -> None:
        # Derived facts are never asked: the step that derives them has asked already.
        self.missing += [n for n in names if n not in DERIVED_FACTS and n not in self.missing]

    def result(self) -> Classification:
        qualification = self._qualify()
        in_scope = qualification.in_scope if qualification else None
        regulation = self._regulation() if in_scope else None
        device_class, rule, fired = self._device_class(regulation)
        variants = self._variants(regulation, device_class)
        in_house = self._in_house() if in_scope else None
        route = self._route(
            regulation=regulation, klass=device_class, variants=variants, in_house=in_house
        )
        nb_required = self._nb_required(in_scope=in_scope, in_house=in_house, route=route)
        outcome = self._ai_act()
        ai_routes = self._ai_routes(outcome)
        dates = self._dates()
        flags = self._flags()
        questions = tuple(
            Question(n, self.book.fact(n).question, self.book.fact(n).citation)
            for n in self.missing
        )
        return Classification(
            legal_status_as_of=self.book.legal_status_as_of,
            complete=not questions,
            qualification=qualification,
            qualifies_as_medical_device=in_scope,
            regulation=regulation,
            device_class=device_class,
            rule=rule,
            class_variants=variants,
            rules_fired=fired,
            in_house=in_house,
            notified_body_required=nb_required,
            notified_body_scope=self._nb_scope(
                required=nb_required, route=route, variants=variants, regulation=regulation
            ),
            conformity_routes=route.routes if route else (),
            conformity_notes=route.notes if route else (),
            ai_act_outcome=outcome,
            ai_act_high_risk=outcome.high_risk if outcome else None,
            ai_act_conformity_routes=ai_routes,
            post_market_report=self._report(regulation, device_class, in_house=in_house),
            dates=dates,
            flags=flags,
            questions=questions,
            trace=tuple(self.trace),
        )

    def _qualify(self) -> Qualification | None:
        run = run_tree(self.book.trees["qualification"], self.lookup)
        self.trace += run.trace
        self.ask(run.missing)
        if run.outcome is None:
            return None
        qualification = Qualification(run.outcome)
        self.derived["in_scope"] = qualification.in_scope
        return qualification

    def _regulation(self) -> Regulation | None:
        run = run_tree(self.book.trees["regulation"], self.lookup)
        self.trace += run.trace
        self.ask(run.missing)
        if run.outcome is None:
            return None
        regulation = Regulation(run.outcome)
        self.derived["regulation"] = regulation.value
        return regulation

    def _device_class(
        self, regulation: Regulation | None
    ) -> tuple[DeviceClass | None, str | None, tuple[FiredRule, ...]]:
        if regulation is None:
            return None, None, ()
        run = run_rule_set(self.book.rule_sets[regulation], self.lookup)
        self.trace += run.trace
        self.ask(run.missing)
        if run.device_class is not None:
            self.derived["class"] = run.device_class.value
        return run.device_class, run.rule, run.fired

    def _variants(
        self, regulation: Regulation | None, klass: DeviceClass | None
    ) -> tuple[str, ...]:
        found: list[str] = []
        for variant in self.book.variants:
            if variant.regulation != regulation or variant.base_class != klass:
                continue
            result = evaluate(Equals(variant.fact, value=True), self.lookup)
            if result.truth is Truth.UNKNOWN:
                self.ask(sorted(result.missing))
            elif result.truth is Truth.TRUE:
                found.append(variant.name)
                self.trace.append(
                    TraceStep(
                        f"{variant.citation}: class {klass} variant {variant.name}",
                        f"The notified body's part is limited to the {variant.nb_scope}.",
                        variant.citation,
                    )
                )
        return tuple(found)

    def _in_house(self) -> bool | None:
        value = self.lookup("in_house_art_5_5")
        if not isinstance(value, bool):
            self.ask(["in_house_art_5_5"])
            return None
        if value:
            self.trace.append(
                TraceStep(
                    "MDR/IVDR Art 5(5): in-house device",
                    "Made and used only within one health institution: no conformity assessment "
                    "and no notified body; the relevant general safety and performance "
                    "requirements of Annex I still apply.",
                    "MDR Art 5(5); IVDR Art 5(5)",
                )
            )
        return value

    def _route(
        self,
        *,
        regulation: Regulation | None,
        klass: DeviceClass | None,
        variants: tuple[str, ...],
        in_house: bool | None,
    ) -> Route | None:
        if regulation is None or klass is None or in_house is not False:
            return None
        for route in self.book.routes:
            if (
                route.regulation == regulation
                and klass in route.classes
                and route.with_variant == bool(variants)
            ):
                self.trace.append(
                    TraceStep(
                        f"{regulation} conformity assessment for class {klass}",
                        "Routes open: " + "; or ".join(route.routes) + ".",
                        route.citation,
                    )
                )
                return route
        return None

    def _nb_required(
        self, *, in_scope: bool | None, in_house: bool | None, route: Route | None
    ) -> bool | None:
        if in_scope is False or in_house is True:
            value: bool | None = False
        elif route is None:
            value = None
        else:
            value = route.notified_body is not NotifiedBody.NONE
        if value is not None:
            self.derived["notified_body_required"] = value
        return value

    @staticmethod
    def _nb_scope(
        *,
        required: bool | None,
        route: Route | None,
        variants: tuple[str, ...],
        regulation: Regulation | None,
    ) -> str | None:
        if not required or route is None:
            return None
        if route.notified_body is NotifiedBody.LIMITED:
            return f"limited to the {regulation} class variant(s) {', '.join(variants)}"
        return "full"

    def _report(
        self, regulation: Regulation | None, klass: DeviceClass | None, *, in_house: bool | None
    ) -> PostMarketReport | None:
        if regulation is None or klass is None or in_house:
            return None
        for report in self.book.reports:
            if report.regulation == regulation and klass in report.classes:
                return PostMarketReport(
                    report.report, report.frequency, report.period_months, report.citation
                )
        return None

    def _ai_act(self) -> AiActOutcome | None:
        run = run_tree(self.book.trees["high_risk"], self.lookup)
        self.trace += run.trace
        self.ask(run.missing)
        if run.outcome is None:
            return None
        outcome = AiActOutcome(run.outcome)
        self.derived["ai_act_outcome"] = outcome.value
        return outcome

    def _ai_routes(self, outcome: AiActOutcome | None) -> tuple[str, ...]:
        for route in self.book.routes:
            if outcome is not None and route.outcome == outcome.value:
                self.trace.append(
                    TraceStep(
                        "AI Act conformity assessment", " ".join(route.routes), route.citation
                    )
                )
                return route.routes + route.notes
        return ()

    def _dates(self) -> tuple[LegalDate, ...]:
        dates = [
            LegalDate(d.id, d.date, d.event, d.citation)
            for d in self.book.dates
            if evaluate(d.when, self.lookup).truth is Truth.TRUE
        ]
        return tuple(sorted(dates, key=lambda d: (d.date, d.id)))

    def _flags(self) -> tuple[FlagNote, ...]:
        notes: list[FlagNote] = []
        for flag in self.book.flags:
            result = evaluate(flag.when, self.lookup)
            if result.truth is Truth.TRUE:
                notes.append(FlagNote(flag.article, flag.finding, flag.citation))
            elif result.truth is Truth.UNKNOWN and flag.ask_when_unknown:
                self.ask(sorted(result.missing))
        return tuple(notes)
