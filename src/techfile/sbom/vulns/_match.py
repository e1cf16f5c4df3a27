"""Is a PyPI package version affected by an OSV advisory? Pure functions, no IO.

Follows the evaluation pseudocode of the OSV schema (section "Evaluation"): a version is
affected if it is listed in ``versions`` or lies in any range, where each range's events are
sorted before they are walked (``introduced`` sets, ``fixed`` and ``last_affected`` clear) and
the range's ``limit`` events, if any, bound it from above.

Rules enforced:

* names compare after PEP 503 normalisation (``packaging.utils.canonicalize_name``), since
  records are not always normalised (GHSA writes ``Jinja2``);
* versions compare as PEP 440 versions (``packaging.version.Version``), so ``3.1.0.rc1`` equals
  ``3.1.0rc1`` and ``2.10.0`` sorts after ``2.3.0``; ``introduced: "0"`` sorts before every
  version and a ``limit`` containing ``*`` is infinity;
* ``GIT`` ranges need the repository's commit graph, which an offline scan lacks: they are
  skipped and counted; ranges of other unknown types are skipped likewise;
* a version that is not PEP 440 (the component's, or an event's) makes a range impossible to
  evaluate. Listed ``versions`` still compare as exact strings; if the lists do not settle it,
  the match is `Basis.UNEVALUATED`, a *possible* finding, reported rather than dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from techfile.sbom.vulns._osv import Advisory, Affected, Event, EventKind, Range

__all__ = ["ECOSYSTEM", "Basis", "Match", "match", "normalise_name", "parse_version"]

ECOSYSTEM = "PyPI"
"""The OSV ecosystem of Python packages."""
_ORDERED = frozenset({"ECOSYSTEM", "SEMVER"})
_KIND_ORDER = {EventKind.INTRODUCED: 0, EventKind.FIXED: 1, EventKind.LAST_AFFECTED: 1}


class Basis(StrEnum):
    """Why a version was found affected."""

    VERSIONS = "versions"
    """It is listed in ``affected[].versions``."""
    RANGE = "range"
    """It lies in an ``ECOSYSTEM`` or ``SEMVER`` range."""
    UNEVALUATED = "unevaluated"
    """A range could not be evaluated (a version is not PEP 440): possibly affected."""


@dataclass(frozen=True, slots=True)
class Match:
    """The verdict of one advisory on one package version."""

    basis: Basis | None
    """Why it is affected, or None when it is not."""
    skipped: tuple[str, ...] = ()
    """Types of the ranges skipped (``GIT``: needs the repository, unavailable offline)."""
    fixed: tuple[str, ...] = ()
    """``fixed`` versions named by the package's ranges (candidates for an update)."""

    @property
    def affected(self) -> bool:
        """Whether the version is (possibly) affected."""
        return self.basis is not None


def normalise_name(name: str) -> str:
    """PEP 503 normalised package name (``Jinja2`` -> ``jinja2``, ``zope_interface`` -> ``zope-interface``)."""  # noqa: E501  # one example line
    return str(canonicalize_name(name))


def parse_version(text: str) -> Version | None:
    """The PEP 440 version of ``text``, or None if it is not one."""
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _listed(version: Version | None, text: str, versions: tuple[str, ...]) -> bool:
    for listed in versions:
        parsed = parse_version(listed) if version is not None else None
        if (parsed is not None and parsed == version) or listed.strip() == text.strip():
            return True
    return False


def _sort_key(event: Event, version: Version | None) -> tuple[int, ...] | tuple[int, Version, int]:
    if event.kind is EventKind.INTRODUCED and event.version == "0":
        return (0, 0)  # "0" sorts before any other version (OSV "Special values")
    assert version is not None  # noqa: S101  # checked by the caller
    return (1, version, _KIND_ORDER[event.kind])


def _below_limits(version: Version, events: tuple[Event, ...]) -> bool | None:
    """OSV ``BeforeLimits``: below some ``limit`` (none means ``*``); None if one is not PEP 440."""
    limits = [e.version for e in events if e.kind is EventKind.LIMIT]
    if not limits:
        return True
    bounds = [None if "*" in v else parse_version(v) for v in limits]
    if any(b is None and "*" not in v for b, v in zip(bounds, limits, strict=True)):
        return None
    return any(b is None or version < b for b in bounds)


def _in_range(version: Version, events: tuple[Event, ...]) -> bool | None:
    """Whether ``version`` lies in the range; None if an event's version is not PEP 440."""
    below = _below_limits(version, events)
    if not below:
        return below
    keyed = []
    for event in events:
        if event.kind is EventKind.LIMIT:
            continue
        parsed = parse_version(event.version)
        if parsed is None and not (event.kind is EventKind.INTRODUCED and event.version == "0"):
            return None
        keyed.append((_sort_key(event, parsed), event, parsed))
    vulnerable = False
    for _, event, bound in sorted(keyed, key=lambda item: item[0]):
        if event.kind is EventKind.INTRODUCED:
            vulnerable = vulnerable or bound is None or version >= bound
        elif event.kind is EventKind.FIXED:
            vulnerable = vulnerable and not (bound is not None and version >= bound)
        else:  # last_affected is inclusive
            vulnerable = vulnerable and not (bound is not None and version > bound)
    return vulnerable


def _affected(entry: Affected, version: Version | None, text: str) -> Match:
    skipped = tuple(r.type for r in entry.ranges if r.type not in _ORDERED)
    fixed = tuple(
        e.version
        for r in entry.ranges
        if r.type in _ORDERED
        for e in r.events
        if e.kind is EventKind.FIXED
    )
    if _listed(version, text, entry.versions):
        return Match(Basis.VERSIONS, skipped, fixed)
    ordered: list[Range] = [r for r in entry.ranges if r.type in _ORDERED]
    unevaluated = False
    for range_ in ordered:
        inside = _in_range(version, range_.events) if version is not None else None
        if inside:
            return Match(Basis.RANGE, skipped, fixed)
        unevaluated = unevaluated or inside is None
    return Match(Basis.UNEVALUATED if unevaluated else None, skipped, fixed)


def match(advisory: Advisory, name: str, version: str) -> Match:
    """The verdict of ``advisory`` on PyPI package ``name`` at ``version``.

    Args:
        advisory: The OSV record.
        name: The package name (normalised here).
        version: The installed version, as the SBOM states it.

    Returns:
        The first affected verdict over the advisory's entries for the package, else a
        not-affected one (with the ranges skipped). A withdrawn advisory affects nothing.
    """
    if advisory.withdrawn is not None:
        return Match(None)
    wanted = normalise_name(name)
    parsed = parse_version(version)
    skipped: tuple[str, ...] = ()
    verdict = Match(None)
    for entry in advisory.affected:
        if entry.ecosystem != ECOSYSTEM or normalise_name(entry.name) != wanted:
            continue
        result = _affected(entry, parsed, version)
        skipped += result.skipped
        if result.basis is Basis.VERSIONS or result.basis is Basis.RANGE:
            return Match(result.basis, skipped, result.fixed)
        if result.basis is Basis.UNEVALUATED:
            verdict = result
    return Match(verdict.basis, skipped, verdict.fixed)
