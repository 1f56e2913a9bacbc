"""What happens in the demo's simulated months after the article (all of it fictional).

The bundled scenario (`ledger/scenarios/sahel-2026.yaml`) was published on 20 November 2026 and
its questions open on 27 November. The demo then plays fourteen simulated months: evidence that
bears on the questions, three analysts updating on it, an editor's clarification, a mistyped
forecast withdrawn, and a few questions resolved. None of the events below happened; the
resolution notes and the report say so.

Evidence: (day, logged by, question slug, stance, summary, source). Stances follow SPEC 1 (`+`
raises yes, `-` lowers it, `~` context; on a choice question the story uses `~`). Outcomes:
slug -> (outcome, the day it became known, the editor's note). Leanings: where the analysts'
forecasts drift on questions still open at the end (p of yes, or of each option).
"""

from __future__ import annotations

#: The demo's people: (handle, display name, how they forecast).
EDITOR = ("desk", "Desk editor")
ANALYSTS = (
    ("amina", "Amina Diallo", "steady"),   # moves on evidence, a little at a time
    ("jo", "Jo Rivers", "bold"),           # moves far on each piece of evidence
    ("kofi", "Kofi Mensah", "sceptic"),    # starts from base rates, slow to move
)

#: When the article was published (the report covers everything since).
PUBLISHED = "2026-11-20"
#: When the simulation starts (the analysts arrive) and where it ends (the report's as-of).
START = "2026-11-27T09:00:00Z"
END = "2028-01-16T00:00:00Z"

SITE = "https://www.example.org/demo"

EVIDENCE = (
    ("2026-12-09", "amina", "us-secretary-visits-bamako", "+",
     "State Department officials tell reporters a senior visit to West Africa is being planned for the spring",
     f"{SITE}/state-briefing-west-africa"),
    ("2027-01-20", "jo", "us-training-malian-forces", "+",
     "AFRICOM's commander meets Mali's chief of staff in Bamako; both sides mention \u201cprofessional exchanges\u201d",
     f"{SITE}/africom-bamako-meeting"),
    ("2027-02-10", "kofi", "us-mali-battery-minerals-finance", "+",
     "A DFC delegation tours a lithium concession south of Bamako; no financing is announced",
     f"{SITE}/dfc-lithium-tour"),
    ("2027-02-25", "amina", "russia-forces-leave-mali", "-",
     "Africa Corps rotates fresh units into central Mali",
     f"{SITE}/africa-corps-rotation"),
    ("2027-03-01", "kofi", "china-mali-mining-2027", "+",
     "A Chinese-owned consortium is granted three lithium exploration permits in Bougouni",
     f"{SITE}/bougouni-permits"),
    ("2027-03-05", "jo", "us-mali-minerals-framework", "+",
     "Washington and Bamako open formal talks on a critical-minerals framework",
     f"{SITE}/minerals-talks-open"),
    ("2027-04-02", "amina", "aes-unified-force-operational", "+",
     "AES defence ministers approve a joint force headquarters in Niamey",
     f"{SITE}/aes-headquarters"),
    ("2027-04-10", "kofi", "us-troops-return-mali", "-",
     "Pentagon spokesperson: \u201cno plans\u201d for a US deployment in Mali",
     f"{SITE}/pentagon-no-plans"),
    ("2027-04-14", "jo", "us-secretary-visits-bamako", "+",
     "The Deputy Secretary of State holds talks in Bamako with the transitional president",
     f"{SITE}/deputy-secretary-bamako"),
    ("2027-05-14", "amina", "us-sanctions-mali-2027", "~",
     "OFAC removes two Malian officials from the SDN list; no general licence",
     f"{SITE}/ofac-removals-may"),
    ("2027-05-30", "jo", "us-training-malian-forces", "+",
     "Local media report US instructors at the Koulikoro training centre; the embassy declines to comment",
     f"{SITE}/koulikoro-report"),
    ("2027-06-05", "kofi", "us-coastal-security-deal", "+",
     "The US and Ghana begin negotiating a defence cooperation agreement",
     f"{SITE}/us-ghana-talks"),
    ("2027-06-18", "amina", "us-mali-battery-minerals-finance", "~",
     "DFC approves a $12 million technical-assistance grant for a lithium processing study (below the threshold)",
     f"{SITE}/dfc-grant"),
    ("2027-07-01", "jo", "aes-new-member-2028", "+",
     "Chad's foreign minister attends the AES summit as an observer",
     f"{SITE}/aes-summit-chad"),
    ("2027-07-22", "amina", "us-training-malian-forces", "+",
     "AFRICOM confirms a counter-IED course for Malian officers, run by US instructors",
     f"{SITE}/africom-confirms-course"),
    ("2027-08-19", "kofi", "china-mali-mining-2027", "+",
     "A Chinese-owned miner announces a $180 million lithium processing plant in Mali",
     f"{SITE}/lithium-plant"),
    ("2027-09-12", "jo", "us-mali-minerals-framework", "-",
     "Minerals talks stall over Mali's rules on state ownership of mines",
     f"{SITE}/talks-stall"),
    ("2027-10-02", "kofi", "us-mali-battery-minerals-finance", "-",
     "Mali's new mining code raises the state's stake to 35%; US investors pause",
     f"{SITE}/mining-code"),
    ("2027-10-15", "amina", "mali-lithium-output-2027", "~",
     "Ministry of Mines: 9,000 t of lithium concentrate shipped in the third quarter",
     f"{SITE}/q3-shipments"),
    ("2027-11-20", "jo", "aes-unified-force-operational", "~",
     "First joint AES patrol announced, still under national commands",
     f"{SITE}/aes-patrol"),
    ("2027-12-03", "amina", "us-sanctions-mali-2027", "~",
     "OFAC issues a general licence for dealings with Mali's mining ministry",
     f"{SITE}/ofac-general-licence"),
)

SIMULATED = "SIMULATED for the ledger demo, not a real event:"

OUTCOMES = {
    "us-secretary-visits-bamako": ("yes", "2027-04-14", "the Deputy Secretary of State's visit to Bamako."),
    "us-training-malian-forces": ("yes", "2027-07-22", "AFRICOM's statement confirming the counter-IED course."),
    "china-mali-mining-2027": ("yes", "2027-08-19", "the $180 million lithium plant announcement."),
    "us-mali-battery-minerals-finance": ("no", "2028-01-05",
                                         "no US commitment of $25 million or more was announced in 2027."),
    "us-sanctions-mali-2027": ("eased", "2028-01-08",
                               "two SDN removals, no additions, and a general licence: eased."),
}

#: The editor's clarification: (day, question, clarification, reason).
CLARIFICATION = ("2027-03-15", "us-troops-return-mali",
                 "Contractors and personnel on temporary duty of under 30 days are not counted.",
                 "An analyst asked whether contractors count")

#: The mistyped forecast: (day, analyst, question, what was typed, what was meant, the reason).
MISTYPE = ("2027-06-06", "kofi", "us-coastal-security-deal", 0.06, 0.6, "Typed 6% for 60%")

#: Where forecasts drift on questions that do not resolve in the demo.
LEANINGS = {
    "us-mali-minerals-framework": 0.45,
    "us-troops-return-mali": 0.05,
    "russia-forces-leave-mali": 0.1,
    "us-coastal-security-deal": 0.6,
    "aes-unified-force-operational": 0.55,
    "aes-new-member-2028": 0.2,
    "mali-lithium-output-2027": {"under 10000 t": 0.25, "10000 to 25000 t": 0.6, "over 25000 t": 0.15},
}

#: What each kind of analyst says when forecasting a question first, and when updating.
OPENINGS = {
    "steady": "Starting near the article's view, adjusted for how slowly Washington usually moves.",
    "bold": "The reset is real; I expect it to show up in concrete steps quickly.",
    "sceptic": "Base rates for commitments like this are low, and nothing is signed yet.",
}

#: What each kind of analyst says on evidence by its stance (`+`, `-`, `~`).
UPDATES = {
    "steady": {"+": "A step towards yes", "-": "A step towards no", "~": "Context, weighed"},
    "bold": {"+": "This is the signal", "-": "That settles it the other way", "~": "Reading this as a turn"},
    "sceptic": {"+": "Interesting, but one report", "-": "As expected", "~": "Noted; little changes"},
}

#: What each says when looking again without new evidence.
REVIEWS = {
    "steady": ("Quarterly look: no news, small drift.", "Re-read the criteria; nudging.",
               "Nothing new; time passing matters here."),
    "bold": ("Still where the story is heading.", "Doubling down.", "No news is news: adjusting."),
    "sceptic": ("No change in the base rate; a small adjustment.", "Still waiting for something on the record.",
                "Looked again; a small adjustment."),
}
