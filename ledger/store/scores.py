"""Feeding the scoring engine: the scored questions and their forecasts as numpy arrays.

The forecasts table is read through the driver's cursor straight into a structured numpy
array (no Row objects), which keeps `ledger score` within a small factor of merely reading the
table. Imported only by the commands that score (numpy stays out of `ledger --help`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, Sequence

import numpy as np

from ledger.core.model import ANNULLED
from ledger.core.period import Window
from ledger.core.rules import dates_in_force
from ledger.core.scoring import ScoringInput
from ledger.store import direct
from ledger.store.clock import View

if TYPE_CHECKING:  # pragma: no cover
    from ledger.store.ledger import Ledger

#: Given the read's `now`, what a score covers (`ledger.cli.options.window_of` builds one from the
#: period flags); None is everything known as of now.
WindowOf = Callable[[int], Window] | None

_FORECAST_DTYPE = [("id", "i8"), ("question_id", "i8"), ("analyst_id", "i8"), ("made_at", "i8"), ("p", "f8")]


@dataclass(frozen=True)
class _Questions:
    """The resolved questions as scoring sees them, one column per field (no object per
    question: a ledger has a hundred thousand), in id order: dates in force, the resolution in
    force.

    Attributes:
        id: int64[Q], question ids.
        slug, scenario, tags: per question, its slug, scenario slug (or None), sorted tags.
        binary: bool[Q], True for a yes/no question.
        n_options: int64[Q], options (2 for yes/no).
        outcome: int64[Q], the index of the outcome among the options; -1 when annulled.
        opens_at, closes_at, known_at: int64[Q], the dates in force and the outcome's.
    """

    id: np.ndarray
    slug: list[str]
    scenario: list[str | None]
    tags: list[tuple[str, ...]]
    binary: np.ndarray
    n_options: np.ndarray
    outcome: np.ndarray
    opens_at: np.ndarray
    closes_at: np.ndarray
    known_at: np.ndarray

    def take(self, keep: np.ndarray) -> "_Questions":
        """The questions at these places."""
        at = keep.tolist()
        return _Questions(self.id[keep], [self.slug[i] for i in at], [self.scenario[i] for i in at],
                          [self.tags[i] for i in at], self.binary[keep], self.n_options[keep],
                          self.outcome[keep], self.opens_at[keep], self.closes_at[keep], self.known_at[keep])


_RESOLVED_SQL = """
SELECT q.id, q.slug, q.kind, q.options, q.opens_at, q.closes_at, q.resolves_by, sc.slug, r.outcome, r.known_at
FROM questions q
JOIN (SELECT question_id, max(id) AS rid FROM resolutions GROUP BY question_id) latest ON latest.question_id = q.id
JOIN resolutions r ON r.id = latest.rid
LEFT JOIN scenarios sc ON sc.id = q.scenario_id
ORDER BY q.id
"""

_YES_NO_OPTIONS = ("yes", "no")


class _Dated(NamedTuple):
    question_id: int
    opens_at: int | None
    closes_at: int | None
    resolves_by: int | None


def _date_amendments(conn: Any) -> dict[int, list[_Dated]]:
    """Per amended question, its amendments that change a date, in recording order."""
    out: dict[int, list[_Dated]] = {}
    for row in direct.fetch_all(conn, "SELECT question_id, opens_at, closes_at, resolves_by FROM question_amendments "
                                      "WHERE opens_at IS NOT NULL OR closes_at IS NOT NULL OR resolves_by IS NOT NULL "
                                      "ORDER BY id"):
        out.setdefault(row[0], []).append(_Dated(*row))
    return out


def _resolved_questions(conn: Any) -> _Questions:
    """Every resolved question with its latest resolution and its dates in force (SPEC 6), in
    id order, in a few flat queries."""
    amended = _date_amendments(conn)
    rows = direct.fetch_all(conn, _RESOLVED_SQL)  # plain tuples: this runs over every question
    cols: list[Any] = list(zip(*rows)) if rows else [()] * 10
    qids, slugs, kinds, options, opens, closes, resolves_by, scenarios, outcomes, known = cols
    opens_at = np.array(opens, dtype="i8")
    closes_at = np.array(closes, dtype="i8")
    for i in [i for i, qid in enumerate(qids) if qid in amended]:
        opens_at[i], closes_at[i], _ = dates_in_force(opens[i], closes[i], resolves_by[i], amended[qids[i]])
    listed = [tuple(json.loads(o)) if o else _YES_NO_OPTIONS for o in options]
    return resolved_of(conn, np.array(qids, dtype="i8"), list(slugs), list(scenarios), listed,
                       np.array([k == "binary" for k in kinds], dtype=bool), opens_at, closes_at, list(outcomes),
                       np.array(known, dtype="i8"))


def _tags_of(conn: Any, qids: Sequence[int]) -> list[tuple[str, ...]]:
    """Per question of `qids`, its tags, sorted."""
    by_question: dict[int, list[str]] = {}
    for qid, tag in direct.fetch_all(conn, "SELECT question_id, tag FROM question_tags"):
        by_question.setdefault(qid, []).append(tag)
    return [tuple(sorted(by_question.get(qid, ()))) for qid in qids]


def resolved_of(conn: Any, ids: np.ndarray, slugs: list[str], scenarios: list[str | None],
                options: list[tuple[str, ...]], binary: np.ndarray, opens_at: np.ndarray, closes_at: np.ndarray,
                outcomes: list[str | None], known_at: np.ndarray) -> _Questions:
    """The resolved questions, as `load_in` scores them, from questions read as columns with
    their values in force (options ("yes", "no") for a yes/no question, outcome None while
    unresolved): scoring's own read, or the report's question table, so that it is not read twice."""
    rows = [i for i, o in enumerate(outcomes) if o is not None]
    for i in rows:
        if outcomes[i] != ANNULLED and outcomes[i] not in options[i]:
            raise ValueError(f"outcome {outcomes[i]!r} is not an option of question {int(ids[i])}")
    outcome = [-1 if outcomes[i] == ANNULLED else options[i].index(outcomes[i]) for i in rows]
    take = np.array(rows, dtype="i8")
    qids = ids[take]
    return _Questions(qids, [slugs[i] for i in rows], [scenarios[i] for i in rows], _tags_of(conn, qids.tolist()),
                      binary[take], np.array([len(options[i]) for i in rows], dtype="i8"),
                      np.array(outcome, dtype="i8"), opens_at[take], closes_at[take], known_at[take])


@dataclass(frozen=True)
class ScoredLedger:
    """What `score_pairs` needs, plus the names that group keys are made of.

    Attributes:
        input: the engine's arrays.
        analyst_keys: analyst index (the analyst's id) -> handle.
        slugs: per question index, its slug.
        scenarios: per question index, its scenario slug or None.
        tags: per question index, its tags.
        known_at: per question index, when the outcome became known.
        as_of: the instant scored at (the given one, or the read's `now`).
        sources: the same questions with the forecasts of sources (articles' forecasters), scored
            apart: they are left out of `@team`, M(t) and `all` (SPEC 6); None when there are none.
    """

    input: ScoringInput
    analyst_keys: dict[int, str]
    slugs: list[str]
    scenarios: list[str | None]
    tags: list[tuple[str, ...]]
    known_at: list[int]
    as_of: int = 0
    sources: ScoringInput | None = None


def load(
    ledger: Ledger,
    *,
    as_of: int | None,
    scenario: str | None = None,
    tag: str | None = None,
    known_from: int | None = None,
    known_to: int | None = None,
) -> ScoredLedger:
    """The questions scored as of `as_of` and the forecasts that may count on them.

    A question counts when its resolution in force (the latest recorded) is not `annulled` and
    became known at or before `as_of` (and within [known_from, known_to) when given); forecasts
    count when made before `as_of` and not withdrawn. Dates in force after amendments apply.
    `as_of` None is the read's own `now`.
    """
    with ledger.read() as view:
        return load_in(view, as_of=as_of, scenario=scenario, tag=tag, known_from=known_from, known_to=known_to)


def load_in(
    view: View,
    *,
    as_of: int | None,
    scenario: str | None = None,
    tag: str | None = None,
    known_from: int | None = None,
    known_to: int | None = None,
    question_id: int | None = None,
    forecasts: tuple[np.ndarray, dict[int, list[float]]] | None = None,
    questions: _Questions | None = None,
) -> ScoredLedger:
    """`load` inside a read the caller already holds (one snapshot for a whole dossier);
    `question_id` keeps that one question only. `forecasts`: the forecasts made before `as_of`
    and the choice forecasts' probabilities, as `read_forecasts` and `read_choice_probs` give
    them, when the caller has read them already (the report reads them once for itself and
    for scoring); `questions`, the resolved questions likewise (`resolved_of`)."""
    conn = view.conn
    as_of = view.now if as_of is None else as_of
    if scenario is not None and direct.fetch_one(conn, "SELECT id FROM scenarios WHERE slug = ?", (scenario,)) is None:
        from ledger.core.errors import NotFound

        raise NotFound(f"no scenario {scenario!r}")
    pending = ForecastRead.begin(conn, as_of) if forecasts is None and question_id is None else None
    if questions is None:
        questions = _resolved_questions(conn)
    keep = (questions.outcome >= 0) & (questions.known_at <= as_of)
    if known_from is not None:
        keep &= questions.known_at >= known_from
    if known_to is not None:
        keep &= questions.known_at < known_to
    if question_id is not None:
        keep &= questions.id == question_id
    if scenario is not None:
        keep &= np.array([sc == scenario for sc in questions.scenario], dtype=bool)
    if tag is not None:
        keep &= np.array([tag in t for t in questions.tags], dtype=bool)
    questions = questions.take(np.flatnonzero(keep))
    handles = dict(direct.fetch_all(conn, "SELECT id, handle FROM analysts"))
    source_ids = np.fromiter((r[0] for r in direct.fetch_all(conn, "SELECT id FROM analysts WHERE kind = 'source'")),
                             dtype="i8")
    withdrawn = withdrawn_ids(conn)
    if forecasts is not None:
        rows, choice_probs = forecasts
    else:
        rows = pending.rows() if pending is not None else read_forecasts(conn, as_of, question_id)
        choice_ids = questions.id[~questions.binary].tolist()
        choice_probs = read_choice_probs(conn, as_of, choice_ids) if choice_ids else {}

    n_q = len(questions.id)
    max_qid = int(questions.id.max(initial=0))
    if len(rows):
        max_qid = max(max_qid, int(rows["question_id"].max()))
    index = np.full(max_qid + 1, -1, dtype="i8")
    index[questions.id] = np.arange(n_q)
    keep = index[rows["question_id"]] >= 0
    if len(withdrawn):
        keep &= ~np.isin(rows["id"], withdrawn)
    rows = rows[keep]
    q_index = index[rows["question_id"]]

    source = np.isin(rows["analyst_id"], source_ids) if len(source_ids) else np.zeros(len(rows), dtype=bool)
    if source.any():
        inp = _scoring_input(questions, rows[~source], q_index[~source], choice_probs)
        sources = _scoring_input(questions, rows[source], q_index[source], choice_probs)
    else:
        inp, sources = _scoring_input(questions, rows, q_index, choice_probs), None
    return ScoredLedger(inp, handles, questions.slug, questions.scenario, questions.tags,
                        questions.known_at.tolist(), as_of, sources)


def window_in(view: View, window_of: WindowOf) -> Window:
    """The window for this read: `window_of(view.now)`, or all time as of now."""
    return Window(view.now) if window_of is None else window_of(view.now)


def scored_in(view: View, window: Window, *, scenario: str | None = None, tag: str | None = None) -> ScoredLedger:
    """The scored questions of `window` (SPEC 6), inside the caller's read."""
    return load_in(view, as_of=window.as_of, scenario=scenario, tag=tag,
                   known_from=window.known_from, known_to=window.known_to)


def scored(ledger: Ledger, window_of: WindowOf = None, *, scenario: str | None = None,
           tag: str | None = None) -> tuple[ScoredLedger, Window]:
    """`scored_in` in a read of its own, with the window it used (for `ledger score`)."""
    with ledger.read() as view:
        window = window_in(view, window_of)
        return scored_in(view, window, scenario=scenario, tag=tag), window


def read_forecasts(conn: Any, as_of: int, question_id: int | None = None) -> np.ndarray:
    """The forecasts made before `as_of` (on one question, or all) as rows of `_FORECAST_DTYPE`
    (a choice forecast's p is -1), read through the driver's cursor: no Row objects. SQLite gives
    them in recording order (id), which spares the engine a sort; any order scores the same."""
    if direct.dialect(conn) == "sqlite":
        packed = _read_packed(conn, as_of, question_id)
        if packed is not None:
            return packed
    cursor = direct.execute(
        conn, "SELECT id, question_id, analyst_id, made_at, COALESCE(p, -1.0) FROM forecasts WHERE made_at < ?"
        + ("" if question_id is None else " AND question_id = ?"),
        (as_of,) if question_id is None else (as_of, question_id))
    try:
        return np.fromiter(cursor, dtype=_FORECAST_DTYPE)
    finally:
        cursor.close()


def _packing(cursor: Any) -> tuple[int, int] | None:
    """The bits of question and analyst ids in a packed forecast key (`id`, `question_id`,
    `analyst_id` in one integer), or None when the ids do not fit in 63 bits. The bounds come from
    the parent tables (foreign keys are on), each an O(1) rowid lookup."""
    widths = []
    for table in ("forecasts", "questions", "analysts"):
        # apart: SQLite answers a lone min() or max() of the rowid from the b-tree, both at once by a scan
        low = cursor.execute(f"SELECT min(id) FROM {table}").fetchone()[0]
        high = cursor.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
        if low is not None and low < 0:
            return None
        widths.append(int(high or 0).bit_length())
    f_bits, q_bits, a_bits = widths
    return None if f_bits + q_bits + a_bits > 63 else (q_bits, a_bits)


def _unpack(key: np.ndarray, made_at: np.ndarray, p: np.ndarray, q_bits: int, a_bits: int) -> np.ndarray:
    out = np.empty(len(key), dtype=_FORECAST_DTYPE)
    out["id"] = key >> (q_bits + a_bits)
    out["question_id"] = (key >> a_bits) & ((1 << q_bits) - 1)
    out["analyst_id"] = key & ((1 << a_bits) - 1)
    out["made_at"] = made_at
    out["p"] = p
    return out


def _read_packed(conn: Any, as_of: int, question_id: int | None) -> np.ndarray | None:
    """`read_forecasts` on SQLite with id, question and analyst packed into one integer by the
    query: the driver's cost is per value, so three values a row instead of five read the
    table in about two thirds of the time. None when the ids do not fit in 63 bits."""
    cursor = direct.driver(conn).cursor()
    try:
        packing = _packing(cursor)
        if packing is None:
            return None
        q_bits, a_bits = packing
        cursor.execute(
            f"SELECT (id << {q_bits + a_bits}) | (question_id << {a_bits}) | analyst_id, made_at, COALESCE(p, -1.0) "
            "FROM forecasts WHERE made_at < ?" + ("" if question_id is None else " AND question_id = ?")
            + " ORDER BY id",
            (as_of,) if question_id is None else (as_of, question_id),
        )
        packed = np.fromiter(cursor, dtype=[("key", "i8"), ("made_at", "i8"), ("p", "f8")])
    finally:
        cursor.close()
    return _unpack(packed["key"], packed["made_at"], packed["p"], q_bits, a_bits)


#: p scaled by 2**62 is an integer, exactly, for every p of at least 2**-10 (and -1, a choice
#: forecast's mark): a probability's 53 significant bits then all lie above 2**-62.
_P_SCALE = 2.0 ** 62  # written into the query as an integer literal: exactly 2**62, however SQLite reads reals


def _read_as_text(cursor: Any, as_of: int) -> np.ndarray | None:
    """Every forecast made before `as_of`, read by SQLite into three long texts of numbers (the
    packed key, made_at, p scaled to an integer) in one pass, then parsed by numpy: no Python
    object per row, and all of it inside one `sqlite3_step`, which lets the GIL go. None when
    the ids do not pack or some p would not come back exactly (below 2**-10)."""
    packing = _packing(cursor)
    if packing is None:
        return None
    q_bits, a_bits = packing
    keys, made, scaled, inexact = cursor.execute(
        "SELECT group_concat(k, ' '), group_concat(made_at, ' '), group_concat(CAST(ps AS INTEGER), ' '), "
        "coalesce(sum(ps != CAST(ps AS INTEGER)), 0) FROM ("
        f"SELECT (id << {q_bits + a_bits}) | (question_id << {a_bits}) | analyst_id AS k, made_at, "
        f"COALESCE(p, -1.0) * {int(_P_SCALE)} AS ps FROM forecasts WHERE made_at < ? ORDER BY id)", (as_of,)).fetchone()
    if inexact:
        return None
    if keys is None:
        return np.empty(0, dtype=_FORECAST_DTYPE)
    p = np.fromstring(scaled, dtype="i8", sep=" ").astype("f8") / _P_SCALE  # exact: a power of two
    return _unpack(np.fromstring(keys, dtype="i8", sep=" "), np.fromstring(made, dtype="i8", sep=" "), p,
                   q_bits, a_bits)


#: The journal's last sequence number (0 while empty): the same on two connections, the same ledger.
_LAST_SEQ = "SELECT coalesce(max(seq), 0) FROM journal"


class ForecastRead:
    """Every forecast made before `as_of` (as `read_forecasts` gives them), read on a second SQLite
    connection in a thread while the caller's connection goes on reading the questions (SQLite
    lets the GIL go while it works, and the machine has another core). The aside read counts only
    if it saw the caller's ledger: the same journal head, since every write appends an entry in
    its own transaction. Otherwise (a write landed between the two snapshots, the read failed or
    does not apply, PostgreSQL) `rows()` reads on the caller's connection, as ever.

    Use: `pending = ForecastRead.begin(conn, as_of)`, other reads on `conn`, then `pending.rows()`.
    """

    def __init__(self, conn: Any, as_of: int) -> None:
        self._conn, self._as_of = conn, as_of
        self._got: tuple[int, np.ndarray | None] | None = None
        self._thread: Any = None

    @classmethod
    def begin(cls, conn: Any, as_of: int) -> "ForecastRead":
        read = cls(conn, as_of)
        if isinstance(conn, direct.Plain):
            path = conn.path

            def connect() -> Any:
                import sqlite3

                return sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        elif conn.dialect.name == "sqlite" and conn.engine.url.database not in (None, "", ":memory:"):
            engine = conn.engine

            def connect() -> Any:
                raw = engine.raw_connection()
                raw.detach()  # made and closed in this thread: never handed back to the pool
                return raw
        else:
            return read
        import threading

        read._thread = threading.Thread(target=read._aside, args=(connect,), name="ledger-forecasts", daemon=True)
        read._thread.start()
        return read

    def _aside(self, connect: Callable[[], Any]) -> None:
        try:
            raw = connect()
        except Exception:  # noqa: BLE001 - the caller reads for itself
            return
        try:
            cursor = raw.cursor()
            cursor.execute("PRAGMA busy_timeout = 0")  # never wait for a writer: the caller reads instead
            cursor.execute("BEGIN")
            try:
                seq = cursor.execute(_LAST_SEQ).fetchone()[0]
                self._got = (seq, _read_as_text(cursor, self._as_of))
            finally:
                cursor.execute("COMMIT")
        except Exception:  # noqa: BLE001 - the caller reads for itself
            self._got = None
        finally:
            raw.close()

    def rows(self) -> np.ndarray:
        if self._thread is not None:
            self._thread.join()
            if self._got is not None and self._got[1] is not None and self._got[0] == direct.fetch_one(
                    self._conn, _LAST_SEQ)[0]:
                return self._got[1]
        return read_forecasts(self._conn, self._as_of)


#: Up to this many questions are named in the query itself; more are kept as the rows come back.
_FEW = 100


def read_choice_probs(conn: Any, as_of: int, question_ids: list[int] | None = None) -> dict[int, list[float]]:
    """Forecast id -> probabilities in option order, for the choice forecasts made before `as_of`
    (on these questions, or on any)."""
    sql, params = "SELECT id, question_id, probs FROM forecasts WHERE probs IS NOT NULL AND made_at < ?", (as_of,)
    if question_ids is not None and len(question_ids) <= _FEW:
        sql += f" AND question_id IN ({', '.join('?' for _ in question_ids)})"
        params += tuple(question_ids)
    rows = direct.fetch_all(conn, sql, params)
    wanted = None if question_ids is None else set(question_ids)
    return {fid: json.loads(probs) for fid, qid, probs in rows if wanted is None or qid in wanted}


def withdrawn_ids(conn: Any) -> np.ndarray:
    """The ids of every withdrawn forecast."""
    return np.fromiter((r[0] for r in direct.fetch_all(conn, "SELECT forecast_id FROM withdrawals")), dtype="i8")


def _scoring_input(questions: _Questions, rows: np.ndarray, q_index: np.ndarray,
                   choice_probs: dict[int, list[float]]) -> ScoringInput:
    """The engine's arrays for these forecasts (rows of `_FORECAST_DTYPE`) on these questions."""
    binary, n_options = questions.binary, questions.n_options
    if choice_probs:
        widths = np.where(binary, 1, n_options)[q_index]
        offsets = np.concatenate(([0], np.cumsum(widths)[:-1]))
        flat = np.empty(int(widths.sum()), dtype="f8")
        is_binary = binary[q_index]
        flat[offsets[is_binary]] = rows["p"][is_binary]
        for at, forecast_id in zip(offsets[~is_binary], rows["id"][~is_binary]):
            values = choice_probs[int(forecast_id)]
            flat[at:at + len(values)] = values
        probs = flat
    else:
        probs = rows["p"]
    return ScoringInput(
        opens_at=questions.opens_at,
        closes_at=questions.closes_at,
        known_at=questions.known_at,
        outcome=questions.outcome,
        n_options=n_options,
        binary=binary,
        question=q_index,
        analyst=rows["analyst_id"],
        made_at=rows["made_at"],
        order=rows["id"],
        probs=probs,
    )


def group_scores(data: ScoredLedger, *, by: str, method: str) -> list[Any]:
    """Per-group scores (`GroupScore`s, sources beside persons under `--by analyst`)."""
    return group_table(data, by=by, method=method).scores()


def group_table(data: ScoredLedger, *, by: str, method: str) -> Any:
    """`group_scores` as columns (a `GroupTable`): what `ledger score` prints from."""
    from ledger.core.scoring import score_pairs
    from ledger.core.scoring.groups import aggregate_table

    pairs = score_pairs(data.input, method)
    if by == "analyst":
        groups = aggregate_table(pairs, "analyst", analyst_keys=data.analyst_keys)
        if data.sources is not None:
            groups = _with_sources(groups, aggregate_table(score_pairs(data.sources, method), "analyst",
                                                           analyst_keys=data.analyst_keys))
    elif by == "all":
        groups = aggregate_table(pairs, "all")
    else:
        keys = {"question": data.slugs, "scenario": data.scenarios, "tag": data.tags}[by]
        groups = aggregate_table(pairs, by, question_keys=keys)
    return groups


def score_groups(data: ScoredLedger, *, by: str, method: str) -> list[dict[str, Any]]:
    """Per-group scores as SPEC 6 JSON dicts."""
    return [g.as_dict() for g in group_scores(data, by=by, method=method)]


@dataclass(frozen=True)
class PairScore:
    """One forecaster's scores on one scored question.

    Attributes:
        analyst: the handle, or `@team`.
        source: True for a source (an article's forecaster), scored apart from persons.
        question: the question's slug.
        known_at: when its outcome became known.
        brier, log_loss: under the method.
        relative_brier, coverage: None where SPEC 6 leaves them null.
        final_p: the final counted probability of yes (yes/no questions), else None.
        happened: True when the question resolved yes (yes/no questions), else None.
    """

    analyst: str
    source: bool
    question: str
    known_at: int
    brier: float
    log_loss: float
    relative_brier: float | None
    coverage: float | None
    final_p: float | None = None
    happened: bool | None = None


def pair_scores(data: ScoredLedger, *, method: str = "time") -> list[PairScore]:
    """Every (forecaster, question) pair's scores, persons' and `@team`'s then sources', by question."""
    from ledger.core.scoring import TEAM, TEAM_ANALYST, score_pairs

    def number(value: float) -> float | None:
        return None if np.isnan(value) else float(value)

    out: list[PairScore] = []
    for inp, source in ((data.input, False), (data.sources, True)):
        if inp is None:
            continue
        pairs = score_pairs(inp, method)
        final: dict[int, tuple[float, bool]] = {}
        for pair, p, o in zip(pairs.point_pair.tolist(), pairs.point_p.tolist(), pairs.point_o.tolist()):
            if inp.binary[pairs.question[pair]]:
                final[pair] = (p, bool(o))
        for i, (q, a) in enumerate(zip(pairs.question.tolist(), pairs.analyst.tolist())):
            team = a == TEAM_ANALYST
            if source and team:
                continue  # a sources-only team is no team (SPEC 6)
            p, happened = final.get(i, (None, None))
            out.append(PairScore(TEAM if team else data.analyst_keys[a], source, data.slugs[q], data.known_at[q],
                                 float(pairs.brier[i]), float(pairs.log_loss[i]),
                                 None if source else number(pairs.relative_brier[i]), number(pairs.coverage[i]),
                                 p, happened))
    return out


def _with_sources(persons: Any, sources: Any) -> Any:
    """Persons' groups (with `@team` last) and sources' groups, by key (`GroupTable`s); a source
    is scored alone, so its relative Brier (against persons' median) is not defined: null (SPEC 6)."""
    from dataclasses import replace

    from ledger.core.scoring import TEAM
    from ledger.core.scoring.calibration import CalibrationTable

    mine = [i for i, key in enumerate(sources.key) if key != TEAM]
    sources = replace(sources.take(mine), relative_brier=[None] * len(mine))
    n = len(persons.key)
    both = replace(
        persons,
        **{f: getattr(persons, f) + getattr(sources, f)
           for f in ("key", "questions", "brier", "log_loss", "relative_brier", "coverage")},
        calibration=CalibrationTable(*(np.concatenate((getattr(persons.calibration, f), getattr(sources.calibration, f)))
                                       for f in ("n", "mean_p", "freq", "ci_low", "ci_high", "summary", "total"))),
    )
    rest = sorted((i for i in range(len(both.key)) if not (i < n and both.key[i] == TEAM)), key=lambda i: both.key[i])
    team = [i for i in range(n) if both.key[i] == TEAM]
    return both.take(rest + team)
