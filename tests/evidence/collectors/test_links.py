"""Requirement ids found in test names and property values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from techfile.evidence.collectors._links import REQUIREMENT_ID, ids_in_brackets, split_id_list


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("test_x[MDR.AI.17.2]", ["MDR.AI.17.2"]),
        ("test_x[AIA.15.1-MDR.AI.17.2]", ["AIA.15.1", "MDR.AI.17.2"]),
        ("test_x[0.5-MDR.AI.17.2]", ["MDR.AI.17.2"]),
        ("test_x[MDCG2019-16.foreseeable-misuse]", ["MDCG2019-16.foreseeable-misuse"]),
        ("test_x[IVDR.AI.16.2-SOTA.SBOM]", ["IVDR.AI.16.2", "SOTA.SBOM"]),
        ("test_x[see MDR.AI.17.2.]", ["MDR.AI.17.2"]),
        ("test_x[MDR.]", []),
        ("test_MDR.AI.17.2", []),  # outside brackets: not a link
        ("test_x[XMDR.AI.17.2]", []),
        ("Test/[AIA.9.2.a]_x[AIA.10]", ["AIA.9.2.a", "AIA.10"]),
    ],
)
def test_ids_in_brackets(text: str, ids: list[str]) -> None:
    assert ids_in_brackets(text) == ids


def test_split_id_list() -> None:
    assert split_id_list(" AIA.12.1, AIA.12.2\tMDR.AI.17.2 ") == (
        ["AIA.12.1", "AIA.12.2", "MDR.AI.17.2"],
        [],
    )
    assert split_id_list("MDR.AI.17.2,,GSPR-17") == (["MDR.AI.17.2"], ["GSPR-17"])
    assert split_id_list("") == ([], [])


PREFIXES = st.sampled_from(["MDR", "IVDR", "AIA", "MDCG2019-16", "SOTA"])
SEGMENT = st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True)
BODY = st.lists(st.tuples(st.sampled_from([".", "-"]), SEGMENT), max_size=4)
IDS = st.builds(
    lambda prefix, first, rest: f"{prefix}.{first}" + "".join(sep + seg for sep, seg in rest),
    PREFIXES,
    SEGMENT,
    BODY,
)


@given(st.lists(IDS, min_size=1, max_size=4))
def test_pytest_joined_ids_come_apart(ids: list[str]) -> None:
    assert all(REQUIREMENT_ID.fullmatch(i) for i in ids)
    assert ids_in_brackets(f"test_x[{'-'.join(ids)}]") == ids
