"""Dataset profiles (datagov) for AI Act Art 10 and the datasheets of Annex IV 2(d).

Shows the checks run, the findings, representation, label balance, missing values,
duplicates, leakage and the datasheet with its gaps.

Reads the published report in each record's details (``techfile schema datagov``), tolerant
of missing keys, so an older record still renders what it holds.
"""

from __future__ import annotations

from collections.abc import Sequence

from techfile.catalog import EvidenceKind
from techfile.evidence import Verified
from techfile.render._model import Block, Missing, Para, Table, Tone
from techfile.render.sections._common import provenance, value
from techfile.render.sections.interface import Group

__all__ = ["DatagovSection"]

_TONE = {"high": Tone.BAD, "medium": Tone.WARN, "low": Tone.NORMAL}
_SHOWN = 200


def _list(details: object, key: str) -> list[dict[str, object]]:
    items = value(details, key, [])
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _strings(item: object, key: str) -> list[str]:
    found = value(item, key, [])
    return [str(x) for x in found] if isinstance(found, list) else []


def _pct(number: object) -> str:
    return f"{number:.1%}" if isinstance(number, int | float) else ""


def _text(item: object, key: str) -> str:
    found = value(item, key, "")
    return "" if found is None else str(found)


class DatagovSection:
    """Data and data governance (AI Act Art 10; Annex IV 2(d) datasheets)."""

    __slots__ = ()
    kind = EvidenceKind.DATAGOV
    title = "Datasets and data governance"
    group = Group.DOCUMENTS

    def render(self, records: Sequence[Verified]) -> list[Block]:
        """Per profiled table: what was checked, what was found, and its datasheet."""
        blocks: list[Block] = []
        for verified in records:
            details = verified.record.details
            blocks += provenance(verified)
            blocks += _checks(details)
            blocks += _findings(details)
            blocks += _representation(details)
            blocks += _balance(details)
            blocks += _missingness(details)
            blocks += _duplicates(details)
            blocks += _leakage(details)
            blocks += _datasheet(details)
        return blocks


def _checks(details: object) -> list[Block]:
    roles = value(details, "roles", {})
    given = [
        f"{name}: {', '.join(v) if isinstance(v, list) else v}"
        for name in ("split", "id", "label", "groups", "time", "excluded")
        if (v := value(roles, name, None))
    ]
    rows = tuple(
        (_text(c, "title"), "yes" if value(c, "ran") is True else "no", _text(c, "reason"),
         ", ".join(_strings(c, "requirements")))
        for c in _list(details, "checks")
    )  # fmt: skip
    tones = tuple(Tone.NORMAL if r[1] == "yes" else Tone.MUTED for r in rows)
    return [
        Para(f"Column roles: {'; '.join(given) or 'none given'}."),
        Table(("check", "ran", "covered", "AI Act points"), rows, "Checks", tones),
    ]


def _findings(details: object) -> list[Block]:
    findings = _list(details, "findings")
    if not findings:
        return [Para("The profile found no problem in the data.", Tone.GOOD)]
    rows = tuple(
        (_text(f, "severity"), _text(f, "kind").replace("_", " "), _text(f, "subject"),
         _text(f, "message"), ", ".join(_strings(f, "requirements")))
        for f in findings
    )  # fmt: skip
    tones = tuple(_TONE.get(r[0], Tone.NORMAL) for r in rows)
    return [
        Table(("severity", "finding", "where", "detail", "leaves open"), rows, "Findings", tones)
    ]


def _representation(details: object) -> list[Block]:
    rows: list[tuple[str, ...]] = []
    tones: list[Tone] = []
    method = ""
    for r in _list(details, "representation"):
        method = _text(r, "method")
        for level in _list(r, "levels"):
            standing = _text(level, "standing")
            if _text(r, "scope") != "all" and standing != "below":
                continue
            share = value(level, "share", {})
            rows.append(
                (_text(r, "column"), _text(r, "scope"), _text(share, "level"),
                 _text(share, "count"), _pct(value(share, "share")),
                 f"{_pct(value(share, 'lower'))}-{_pct(value(share, 'upper'))}",
                 _pct(value(level, "reference")), standing.replace("_", " "))
            )  # fmt: skip
            tones.append(Tone.BAD if standing == "below" else Tone.NORMAL)
    if not rows:
        return []
    header = ("group", "scope", "level", "n", "share", "interval", "reference", "standing")
    caption = f"Representation (simultaneous 95% intervals, {method}; splits: problems only)"
    return [Table(header, tuple(rows), caption, tuple(tones))]


def _balance(details: object) -> list[Block]:
    rows = []
    for b in _list(details, "label_balance"):
        for row in _list(b, "rows"):
            classes = "; ".join(
                f"{_text(c, 'level')}: {_text(c, 'count')} ({_pct(value(c, 'share'))})"
                for c in _list(row, "classes")
            )
            p = value(b, "p_value")
            rows.append(
                (_text(b, "scope"), _text(b, "column") or "all", _text(row, "level"),
                 _text(row, "n"), classes, f"{p:.2g}" if isinstance(p, float) else "")
            )  # fmt: skip
    if not rows:
        return []
    header = ("scope", "group", "level", "n", "classes", "independence p")
    return [Table(header, tuple(rows[:_SHOWN]), "Label balance per group")]


def _missingness(details: object) -> list[Block]:
    found = value(details, "missingness", {})
    columns = [c for c in _list(found, "columns") if value(c, "missing", 0)]
    blocks: list[Block] = []
    if columns:
        rows = tuple(
            (_text(c, "column"), _text(c, "missing"), _pct(value(c, "share")),
             f"{_pct(value(c, 'lower'))}-{_pct(value(c, 'upper'))}")
            for c in columns
        )  # fmt: skip
        blocks.append(Table(("column", "missing", "share", "95% interval"), rows, "Missing values"))
    else:
        blocks.append(Para("No column has missing values."))
    shifts = [
        s for s in _list(found, "by_group") + _list(found, "over_time") if value(s, "shifted")
    ]
    if shifts:
        rows = tuple(
            (_text(s, "column"), _text(s, "by"), _pct(value(s, "spread")),
             f"{value(s, 'p_value'):.2g}" if isinstance(value(s, "p_value"), float) else "")
            for s in shifts
        )  # fmt: skip
        caption = f"Shifts in missing values (periods: {_text(found, 'unit') or 'none'})"
        blocks.append(
            Table(
                ("column", "across", "spread", "p"), rows, caption, tuple(Tone.WARN for _ in rows)
            )
        )
    return blocks


def _duplicates(details: object) -> list[Block]:
    found = value(details, "duplicates", {})
    rows = [
        (label, _text(value(found, key, {}), "groups"), _text(value(found, key, {}), "rows"))
        for key, label in (
            ("identical", "identical rows"),
            ("except_id", "identical except the patient id"),
            ("near", "near duplicates (rounded)"),
        )
        if isinstance(value(found, key, None), dict)
    ]
    blocks: list[Block] = [Table(("duplicates", "sets", "rows"), tuple(rows), "Duplicate rows")]
    split = value(details, "split_leakage", None)
    if isinstance(split, dict):
        pairs = tuple(
            (f"{_text(p, 'first')} / {_text(p, 'second')}", _text(p, "patients"),
             _text(p, "feature_rows"))
            for p in _list(split, "pairs")
        )  # fmt: skip
        tones = tuple(Tone.BAD if r[1] not in {"0", ""} else Tone.NORMAL for r in pairs)
        caption = "Shared between splits"
        blocks.append(Table(("splits", "patients", "feature rows"), pairs, caption, tones))
    return blocks


def _leakage(details: object) -> list[Block]:
    scores = _list(details, "target_leakage")
    if not scores:
        return []
    flagged = [s for s in scores if value(s, "flagged")]
    text = f"{len(scores)} column screen(s) for label leakage; {len(flagged)} flagged."
    blocks: list[Block] = [Para(text, Tone.BAD if flagged else Tone.NORMAL)]
    if flagged:
        rows = tuple(
            (_text(s, "column"), _text(s, "signal").replace("_", " "), _text(s, "label_class"),
             f"{value(s, 'auroc'):.3f}" if isinstance(value(s, "auroc"), float) else "")
            for s in flagged
        )  # fmt: skip
        header = ("column", "signal", "class", "AUROC")
        blocks.append(Table(header, rows, "Possible leakage", tuple(Tone.BAD for _ in rows)))
    return blocks


def _datasheet(details: object) -> list[Block]:
    sheet = value(details, "datasheet", {})
    entries = _list(sheet, "entries")
    if not entries:
        return []
    rows = tuple(
        (_text(e, "title"), _text(e, "answer") or "(unanswered)",
         "; ".join(_strings(e, "computed")))
        for e in entries
    )  # fmt: skip
    tones = tuple(Tone.NORMAL if value(e, "answer") else Tone.WARN for e in entries)
    blocks: list[Block] = [
        Table(("heading", "answer", "computed from the data"), rows,
              f"Datasheet ({_text(sheet, 'citation')})", tones),
    ]  # fmt: skip
    source = value(sheet, "reference_source")
    if source:
        blocks.append(Para(f"Reference population: {source}."))
    blocks += [
        Missing(f"datasheet heading '{_text(e, 'title')}' (datasets.{_text(e, 'heading')})")
        for e in entries
        if not value(e, "answer")
    ]
    return blocks
