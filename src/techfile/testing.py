"""Test helpers shipped with techfile: an in-memory evidence store and a throwaway signer.

Use them to test code that records or reads evidence without touching disk or key files::

    store = MemoryStore()
    signer, key = throwaway_signer()
    record(requests, root=root, signer=signer, store=store, catalog=load_catalog())
    ledger = read_ledger(store, [key])
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence

from securesystemslib.signer import CryptoSigner, Key

from techfile.evidence.errors import EvidenceError

__all__ = ["MemoryStore", "throwaway_signer"]


class MemoryStore:
    """An `EvidenceStore` in memory, all-or-nothing like the folder store.

    ``fail_after`` makes the n-th record of the next batch fail to store, to test that a batch
    that fails halfway leaves the store as it was.
    """

    def __init__(self, *, fail_after: int | None = None) -> None:
        self.records: dict[str, bytes] = {}
        self.fail_after = fail_after

    def put(self, envelopes: Sequence[bytes]) -> list[str]:
        """Store a batch, all or none."""
        staged: dict[str, bytes] = {}
        for index, envelope in enumerate(envelopes):
            if self.fail_after is not None and index >= self.fail_after:
                msg = f"simulated failure storing record {index + 1} of {len(envelopes)}"
                raise EvidenceError(msg)
            staged[f"{hashlib.sha256(envelope).hexdigest()}.json"] = envelope
        self.records.update(staged)
        return [name.removesuffix(".json") for name in staged]

    def items(self) -> Iterator[tuple[str, bytes]]:
        """Yield the stored records in name order."""
        yield from sorted(self.records.items())


def throwaway_signer() -> tuple[CryptoSigner, Key]:
    """A fresh Ed25519 signer and its public key, held in memory only."""
    signer = CryptoSigner.generate_ed25519()
    return signer, signer.public_key
