"""The ``techfile init`` questionnaire: the questions, their relevance, and parsing of answers.

Device-identity questions come first, then one question per classification fact, in the order
and wording of ``facts.yaml`` with its plain explanation and legal source. A fact question is
asked only while it is relevant (its ``ask_when`` holds or cannot be decided yet), so a
manufacturer never answers about driven devices for software that drives none. No IO here:
the CLI asks, this module parses and assembles.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, StrEnum

from pydantic import ValidationError

from techfile.catalog._conditions import Truth, evaluate
from techfile.classify import Facts, FactSpec, load_rulebook
from techfile.errors import InputError
from techfile.project._models import FactsModel

__all__ = ["AnswerKind", "Question", "assemble", "is_relevant", "parse_answer", "questions"]

SKIP = frozenset({"", "?", "skip", "unknown"})
_YES = frozenset({"y", "yes", "true"})
_NO = frozenset({"n", "no", "false"})


class AnswerKind(StrEnum):
    """How an answer is read."""

    TEXT = "text"
    TEXT_LIST = "text_list"
    BOOL = "bool"
    CHOICE = "choice"
    CHOICE_LIST = "choice_list"


@dataclass(frozen=True, slots=True)
class Question:
    """One question of the questionnaire."""

    key: str
    """Answer key: a device field (``device.name``) or a fact name."""
    text: str
    """The question."""
    explanation: str
    """Why it is asked, in plain words."""
    citation: str
    """The legal source, if any."""
    kind: AnswerKind
    """How to read the answer."""
    choices: tuple[str, ...] = ()
    """Allowed values for choice answers."""
    required: bool = False
    """Device questions must be answered; facts may be skipped (they become questions later)."""
    spec: FactSpec | None = None
    """The fact's specification, for fact questions."""


_DEVICE_QUESTIONS = (
    Question(
        "device.name",
        "Trade name of the device?",
        "As on the label.",
        "MDR Annex II 1.1(a)",
        AnswerKind.TEXT,
        required=True,
    ),
    Question(
        "device.manufacturer",
        "Legal manufacturer's name?",
        "The company placing the device on the market under its name.",
        "MDR Art 2(30)",
        AnswerKind.TEXT,
        required=True,
    ),
    Question(
        "device.version",
        "Software version?",
        "The version this technical file documents.",
        "MDR Annex II 1.1(a); AI Act Annex IV 1(c)",
        AnswerKind.TEXT,
        required=True,
    ),
    Question(
        "device.udi_di",
        "Basic UDI-DI (leave empty if not assigned yet)?",
        "The device identifier in EUDAMED.",
        "MDR Art 27; Annex VI Part C",
        AnswerKind.TEXT,
    ),
    Question(
        "device.intended_purpose",
        "Intended purpose, as the instructions for use will state it?",
        "The manufacturer's intended purpose decides qualification and class.",
        "MDR Art 2(12)",
        AnswerKind.TEXT,
        required=True,
    ),
    Question(
        "device.intended_users",
        "Intended users (comma-separated)?",
        "For example: cardiologists, general practitioners.",
        "MDR Annex II 1.1(c)",
        AnswerKind.TEXT_LIST,
        required=True,
    ),
    Question(
        "device.patient_population",
        "Intended patient population?",
        "Age range, condition, setting.",
        "MDR Annex II 1.1(c)",
        AnswerKind.TEXT,
        required=True,
    ),
    Question(
        "device.use_environment",
        "Use environments (comma-separated)?",
        "For example: outpatient clinic, intensive care, home.",
        "MDCG 2019-11 Rev.1 section 4.2.1",
        AnswerKind.TEXT_LIST,
        required=True,
    ),
)


def questions() -> tuple[Question, ...]:
    """Return every question, device identity first, then each fact of ``facts.yaml``."""
    facts: list[Question] = []
    for spec in load_rulebook().facts:
        kind, choices = _kind_of(spec.name)
        facts.append(
            Question(
                spec.name, spec.question, spec.explanation, spec.citation, kind, choices, spec=spec
            )
        )
    return _DEVICE_QUESTIONS + tuple(facts)


def _kind_of(name: str) -> tuple[AnswerKind, tuple[str, ...]]:
    annotation = FactsModel.model_fields[name].annotation
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    inner = args[0] if args else annotation
    if typing.get_origin(inner) is typing.Annotated:  # StrictBool is Annotated[bool, Strict()]
        inner = typing.get_args(inner)[0]
    if inner is bool:
        return AnswerKind.BOOL, ()
    if isinstance(inner, type) and issubclass(inner, Enum):
        return AnswerKind.CHOICE, tuple(str(m.value) for m in inner)
    book = load_rulebook()
    if typing.get_origin(inner) is list:
        triggers = next(rs.triggers for rs in book.rule_sets.values() if rs.trigger_fact == name)
        return AnswerKind.CHOICE_LIST, tuple(sorted(triggers))
    return AnswerKind.CHOICE, (*book.annex_iii_points, "none")


def is_relevant(question: Question, answers: dict[str, object]) -> bool:
    """Whether to ask a question given the answers so far (undecidable counts as relevant)."""
    if question.spec is None or question.spec.ask_when is None:
        return True
    facts = _facts(answers)
    return evaluate(question.spec.ask_when, facts.get).truth is not Truth.FALSE


def parse_answer(question: Question, text: str) -> object:
    """Read one typed-in answer; ``None`` means skipped (the fact stays missing).

    Raises:
        InputError: The answer does not fit the question.
    """
    raw = text.strip()
    if raw.lower() in SKIP:
        if question.required:
            msg = f"{question.key}: an answer is required"
            raise InputError(msg)
        return None
    return _PARSERS[question.kind](question, raw)


def _parse_bool(question: Question, raw: str) -> bool:
    if raw.lower() in _YES:
        return True
    if raw.lower() in _NO:
        return False
    msg = f"{question.key}: answer yes or no (or ? to skip), not {raw!r}"
    raise InputError(msg)


def _parse_choices(question: Question, raw: str) -> list[str]:
    if raw.lower() == "none":
        return []
    return [_choice(question, item.strip()) for item in raw.split(",") if item.strip()]


def _choice(question: Question, raw: str) -> str:
    if raw not in question.choices:
        msg = f"{question.key}: {raw!r} is not one of {', '.join(question.choices)}"
        raise InputError(msg)
    return raw


_PARSERS: dict[AnswerKind, Callable[[Question, str], object]] = {
    AnswerKind.TEXT: lambda _, raw: raw,
    AnswerKind.TEXT_LIST: lambda _, raw: [item.strip() for item in raw.split(",") if item.strip()],
    AnswerKind.BOOL: _parse_bool,
    AnswerKind.CHOICE: _choice,
    AnswerKind.CHOICE_LIST: _parse_choices,
}


def _facts(answers: dict[str, object]) -> Facts:
    given: dict[str, bool | str | frozenset[str] | None] = {}
    for key, value in answers.items():
        if key.startswith("device.") or value is None:
            continue
        if isinstance(value, list):
            given[key] = frozenset(str(v) for v in value)
        elif isinstance(value, bool | str):
            given[key] = None if value == "none" and key == "annex_iii_use_case" else value
    return Facts(given)


def assemble(answers: dict[str, object]) -> dict[str, object]:
    """Build the manifest data from answers (skipped facts are left out, to be asked later).

    Raises:
        InputError: The answers do not make valid classification facts.
    """
    device: dict[str, object] = {}
    manufacturer: dict[str, object] = {}
    classification: dict[str, object] = {}
    for key, value in answers.items():
        if value is None or (value in ("", []) and key.startswith("device.")):
            continue
        if key == "device.manufacturer":
            manufacturer["name"] = value
        elif key.startswith("device."):
            device[key.removeprefix("device.")] = value
        elif key == "annex_iii_use_case" and value == "none":
            classification[key] = None
        else:
            classification[key] = value
    if manufacturer:
        device = {"name": device.pop("name", None), "manufacturer": manufacturer, **device}
    try:
        FactsModel.model_validate(classification)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        msg = f"answer for {where}: {first['msg']}"
        raise InputError(msg) from e
    return {"device": device, "classification": classification}
