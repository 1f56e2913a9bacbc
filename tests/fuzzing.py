"""What the fuzz tests (`tests/test_fuzz_*.py`) share: how many examples they run, and the one
property every command keeps on bad input (SPEC 5): exit 0, 1 or 2 — never a traceback — and a
refused command writes nothing.

Examples: each test names a modest default (the suite runs on small shared machines); a long
campaign sets `LEDGER_FUZZ_EXAMPLES=N` (PostgreSQL variants run a fifth of N). Under CI
(`CI=true`, as `.ci/run` sets) the `fuzz-ci` profile derandomizes the runs, so CI never fails on
an input it was not shown before; locally `fuzz` explores anew each time and keeps what it found
in `.hypothesis/`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings

from ledger.cli.main import cli

EXAMPLES_ENV = "LEDGER_FUZZ_EXAMPLES"
CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
          HealthCheck.function_scoped_fixture, HealthCheck.large_base_example]
settings.register_profile("fuzz", deadline=None, suppress_health_check=_QUIET)
settings.register_profile("fuzz-ci", deadline=None, suppress_health_check=_QUIET, derandomize=True, database=None,
                          print_blob=True)
PROFILE = "fuzz-ci" if CI else "fuzz"


def examples(default: int, *, backend: str = "sqlite") -> int:
    """How many examples a fuzz test runs: `default`, or the campaign's `LEDGER_FUZZ_EXAMPLES`."""
    campaign = os.environ.get(EXAMPLES_ENV)
    if not campaign:
        return default
    return max(1, int(campaign) // (5 if backend == "postgresql" else 1))


def fuzz(default: int, *, backend: str = "sqlite") -> settings:
    """The settings of a fuzz test (see the module docstring)."""
    return settings(settings.get_profile(PROFILE), max_examples=examples(default, backend=backend))


def backend(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def invoke(url: str, *args: str, as_: str | None = "ed", allowed: tuple[int, ...] = (0, 1, 2)) -> Result:
    """Run `ledger --db URL [--as AS_] ARGS` in-process: any exception other than click's exit is
    a failure (with its traceback), as is an exit code outside `allowed` or a traceback printed."""
    argv = ["--db", url] + (["--as", as_] if as_ is not None else []) + list(args)
    result = CliRunner().invoke(cli, argv, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(*result.exc_info))
        raise AssertionError(f"ledger {_short(args)} raised {result.exception!r}\n{trace}")
    assert result.exit_code in allowed, f"ledger {_short(args)} exited {result.exit_code}:\n{result.output}"
    assert "Traceback" not in result.output, result.output
    return result


def state(url: str) -> tuple[dict[str, int], dict[str, Any]]:
    """Counts and journal head (`ledger info --json`): what a refused command must leave alone."""
    import json

    info = json.loads(invoke(url, "info", "--json", allowed=(0,)).stdout)
    return info["counts"], info["head"]


def verified(url: str) -> None:
    """`ledger verify` passes."""
    out = invoke(url, "verify", allowed=(0,)).stdout
    assert out.startswith("ok: "), out


def one_error_line(result: Result) -> str:
    """The message of a refused command, checked to be there and to be one line: `error: …`
    from the ledger, or click's `Error: …` after its usage lines."""
    lines = result.stderr.splitlines()
    errors = [line for line in lines if line.startswith(("error: ", "Error: "))]
    assert len(errors) == 1, result.stderr
    if errors[0].startswith("error: "):
        assert lines == errors, result.stderr  # the ledger's own refusal: that line alone
    return errors[0]


def _short(args: tuple[str, ...]) -> str:
    text = " ".join(map(repr, args))
    return text if len(text) < 300 else text[:300] + "…"


def rarely(draw: Callable[[Any], Any], n: int) -> bool:
    """True about one time in `n`. False is the simple case Hypothesis starts from and shrinks to
    (it favours 0, so `integers(0, n - 1) == 0` would make the rare case the common one)."""
    from hypothesis import strategies as st

    return draw(st.integers(0, n - 1)) == n - 1


def mutate(draw: Callable[[Any], Any], text: str, alphabet: Any) -> str:
    """`text` with a few random edits: a character inserted, deleted or replaced, or a slice
    duplicated (Hypothesis shrinks these back to the smallest failing edit)."""
    from hypothesis import strategies as st

    for _ in range(draw(st.integers(0, 3))):
        if not text:
            text = draw(alphabet)
            continue
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["insert", "delete", "replace", "repeat"]))
        if how == "insert":
            text = text[:at] + draw(alphabet) + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + 1:]
        elif how == "replace":
            text = text[:at] + draw(alphabet) + text[at + 1:]
        else:
            end = draw(st.integers(at, min(len(text), at + 20)))
            text = text[:end] + text[at:end] + text[end:]
    return text


def emptied(url: str) -> None:
    """Back to a freshly initialised ledger (the schema stays): every row of every table deleted,
    so that each example starts from the same ledger and a failure replays exactly."""
    from sqlalchemy import create_engine, text

    from ledger.store.schema import metadata

    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    names = [table.name for table in reversed(metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        else:
            for name in names:
                conn.execute(text(f"DELETE FROM {name}"))
    engine.dispose()


def seeded(url: str, folder: Path, seed: list[dict]) -> None:
    """Back to a fresh ledger holding `seed` (JSONL objects, imported as they are): where every
    example of an import's property starts."""
    import json

    emptied(url)
    path = folder / "seed.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in seed), encoding="utf-8")
    invoke(url, "import", str(path), allowed=(0,))


def refused_unchanged(result: Result, before: Any, after: Any, *, by_line: bool) -> None:
    """A refused import: nothing written and a message that says so. An exit 2 for the file's
    content (`by_line`) lists every problem as `line N: …`; exit 1 is one clear `error:` line."""
    assert after == before, result.output
    err = result.stderr
    if result.exit_code == 1 or not by_line:
        one_error_line(result)
        return
    if err.startswith("Usage:"):  # click refused an argument
        one_error_line(result)
        return
    first, *listed = err.rstrip("\n").split("\n")
    assert first.startswith("error: "), err
    if listed:
        import re

        assert "problem(s), nothing imported:" in first, err
        for line in listed:
            assert re.match(r"  (line \d+: .|\.\.\. and \d+ more$)", line), line
    else:  # one line, naming where in the file (or that it holds nothing)
        import re

        message = one_error_line(result)
        assert re.search(r": line \d+: ", message) or message.endswith(" holds nothing to import"), message


def timeless(text: str) -> str:
    """`text` with its UTC instants masked: a check and the import after it run at other moments
    (a question without `opens` opens at the import's own time, and messages say so)."""
    import re

    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z", "<now>", text)
