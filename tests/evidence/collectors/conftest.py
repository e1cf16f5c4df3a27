"""Fixtures for the collector tests: run a collector on an asset, and the subject it should pin."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from techfile.evidence.collectors import Collector, Draft, Subject


@pytest.fixture
def root(asset: Callable[..., Path]) -> Path:
    """The project root the assets are collected under (``tests/assets``)."""
    return asset("evidence").parent


@pytest.fixture
def collect(asset: Callable[..., Path], root: Path) -> Callable[..., Draft]:
    """Run a collector on ``tests/assets/evidence/NAME`` with the given options."""

    def run(collector: Collector, name: str, **options: object) -> Draft:
        return collector.collect(asset("evidence", name), root=root, options=options)

    return run


@pytest.fixture
def subject(asset: Callable[..., Path]) -> Callable[[str], Subject]:
    """The subject an asset should have: its name under the root and its SHA-256."""

    def expected(name: str) -> Subject:
        digest = hashlib.sha256(asset("evidence", name).read_bytes()).hexdigest()
        return Subject(f"evidence/{name}", digest)

    return expected
