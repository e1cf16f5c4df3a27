"""Fixtures of the risk tests: the example device with its real, signed evidence.

The example's own tests and bandit run for real in a copy of ``examples/cardiorisk`` (once per
session); each test gets a fresh copy of that project to change.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from typer.testing import CliRunner

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cardiorisk"
ENV = {"TECHFILE_KEY_PASSPHRASE": "risk test passphrase"}
runner = CliRunner()


@pytest.fixture(scope="session")
def example_with_evidence(
    tmp_path_factory: pytest.TempPathFactory,
    example_with_evidence_in: Callable[[Path, Mapping[str, str]], Path],
) -> Path:
    """The example after its tests, bandit and `techfile evidence collect` (do not modify)."""
    return example_with_evidence_in(tmp_path_factory.mktemp("risk-example"), ENV)


@pytest.fixture
def project(example_with_evidence: Path, tmp_path: Path) -> Path:
    """A fresh copy of the example with its evidence, for a test to change."""
    root = tmp_path / "cardiorisk"
    shutil.copytree(example_with_evidence, root)
    return root
