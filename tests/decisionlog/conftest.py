"""Fixtures for the decision log tests: the public vectors under ``testdata/merkle``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

PROOF_TESTDATA = Path("merkle", "transparency-dev-merkle", "testdata")
"""Where the verbatim transparency-dev/merkle proof vectors sit under the shared testdata."""


def _shared_testdata(config: pytest.Config) -> Path:
    """Return the shared testdata directory as the suite's root ``conftest.py`` defines it.

    Files are parametrised at collection time, before any fixture exists, so this reads the
    same ``SHARED_TESTDATA`` constant that the ``shared_testdata`` fixture returns rather
    than spelling out a path of its own.
    """
    for plugin in config.pluginmanager.get_plugins():
        value = getattr(plugin, "SHARED_TESTDATA", None)
        if isinstance(value, Path):
            return value
    msg = "the root conftest.py no longer defines SHARED_TESTDATA"
    raise LookupError(msg)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Give ``inclusion_file`` and ``consistency_file`` one case per vector file."""
    for fixture, kind in (("inclusion_file", "inclusion"), ("consistency_file", "consistency")):
        if fixture not in metafunc.fixturenames:
            continue
        base = _shared_testdata(metafunc.config) / PROOF_TESTDATA / kind
        names = sorted(path.relative_to(base).as_posix() for path in base.rglob("*.json"))
        if not names:  # never let a missing checkout turn into zero, silently passing cases
            msg = f"no proof vectors under {base}"
            raise FileNotFoundError(msg)
        metafunc.parametrize(fixture, names)


@pytest.fixture(scope="session")
def merkle_testdata(shared_testdata: Path) -> Path:
    """The ``merkle`` directory of the shared conformance data."""
    return shared_testdata / "merkle"


@pytest.fixture(scope="session")
def proof_testdata(merkle_testdata: Path) -> Path:
    """The verbatim transparency-dev/merkle ``testdata`` directory of proof vectors."""
    return merkle_testdata.parent / PROOF_TESTDATA


@pytest.fixture(scope="session")
def vectors(merkle_testdata: Path) -> Callable[..., dict[str, Any]]:
    """Return a loader of one JSON vector file, given its path under ``testdata/merkle``."""

    def load(*parts: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(merkle_testdata.joinpath(*parts).read_text("utf-8"))
        return data

    return load
