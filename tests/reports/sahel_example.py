"""Demo-like history for the example report: the US re-engagement with Mali and the Sahel, June to
November 2026 (fictional figures and fictional sources on example.org). `lines()` gives JSONL
import lines; run as a script to write `reports/example.png`, a screenshot of its HTML report:

    .venv/bin/python -m tests.reports.sahel_example
"""

from __future__ import annotations

import random
from datetime import date, timedelta

AS_OF = "2026-12-01"
ANALYSTS = [("amina", "Amina Diallo"), ("jo", "Jo Rivers"), ("kofi", "Kofi Mensah"), ("lea", "Léa Moreau")]
SOURCE = "Sahel Monitor"

#: The article's own words behind each prior (fictional).
QUOTES = {
    "us-mali-minerals-deal": "A minerals agreement is likely before the end of next year, two officials said.",
    "us-ambassador-bamako": "A confirmed ambassador in Bamako this year remains unlikely given the Senate's calendar.",
    "africa-corps-drawdown": "A Russian drawdown is very unlikely while the junta leans on Africa Corps in the north.",
    "niger-drone-access": "Renewed US access to a Nigerien drone base is unlikely in the near term.",
    "lithium-exports": "Whether lithium exports pass 100,000 tonnes this year is roughly even.",
    "mali-visa-restrictions": "Visa restrictions are unlikely to be lifted before a deal is signed.",
    "aid-resumes": "Development funding is likely to resume by the autumn.",
    "envoy-visit": "A special envoy is very likely to visit Bamako over the summer.",
    "burkina-talks": "Formal talks with Ouagadougou are very unlikely this year.",
    "election-date": "An election date is unlikely to be announced before the end of November.",
    "ecowas-aes-trade": "A trade accord between ECOWAS and the AES is a toss-up.",
    "us-sahel-strategy": "A published Sahel strategy this autumn is roughly even.",
}

# slug, title, opens, closes, resolves_by, source prior, true lean of the analysts, outcome, known
QUESTIONS = [
    ("us-mali-minerals-deal", "Will the US and Mali sign a minerals agreement by the end of 2027?",
     "2026-06-15", "2027-12-31", None, 0.675, 0.45, None, None),
    ("us-ambassador-bamako", "Will the Senate confirm a US ambassador to Mali by 31 December 2026?",
     "2026-06-15", "2026-11-30", None, 0.325, 0.40, None, None),
    ("africa-corps-drawdown", "Will Africa Corps announce a drawdown from Mali before 1 March 2027?",
     "2026-06-15", "2027-02-28", None, 0.125, 0.15, None, None),
    ("niger-drone-access", "Will US forces regain access to a drone base in Niger by 30 June 2027?",
     "2026-06-15", "2027-06-30", None, 0.325, 0.20, None, None),
    ("lithium-exports", "Will Mali's lithium exports exceed 100,000 tonnes in 2026?",
     "2026-07-01", "2026-12-31", "2027-02-28", 0.5, 0.55, None, None),
    ("mali-visa-restrictions", "Will the US lift visa restrictions on Malian officials by 30 November 2026?",
     "2026-06-15", "2026-11-30", None, 0.325, 0.35, "no", "2026-11-28"),
    ("aid-resumes", "Will US development funding for Mali resume before 1 November 2026?",
     "2026-06-15", "2026-10-31", None, 0.675, 0.70, "yes", "2026-10-22"),
    ("envoy-visit", "Will a US special envoy visit Bamako in the third quarter of 2026?",
     "2026-06-15", "2026-09-30", None, 0.875, 0.80, "yes", "2026-09-12"),
    ("burkina-talks", "Will the US and Burkina Faso open formal security talks by 15 November 2026?",
     "2026-07-01", "2026-11-15", None, 0.125, 0.22, "yes", "2026-11-12"),
    ("election-date", "Will Mali's transitional government set an election date by 30 November 2026?",
     "2026-07-01", "2026-11-30", "2026-12-15", 0.325, 0.30, None, None),
    ("ecowas-aes-trade", "Will ECOWAS and the AES sign a trade accord by 31 October 2026?",
     "2026-07-01", "2026-10-31", "2026-11-15", 0.5, 0.40, None, None),
    ("unsc-vote", "Will the UN Security Council vote on a Sahel monitoring mission by 31 October 2026?",
     "2026-07-01", "2026-10-31", None, None, 0.30, "annulled", "2026-10-31"),
    ("gold-royalties", "Will Mali raise gold royalties again before 1 October 2026?",
     "2026-06-15", "2026-09-30", None, None, 0.25, "no", "2026-09-30"),
    ("bamako-flights", "Will a US carrier announce flights to Bamako by 31 August 2026?",
     "2026-06-15", "2026-08-31", None, None, 0.15, "no", "2026-08-31"),
    ("aes-summit", "Will the AES hold a heads-of-state summit in Niamey by 30 September 2026?",
     "2026-06-15", "2026-09-30", None, None, 0.75, "yes", "2026-09-20"),
    ("us-sahel-strategy", "Will the State Department publish a Sahel strategy by 31 October 2026?",
     "2026-06-15", "2026-10-31", None, 0.5, 0.55, "yes", "2026-10-14"),
    ("mali-imf", "Will Mali and the IMF agree a staff-level programme by 15 November 2026?",
     "2026-07-01", "2026-11-15", None, None, 0.35, "no", "2026-11-15"),
]

EVIDENCE = [  # id, analyst, logged, observed, summary, source, links
    (1, "amina", "2026-11-03T10:00:00Z", "2026-11-02", "US envoy meets Mali's mines minister in Bamako; both cite "
     "\u201cprogress on a framework\u201d", "https://www.example.org/news/envoy-bamako", [("us-mali-minerals-deal", "+")]),
    (2, "jo", "2026-11-09T15:30:00Z", "2026-11-09", "Senate Foreign Relations hearing on the Mali nominee postponed "
     "to December", "https://www.example.org/senate/calendar", [("us-ambassador-bamako", "-")]),
    (3, "kofi", "2026-11-12T08:00:00Z", "2026-11-11", "Ouagadougou confirms a first round of security talks with "
     "Washington", "https://www.example.org/burkina/talks", [("burkina-talks", "+")]),
    (4, "lea", "2026-11-18T12:00:00Z", "2026-11-17", "Draft minerals text leaked: lithium and gold offtake, no "
     "security clause", "Sahel Monitor print edition, 17 Nov 2026", [("us-mali-minerals-deal", "+")]),
    (5, "amina", "2026-11-21T09:00:00Z", "2026-11-20", "Ministry of Mines: Q3 lithium exports 31,000 t",
     "https://www.example.org/mines/q3", [("lithium-exports", "-")]),
    (6, "jo", "2026-11-25T17:00:00Z", "2026-11-25", "Africa Corps rotates fresh units into Kidal",
     "https://www.example.org/kidal", [("africa-corps-drawdown", "-")]),
]

REASONS = [  # (slug, analyst, made_at, p, rationale, evidence)
    ("us-mali-minerals-deal", "amina", "2026-11-03T11:00:00Z", 0.62,
     "The envoy's visit and the 'framework' language are the first concrete step since the summer.", [1]),
    ("us-mali-minerals-deal", "lea", "2026-11-18T13:00:00Z", 0.7,
     "A leaked draft with offtake terms means the text is far along; signature could come in 2027.", [4]),
    ("us-mali-minerals-deal", "kofi", "2026-11-19T09:00:00Z", 0.6, "Agree with Léa, but Bamako has walked away "
     "from drafts before.", [4]),
    ("us-ambassador-bamako", "jo", "2026-11-09T16:00:00Z", 0.18,
     "The hearing slipped to December; confirmation by year-end now needs a floor vote in the last week.", [2]),
    ("burkina-talks", "kofi", "2026-11-12T09:00:00Z", 0.9, "Ouagadougou has confirmed the talks.", [3]),
    ("lithium-exports", "amina", "2026-11-21T10:00:00Z", 0.3,
     "Q3 at 31,000 t leaves 100,000 t out of reach unless Q4 is a record.", [5]),
    ("africa-corps-drawdown", "jo", "2026-11-25T18:00:00Z", 0.06, "Fresh rotations point the other way.", [6]),
]


def _walk(rng: random.Random, lean: float, start: date, end: date) -> list[tuple[str, float]]:
    """An analyst's forecasts every two to four weeks, wandering around `lean`."""
    out, day, p = [], start + timedelta(days=rng.randint(0, 6)), min(0.95, max(0.05, lean + rng.uniform(-0.2, 0.2)))
    while day < end:
        out.append((f"{day.isoformat()}T{rng.randint(8, 18):02d}:00:00Z", round(p, 2)))
        day += timedelta(days=rng.randint(14, 30))
        p = min(0.97, max(0.03, 0.6 * p + 0.4 * lean + rng.uniform(-0.12, 0.12)))
    return out


def lines() -> list[dict]:
    """The JSONL import lines, in file order."""
    rng = random.Random(2026)
    out: list[dict] = [{"type": "analyst", "handle": "ed", "name": "Editor", "role": "editor"}]
    out += [{"type": "analyst", "handle": h, "name": n} for h, n in ANALYSTS]
    out.append({"type": "analyst", "handle": SOURCE, "kind": "source"})
    out.append({"type": "scenario", "slug": "sahel-2026", "title": "US re-engagement with Mali and the Sahel",
                "summary": "Six months after Washington's quiet return to the Sahel: minerals, diplomats, drones and "
                           "the juntas' new alliance.",
                "source": {"title": "Washington's quiet return to the Sahel", "publisher": "Sahel Monitor",
                           "url": "https://www.example.org/sahel-monitor/washington-returns", "published": "2026-06-15",
                           "forecaster": SOURCE}})
    for slug, title, opens, closes, due, *_ in QUESTIONS:
        q = {"type": "question", "slug": slug, "scenario": "sahel-2026", "title": title, "kind": "binary",
             "criteria": "Resolves yes if official statements or two independent reports confirm it by the close.",
             "opens_at": f"{opens}T00:00:00Z", "closes_at": f"{closes}T00:00:00Z", "tags": ["sahel"]}
        if due:
            q["resolves_by"] = f"{due}T00:00:00Z"
        out.append(q)
    for eid, who, logged, seen, summary, source, links in EVIDENCE:
        out.append({"type": "evidence", "id": eid, "analyst": who, "logged_at": logged, "observed_on": seen,
                    "summary": summary, "source": source,
                    "links": [{"question": q, "stance": s} for q, s in links]})
    as_of = date.fromisoformat(AS_OF)
    for slug, title, opens, closes, due, prior, lean, outcome, known in QUESTIONS:
        if prior is not None:
            out.append({"type": "forecast", "question": slug, "analyst": SOURCE, "made_at": f"{opens}T00:00:00Z",
                        "p": prior, "rationale": QUOTES[slug]})
        end = min(date.fromisoformat(closes), date.fromisoformat(known) if known else as_of, as_of)
        drift = 0.0 if outcome in (None, "annulled") else (0.12 if outcome == "yes" else -0.12)
        for handle, _ in ANALYSTS:
            if rng.random() < 0.15:
                continue  # not everyone forecasts everything
            for made_at, p in _walk(rng, min(0.95, max(0.05, lean + drift * rng.random())),
                                    date.fromisoformat(opens), end - timedelta(days=2)):
                out.append({"type": "forecast", "question": slug, "analyst": handle, "made_at": made_at, "p": p})
    for slug, handle, made_at, p, why, cites in sorted(REASONS):
        out.append({"type": "forecast", "question": slug, "analyst": handle, "made_at": made_at, "p": p,
                    "rationale": why, "evidence": cites})
    out.append({"type": "forecast", "question": "niger-drone-access", "analyst": "kofi", "made_at": "2026-11-20T10:00:00Z",
                "p": 0.9, "withdrawn": {"at": "2026-11-20T10:04:00Z", "reason": "meant 9%, not 90%"}})
    out.append({"type": "amendment", "question": "us-ambassador-bamako", "by": "ed", "at": "2026-11-10T09:00:00Z",
                "reason": "The question's title says 31 December; the close date said 30 November",
                "closes_at": "2026-12-31T00:00:00Z", "resolves_by": "2026-12-31T00:00:00Z"})
    out.append({"type": "amendment", "question": "us-mali-minerals-deal", "by": "ed", "at": "2026-11-19T12:00:00Z",
                "reason": "Analysts asked whether a memorandum counts",
                "clarify": "A memorandum of understanding does not count; a signed agreement does."})
    for slug, *_rest, outcome, known in QUESTIONS:
        if outcome:
            out.append({"type": "resolution", "question": slug, "outcome": outcome, "known_at": f"{known}T00:00:00Z",
                        "note": "Recorded by the desk."})
    return out


def main() -> None:  # pragma: no cover - a maintainer's script
    import json
    import subprocess
    import tempfile
    from pathlib import Path

    from tests.reports.test_report_browser import open_in_browser

    root = Path(__file__).resolve().parents[2]
    ledger = str(root / ".venv/bin/ledger")
    with tempfile.TemporaryDirectory() as tmp:
        db, history, page = f"{tmp}/l.db", Path(tmp) / "sahel.jsonl", Path(tmp) / "report.html"
        history.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines()), encoding="utf-8")
        subprocess.run([ledger, "--db", db, "init"], check=True)
        subprocess.run([ledger, "--db", db, "--as", "ed", "import", str(history)], check=True)
        subprocess.run([ledger, "--db", db, "report", "--as-of", AS_OF, "--out", str(page)], check=True)
        subprocess.run([ledger, "--db", db, "report", "--as-of", AS_OF, "--format", "md", "--out",
                        str(root / "reports/example")], check=True)
        shot = Path(tmp) / "shot.png"
        open_in_browser(page, shot, Path(tmp) / "profile", height=16000)
        trim(shot, root / "reports/example.png")


def trim(shot, target) -> None:  # pragma: no cover - a maintainer's script
    """Cut the white below the page's end (a tall window, then the page's own height)."""
    from matplotlib.image import imread, imsave

    pixels = imread(str(shot))[..., :3]
    inked = (pixels.mean(axis=2) < 0.99).any(axis=1).nonzero()[0]
    imsave(str(target), pixels[: int(inked.max()) + 40])


if __name__ == "__main__":  # pragma: no cover
    main()
