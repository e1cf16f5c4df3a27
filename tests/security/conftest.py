"""A small project with a ``security:`` section, written to a temporary folder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

NOW = dt.datetime(2026, 10, 1, 9, 30, tzinfo=dt.UTC)

DEVICE = """\
device:
  name: CardioRisk CAD
  manufacturer: {name: Example Medical Software GmbH}
  version: 1.4.0
  intended_purpose: Estimates the risk of coronary artery disease from routine data.
  intended_users: [cardiologists]
  patient_population: adults with suspected coronary artery disease
  use_environment: [hospital]
"""

SECURITY = """\
sbom:
  support:
    numpy: {level: active, end_of_support: 2027-06-30}
    scikit-learn: {level: security_only}
    Jinja2: {level: active, end_of_support: 2035-01-01}
    six: {level: end_of_life}
security:
  contact:
    - mailto:security@cardiorisk.example
    - https://cardiorisk.example/security/report
    - tel:+49-30-1234567
  policy: https://cardiorisk.example/security/disclosure-policy
  advisories: https://cardiorisk.example/security/advisories
  preferred_languages: [en, de]
  security_txt:
    expires: 2027-06-30T00:00:00Z
    canonical: [https://cardiorisk.example/.well-known/security.txt]
    encryption: [https://cardiorisk.example/.well-known/openpgp.asc]
    acknowledgments: [https://cardiorisk.example/security/thanks]
    hiring: [https://cardiorisk.example/jobs]
  support_end: 2031-12-31
  response:
    acknowledge_days: 5
    assessment_days: 10
    fix_days: {low: 180, critical: 30, high: 60, medium: 90}
    disclosure_days: 90
  safe_harbour: true
"""

MINIMAL = """\
security:
  contact: [mailto:psirt@example.org]
  security_txt: {expires: 2027-01-01}
  support_end: 2030-06-30
  response: {acknowledge_days: 3, assessment_days: 14}
"""


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Path]:
    """Write ``techfile.yaml`` (the device plus ``extra``) and return its folder."""

    def write(extra: str = SECURITY) -> Path:
        folder = tmp_path / "project"
        folder.mkdir(exist_ok=True)
        (folder / "techfile.yaml").write_text(DEVICE + extra, encoding="utf-8")
        return folder

    return write
