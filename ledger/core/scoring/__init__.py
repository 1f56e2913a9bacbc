"""The scoring engine of SPEC 6: Brier, log loss, time weighting, `@team`, relative Brier,
calibration and the Murphy decomposition.

Pure functions over numpy arrays describing many questions at once. SPEC 10 asks for a million
forecasts in a few seconds, so Python never loops per forecast or per question here: every
per-pair quantity is a segment reduction over sorted arrays, and the medians over the analysts
standing at each event come from padded grids. Callers import this package lazily (numpy must
stay out of `ledger --help`).

Modules, in reading order:
    types        ScoringInput, PairScores, GroupScore, Calibration, Bin, Murphy, TeamSeries,
                 TeamSteps
    pairs        score_pairs: each (analyst, question) pair and each `@team` pair
    team         the `@team` median and M(t) at every event; team_series for one question,
                 team_steps for many at once
    calibration  bins, Wilson intervals, ECE, Murphy decomposition
    groups       aggregate: `--by` groups and their means
    arrays       segment helpers (offsets, ranges, stable sorts)
"""

from __future__ import annotations

from ledger.core.scoring.calibration import N_BINS, WILSON_Z, calibration
from ledger.core.scoring.groups import aggregate
from ledger.core.scoring.pairs import LOG_LOSS_CLAMP, score_pairs
from ledger.core.scoring.team import _CELL_BUDGET, _LOOP_MIN_ANALYSTS, team_series, team_steps
from ledger.core.scoring.types import (
    METHODS,
    TEAM,
    TEAM_ANALYST,
    Bin,
    Calibration,
    GroupScore,
    Murphy,
    PairScores,
    ScoringInput,
    TeamSeries,
    TeamSteps,
)

# _CELL_BUDGET and _LOOP_MIN_ANALYSTS (grid size, loop threshold) are read from this package
# at each call (see team.tuning), so that tests may set them here to drive every path.

__all__ = [
    "LOG_LOSS_CLAMP",
    "METHODS",
    "N_BINS",
    "TEAM",
    "TEAM_ANALYST",
    "WILSON_Z",
    "Bin",
    "Calibration",
    "GroupScore",
    "Murphy",
    "PairScores",
    "ScoringInput",
    "TeamSeries",
    "TeamSteps",
    "aggregate",
    "calibration",
    "score_pairs",
    "team_series",
    "team_steps",
]
