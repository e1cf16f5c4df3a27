"""The release section renders a verified bundle's roles and files, and a rejection's reason.

It is not yet listed in ``render/sections/__init__.py`` (``SECTIONS``); these tests render it
directly.
"""

from __future__ import annotations

from techfile.catalog import EvidenceKind, load_catalog
from techfile.evidence import Draft, Outcome, Subject, Verified, sign_draft, verify_record
from techfile.render._model import Para, Table, Tone
from techfile.render.sections.cybersecurity import ReleaseSection
from techfile.testing import throwaway_signer

SECTION = ReleaseSection()
KEY = "a" * 64


def _verified(outcome: Outcome, details: dict[str, object]) -> Verified:
    draft = Draft(
        EvidenceKind.RELEASE,
        (Subject("release/root.json", "0" * 64),),
        outcome,
        "release 3",
        details,
    )
    signer, key = throwaway_signer()
    result = verify_record(sign_draft(draft, signer, catalog=load_catalog()), [key])
    assert isinstance(result, Verified)
    return result


def test_a_verified_release_shows_its_roles_and_files() -> None:
    role = {"version": 3, "expires": "2027-01-01T00:00:00+00:00", "keyids": [KEY],
            "threshold": 1, "signed_by": [KEY]}  # fmt: skip
    details = {
        "verified": True,
        "roles": [{"role": "root", **role, "version": 1}, {"role": "targets", **role}],
        "targets": [{"path": "app.whl", "length": 10, "sha256": "b" * 64}],
    }
    blocks = SECTION.render([_verified(Outcome.PASS, details)])
    tables = {b.caption: b for b in blocks if isinstance(b, Table)}
    assert tables["TUF metadata"].rows[1] == (
        "targets", "3", "2027-01-01T00:00:00+00:00", "1 of 1", "a" * 16
    )  # fmt: skip
    assert tables["Files of the release"].rows == (("app.whl", "10", "b" * 64),)
    assert SECTION.kind is EvidenceKind.RELEASE


def test_a_rejected_release_shows_why() -> None:
    details = {"verified": False, "reason": "mix_and_match", "message": "targets.json differs"}
    blocks = SECTION.render([_verified(Outcome.FAIL, details)])
    paras = [b for b in blocks if isinstance(b, Para) and b.tone is Tone.BAD]
    assert paras[-1].text == "Rejected (mix-and-match): targets.json differs"
