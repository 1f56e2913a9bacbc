"""The streamed groups JSON (`as_json.groups_json`) is `json.dumps` of the groups' dicts, byte for byte."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ledger.cli.output import json_text
from ledger.core.scoring.as_json import groups_json, number
from ledger.core.scoring.calibration import calibration_table
from ledger.core.scoring.groups import GroupTable


def _table() -> GroupTable:
    rng = np.random.default_rng(7)
    n_points = 60
    p = np.concatenate((rng.random(n_points), [0.0, 1.0, 0.1, 0.3, 0.7, 1e-7]))
    o = (rng.random(len(p)) < p).astype(np.float64)
    g = rng.integers(0, 4, len(p))  # group 4 has no points: null ece and murphy, empty bins
    cal = calibration_table(p, o, g, 5)
    return GroupTable(
        key=['amina', 'b"\\q', "\u00e9t\u00e9", "\u202eodd", "@team"],
        questions=[3, 1, 12, 2, 7],
        brier=[0.1234, 1 / 3, 0.0, 1e-300, 0.25],
        log_loss=[0.41, 2.5e-17, 6.907755278982137, 0.1, 0.2],
        relative_brier=[-0.012, None, 0.5, -1e-5, None],
        coverage=[0.83, 1.0, None, 0.5, float("nan")],
        calibration=cal,
    )


@pytest.mark.parametrize("batch", [1, 2, 2000])
def test_groups_json_is_json_dumps_of_the_dicts(batch: int) -> None:
    table = _table()
    expected = json_text([g.as_dict() for g in table.scores()])
    assert "".join(groups_json(table, json_text, batch=batch)) == expected


def test_no_groups() -> None:
    table = _table().take([])
    assert "".join(groups_json(table, json_text)) == "[]"


@pytest.mark.parametrize("x", [None, 0.0, -0.0, 0.1, 1e16, 1e-7, float("nan"), float("inf"), -float("inf")])
def test_number_is_json_dumps(x: float | None) -> None:
    assert number(x) == json.dumps(x)
