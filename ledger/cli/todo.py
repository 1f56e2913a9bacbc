"""The acting analyst's queue (SPEC 5 `ledger todo`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ledger.cli.context import Env, emit_json, json_option, pass_env
from ledger.cli.output import local_when, shown, table
from ledger.core.timeutil import format_instant

if TYPE_CHECKING:  # pragma: no cover
    from ledger.store.dossiers import Queue, QueueItem

WITHIN_DAYS = 14


@click.command()
@json_option
@pass_env
def todo(env: Env, as_json: bool) -> None:
    """Your queue: open questions to forecast or update, and those closing soon.

    Lists the open questions you have not forecast, those where evidence was linked after your
    last forecast, and those closing within 14 days; --as HANDLE shows another analyst's.

    \b
    Examples:
      ledger todo
      ledger --as amina todo --json
    """
    from ledger.store.dossiers import queue

    found = queue(env.ledger(), env.actor, WITHIN_DAYS)
    emit_json(queue_json(found)) if as_json else click.echo(queue_text(found))


def reasons(item: "QueueItem") -> list[str]:
    """Why the question is on the queue, in words."""
    out = []
    if item.last_forecast is None:
        out.append("not forecast yet")
    if item.new_evidence:
        out.append("new evidence " + ", ".join(str(i) for i in item.new_evidence) + " since your forecast")
    if item.closing_soon:
        out.append("closing soon")
    return out


def queue_json(found: "Queue") -> dict[str, Any]:
    """The queue as JSON, UTC times."""
    return {
        "analyst": found.analyst,
        "as_of": format_instant(found.now),
        "within_days": found.within,
        "items": [{"question": {"id": i.question.id, "slug": i.question.slug, "title": i.question.title,
                                "closes_at": format_instant(i.question.closes_at)},
                   "not_forecast": i.last_forecast is None,
                   "last_forecast": None if i.last_forecast is None else format_instant(i.last_forecast),
                   "new_evidence": list(i.new_evidence), "closing_soon": i.closing_soon}
                  for i in found.items],
    }


def queue_text(found: "Queue") -> str:
    """The queue for people: question, local close, why."""
    head = f"queue of {shown(found.analyst)} as of {local_when(found.now)}"
    if not found.items:
        return head + ": nothing to do"
    rows = [(f"#{i.question.id} {i.question.slug}", local_when(i.question.closes_at), "; ".join(reasons(i)),
             i.question.title) for i in found.items]
    return head + "\n" + table(("question", "closes", "why", "title"), rows)
