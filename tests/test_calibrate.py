"""Probabilities from history: calibrate recovers known probabilities on generated histories."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import special

from data.schema import NONE_OPTION
from optimizer.calibrate import (
    ASSUMED,
    ENTERED,
    ESTIMATED,
    SOURCE_COLUMN,
    calibrate,
    estimate_correlation,
)
from optimizer.instances import random_workbook

# The truth: log-odds = INTERCEPT + SLOPE × score (+ the option's shift), per rung.
INTERCEPT, SLOPE = {"srdi": -1.0, "start": 0.2}, 1.2
SHIFT = {"coaching": 0.8, "subsidy": 1.5}


def known_world(seed: int = 0, years: int = 6, per_year: int = 600, rho: float = 0.0):
    """A workbook whose candidates' true probabilities follow the model, and a history drawn from it
    with support given more often to the readier (confounded, as in real lists)."""
    rng = np.random.default_rng(seed)
    wb = random_workbook(300, seed=seed, max_options=2)
    cands = wb.candidates
    cands["rung"] = np.where(np.arange(len(cands)) % 3 == 0, "start", "srdi")
    cands["score"] = np.round(rng.normal(0, 1, len(cands)), 3)
    truth_logit = cands["rung"].map(INTERCEPT).to_numpy() + SLOPE * cands["score"].to_numpy()
    cands["base_probability"] = np.round(special.expit(truth_logit), 4)
    # Options renamed to the two known ones, probabilities set to the truth.
    opts = wb.options
    opts["option"] = np.where(opts.groupby("candidate_id").cumcount() == 0, "coaching", "subsidy")
    logit_of = dict(zip(cands["candidate_id"], truth_logit, strict=True))
    opts["probability"] = np.round(
        special.expit(opts["candidate_id"].map(logit_of) + opts["option"].map(SHIFT)), 4
    )
    rows = []
    for y in range(years):
        z = rng.standard_normal()
        score = rng.normal(0, 1, per_year)
        rung = np.where(rng.random(per_year) < 1 / 3, "start", "srdi")
        supported = rng.random(per_year) < special.expit(-0.5 + 1.0 * score)
        option = np.where(
            supported, np.where(rng.random(per_year) < 0.5, "coaching", "subsidy"), NONE_OPTION
        )
        eta = pd.Series(rung).map(INTERCEPT).to_numpy() + SLOPE * score
        eta = eta + pd.Series(option).map({**SHIFT, NONE_OPTION: 0.0}).to_numpy()
        p = special.expit(eta)
        given = special.ndtr((special.ndtri(p) - np.sqrt(rho) * z) / np.sqrt(1 - rho))
        rows.append(
            pd.DataFrame(
                {
                    "year": 2020.0 + y,
                    "kind": np.where(rung == "start", "project", "enterprise"),
                    "rung": rung,
                    "support": option,
                    "outcome": (rng.random(per_year) < given).astype(float),
                    "score": score.round(3),
                }
            )
        )
    wb.history = pd.concat(rows, ignore_index=True)
    return wb


def test_recovers_known_probabilities():
    wb = known_world()
    truth_base = wb.candidates["base_probability"].to_numpy()
    truth_opt = wb.options["probability"].to_numpy()
    # Start from wrong assumptions: calibrate must not depend on them.
    wb.candidates["base_probability"] = 0.5
    wb.options["probability"] = 0.9
    result = calibrate(wb)
    est = result.workbook
    assert (est.candidates[SOURCE_COLUMN] == ESTIMATED).all()
    assert (est.options[SOURCE_COLUMN] == ESTIMATED).all()
    mae_base = np.abs(est.candidates["base_probability"].to_numpy() - truth_base).mean()
    mae_opt = np.abs(est.options["probability"].to_numpy() - truth_opt).mean()
    assert mae_base < 0.03 and mae_opt < 0.03, (mae_base, mae_opt)
    # The uplift at equal features, not the confounded raw difference.
    up = result.uplifts.set_index(["rung", "option"])
    assert up.loc[("srdi", "subsidy"), "log_odds"] == pytest.approx(SHIFT["subsidy"], abs=0.3)
    assert up.loc[("srdi", "coaching"), "low"] < up.loc[("srdi", "coaching"), "uplift"]
    for rung, info in result.report["rungs"].items():
        back = info["backtest"]
        assert back["brier"] < back["brier_plain_rate"], rung
    table = result.reliability
    assert len(table) == 10
    assert np.abs(table["predicted"] - table["observed"]).max() < 0.1


def test_only_rungs_with_history_and_not_hand_entered_rows_change():
    wb = known_world(seed=1)
    wb.history = wb.history[wb.history["rung"] == "srdi"]
    wb.candidates[SOURCE_COLUMN] = ASSUMED
    first = wb.candidates.index[wb.candidates["rung"] == "srdi"][0]
    wb.candidates.loc[first, SOURCE_COLUMN] = ENTERED
    before = wb.candidates.copy()
    est = calibrate(wb).workbook.candidates
    start = est["rung"] == "start"
    assert (est.loc[start, SOURCE_COLUMN] == ASSUMED).all()
    pd.testing.assert_series_equal(
        est.loc[start, "base_probability"], before.loc[start, "base_probability"]
    )
    assert est.loc[first, SOURCE_COLUMN] == ENTERED
    assert est.loc[first, "base_probability"] == before.loc[first, "base_probability"]


def test_correlation_from_year_to_year_variation():
    rng = np.random.default_rng(0)
    for rho, low, high in [(0.0, 0.0, 0.02), (0.2, 0.12, 0.3)]:
        rows = []
        for _ in range(40):
            z = rng.standard_normal()
            for m in (0.1, 0.3, 0.6):
                p = rng.uniform(m - 0.08, m + 0.08, 300)
                given = special.ndtr((special.ndtri(p) - np.sqrt(rho) * z) / np.sqrt(1 - rho))
                rows.append(
                    {
                        "rows": 300,
                        "observed": float((rng.random(300) < given).mean()),
                        "fitted": p.mean(),
                    }
                )
        assert low <= estimate_correlation(pd.DataFrame(rows)) <= high


@pytest.mark.parametrize(("rho", "low", "high"), [(0.0, 0.0, 0.02), (0.2, 0.12, 0.3)])
def test_correlation_from_rows_that_differ(rho, low, high):
    # Rows from near-certain failures to near-certain successes: the group mean's m(1 − m)/n
    # overstates their binomial noise, so each row's own probability goes in (fitted_rows).
    rng = np.random.default_rng(1)
    rows = []
    for _ in range(40):
        z = rng.standard_normal()
        for n in (300, 40, 3):
            p = rng.uniform(0.02, 0.98, n)
            given = special.ndtr((special.ndtri(p) - np.sqrt(rho) * z) / np.sqrt(1 - rho))
            rows.append(
                {
                    "rows": n,
                    "observed": float((rng.random(n) < given).mean()),
                    "fitted": p.mean(),
                    "fitted_rows": p,
                }
            )
    assert low <= estimate_correlation(pd.DataFrame(rows)) <= high


def test_the_demo_history_has_year_swings_calibrate_recovers(demo_workbook):
    from data.demo.history import DEMO_CORRELATION, DEMO_ESTIMATED_CORRELATION

    estimate = float(calibrate(demo_workbook).report["correlation"])  # type: ignore[arg-type]
    assert DEMO_CORRELATION > 0 and abs(estimate - DEMO_CORRELATION) <= 0.02
    # The demo workbook's setting is that estimate (data cannot call the optimizer: kept as a figure).
    assert round(estimate, 2) == DEMO_ESTIMATED_CORRELATION
    assert demo_workbook.correlation == DEMO_ESTIMATED_CORRELATION


def test_no_history_is_refused():
    wb = random_workbook(10, seed=0)
    with pytest.raises(ValueError, match="no history"):
        calibrate(wb)


def test_command_line_writes_the_calibrated_workbook(tmp_path, capsys):
    from data.workbook import read_workbook, write_workbook
    from optimizer.cli import main

    write_workbook(known_world(seed=2, years=3, per_year=300), tmp_path / "in")
    assert main(["calibrate", str(tmp_path / "in"), "--out", str(tmp_path / "out.xlsx")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["rungs"]) == {"srdi", "start"}
    assert {"brier", "brier_plain_rate"} <= set(out["rungs"]["srdi"]["backtest"])
    assert out["rungs"]["srdi"]["rows_used"] > 0
    back = read_workbook(tmp_path / "out.xlsx")
    assert set(back.candidates[SOURCE_COLUMN]) == {ESTIMATED}
    assert "correlation" in back.settings
    # Without history: a plain message and exit status 1.
    write_workbook(random_workbook(5, seed=1), tmp_path / "bare")
    assert main(["calibrate", str(tmp_path / "bare"), "--out", str(tmp_path / "x")]) == 1
    assert "no history" in capsys.readouterr().err


def test_every_plan_row_says_where_its_probability_comes_from():
    from optimizer.solve import solve

    wb = random_workbook(12, seed=3)
    first = wb.options.iloc[0]
    wb.options["probability_source"] = ""
    wb.options.loc[wb.options.index[0], "probability_source"] = "estimated"
    wb.candidates["probability_source"] = "entered"
    locked = {str(first["candidate_id"]): str(first["option"])}
    result = solve(wb, time_limit=5, start=None)
    sources = dict(
        zip(result.allocation["candidate_id"], result.allocation["probability_source"], strict=True)
    )
    for cid, option in result.choices.items():
        if option == "none":
            assert sources[cid] == "entered"  # the candidate's base probability
        elif (cid, option) in locked.items():
            assert sources[cid] == "estimated"
        else:
            assert sources[cid] == "assumed"  # blank = assumed
    from optimizer.sources import probability_sources

    frame = pd.DataFrame(
        {"candidate_id": [first["candidate_id"]] * 2, "option": [first["option"], "none"]}
    )
    assert probability_sources(wb, frame) == ["estimated", "entered"]


def test_a_scenario_carries_probabilities_with_their_source():
    from data.scenario import ScenarioError, apply_scenario, settings_diff, settings_from_workbook

    wb = known_world()
    cid = str(wb.candidates["candidate_id"].iloc[0])
    row = wb.options.iloc[0]
    option_key = f"{row['candidate_id']}|{row['option']}"
    settings = {
        "correlation": 0.12,
        "probabilities": {cid: [0.42, ESTIMATED], option_key: [0.77, ENTERED]},
    }
    out = apply_scenario(wb, settings)
    assert out.correlation == 0.12
    first = out.candidates[out.candidates["candidate_id"] == cid].iloc[0]
    assert first["base_probability"] == 0.42 and first[SOURCE_COLUMN] == ESTIMATED
    opt = out.options.iloc[0]
    assert opt["probability"] == 0.77 and opt[SOURCE_COLUMN] == ENTERED
    assert (out.candidates[SOURCE_COLUMN].iloc[1:] == ASSUMED).all()
    assert SOURCE_COLUMN not in wb.candidates  # the stored workbook is left as it was
    diff = settings_diff(settings_from_workbook(wb), settings)
    assert set(diff) == {"correlation", "probabilities"}
    for bad in (
        {"probabilities": {"ghost": [0.5, ESTIMATED]}},
        {"probabilities": {cid: [1.5, ESTIMATED]}},
        {"probabilities": {cid: [0.5, "guessed"]}},
        {"correlation": 1.0},
    ):
        with pytest.raises(ScenarioError):
            apply_scenario(wb, bad)
