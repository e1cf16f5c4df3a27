"""Fixtures of the vulnerability tests: the real OSV records and small SBOMs."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from techfile.errors import Location
from techfile.sbom import Device, Package, build_sbom
from techfile.sbom.vulns import Advisory, parse_advisory

WHEN = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def osv(shared_testdata: Path) -> Path:
    """The folder of real OSV records (``json/``, ``PyPI/all.zip``)."""
    return shared_testdata / "osv"


@pytest.fixture(scope="session")
def record(osv: Path) -> Callable[[str], dict[str, Any]]:
    """The decoded JSON of one real record, by id."""

    def read(name: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((osv / "json" / f"{name}.json").read_text("utf-8"))
        return data

    return read


@pytest.fixture(scope="session")
def advisory(record: Callable[[str], dict[str, Any]]) -> Callable[..., Advisory]:
    """One real record as an advisory, optionally without its ``versions`` lists."""

    def make(name: str, *, ranges_only: bool = False) -> Advisory:
        data = record(name)
        if ranges_only:
            for entry in data["affected"]:
                entry.pop("versions", None)
        return parse_advisory(data, Location(Path(f"{name}.json")))

    return make


@pytest.fixture
def sbom_file(tmp_path: Path) -> Callable[..., Path]:
    """Write an SBOM listing the given (name, version) packages."""

    def write(*packages: tuple[str, str], name: str = "sbom.json") -> Path:
        text = build_sbom(
            [Package(n, v) for n, v in packages], device=Device("device", "1.0"), timestamp=WHEN
        )
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
