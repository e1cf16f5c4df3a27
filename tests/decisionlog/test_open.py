"""Opening a decision log from a URL: stores, keys and the install hint for PostgreSQL."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from techfile.decisionlog import (
    BackendUnavailableError,
    DecisionLog,
    LogSetupError,
    MalformedKeyError,
    SignerKey,
    StoreError,
)
from techfile.decisionlog.store import open_store, sqlite_path


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///decisions.db", "decisions.db"),
        ("sqlite:////var/lib/device/decisions.db", "/var/lib/device/decisions.db"),
        ("sqlite:///:memory:", ":memory:"),
        ("sqlite:///", None),
        ("postgresql://localhost/db", None),
    ],
)
def test_sqlite_urls_name_a_path(url: str, path: str | None) -> None:
    assert sqlite_path(url) == path


def test_a_sqlite_log_keeps_its_key_beside_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'decisions.db'}"
    with DecisionLog.open(url, origin="example.com/ward3") as log:
        verifier = log.verifier
        assert log.origin == "example.com/ward3"
    key_file = tmp_path / "decisions.db.skey"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert SignerKey.parse(key_file.read_text().strip()).verifier() == verifier
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    with DecisionLog.open(url) as log:
        assert (log.verifier, log.origin) == (verifier, "example.com/ward3")


def test_a_key_file_is_created_once(tmp_path: Path) -> None:
    key_file = tmp_path / "log.skey"
    first = DecisionLog.open(f"sqlite:///{tmp_path / 'a.db'}", key=key_file)
    second = DecisionLog.open(f"sqlite:///{tmp_path / 'b.db'}", key=key_file)
    try:
        assert first.verifier == second.verifier
    finally:
        first.close()
        second.close()


def test_a_damaged_key_file_is_refused(tmp_path: Path) -> None:
    key_file = tmp_path / "log.skey"
    key_file.write_text("PRIVATE+KEY+truncated")
    with pytest.raises(MalformedKeyError):
        DecisionLog.open(f"sqlite:///{tmp_path / 'a.db'}", key=key_file)
    if os.geteuid() != 0:  # root reads anything
        key_file.chmod(0)
        with pytest.raises(LogSetupError, match="cannot read"):
            DecisionLog.open(f"sqlite:///{tmp_path / 'a.db'}", key=key_file)


def test_an_in_memory_log_gets_a_fresh_key() -> None:
    with DecisionLog.open("sqlite:///:memory:") as log:
        assert log.size == 0
        assert log.audit().ok


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://localhost/db", "unsupported"),
        ("decisions.db", "unsupported"),
        ("postgresql://localhost/db", "needs key="),
    ],
)
def test_unusable_urls_are_bad_input(url: str, message: str) -> None:
    with pytest.raises(LogSetupError, match=message):
        DecisionLog.open(url, key=None if "postgres" in url else SignerKey.generate("a"))


def test_a_missing_directory_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open"):
        open_store(f"sqlite:///{tmp_path / 'missing' / 'decisions.db'}")


def test_postgres_without_its_extra_gives_the_install_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now fails
    monkeypatch.delitem(sys.modules, "techfile.decisionlog.store.postgres", raising=False)
    with pytest.raises(BackendUnavailableError) as caught:
        open_store("postgresql://localhost/db")
    assert caught.value.diagnostics() == (
        "PostgreSQL support is not installed: pip install 'techfile[postgres]'"
    )
