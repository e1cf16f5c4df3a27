"""Fixtures shared by the whole suite: test assets and the public conformance data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

pytest_plugins = ("pytester",)

TESTS = Path(__file__).resolve().parent
ASSETS = TESTS / "assets"
# CI clones the repository with ../shared beside it (see the README); so does a developer checkout.
SHARED_TESTDATA = TESTS.parent.parent / "shared" / "testdata"


def _asset(*parts: str) -> Path:
    path = ASSETS.joinpath(*parts)
    if not path.exists():
        msg = f"missing test asset {path}"
        raise FileNotFoundError(msg)
    return path


@pytest.fixture
def asset() -> Callable[..., Path]:
    """Return a callable that resolves a path under ``tests/assets``."""
    return _asset


@pytest.fixture(scope="session")
def shared_testdata() -> Path:
    """The public conformance data in ``../shared/testdata`` (required, never skipped)."""
    if not SHARED_TESTDATA.is_dir():
        msg = f"{SHARED_TESTDATA} is missing: clone the repository with ../shared beside it"
        raise FileNotFoundError(msg)
    return SHARED_TESTDATA
