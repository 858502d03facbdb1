"""`jitbot logs`: read, export, summarise and purge the query log."""

from __future__ import annotations

import csv
import json
import sys

import click

from .cli_support import pass_services
from .services import Services

EXPORT_COLUMNS = [
    "id", "time", "user", "role", "chat_type", "front_end", "question", "answer", "question_chars",
    "answer_chars", "topics", "contacts", "abstained", "latency_ms", "error", "feedback_up",
    "feedback_down", "citations",
]


def _since(services: Services, value: str | None):
    from .log_reports import parse_since

    if value is None:
        return None
    try:
        return parse_since(value, services.query_log.clock())
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--since") from None


def _mode_note(services: Services, needs_text: bool = False) -> None:
    mode = services.settings.query_log
    if mode == "off":
        click.echo("The query log is off (JITBOT_QUERY_LOG=off): only daily counts are kept.", err=True)
    elif mode == "redacted" and needs_text:
        click.echo("The query log is redacted (JITBOT_QUERY_LOG=redacted): question and answer "
                   "text is not kept, so only older, unredacted entries can match.", err=True)


def _question_cell(row: dict) -> str:
    if row["question"] is None:
        topics = ", ".join(row["topics"]) or "no recognised topic"
        return f"[redacted: {row['question_chars']} characters; topics: {topics}]"
    text = " ".join(row["question"].split())
    return text if len(text) <= 100 else text[:99] + "…"


@click.group("logs")
def logs_group() -> None:
    """The query log: questions asked, answers given, feedback (logs.db)."""


@logs_group.command("list")
@click.option("--since", help="Only newer entries: 7d, 12h, 2w, or a date such as 2025-01-31.")
@click.option("--abstained", is_flag=True, help="Only questions the bot could not answer.")
@click.option("--feedback", type=click.Choice(["negative", "positive", "any"]), help="Only answers with such feedback.")
@click.option("--search", help="Full-text search in questions and answers.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_services
def logs_list(services: Services, since, abstained, feedback, search, limit, as_json) -> None:
    """List logged questions, newest first."""
    from .log_reports import list_queries

    rows = list_queries(services.query_log, since=_since(services, since), abstained=abstained,
                        feedback=feedback, search=search, limit=limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        _mode_note(services, needs_text=bool(search))
        click.echo("No logged questions match.")
        return
    for row in rows:
        state = "error" if row["error"] else "not answered" if row["abstained"] else "answered"
        votes = "".join(f" {mark}{n}" for mark, n in (("👍", row["feedback_up"]), ("👎", row["feedback_down"])) if n)
        click.echo(f"{row['id']:>6}  {row['time'][:16].replace('T', ' ')}  {row['front_end'] or '-':<8}  "
                   f"{row['role'] or '-':<11}  {state:<12}{votes}  {_question_cell(row)}")


@logs_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="jsonl", show_default=True)
@click.option("--since", help="Only newer entries: 7d, 12h, 2w, or a date such as 2025-01-31.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="File (default: stdout).")
@pass_services
def logs_export(services: Services, fmt: str, since, output) -> None:
    """Export every logged question, oldest first, with citations and feedback counts."""
    from knowledge.spreadsheet_cells import neutralised

    from .log_reports import export_rows

    count = 0
    writer = csv.DictWriter(output, EXPORT_COLUMNS, extrasaction="ignore") if fmt == "csv" else None
    if writer:
        writer.writeheader()
    for row in export_rows(services.query_log, since=_since(services, since)):
        count += 1
        if writer:
            writer.writerow(
                {k: neutralised(json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v) for k, v in row.items()}
            )
        else:
            output.write(json.dumps(row, ensure_ascii=False) + "\n")
    if output is not sys.stdout:
        click.echo(f"{count} questions exported.", err=True)


@logs_group.command("stats")
@click.option("--days", type=click.IntRange(min=1, max=3660), default=30, show_default=True, help="Window, today included.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--network", "networks", multiple=True, metavar="ID",
              help="Only questions asked within this network (repeatable): by its members or in its groups.")
@pass_services
def logs_stats(services: Services, days: int, as_json: bool, networks: tuple[str, ...]) -> None:
    """Questions per day, abstention rate, feedback, latency, most cited, top unanswered."""
    from .log_reports import compute_stats
    from .networks import NetworkError

    try:
        chosen = [services.networks.require(n.strip()).id for n in networks] or None
    except NetworkError as error:
        raise click.BadParameter(str(error), param_hint="--network") from None
    stats = compute_stats(services.query_log, days=days, networks=chosen)
    if as_json:
        click.echo(json.dumps(stats.to_json(), ensure_ascii=False, indent=2))
        return
    for line in stats_lines(stats):
        click.echo(line)


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} ms"


def stats_lines(stats) -> list[str]:
    first, last = stats.days[0].date, stats.days[-1].date
    lines = [
        f"Query log, {len(stats.days)} days {first} – {last} (UTC), mode {stats.mode}"
        + (f", network {', '.join(stats.networks)}" if stats.networks else ""),
        f"Questions: {stats.questions} ({stats.errors} refused or failed)",
        f"Not answered: {stats.abstained} of {stats.answered} answered ({_percent(stats.abstention_rate)})",
        f"Feedback: {stats.feedback_up} 👍, {stats.feedback_down} 👎 ({_percent(stats.feedback_ratio)} positive)",
        f"Latency: p50 {_ms(stats.latency_p50)}, p95 {_ms(stats.latency_p95)}",
        "",
        "Questions per day:",
    ]
    busy = [d for d in stats.days if d.questions]
    lines += [f"  {d.date}  {d.questions:>5}  not answered {d.abstained:>4} ({_percent(d.abstention_rate)})"
              for d in busy] or ["  none"]
    lines += ["", "Most cited documents:"]
    lines += [f"  {d['citations']:>5}  {d['document_id']}  {d['title'] or ''}" for d in stats.top_documents] or ["  none"]
    lines += ["", "Top unanswered questions:"]
    lines += [f"  {u['times']:>5}×  {u['question'] or 'topics: ' + (', '.join(u['topics']) or 'none recognised')}"
              for u in stats.top_unanswered] or ["  none"]
    return lines


@logs_group.command("purge")
@click.option("--days", type=click.IntRange(min=1), help="Keep this many days (default: JITBOT_LOG_RETENTION_DAYS).")
@pass_services
def logs_purge(services: Services, days: int | None) -> None:
    """Delete questions older than the retention period (daily counts stay)."""
    days = days or services.settings.log_retention_days
    deleted = services.query_log.purge(days)
    click.echo(f"Purged {deleted} question{'s' if deleted != 1 else ''} older than {days} days.")


@logs_group.command("path")
@pass_services
def logs_path(services: Services) -> None:
    """Print the path of the query log database."""
    click.echo(services.query_log.path)
