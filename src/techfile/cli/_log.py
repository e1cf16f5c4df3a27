"""``techfile log``: the tamper-evident decision log from the command line.

Operators create the log, append records, sign checkpoints, prove entries, audit and count;
``verify-proof`` is the auditor's command and needs only a proof file and the log's verifier
key, never the database. Problems a check finds exit 1, bad input exits 2 (STYLE D4).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Final

import typer
from rich.progress import Progress as Bar
from rich.table import Table
from rich.text import Text

from techfile.catalog import load_catalog
from techfile.cli._app import EXIT_FOUND, app, err, out, reporting
from techfile.cli._keys import passphrase
from techfile.decisionlog import (
    CHECKPOINT_FILE,
    DEFAULT_REQUIREMENTS,
    AuditFailed,
    AuditResult,
    Batching,
    DecisionLog,
    LogStats,
    Progress,
    VerifierKey,
    append_lines,
    audit_json,
    check_json,
    check_proof,
    consistency_json,
    evidence_draft,
    evidence_requirements,
    inclusion_json,
    key_file,
    no_progress,
    open_checkpoint,
    read_jsonl,
    read_proof,
    stats_json,
    summarize,
)
from techfile.decisionlog.store import sqlite_path
from techfile.errors import InputError
from techfile.evidence import FolderStore, load_signer, sign_draft, subject_of
from techfile.project import load_manifest

__all__ = ["log_app"]

log_app = typer.Typer(
    help="Record AI decisions and oversight in a tamper-evident log; prove and audit it.",
    no_args_is_help=True,
)
app.add_typer(log_app, name="log")

DEFAULT_LOG: Final = "sqlite:///decisions.db"
_APPEND: Final = Batching(max_entries=1000, max_delay_ms=50)

_Url = Annotated[
    str,
    typer.Option(
        "--log",
        envvar="TECHFILE_DECISION_LOG",
        help="The log: sqlite:///PATH or postgresql://USER@HOST/DB.",
    ),
]
_Key = Annotated[
    Path | None,
    typer.Option(help="The log's signing key (skey file); by default PATH.skey beside SQLite."),
]
_Json = Annotated[bool, typer.Option("--json", help="Print JSON (`techfile schema log-...`).")]


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read it ({e})") from e


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise InputError(f"{path}: cannot write it ({e.strerror or e})") from e


@contextmanager
def _opened(url: str, key: Path | None, batching: Batching | None = None) -> Iterator[DecisionLog]:
    """Open a log that exists, with the key it was created with (never create either)."""
    path = sqlite_path(url)
    if path not in {None, ":memory:"} and not Path(str(path)).exists():
        raise InputError(f"no decision log at {url}: create it with `techfile log init`")
    skey = key_file(url, key)
    if skey is not None and not skey.exists():
        raise InputError(f"no log key {skey}: give the key the log was created with (--key)")
    with DecisionLog.open(url, key=key, batching=batching) as log:
        yield log


@contextmanager
def _bar(what: str) -> Iterator[Progress]:
    """A transient progress bar on stderr, fed by the library's progress observer."""
    if not err.is_terminal:  # a log file or a pipe gets no bar, not even its blank line
        yield no_progress
        return
    with Bar(transient=True, console=err) as bar:
        task = bar.add_task(what, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _vkey_file(skey: Path) -> Path:
    return skey.with_name(skey.name.removesuffix(".skey") + ".vkey")


@log_app.command("init")
def init_command(
    log_url: _Url = DEFAULT_LOG,
    key: _Key = None,
    origin: Annotated[
        str | None, typer.Option(help="The log's origin, e.g. example.com/device/decisions.")
    ] = None,
) -> None:
    """Create the log and its signing key; write the verifier key (.vkey) for auditors."""
    with reporting(), DecisionLog.open(log_url, key=key, origin=origin) as log:
        vkey, size = log.verifier.format(), log.size
        skey = key_file(log_url, key)
        if skey is not None:
            _write(_vkey_file(skey), f"{vkey}\n")
    out.print(f"decision log {log_url}: origin {log.origin}, {size} entries", highlight=False)
    if skey is not None:
        out.print(f"signing key:  {skey} (keep it secret)\nverifier key: {_vkey_file(skey)}")
    typer.echo(vkey)  # never wrapped: auditors copy it


@log_app.command("append")
def append_command(
    records: Annotated[Path, typer.Argument(help="JSON Lines: one decision or oversight each.")],
    log_url: _Url = DEFAULT_LOG,
    key: _Key = None,
) -> None:
    """Append records from a JSON Lines file; a malformed line appends nothing of the file.

    Each line is an object with "type": "decision" or "oversight" and the record's fields.
    """
    with reporting():
        lines = read_jsonl(records)
        with _opened(log_url, key, _APPEND) as log, _bar(f"appending {records}") as progress:
            done = append_lines(log, records, lines, progress)
    where = "" if done.first_index is None else f" from index {done.first_index}"
    out.print(f"appended {done.count} record(s){where}; the log holds {done.size} entries")


@log_app.command("checkpoint")
def checkpoint_command(
    log_url: _Url = DEFAULT_LOG,
    key: _Key = None,
    output: Annotated[Path | None, typer.Option("--out", help="Also save the note here.")] = None,
) -> None:
    """Sign a checkpoint of every committed entry and print the signed note."""
    with reporting():
        with _opened(log_url, key) as log:
            signed = log.checkpoint()
        if output is not None:
            _write(output, signed.note)
    typer.echo(signed.note, nl=False)


@log_app.command("prove")
def prove_command(
    index: Annotated[int, typer.Argument(help="The entry's 0-based index.")],
    log_url: _Url = DEFAULT_LOG,
    key: _Key = None,
    *,
    as_json: _Json = False,
) -> None:
    """Print the inclusion proof of one entry against the latest checkpoint."""
    with reporting(), _opened(log_url, key) as log:
        proof = inclusion_json(log.prove(index), log.origin)
    if as_json:
        typer.echo(proof.model_dump_json(by_alias=True, indent=2))
        return
    # Plain echo, never wrapped: hashes and notes are copied by people and tools.
    typer.echo(f"entry {proof.index} of {proof.tree_size} in {proof.origin}")
    typer.echo(f"leaf:      {proof.leaf}\nleaf hash: {proof.leaf_hash}")
    typer.echo("proof, the sibling first:\n" + "".join(f"  {h}\n" for h in proof.hashes), nl=False)
    typer.echo("checkpoint:\n" + proof.checkpoint, nl=False)


@log_app.command("verify-proof")
def verify_proof_command(
    proof_file: Annotated[Path, typer.Argument(help="From `log prove --json` or `consistency`.")],
    vkey: Annotated[Path, typer.Option(help="The log's verifier key file (.vkey).")],
    origin: Annotated[str | None, typer.Option(help="The log's origin; default: key name.")] = None,
    checkpoint: Annotated[
        Path | None, typer.Option(help="A checkpoint you kept; the proof must be about it.")
    ] = None,
    *,
    as_json: _Json = False,
) -> None:
    """Check a proof file offline with the log's verifier key; exit 1 if it does not hold."""
    with reporting():
        log_key = VerifierKey.parse(_text(vkey).strip())
        proof = read_proof(_text(proof_file), str(proof_file))
        trusted = None if checkpoint is None else _text(checkpoint)
        result = check_proof(proof, log_key, origin=origin, trusted=trusted)
    if as_json:
        typer.echo(check_json(result).model_dump_json(by_alias=True, indent=2))
    else:
        verdict = Text("verified", "green") if result.ok else Text("REJECTED", "bold red")
        out.print(Text.assemble(verdict, f" ({result.kind} proof): {result.detail}"))
    if not result.ok:
        raise typer.Exit(EXIT_FOUND)


@log_app.command("consistency")
def consistency_command(
    old: Annotated[int, typer.Argument(help="The earlier checkpoint's size.")],
    new: Annotated[int, typer.Argument(help="The later checkpoint's size.")],
    log_url: _Url = DEFAULT_LOG,
    key: _Key = None,
    *,
    as_json: _Json = False,
) -> None:
    """Prove and check that the log at checkpoint OLD is a prefix of the log at checkpoint NEW."""
    with reporting(), _opened(log_url, key) as log:
        signed = {c.checkpoint.size: c for c in log.checkpoints()}
        missing = [size for size in (old, new) if size not in signed]
        if missing:
            sizes = ", ".join(map(str, sorted(signed))) or "none yet"
            raise InputError(f"no signed checkpoint at size {missing[0]} (checkpoints: {sizes})")
        proof = log.consistency(old, new)
        document = consistency_json(proof, log.origin, signed[old], signed[new])
        result = check_proof(document, log.verifier, origin=log.origin)
    if as_json:
        typer.echo(document.model_dump_json(by_alias=True, indent=2))
    else:
        typer.echo(f"consistency proof from size {old} to {new}:")
        typer.echo("".join(f"  {h}\n" for h in document.hashes), nl=False)
        typer.echo(("verified: " if result.ok else "REJECTED: ") + result.detail)
    if not result.ok:
        raise typer.Exit(EXIT_FOUND)


def _print_audit(result: AuditResult) -> None:
    if isinstance(result, AuditFailed):
        where = f"first bad index {result.first_bad_index} ({result.part.value})"
        out.print(Text(f"audit FAILED: {where}: {result.reason}", "bold red"))
        return
    out.print(Text(f"audit passed: {result.size} entries, {result.checkpoints} checkpoint(s)"))


@log_app.command("audit")
def audit_command(
    log_url: _Url = DEFAULT_LOG,
    key: _Key = None,
    trusted: Annotated[
        list[Path] | None, typer.Option(help="A checkpoint note kept elsewhere (repeatable).")
    ] = None,
    *,
    as_json: _Json = False,
) -> None:
    """Recompute every hash and root and check them against the checkpoints; exit 1 if bad."""
    with reporting(), _opened(log_url, key) as log:
        kept = [
            open_checkpoint(_text(path), log.verifier, origin=log.origin).checkpoint
            for path in trusted or []
        ]
        with _bar("auditing") as progress:
            result = log.audit(trusted=kept, progress=progress)
    if as_json:
        typer.echo(audit_json(result, log.origin).model_dump_json(by_alias=True, indent=2))
    else:
        _print_audit(result)
    if not result.ok:
        raise typer.Exit(EXIT_FOUND)


def _stats_table(stats: LogStats) -> Table:
    table = Table(title="Decision log", title_justify="left", show_header=False)
    rate = stats.override_rate
    rows = [
        ("entries", str(stats.size)),
        ("checkpoints", f"{stats.checkpoints} (latest at size {stats.latest_checkpoint})"),
        ("decisions", str(stats.decisions)),
        *((f"oversight: {a.value}", str(n)) for a, n in stats.oversight.items()),
        ("oversight: erased", str(stats.oversight_erased)),
        ("decisions overseen", str(stats.overseen_decisions)),
        ("override rate", "-" if rate is None else f"{rate:.1%}"),
        ("erased payloads", str(stats.erased)),
    ]
    for name, value in rows:
        table.add_row(name, value)
    return table


@log_app.command("stats")
def stats_command(log_url: _Url = DEFAULT_LOG, key: _Key = None, *, as_json: _Json = False) -> None:
    """Count entries, checkpoints, decisions and oversight by action, with the override rate."""
    with reporting(), _opened(log_url, key) as log, _bar("counting") as progress:
        stats = log.stats(progress=progress)
    if as_json:
        typer.echo(stats_json(stats, log.origin).model_dump_json(by_alias=True, indent=2))
    else:
        out.print(_stats_table(stats))


@log_app.command("evidence")
def evidence_command(
    log_url: _Url = DEFAULT_LOG,
    key: _Key = None,
    project: Annotated[Path, typer.Option(help="Project folder or techfile.yaml.")] = Path(),
    note_file: Annotated[
        Path | None,
        typer.Option(
            "--checkpoint-file", help=f"Where to save the note [EVIDENCE/{CHECKPOINT_FILE}]."
        ),
    ] = None,
    requirement: Annotated[
        list[str] | None, typer.Option("--requirement", "-r", help="Link this requirement instead.")
    ] = None,
) -> None:
    """Record the log as signed evidence: checkpoint, audit and oversight statistics.

    Exits 1 (after recording a FAIL record) when the audit finds a problem.
    """
    with reporting():
        manifest = load_manifest(project)
        catalog = load_catalog()
        links = evidence_requirements(catalog, requirement or DEFAULT_REQUIREMENTS)
        signer = load_signer(manifest.root / manifest.evidence.key, passphrase(confirm=False))
        with _opened(log_url, key) as log, _bar("auditing") as progress:
            summary = summarize(log, progress)
        folder = manifest.root / manifest.evidence.folder
        note = note_file or folder / CHECKPOINT_FILE
        _write(note, summary.checkpoint.note)
        draft = evidence_draft(summary, subject_of(note, manifest.root), links)
        digest = FolderStore(folder).put([sign_draft(draft, signer, catalog=catalog)])[0]
    typer.echo(f"recorded {digest} ({draft.outcome.value}): {draft.summary}")
    if not summary.audit.ok:
        raise typer.Exit(EXIT_FOUND)
