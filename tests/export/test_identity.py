"""OSCAL identifiers: control ids are valid tokens, one-to-one, and UUIDs are stable."""

from __future__ import annotations

import re
import uuid

import pytest

from techfile.catalog import load_catalog
from techfile.export import ExportError, control_id
from techfile.export._identity import control_ids, one_line, stable_uuid

# OSCAL token (XML NCName), the ASCII part of trestle.oscal.common.TokenDatatype's pattern.
TOKEN = re.compile(r"[_A-Za-z][-._A-Za-z0-9]*")


@pytest.mark.parametrize(
    ("requirement_id", "expected"),
    [
        ("MDR.AI.17.2", "mdr.ai.17.2"),
        ("AIA.AIV.2.g", "aia.aiv.2.g"),
        ("MDCG2019-16.SECURE-DESIGN", "mdcg2019-16.secure-design"),
        ("17.2", "_17.2"),
        ("MDR AI/17(2)", "mdr_ai_17_2_"),
    ],
    ids=["mdr", "ai-act-annex", "guidance-with-hyphen", "leading-digit", "forbidden-characters"],
)
def test_control_id_is_a_token(requirement_id: str, expected: str) -> None:
    assert control_id(requirement_id) == expected
    assert TOKEN.fullmatch(expected)


def test_every_catalog_id_maps_to_a_distinct_token() -> None:
    catalog = load_catalog()
    ids = control_ids(catalog.requirements)
    assert len(set(ids.values())) == len(catalog)
    assert all(TOKEN.fullmatch(cid) for cid in ids.values())


def test_ids_differing_only_in_case_are_rejected() -> None:
    with pytest.raises(ExportError, match=r"MDR\.A and MDR\.a both map"):
        control_ids(["MDR.A", "MDR.a"])


def test_an_empty_id_is_rejected() -> None:
    with pytest.raises(ExportError):
        control_id("")


def test_stable_uuid_is_version_5_and_repeatable() -> None:
    first = stable_uuid("finding", "MDR.AI.17.2")
    assert first == stable_uuid("finding", "MDR.AI.17.2")
    assert uuid.UUID(first).version == 5
    assert first != stable_uuid("finding", "MDR.AI.17.3")
    assert stable_uuid("a", "bc") != stable_uuid("ab", "c")


def test_one_line_makes_a_valid_property_value() -> None:
    assert one_line("  Annex I,\n  Section 17.2 ") == "Annex I, Section 17.2"
