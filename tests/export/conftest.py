"""Fixtures for the OSCAL export: the example device, copied without its evidence and key."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cardiorisk"


def _copy(root: Path) -> Path:
    # The example's own evidence, key and caches stay behind: each test brings its own.
    ignored = shutil.ignore_patterns("evidence", "keys", ".*")
    return Path(shutil.copytree(EXAMPLE, root, ignore=ignored))


@pytest.fixture(scope="session")
def copy_example() -> Callable[[Path], Path]:
    """Return a function that copies the example device to a folder, without evidence or key."""
    return _copy


@pytest.fixture
def bare_project(tmp_path: Path) -> Path:
    """A copy of the example device with no evidence and no key."""
    return _copy(tmp_path / "cardiorisk")
