"""The rule data: every reference resolves, every entry cites its source (STYLE B2, B6)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from techfile.catalog._conditions import fact_names
from techfile.classify import Regulation, check_rulebook, load_rulebook
from techfile.classify._loading import DERIVED_FACTS, RuleDataError, rules_dir
from techfile.errors import InputError

BOOK = load_rulebook()


def test_every_reference_resolves() -> None:
    assert check_rulebook(BOOK) == []


def test_every_source_is_dated_and_versioned() -> None:
    ids = {source.id for source in BOOK.sources}
    assert {"mdr-2017-745", "ivdr-2017-746", "ai-act-2024-1689", "mdcg-2019-11", "facts"} <= ids
    for source in BOOK.sources:
        assert source.version
        assert dt.date(2026, 1, 1) <= source.legal_status_as_of <= dt.date(2026, 11, 22)


@pytest.mark.parametrize("regulation", list(Regulation))
def test_every_rule_cites_its_source(regulation: Regulation) -> None:
    rule_set = BOOK.rule_sets[regulation]
    assert rule_set.rules
    for rule in rule_set.rules:
        assert rule.citation.startswith(regulation.value), rule.id
        assert rule.finding


def test_tree_nodes_cite_and_reach_an_end() -> None:
    for tree in BOOK.trees.values():
        for node in tree.nodes.values():
            assert node.citation
            for branch in (node.if_true, node.if_false):
                assert branch.finding
                assert (branch.next, branch.outcome, branch.ask).count(None) == 2


def test_every_fact_read_is_a_contract_fact_or_derived() -> None:
    facts = {spec.name for spec in BOOK.facts}
    for tree in BOOK.trees.values():
        for node in tree.nodes.values():
            assert set(fact_names(node.test)) <= facts | DERIVED_FACTS


def test_contract_facts_are_all_specified() -> None:
    contract = {
        "is_software", "is_ai_system", "medical_purpose",
        "action_beyond_storage_communication_search", "individual_patient_benefit",
        "annex_xvi_or_accessory", "drives_or_influences_device", "driven_device_class",
        "ivd_information", "data_sources", "information_use", "worst_case_impact",
        "vital_parameters_immediate_danger", "special_rule_triggers", "ivd_rule_triggers",
        "sterile", "measuring_function", "reusable_surgical_instrument", "in_house_art_5_5",
        "annex_iii_use_case",
    }  # fmt: skip
    assert contract <= {spec.name for spec in BOOK.facts}


def test_all_22_mdr_rules_and_7_ivdr_rules_are_covered() -> None:
    mdr = {r.rule.split("(")[0] for r in BOOK.rule_sets[Regulation.MDR].rules}
    assert {str(n) for n in range(1, 23)} <= mdr
    ivdr = {r.rule.split("(")[0] for r in BOOK.rule_sets[Regulation.IVDR].rules}
    assert {str(n) for n in range(1, 8)} <= ivdr
    rule_3 = {r.rule for r in BOOK.rule_sets[Regulation.IVDR].rules if r.rule.startswith("3(")}
    assert rule_3 == {f"3({letter})" for letter in "abcdefghijklm"}


def _copy_rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    for source in rules_dir().glob("*.yaml"):
        (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def test_a_dangling_tree_link_is_rejected(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    path = folder / "mdcg-2019-11.yaml"
    path.write_text(path.read_text().replace("next: step-4\n", "next: step-44\n"))
    with pytest.raises(RuleDataError, match="no node step-44"):
        load_rulebook.__wrapped__(folder)


def test_an_unknown_trigger_in_a_condition_is_rejected(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    path = folder / "facts.yaml"
    path.write_text(path.read_text().replace("contains: rule_8_teeth}", "contains: rule_8_tooth}"))
    with pytest.raises(RuleDataError, match="unknown trigger rule_8_tooth"):
        load_rulebook.__wrapped__(folder)


def test_an_empty_all_of_is_rejected(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    path = folder / "ai-act-2024-1689.yaml"
    text = path.read_text().replace(
        "test: {fact: is_ai_system, equals: true}", "test: {all_of: []}", 1
    )
    path.write_text(text)
    with pytest.raises(InputError, match="all_of"):
        load_rulebook.__wrapped__(folder)


def test_an_unknown_key_in_rule_data_is_located(tmp_path: Path) -> None:
    folder = _copy_rules(tmp_path)
    path = folder / "mdr-2017-745.yaml"
    path.write_text(path.read_text().replace("combine_citation:", "combine_citaton:", 1))
    with pytest.raises(InputError, match=r"mdr-2017-745\.yaml:\d+:\d+: .*combine_citaton"):
        load_rulebook.__wrapped__(folder)
