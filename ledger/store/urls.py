"""Where a ledger is: `--db` as a SQLAlchemy URL, and the URL as shown to a person. Apart from
the engine (no SQLAlchemy here), for the reads made without it (`ledger.store.plain`)."""

from __future__ import annotations

import os
import re
from pathlib import Path


def default_path() -> Path:
    """The per-user SQLite file used when neither `--db` nor `LEDGER_DB` is given: `ledger.db` in
    the user's data directory as platformdirs finds it on each platform (`$XDG_DATA_HOME/ledger`
    or `~/.local/share/ledger`, `~/Library/Application Support/ledger`, `%LOCALAPPDATA%\\ledger`)."""
    from platformdirs import user_data_dir  # only when the default is needed

    return Path(user_data_dir("ledger", appauthor=False)) / "ledger.db"


def normalise_url(target: str | None) -> str:
    """A SQLAlchemy URL from `--db`: a URL is kept, a plain path becomes `sqlite:///ABSPATH`."""
    if not target:
        return f"sqlite:///{default_path()}"
    if "://" not in target:
        return f"sqlite:///{Path(target).expanduser().resolve()}"
    scheme, rest = target.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return target


def display_url(url: str) -> str:
    """The URL with any password masked, for messages and `ledger info`."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


def read_only_file(path: Path) -> bool:
    """True when this process may read the SQLite file but not write it or its folder (an archive)."""
    return path.exists() and (not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK))


def plain_sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL in its plain form (`sqlite:///PATH`, no driver named and no query
    string, as `normalise_url` makes from a path), or None: any other URL is left to SQLAlchemy."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url or "%" in url or len(url) == len(prefix):
        return None
    return Path(url[len(prefix):])
