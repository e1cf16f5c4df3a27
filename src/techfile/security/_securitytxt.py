"""RFC 9116 ``security.txt``: written from ``techfile.yaml``, and checked field by field.

The file tells researchers where to report vulnerabilities. `security_txt` writes it;
`check_security_txt` checks any such text against the RFC's field rules and is run on every
file written, so a file that breaks them is never produced.

Rules enforced (RFC 9116 §2.5): Contact at least once, each a URI; Expires exactly once, an
RFC 3339 date-time in the future (a warning when more than a year ahead, §2.5.5);
Preferred-Languages at most once, a comma-separated list of RFC 5646 tags; web URIs (Contact,
Canonical, Encryption, Acknowledgments, Policy, Hiring) begin with ``https://``; each line is
empty, a ``#`` comment, or ``Field-Name: value``; fields this RFC does not define are
reported (the writer never makes them). The OpenPGP cleartext signature the RFC recommends
is not made here: sign the file with the manufacturer's published key before serving it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from techfile.project import DeviceIdentity, SecurityConfig
from techfile.security.errors import SecurityDocsError

__all__ = ["SecurityTxt", "check_security_txt", "rfc3339", "security_txt"]

_RFC3339 = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_FIELD = re.compile(r"^(?P<name>[A-Za-z0-9-]+): (?P<value>\S.*)$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_FIELDS = {
    "acknowledgments": "Acknowledgments",
    "canonical": "Canonical",
    "contact": "Contact",
    "encryption": "Encryption",
    "expires": "Expires",
    "hiring": "Hiring",
    "policy": "Policy",
    "preferred-languages": "Preferred-Languages",
}
_WEB = ("http:", "https:")
_YEAR = dt.timedelta(days=365)


@dataclass(frozen=True, slots=True)
class SecurityTxt:
    """A written security.txt."""

    text: str
    """The file's text (UTF-8, LF line ends)."""
    warnings: tuple[str, ...]
    """RFC recommendations not followed (e.g. Expires more than a year ahead)."""


def rfc3339(when: dt.datetime) -> str:
    """A UTC time as RFC 3339 with a ``Z`` (as RFC 9116's Expires wants)."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def security_txt(
    config: SecurityConfig, device: DeviceIdentity | None, *, now: dt.datetime
) -> SecurityTxt:
    """Write the security.txt of the ``security:`` section.

    Raises:
        SecurityDocsError: The result breaks RFC 9116 (check Expires before calling: a
            stale one is the caller's bad input); the message lists every problem.
    """
    txt = config.security_txt
    who = f" for {device.name} by {device.manufacturer}" if device else ""
    lines = [
        f"# security.txt{who} (RFC 9116).",
        "# Serve it as https://<host>/.well-known/security.txt (text/plain; charset=utf-8).",
        "# Written by `techfile security docs` from the security: section of techfile.yaml.",
        "",
    ]
    lines += [f"Contact: {c}" for c in config.contact]
    lines.append(f"Expires: {rfc3339(txt.expires)}")
    lines += [f"Encryption: {e}" for e in txt.encryption]
    lines += [f"Acknowledgments: {a}" for a in txt.acknowledgments]
    if config.preferred_languages:
        lines.append(f"Preferred-Languages: {', '.join(config.preferred_languages)}")
    lines += [f"Canonical: {c}" for c in txt.canonical]
    if config.policy:
        lines.append(f"Policy: {config.policy}")
    if config.advisories and config.advisories != config.policy:
        lines.append(f"# Security advisories: {config.advisories}")
    lines += [f"Hiring: {h}" for h in txt.hiring]
    text = "\n".join(lines) + "\n"
    problems, warnings = check_security_txt(text, now=now)
    if problems:
        msg = f"the security.txt written breaks RFC 9116: {'; '.join(problems)}"
        raise SecurityDocsError(msg)
    return SecurityTxt(text, tuple(warnings))


def _check_value(name: str, value: str, number: int) -> list[str]:
    if name == "expires":
        return (
            []
            if _RFC3339.match(value)
            else [f"line {number}: Expires must be an RFC 3339 date-time, found {value!r}"]
        )
    if name == "preferred-languages":
        tags = [t.strip() for t in value.split(",")]
        bad = [t for t in tags if not _LANGUAGE.match(t)]
        return [f"line {number}: not RFC 5646 language tags: {', '.join(bad)}"] if bad else []
    if not _URI.match(value):
        return [f"line {number}: {_FIELDS[name]} must be a URI, found {value!r}"]
    if value.startswith(_WEB) and not value.startswith("https://"):
        return [f"line {number}: {_FIELDS[name]} web URIs must begin with https://"]
    return []


def _read_fields(text: str) -> tuple[list[str], Counter[str], str | None]:
    """Per-line problems, how often each field appears, and the (last) Expires value."""
    problems: list[str] = []
    counts: Counter[str] = Counter()
    expires: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _FIELD.match(line)
        if match is None:
            problems.append(f"line {number}: expected 'Field-Name: value', found {line[:40]!r}")
            continue
        name, value = match["name"].lower(), match["value"].strip()
        if name not in _FIELDS:
            problems.append(f"line {number}: {match['name']} is not an RFC 9116 field")
            continue
        counts[name] += 1
        problems += _check_value(name, value, number)
        if name == "expires":
            expires = value
    return problems, counts, expires


def check_security_txt(text: str, *, now: dt.datetime) -> tuple[list[str], list[str]]:
    """Check security.txt text against RFC 9116's field rules.

    Returns:
        The problems (rules broken) and the warnings (recommendations not followed).
    """
    problems, counts, expires = _read_fields(text)
    if counts["contact"] == 0:
        problems.append("Contact is required (RFC 9116 §2.5.3)")
    if counts["expires"] != 1:
        problems.append(f"Expires must appear exactly once, found {counts['expires']} (§2.5.5)")
    if counts["preferred-languages"] > 1:
        problems.append("Preferred-Languages may appear at most once (§2.5.8)")
    warnings: list[str] = []
    if expires is not None and _RFC3339.match(expires):
        when = dt.datetime.fromisoformat(expires.upper())
        if when <= now:
            problems.append(f"Expires {expires} is not in the future: the file is stale")
        elif when - now > _YEAR:
            warnings.append(
                f"Expires {expires} is more than a year ahead; RFC 9116 §2.5.5 recommends less"
            )
    return problems, warnings
