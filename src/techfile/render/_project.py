"""Building a project's technical file on disk: assess, assemble, write each format, record it.

The edge of the render package: it reads the project and the previous ``build.json``, and
writes the formats and the new ``build.json`` (all atomically). ``check_build`` answers whether
the documentation in a folder is stale against the current inputs.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from techfile.assess import ProjectAssessment, assess_project
from techfile.catalog import load_catalog
from techfile.project import atomic_write_text, load_manifest
from techfile.render._build import build_document
from techfile.render._context import BuildContext
from techfile.render._control import BUILD_FILE, editions_json, input_components, read_editions
from techfile.render._control import document_control as make_control
from techfile.render._model import TechnicalFile
from techfile.render._structure import load_outline
from techfile.render.writers import OutputFormat, writer_for

__all__ = ["BuildResult", "CheckResult", "build", "check_build", "document_for"]


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build wrote."""

    document: TechnicalFile
    """The document model."""
    files: tuple[Path, ...]
    """The files written, one per format."""
    new_edition: bool
    """True when the inputs changed since the last edition."""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Whether the documentation in a folder is current."""

    current: bool
    """True when the last edition was built from the current inputs."""
    changed: tuple[str, ...]
    """Which inputs changed (manifest, catalog, records, artefacts, ...)."""


def document_for(project: ProjectAssessment, out: Path) -> tuple[TechnicalFile, bool, str]:
    """Assemble the document model; also return whether it is a new edition and the build record."""
    catalog = load_catalog()
    outline = load_outline()
    editions = read_editions(out)
    control, edition = make_control(project, catalog, outline, editions)
    new = not editions or editions[0] is not edition
    record = editions_json([edition, *editions] if new else editions)
    document = build_document(BuildContext.create(project, catalog, outline, control))
    return document, new, record


def build(project_path: Path, out: Path, formats: Sequence[OutputFormat]) -> BuildResult:
    """Build the technical file of the project in ``out`` in the given formats.

    Raises:
        InputError: The project or a previous build record is malformed.
        WriterError: A format cannot be written here.
    """
    project = assess_project(load_manifest(project_path))
    document, new, record = document_for(project, out)
    writers = [writer_for(f) for f in formats]
    out.mkdir(parents=True, exist_ok=True)
    # Every format is written into a staging folder first: if one fails (a missing extra),
    # the output folder keeps the previous edition, whole.
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    try:
        staged = [w.write(document, staging) for w in writers]
        files = tuple(path.replace(out / path.name) for path in staged)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    atomic_write_text(out / BUILD_FILE, record)
    return BuildResult(document, files, new)


def check_build(project_path: Path, out: Path) -> CheckResult:
    """Compare the current inputs with the last edition built in ``out``."""
    project = assess_project(load_manifest(project_path))
    editions = read_editions(out)
    current = input_components(project, load_catalog(), load_outline())
    if not editions:
        return CheckResult(current=False, changed=("no build yet",))
    last = editions[0].components
    changed = tuple(k for k in current if k != "all" and last.get(k) != current[k])
    return CheckResult(current=last.get("all") == current["all"], changed=changed)
