"""Crash safety with real processes: kill -9 a batching writer, restart, check everything.

A writer process (``crash_writer.py``) logs decisions, oversight and erasures in batches and
prints each acknowledgement after its commit. It is killed with SIGKILL at a seeded random
moment: one run in ten during start-up (creating the key, the schema or opening the log),
the others while it writes. The runs share one log, so each restart continues the last.
After every kill:

* every entry ever acknowledged is stored with the leaf hash it was acknowledged with, and
  every acknowledged checkpoint is stored with its root;
* `audit` passes;
* a new checkpoint is consistent with every earlier one.

SQLite runs 50 times; PostgreSQL 10 times, to keep the suite fast (each restart there also
connects and sets up the schema anew).
"""

from __future__ import annotations

import logging
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from techfile.decisionlog import DecisionLog, leaf_hash
from techfile.decisionlog import _tiles as tiles

if TYPE_CHECKING:  # the fixtures' types; conftest is pytest's to import
    from .conftest import Backend

logger = logging.getLogger(__name__)
WRITER = Path(__file__).with_name("crash_writer.py")
RUNS = {"sqlite": 50, "postgres": 10}
START_UP_KILLS = 0.1
"""Share of runs killed during start-up rather than while writing."""


@dataclass
class Run:
    """What one writer process said before it was killed."""

    acks: dict[int, str] = field(default_factory=dict)
    checkpoints: dict[int, str] = field(default_factory=dict)
    last: str = "start-up"


def _kill_writer(backend: Backend, key_file: Path, seed: int, rng: random.Random) -> Run:
    errors = key_file.with_name(f"writer-{seed}.err")
    with errors.open("w") as stderr:
        process = subprocess.Popen(  # noqa: S603 - our own script, run by this interpreter
            [sys.executable, str(WRITER), backend.url, str(key_file), str(seed)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    run = Run()
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if not line.endswith("\n"):
                break  # cut off by the kill
            kind, *values = line.split()
            run.last = kind
            if kind == "ready":
                ready.set()
            elif kind == "ack":
                run.acks[int(values[0])] = values[1]
            elif kind == "checkpoint":
                run.checkpoints[int(values[0])] = values[1]

    reader = threading.Thread(target=read)
    reader.start()
    if rng.random() < START_UP_KILLS:
        time.sleep(rng.uniform(0.0, 0.3))
    else:
        assert ready.wait(timeout=30), errors.read_text()
        time.sleep(rng.uniform(0.0, 0.3))
    process.send_signal(signal.SIGKILL)
    process.wait()
    reader.join()
    assert process.stdout is not None
    process.stdout.close()
    assert process.returncode == -signal.SIGKILL, errors.read_text()
    return run


def _check_after_restart(
    backend: Backend, key_file: Path, acks: dict[int, str], signed: dict[int, str]
) -> int:
    store = backend.store()
    try:
        stored = dict(tiles.leaves(store, 0, store.size()))
    finally:
        store.close()
    missing = [i for i, h in acks.items() if i not in stored or leaf_hash(stored[i]).hex() != h]
    assert missing == [], f"acknowledged entries lost or changed: {missing[:10]}"
    with DecisionLog.open(backend.url, key=key_file) as log:  # the key the writer made
        result = log.audit()
        assert result.ok, result
        latest = log.checkpoint()
        earlier = log.checkpoints()
        roots = {c.checkpoint.size: c.checkpoint.root_hash.hex() for c in earlier}
        assert all(roots.get(size) == root for size, root in signed.items())
        for old in earlier:
            if old.checkpoint.size > 0:
                proof = log.consistency(old.checkpoint.size, latest.checkpoint.size)
                proof.verify(old.checkpoint, latest.checkpoint)
        return len(stored)


def test_killed_writers_lose_nothing_acknowledged(backend: Backend, tmp_path: Path) -> None:
    rng = random.Random(9162)  # noqa: S311 - a reproducible kill schedule
    key_file = tmp_path / "log.skey"
    acks: dict[int, str] = {}
    signed: dict[int, str] = {}
    kill_points: Counter[str] = Counter()
    committed_unacked = 0
    size = 0
    started = time.monotonic()
    for run_number in range(RUNS[backend.name]):
        run = _kill_writer(backend, key_file, seed=run_number, rng=rng)
        acks |= run.acks
        signed |= run.checkpoints
        kill_points["in start-up" if run.last == "start-up" else f"after {run.last}"] += 1
        new_size = _check_after_restart(backend, key_file, acks, signed)
        # The parent's checkpoint after each restart adds no entries, so this counts the
        # entries committed by the writer whose acknowledgement it did not live to print.
        committed_unacked += new_size - size - len(run.acks)
        size = new_size
    stats = {
        "runs": RUNS[backend.name],
        "acknowledged": len(acks),
        "stored": size,
        "committed_but_unacknowledged": committed_unacked,
        "acknowledged_checkpoints": len(signed),
        "kill_points": dict(kill_points),
        "seconds": round(time.monotonic() - started, 1),
    }
    # Shown with: pytest -o log_cli=true --log-cli-level=INFO -k killed_writers
    logger.info("crash statistics (%s): %s", backend.name, stats)
    assert len(acks) > 0
    assert kill_points["after ack"] + kill_points["after checkpoint"] > RUNS[backend.name] // 2
