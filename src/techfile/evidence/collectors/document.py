"""The document collector: a controlled document pinned by digest and described by title.

Any file will do: an SOP, a clinical evaluation report, a usability engineering file. The
options say what it is (title, type, version) and which requirements it addresses.

A document states rather than checks, so its outcome is always INFO; whether it satisfies a
requirement is for the reviewer and ``techfile.assess`` to judge.

Rules enforced: a document has a title (the technical file lists it by title); an empty file is
no document; linked requirement ids are well formed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from techfile.catalog import EvidenceKind
from techfile.evidence.collectors._artefact import read_artefact
from techfile.evidence.collectors._links import REQUIREMENT_ID
from techfile.evidence.collectors._options import check_names, option_error, optional_text
from techfile.evidence.collectors.interface import Draft, Outcome
from techfile.evidence.errors import EvidenceInputError

__all__ = ["DocumentCollector"]

_OPTIONS = ("title", "document_type", "version", "requirements")


class DocumentCollector:
    """Collects any document file.

    Options: ``title`` (required), ``document_type`` and ``version`` (optional strings),
    ``requirements`` (optional list of requirement ids the document addresses).
    """

    # See JUnitCollector: ``kind`` stays a class attribute to match the Collector protocol.
    __slots__ = ()
    kind: EvidenceKind = EvidenceKind.DOCUMENT

    def collect(self, path: Path, *, root: Path, options: Mapping[str, object]) -> Draft:
        """Pin a document and record what it is.

        Args:
            path: The document.
            root: The project root (the subject is named relative to it).
            options: ``title``, ``document_type``, ``version``, ``requirements``.

        Returns:
            An INFO draft linking the document to the requirements named in the options.

        Raises:
            EvidenceInputError: The file is unreadable or empty, or an option is missing or
                wrong.
        """
        check_names(options, _OPTIONS, path)
        title = optional_text(options, "title", path)
        if title is None:
            raise option_error(path, "title", "the document's title", None)
        document_type = optional_text(options, "document_type", path)
        version = optional_text(options, "version", path)
        requirements = _requirements(options, path)
        subject, data = read_artefact(path, root)
        if not data:
            msg = f"{path}: the document is empty"
            raise EvidenceInputError(msg)
        summary = f"{document_type or 'document'}: {title}"
        if version is not None:
            summary += f" (version {version})"
        return Draft(
            kind=self.kind,
            subjects=(subject,),
            outcome=Outcome.INFO,
            summary=summary,
            details={
                "title": title,
                "document_type": document_type,
                "version": version,
                "size_bytes": len(data),
            },
            requirement_ids=requirements,
        )


def _requirements(options: Mapping[str, object], path: Path) -> tuple[str, ...]:
    value = options.get("requirements", [])
    expected = "a list of requirement ids such as MDR.AI.17.2"
    if not isinstance(value, list | tuple):
        raise option_error(path, "requirements", expected, value)
    for item in value:
        if not isinstance(item, str) or not REQUIREMENT_ID.fullmatch(item):
            raise option_error(path, "requirements", expected, item)
    return tuple(sorted(set(value)))
