"""The datagov collector: profile a training, validation and test table as evidence.

Unlike the report collectors, it reads the data themselves, not a report about them: the
profile is computed from exactly the bytes the subject pins, so no hand-edited report can
turn a finding into a pass, and the record goes stale when the data change. The reference
population and datasheet answers come from the project's ``techfile.yaml`` (``datasets:``).

Options name the roles of the columns: ``split``, ``id``, ``label``, ``time`` (strings),
``groups`` and ``exclude`` (a string or a list of strings), as the options of
``techfile datagov``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

from techfile.catalog import EvidenceKind
from techfile.evidence.collectors._artefact import ArtefactError, read_artefact
from techfile.evidence.collectors._options import check_names, option_error, optional_text
from techfile.evidence.collectors.interface import Draft
from techfile.project import MANIFEST_NAME, load_manifest

__all__ = ["DatagovCollector"]

_OPTIONS = ("split", "id", "label", "groups", "time", "exclude")


def _names(options: Mapping[str, object], name: str, path: Path) -> tuple[str, ...]:
    value = options.get(name, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise option_error(path, name, "a column name or a list of column names", value)
    return tuple(value)


class DatagovCollector:
    """Profiles a CSV or Parquet table (AI Act Art 10, Annex IV 2(d)).

    Options: ``split``, ``id``, ``label``, ``time`` (column names), ``groups`` and ``exclude``
    (column names), all optional.
    """

    # See JUnitCollector: ``kind`` stays a class attribute to match the Collector protocol.
    __slots__ = ()
    kind: EvidenceKind = EvidenceKind.DATAGOV

    def collect(self, path: Path, *, root: Path, options: Mapping[str, object]) -> Draft:
        """Profile the table at ``path`` with the roles in ``options``.

        Args:
            path: The table (CSV or Parquet).
            root: The project root; its ``techfile.yaml`` gives the ``datasets:`` section.
            options: The roles of the columns.

        Returns:
            FAIL if the profile has findings, else PASS, linking what the profile examined.

        Raises:
            EvidenceInputError: The table or an option is bad (located where possible).
            InputError: The project's ``techfile.yaml`` is malformed.
        """
        # Imported here: techfile.datagov builds on techfile.evidence, which lists this module.
        from techfile.datagov import (  # noqa: PLC0415
            Roles,
            TableError,
            evidence_draft,
            profile,
            read_table,
        )

        check_names(options, _OPTIONS, path)
        roles = Roles(
            split=optional_text(options, "split", path),
            id=optional_text(options, "id", path),
            label=optional_text(options, "label", path),
            groups=_names(options, "groups", path),
            time=optional_text(options, "time", path),
            excluded=_names(options, "exclude", path),
        )
        subject, data = read_artefact(path, root)
        manifest = root / MANIFEST_NAME
        datasets = load_manifest(manifest).datasets if manifest.is_file() else None
        try:
            # Named as the record names it, relative to the project, not as found on this disk.
            table = dataclasses.replace(read_table(path, data), path=Path(subject.name))
            report = profile(table, roles, datasets=datasets)
        except TableError as e:
            raise ArtefactError(
                e.location, e.problem, field=e.field, expected=e.expected, found=e.found,
                hint=e.hint,
            ) from e  # fmt: skip
        return evidence_draft(report, subject)
