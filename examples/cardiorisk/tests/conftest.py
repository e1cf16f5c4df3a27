"""Fixtures of the example device's tests: each test names the requirements it verifies."""

from __future__ import annotations

from collections.abc import Callable

import pytest


@pytest.fixture
def verifies(record_property: Callable[[str, object], None]) -> Callable[..., None]:
    """Record, in the JUnit report, the requirement ids a test verifies (read by techfile)."""

    def link(*requirement_ids: str) -> None:
        record_property("requirements", " ".join(requirement_ids))

    return link
