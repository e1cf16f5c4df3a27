"""The ``datasets:`` section of ``techfile.yaml``: reference population and datasheet answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from techfile.datagov import DatasheetHeading
from techfile.errors import LocatedInputError
from techfile.project import Datasets, ReferencePopulation, parse_manifest
from techfile.project._datasets import DatasetsModel

DEVICE = """\
device:
  name: CardioRisk CAD
  manufacturer: {name: Example Medical Software GmbH}
  version: 1.0.0
  intended_purpose: Estimates the probability of coronary artery disease in adults.
  intended_users: [cardiologists]
  patient_population: Adults with suspected stable coronary artery disease
  use_environment: [outpatient cardiology clinic]
"""
PATH = Path("techfile.yaml")
REF = "datasets:\n  reference_population:\n    source: x\n"


def _located(section: str) -> LocatedInputError:
    with pytest.raises(LocatedInputError) as caught:
        parse_manifest(DEVICE + section, PATH)
    return caught.value


def test_a_full_section_becomes_the_domain_value() -> None:
    manifest = parse_manifest(
        DEVICE
        + """\
datasets:
  reference_population:
    source: "Eurostat 2024, population on 1 January by age group and sex"
    sex: {female: 0.51, male: 0.49}
    age_band: {"18-44": 0.33, "45-64": 0.33, "65+": 0.33}
  motivation: Built to estimate coronary disease risk.
  uses: Not for acute chest pain.
""",
        PATH,
    )
    assert manifest.datasets == Datasets(
        ReferencePopulation(
            "Eurostat 2024, population on 1 January by age group and sex",
            {
                "sex": {"female": 0.51, "male": 0.49},
                "age_band": {"18-44": 0.33, "45-64": 0.33, "65+": 0.33},
            },
        ),
        {
            "motivation": "Built to estimate coronary disease risk.",
            "uses": "Not for acute chest pain.",
        },
    )


def test_without_the_section_there_are_no_datasets() -> None:
    assert parse_manifest(DEVICE, PATH).datasets is None


@pytest.mark.parametrize(
    ("section", "line", "field", "phrase"),
    [
        (
            REF + "    sex: {female: 0.6, male: 0.6}\n",
            12,
            "datasets.reference_population.sex",
            "these sum to 1.2",
        ),
        (
            REF + "    sex: {female: -0.1, male: 1.1}\n",
            12,
            "datasets.reference_population.sex.female",
            "greater than or equal to 0",
        ),
        (
            "datasets:\n  reference_population:\n    source: x\n    sex: {female: 51, male: 49}\n",
            12,
            "datasets.reference_population.sex.female",
            "less than or equal to 1",
        ),
        (
            REF + "    sex: {female: '0.5', male: 0.5}\n",
            12,
            "datasets.reference_population.sex.female",
            "valid number",
        ),
        (
            "datasets:\n  reference_population:\n    sex: {female: 0.5, male: 0.5}\n",
            10,
            "datasets.reference_population.source",
            "required key is missing",
        ),
        (
            "datasets:\n  reference_population:\n    source: Eurostat\n",
            10,
            "datasets.reference_population",
            "at least one attribute beside source",
        ),
        (
            "datasets:\n  motivaton: Built for a test.\n",
            10,
            "datasets.motivaton",
            "did you mean 'motivation'?",
        ),
        (
            "datasets:\n  uses: ''\n",
            10,
            "datasets.uses",
            "at least 1 character",
        ),
    ],
    ids=[
        "sum",
        "negative",
        "percentages",
        "text-share",
        "no-source",
        "no-attribute",
        "typo",
        "empty",
    ],
)
def test_bad_sections_are_located(section: str, line: int, field: str, phrase: str) -> None:
    error = _located(section)
    assert error.location.line == line
    assert error.field == field
    assert phrase in error.diagnostics()


def test_the_model_has_one_answer_per_datasheet_heading() -> None:
    answers = set(DatasetsModel.model_fields) - {"reference_population"}
    assert answers == {h.value for h in DatasheetHeading}
