"""A device that logs decisions until it is killed: the writer of the crash-safety test.

Run as ``python crash_writer.py URL KEY_FILE SEED``. It opens the log (creating it and its
key on the first run), then forever submits bursts of decisions and oversight records,
erases some payloads and signs checkpoints, with batch sizes and delays drawn from SEED.
After each acknowledgement it prints, and flushes, one line:

* ``ack INDEX LEAF_HASH_HEX`` once an entry's batch has committed;
* ``checkpoint SIZE ROOT_HEX`` once a checkpoint is signed and stored.

The test kills it with SIGKILL at a random moment and checks every line it printed.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from techfile.decisionlog import (
    Action,
    Batching,
    DecisionLog,
    DecisionRecord,
    OversightRecord,
    PendingAck,
    RecordError,
)

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def _say(line: str) -> None:
    sys.stdout.write(f"{line}\n")
    sys.stdout.flush()


def _decision(rng: random.Random) -> DecisionRecord:
    return DecisionRecord(
        device="crash-test-device",
        model_version="1.0",
        input_digest=rng.randbytes(32).hex(),
        output=rng.choice(["low risk", "high risk"]),
        score=rng.random(),
        timestamp=LONG_AGO + timedelta(seconds=rng.randrange(10**6)),
        site="bench",
        operator="robot",
    )


def main(url: str, key_file: str, seed: int) -> None:
    """Log until killed."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible schedule, not cryptography
    batching = Batching(
        max_entries=rng.choice([1, 4, 16, 64]), max_delay_ms=rng.choice([0, 1, 5, 20])
    )
    log = DecisionLog.open(url, key=Path(key_file), batching=batching)
    _say("ready")
    decisions: list[int] = []
    while True:
        pending: list[tuple[PendingAck, bool]] = []
        for _ in range(rng.randint(1, 48)):
            if decisions and rng.random() < 0.1:
                action = rng.choice(list(Action))
                linked = rng.choice(decisions)
                record = OversightRecord(linked, action, "dr-who", LONG_AGO, "reason")
                pending.append((log.submit(record), False))
            else:
                pending.append((log.submit(_decision(rng)), True))
        for waiting, is_decision in pending:
            ack = waiting.wait()
            _say(f"ack {ack.index} {ack.leaf_hash.hex()}")
            if is_decision:
                decisions.append(ack.index)
        if decisions and rng.random() < 0.15:
            try:
                ack = log.erase(rng.choice(decisions), reason="crash test erasure")
            except RecordError:  # not a decision, or erased already
                pass
            else:
                _say(f"ack {ack.index} {ack.leaf_hash.hex()}")
        time.sleep(rng.random() / 200)  # idle now and then, so some kills find it idle
        if rng.random() < 0.2:
            signed = log.checkpoint()
            _say(f"checkpoint {signed.checkpoint.size} {signed.checkpoint.root_hash.hex()}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
