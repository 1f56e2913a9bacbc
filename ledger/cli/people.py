"""People: analyst add, list, set-role, deactivate."""

from __future__ import annotations

import click

from ledger.cli.context import Env, emit_json, json_option, pass_env
from ledger.cli.output import analyst_json, quoted, table, when


@click.group()
def analyst() -> None:
    """Analysts and editors.

    \b
    Example:
      ledger analyst add amina --name "Amina D."
      ledger analyst list
    """


@analyst.command("add")
@click.argument("handle")
@click.option("--name", help="Display name.")
@click.option("--role", type=click.Choice(["analyst", "editor"]), default="analyst", show_default=True,
              help="Only an editor may add an editor.")
@pass_env
def analyst_add(env: Env, handle: str, name: str | None, role: str) -> None:
    """Register HANDLE (kept exactly as given).

    \b
    Example:
      ledger analyst add amina --name "Amina D."
    """
    added = env.ledger().add_analyst(env.actor, handle, name, role)
    click.echo(f"added {added.role} {quoted(added.handle)}")


@analyst.command("list")
@json_option
@pass_env
def analyst_list(env: Env, as_json: bool) -> None:
    """List analysts with their role and status.

    \b
    Example:
      ledger analyst list --json
    """
    people = env.ledger().analysts()
    if as_json:
        emit_json([analyst_json(a) for a in people])
        return
    rows = [(a.handle, a.name or "", a.role, "active" if a.active else "deactivated", when(a.created_at))
            for a in people]
    click.echo(table(("handle", "name", "role", "status", "since"), rows))


@analyst.command("set-role")
@click.argument("handle")
@click.argument("role", type=click.Choice(["analyst", "editor"]))
@pass_env
def analyst_set_role(env: Env, handle: str, role: str) -> None:
    """Make HANDLE an analyst or an editor (editors only).

    \b
    Example:
      ledger analyst set-role amina editor
    """
    changed = env.ledger().set_role(env.actor, handle, role)
    click.echo(f"{quoted(changed.handle)} is now an {changed.role}")


@analyst.command("deactivate")
@click.argument("handle")
@pass_env
def analyst_deactivate(env: Env, handle: str) -> None:
    """Stop HANDLE from writing; their history stays (editors only).

    \b
    Example:
      ledger analyst deactivate jo
    """
    changed = env.ledger().deactivate(env.actor, handle)
    click.echo(f"deactivated {quoted(changed.handle)}")


@analyst.command("reactivate")
@click.argument("handle")
@pass_env
def analyst_reactivate(env: Env, handle: str) -> None:
    """Let a deactivated analyst write again (editors only).

    \b
    Example:
      ledger analyst reactivate amina
    """
    changed = env.ledger().reactivate(env.actor, handle)
    click.echo(f"reactivated {quoted(changed.handle)} ({changed.role})")
