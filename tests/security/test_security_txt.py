"""security.txt follows RFC 9116's field rules; the checker finds files that do not."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from techfile.project import load_manifest
from techfile.security import check_security_txt, security_txt

from .conftest import MINIMAL, NOW

VALID = "Contact: mailto:a@b.example\nExpires: 2027-01-01T00:00:00Z\n"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def _fields(text: str) -> list[tuple[str, str]]:
    pairs = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition(": ")
            pairs.append((name, value))
    return pairs


def test_the_written_file_has_the_fields_rfc_9116_asks_for(
    project: Callable[..., Path],
) -> None:
    manifest = load_manifest(project())
    assert manifest.security is not None
    written = security_txt(manifest.security, manifest.device, now=NOW)
    fields = _fields(written.text)
    names = [n for n, _ in fields]
    assert names.count("Contact") == 3
    assert names.count("Expires") == 1
    assert names.count("Preferred-Languages") == 1
    values = dict(fields)
    assert RFC3339.match(values["Expires"])
    assert values["Expires"] == "2027-06-30T00:00:00Z"
    assert values["Preferred-Languages"] == "en, de"
    assert values["Canonical"] == "https://cardiorisk.example/.well-known/security.txt"
    assert values["Policy"] == "https://cardiorisk.example/security/disclosure-policy"
    for name in ("Contact", "Canonical", "Encryption", "Acknowledgments", "Policy", "Hiring"):
        for value in (v for n, v in fields if n == name):
            assert value.startswith(("https://", "mailto:", "tel:")), (name, value)
    assert names.index("Contact") < names.index("Expires")
    assert written.text.endswith("\n")
    assert "\r" not in written.text
    assert written.warnings == ()
    assert check_security_txt(written.text, now=NOW) == ([], [])


def test_a_minimal_section_gives_a_minimal_valid_file(project: Callable[..., Path]) -> None:
    manifest = load_manifest(project(MINIMAL))
    assert manifest.security is not None
    written = security_txt(manifest.security, manifest.device, now=NOW)
    assert [n for n, _ in _fields(written.text)] == ["Contact", "Expires"]
    assert "Expires: 2027-01-01T00:00:00Z" in written.text  # a date is 00:00 UTC


def test_expires_more_than_a_year_ahead_is_a_warning(project: Callable[..., Path]) -> None:
    manifest = load_manifest(project())
    assert manifest.security is not None
    written = security_txt(manifest.security, None, now=NOW - dt.timedelta(days=400))
    assert written.warnings
    assert "more than a year ahead" in written.warnings[0]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Expires: 2027-01-01T00:00:00Z\n", "Contact is required"),
        ("Contact: mailto:a@b.example\n", "Expires must appear exactly once, found 0"),
        (
            VALID + "Expires: 2027-02-01T00:00:00Z\n",
            "Expires must appear exactly once, found 2",
        ),
        ("Contact: mailto:a@b.example\nExpires: 2027-01-01\n", "RFC 3339 date-time"),
        ("Contact: mailto:a@b.example\nExpires: 2026-01-01T00:00:00Z\n", "not in the future"),
        (
            "Contact: http://example.org/report\nExpires: 2027-01-01T00:00:00Z\n",
            "web URIs must begin with https://",
        ),
        (
            VALID + "Preferred-Languages: en\nPreferred-Languages: de\n",
            "Preferred-Languages may appear at most once",
        ),
        (
            VALID + "Preferred-Languages: en, english!\n",
            "not RFC 5646 language tags: english!",
        ),
        (
            "Contact: mailto:a@b.example\nExpires: 2027-01-01T00:00:00Z\nSignature: x\n",
            "Signature is not an RFC 9116 field",
        ),
        ("Contact: security team\nExpires: 2027-01-01T00:00:00Z\n", "must be a URI"),
        ("Contact mailto:a@b.example\nExpires: 2027-01-01T00:00:00Z\n", "expected 'Field-Name"),
    ],
)
def test_the_checker_finds_each_rule_broken(text: str, problem: str) -> None:
    problems, _ = check_security_txt(text, now=NOW)
    assert any(problem in p for p in problems), problems


def test_field_names_are_case_insensitive() -> None:
    text = "contact: mailto:a@b.example\nEXPIRES: 2027-01-01T00:00:00z\n"
    assert check_security_txt(text, now=NOW) == ([], [])
