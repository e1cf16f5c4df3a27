"""A pytest plugin: ``@pytest.mark.requirement("MDR.AI.17.2", ...)`` links a test to requirements.

The ids go into the JUnit report as a ``requirements`` property of the test case, where
techfile's JUnit collector reads them. pytest loads the plugin automatically wherever techfile
is installed (entry point ``pytest11``); use ``junit_family = "xunit1"`` so the report keeps
per-test properties.
"""

from __future__ import annotations

import pytest

__all__ = ["pytest_configure", "pytest_runtest_setup"]


def pytest_configure(config: pytest.Config) -> None:
    """Declare the marker, so ``--strict-markers`` accepts it."""
    config.addinivalue_line(
        "markers", "requirement(*ids): requirement ids (techfile catalog) this test verifies"
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Record the test's requirement ids for the JUnit report."""
    ids = [str(i) for marker in item.iter_markers("requirement") for i in marker.args]
    if ids:
        item.user_properties.append(("requirements", " ".join(dict.fromkeys(ids))))
