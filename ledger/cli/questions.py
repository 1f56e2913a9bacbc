"""Scenarios and questions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ledger.cli.context import Env, emit_json, json_option, pass_env, note
from ledger.cli.output import (
    amendment_text,
    forecast_json,
    question_json,
    question_text,
    resolution_json,
    scenario_json,
    shown,
    table,
    when,
)
from ledger.cli.params import Day, Instant, QuestionRef
from ledger.core.errors import LedgerError
from ledger.core.model import STATUSES
from ledger.core.timeutil import format_instant

if TYPE_CHECKING:  # pragma: no cover
    from ledger.io.scenarios import ScenarioImported


@click.group()
def scenario() -> None:
    """Scenarios: the narratives whose predicted trends become questions.

    \b
    Example:
      ledger scenario import sahel-2026.yaml
      ledger scenario add sahel-2026 --title "US re-engagement with Mali and the Sahel"
      ledger scenario show sahel-2026
    """


@scenario.command("add")
@click.argument("slug")
@click.option("--title", required=True, help="The scenario's title.")
@click.option("--summary", help="What the narrative predicts.")
@click.option("--source-title", help="Title of the article or briefing.")
@click.option("--source-url", help="Where it was published.")
@click.option("--publisher", help="Who published it.")
@click.option("--published", type=Day(), help="Publication date (ISO).")
@pass_env
def scenario_add(env: Env, slug: str, title: str, summary: str | None, source_title: str | None,
                 source_url: str | None, publisher: str | None, published: str | None) -> None:
    """Record a scenario.

    \b
    Example:
      ledger scenario add sahel-2026 --title "US re-engagement with Mali and the Sahel" \\
          --publisher "Sahel Monitor" --published 2026-11-20
    """
    made = env.ledger().add_scenario(env.actor, slug, title, summary=summary, source_title=source_title,
                                     source_publisher=publisher, source_url=source_url, source_published=published)
    click.echo(f"added scenario {shown(made.slug)}")


@scenario.command("list")
@json_option
@pass_env
def scenario_list(env: Env, as_json: bool) -> None:
    """List scenarios.

    \b
    Example:
      ledger scenario list
    """
    found = env.ledger().scenarios()
    if as_json:
        emit_json([scenario_json(s) for s in found])
        return
    click.echo(table(("slug", "questions", "title"), [(s.slug, s.questions, s.title) for s in found]))


@scenario.command("show")
@click.argument("slug")
@json_option
@pass_env
def scenario_show(env: Env, slug: str, as_json: bool) -> None:
    """Show a scenario and its questions.

    \b
    Example:
      ledger scenario show sahel-2026
    """
    found, qs, now = env.ledger().scenario_view(slug)
    if as_json:
        emit_json({**scenario_json(found), "questions": [question_json(q, now) for q in qs]})
        return
    click.echo(f"{shown(found.slug)}: {shown(found.title)}")
    source = " · ".join(shown(x) for x in (found.source_title, found.source_publisher, found.source_published,
                                           found.source_url) if x)
    if source:
        click.echo(f"source: {source}")
    if found.summary:
        click.echo(f"\n{shown(found.summary, block=True)}\n")
    click.echo(_question_table(qs, now))


@scenario.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Validate only: list every problem and what would be added; write nothing.")
@pass_env
def scenario_import(env: Env, file: Path, check: bool) -> None:
    """Create a scenario, its questions and its source's priors from FILE.yaml, all or nothing.

    Open to any active analyst. Every problem is listed with its line number and nothing is
    written; a file imported before (same SHA-256) adds nothing. Each `prior` is recorded as a
    forecast by the scenario's source (`source.forecaster`, default `source:<slug>`) when its
    question opens, with the `quote` as its rationale.

    \b
    Examples:
      ledger scenario import sahel-2026.yaml --check
      ledger scenario import sahel-2026.yaml
    """
    from ledger.io.scenarios import import_scenario

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise LedgerError(f"cannot read {file}: {exc.strerror or exc}") from None
    click.echo(_imported_text(import_scenario(env.ledger(), env.actor, data, source=file.name, check=check)))


def _imported_text(done: "ScenarioImported") -> str:
    """What a scenario import says on stdout."""
    if done.already:
        return (f"already imported: {shown(done.source)} (sha256 {done.sha256[:12]}…); "
                f"nothing {'would be ' if done.checked else ''}added")
    by = f"by the source {shown(done.forecaster)}" + (" (new)" if done.new_forecaster else "")
    what = f"scenario {shown(done.scenario)} with {done.questions} questions, {done.priors} priors {by}"
    if done.checked:
        return f"checked {shown(done.source)}: would add {what}; nothing written"
    return f"imported {shown(done.source)}: {what}; head {done.head}"


@scenario.command("export")
@click.argument("slug")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@pass_env
def scenario_export(env: Env, slug: str, out: Path | None) -> None:
    """Write scenario SLUG back as a scenario file: its questions and its source's priors.

    The values in force, each quoted so that it reads back as the same text; priors as exact
    percentages. `scenario import` of the file into another ledger recreates the scenario.

    \b
    Examples:
      ledger scenario export sahel-2026 --out sahel-2026.yaml
      ledger scenario export sahel-2026
    """
    from ledger.cli.transfer import write_target
    from ledger.io.scenarios import export_scenario

    text = export_scenario(env.ledger(), slug)
    try:
        with write_target(out) as stream:
            stream.write(text)
    except OSError as exc:
        raise LedgerError(f"cannot write {out or 'the scenario'}: {exc.strerror or exc}") from None
    if out:
        note(f"wrote scenario {slug} to {out}")


def _question_table(qs, now: int) -> str:
    rows = [(f"#{q.id}", q.slug, q.status(now), when(q.closes_at), q.title) for q in qs]
    return table(("id", "slug", "status", "closes", "title"), rows)


@click.group()
def question() -> None:
    """Questions: tracked forecast targets with resolution criteria.

    \b
    Example:
      ledger question list --status open
      ledger question show us-mali-minerals-deal
    """


@question.command("add")
@click.option("--scenario", "scenario_slug", required=True, metavar="SLUG", help="The scenario it belongs to.")
@click.option("--title", required=True, help="The question, e.g. 'Will ...?'.")
@click.option("--criteria", required=True, help="How it resolves; never empty.")
@click.option("--closes", required=True, type=Instant(deadline=True),
              help="Last moment to forecast (a bare date: end of day).")
@click.option("--resolves-by", type=Instant(deadline=True), help="Expected resolution (default: --closes).")
@click.option("--opens", type=Instant(), help="First moment to forecast (default: now).")
@click.option("--option", "options", multiple=True, metavar="NAME", help="An option; two or more make a choice question.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--slug", help="Short name (default: from the title); must contain a letter.")
@pass_env
def question_add(env: Env, scenario_slug: str, title: str, criteria: str, closes: int, resolves_by: int | None,
                 opens: int | None, options: tuple[str, ...], tags: tuple[str, ...], slug: str | None) -> None:
    """Add a yes/no question, or a choice question with --option twice or more.

    \b
    Example:
      ledger question add --scenario sahel-2026 --slug us-mali-minerals-deal \\
          --title "Will the US and Mali sign a minerals agreement by end-2027?" \\
          --criteria "Yes if both governments announce a signed agreement covering gold, lithium or uranium." \\
          --closes 2027-12-31 --tag minerals
    """
    made = env.ledger().add_question(env.actor, scenario=scenario_slug, title=title, criteria=criteria, opens_at=opens,
                                     closes_at=closes, resolves_by=resolves_by, options=options, tags=tags, slug=slug)
    kind = "choice question" if made.kind == "choice" else "question"
    click.echo(f"added {kind} #{made.id} {shown(made.slug)} (closes {format_instant(made.closes_at)})")


@question.command("amend")
@click.argument("q", type=QuestionRef())
@click.option("--reason", required=True, help="Why the question changes (kept with the amendment).")
@click.option("--clarify", "clarification", help="Text added to the resolution criteria.")
@click.option("--title", help="A new title.")
@click.option("--opens", type=Instant(), help="A new opening, only while the question is upcoming.")
@click.option("--closes", type=Instant(deadline=True), help="A new close (a bare date: end of day).")
@click.option("--resolves-by", type=Instant(deadline=True), help="A new expected resolution.")
@pass_env
def question_amend(env: Env, q: str, reason: str, clarification: str | None, title: str | None, opens: int | None,
                   closes: int | None, resolves_by: int | None) -> None:
    """Amend question Q (editors only): old values are kept and shown; scores use the dates in force.

    \b
    Examples:
      ledger question amend us-mali-minerals-deal --closes 2028-06-30 --reason "Talks moved to 2028"
      ledger question amend us-mali-minerals-deal --clarify "An MoU alone does not count." --reason "Asked twice"
    """
    before, after = env.ledger().amend_question(env.actor, q, reason=reason, clarification=clarification,
                                                title=title, opens_at=opens, closes_at=closes,
                                                resolves_by=resolves_by)
    click.echo(f"amended #{after.id} {shown(after.slug)}: " + "; ".join(amendment_text(after.amendments[-1], after)))


@question.command("list")
@click.option("--scenario", "scenario_slug", metavar="SLUG", help="Only this scenario's questions.")
@click.option("--status", type=click.Choice(STATUSES), help="Only questions with this status.")
@click.option("--tag", help="Only questions with this tag.")
@json_option
@pass_env
def question_list(env: Env, scenario_slug: str | None, status: str | None, tag: str | None, as_json: bool) -> None:
    """List questions.

    \b
    Example:
      ledger question list --status open --tag minerals
    """
    found, now = env.ledger().question_list(scenario=scenario_slug, status=status, tag=tag)
    if as_json:
        emit_json([question_json(q, now) for q in found])
        return
    click.echo(_question_table(found, now))


@question.command("show")
@click.argument("q", type=QuestionRef())
@json_option
@pass_env
def question_show(env: Env, q: str, as_json: bool) -> None:
    """Show a question: criteria, dates, forecasts, resolutions.

    \b
    Example:
      ledger question show us-mali-minerals-deal
    """
    view = env.ledger().question_view(q)  # one snapshot
    found, fcs, history, now = view.question, view.forecasts, view.resolutions, view.now
    if as_json:
        emit_json({**question_json(found, now), "forecasts": [forecast_json(f, found) for f in fcs],
                   "resolutions": [resolution_json(r) for r in history]})
        return
    click.echo(question_text(found, fcs, history, now))


from ledger.cli.draft import scenario_draft  # noqa: E402 - a light module (click only), registered below

scenario.add_command(scenario_draft)
