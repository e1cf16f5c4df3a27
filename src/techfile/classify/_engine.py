"""The generic rules engine: walks decision trees and combines rule sets, recording a trace.

Nothing here knows any law: trees, rules and their citations come from the data files. A step
whose condition cannot be decided stops the walk and names the facts that would decide it; a
rule set takes the highest class among the rules that fire (MDR Annex VIII IR 3.5, IVDR
Annex VIII 1.9), and asks only about the facts that could still raise that class.
"""

from __future__ import annotations

from dataclasses import dataclass

from techfile.catalog._conditions import Lookup, Truth, evaluate
from techfile.classify._facts import DeviceClass, Missing
from techfile.classify._result import FiredRule, TraceStep
from techfile.classify._tables import Rule, RuleSet, Tree
from techfile.errors import InputError

__all__ = ["RuleSetRun", "TreeRun", "run_rule_set", "run_tree"]


@dataclass(frozen=True, slots=True)
class TreeRun:
    """Where a decision tree ended."""

    outcome: str | None
    """The outcome reached, or None when a fact was missing."""
    trace: tuple[TraceStep, ...]
    """The steps taken."""
    missing: tuple[str, ...]
    """Facts that would let the walk go on."""


def run_tree(tree: Tree, lookup: Lookup) -> TreeRun:
    """Walk a decision tree from its start node.

    Args:
        tree: The tree.
        lookup: Returns a fact's value or `MISSING`.

    Returns:
        The outcome with its trace, or the facts the walk stopped at.
    """
    trace: list[TraceStep] = []
    node = tree.nodes[tree.start]
    for _ in range(len(tree.nodes)):
        result = evaluate(node.test, lookup)
        if result.truth is Truth.UNKNOWN:
            return TreeRun(None, tuple(trace), tuple(sorted(result.missing)))
        branch = node.if_true if result.truth is Truth.TRUE else node.if_false
        trace.append(TraceStep(node.step, branch.finding, node.citation))
        if branch.outcome is not None:
            return TreeRun(branch.outcome, tuple(trace), ())
        if branch.ask is not None:
            return TreeRun(None, tuple(trace), (branch.ask,))
        node = tree.nodes[str(branch.next)]
    msg = f"decision tree {tree.name} loops"
    raise InputError(msg)


@dataclass(frozen=True, slots=True)
class RuleSetRun:
    """The class a rule set gives, or what it still needs."""

    device_class: DeviceClass | None
    """The highest class among the rules fired, or None when undecided."""
    rule: str | None
    """The rule that gave it."""
    fired: tuple[FiredRule, ...]
    """Every rule that fired with a class."""
    trace: tuple[TraceStep, ...]
    """One step per rule fired, then the combination."""
    missing: tuple[str, ...]
    """Facts that could still raise the class."""


def run_rule_set(rule_set: RuleSet, lookup: Lookup) -> RuleSetRun:
    """Apply every rule of a set and keep the strictest.

    Raises:
        InputError: A driven device's class is not on this regulation's scale.
    """
    fired: list[tuple[Rule, DeviceClass]] = []
    notes: list[Rule] = []
    pending: list[tuple[Rule, frozenset[str]]] = []
    for rule in rule_set.rules:
        if rule.fallback:
            continue
        truth, missing = _fires(rule, lookup)
        if truth is Truth.UNKNOWN:
            pending.append((rule, missing))
        elif truth is Truth.TRUE:
            klass = _class_of(rule, rule_set, lookup)
            if isinstance(klass, frozenset):
                pending.append((rule, klass))
            elif klass is None:
                notes.append(rule)
            else:
                fired.append((rule, klass))
    top = max((rule_set.rank(k) for _, k in fired), default=-1)
    # Only a pending rule that could give a higher class leaves the result open (IR 3.5).
    open_facts = sorted(
        {f for rule, missing in pending if _could_raise(rule, rule_set, top) for f in missing}
    )
    trace = [_step(rule_set, rule, klass) for rule, klass in fired]
    trace += [TraceStep(f"Rule {r.rule}", r.finding, r.citation) for r in notes]
    if open_facts:
        return RuleSetRun(None, None, (), tuple(trace), tuple(open_facts))
    if not fired:
        fallback = next((r for r in rule_set.rules if r.fallback and r.klass is not None), None)
        if fallback is None or fallback.klass is None:
            ask = (rule_set.none_fired_ask,) if rule_set.none_fired_ask else ()
            return RuleSetRun(None, None, (), tuple(trace), ask)
        fired.append((fallback, fallback.klass))
        trace.append(_step(rule_set, fallback, fallback.klass))
    # Ties go to the device's own rule rather than to the driven device's floor.
    best_rule, best = max(fired, key=lambda rk: (rule_set.rank(rk[1]), rk[0].class_from is None))
    summary = ", ".join(f"Rule {r.rule}: {k}" for r, k in fired)
    trace.append(
        TraceStep(
            f"{rule_set.regulation} Annex VIII: the strictest rule applies",
            f"Rules that apply: {summary}. The highest class is {best}, by Rule {best_rule.rule}.",
            rule_set.combine_citation,
        )
    )
    return RuleSetRun(
        best,
        best_rule.rule,
        tuple(FiredRule(r.rule, k, r.citation) for r, k in fired),
        tuple(trace),
        (),
    )


def _fires(rule: Rule, lookup: Lookup) -> tuple[Truth, frozenset[str]]:
    if rule.when is None:
        return Truth.TRUE, frozenset()
    result = evaluate(rule.when, lookup)
    return result.truth, result.missing


def _class_of(rule: Rule, rule_set: RuleSet, lookup: Lookup) -> DeviceClass | frozenset[str] | None:
    """The class a fired rule gives; a frozenset names the facts still needed for it."""
    if rule.class_from is None:
        return rule.klass
    value = lookup(rule.class_from)
    if isinstance(value, Missing) or value is None:
        return frozenset({rule.class_from})
    klass = DeviceClass(str(value))
    if klass not in rule_set.scale:
        msg = (
            f"{rule.class_from} is {klass}, which is not a {rule_set.regulation} class "
            f"({', '.join(rule_set.scale)}); {rule.citation}"
        )
        raise InputError(msg)
    return klass


def _could_raise(rule: Rule, rule_set: RuleSet, top: int) -> bool:
    if rule.klass is None:
        return rule.class_from is not None
    return rule_set.rank(rule.klass) > top


def _step(rule_set: RuleSet, rule: Rule, klass: DeviceClass) -> TraceStep:
    name = rule.rule if rule.rule.startswith("IR") else f"Rule {rule.rule}"
    return TraceStep(
        f"{rule_set.regulation} Annex VIII, {name}", f"{rule.finding} Class {klass}.", rule.citation
    )
