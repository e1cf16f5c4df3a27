"""The AI hazard library and the checks' data: complete, cited, and resolving in the catalog."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from techfile.catalog import EvidenceKind, load_catalog
from techfile.errors import InputError
from techfile.risk import CheckId, ControlType, load_risk_data

DATA = Path(str(resources.files("techfile.catalog") / "data" / "risk"))

# The hazards every AI device's risk file must address or justify (AI Act Art 9, 10, 14, 15).
REQUIRED = {
    "AIH.DATASET-SHIFT",
    "AIH.SUBGROUP-UNDERPERFORMANCE",
    "AIH.LABEL-NOISE",
    "AIH.SHORTCUT-LEARNING",
    "AIH.AUTOMATION-BIAS",
    "AIH.OUT-OF-POPULATION",
    "AIH.ADVERSARIAL-OR-POISONED",
    "AIH.UPDATE-DRIFT",
    "AIH.INEFFECTIVE-OVERSIGHT",
    "AIH.INVALID-INPUT",
}


def test_the_library_holds_every_required_hazard_once() -> None:
    ids = [h.id for h in load_risk_data().hazards]
    assert len(ids) == len(set(ids))
    assert set(ids) == REQUIRED


def test_every_hazard_is_cited_and_its_requirements_resolve() -> None:
    catalog = load_catalog()
    for hazard in load_risk_data().hazards:
        assert hazard.citations, hazard.id
        assert all("AI Act" in c or "MDCG" in c or "MDR" in c for c in hazard.citations)
        for rid in hazard.requirements:
            assert catalog.get(rid) is not None, (hazard.id, rid)
        assert {c.type for c in hazard.typical_controls} <= set(ControlType)
        assert hazard.verification


def test_the_named_evidence_kinds_verify_the_ai_hazards_they_should() -> None:
    data = load_risk_data()
    subgroup = data.hazard("AIH.SUBGROUP-UNDERPERFORMANCE")
    oversight = data.hazard("AIH.INEFFECTIVE-OVERSIGHT")
    assert subgroup is not None
    assert oversight is not None
    assert {EvidenceKind.EVALUATION, EvidenceKind.DATAGOV} <= set(subgroup.verification)
    assert EvidenceKind.DECISION_LOG in oversight.verification


def test_every_check_is_cited_and_the_record_links_accept_risk_evidence() -> None:
    data = load_risk_data()
    assert set(data.checks) == set(CheckId)
    assert all(rule.citations for rule in data.checks.values())
    catalog = load_catalog()
    for rid in data.record_requirements:
        requirement = catalog.get(rid)
        assert requirement is not None, rid
        assert EvidenceKind.RISK in requirement.evidence_kinds, rid


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "risk"
    shutil.copytree(DATA, folder)
    return folder


def test_an_unknown_requirement_in_the_library_is_located(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "ai-hazards.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[AIA.10.2.c, AIA.10.3]", "[AIA.10.2.c, AIA.99]"))
    with pytest.raises(
        InputError, match=r"ai-hazards\.yaml:\d+:\d+: unknown requirement id AIA\.99"
    ):
        load_risk_data(folder)


def test_a_check_without_data_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "risk-management.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  control_priority:")
    end = text.index("record_requirements:")
    path.write_text(text[:start] + "\n" + text[end:], encoding="utf-8")
    with pytest.raises(InputError, match="no entry for check"):
        load_risk_data(folder)
