"""Shared by the commands that can sign their result into the project's evidence folder."""

from __future__ import annotations

from pathlib import Path

from techfile.catalog import load_catalog
from techfile.cli._keys import passphrase
from techfile.errors import InputError
from techfile.evidence import FolderStore, load_signer, sign_draft
from techfile.evidence.collectors.interface import Draft
from techfile.project import MANIFEST_NAME, Manifest, load_manifest

__all__ = ["find_manifest", "record_draft"]


def find_manifest(project: Path | None, *, required: bool) -> Manifest | None:
    """The manifest of ``--project``, else of ``techfile.yaml`` here, else None.

    Raises:
        InputError: None was found and ``required`` (``--record`` needs a project).
    """
    if project is not None:
        return load_manifest(project)
    if Path(MANIFEST_NAME).is_file():
        return load_manifest(Path(MANIFEST_NAME))
    if required:
        msg = f"--record needs a project: no {MANIFEST_NAME} here; pass --project DIR"
        raise InputError(msg)
    return None


def record_draft(manifest: Manifest, draft: Draft) -> str:
    """Sign a draft with the project's evidence key and store it; return the record's digest."""
    signer = load_signer(manifest.root / manifest.evidence.key, passphrase(confirm=False))
    envelope = sign_draft(draft, signer, catalog=load_catalog())
    return FolderStore(manifest.root / manifest.evidence.folder).put([envelope])[0]
