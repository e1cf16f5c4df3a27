"""The bundled requirement catalog: complete, cited, consistent, and stable on a round trip."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from techfile.catalog import (
    CatalogDataError,
    RequirementId,
    check_catalog,
    diff_catalogs,
    dump_catalog,
    load_catalog,
    requirements_dir,
)
from techfile.cli import app

CATALOG = load_catalog()


def _ids(prefix: str) -> set[str]:
    return {r.id for r in CATALOG if r.id.startswith(prefix)}


def test_every_reference_resolves_and_every_entry_is_cited() -> None:
    assert check_catalog(CATALOG) == []
    for requirement in CATALOG:
        assert requirement.citation.strip(), requirement.id
        assert len(requirement.summary) >= 20, requirement.id
        assert requirement.evidence_kinds, requirement.id
    for source in CATALOG.sources:
        assert source.version.strip()
        assert source.legal_status_as_of.year == 2026


def test_mdr_annex_i_has_every_gspr_section_of_chapters_i_to_iii() -> None:
    sections = {f"MDR.AI.{n}" for n in range(1, 24)}
    assert sections <= _ids("MDR.AI.")
    # Chapter III, 23.4: points (a) to (z), then (aa) and (ab).
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)] + ["aa", "ab"]
    assert {f"MDR.AI.23.4.{x}" for x in letters} <= _ids("MDR.AI.23.4.")
    assert {f"MDR.AI.14.2.{x}" for x in "abcdefg"} <= _ids("MDR.AI.14.2.")
    assert {f"MDR.AI.17.{n}" for n in range(1, 5)} | {"MDR.AI.14.5", "MDR.AI.18.8"} <= _ids("MDR.")
    # Every numbered entry of Annex I as entered from the Official Journal text.
    assert len(_ids("MDR.AI.")) == 210


def test_ivdr_equivalents_are_present() -> None:
    assert {"IVDR.AI.16.1", "IVDR.AI.16.2", "IVDR.AI.16.3", "IVDR.AI.16.4"} <= _ids("IVDR.AI.16")
    assert {"IVDR.AI.13.2.d", "IVDR.AI.13.5", "IVDR.AI.20.4.1.ah"} <= _ids("IVDR.AI.")
    assert {f"IVDR.AI.{n}" for n in range(1, 21)} <= _ids("IVDR.AI.")


def test_ai_act_annex_iv_has_exactly_the_nine_items_and_their_points() -> None:
    items = {r.id for r in CATALOG if re.fullmatch(r"AIA\.AIV\.\d", r.id)}
    assert items == {f"AIA.AIV.{n}" for n in range(1, 10)}
    assert {f"AIA.AIV.1.{x}" for x in "abcdefgh"} <= _ids("AIA.AIV.1.")
    assert {f"AIA.AIV.2.{x}" for x in "abcdefgh"} <= _ids("AIA.AIV.2.")
    for article in (9, 10, 11, 12, 13, 14, 15, 17, 19, 43, 47, 48, 49, 72, 73):
        assert f"AIA.{article}" in CATALOG.requirements, article
    assert {f"AIA.AV.{n}" for n in range(1, 9)} <= _ids("AIA.AV.")


def test_state_of_the_art_is_not_law_and_the_cra_is_not_applied() -> None:
    source = next(s for s in CATALOG.sources if s.id == "state-of-the-art")
    assert source.kind == "state_of_the_art"
    assert {"SOTA.SBOM", "SOTA.CVD", "SOTA.SUPPORT-PERIOD"} <= _ids("SOTA.")
    text = " ".join(r.citation + r.summary for r in CATALOG).replace("\n", " ")
    assert "2016/1148" not in text or "repealed" in text  # NIS1 never cited as in force
    assert "2024/900" not in text


def test_the_crosswalk_links_the_regimes() -> None:
    pairs = {(k.source.split(".")[0], k.target.split(".")[0]) for k in CATALOG.links}
    assert ("MDR", "AIA") in pairs or ("AIA", "MDR") in pairs
    assert any("MDCG2019-16" in (a, b) for a, b in pairs)
    assert any("IVDR" in (a, b) for a, b in pairs)


def test_load_dump_load_is_stable(tmp_path: Path) -> None:
    dump_catalog(CATALOG, tmp_path / "once")
    once = load_catalog.__wrapped__(tmp_path / "once")
    dump_catalog(once, tmp_path / "twice")
    twice = load_catalog.__wrapped__(tmp_path / "twice")
    assert [r.content_hash for r in once] == [r.content_hash for r in CATALOG]
    assert once.requirements == twice.requirements == CATALOG.requirements
    assert once.links == CATALOG.links
    for path in (tmp_path / "once").iterdir():
        assert path.read_bytes() == (tmp_path / "twice" / path.name).read_bytes()


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "catalog"
    folder.mkdir(parents=True)
    for path in requirements_dir().glob("*.yaml"):
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def test_duplicate_ids_and_dangling_crosswalk_targets_are_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    crosswalk = folder / "crosswalk.yaml"
    crosswalk.write_text(crosswalk.read_text().replace("to: AIA.9.1\n", "to: AIA.9.99\n", 1))
    with pytest.raises(CatalogDataError, match=r"AIA\.9\.99 does not exist"):
        load_catalog.__wrapped__(folder)
    folder = _copy(tmp_path / "again")
    sota = folder / "state-of-the-art.yaml"
    sota.write_text(sota.read_text().replace("id: SOTA.CVD", "id: SOTA.SBOM", 1))
    with pytest.raises(CatalogDataError, match=r"duplicate requirement ids: SOTA\.SBOM"):
        load_catalog.__wrapped__(folder)


def test_catalog_diff_lists_added_removed_and_changed(tmp_path: Path) -> None:
    old = _copy(tmp_path / "old")
    requirements = dict(CATALOG.requirements)
    gone = requirements.pop(RequirementId("SOTA.KEY-PROTECTION"))
    requirements[RequirementId("SOTA.KEY-MANAGEMENT")] = dataclasses.replace(
        gone, id=RequirementId("SOTA.KEY-MANAGEMENT")
    ).with_hash()
    sbom = requirements[RequirementId("SOTA.SBOM")]
    requirements[sbom.id] = dataclasses.replace(sbom, title="SBOM kept current").with_hash()
    links = tuple(k for k in CATALOG.links if gone.id not in (k.source, k.target))
    changed = dataclasses.replace(CATALOG, requirements=requirements, links=links)
    new = tmp_path / "new"
    dump_catalog(changed, new)
    diff = diff_catalogs(load_catalog.__wrapped__(old), load_catalog.__wrapped__(new))
    assert diff.added == ("SOTA.KEY-MANAGEMENT",)
    assert diff.removed == ("SOTA.KEY-PROTECTION",)
    assert [(c.id, c.fields) for c in diff.changed] == [("SOTA.SBOM", ("title",))]
    result = CliRunner().invoke(app, ["catalog", "diff", str(old), str(new), "--json"])
    assert result.exit_code == 1
    assert '"SOTA.KEY-MANAGEMENT"' in result.stdout
    same = CliRunner().invoke(app, ["catalog", "diff", str(old), str(old)])
    assert same.exit_code == 0


def test_catalog_cli_show_and_search() -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["catalog", "show", "MDR.AI.17.2", "--json"])
    assert shown.exit_code == 0
    assert '"citation": "MDR Annex I, Chapter II, Section 17.2"' in shown.stdout
    found = runner.invoke(app, ["catalog", "search", "bill of materials", "--json"])
    assert "SOTA.SBOM" in found.stdout
    missing = runner.invoke(app, ["catalog", "show", "MDR.AI.99"])
    assert missing.exit_code == 2
