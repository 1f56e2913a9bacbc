"""Analysts and editors: registration, roles, deactivation. Mixed into `Ledger`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ledger.core import rules, validate
from ledger.core.errors import BadInput, NotAllowed, NotFound, Refused
from ledger.core.model import ROLES, Analyst
from ledger.store.reads import find_analyst, read_analysts
from ledger.store.schema import analyst_roles, analysts

if TYPE_CHECKING:  # pragma: no cover
    from ledger.store.journal import JournalWriter


def lookalikes(conn: Connection, handle: str) -> list[str]:
    """Registered handles that differ from `handle` only by case or surrounding spaces."""
    folded = handle.strip().casefold()
    return sorted(h for (h,) in conn.execute(select(analysts.c.handle))
                  if h != handle and h.strip().casefold() == folded)


def cannot_write(found: Analyst) -> NotAllowed | None:
    """Why a registered analyst may not write, if they may not: deactivated, or a source."""
    if not found.active:
        return NotAllowed(f"analyst {found.handle!r} is deactivated; an editor can `ledger analyst reactivate` them")
    if found.kind != "person":
        return NotAllowed(f"{found.handle!r} is a source (an article's forecaster): it writes nothing itself")
    return None


def register(conn: Connection, writer: "JournalWriter", handle: str, register_as: tuple[str | None, str] | None,
             notices: list[str]) -> Analyst:
    """The acting analyst, registered now if unknown (the first of a fresh ledger is its editor)."""
    found = find_analyst(conn, handle)
    if found is not None:
        refusal = cannot_write(found)
        if refusal is not None:
            raise refusal
        return found
    validate.handle(handle)
    name, wanted = register_as or (None, "analyst")
    first = conn.execute(select(func.count()).select_from(analysts)).scalar_one() == 0
    if wanted == "editor" and not first:
        raise NotAllowed(f"only editors may add an editor; {handle!r} is not registered yet")
    role = "editor" if first else "analyst"
    similar = lookalikes(conn, handle)
    new = writer.insert(analysts, handle=handle, name=name, created_at=writer.at, kind="person")
    writer.insert(analyst_roles, analyst_id=new["id"], role=role, active=True, changed_at=writer.at, changed_by=None)
    writer.append("analyst.register", analyst=handle, role=role)
    if register_as is None:
        notices.append(f"registered {handle!r} as a new {role}" + (" (the ledger's first analyst)" if first else ""))
    if similar:
        notices.append(f"warning: {handle!r} is new but looks like {', '.join(repr(h) for h in similar)}; "
                       "check --as / LEDGER_ANALYST")
    return Analyst(new["id"], handle, name, role, True, writer.at)


class PeopleMixin:
    """Analyst commands of `Ledger`."""

    def analysts(self) -> list[Analyst]:
        """Every analyst, by handle (code-point order)."""
        with self.reading() as conn:
            return sorted(self.analysts_in(conn), key=lambda a: a.handle)

    def analysts_in(self, conn: Connection) -> list[Analyst]:
        """Every analyst, in registration order."""
        return read_analysts(conn)

    def check_editor(self, handle: str, what: str) -> None:
        """Refuse early (exit 1) unless `handle` is an active editor, or would become the editor
        of this empty ledger on its first write."""
        with self.reading() as conn:
            found = find_analyst(conn, handle)
            anyone = conn.execute(select(analysts.c.id).limit(1)).first() is not None
        if found is None and not anyone:
            return
        if found is None or found.role != "editor" or not found.active:
            raise NotAllowed(f"only editors may {what}; {handle!r} is not an active editor")

    def check_writer(self, handle: str) -> None:
        """Refuse early (exit 1) when `handle` may not write: a deactivated analyst or a source.
        An unknown handle may: it is registered on its first write."""
        with self.reading() as conn:
            found = find_analyst(conn, handle)
        refusal = None if found is None else cannot_write(found)
        if refusal is not None:
            raise refusal

    def add_analyst(self, actor: str, handle: str, name: str | None, role: str) -> Analyst:
        """Register an analyst; only an editor may add an editor."""
        validate.handle(handle)
        validate.text(name, what="name", single_line=True)
        if role not in ROLES:
            raise BadInput(f"role {role!r}: use analyst or editor")
        register_as = (name, role) if handle == actor else None
        with self.writing(actor, register_as=register_as) as tx:
            if handle == actor and tx.actor.created_at == tx.now:
                return tx.actor
            if role == "editor":
                tx.require_editor("add an editor")
            if tx.conn.execute(select(analysts.c.id).where(analysts.c.handle == handle)).first():
                raise Refused(f"analyst {handle!r} already exists")
            similar = lookalikes(tx.conn, handle)
            if similar:
                tx.notices.append(f"warning: {handle!r} looks like {', '.join(repr(h) for h in similar)}")
            new = tx.journal.insert(analysts, handle=handle, name=name, created_at=tx.now, kind="person")
            tx.journal.insert(analyst_roles, analyst_id=new["id"], role=role, active=True, changed_at=tx.now,
                              changed_by=tx.actor.id)
            tx.journal.append("analyst.add", analyst=handle, role=role)
            return Analyst(new["id"], handle, name, role, True, tx.now)

    def _change_analyst(self, actor: str, handle: str, *, role: str | None, active: bool | None, kind: str) -> Analyst:
        with self.writing(actor) as tx:
            tx.require_editor({"deactivate": "deactivate analysts", "reactivate": "reactivate analysts"}.get(
                kind, "change roles"))
            target = find_analyst(tx.conn, handle)
            if target is None:
                raise NotFound(f"no analyst {handle!r}")
            if kind == "deactivate" and not target.active:
                raise Refused(f"analyst {handle!r} is already deactivated")
            if kind == "reactivate" and target.active:
                raise Refused(f"analyst {handle!r} is active")
            new_role = role or target.role
            now_active = target.active if active is None else active
            rules.raise_first([rules.keeps_an_editor(target, new_role, now_active, self.analysts_in(tx.conn))])
            tx.journal.insert(analyst_roles, analyst_id=target.id, role=new_role, active=now_active,
                              changed_at=tx.now, changed_by=tx.actor.id)
            tx.journal.append(f"analyst.{kind}", analyst=handle, role=new_role)
            return Analyst(target.id, target.handle, target.name, new_role, now_active, target.created_at, target.kind)

    def set_role(self, actor: str, handle: str, role: str) -> Analyst:
        """Make an analyst an editor or an analyst (editors only); a deactivated one stays deactivated."""
        if role not in ROLES:
            raise BadInput(f"role {role!r}: use analyst or editor")
        return self._change_analyst(actor, handle, role=role, active=None, kind="role")

    def deactivate(self, actor: str, handle: str) -> Analyst:
        """Deactivate an analyst: their history stays, they can no longer write (editors only)."""
        return self._change_analyst(actor, handle, role=None, active=False, kind="deactivate")

    def reactivate(self, actor: str, handle: str) -> Analyst:
        """Let a deactivated analyst write again (editors only)."""
        return self._change_analyst(actor, handle, role=None, active=True, kind="reactivate")

