"""Reading an artefact once, so that what is parsed is exactly what the subject digest pins.

Also owns the collectors' located error, `ArtefactError`: an `EvidenceInputError` (what callers
of a collector catch) that is also a `LocatedInputError` (``file:line:col: field ...``).

Rules enforced: the bytes a collector parses hash to the subject's SHA-256 (a file rewritten
between hashing and reading is refused rather than signed with a digest of other content).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from techfile.errors import LocatedInputError
from techfile.evidence.collectors.interface import Subject, subject_of
from techfile.evidence.errors import EvidenceInputError

__all__ = ["ArtefactError", "read_artefact"]


class ArtefactError(EvidenceInputError, LocatedInputError):
    """A malformed artefact whose place (file, and line and column where known) is given.

    Both an `EvidenceInputError`, so ``except EvidenceInputError`` catches every bad artefact,
    and a `LocatedInputError`, so the CLI prints ``FILE:LINE:COL: field F: ...``.
    """


def read_artefact(path: Path, root: Path) -> tuple[Subject, bytes]:
    """Pin the artefact at ``path`` and return its subject with the very bytes it pins.

    Raises:
        EvidenceInputError: The file cannot be read, lies outside ``root``, or changed while
            it was being read.
    """
    subject = subject_of(path, root)
    try:
        data = path.read_bytes()
    except OSError as e:
        msg = f"{path}: cannot read the artefact ({e.strerror or e})"
        raise EvidenceInputError(msg) from e
    if hashlib.sha256(data).hexdigest() != subject.sha256:
        msg = f"{path}: the artefact changed while it was being read; collect it again"
        raise EvidenceInputError(msg)
    return subject, data
