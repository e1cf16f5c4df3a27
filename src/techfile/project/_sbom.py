"""The optional ``sbom:`` section of ``techfile.yaml``: support periods, models and datasets.

It holds what an installed environment cannot say about itself:

* ``support``: for a package (any spelling; PEP 503-normalised), its support ``level`` and
  ``end_of_support`` date, written into the SBOM as component properties (MDCG 2019-16 rev.1
  §3.8 and IMDRF N73: follow each third-party component's support status);
* ``models`` and ``datasets``: the device's machine-learning models and the datasets they were
  trained and tested on, each with ``name``, ``version`` and ``path`` (a file, relative to the
  project folder, pinned in the SBOM by SHA-256), as CycloneDX ML-BOM components.

Rules enforced (located errors): unknown keys are refused; two ``support`` keys may not name
the same package after normalisation; names are unique within ``models`` and ``datasets``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from packaging.utils import canonicalize_name
from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "BomArtefact",
    "SbomConfig",
    "SbomModel",
    "Support",
    "SupportLevel",
    "sbom_from_model",
]


class SupportLevel(StrEnum):
    """How a component's maintainers support the version in use."""

    ACTIVE = "active"
    """Maintained: bug and security fixes are released."""
    SECURITY_ONLY = "security_only"
    """Only security fixes are released."""
    END_OF_LIFE = "end_of_life"
    """No fixes at all: the component must be replaced or its risk accepted."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SupportModel(_Model):
    """``sbom.support.<package>``."""

    level: SupportLevel
    end_of_support: dt.date | None = Field(
        default=None, description="Last day the supplier supports the version in use."
    )


class ArtefactModel(_Model):
    """One entry of ``sbom.models`` or ``sbom.datasets``."""

    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    path: str = Field(min_length=1, description="The file, relative to the project folder.")
    description: str | None = None
    supplier: str | None = None
    licence: str | None = Field(default=None, description="SPDX id or expression, or a name.")


def _unique(entries: list[ArtefactModel]) -> list[ArtefactModel]:
    names = [e.name for e in entries]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        msg = f"unique names; {', '.join(twice)} appear(s) more than once"
        raise ValueError(msg)
    return entries


class SbomModel(_Model):
    """``sbom:``: support periods, and the models and datasets for the ML-BOM."""

    support: dict[str, SupportModel] = Field(default_factory=dict)
    models: list[ArtefactModel] = Field(default_factory=list)
    datasets: list[ArtefactModel] = Field(default_factory=list)

    _models_unique = field_validator("models", "datasets")(_unique)

    @field_validator("support")
    @classmethod
    def _distinct(cls, support: dict[str, SupportModel]) -> dict[str, SupportModel]:
        seen: dict[str, str] = {}
        for name in support:
            key = canonicalize_name(name)
            if key in seen:
                msg = f"one entry per package; '{seen[key]}' and '{name}' name the same one"
                raise ValueError(msg)
            seen[key] = name
        return support


@dataclass(frozen=True, slots=True)
class Support:
    """A component's declared support."""

    level: SupportLevel
    """Support level."""
    end_of_support: dt.date | None
    """Last day of support, if known."""


@dataclass(frozen=True, slots=True)
class BomArtefact:
    """A model or dataset to list in the SBOM."""

    name: str
    """Name."""
    version: str
    """Version."""
    path: Path
    """The file, relative to the project folder."""
    description: str | None = None
    """What it is."""
    supplier: str | None = None
    """Who supplies it."""
    licence: str | None = None
    """Licence: SPDX id or expression, or a name."""


@dataclass(frozen=True, slots=True)
class SbomConfig:
    """The ``sbom:`` section as domain values."""

    support: Mapping[str, Support] = field(default_factory=dict)
    """PEP 503 package name -> support; ``support_keys`` gives the names as written."""
    support_keys: Mapping[str, str] = field(default_factory=dict)
    """PEP 503 package name -> the key as written in ``techfile.yaml`` (for errors)."""
    models: tuple[BomArtefact, ...] = ()
    """Machine-learning models."""
    datasets: tuple[BomArtefact, ...] = ()
    """Datasets."""


def _artefact(model: ArtefactModel) -> BomArtefact:
    return BomArtefact(
        model.name,
        model.version,
        Path(model.path),
        model.description,
        model.supplier,
        model.licence,
    )


def sbom_from_model(model: SbomModel) -> SbomConfig:
    """Turn the validated section into its domain value."""
    return SbomConfig(
        support={
            canonicalize_name(k): Support(v.level, v.end_of_support)
            for k, v in model.support.items()
        },
        support_keys={canonicalize_name(k): k for k in model.support},
        models=tuple(_artefact(m) for m in model.models),
        datasets=tuple(_artefact(d) for d in model.datasets),
    )
