"""`no_cyclic_gc`: the collector is off while a bulk load, a report or an export builds, and
afterwards as it was before — on exceptions too."""

from __future__ import annotations

import gc

import pytest

from ledger.cli.context import no_cyclic_gc


def test_the_collector_is_off_inside_and_back_on_after():
    assert gc.isenabled()
    with no_cyclic_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_turns_it_back_on():
    with pytest.raises(ValueError):
        with no_cyclic_gc():
            raise ValueError("refused")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with no_cyclic_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
