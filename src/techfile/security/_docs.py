"""The security documents of a project: disclosure policy, security.txt, support statement.

`render_security_docs` makes the three texts from ``techfile.yaml`` (pure: the manifest, the
catalog and a time in, texts out); `write_security_docs` writes them atomically into a
folder. The prose is in ``templates/`` (Jinja2, Markdown); every legal or guidance citation
is taken from the requirement catalog by id, so the documents cite exactly what the
technical file cites, and a template naming an unknown id fails.

Rules enforced: the manifest has a ``security:`` section; security.txt's Expires is in the
future (else bad input, located in ``techfile.yaml``); the security.txt written passes the
RFC 9116 check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jinja2

from techfile.catalog import Catalog, Requirement, load_catalog
from techfile.classify import Regulation, classify
from techfile.errors import InputError, LocatedInputError, Location
from techfile.located import load_yaml
from techfile.project import Manifest, SecurityConfig, atomic_write_text
from techfile.security._securitytxt import rfc3339, security_txt
from techfile.security._support import SupportPeriod, support_period
from techfile.security.errors import SecurityDocsError

__all__ = [
    "CVD_POLICY",
    "SECURITY_TXT",
    "SUPPORT_STATEMENT",
    "SecurityDocs",
    "WrittenFile",
    "render_security_docs",
    "write_security_docs",
]

CVD_POLICY = "vulnerability-disclosure-policy.md"
"""File name of the coordinated vulnerability disclosure policy."""
SECURITY_TXT = "security.txt"
"""File name of the RFC 9116 file."""
SUPPORT_STATEMENT = "support-period.md"
"""File name of the support-period statement."""


@dataclass(frozen=True, slots=True)
class WrittenFile:
    """A document written."""

    name: str
    """File name."""
    path: Path
    """Where."""
    sha256: str
    """Hex SHA-256 of its bytes."""


@dataclass(frozen=True, slots=True)
class SecurityDocs:
    """The three documents, as texts, with what they found."""

    texts: Mapping[str, str]
    """File name -> text."""
    support: SupportPeriod
    """The device's and its components' support."""
    expires: dt.datetime
    """security.txt's Expires."""
    warnings: tuple[str, ...] = ()
    """Things to act on (support ended, components not covered, Expires far ahead)."""
    files: tuple[WrittenFile, ...] = field(default=())
    """The files written (empty until written)."""


class _Citations:
    """``cite(ID)`` for templates: a numbered reference to a catalog entry, listed at the end."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self.used: list[Requirement] = []

    def __call__(self, requirement_id: str) -> str:
        requirement = self._catalog.get(requirement_id)
        if requirement is None:
            msg = f"a security template cites {requirement_id!r}, which the catalog lacks"
            raise SecurityDocsError(msg)
        if requirement not in self.used:
            self.used.append(requirement)
        return f"[{self.used.index(requirement) + 1}]"


def _environment() -> jinja2.Environment:
    folder = resources.files("techfile.security") / "templates"
    return jinja2.Environment(  # noqa: S701  # Markdown and plain text, not HTML
        loader=jinja2.FunctionLoader(lambda name: (folder / name).read_text(encoding="utf-8")),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def _config(manifest: Manifest) -> SecurityConfig:
    if manifest.security is None:
        raise LocatedInputError(
            Location(manifest.path),
            "no security: section",
            hint="add security: with contact, security_txt.expires, support_end and response "
            "(see `techfile schema manifest`)",
        )
    return manifest.security


def _check_expiry(manifest: Manifest, config: SecurityConfig, now: dt.datetime) -> None:
    if config.security_txt.expires > now:
        return
    field_path = ("security", "security_txt", "expires")
    try:
        where = load_yaml(manifest.path).locate(field_path)
    except LocatedInputError:
        where = Location(manifest.path)
    raise LocatedInputError(
        where,
        "security.txt would be stale",
        field=".".join(field_path),
        expected=f"a time after {rfc3339(now)}",
        found=rfc3339(config.security_txt.expires),
        hint="RFC 9116 §2.5.5: set Expires less than a year ahead and renew the file before it",
    )


def _regulation(manifest: Manifest) -> str:
    try:
        regulation = classify(manifest.facts).regulation
    except InputError:  # checked when the manifest was read; cite the MDR if facts fall short
        return Regulation.MDR.value
    return (regulation or Regulation.MDR).value


def render_security_docs(
    manifest: Manifest, *, now: dt.datetime, catalog: Catalog | None = None
) -> SecurityDocs:
    """Make the disclosure policy, security.txt and support statement of a project.

    Raises:
        LocatedInputError: The manifest has no ``security:`` section, or security.txt's
            Expires is not in the future.
        SecurityDocsError: A template or the security.txt written is defective.
    """
    config = _config(manifest)
    _check_expiry(manifest, config, now)
    catalog = catalog or load_catalog()
    today = now.date()
    period = support_period(manifest, config.support_end, today)
    txt = security_txt(config, manifest.device, now=now)
    env = _environment()
    common: dict[str, object] = {
        "device": manifest.device,
        "manufacturer": manifest.device.manufacturer if manifest.device else "The manufacturer",
        "today": today.isoformat(),
        "support_end": config.support_end.isoformat(),
        "regulation": _regulation(manifest),
        "contacts": config.contact,
        "encryption": config.security_txt.encryption,
        "acknowledgments": config.security_txt.acknowledgments,
        "languages": config.preferred_languages,
        "policy": config.policy,
        "advisories": config.advisories,
        "response": config.response,
        "fix_days": {s.value: d for s, d in config.response.fix_days.items()},
        "safe_harbour": config.safe_harbour,
        "period": period,
    }
    texts: dict[str, str] = {}
    templates = ((CVD_POLICY, "cvd-policy.md.j2"), (SUPPORT_STATEMENT, "support-period.md.j2"))
    for name, template in templates:
        cited = _Citations(catalog)
        try:
            texts[name] = env.get_template(template).render(common, cite=cited, cited=cited)
        except jinja2.TemplateError as e:
            msg = f"the template {template} is defective: {e}"
            raise SecurityDocsError(msg) from e
    texts[SECURITY_TXT] = txt.text
    warnings = list(txt.warnings)
    if period.ended:
        warnings.append(f"the device's security support ended on {config.support_end}")
    warnings += [
        f"{c.name}: support {c.coverage.value.replace('_', ' ')} "
        f"(device supported until {config.support_end})"
        for c in period.needing_a_plan()
    ]
    return SecurityDocs(texts, period, config.security_txt.expires, tuple(warnings))


def write_security_docs(
    manifest: Manifest, out: Path, *, now: dt.datetime, catalog: Catalog | None = None
) -> SecurityDocs:
    """Write the three documents into the folder ``out`` (each file atomically).

    Raises:
        LocatedInputError, SecurityDocsError: See `render_security_docs`.
    """
    docs = render_security_docs(manifest, now=now, catalog=catalog)
    written = []
    for name, text in docs.texts.items():
        path = out / name
        atomic_write_text(path, text)
        written.append(WrittenFile(name, path, hashlib.sha256(text.encode()).hexdigest()))
    return SecurityDocs(docs.texts, docs.support, docs.expires, docs.warnings, tuple(written))
