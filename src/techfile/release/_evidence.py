"""A verified (or rejected) release bundle as evidence: a signed record of kind ``release``.

The record pins the trusted root, the bundle's metadata and every file it ships, so it goes
stale when any of them changes. Its details are the published verification JSON
(``techfile schema release-verify``): counter, versions, expiry and key ids of each role, and
the files with their lengths and hashes. Its outcome is PASS when the bundle verified and FAIL
when it was rejected (SOTA.SIGNED-UPDATES: updates verified before installation; MDCG 2019-16
rev.1 §3.3 capability CSUP, §3.8).
"""

from __future__ import annotations

from collections.abc import Sequence

from techfile.catalog import EvidenceKind
from techfile.evidence import Draft, Outcome, Subject
from techfile.release._json import verify_json
from techfile.release._result import ReleaseVerified, Verification

__all__ = ["release_draft"]


def release_draft(result: Verification, subjects: Sequence[Subject], *, bundle: str) -> Draft:
    """The evidence draft of a verification of the bundle named ``bundle`` (project-relative)."""
    details = verify_json(result, bundle=bundle)
    if isinstance(result, ReleaseVerified):
        label = f" ({result.label})" if result.label else ""
        summary = (
            f"release {result.counter}{label}: {len(result.targets)} file(s) verified "
            f"against the trusted root; expires {result.expires.date().isoformat()}"
        )
        return Draft(EvidenceKind.RELEASE, tuple(subjects), Outcome.PASS, summary, details)
    summary = f"release bundle rejected ({result.reason}): {result.message}"
    return Draft(EvidenceKind.RELEASE, tuple(subjects), Outcome.FAIL, summary, details)
