"""Journal formats: which columns of which table an entry of each format covers.

An entry records the format it was written in and is never rewritten into a newer one. The
column lists are frozen here, not read from the live schema: a migration that adds a column
makes a new format, and rows covered by an older entry must hold the new column's default
(`Column.info["absent"]`, else NULL) — so an added column never makes an untouched row look
tampered, and a tampered row cannot declare itself unchecked (the format is inside the hash).
"""

from __future__ import annotations

from types import MappingProxyType

#: Format 1 (release 0.1.0, schema 0001): every column of every domain table then.
_V1 = {
    "analysts": ("id", "handle", "name", "created_at"),
    "analyst_roles": ("id", "analyst_id", "role", "active", "changed_at", "changed_by"),
    "scenarios": ("id", "slug", "title", "summary", "source_title", "source_publisher", "source_url",
                  "source_published", "created_at", "created_by"),
    "questions": ("id", "slug", "scenario_id", "title", "kind", "options", "criteria", "quote", "opens_at",
                  "closes_at", "resolves_by", "created_at", "created_by"),
    "question_tags": ("id", "question_id", "tag"),
    "question_amendments": ("id", "question_id", "amended_at", "amended_by", "reason", "clarification",
                            "closes_at", "resolves_by"),
    "evidence": ("id", "analyst_id", "logged_at", "observed_on", "summary", "source", "imported"),
    "evidence_links": ("id", "evidence_id", "question_id", "stance", "linked_at", "analyst_id"),
    "forecasts": ("id", "question_id", "analyst_id", "made_at", "p", "probs", "rationale", "imported"),
    "forecast_evidence": ("id", "forecast_id", "evidence_id"),
    "withdrawals": ("id", "forecast_id", "withdrawn_at", "reason"),
    "resolutions": ("id", "question_id", "outcome", "known_at", "recorded_at", "recorded_by", "note", "correction",
                    "imported"),
    "resolution_evidence": ("id", "resolution_id", "evidence_id"),
    "imports": ("id", "sha256", "filename", "format", "imported_at", "analyst_id", "rows"),
}

#: Format 2 (schema 0002): adds analysts.kind, amendments' title and opens_at, withdrawals.withdrawn_by.
_V2 = {
    **_V1,
    "analysts": _V1["analysts"] + ("kind",),
    "question_amendments": _V1["question_amendments"] + ("title", "opens_at"),
    "withdrawals": _V1["withdrawals"] + ("withdrawn_by",),
}

COLUMNS = MappingProxyType({1: MappingProxyType(_V1), 2: MappingProxyType(_V2)})
#: The format new entries are written in.
CURRENT = 2
