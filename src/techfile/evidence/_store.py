"""Where evidence records are kept: one JSON file per record, named by its SHA-256.

The folder store writes a batch all or nothing: every record goes to a temporary file first,
then each is renamed into place; if anything fails, the files of this batch are removed again,
so a collector that fails halfway leaves the folder exactly as it was. Content addressing
makes a record's name its identity, so writing the same record twice is a no-op.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from techfile.evidence.errors import EvidenceError

__all__ = ["EvidenceStore", "FolderStore"]


class EvidenceStore(Protocol):
    """Keeps evidence envelopes by digest."""

    def put(self, envelopes: Sequence[bytes]) -> list[str]:
        """Store a batch of envelopes, all or none; return their digests."""
        ...

    def items(self) -> Iterator[tuple[str, bytes]]:
        """Yield (name, envelope bytes) for every stored record, in name order."""
        ...


class FolderStore:
    """Evidence records as ``<sha256>.json`` files in a folder (git-friendly)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(self, envelopes: Sequence[bytes]) -> list[str]:
        """Write the batch atomically: all records appear, or none does.

        Raises:
            EvidenceError: The folder cannot be written (nothing of the batch is left behind).
        """
        digests = [hashlib.sha256(e).hexdigest() for e in envelopes]
        staged: list[tuple[Path, Path]] = []
        placed: list[Path] = []
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for digest, envelope in zip(digests, envelopes, strict=True):
                target = self.folder / f"{digest}.json"
                if target.exists() or any(t == target for _, t in staged):
                    continue
                staged.append((self._stage(envelope), target))
            for temporary, target in staged:
                temporary.replace(target)
                placed.append(target)
        except OSError as e:
            self._undo(staged, placed)
            msg = f"{self.folder}: cannot write evidence ({e.strerror or e}); nothing was stored"
            raise EvidenceError(msg) from e
        except BaseException:
            self._undo(staged, placed)
            raise
        return digests

    def _stage(self, envelope: bytes) -> Path:
        fd, name = tempfile.mkstemp(prefix=".incoming-", suffix=".tmp", dir=self.folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(envelope)
            handle.flush()
            os.fsync(handle.fileno())
        return Path(name)

    @staticmethod
    def _undo(staged: list[tuple[Path, Path]], placed: list[Path]) -> None:
        for path in [*placed, *(t for t, _ in staged)]:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def items(self) -> Iterator[tuple[str, bytes]]:
        """Yield every stored record (temporary files of an interrupted write are ignored)."""
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("*.json")):
            yield str(path), path.read_bytes()
