"""The evaluation collector: evaluate a model's test cases as evidence (AI Act Art 9(8), 15).

Like the datagov collector it reads the data themselves, a CSV or Parquet table with one row
per test case, not a report about them: the metrics are computed from exactly the bytes the
subject pins, so no hand-edited report can turn a failed criterion into a pass, and the record
goes stale when the data change. The threshold, the confidence level and the acceptance
criteria come from the project's ``techfile.yaml`` (``evaluation:``), fixed before the test.

Options name the roles of the columns, as the options of ``techfile evaluate`` do: ``label``
(required), ``score`` and/or ``prediction``, ``id``, ``groups`` (a name or a list), ``positive``
and ``score_kind`` (``probability`` or ``any``); and the bootstrap's ``replicates`` and ``seed``.
Group columns named by an acceptance criterion are evaluated even when not listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from techfile.catalog import EvidenceKind
from techfile.evidence.collectors._artefact import ArtefactError, read_artefact
from techfile.evidence.collectors._options import check_names, option_error, optional_text
from techfile.evidence.collectors.interface import Draft
from techfile.evidence.errors import EvidenceInputError
from techfile.project import MANIFEST_NAME, load_manifest

__all__ = ["EvaluationCollector"]

_OPTIONS = (
    "label",
    "score",
    "prediction",
    "id",
    "groups",
    "positive",
    "score_kind",
    "replicates",
    "seed",
)


def _names(options: Mapping[str, object], path: Path) -> tuple[str, ...]:
    value = options.get("groups", [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise option_error(path, "groups", "a column name or a list of column names", value)
    return tuple(value)


def _count(options: Mapping[str, object], name: str, path: Path) -> int | None:
    value = options.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise option_error(path, name, "a whole number", value)
    return value


class EvaluationCollector:
    """Evaluates a CSV or Parquet table of test cases (AI Act Art 9(8), 15; Annex IV 2(g)).

    Options: ``label`` (required), ``score``, ``prediction``, ``id``, ``groups``, ``positive``,
    ``score_kind``, ``replicates``, ``seed``.
    """

    # See JUnitCollector: ``kind`` stays a class attribute to match the Collector protocol.
    __slots__ = ()
    kind: EvidenceKind = EvidenceKind.EVALUATION

    def collect(self, path: Path, *, root: Path, options: Mapping[str, object]) -> Draft:
        """Evaluate the table at ``path`` against the project's evaluation plan.

        Args:
            path: The table (CSV or Parquet).
            root: The project root; its ``techfile.yaml`` gives the ``evaluation:`` plan.
            options: The roles of the columns and the bootstrap's settings.

        Returns:
            PASS when every acceptance criterion passes, FAIL when one does not, INFO without
            criteria.

        Raises:
            EvidenceInputError: The table or an option is bad (located where possible).
            InputError: The project's ``techfile.yaml`` is malformed.
        """
        # Imported here: techfile.evaluate builds on techfile.evidence, which lists this module.
        from techfile.evaluate import (  # noqa: PLC0415
            DEFAULT_REPLICATES,
            DEFAULT_SEED,
            Columns,
            EvaluationInputError,
            EvaluationTableError,
            ScoreKind,
            evaluate,
            evidence_draft,
            read_table,
        )

        check_names(options, _OPTIONS, path)
        label = optional_text(options, "label", path)
        if label is None:
            raise option_error(path, "label", "the name of the label column", None)
        kind = optional_text(options, "score_kind", path) or ScoreKind.PROBABILITY.value
        if kind not in {k.value for k in ScoreKind}:
            raise option_error(path, "score_kind", "probability or any", kind)
        manifest = root / MANIFEST_NAME
        plan = load_manifest(manifest).evaluation if manifest.is_file() else None
        groups = _names(options, path)
        if plan is not None:
            groups += tuple(c for c in plan.group_columns() if c not in groups)
        subject, data = read_artefact(path, root)
        try:
            columns = Columns(
                label=label,
                score=optional_text(options, "score", path),
                prediction=optional_text(options, "prediction", path),
                id=optional_text(options, "id", path),
                groups=groups,
                positive=optional_text(options, "positive", path),
                score_kind=ScoreKind(kind),
            )
            replicates = _count(options, "replicates", path)
            seed = _count(options, "seed", path)
            report = evaluate(
                read_table(path, columns, data),
                plan,
                replicates=DEFAULT_REPLICATES if replicates is None else replicates,
                seed=DEFAULT_SEED if seed is None else seed,
                source=subject.name,
            )
        except EvaluationTableError as e:
            raise ArtefactError(
                e.location, e.problem, field=e.field, expected=e.expected, found=e.found,
                hint=e.hint,
            ) from e  # fmt: skip
        except EvaluationInputError as e:
            msg = f"{path}: {e}"
            raise EvidenceInputError(msg) from e
        return evidence_draft(report, subject)
