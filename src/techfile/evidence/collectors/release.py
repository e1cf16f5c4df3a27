"""Collector for release evidence: a signed release bundle, verified at collection time.

* ``release``: the artefact is a bundle folder (``techfile release sign``). Option
  ``trusted_root`` (required) names the root metadata devices trust, relative to the project
  folder; option ``at`` (an ISO 8601 time) fixes the reference time for expiry (default now).

Verification runs when the evidence is collected, as a device would run it (no saved state:
the check of one bundle, not of a device's history), so no hand-written report can turn a
rejected bundle into a pass. The record pins the trusted root, the bundle's metadata and every
file in it, and goes stale when any of them changes. PASS when the bundle verifies, FAIL when
it is rejected; the reason is in the details.

The library is imported inside ``collect``: it builds on ``techfile.evidence``, which lists
this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from techfile.catalog import EvidenceKind
from techfile.evidence.collectors._options import check_names, option_error, optional_text
from techfile.evidence.collectors.interface import Draft, EvidenceInputError, subject_of

__all__ = ["ReleaseCollector"]


class ReleaseCollector:
    """Verifies a signed release bundle (SOTA.SIGNED-UPDATES; MDCG 2019-16 rev.1 §3.3 CSUP).

    Options: ``trusted_root`` (required) and ``at`` (optional reference time).
    """

    __slots__ = ()
    kind: EvidenceKind = EvidenceKind.RELEASE

    def collect(self, path: Path, *, root: Path, options: Mapping[str, object]) -> Draft:
        """Verify the bundle folder at ``path`` against the trusted root.

        Raises:
            EvidenceInputError: An option is missing or bad, the bundle is not a folder, or a
                file lies outside the project.
            ReleaseInputError: The bundle's metadata or the trusted root is malformed (located).
        """
        from techfile.release import (  # noqa: PLC0415  # see the module
            release_draft,
            time_from,
            verify_bundle,
        )

        check_names(options, ("trusted_root", "at"), path)
        trusted = optional_text(options, "trusted_root", path)
        if trusted is None:
            raise option_error(path, "trusted_root", "the trusted root.json's path", None)
        at_text = optional_text(options, "at", path)
        at = time_from(at_text, option=f"{path}: option 'at'") if at_text else None
        if not path.is_dir():
            msg = f"{path}: expected a release bundle folder (`techfile release sign`)"
            raise EvidenceInputError(msg)
        try:
            bundle = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError as e:
            msg = f"{path}: the bundle lies outside the project folder {root}"
            raise EvidenceInputError(msg) from e
        files = [root / trusted, *sorted(p for p in path.rglob("*") if p.is_file())]
        subjects = tuple(subject_of(f, root) for f in files)
        result = verify_bundle(path, trusted_root=root / trusted, at=at)
        if tuple(subject_of(f, root) for f in files) != subjects:
            msg = f"{path}: the bundle changed while it was being verified; collect it again"
            raise EvidenceInputError(msg)
        return release_draft(result, subjects, bundle=bundle)
