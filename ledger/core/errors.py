"""Domain exceptions. The command line maps `BadInput` to exit 2 and every other
`LedgerError` to exit 1; none of them ever reaches the user as a traceback."""


class LedgerError(Exception):
    """A foreseeable failure: the command is refused or could not be done (exit 1)."""

    exit_code = 1


class BadInput(LedgerError, ValueError):
    """The user gave a value that cannot be understood or is out of range (exit 2)."""

    exit_code = 2


class NotFound(LedgerError):
    """A named analyst, scenario, question, forecast or evidence item does not exist."""


class NotAllowed(LedgerError):
    """The acting analyst may not do this (not an editor, deactivated, not the author)."""


class Refused(LedgerError):
    """The ledger's rules forbid this write now (closed question, already resolved, ...)."""


class NotInitialised(LedgerError):
    """The database holds no ledger yet: run `ledger init`."""


class SchemaOutOfDate(LedgerError):
    """The schema revision differs from this version of ledger: run `ledger db upgrade`."""


class Unavailable(LedgerError):
    """The database could not be reached, or stayed locked by other writers too long."""


class Tampered(LedgerError):
    """`verify` found the journal or a domain row changed behind the ledger's back."""
