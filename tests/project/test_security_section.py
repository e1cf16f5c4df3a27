"""The ``security:`` section of techfile.yaml: values checked, unknown keys refused, located."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from techfile.errors import LocatedInputError
from techfile.project import Severity, load_manifest

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
GOOD = """\
security:
  contact: [mailto:psirt@example.org, https://example.org/report]
  preferred_languages: [en, de-AT]
  security_txt:
    expires: 2027-01-01T12:00:00+02:00
    encryption: [openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f]
  support_end: 2030-06-30
  response:
    acknowledge_days: 3
    assessment_days: 14
    fix_days: {low: 120, critical: 14}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "techfile.yaml"
    path.write_text(DEVICE + text, encoding="utf-8")
    return path


def test_a_good_section_becomes_domain_values(tmp_path: Path) -> None:
    security = load_manifest(_write(tmp_path, GOOD)).security
    assert security is not None
    assert security.contact == ("mailto:psirt@example.org", "https://example.org/report")
    assert security.security_txt.expires == dt.datetime(2027, 1, 1, 10, 0, tzinfo=dt.UTC)
    assert security.support_end == dt.date(2030, 6, 30)
    assert list(security.response.fix_days) == [Severity.CRITICAL, Severity.LOW]
    assert security.safe_harbour is False
    assert security.policy is None


@pytest.mark.parametrize(
    ("change", "line", "field", "words"),
    [
        (("contact: [mailto:psirt@example.org, https://example.org/report]",
          "contact: [http://example.org/report]"), 10, "security.contact.0", "https://"),
        (("contact: [mailto:psirt@example.org, https://example.org/report]",
          "contact: []"), 10, "security.contact", "at least 1"),
        (("preferred_languages: [en, de-AT]", "preferred_languages: [English]"), 11,
         "security.preferred_languages.0", "RFC 5646"),
        (("support_end: 2030-06-30", "support_ends: 2030-06-30"), 15, "security.support_ends",
         "did you mean 'support_end'"),
        (("acknowledge_days: 3", "acknowledge_days: 30"), 16, "security.response",
         "assessment_days at least acknowledge_days"),
        (("fix_days: {low: 120, critical: 14}", "fix_days: {severe: 10}"), 19,
         "security.response.fix_days.severe", "critical"),
        (("    expires: 2027-01-01T12:00:00+02:00\n", ""), 12, "security.security_txt.expires",
         "required key is missing"),
    ],
)  # fmt: skip
def test_each_bad_value_is_located(
    tmp_path: Path, change: tuple[str, str], line: int, field: str, words: str
) -> None:
    path = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(LocatedInputError) as caught:
        load_manifest(path)
    message = caught.value.diagnostics()
    assert message.startswith(f"{path}:{line}:"), message
    assert f"field '{field}'" in message
    assert words in message
