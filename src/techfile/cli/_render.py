"""Human-readable rendering of results for the terminal (Rich)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from techfile.classify import Classification
from techfile.project import Manifest

__all__ = ["render_classification"]

_UNDECIDED = Text("undecided (see questions)", style="yellow")


def _value(value: object) -> Text:
    if value is None:
        return _UNDECIDED
    if isinstance(value, bool):
        return Text("yes" if value else "no", style="bold")
    return Text(str(value), style="bold")


def render_classification(console: Console, result: Classification, manifest: Manifest) -> None:
    """Print a summary, the dates, flags, open questions and the cited trace."""
    title = manifest.device.name if manifest.device else str(manifest.path)
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="dim")
    summary.add_column()
    device_class = result.device_class
    klass = Text()
    if device_class is not None:
        klass = Text(f"{device_class}", style="bold")
        if result.class_variants:
            klass.append(f" ({', '.join(result.class_variants)})")
        klass.append(f"  by Rule {result.rule}" if result.rule else "")
    rows: list[tuple[str, Text]] = [
        ("Qualification", _value(result.qualification)),
        ("Medical device (MDR/IVDR applies)", _value(result.qualifies_as_medical_device)),
        ("Regulation", _value(result.regulation)),
        ("Class", klass if device_class is not None else _value(None)),
        ("Notified body required", _value(result.notified_body_required)),
        ("AI Act high-risk", _value(result.ai_act_high_risk)),
        ("AI Act outcome", _value(result.ai_act_outcome)),
    ]
    if result.notified_body_scope:
        rows.insert(5, ("Notified body scope", Text(result.notified_body_scope)))
    for label, text in rows:
        summary.add_row(label, text)
    parts: list[object] = [summary]
    if result.conformity_routes:
        parts.append(Text("\nConformity routes (choose one):", style="bold"))
        parts += [Text(f"  - {route}") for route in result.conformity_routes]
    if result.ai_act_conformity_routes:
        parts.append(Text("AI Act:", style="bold"))
        parts += [Text(f"  - {route}") for route in result.ai_act_conformity_routes]
    if result.post_market_report:
        report = result.post_market_report
        parts.append(Text(f"\n{report.report}: {report.frequency} [{report.citation}]"))
    console.print(Panel(Group(*parts), title=f"techfile classify: {title}", expand=False))  # type: ignore[arg-type]  # Group takes renderables
    _dates(console, result)
    for flag in result.flags:
        console.print(
            Text.assemble(
                ("flag ", "bold magenta"),
                f"{flag.article}: {flag.finding} ",
                (f"[{flag.citation}]", "dim"),
            )
        )
    _questions(console, result)
    _trace(console, result)
    console.print(Text(f"Law as of {result.legal_status_as_of.isoformat()}.", style="dim"))


def _dates(console: Console, result: Classification) -> None:
    if not result.dates:
        return
    table = Table(title="Key dates", title_justify="left", show_lines=False)
    table.add_column("date", no_wrap=True)
    table.add_column("event")
    table.add_column("citation", style="dim")
    for date in result.dates:
        table.add_row(date.date.isoformat(), date.event, date.citation)
    console.print(table)


def _questions(console: Console, result: Classification) -> None:
    if not result.questions:
        return
    console.print(
        Text("Open questions (answer them in the classification: section):", style="bold yellow")
    )
    for question in result.questions:
        console.print(
            Text.assemble(
                ("  needs: ", "yellow"),
                (question.field, "bold"),
                f" - {question.question} ",
                (f"[{question.citation}]", "dim"),
            )
        )


def _trace(console: Console, result: Classification) -> None:
    table = Table(title="Why: the steps taken", title_justify="left", show_lines=True)
    table.add_column("#", justify="right", style="dim")
    table.add_column("step")
    table.add_column("finding")
    table.add_column("citation", style="dim")
    for number, step in enumerate(result.trace, start=1):
        table.add_row(str(number), step.step, step.finding, step.citation)
    console.print(table)
