"""`ledger score --json` end to end, as an acceptance check.

Small but nasty datasets are written as FILES — the public one-row-per-forecast CSV layout and
the native JSON lines (SPEC 7) — and imported through the CLI. The expected scores are computed
independently: this module reads the files back itself, applies the SPEC 6/7 semantics itself
(answer_option 0 is P(no), outcome 1/0/-1, `ambiguous` = annulled, known_at = resolve_time, a
bare-date close is the end of that day, only the latest resolution counts, annulled and
unresolved questions are not scored) and feeds the result to the naive reference of
tests/core/test_scoring_reference.py, which shares no code with the engine.

Then: SQLite and PostgreSQL give the same `score --json`, and the JSONL export of a PostgreSQL
ledger imports into an empty one and exports back to the same bytes and the same scores.
"""

from __future__ import annotations

import csv
import json
import math
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LedgerCli, _drop_schema, _pg_schema_url
from tests.core.test_scoring_reference import reference_groups, reference_pairs

UTC = timezone.utc
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY_US = 86_400_000_000
BASE = datetime(2026, 1, 1, tzinfo=UTC)
TEAM = "@team"
TOL = 1e-9
SEEDS = (11, 29, 2026)
# After everything the generator writes (it stays within 2026).
AS_OF = "2031-01-01"

ZWSP = "\u200b"
# Handles from real public datasets, plus ones that differ only in case, carry CSV
# metacharacters, or end in a space ("kept exactly as given", SPEC 1).
HANDLES = ["Jayson Virissimo", "CRNewsReports©", ZWSP, "amina", "Amina", "Zoë", 'O\'Brien, "Pat"', "bo",
           "trailing space "]
JSONL_ONLY = "Ünïcode Ana"  # declared by an analyst line of the JSONL file
OPTION_SETS = [
    ["0", "1", "2-3", "3 or more"],
    ["0-$6 billion, inclusive", "more than $6 billion"],
    ["yes", "no", "maybe"],  # a choice question whose options are named like binary outcomes
    ["a", "b", "3 or more"],
]
CSV_COLUMNS = ["question_id", "user_id", "probability", "answer_option", "timestamp", "outcome", "open_time",
               "close_time", "resolve_time", "q_title", "q_status"]
MURPHY = ("brier", "reliability", "resolution", "uncertainty", "within_bin_variance", "within_bin_covariance")


# -- reading times and files, independently of ledger.core.timeutil ------------------------------


def micros(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def parse_moment(text: str, *, deadline: bool = False) -> int:
    """SPEC 1: ISO date or datetime, naive = UTC; a bare date as a deadline is the next 00:00Z."""
    text = text.strip()
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        start = micros(datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC))
        return start + DAY_US if deadline else start
    return micros(datetime.fromisoformat(text))


@dataclass
class Truth:
    """What the files say: questions by slug, their resolutions in file order, forecasts in file order."""

    questions: dict[str, dict[str, Any]] = field(default_factory=dict)
    forecasts: list[dict[str, Any]] = field(default_factory=list)

    def add_forecast(self, slug: str, analyst: str, made_at: int, p: tuple[float, ...]) -> None:
        self.forecasts.append(dict(slug=slug, analyst=analyst, made_at=made_at, p=p, order=len(self.forecasts)))


def read_csv_truth(path: Path, truth: Truth) -> None:
    """SPEC 7 csv: answer_option 0 gives P(no), outcome 1/0/-1 (`ambiguous` annuls), resolve_time is known_at."""
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            slug = row["question_id"]
            if slug not in truth.questions:
                outcome_text = row.get("outcome", "").strip()
                outcome = int(float(outcome_text)) if outcome_text else None
                resolutions = []
                if outcome == -1 or row.get("q_status", "").strip().lower() == "ambiguous":
                    resolutions.append(("annulled", None))
                elif outcome is not None:
                    resolutions.append(("yes" if outcome == 1 else "no", parse_moment(row["resolve_time"])))
                truth.questions[slug] = dict(
                    binary=True, options=["yes", "no"], opens=parse_moment(row["open_time"]),
                    closes=parse_moment(row["close_time"], deadline=True), resolutions=resolutions)
            p = float(row["probability"])
            if row.get("answer_option", "1").strip() == "0":
                p = 1 - p
            truth.add_forecast(slug, row["user_id"], parse_moment(row["timestamp"]), (p,))


def read_jsonl_truth(path: Path, truth: Truth) -> None:
    """SPEC 7 jsonl: choice probabilities normalised in option order; every resolution kept in order."""
    for line in path.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        if obj["type"] == "question":
            binary = obj.get("kind", "binary") == "binary"
            truth.questions[obj["slug"]] = dict(
                binary=binary, options=["yes", "no"] if binary else obj["options"],
                opens=parse_moment(obj["opens_at"]), closes=parse_moment(obj["closes_at"], deadline=True),
                resolutions=[])
        elif obj["type"] == "forecast":
            question = truth.questions[obj["question"]]
            if question["binary"]:
                p = (float(obj["p"]),)
            else:
                raw = [float(obj["probabilities"][o]) for o in question["options"]]
                total = math.fsum(raw)
                p = tuple(x / total for x in raw)
            truth.add_forecast(obj["question"], obj["analyst"], parse_moment(obj["made_at"]), p)
        elif obj["type"] == "resolution":
            truth.questions[obj["question"]]["resolutions"].append((obj["outcome"], parse_moment(obj["known_at"])))


def reference_input(truth: Truth, as_of: int) -> tuple[list[dict], list[dict], list[str]]:
    """The reference's questions and forecasts: questions whose latest resolution is not annulled and
    known by `as_of`; forecasts made before `as_of`. Also the slugs, by question index."""
    slugs = [slug for slug, q in truth.questions.items()
             if q["resolutions"] and q["resolutions"][-1][0] != "annulled" and q["resolutions"][-1][1] <= as_of]
    index = {slug: i for i, slug in enumerate(slugs)}
    questions = []
    for slug in slugs:
        q = truth.questions[slug]
        outcome, known = q["resolutions"][-1]
        questions.append(dict(binary=q["binary"], options=len(q["options"]), opens=q["opens"], closes=q["closes"],
                              known=known, outcome=q["options"].index(outcome)))
    forecasts = [dict(q=index[f["slug"]], analyst=f["analyst"], made_at=f["made_at"], order=f["order"], p=f["p"])
                 for f in truth.forecasts if f["slug"] in index and f["made_at"] < as_of]
    return questions, forecasts, slugs


# -- generating the files -----------------------------------------------------------------------


def stamp(rng: random.Random, moment: datetime) -> str:
    """One of the timestamp spellings found in the wild (some drop the microseconds)."""
    style = rng.randrange(5)
    if style == 0:
        return moment.strftime("%Y-%m-%d %H:%M:%S+00:00")
    if style == 1:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if style == 2:
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f")  # naive = UTC
    if style == 3:
        return moment.astimezone(timezone(timedelta(hours=5, minutes=30))).isoformat()
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def at_or_after(rng: random.Random, moment: datetime, floor_text: str) -> str:
    """A spelling of `moment` that does not fall before `floor_text` once the microseconds are dropped."""
    text = stamp(rng, moment)
    if parse_moment(text) < parse_moment(floor_text):
        text = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return text


def jiffy(rng: random.Random, days: float) -> timedelta:
    return timedelta(microseconds=rng.randrange(1, int(days * DAY_US)))


CSV_KINDS = [
    "after_close",           # resolved after the close: cutoff = close
    "before_close",          # resolved before its close: cutoff = resolve_time
    "bare_close",            # close_time a bare date: the end of that day
    "at_close",              # resolve_time spelt exactly like close_time; forecasts exactly at the cutoff
    "annulled",              # outcome -1
    "ambiguous",             # q_status ambiguous, no outcome
    "unresolved",            # no outcome
    "backwards",             # close_time before open_time, resolved yes: imported, never scored
    "resolved_before_open",  # resolve_time before open_time: nothing can count
]


def csv_question(rng: random.Random, slug: str, kind: str) -> tuple[dict[str, str], datetime, datetime]:
    """The question columns, the open moment and the moment after which no forecast is generated."""
    opens = BASE + jiffy(rng, 40)
    closes = opens + timedelta(days=rng.randrange(3, 40)) + jiffy(rng, 1)
    resolves = closes + jiffy(rng, 20)
    outcome = rng.choice(["1", "1.0", "0", "0.0"])
    status = rng.choice(["resolved", "Resolved", ""])
    open_text = stamp(rng, opens)
    close_text = stamp(rng, closes)
    resolve_text = ""
    if kind == "before_close":
        resolves = opens + (closes - opens) * rng.uniform(0.2, 0.9)
    elif kind == "bare_close":
        close_text = closes.date().isoformat()
        end_of_day = datetime.combine(closes.date() + timedelta(days=1), datetime.min.time(), UTC)
        closes = end_of_day - timedelta(microseconds=1)
        if rng.random() < 0.5:
            open_text = opens.date().isoformat()
    elif kind == "backwards":
        close_text = stamp(rng, opens - jiffy(rng, 5))
        resolves = opens + jiffy(rng, 10)
        outcome = "1"
    elif kind == "resolved_before_open":
        resolves = opens - jiffy(rng, 3)
    if kind == "annulled":
        outcome, status = rng.choice(["-1", "-1.0"]), rng.choice(["annulled", "resolved"])
        resolve_text = rng.choice(["", stamp(rng, resolves)])
    elif kind == "ambiguous":
        outcome, status = "", "ambiguous"
    elif kind == "unresolved":
        outcome, status = "", "open"
    elif kind == "at_close":
        resolve_text = close_text
    else:
        resolve_text = stamp(rng, resolves)
    title = rng.choice(["", f"Will {slug} happen?", f'Will "{slug}" happen, by 2027?', "Année ©"])
    cols = dict(question_id=slug, outcome=outcome, open_time=open_text, close_time=close_text,
                resolve_time=resolve_text, q_title=title, q_status=status)
    return cols, opens, max(closes, resolves, opens) + timedelta(days=5)


def probability_text(rng: random.Random) -> str:
    return rng.choice(["0", "1", "0.0", "1.0", "0.5", ".3", "0.05", "0.95", "0.1", "0.9",
                       f"{rng.random():.6f}", f"{rng.random():.3f}"])


def write_csv(rng: random.Random, path: Path) -> None:
    kinds = CSV_KINDS + [rng.choice(["after_close", "before_close", "bare_close"]) for _ in range(3)]
    rows: list[dict[str, str]] = []
    for n, kind in enumerate(kinds):
        slug = rng.choice([str(100 + n), f"q-{n}", f"Q.{n}"])
        cols, opens, until = csv_question(rng, slug, kind)
        open_text = cols["open_time"]
        own: list[dict[str, str]] = []

        def add(handle: str, moment: datetime, text: str | None = None) -> dict[str, str]:
            row = dict(cols, user_id=handle, probability=probability_text(rng),
                       answer_option=rng.choice(["1", "1", "0"]),
                       timestamp=text if text is not None else at_or_after(rng, moment, open_text))
            own.append(row)
            return row

        handles = HANDLES if n == 0 else rng.sample(HANDLES, rng.randint(2, 5))
        if n == 0:  # every handle forecasts early on the first question (closes >= 3 days after it opens)
            for handle in handles:
                add(handle, opens + timedelta(seconds=rng.randrange(1, 3600)))
        for handle in handles:
            for _ in range(rng.randint(1, 3)):
                add(handle, opens + (until - opens) * rng.random() ** 2)
        add(rng.choice(handles), opens, text=open_text)  # exactly at the open
        if cols["resolve_time"]:
            moment = parse_moment(cols["resolve_time"])
            if moment >= parse_moment(open_text):
                add(rng.choice(handles), opens, text=cols["resolve_time"])  # exactly at known_at
        if kind == "bare_close":
            last = datetime.combine(date.fromisoformat(cols["close_time"]), datetime.min.time(), UTC)
            add(rng.choice(handles), last, text=(last + timedelta(hours=23, minutes=59, seconds=59,
                                                                  microseconds=999_999)).isoformat())
            add(rng.choice(handles), last, text=(last + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S"))
        # the same person twice at one timestamp, with different numbers
        twice = dict(rng.choice(own))
        own.append(dict(twice, probability=probability_text(rng)))
        # byte-identical duplicate rows
        for _ in range(2):
            own.append(dict(rng.choice(own)))
        rows.extend(own)
    # rows of different questions interleave; within one question the file order is kept
    mixed: list[dict[str, str]] = []
    queues = {}
    for row in rows:
        queues.setdefault(row["question_id"], []).append(row)
    pending = [slug for slug, q in queues.items() for _ in q]
    rng.shuffle(pending)
    for slug in pending:
        mixed.append(queues[slug].pop(0))
    columns = CSV_COLUMNS[:2] + rng.sample(CSV_COLUMNS[2:], len(CSV_COLUMNS) - 2) + ["extra_unknown"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns, restval="ignored", lineterminator=rng.choice(["\n", "\r\n"]))
        writer.writeheader()
        writer.writerows(mixed)


def iso(rng: random.Random, moment: datetime) -> str:
    return rng.choice([
        moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        moment.astimezone(timezone(timedelta(hours=-3))).isoformat(),
    ])


def choice_probabilities(rng: random.Random, options: list[str]) -> dict[str, float]:
    style = rng.randrange(3)
    if style == 0:  # one-hot, as JSON integers
        hot = rng.randrange(len(options))
        return {o: int(k == hot) for k, o in enumerate(options)}
    weights = [rng.randint(0, 4) for _ in options]
    if not any(weights):
        weights[0] = 1
    if style == 1:  # rounded: sums within the 0.005 tolerance but not to 1
        return {o: round(w / sum(weights), 3) for o, w in zip(options, weights)}
    return {o: w / sum(weights) for o, w in zip(options, weights)}


JSONL_KINDS = [
    ("binary", "resolved"),
    ("binary", "corrected"),            # an outcome, then a correction to the other one known a day later
    ("binary", "corrected_annulled"),   # resolved, then corrected to annulled: not scored
    ("choice", "resolved"),
    ("choice", "corrected"),            # an option, then another option known two days earlier
    ("choice", "annulled_corrected"),   # annulled, then corrected to an option: scored
    ("choice", "unresolved"),
    ("binary", "backwards"),            # closes_at before opens_at
    ("choice", "bare_close"),
]


def write_jsonl(rng: random.Random, path: Path) -> None:
    head: list[dict[str, Any]] = [
        {"type": "analyst", "handle": JSONL_ONLY, "name": "Ana", "role": "analyst"},
        {"type": "scenario", "slug": "sahel-2026", "title": "US and the Sahel"},
    ]
    streams: list[list[dict[str, Any]]] = []
    handles = [JSONL_ONLY] + rng.sample(HANDLES, 4)
    for n, (kind, story) in enumerate(JSONL_KINDS):
        slug = f"j{n}-{story}"
        options = rng.choice(OPTION_SETS) if kind == "choice" else ["yes", "no"]
        opens = BASE + jiffy(rng, 60)
        closes = opens + timedelta(days=rng.randrange(5, 50)) + jiffy(rng, 1)
        known = closes + jiffy(rng, 10) if rng.random() < 0.6 else opens + (closes - opens) * rng.uniform(0.3, 0.9)
        question = {"type": "question", "slug": slug, "title": f"Question {n}?", "kind": kind,
                    "criteria": "Resolves by the count on the close date.", "opens_at": iso(rng, opens),
                    "closes_at": iso(rng, closes)}
        if kind == "choice":
            question["options"] = options
        if story == "backwards":
            question["closes_at"] = iso(rng, opens - jiffy(rng, 3))
        if story == "bare_close":
            question["closes_at"] = closes.date().isoformat()
            question["opens_at"] = opens.date().isoformat()
            opens = datetime.combine(opens.date(), datetime.min.time(), UTC)
        if rng.random() < 0.5:
            question["scenario"] = "sahel-2026"
            question["tags"] = ["minerals"]
        head.append(question)
        opens_us = parse_moment(question["opens_at"])
        stream: list[dict[str, Any]] = []
        until = max(closes, known) + timedelta(days=3)
        who = rng.sample(handles, rng.randint(2, len(handles))) if n else handles
        for handle in who if n == 0 else ():  # all of them forecast early on the first question
            stream.append({"type": "forecast", "question": slug, "analyst": handle, "p": 0.5,
                           "made_at": (opens + jiffy(rng, 1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")})
        for handle in who:
            for _ in range(rng.randint(1, 3)):
                moment = opens + (until - opens) * rng.random() ** 2
                text = iso(rng, moment)
                if parse_moment(text) < opens_us:
                    text = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
                line = {"type": "forecast", "question": slug, "analyst": handle, "made_at": text}
                if kind == "binary":
                    line["p"] = rng.choice([0, 1, 0.0, 1.0, 0.5, 0.25, 0.9, round(rng.random(), 4)])
                else:
                    line["probabilities"] = choice_probabilities(rng, options)
                stream.append(line)
        twice = dict(rng.choice(stream))  # one person twice at one moment
        if kind == "binary":
            twice["p"] = 1 - twice["p"]
        else:
            twice["probabilities"] = choice_probabilities(rng, options)
        stream.append(twice)
        if story == "bare_close":
            last = datetime.combine(date.fromisoformat(question["closes_at"]), datetime.min.time(), UTC)
            for moment in (last + timedelta(hours=23, minutes=59, seconds=59, microseconds=999_999),
                           last + timedelta(days=1)):
                stream.append({"type": "forecast", "question": slug, "analyst": rng.choice(who),
                               "made_at": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                               "probabilities": choice_probabilities(rng, options)})
        rng.shuffle(stream)  # file order decides ties, not generation order
        first = rng.choice(options)
        other = rng.choice([o for o in options if o != first])
        resolutions: list[dict[str, Any]] = []
        if story in ("resolved", "backwards", "bare_close"):
            resolutions = [{"type": "resolution", "question": slug, "outcome": first, "known_at": iso(rng, known),
                            "note": "as reported"}]
        elif story == "corrected":
            resolutions = [
                {"type": "resolution", "question": slug, "outcome": first, "known_at": iso(rng, known)},
                {"type": "resolution", "question": slug, "outcome": other, "recorded_by": "ed",
                 "known_at": iso(rng, known + timedelta(days=1 if kind == "binary" else -2)),
                 "correction": "misread the count"},
            ]
        elif story == "corrected_annulled":
            resolutions = [
                {"type": "resolution", "question": slug, "outcome": first, "known_at": iso(rng, known)},
                {"type": "resolution", "question": slug, "outcome": "annulled", "known_at": iso(rng, known),
                 "correction": "the source retracted"},
            ]
        elif story == "annulled_corrected":
            resolutions = [
                {"type": "resolution", "question": slug, "outcome": "annulled", "known_at": iso(rng, known)},
                {"type": "resolution", "question": slug, "outcome": first,
                 "known_at": iso(rng, known + timedelta(hours=5)), "correction": "criteria clarified"},
            ]
        # resolutions may come before some forecasts (they only need their question's line)
        cut = rng.randint(0, len(stream))
        streams.append(stream[:cut] + resolutions + stream[cut:])
    head.append({"type": "evidence", "id": 7, "analyst": handles[1], "logged_at": iso(rng, BASE),
                 "summary": "Envoy visit", "links": [{"question": "j0-resolved", "stance": "+"}]})
    lines = list(head)
    # interleave the questions' streams, keeping each one's order
    order = [i for i, s in enumerate(streams) for _ in s]
    rng.shuffle(order)
    positions = [0] * len(streams)
    for i in order:
        lines.append(streams[i][positions[i]])
        positions[i] += 1
    cites = next(x for x in lines if x["type"] == "forecast" and x["question"] == "j0-resolved")
    cites["evidence"] = [7]
    cites["rationale"] = "the visit"
    path.write_text("".join(json.dumps(x, ensure_ascii=rng.random() < 0.5) + "\n" for x in lines), encoding="utf-8")


@dataclass(frozen=True)
class Dataset:
    """The two files of one seed and what they say."""

    seed: int
    csv_path: Path
    jsonl_path: Path
    truth: Truth
    n_resolutions: int

    def straddling(self, slug: str) -> str:
        """A moment between the known_at of a question's resolution and of its correction."""
        (_, first), (_, second) = self.truth.questions[slug]["resolutions"]
        return (EPOCH + timedelta(microseconds=(first + second) // 2)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def dataset(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    rng = random.Random(request.param)
    folder = tmp_path_factory.mktemp(f"data{request.param}")
    csv_path, jsonl_path = folder / "public.csv", folder / "native.jsonl"
    write_csv(rng, csv_path)
    write_jsonl(rng, jsonl_path)
    truth = Truth()
    read_csv_truth(csv_path, truth)
    read_jsonl_truth(jsonl_path, truth)
    n_resolutions = sum(len(q["resolutions"]) for q in truth.questions.values())
    return Dataset(request.param, csv_path, jsonl_path, truth, n_resolutions)


def build(url: str, data: Dataset) -> LedgerCli:
    """A fresh ledger at `url` holding both files, imported through the CLI by the editor `ed`."""
    run = LedgerCli(url)
    run("init", as_=None)
    result = run("import", str(data.csv_path))
    assert "warning" in result.stderr, result.stderr  # SPEC 7: a question closing before it opens is odd but valid
    run("import", str(data.jsonl_path))
    counts = run.json("info")["counts"]
    assert counts["forecasts"] == len(data.truth.forecasts)  # identical rows are two forecasts
    assert counts["questions"] == len(data.truth.questions)
    assert counts["resolutions"] == data.n_resolutions
    return run


@pytest.fixture(scope="module")
def sqlite_ledger(dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> LedgerCli:
    return build(str(tmp_path_factory.mktemp("sqlite") / "ledger.db"), dataset)


@pytest.fixture(scope="module")
def pg_ledger(dataset: Dataset, pg_server_url: str) -> LedgerCli:
    url, schema = _pg_schema_url(pg_server_url)
    try:
        yield build(url, dataset)
    finally:
        _drop_schema(pg_server_url, schema)


# -- comparing ------------------------------------------------------------------------------------


def close_to(got: float | None, want: float | None) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return abs(got - want) <= TOL


def expected_groups(data: Dataset, method: str, as_of: str, by: str) -> list[tuple]:
    questions, forecasts, _ = reference_input(data.truth, parse_moment(as_of))
    pairs = reference_pairs(questions, forecasts, method)
    handles = sorted({f["analyst"] for f in forecasts})
    if by == "analyst":
        return reference_groups(questions, pairs, {h: h for h in handles})
    # `all` pools every analyst's pairs, not @team's
    return [g for g in reference_groups(questions, pairs, {h: "all" for h in handles}) if g[0] != TEAM]


def assert_groups_match(doc: dict, want: list[tuple]) -> None:
    got = doc["groups"]
    assert [g["key"] for g in got] == [w[0] for w in want]
    for g, (key, n, brier, log_loss, relative, coverage, (rows, ece, murphy)) in zip(got, want):
        assert g["questions"] == n, key
        for name, want_v in (("brier", brier), ("log_loss", log_loss), ("relative_brier", relative),
                             ("coverage", coverage)):
            assert close_to(g[name], want_v), (key, name, g[name], want_v)
        cal = g["calibration"]
        assert close_to(cal["ece"], ece), (key, "ece", cal["ece"], ece)
        for name in MURPHY:
            assert close_to(cal["murphy"][name], murphy[name]), (key, name, cal["murphy"][name], murphy[name])
        assert len(cal["bins"]) == 10
        for k, (got_bin, (n_k, mean_p, freq, low, high)) in enumerate(zip(cal["bins"], rows)):
            assert close_to(got_bin["lo"], k / 10) and close_to(got_bin["hi"], (k + 1) / 10)
            assert got_bin["n"] == n_k, (key, k, got_bin, n_k)
            for name, want_v in (("mean_p", mean_p), ("freq", freq), ("ci_low", low), ("ci_high", high)):
                assert close_to(got_bin[name], want_v), (key, k, name, got_bin[name], want_v)


def score(run: LedgerCli, method: str, by: str, as_of: str = AS_OF) -> dict:
    return run.json("score", "--by", by, "--method", method, "--as-of", as_of)


# -- the tests --------------------------------------------------------------------------------------


def test_the_generated_files_are_nasty_enough(dataset: Dataset):
    """Guard the generator: the cases this module exists for really occur in the files."""
    truth = dataset.truth
    text = dataset.csv_path.read_text(encoding="utf-8")
    for handle in HANDLES:
        assert handle.replace('"', '""') in text
    rows = text.splitlines()
    assert len(rows) != len(set(rows))  # byte-identical rows
    forecasts = truth.forecasts
    assert {0.0, 1.0} <= {p for f in forecasts for p in f["p"]}
    assert any(f["made_at"] % 1_000_000 for f in forecasts)  # microseconds
    keys = [(f["slug"], f["analyst"], f["made_at"]) for f in forecasts]
    assert len(keys) != len(set(keys))  # one person, one timestamp, two forecasts
    questions = truth.questions
    assert any(q["closes"] <= q["opens"] for q in questions.values())
    assert any(not q["resolutions"] for q in questions.values())
    assert any(len(q["resolutions"]) > 1 for q in questions.values())
    assert any(q["resolutions"] and q["resolutions"][-1][0] == "annulled" for q in questions.values())
    late = [f for f in forecasts if questions[f["slug"]]["resolutions"]
            and questions[f["slug"]]["resolutions"][-1][1] is not None
            and f["made_at"] >= min(questions[f["slug"]]["closes"], questions[f["slug"]]["resolutions"][-1][1])]
    assert late  # forecasts at or after the cutoff: kept, never scored


@pytest.mark.parametrize("method", ["time", "final"])
def test_score_by_analyst_matches_the_reference(sqlite_ledger: LedgerCli, dataset: Dataset, method: str):
    doc = score(sqlite_ledger, method, "analyst")
    assert (doc["method"], doc["by"], doc["as_of"]) == (method, "analyst", "2031-01-01T00:00:00Z")
    want = expected_groups(dataset, method, AS_OF, "analyst")
    # every nasty handle is scored, the editor who only imported is not, @team comes last
    assert {w[0] for w in want} >= set(HANDLES) | {JSONL_ONLY, TEAM}
    assert want[-1][0] == TEAM and "ed" not in {w[0] for w in want}
    assert_groups_match(doc, want)


@pytest.mark.parametrize("method", ["time", "final"])
def test_score_by_all_matches_the_reference(sqlite_ledger: LedgerCli, dataset: Dataset, method: str):
    doc = score(sqlite_ledger, method, "all")
    want = expected_groups(dataset, method, AS_OF, "all")
    assert [w[0] for w in want] == ["all"]
    assert_groups_match(doc, want)


@pytest.mark.parametrize("method", ["time", "final"])
@pytest.mark.parametrize("slug", ["j1-corrected", "j4-corrected"])
def test_score_as_of_a_moment_inside_the_history(sqlite_ledger: LedgerCli, dataset: Dataset, method: str, slug: str):
    """Only forecasts made before --as-of count, and only questions whose resolution in force (the
    latest recorded) is known by then: between a resolution and a correction known a day later the
    question does not count; between a correction known two days earlier and the original it does."""
    as_of = dataset.straddling(slug)
    doc = score(sqlite_ledger, method, "question", as_of)
    assert doc["as_of"] == as_of[:19] + "Z"  # whole seconds
    questions, forecasts, slugs = reference_input(dataset.truth, parse_moment(as_of))
    scored = slug in {slugs[qi] for qi, _ in reference_pairs(questions, forecasts, method)}
    assert scored == (slug in [g["key"] for g in doc["groups"]])
    if slug == "j1-corrected":
        assert not scored
    assert_groups_match(score(sqlite_ledger, method, "analyst", as_of),
                        expected_groups(dataset, method, as_of, "analyst"))


def test_which_questions_are_scored(sqlite_ledger: LedgerCli, dataset: Dataset):
    """Annulled (also by correction), unresolved and backwards questions never appear; a question
    closing before it opens cannot have a forecast before its cutoff (import refuses forecasts
    before the open), so SPEC 6 gives it no pairs."""
    questions, forecasts, slugs = reference_input(dataset.truth, parse_moment(AS_OF))
    with_pairs = {slugs[qi] for qi, _ in reference_pairs(questions, forecasts, "final")}
    doc = score(sqlite_ledger, "final", "question")
    keys = [g["key"] for g in doc["groups"]]
    assert keys == sorted(with_pairs)
    truth = dataset.truth.questions
    for slug in keys:
        q = truth[slug]
        assert q["closes"] > q["opens"] and q["resolutions"][-1][0] != "annulled"
    backwards = [s for s, q in truth.items() if q["closes"] <= q["opens"]]
    assert backwards and not set(backwards) & set(keys)
    assert "j5-annulled_corrected" in keys or "j5-annulled_corrected" not in with_pairs
    assert "j2-corrected_annulled" not in keys and "j6-unresolved" not in keys


def test_sqlite_and_postgresql_agree(sqlite_ledger: LedgerCli, pg_ledger: LedgerCli):
    for method in ("time", "final"):
        for by in ("analyst", "all", "question"):
            assert score(pg_ledger, method, by) == score(sqlite_ledger, method, by), (method, by)

def test_sqlite_and_postgresql_agree_inside_the_history(sqlite_ledger: LedgerCli, pg_ledger: LedgerCli,
                                                         dataset: Dataset):
    for slug in ("j1-corrected", "j4-corrected"):
        as_of = dataset.straddling(slug)
        for method in ("time", "final"):
            assert score(pg_ledger, method, "analyst", as_of) == score(sqlite_ledger, method, "analyst", as_of)


def test_postgresql_jsonl_round_trip(pg_ledger: LedgerCli, pg_server_url: str, tmp_path: Path):
    first = tmp_path / "first.jsonl"
    pg_ledger("export", "--out", str(first))
    url, schema = _pg_schema_url(pg_server_url)
    try:
        other = LedgerCli(url)
        other("init", as_=None)
        other("import", str(first))
        other("verify")
        second = tmp_path / "second.jsonl"
        other("export", "--out", str(second))
        assert first.read_bytes() == second.read_bytes()
        for method in ("time", "final"):
            for by in ("analyst", "all"):
                assert score(other, method, by) == score(pg_ledger, method, by), (method, by)
    finally:
        _drop_schema(pg_server_url, schema)
