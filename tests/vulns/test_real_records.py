"""Matching on every real OSV record of the shared test data, one test per trap its README lists."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from techfile.sbom.vulns import Advisory, Basis, DateSource, load_database, match

Make = Callable[..., Advisory]

# (record, package as the SBOM spells it, version, affected?) for every record.
CASES = [
    ("GHSA-h75v-3vvj-5mfj", "jinja2", "3.1.3", True),
    ("GHSA-h75v-3vvj-5mfj", "Jinja2", "2.11.3", True),
    ("GHSA-h75v-3vvj-5mfj", "jinja2", "3.1.4", False),
    ("PYSEC-2023-74", "requests", "2.2.1", False),
    ("PYSEC-2023-74", "requests", "2.3.0", True),
    ("PYSEC-2023-74", "requests", "2.10.0", True),
    ("PYSEC-2023-74", "requests", "2.30.0", True),
    ("PYSEC-2023-74", "requests", "2.31.0", False),
    ("PYSEC-2023-192", "urllib3", "1.26.16", True),
    ("PYSEC-2023-192", "urllib3", "1.26.17", False),
    ("PYSEC-2023-192", "urllib3", "1.26.18", False),
    ("PYSEC-2023-192", "urllib3", "2.0.0", True),
    ("PYSEC-2023-192", "urllib3", "2.0.5", True),
    ("PYSEC-2023-192", "urllib3", "2.0.6", False),
    ("PYSEC-2023-227", "pillow", "9.5.0", True),
    ("PYSEC-2023-227", "Pillow", "3.1.0rc1", True),
    ("PYSEC-2023-227", "pillow", "10.0.0", False),
    ("PYSEC-2022-42969", "py", "1.11.0", True),
    ("PYSEC-2022-42969", "py", "0.8.0a2", True),
    ("PYSEC-2022-42969", "py", "1.11.1", False),
]


@pytest.mark.parametrize(("name", "package", "version", "affected"), CASES, ids=str)
@pytest.mark.parametrize("ranges_only", [False, True], ids=["with-versions", "ranges-only"])
def test_every_record_matches_as_its_ranges_and_lists_say(
    advisory: Make,
    name: str,
    package: str,
    version: str,
    affected: bool,  # noqa: FBT001  # a parametrised value
    ranges_only: bool,  # noqa: FBT001  # a parametrised value
) -> None:
    assert match(advisory(name, ranges_only=ranges_only), package, version).affected is affected


def test_jinja2_trap_names_compare_after_pep503_normalisation(advisory: Make) -> None:
    record = advisory("GHSA-h75v-3vvj-5mfj")
    assert record.affected[0].name == "Jinja2"  # not normalised upstream
    for spelling in ("jinja2", "Jinja2", "JINJA2"):
        assert match(record, spelling, "3.1.3").basis is Basis.RANGE
    assert not match(record, "jinja", "3.1.3").affected


def test_requests_trap_git_range_skipped_and_introduced_not_zero(advisory: Make) -> None:
    ranges_only = advisory("PYSEC-2023-74", ranges_only=True)
    verdict = match(ranges_only, "requests", "2.10.0")
    assert verdict.basis is Basis.RANGE  # 2.10.0 > 2.3.0 as PEP 440, though "2.10" < "2.3" as text
    assert verdict.skipped == ("GIT",)
    assert not match(ranges_only, "requests", "2.2.1").affected
    assert not match(advisory("PYSEC-2023-74"), "requests", "2.2.1").affected


def test_urllib3_trap_events_out_of_order_are_sorted_first(advisory: Make) -> None:
    record = advisory("PYSEC-2023-192", ranges_only=True)
    # Walked in file order (introduced 2.0.0, fixed 2.0.6, introduced 0, fixed 1.26.17) the
    # last "introduced 0 ... fixed 1.26.17" pair would leave 2.0.0-2.0.5 unaffected.
    for version in ("2.0.0", "2.0.4", "2.0.5"):
        assert match(record, "urllib3", version).basis is Basis.RANGE
    assert not match(record, "urllib3", "2.0.6").affected
    assert set(match(record, "urllib3", "2.0.5").fixed) == {"2.0.6", "1.26.17"}
    assert match(record, "urllib3", "2.0.5").skipped == ("GIT",)


def test_pillow_trap_pep440_spellings_and_duplicates(advisory: Make) -> None:
    record = advisory("PYSEC-2023-227")
    assert "3.1.0.rc1" in record.affected[0].versions
    assert "3.1.0rc1" in record.affected[0].versions
    for version in ("3.1.0rc1", "3.1.0.rc1", "3.1.0-rc1", "5.4.0.dev0", "5.4.0dev0"):
        assert match(record, "pillow", version).basis is Basis.VERSIONS


def test_py_trap_last_affected_is_inclusive_and_alpha_normalises(advisory: Make) -> None:
    ranges_only = advisory("PYSEC-2022-42969", ranges_only=True)
    assert match(ranges_only, "py", "1.11.0").basis is Basis.RANGE
    assert not match(ranges_only, "py", "1.11.1").affected
    listed = advisory("PYSEC-2022-42969")
    assert "0.8.0-alpha2" in listed.affected[0].versions
    assert match(listed, "py", "0.8.0a2").basis is Basis.VERSIONS


def test_a_withdrawn_record_matches_nothing(record: Callable[[str], dict[str, object]]) -> None:
    from techfile.errors import Location  # noqa: PLC0415
    from techfile.sbom.vulns import parse_advisory  # noqa: PLC0415

    data = record("PYSEC-2023-74") | {"withdrawn": "2024-01-01T00:00:00Z"}
    assert not match(parse_advisory(data, Location(None)), "requests", "2.30.0").affected


def test_the_real_zip_is_read_and_dated_by_its_newest_record(osv: Path) -> None:
    names = ["jinja2", "requests", "urllib3", "pillow", "py"]
    database = load_database(osv / "PyPI" / "all.zip", names)
    info = database.info
    assert (info.records, info.parsed, info.withdrawn) == (5, 5, 0)
    assert info.date is not None
    assert info.date.isoformat() == "2024-05-06T14:20:59+00:00"  # GHSA-h75v-3vvj-5mfj
    assert info.date_source is DateSource.MODIFIED
    assert sorted(database.by_name) == sorted(names)
    folder = load_database(osv / "json", ["Jinja2"])
    assert (folder.info.records, folder.info.parsed) == (5, 1)
    assert [a.id for a in folder.by_name["jinja2"]] == ["GHSA-h75v-3vvj-5mfj"]
