"""The datasheet of the data (Gebru et al. 2021) for AI Act Annex IV 2(d).

Each heading holds the manufacturer's own answer from ``datasets:`` in ``techfile.yaml`` and,
where the profile knows something relevant, the computed facts (rows, splits, classes,
missing values, duplicates, time span). A heading without an answer is a gap: it is listed as
such and never filled in, even where computed facts exist, since the facts do not say why
the data were made, how they were collected or what they must not be used for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from techfile.datagov._duplicates import Duplicates
from techfile.datagov._missingness import Missingness
from techfile.datagov._roles import Prepared, Split
from techfile.datagov._rules import DatasheetHeading, Rules
from techfile.project import Datasets

__all__ = ["Datasheet", "DatasheetEntry", "datasheet"]

_TOP_MISSING = 5


@dataclass(frozen=True, slots=True)
class DatasheetEntry:
    """One heading of the datasheet."""

    heading: DatasheetHeading
    """The heading's key."""
    title: str
    """Its title."""
    prompt: str
    """What an answer should cover."""
    answer: str | None
    """The manufacturer's answer; None is a gap."""
    computed: tuple[str, ...]
    """Facts the profile computed that bear on the heading."""
    requirements: tuple[str, ...]
    """The AI Act points an answer documents."""


@dataclass(frozen=True, slots=True)
class Datasheet:
    """The datasheet: the answers, the computed facts and the gaps."""

    citation: str
    """The template's source."""
    requirement: str
    """The Annex IV point that asks for datasheets."""
    entries: tuple[DatasheetEntry, ...]
    """Every heading, in datasheet order."""
    reference_source: str | None
    """The source of the declared reference population, if any."""
    gaps: tuple[DatasheetHeading, ...]
    """Headings without an answer."""


def datasheet(
    prepared: Prepared,
    datasets: Datasets | None,
    missing: Missingness,
    dupes: Duplicates,
    rules: Rules,
) -> Datasheet:
    """Assemble the datasheet from the answers given and the profile."""
    answers: Mapping[str, str] = datasets.answers if datasets else {}
    computed = {
        DatasheetHeading.COMPOSITION: _composition(prepared, missing),
        DatasheetHeading.COLLECTION_PROCESS: _collection(prepared, missing),
        DatasheetHeading.PREPROCESSING: _preprocessing(dupes),
    }
    entries = tuple(
        DatasheetEntry(
            heading,
            rule.title,
            rule.prompt,
            answers.get(heading.value),
            tuple(computed.get(heading, ())),
            rule.requirements,
        )
        for heading, rule in rules.headings.items()
    )
    reference = datasets.reference if datasets else None
    return Datasheet(
        rules.datasheet_citation,
        rules.datasheet_requirement,
        entries,
        reference.source if reference else None,
        tuple(e.heading for e in entries if e.answer is None),
    )


def _composition(prepared: Prepared, missing: Missingness) -> list[str]:
    table = prepared.table
    facts = [f"{table.n_rows} rows and {len(table.columns)} columns ({table.format} file)"]
    if prepared.split is not None:
        counts = np.bincount(prepared.split, minlength=len(Split))
        splits = ", ".join(f"{s.value} {counts[i]}" for i, s in enumerate(Split) if counts[i])
        facts.append(f"rows per split: {splits}")
    if prepared.id is not None:
        facts.append(f"{prepared.id.n_levels} distinct patients ({prepared.id.name})")
    label = prepared.label
    if label is not None:
        counts = np.bincount(label.codes, minlength=label.n_levels)
        classes = ", ".join(f"{lvl} {c}" for lvl, c in zip(label.levels, counts, strict=True))
        facts.append(f"label {label.name}: {classes}")
    facts += [f"group {group.name}: {group.n_levels} levels" for group in prepared.groups]
    gappy = sorted((c for c in missing.columns if c.missing), key=lambda c: -c.share)
    if gappy:
        top = ", ".join(f"{c.column} {c.share:.0%}" for c in gappy[:_TOP_MISSING])
        facts.append(f"{len(gappy)} column(s) with missing values; most: {top}")
    else:
        facts.append("no missing values")
    return facts


def _collection(prepared: Prepared, missing: Missingness) -> list[str]:
    if prepared.time is None:
        return []
    dated = prepared.time[~np.isnan(prepared.time)]
    if dated.size == 0:
        return [f"no row has a date in {prepared.roles.time}"]
    first, last = (
        dt.datetime.fromtimestamp(float(x), dt.UTC).date() for x in (dated.min(), dated.max())
    )
    text = f"records dated {first.isoformat()} to {last.isoformat()} ({prepared.roles.time})"
    if missing.undated:
        text += f"; {missing.undated} rows undated"
    return [text]


def _preprocessing(dupes: Duplicates) -> list[str]:
    facts = [
        f"{dupes.identical.rows} rows identical on every column",
        f"{dupes.near.rows} near-duplicate rows",
    ]
    if dupes.except_id is not None:
        facts.insert(1, f"{dupes.except_id.rows} rows identical except the patient id")
    return facts
