"""The support period: the device's end of security updates against its components' support.

A device cannot be kept secure longer than the third-party components it depends on are
maintained, unless they are replaced in time (MDCG 2019-16 rev.1 §3.8; IEC TR 80001-2-2
capability RDMP). This module compares the device's ``security.support_end`` with each
component's declared support (``sbom.support`` in ``techfile.yaml``) and says which need a
plan before the device's support ends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from techfile.project import Manifest, SupportLevel

__all__ = ["ComponentSupport", "Coverage", "SupportPeriod", "support_period"]


class Coverage(StrEnum):
    """How a component's support relates to the device's."""

    COVERS = "covers"
    """Supported at least until the device's support ends."""
    ENDS_EARLIER = "ends_earlier"
    """Support ends before the device's: replace or re-assess it before then."""
    ENDED = "ended"
    """End of life, or support ended before the statement date."""
    UNDECLARED = "undeclared"
    """Maintained, but no end date is declared: ask the supplier."""


@dataclass(frozen=True, slots=True)
class ComponentSupport:
    """One component's declared support."""

    name: str
    """The package, as written in ``sbom.support``."""
    level: SupportLevel
    """Support level."""
    end: dt.date | None
    """Last day of support, if declared."""
    coverage: Coverage
    """How it relates to the device's support."""


@dataclass(frozen=True, slots=True)
class SupportPeriod:
    """The device's support period and its components'."""

    device_end: dt.date
    """Last day of security updates for the device."""
    today: dt.date
    """The statement's date."""
    components: tuple[ComponentSupport, ...]
    """Components with declared support, by name."""

    @property
    def ended(self) -> bool:
        """The device's support has ended by the statement's date."""
        return self.device_end < self.today

    def needing_a_plan(self) -> tuple[ComponentSupport, ...]:
        """Components whose support does not cover the device's support period."""
        return tuple(c for c in self.components if c.coverage is not Coverage.COVERS)


def _coverage(
    level: SupportLevel, end: dt.date | None, device_end: dt.date, today: dt.date
) -> Coverage:
    if level is SupportLevel.END_OF_LIFE or (end is not None and end < today):
        return Coverage.ENDED
    if end is None:
        return Coverage.UNDECLARED
    return Coverage.COVERS if end >= device_end else Coverage.ENDS_EARLIER


def support_period(manifest: Manifest, device_end: dt.date, today: dt.date) -> SupportPeriod:
    """Compare the device's support end with every component's declared support."""
    components: list[ComponentSupport] = []
    if manifest.sbom is not None:
        for key, support in manifest.sbom.support.items():
            name = manifest.sbom.support_keys.get(key, key)
            components.append(
                ComponentSupport(
                    name,
                    support.level,
                    support.end_of_support,
                    _coverage(support.level, support.end_of_support, device_end, today),
                )
            )
    return SupportPeriod(device_end, today, tuple(sorted(components, key=lambda c: c.name.lower())))
