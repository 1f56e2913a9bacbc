"""What analysts and editors log: forecasts, evidence, resolutions."""

from __future__ import annotations

import click

from ledger.cli.context import Env, emit_json, json_option, note, pass_env
from ledger.cli.output import evidence_json, probabilities_text, shown, table, when
from ledger.cli.params import Day, FreeArguments, Instant, QuestionLink, QuestionRef
from ledger.core.errors import BadInput
from ledger.core.timeutil import format_instant


@click.command(cls=FreeArguments)  # so `-0.1` is a value, refused as a probability
@click.argument("q", type=QuestionRef())
@click.argument("probabilities", nargs=-1, required=True, metavar="PROB...")
@click.option("--why", help="Your rationale.")
@click.option("--evidence", "evidence_ids", multiple=True, type=int, metavar="ID", help="Cite evidence (repeatable).")
@pass_env
def forecast(env: Env, q: str, probabilities: tuple[str, ...], why: str | None, evidence_ids: tuple[int, ...]) -> None:
    """Record your forecast on question Q now.

    PROB is 70%, 0.7, .7, odds 7:3, `1 in 4`, or an ICD 203 term (likely, very unlikely, ...).
    Choice questions take one OPTION=PROB per option, summing to 100%.

    \b
    Examples:
      ledger forecast us-mali-minerals-deal 70% --why "Draft MoU leaked" --evidence 3
      ledger forecast '#12' "roughly even chance"
      ledger forecast aes-troops a=20% b=50% "3 or more=30%"
    """
    from ledger.core.probability import read_forecast

    given = read_forecast(probabilities)  # bad input is refused here, before any lock
    question, made = env.ledger().record_forecast(env.actor, q, given, rationale=why, evidence_ids=evidence_ids)
    click.echo(f"recorded {probabilities_text(question, made.probabilities)} on #{question.id} (forecast {made.id})")
    note(f"  forecast {made.id} by {made.analyst} on {question.slug} at {format_instant(made.made_at)}")


@click.group("evidence")
def evidence_group() -> None:
    """Evidence: what was observed, linked to questions with a stance.

    \b
    Example:
      ledger evidence add "Envoy visits Bamako" --question us-mali-minerals-deal+
      ledger evidence list --question us-mali-minerals-deal
    """


@evidence_group.command("add", cls=FreeArguments)  # so a summary may start with `-`
@click.argument("summary")
@click.option("--question", "links", multiple=True, type=QuestionLink(),
              help="Link to a question: + raises yes, - lowers it, ~ context (default).")
@click.option("--source", help="URL or citation.")
@click.option("--observed", type=Day(), help="When it was observed (default: today).")
@pass_env
def evidence_add(env: Env, summary: str, links: tuple[tuple[str, str], ...], source: str | None,
                 observed: str | None) -> None:
    """Log evidence, linked to questions.

    \b
    Example:
      ledger evidence add "US envoy visits Bamako lithium site" --question us-mali-minerals-deal+ \\
          --source https://example.org/report --observed 2026-11-20
    """
    made = env.ledger().add_evidence(env.actor, summary, source=source, observed_on=observed, links=links)
    linked = ", ".join(f"{shown(link.question_slug)}{link.stance}" for link in made.links)
    click.echo(f"recorded evidence {made.id}" + (f" linked to {linked}" if linked else ""))


@evidence_group.command("link")
@click.argument("evidence_id", type=int, metavar="ID")
@click.argument("q", type=QuestionLink(), metavar="Q[+|-|~]")
@pass_env
def evidence_link(env: Env, evidence_id: int, q: tuple[str, str]) -> None:
    """Link evidence ID to question Q with a stance.

    \b
    Example:
      ledger evidence link 3 us-mali-minerals-deal-
    """
    link = env.ledger().link_evidence(env.actor, evidence_id, *q)
    click.echo(f"linked evidence {evidence_id} to {shown(link.question_slug)}{link.stance}")


@evidence_group.command("list")
@click.option("--question", "q", type=QuestionRef(), help="Only evidence linked to this question.")
@json_option
@pass_env
def evidence_list(env: Env, q: str | None, as_json: bool) -> None:
    """List evidence.

    \b
    Example:
      ledger evidence list --question us-mali-minerals-deal
    """
    items = env.ledger().evidence(q)
    if as_json:
        emit_json([evidence_json(e) for e in items])
        return
    rows = [(e.id, e.observed_on or "", e.analyst, " ".join(f"{k.question_slug}{k.stance}" for k in e.links), e.summary)
            for e in items]
    click.echo(table(("id", "observed", "by", "questions", "summary"), rows))


@click.command(cls=FreeArguments)  # an option's name may start with `-`
@click.argument("q", type=QuestionRef())
@click.argument("outcome")
@click.option("--on", "known", type=Instant(), help="When the outcome became known (default: now).")
@click.option("--note", help="How it was decided.")
@click.option("--evidence", "evidence_ids", multiple=True, type=int, metavar="ID", help="Cite evidence (repeatable).")
@click.option("--correct", "correction", metavar="REASON", help="Correct an earlier resolution, saying why.")
@pass_env
def resolve(env: Env, q: str, outcome: str, known: int | None, note: str | None, evidence_ids: tuple[int, ...],
            correction: str | None) -> None:
    """Resolve question Q: yes, no, an option name, or annulled (editors only).

    \b
    Examples:
      ledger resolve us-mali-minerals-deal yes --on 2027-06-02 --note "Signed in Bamako" --evidence 9
      ledger resolve us-mali-minerals-deal no --correct "The June text was only an MoU"
    """
    if correction is not None and not correction.strip():
        raise BadInput("--correct needs a reason")
    done = env.ledger().resolve(env.actor, q, outcome, known_at=known, note=note, evidence_ids=evidence_ids,
                                correction=correction)
    verb = "corrected" if correction else "resolved"
    assert done.resolution is not None
    click.echo(f"{verb} #{done.id} {shown(done.slug)}: {shown(done.resolution.outcome)} "
               f"(known {when(done.resolution.known_at)})")




@click.command()
@click.argument("forecast_id", type=int, metavar="FORECAST_ID")
@click.option("--reason", required=True, help="Why (e.g. a mistyped probability); shown with it.")
@pass_env
def withdraw(env: Env, forecast_id: int, reason: str) -> None:
    """Withdraw forecast FORECAST_ID: its author within 15 minutes, or an editor for a source's.

    A withdrawn forecast stays in the history, shown struck through, and is never scored.

    \b
    Example:
      ledger withdraw 341 --reason "Typed 70% for 7%"
    """
    question, found = env.ledger().withdraw(env.actor, forecast_id, reason)
    click.echo(f"withdrew forecast {found.id} on #{question.id} {shown(question.slug)} "
               f"({probabilities_text(question, found.probabilities)} by {shown(found.analyst)})")
