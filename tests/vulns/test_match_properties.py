"""Generated OSV records against a simple, independent reference implementation.

The reference knows nothing of PEP 440 or event sorting: versions are drawn from a universe
whose order is fixed by hand (``UNIVERSE``), ranges are generated as intervals of indices into
it, and "affected" is interval membership by index. The records handed to the matcher carry
the same intervals as OSV events, shuffled, with names and versions in other spellings.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from techfile.errors import Location
from techfile.sbom.vulns import match, parse_advisory

UNIVERSE = (
    "0.0.1",
    "0.9",
    "1.0.0a1",
    "1.0.0rc1",
    "1.0.0",
    "1.0.1",
    "1.2",
    "1.10",
    "2.0.0.dev0",
    "2.0.0",
    "2.0.0.post1",
    "10.0",
)
"""Versions in ascending PEP 440 order, checked by hand."""
SPELLINGS = {"1.0.0a1": "1.0.0-alpha1", "1.0.0rc1": "1.0.0.rc1", "2.0.0.dev0": "2.0.0-dev"}
NAMES = ("Some_Package", "some-package", "some.package", "SOME-PACKAGE")


@dataclass(frozen=True)
class Interval:
    """Indices into UNIVERSE: affected from ``start`` (None: "0") to ``end``."""

    start: int | None
    end: int | None  # None: no upper bound
    inclusive: bool  # last_affected instead of fixed

    def contains(self, index: int) -> bool:
        if self.start is not None and index < self.start:
            return False
        if self.end is None:
            return True
        return index <= self.end if self.inclusive else index < self.end


@st.composite
def ranges(draw: st.DrawFn) -> tuple[list[Interval], int | None]:
    """Disjoint intervals over the universe (one end kind per range) and an optional limit."""
    cuts = sorted(draw(st.sets(st.integers(0, len(UNIVERSE) - 1), min_size=1, max_size=6)))
    inclusive = draw(st.booleans())
    zero = draw(st.booleans())
    intervals = []
    for i in range(0, len(cuts), 2):
        start = None if (i == 0 and zero) else cuts[i]
        end = cuts[i + 1] if i + 1 < len(cuts) else None
        intervals.append(Interval(start, end, inclusive))
    limit = draw(st.one_of(st.none(), st.integers(0, len(UNIVERSE) - 1)))
    return intervals, limit


def _spell(index: int, alternative: bool) -> str:  # noqa: FBT001  # drawn flag
    version = UNIVERSE[index]
    return SPELLINGS.get(version, version) if alternative else version


def _events(intervals: list[Interval], limit: int | None, spell: bool) -> list[dict[str, str]]:  # noqa: FBT001
    events = []
    for interval in intervals:
        start = "0" if interval.start is None else _spell(interval.start, spell)
        events.append({"introduced": start})
        if interval.end is not None:
            kind = "last_affected" if interval.inclusive else "fixed"
            events.append({kind: _spell(interval.end, spell)})
    if limit is not None:
        events.append({"limit": _spell(limit, spell)})
    return events


def reference(intervals: list[Interval], limit: int | None, listed: set[int], index: int) -> bool:
    """Affected: listed, or in an interval and below the limit (all by index)."""
    if index in listed:
        return True
    if limit is not None and index >= limit:
        return False
    return any(i.contains(index) for i in intervals)


@settings(max_examples=400, deadline=None)
@given(
    shape=ranges(),
    listed=st.sets(st.integers(0, len(UNIVERSE) - 1), max_size=3),
    order=st.randoms(use_true_random=False),
    spell=st.booleans(),
    record_name=st.sampled_from(NAMES),
    sbom_name=st.sampled_from(NAMES),
    index=st.integers(0, len(UNIVERSE) - 1),
    git=st.booleans(),
)
def test_matches_the_reference(  # one argument per drawn value
    shape: tuple[list[Interval], int | None],
    listed: set[int],
    order: object,
    spell: bool,  # noqa: FBT001
    record_name: str,
    sbom_name: str,
    index: int,
    git: bool,  # noqa: FBT001
) -> None:
    intervals, limit = shape
    events = _events(intervals, limit, spell)
    order.shuffle(events)  # type: ignore[attr-defined]  # a random.Random
    ranges_ = [{"type": "ECOSYSTEM", "events": events}]
    if git:
        ranges_.insert(
            0,
            {
                "type": "GIT",
                "repo": "https://example.org/r",
                "events": [{"introduced": "0"}, {"fixed": "a" * 40}],
            },
        )
    data = {
        "id": "TEST-1",
        "modified": "2024-01-01T00:00:00Z",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": record_name},
                "ranges": ranges_,
                "versions": [_spell(i, not spell) for i in sorted(listed)],
            }
        ],
    }
    advisory = parse_advisory(data, Location(None))
    verdict = match(advisory, sbom_name, _spell(index, spell))
    assert verdict.affected is reference(intervals, limit, listed, index)
    assert verdict.skipped == (("GIT",) if git else ())


@settings(max_examples=100, deadline=None)
@given(index=st.integers(0, len(UNIVERSE) - 1), other=st.sampled_from(["npm", "PyPI:x", "Go"]))
def test_other_ecosystems_never_match(index: int, other: str) -> None:
    data = {
        "id": "TEST-2",
        "modified": "2024-01-01T00:00:00Z",
        "affected": [
            {
                "package": {"ecosystem": other, "name": "pkg"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}],
            }
        ],
    }
    assert not match(parse_advisory(data, Location(None)), "pkg", UNIVERSE[index]).affected


def test_an_unparsable_version_is_a_possible_finding_not_a_silent_miss() -> None:
    data = {
        "id": "TEST-3",
        "modified": "2024-01-01T00:00:00Z",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "pkg"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2"}]}],
                "versions": ["not-a-version"],
            }
        ],
    }
    advisory = parse_advisory(data, Location(None))
    assert match(advisory, "pkg", "not-a-version").basis.value == "versions"  # type: ignore[union-attr]
    assert match(advisory, "pkg", "weird+local+").basis.value == "unevaluated"  # type: ignore[union-attr]
    assert match(advisory, "pkg", "1.0").basis.value == "range"  # type: ignore[union-attr]
    broken = data | {
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "pkg"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "x.y"}]}],
            }
        ]
    }
    assert match(parse_advisory(broken, Location(None)), "pkg", "1.0").basis.value == "unevaluated"  # type: ignore[union-attr]
