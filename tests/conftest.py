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


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-golden`` rewrites golden files instead of comparing with them (STYLE F3)."""
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/assets/golden files"
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with ``tests/assets/golden/NAME``, or rewrite it with --update-golden."""

    def check(name: str, text: str) -> None:
        path = ASSETS / "golden" / name
        if request.config.getoption("--update-golden"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        if not path.exists():
            msg = f"no golden file {path}: run pytest --update-golden and review the diff"
            raise FileNotFoundError(msg)
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"{name} differs from its golden file (pytest --update-golden)"

    return check


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
