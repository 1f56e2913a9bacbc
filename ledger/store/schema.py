"""The ledger's tables, as SQLAlchemy Core metadata.

Core tables rather than ORM classes keep `ledger forecast` light: `sqlalchemy.orm` is never
imported on the command path. Instants are BigInteger microseconds since the epoch (UTC), so
both databases keep microseconds and durations are exact. Every domain table has an integer
`id` so that `ledger verify` can compare any row with the journal entry that wrote it.

Nothing here is updated in place: a role change, an amendment, a withdrawal and a corrected
resolution are new rows; the latest one is in force.
"""

from sqlalchemy import (
    BigInteger,
    LargeBinary,
    SmallInteger,
    text,
    Boolean,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _id() -> Column:
    return Column("id", Integer, primary_key=True)


def _fk(name: str, target: str, nullable: bool = False) -> Column:
    return Column(name, Integer, ForeignKey(f"{target}.id"), nullable=nullable)


def _instant(name: str, nullable: bool = False) -> Column:
    return Column(name, BigInteger, nullable=nullable)


analysts = Table(
    "analysts",
    metadata,
    _id(),
    Column("handle", String(200), nullable=False, unique=True),
    Column("name", Text),
    _instant("created_at"),
    # `person` logs in and writes; `source` is an article's forecaster (SPEC 1), scored but silent.
    # Rows journaled before this column existed hold its default (see ledger.store.formats).
    Column("kind", String(10), nullable=False, server_default=text("'person'"), info={"absent": "person"}),
)

analyst_roles = Table(
    "analyst_roles",
    metadata,
    _id(),
    _fk("analyst_id", "analysts"),
    Column("role", String(10), nullable=False),
    Column("active", Boolean, nullable=False),
    _instant("changed_at"),
    _fk("changed_by", "analysts", nullable=True),
    Index(None, "analyst_id"),
)

scenarios = Table(
    "scenarios",
    metadata,
    _id(),
    Column("slug", String(200), nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("summary", Text),
    Column("source_title", Text),
    Column("source_publisher", Text),
    Column("source_url", Text),
    Column("source_published", String(10)),
    _instant("created_at"),
    _fk("created_by", "analysts"),
)

questions = Table(
    "questions",
    metadata,
    _id(),
    Column("slug", String(200), nullable=False, unique=True),
    _fk("scenario_id", "scenarios", nullable=True),
    Column("title", Text, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("options", Text),  # JSON list of option names for choice questions, NULL for binary
    Column("criteria", Text, nullable=False),
    Column("quote", Text),
    _instant("opens_at"),
    _instant("closes_at"),
    _instant("resolves_by"),
    _instant("created_at"),
    _fk("created_by", "analysts"),
    Index(None, "scenario_id"),
)

question_tags = Table(
    "question_tags",
    metadata,
    _id(),
    _fk("question_id", "questions"),
    Column("tag", String(100), nullable=False),
    UniqueConstraint("question_id", "tag"),
    Index(None, "tag"),
)

question_amendments = Table(
    "question_amendments",
    metadata,
    _id(),
    _fk("question_id", "questions"),
    _instant("amended_at"),
    _fk("amended_by", "analysts"),
    Column("reason", Text, nullable=False),
    Column("clarification", Text),
    _instant("closes_at", nullable=True),
    _instant("resolves_by", nullable=True),
    Column("title", Text),
    _instant("opens_at", nullable=True),
    Index(None, "question_id"),
)

evidence = Table(
    "evidence",
    metadata,
    _id(),
    _fk("analyst_id", "analysts"),
    _instant("logged_at"),
    Column("observed_on", String(10)),
    Column("summary", Text, nullable=False),
    Column("source", Text),
    Column("imported", Boolean, nullable=False),
)

evidence_links = Table(
    "evidence_links",
    metadata,
    _id(),
    _fk("evidence_id", "evidence"),
    _fk("question_id", "questions"),
    Column("stance", String(1), nullable=False),
    _instant("linked_at"),
    _fk("analyst_id", "analysts"),
    UniqueConstraint("evidence_id", "question_id"),
    Index(None, "question_id"),
)

forecasts = Table(
    "forecasts",
    metadata,
    _id(),
    _fk("question_id", "questions"),
    _fk("analyst_id", "analysts"),
    _instant("made_at"),
    Column("p", Double),  # binary: P(yes)
    Column("probs", Text),  # choice: JSON list aligned with the question's options
    Column("rationale", Text),
    Column("imported", Boolean, nullable=False),
    Index(None, "question_id"),  # no index on analyst_id: it would slow imports; scans serve per-analyst views
)

forecast_evidence = Table(
    "forecast_evidence",
    metadata,
    _id(),
    _fk("forecast_id", "forecasts"),
    _fk("evidence_id", "evidence"),
    Index(None, "forecast_id"),
)

withdrawals = Table(
    "withdrawals",
    metadata,
    _id(),
    _fk("forecast_id", "forecasts"),
    _instant("withdrawn_at"),
    Column("reason", Text, nullable=False),
    _fk("withdrawn_by", "analysts", nullable=True),
    UniqueConstraint("forecast_id"),
)

resolutions = Table(
    "resolutions",
    metadata,
    _id(),
    _fk("question_id", "questions"),
    Column("outcome", Text, nullable=False),
    _instant("known_at"),
    _instant("recorded_at"),
    _fk("recorded_by", "analysts"),
    Column("note", Text),
    Column("correction", Text),  # the reason, when this resolution supersedes an earlier one
    Column("imported", Boolean, nullable=False),
    Index(None, "question_id"),
)

resolution_evidence = Table(
    "resolution_evidence",
    metadata,
    _id(),
    _fk("resolution_id", "resolutions"),
    _fk("evidence_id", "evidence"),
    Index(None, "resolution_id"),
)

imports = Table(
    "imports",
    metadata,
    _id(),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("filename", Text, nullable=False),
    Column("format", String(10), nullable=False),
    _instant("imported_at"),
    _fk("analyst_id", "analysts"),
    Column("rows", Integer, nullable=False),
)

journal = Table(
    "journal",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    _instant("at"),
    Column("kind", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    # The serialisation the entry was written in (ledger.store.formats); entries keep theirs forever.
    Column("format", SmallInteger, nullable=False, server_default=text("1")),
)

#: Where verify finds the bad row of a batch: per block of an import's rows, one 8-byte locator
#: per row (`ledger.store.formats`). Derived data, not evidence: the journal's block digests are
#: the proof; a rewritten locator can only make verify name a block instead of its row.
batch_locators = Table(
    "batch_locators",
    metadata,
    _id(),
    Column("entry_seq", Integer, nullable=False),
    Column("table_name", String(40), nullable=False),
    Column("first_id", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Index(None, "entry_seq"),
)

#: Tables whose every row must be described by the journal, in dependency order.
DOMAIN_TABLES = (
    analysts,
    analyst_roles,
    scenarios,
    questions,
    question_tags,
    question_amendments,
    evidence,
    evidence_links,
    forecasts,
    forecast_evidence,
    withdrawals,
    resolutions,
    resolution_evidence,
    imports,
)
