"""Benchmark: the decision log's durable appends, proofs and audit beside its peers, in one run.

Run ``.venv/bin/python bench/decisionlog.py`` (``--help`` for a quicker run). Everything is
written to one temporary directory on disk, removed at the end. Three measures:

appends
    Durable appends per second at batches of 1, 100 and 10,000 records, each batch one
    transaction acknowledged after COMMIT. techfile, with ``Batching(max_entries=batch)``:
    ``DecisionLog.record_decision`` at batch 1, and at larger batches
    ``DecisionLog.record_many`` of the batch's list of records, which returns every
    acknowledgement. Peers, given the same ``DecisionRecord`` objects (as a list per batch)
    and serialising each with the same ``record_json``: (a) raw SQLite, one plain table
    ``(idx, record)``, no hashing; (b) pymerkle 7's ``SqliteTree.append_entries``. All
    run SQLite in WAL mode with ``synchronous=FULL`` (pymerkle's connection is switched to
    it), on the same disk; the peers keep SQLite's automatic WAL checkpoint, run by the
    committing thread, where techfile's store runs the checkpoint after a large batch in a
    background thread (ADR 0018). For information, a fourth contender, ``lean``, writes the
    log's data model (salted commitment leaves, leaf and subtree hashes in tiles, payloads
    in their own table) with techfile's own functions but none of the log around them (no
    writer thread, acknowledgements, lock or triggers): about what any implementation of
    that model costs. Rounds alternate between the contenders so that the disk's drift hits
    them alike; the median round is shown.
proofs
    Median time of ``DecisionLog.prove`` (inclusion proof plus its signed checkpoint) at
    random indices of logs of 10^3, 10^5 and 10^7 entries, built once through the public
    API in batches of 10,000; beside pymerkle's ``prove_inclusion`` at 10^5 under the same
    protocol (a freshly opened tree, 20 proofs to warm up, then the median of 300 at random
    indices; its subroot cache fills as it goes, as ours loads the upper levels of the tree on
    the first proof). The first, cold proof of each is shown for information. If the
    largest log cannot be built within the time budget, the largest size built is measured
    and the table says so. This machine pages out file pages left idle for a few tens of
    seconds, so the tables a measure reads are scanned (``warm``) right before it is timed.
audit
    ``DecisionLog.audit()`` of the 10^5 log (every leaf, node, payload and checkpoint) in
    entries per second, beside hashlib SHA-256 over the same bytes held in memory: each
    leaf (0x00 || leaf), each payload (salt || record), each interior node (0x01 || l || r);
    the two alternate for seven rounds and the median round of each is shown.

Targets (issue): appends >= 0.7x raw SQLite and >= pymerkle at every batch size; proofs at
10^5 at least 10x faster than pymerkle's; a proof at 10^7 at most 3x one at 10^3; audit at
least 0.5x hashlib. The script prints PASS or FAIL for each and exits 1 if any fails.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final, Protocol

import pymerkle  # type: ignore[import-untyped]  # pymerkle 7 ships no type information

from techfile.decisionlog import Batching, DecisionLog, DecisionRecord, SignerKey
from techfile.decisionlog._tiles import pack, pack_payloads, unpack, unpack_payloads
from techfile.decisionlog._tree import grow_levels
from techfile.decisionlog.records import commitment_leaves, new_salts, record_json
from techfile.decisionlog.store.sqlite import _TABLES as STORE_TABLES

BATCHES: Final = (1, 100, 10_000)
RECORDS_PER_ROUND: Final = {1: 300, 100: 10_000, 10_000: 50_000}
"""Records each contender appends per round: several batches even at 10,000, so that a
round does not hinge on whether one commit ran a WAL checkpoint."""
ROUNDS: Final = 7
PROOF_SIZES: Final = (10**3, 10**5, 10**7)
PEER_PROOF_SIZE: Final = 10**5
PROOFS: Final = 300
WARM_UP: Final = 20
BUILD_BATCH: Final = 10_000
ORIGIN: Final = "bench.example/decisions"
START: Final = datetime(2025, 1, 1, tzinfo=UTC)
AUDITED: Final = ("decisionlog_tiles.hashes || leaves", "decisionlog_payloads.salts || records")
"""What the audit reads (`warm`)."""


def records(first: int, count: int) -> list[DecisionRecord]:
    """Distinct, realistic decision records (their serialisation is timed, not their making)."""
    return [
        DecisionRecord(
            device="cardiorisk-udi-0123456789012+SN42",
            model_version="2.1.0",
            input_digest=hashlib.sha256(n.to_bytes(8, "big")).hexdigest(),
            output="high risk" if n % 3 == 0 else "low risk",
            score=(n % 997) / 997,
            timestamp=START + timedelta(seconds=n),
            site="Klinikum Nord, ward 3",
            operator="nurse-7",
        )
        for n in range(first, first + count)
    ]


class Appender(Protocol):
    """One contender: appends a batch durably, in one transaction."""

    def append(self, batch: list[DecisionRecord]) -> None:
        """Append and wait until the batch is committed."""
        ...

    def close(self) -> None:
        """Close the database."""
        ...


class Techfile:
    """The decision log: one batch per ``Batching(max_entries=len(batch))``."""

    def __init__(self, path: Path, batch: int) -> None:
        policy = Batching(max_entries=batch, max_delay_ms=60_000)
        key = SignerKey.generate(ORIGIN)
        self.log = DecisionLog.open(f"sqlite:///{path}", key=key, batching=policy)

    def append(self, batch: list[DecisionRecord]) -> None:
        """Log the batch's records and wait until every one is acknowledged."""
        if len(batch) == 1:
            self.log.record_decision(batch[0])
        else:
            self.log.record_many(batch)

    def close(self) -> None:
        """Close the log."""
        self.log.close()


def _durable(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")


class RawSqlite:
    """A plain table of serialised records: no hashing, no tree."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        _durable(self.db)
        self.db.execute("CREATE TABLE records (idx INTEGER PRIMARY KEY, record BLOB NOT NULL)")
        self.size = 0

    def append(self, batch: list[DecisionRecord]) -> None:
        """One transaction per batch."""
        self.db.execute("BEGIN IMMEDIATE")
        rows = [(self.size + n, record_json(record)) for n, record in enumerate(batch)]
        self.db.executemany("INSERT INTO records (idx, record) VALUES (?, ?)", rows)
        self.db.execute("COMMIT")
        self.size += len(batch)

    def close(self) -> None:
        """Close the database."""
        self.db.close()


class Lean:
    """The log's data model written without the log: the floor of any implementation of it.

    Per batch, in one transaction: salts, salted commitment leaves, leaf hashes and the
    subtrees they complete (`_tree.grow_levels`), cut into tiles and payload rows as the store
    keeps them (`_tiles.pack`, `_tiles.pack_payloads`), into the store's tables. Nothing
    else: no queue or writer thread, no acknowledgements, no lock, no append-only or in-place
    triggers. A log opened on its file audits clean (a test holds it).
    """

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        _durable(self.db)
        for table in STORE_TABLES:  # the store's own tables, without its triggers
            self.db.execute(table)
        self.size = 0
        self.border: list[bytes] = []

    def append(self, batch: list[DecisionRecord]) -> None:
        """One transaction per batch."""
        size, count = self.size, len(batch)
        salts = new_salts(count)
        datas, leaves = commitment_leaves(batch, salts)
        hashes = [hashlib.sha256(b"\x00" + leaf).digest() for leaf in leaves]
        levels, self.border = grow_levels(size, self.border, hashes)
        tiles = zip(*pack(size, leaves, levels), strict=True)
        payloads = pack_payloads(size, range(size, size + count), salts, datas)
        self.db.execute("BEGIN IMMEDIATE")
        self.db.executemany("INSERT INTO decisionlog_tiles VALUES (?, ?, ?, ?)", tiles)
        self.db.executemany("INSERT INTO decisionlog_payloads VALUES (?, ?, ?, ?)", payloads)
        self.db.execute("COMMIT")
        self.size += count

    def close(self) -> None:
        """Close the database."""
        self.db.close()


class Pymerkle:
    """pymerkle 7's SQLite tree, on the same durability settings."""

    def __init__(self, path: Path) -> None:
        self.tree = pymerkle.SqliteTree(str(path))
        _durable(self.tree.con)

    def append(self, batch: list[DecisionRecord]) -> None:
        """``append_entries`` runs one transaction."""
        self.tree.append_entries([record_json(record) for record in batch])

    def close(self) -> None:
        """Close the database."""
        self.tree.close()


def append_rates(base: Path, batch: int) -> dict[str, float]:
    """Median appends per second over alternating rounds, per contender."""
    makers: dict[str, Callable[[Path], Appender]] = {
        "techfile": lambda path: Techfile(path, batch),
        "raw": RawSqlite,
        "pymerkle": Pymerkle,
        "lean": Lean,
    }
    contenders = {name: make(base / f"{name}-{batch}.db") for name, make in makers.items()}
    rates: dict[str, list[float]] = {name: [] for name in contenders}
    count = RECORDS_PER_ROUND[batch]
    try:
        for round_ in range(ROUNDS):
            turn = round_ % len(contenders)
            order = list(contenders)[turn:] + list(contenders)[:turn]
            for name in order:
                chunk = records(round_ * count, count)
                started = time.perf_counter()
                for first in range(0, count, batch):
                    contenders[name].append(chunk[first : first + batch])
                rates[name].append(count / (time.perf_counter() - started))
    finally:
        for contender in contenders.values():
            contender.close()
    return {name: statistics.median(values) for name, values in rates.items()}


def build_log(path: Path, size: int, budget: float) -> int:
    """Append ``size`` records through the public API; stop early when over ``budget`` s."""
    policy = Batching(max_entries=BUILD_BATCH, max_delay_ms=60_000)
    started = time.perf_counter()
    with DecisionLog.open(f"sqlite:///{path}", batching=policy, origin=ORIGIN) as log:
        done = log.size
        while done < size and time.perf_counter() - started < budget:
            count = min(BUILD_BATCH, size - done)
            log.record_many(records(done, count))
            done += count
            if done % 1_000_000 == 0:
                rate = done / (time.perf_counter() - started)
                print(f"  built {done:,} entries ({rate:,.0f}/s)", file=sys.stderr)
        log.checkpoint()
        return log.size


def warm(path: Path, *reads: str) -> None:
    """Read what a measure reads, so that its pages are in the OS page cache.

    This machine pages out file pages left idle for a few tens of seconds (DAMON
    ``pageout``), so a log built minutes earlier would be read back from disk. Every
    contender's tables are read whole (``table`` or ``table.column``: the column's values
    too, which may sit in overflow pages) right before it is timed; a 10^7 log (about 2 GB)
    may still not all stay cached while its proofs run.
    """
    with sqlite3.connect(path) as db:
        for read in reads:
            table, _, column = read.partition(".")
            what = f"sum(length({column} || x''))" if column else "count(*)"
            db.execute(f"SELECT {what} FROM {table}").fetchone()  # noqa: S608 - our names


def proof_time(path: Path, size: int) -> tuple[float, float]:
    """Time proofs at random indices of a freshly opened log: (median, the first), in seconds."""
    warm(path, "decisionlog_tiles.hashes || leaves")
    rng = random.Random(size)
    times = []
    with DecisionLog.open(f"sqlite:///{path}") as log:
        started = time.perf_counter()
        log.prove(rng.randrange(size))
        cold = time.perf_counter() - started
        for _ in range(WARM_UP - 1):
            log.prove(rng.randrange(size))
        for _ in range(PROOFS):
            index = rng.randrange(size)
            started = time.perf_counter()
            proof = log.prove(index)
            times.append(time.perf_counter() - started)
        proof.verify(log.verifier, origin=log.origin)
    return statistics.median(times), cold


@contextmanager
def _peer(path: Path) -> Iterator[Pymerkle]:
    peer = Pymerkle(path)
    try:
        yield peer
    finally:
        peer.close()


def peer_proof_times(path: Path, size: int) -> tuple[float, float]:
    """Time pymerkle at ``size``: (median over random indices, the first proof), in seconds."""
    with _peer(path) as peer:
        for done in range(0, size, BUILD_BATCH):
            peer.append(records(done, min(BUILD_BATCH, size - done)))
    rng = random.Random(size)
    times = []
    warm(path, "leaf")
    with _peer(path) as peer:  # opened anew: an empty subroot cache, as ours starts
        started = time.perf_counter()
        peer.tree.prove_inclusion(rng.randrange(size) + 1)
        cold = time.perf_counter() - started
        for _ in range(WARM_UP - 1):
            peer.tree.prove_inclusion(rng.randrange(size) + 1)
        for _ in range(PROOFS):
            index = rng.randrange(size) + 1  # pymerkle counts leaves from one
            started = time.perf_counter()
            peer.tree.prove_inclusion(index)
            times.append(time.perf_counter() - started)
    return statistics.median(times), cold


def _hash_all(leaves: list[bytes], payloads: list[bytes], inner: list[bytes]) -> None:
    """The peer of the audit: hashlib SHA-256 over the bytes it hashes, held in memory."""
    for leaf in leaves:
        hashlib.sha256(b"\x00" + leaf).digest()
    for payload in payloads:
        hashlib.sha256(payload).hexdigest()
    for pair in inner:
        hashlib.sha256(pair).digest()


def audit_rates(path: Path) -> tuple[float, float, int]:
    """(audit entries/s, hashlib entries/s over the same bytes, bytes hashed per pass).

    The two alternate for `ROUNDS` rounds, as the appends do, and the median round of each
    is taken, so that the load of the machine in one moment does not decide the ratio.
    """
    with sqlite3.connect(path) as db:
        tiles = db.execute("SELECT first, upto, hashes, leaves FROM decisionlog_tiles").fetchall()
        stored = db.execute("SELECT first, entries, salts, records FROM decisionlog_payloads")
        payloads = [found.salt + found.record for row in stored for found in unpack_payloads(row)]
    rows = [row for tile in tiles for row in unpack(tile)]
    leaves = [bytes(data) for _, data, _ in rows]
    nodes = {  # the row of leaf i holds the subtrees that end at i, level 0 first
        (level, ((index + 1) >> level) - 1): bytes(hashes[32 * level : 32 * level + 32])
        for index, _, hashes in rows
        for level in range(len(hashes) // 32)
    }
    inner = [
        b"\x01" + nodes[level - 1, 2 * index] + nodes[level - 1, 2 * index + 1]
        for level, index in nodes
        if level > 0
    ]
    audits, baselines = [], []
    with DecisionLog.open(f"sqlite:///{path}") as log:
        size = log.size
        for _ in range(ROUNDS):
            warm(
                path, "decisionlog_tiles.hashes || leaves", "decisionlog_payloads.salts || records"
            )
            started = time.perf_counter()
            result = log.audit()
            audits.append(time.perf_counter() - started)
            if not result.ok:
                raise SystemExit(f"the benchmark log does not audit: {result}")
            started = time.perf_counter()
            _hash_all(leaves, payloads, inner)
            baselines.append(time.perf_counter() - started)
    hashed = sum(map(len, leaves)) + len(leaves) + sum(map(len, payloads)) + sum(map(len, inner))
    return size / statistics.median(audits), size / statistics.median(baselines), hashed


Row = tuple[str, str, str, str, bool | None]
"""(measure, techfile, peer, target, passed); passed None for rows shown for information."""


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} us"


def _append_rows(base: Path) -> Iterator[Row]:
    for batch in BATCHES:
        rates = append_rates(base, batch)
        ours, raw, peer, lean = rates["techfile"], rates["raw"], rates["pymerkle"], rates["lean"]
        label = f"appends/s, batch {batch:,}"
        yield (label, f"{ours:,.0f}", f"raw SQLite {raw:,.0f}", f">= 0.7x raw ({ours / raw:.2f}x)",
               ours >= 0.7 * raw)  # fmt: skip
        yield (label, f"{ours:,.0f}", f"pymerkle {peer:,.0f}", f">= pymerkle ({ours / peer:.2f}x)",
               ours >= peer)  # fmt: skip
        yield (f"{label}, lean (information)", f"{lean:,.0f}", f"pymerkle {peer:,.0f}",
               f"lean {lean / peer:.2f}x pymerkle", None)  # fmt: skip


def _proof_rows(base: Path, largest: int, budget: float) -> Iterator[Row]:
    wanted = min(largest, PROOF_SIZES[-1])
    built: dict[int, int] = {}
    for size in sorted({*PROOF_SIZES[:-1], wanted}):  # build all first, then measure alike
        limit = budget if size > PEER_PROOF_SIZE else float("inf")
        built[size] = build_log(base / f"log-{size}.db", size, limit)
    measured: dict[int, float] = {}
    for size, count in built.items():
        measured[count], cold = proof_time(base / f"log-{size}.db", count)
        note = ""
        if size == wanted and count < PROOF_SIZES[-1]:
            why = f"the {budget:.0f} s build budget" if count < size else "--largest"
            note = f" (NOT 10^7: {why})"
        yield f"proof at {count:,} entries{note}", _us(measured[count]), "", "", None
        yield f"techfile first (cold) proof, {count:,}", _us(cold), "", "information", None
    ours = measured[PEER_PROOF_SIZE]
    median, first = peer_proof_times(base / "pymerkle-proofs.db", PEER_PROOF_SIZE)
    yield ("proof at 100,000 entries", _us(ours), f"pymerkle {_us(median)}",
           f">= 10x faster ({median / ours:.1f}x)", median >= 10 * ours)  # fmt: skip
    yield "pymerkle first (cold) proof, 100,000", "", _us(first), "information", None
    small, big = min(measured), max(measured)
    yield (f"proof at {big:,} vs {small:,}", _us(measured[big]), _us(measured[small]),
           f"<= 3x ({measured[big] / measured[small]:.2f}x)",
           measured[big] <= 3 * measured[small])  # fmt: skip
    audit, baseline, hashed = audit_rates(base / f"log-{PEER_PROOF_SIZE}.db")
    per_entry = hashed / PEER_PROOF_SIZE
    yield (f"audit entries/s ({per_entry:.0f} B hashed per entry)", f"{audit:,.0f}",
           f"hashlib {baseline:,.0f}", f">= 0.5x hashlib ({audit / baseline:.2f}x)",
           audit >= 0.5 * baseline)  # fmt: skip


def print_table(rows: list[Row]) -> None:
    """Print the rows as one aligned text table with a verdict column."""
    header = ("measure", "techfile", "peer", "target")
    cells = [(measure, ours, peer, target) for measure, ours, peer, target, _ in rows]
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(len(header))]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + "  result")
    print("-" * (sum(widths) + 2 * len(widths) + 6))
    for row, (*_, passed) in zip(cells, rows, strict=True):
        verdict = "-" if passed is None else ("PASS" if passed else "FAIL")
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + "  " + verdict)


def main() -> int:
    """Run every measure, print one table with a verdict per target; 1 if any target fails."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--largest", type=int, default=PROOF_SIZES[-1], help="largest log size")
    parser.add_argument("--budget", type=float, default=600.0, help="seconds to build it")
    args = parser.parse_args()
    started = time.perf_counter()
    base = Path(tempfile.mkdtemp(prefix="techfile-bench-decisionlog-"))
    try:
        rows = [*_append_rows(base), *_proof_rows(base, args.largest, args.budget)]
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print_table(rows)
    failed = sum(passed is False for *_, passed in rows)
    print(f"\n{failed} of {sum(p is not None for *_, p in rows)} targets failed;"
          f" run took {time.perf_counter() - started:,.0f} s on this machine")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
