"""The unified technical file: a document model built from the project, written in every format.

`build` assesses a project and writes ``technical-file.{html,pdf,docx,xlsx}`` plus
``build.json`` (editions and input hashes); `check_build` says whether a build is stale. The
outline lives in ``catalog/data/documents/technical-file.yaml``; evidence kinds render through
the `sections` registry; formats through `writers`.
"""

from techfile.render._model import (
    Block,
    DocumentControl,
    Figure,
    HistoryEntry,
    Items,
    Link,
    Missing,
    Para,
    Section,
    Table,
    TechnicalFile,
    Tone,
)
from techfile.render._project import BuildResult, CheckResult, build, check_build, document_for
from techfile.render.writers import OutputFormat, Writer, WriterError, writer_for

__all__ = [
    "Block",
    "BuildResult",
    "CheckResult",
    "DocumentControl",
    "Figure",
    "HistoryEntry",
    "Items",
    "Link",
    "Missing",
    "OutputFormat",
    "Para",
    "Section",
    "Table",
    "TechnicalFile",
    "Tone",
    "Writer",
    "WriterError",
    "build",
    "check_build",
    "document_for",
    "writer_for",
]
