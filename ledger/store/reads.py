"""Reads shared by commands, made on the driver's cursor (`ledger.store.direct`), on a SQLAlchemy
connection or on a plain `sqlite3` one (`direct.Plain`), and importing no SQLAlchemy: a
forecast's reads before it queues for the lock, and the report read on a SQLite file without
SQLAlchemy (`ledger.store.plain`), as `score` is. Also the sync that makes a head about to be
quoted durable (`settle`)."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from ledger.core import rules
from ledger.core.errors import NotFound, Unavailable
from ledger.core.model import Amendment, Analyst, Evidence, EvidenceLink, Head, Question, Resolution, Scenario
from ledger.store import direct
from ledger.store.clock import DEMO_MARK

#: Ids above this cannot be stored (64-bit signed); a reference to one is simply not found.
MAX_ID = 2**63 - 1
#: The head of an empty journal.
GENESIS = "0" * 64

_BY_SLUG = 'SELECT "id" FROM "questions" WHERE "slug" = ?'
_BY_ID = 'SELECT "id" FROM "questions" WHERE "id" = ?'


def resolve_ref(conn: Any, ref: str) -> int:
    """A question id from Q: an exact slug wins, else `12` or `#12` is an id."""
    found = direct.fetch_one(conn, _BY_SLUG, (ref,))
    if found is not None:
        return found[0]
    digits = ref[1:] if ref.startswith("#") else ref
    if digits.isascii() and digits.isdigit() and int(digits) <= MAX_ID:
        found = direct.fetch_one(conn, _BY_ID, (int(digits),))
        if found is not None:
            return found[0]
    raise NotFound(f"no question {ref!r} (give a slug, or an id as 12 or #12)")


#: What `load_questions` reads, on the driver's cursor (a forecast reads one question before it
#: queues for the lock, and through SQLAlchemy the statements cost more than running them). Each
#: is completed by `_restricted`: for all questions, or only for the ids given.
_TAGS = 'SELECT t."question_id", t."tag" FROM "question_tags" t'
_AMENDMENTS = ('SELECT a."question_id", a."id", a."amended_at", w."handle", a."reason", a."clarification", '
               'a."closes_at", a."resolves_by", a."title", a."opens_at" '
               'FROM "question_amendments" a JOIN "analysts" w ON w."id" = a."amended_by"')
_RESOLUTIONS = ('SELECT r."question_id", r."id", r."outcome", r."known_at", r."recorded_at", w."handle", r."note", '
                'r."correction" FROM "resolutions" r JOIN "analysts" w ON w."id" = r."recorded_by"')
_CITED = ('SELECT c."resolution_id", c."evidence_id" FROM "resolution_evidence" c '
          'JOIN "resolutions" r ON r."id" = c."resolution_id"')
_QUESTIONS = ('SELECT q."id", q."slug", q."title", q."kind", q."options", q."criteria", q."opens_at", q."closes_at", '
              'q."resolves_by", q."created_at", s."slug" FROM "questions" q '
              'LEFT JOIN "scenarios" s ON s."id" = q."scenario_id"')


@functools.lru_cache(maxsize=64)
def _restricted(sql: str, key: str, n: int | None, order: str = "") -> str:
    """`sql` for all questions (`n` None) or for `n` given ids of column `key`, then `order`."""
    where = "" if n is None else f" WHERE {key} IN ({', '.join('?' for _ in range(n))})"
    return sql + where + (f" ORDER BY {order}" if order else "")


def load_questions(conn: Any, ids: list[int] | None) -> list[Question]:
    """Questions (these ids, or all) with tags, amendments, the values and resolution in force."""
    n = None if ids is None else len(ids)
    wanted = () if ids is None else tuple(ids)
    if n == 0:
        return []

    def rows(sql: str, key: str, order: str = "") -> list[tuple]:
        return direct.fetch_all(conn, _restricted(sql, key, n, order), wanted)

    tags: dict[int, list[str]] = {}
    for question_id, tag in rows(_TAGS, 't."question_id"'):
        tags.setdefault(question_id, []).append(tag)
    amendments: dict[int, list[Amendment]] = {}
    for question_id, *fields in rows(_AMENDMENTS, 'a."question_id"', 'a."id"'):
        amendments.setdefault(question_id, []).append(Amendment(*fields))
    latest: dict[int, tuple] = {}
    for r in rows(_RESOLUTIONS, 'r."question_id"', 'r."id"'):
        latest[r[0]] = r
    cited: dict[int, list[int]] = {}
    if latest:
        in_force = {r[1] for r in latest.values()}
        for resolution_id, evidence_id in rows(_CITED, 'r."question_id"'):
            if resolution_id in in_force:
                cited.setdefault(resolution_id, []).append(evidence_id)
    out = []
    for (qid, slug, title, kind, options, criteria, opens_at, closes_at, resolves_by, created_at,
         scenario) in rows(_QUESTIONS, 'q."id"', 'q."id"'):
        mine = tuple(amendments.get(qid, ()))
        opens, closes, due = rules.dates_in_force(opens_at, closes_at, resolves_by, mine)
        final_title = next((a.title for a in reversed(mine) if a.title is not None), title)
        res = latest.get(qid)
        resolution = None if res is None else Resolution(*res[1:], tuple(sorted(cited.get(res[1], ()))))
        out.append(Question(
            id=qid, slug=slug, title=final_title, kind=kind,
            options=tuple(json.loads(options)) if options else ("yes", "no"),
            criteria=criteria, opens_at=opens, closes_at=closes, resolves_by=due,
            tags=tuple(sorted(tags.get(qid, ()))), scenario=scenario, created_at=created_at,
            amendments=mine, resolution=resolution,
            recorded=(title, opens_at, closes_at, resolves_by),
        ))
    return out


def load_question(conn: Any, ref: str) -> Question:
    return load_questions(conn, [resolve_ref(conn, ref)])[0]


#: Analysts with the role in force (their latest role row), as `Analyst` takes them.
_ANALYSTS = ('SELECT a."id", a."handle", a."name", r."role", r."active", a."created_at", a."kind" '
             'FROM "analysts" a JOIN "analyst_roles" r ON r."id" = '
             '(SELECT max(e."id") FROM "analyst_roles" e WHERE e."analyst_id" = a."id")')


def _analyst(row: tuple) -> Analyst:
    analyst_id, handle, name, role, active, created_at, kind = row
    return Analyst(analyst_id, handle, name, role, bool(active), created_at, kind)


def find_analyst(conn: Any, handle: str) -> Analyst | None:
    """An analyst by handle (every write looks its actor up, a forecast before it queues)."""
    row = direct.fetch_one(conn, _ANALYSTS + ' WHERE a."handle" = ?', (handle,))
    return None if row is None else _analyst(row)


def read_analysts(conn: Any) -> list[Analyst]:
    """Every analyst, in registration order."""
    return [_analyst(row) for row in direct.fetch_all(conn, _ANALYSTS + ' ORDER BY a."id"')]


_SCENARIOS = ('SELECT s."id", s."slug", s."title", s."summary", s."source_title", s."source_publisher", '
              's."source_url", s."source_published", s."created_at", '
              '(SELECT count(*) FROM "questions" q WHERE q."scenario_id" = s."id") FROM "scenarios" s ORDER BY s."id"')


def read_scenarios(conn: Any) -> list[Scenario]:
    """Every scenario with its number of questions, in recording order."""
    return [Scenario(*row) for row in direct.fetch_all(conn, _SCENARIOS)]


_LINKS = ('SELECT l."evidence_id", l."question_id", q."slug", l."stance" FROM "evidence_links" l '
          'JOIN "questions" q ON q."id" = l."question_id" ORDER BY l."id"')
_EVIDENCE = ('SELECT e."id", e."summary", e."source", e."observed_on", e."logged_at", a."handle" FROM "evidence" e '
             'JOIN "analysts" a ON a."id" = e."analyst_id" ORDER BY e."id"')


def read_evidence(conn: Any, question_id: int | None) -> list[Evidence]:
    """Evidence items (linked to one question, or all), oldest first."""
    links: dict[int, list[EvidenceLink]] = {}
    for evidence_id, linked, slug, stance in direct.fetch_all(conn, _LINKS):
        links.setdefault(evidence_id, []).append(EvidenceLink(linked, slug, stance))
    wanted = None
    if question_id is not None:
        wanted = {eid for eid, ls in links.items() if any(link.question_id == question_id for link in ls)}
    return [Evidence(*row, tuple(links.get(row[0], ()))) for row in direct.fetch_all(conn, _EVIDENCE)
            if wanted is None or row[0] in wanted]


def is_demo(conn: Any) -> bool:
    """Whether the ledger is a demo: its first journal entry is the demo mark."""
    first = direct.fetch_one(conn, 'SELECT "kind" FROM "journal" WHERE "seq" = 1')
    return first is not None and first[0] == DEMO_MARK


def read_head(conn: Any) -> Head:
    """The last entry's sequence number and hash (0 and 64 zeros for an empty journal), once on
    disk: a head read is one about to be quoted (`settle`)."""
    row = direct.fetch_one(conn, 'SELECT "seq", "hash" FROM "journal" ORDER BY "seq" DESC LIMIT 1')
    settle(conn)
    return Head(0, GENESIS) if row is None else Head(row[0], row[1])


def settle(conn: Any) -> None:
    """Sync a SQLite ledger's write-ahead log before quoting a head read from it. Another writer's
    commit is seen as soon as it is made and synced by that writer just after (`flush_wal`), so
    this makes sure a head quoted in a report or by `ledger info` is never one a power cut could
    still take back. Call it after the snapshot's first read: SQLite fixes a snapshot there."""
    if direct.dialect(conn) != "sqlite":
        return
    path = conn.path if isinstance(conn, direct.Plain) else conn.connection.info.get("ledger_path")
    if path is not None and Path(f"{path}-wal").exists():
        sync_wal(path, "cannot sync the ledger's log to disk")


def sync_wal(path: Path | str, what: str) -> None:
    """fdatasync a SQLite ledger's write-ahead log (`Unavailable`, saying `what`, if the disk refuses)."""
    wal = f"{path}-wal"
    try:
        fd = os.open(wal, os.O_RDONLY)
        try:
            (getattr(os, "fdatasync", None) or os.fsync)(fd)  # any descriptor of the file syncs it
        finally:
            os.close(fd)
    except OSError as exc:
        raise Unavailable(f"{what} ({wal}: {exc.strerror or exc}); check the disk before writing more") from None
