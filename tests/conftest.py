"""Fixtures shared by the whole suite: test assets, the public conformance data and the example."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from typer.testing import CliRunner

from techfile.cli import app

pytest_plugins = ("pytester",)

TESTS = Path(__file__).resolve().parent
ASSETS = TESTS / "assets"
# CI clones the repository with ../shared beside it (see the README); so does a developer checkout.
SHARED_TESTDATA = TESTS.parent.parent / "shared" / "testdata"
EXAMPLE = TESTS.parent / "examples" / "cardiorisk"
EXAMPLE_REPORTS = (
    "junit.xml",
    "coverage.xml",
    "bandit.sarif",
    "predictions.csv",
    "dataset.csv",
    "sbom.json",
    "security/vulnerability-disclosure-policy.md",
    "release/bundle",
)
_PRODUCED = ("reports", "evidence", "keys", "out", "__pycache__")


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


def _run_in_example(args: list[str], cwd: Path) -> None:
    # The outer run's coverage settings must not leak into the example's own run.
    env = {k: v for k, v in os.environ.items() if not k.startswith("COV_CORE")}
    command = [sys.executable, *args]
    subprocess.run(command, cwd=cwd, env=env, check=False, capture_output=True, timeout=600)  # noqa: S603  # our own interpreter


def _security_and_release(root: Path) -> None:
    """The example's SBOM, security documents and signed release bundle, as ``make demo``."""
    reports, keys, release = root / "reports", root / "keys", root / "reports" / "release"
    root_key, online_key = keys / "release-root.pem", keys / "release-online.pem"
    online = f"targets,snapshot,timestamp={keys / 'release-online.pub.pem'}"
    files = ["--file", str(reports / "sbom.json"), "--file", str(root / "model" / "model.json")]
    steps = [
        ["sbom", str(root), "--lock", str(root / "requirements.lock"),
         "--out", str(reports / "sbom.json")],
        ["security", "docs", str(root), "--out", str(reports / "security")],
        ["release", "keygen", str(root_key)],
        ["release", "keygen", str(online_key)],
        ["release", "root", str(release / "root.json"), "--expires", "2031-12-31",
         "--key", f"root={root_key}", "--key", online],
        ["release", "sign", str(release / "bundle"), "--root", str(release / "root.json"),
         "--key", str(online_key), "--counter", "1", "--expires", "90d", *files],
    ]  # fmt: skip
    runner = CliRunner()
    for step in steps:
        result = runner.invoke(app, step, env={"TECHFILE_RELEASE_PASSPHRASE": "example release"})
        assert result.exit_code == 0, (step, result.output)


@pytest.fixture(scope="session")
def example_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the example after ``make demo``'s real work: training, the held-out
    predictions and split dataset, its own tests with coverage, bandit and its SBOM (do not
    modify), with its security documents and signed release bundle."""
    root = tmp_path_factory.mktemp("example-reports") / "cardiorisk"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(*_PRODUCED))
    (root / "reports").mkdir()
    _run_in_example(["-m", "cardiorisk.train"], root)
    _run_in_example(["-m", "cardiorisk.report", "reports"], root)
    tests = [
        "--junitxml=reports/junit.xml",
        "--cov=cardiorisk",
        "--cov-report=xml:reports/coverage.xml",
    ]
    _run_in_example(["-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], root)
    _run_in_example(["-m", "bandit", "-q", "-r", "cardiorisk", "-f", "sarif",
                     "-o", "reports/bandit.sarif"], root)  # fmt: skip
    _security_and_release(root)
    for report in EXAMPLE_REPORTS:
        assert (root / "reports" / report).exists(), report
    return root


@pytest.fixture(scope="session")
def example_with_evidence_in(example_reports: Path) -> Callable[[Path, Mapping[str, str]], Path]:
    """Return a function that copies the example with its reports into a folder, makes a
    signing key and collects the evidence (with the key passphrase in the environment given)."""

    def make(folder: Path, env: Mapping[str, str]) -> Path:
        root = folder / "cardiorisk"
        shutil.copytree(example_reports, root)
        runner = CliRunner()
        for command in (["keys", "new", str(root)], ["evidence", "collect", str(root)]):
            result = runner.invoke(app, command, env=dict(env))
            assert result.exit_code == 0, result.output
        return root

    return make
