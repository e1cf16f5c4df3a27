"""``techfile init``: the questionnaire that writes ``techfile.yaml``."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from techfile.cli._app import app, err, out, reporting
from techfile.errors import InputError, LocatedInputError
from techfile.located import load_yaml
from techfile.project import MANIFEST_NAME, write_manifest
from techfile.project._questionnaire import (
    AnswerKind,
    Question,
    assemble,
    is_relevant,
    parse_answer,
    questions,
)

__all__ = ["init_command"]


@app.command("init")
def init_command(
    folder: Annotated[
        Path, typer.Argument(help="Project folder to write techfile.yaml into.")
    ] = Path(),
    *,
    answers: Annotated[
        Path | None,
        typer.Option(help="YAML file of answers by question key (device.name, is_software, ...)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing techfile.yaml.")
    ] = False,
    interactive: Annotated[
        bool,
        typer.Option(
            "--interactive/--no-input",
            help="Ask what the answers file leaves open (default: only on a terminal).",
        ),
    ] = sys.stdin.isatty(),
) -> None:
    """Ask the classification questionnaire and write techfile.yaml.

    Each question says why it is asked and which legal test it feeds. Press Enter or ? to skip
    a fact: `techfile classify` will ask it again later instead of guessing.
    """
    with reporting():
        given = _read_answers(answers) if answers else {}
        collected: dict[str, object] = {}
        for question in questions():
            if not is_relevant(question, collected):
                continue
            if question.key in given:
                collected[question.key] = given[question.key]
            elif interactive:
                collected[question.key] = _ask(question)
            elif question.required:
                msg = f"no answer for {question.key} ({question.text}); add it to the answers file"
                raise InputError(msg)
        target = folder / MANIFEST_NAME
        try:
            write_manifest(target, assemble(collected), overwrite=force)
        except LocatedInputError as e:
            raise _in_answers(e, answers, given) from e
    out.print(f"wrote {target}; next: techfile classify {target}")


def _in_answers(
    error: LocatedInputError, answers: Path | None, given: dict[str, object]
) -> InputError:
    """Re-point an error in the manifest being written at the answer that caused it."""
    field = error.field or ""
    key = field.removeprefix("classification.").split(",")[0]
    if field.startswith("device."):
        key = ".".join(field.split(".")[:2])
    problem = error.problem + (f"; expected {error.expected}" if error.expected else "")
    if answers is not None and key in given:
        document = load_yaml(answers)
        parts = (
            tuple(key.split("."))
            if isinstance(document.data, dict)
            and "device" in document.data
            and key.startswith("device.")
            else (key,)
        )
        return LocatedInputError(
            document.locate(parts), problem, field=key, found=error.found, hint=error.hint
        )
    return InputError(f"answer for {key or 'the questionnaire'}: {problem}")


def _ask(question: Question) -> object:
    out.print(
        Text.assemble(
            ("\n" + question.text, "bold"),
            "\n  ",
            (question.explanation, "dim"),
            "  ",
            (f"[{question.citation}]", "dim"),
        )
    )
    if question.choices and question.kind in {AnswerKind.CHOICE, AnswerKind.CHOICE_LIST}:
        out.print(Text("  choices: " + ", ".join(question.choices), style="dim"))
    while True:
        text = typer.prompt(
            "  answer", default="" if not question.required else None, show_default=False
        )
        try:
            return parse_answer(question, text)
        except InputError as e:
            err.print(Text(f"  {e}", style="red"))


def _read_answers(path: Path) -> dict[str, object]:
    document = load_yaml(path)
    data = document.data
    if not isinstance(data, dict):
        raise LocatedInputError(
            document.locate(()), "expected a mapping of question keys to answers"
        )
    flat: dict[str, object] = {}
    for key, value in data.items():
        if key == "device" and isinstance(value, dict):
            flat.update({f"device.{k}": v for k, v in value.items()})
        else:
            flat[str(key)] = value
    by_key = {q.key: q for q in questions()}
    parsed: dict[str, object] = {}
    for key, value in flat.items():
        parts = tuple(key.split(".")) if key.startswith("device.") and "device" in data else (key,)
        where = document.locate(parts)
        question = by_key.get(key)
        if question is None:
            close = difflib.get_close_matches(key, list(by_key), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "see `techfile schema facts`"
            raise LocatedInputError(where, f"unknown question key '{key}'", field=key, hint=hint)
        try:
            parsed[key] = parse_answer(question, _as_text(value, question))
        except InputError as e:
            raise LocatedInputError(where, str(e), field=key) from e
    return parsed


def _as_text(value: object, question: Question) -> str:
    if value is None:
        # null: "none" where that is an answer (no Annex III use case), otherwise skipped.
        return "none" if "none" in question.choices else "?"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ",".join(str(v) for v in value) or "none"
    return str(value)
