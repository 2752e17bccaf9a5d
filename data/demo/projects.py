"""The demo's key projects: the projects sheet, the date each entered its stage, and a project's start as a candidate."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from data.demo.city import (
    _NO_LAND_SUFFIXES,
    _PROJECT_SUFFIXES,
    _STAFF_RESOURCE,
    _TOURISM_SUFFIXES,
    CLUSTERS,
    DISTRICTS,
    GATES,
    POPULATION,
    _choice,
    _yn,
)
from data.demo.options import _MIN_HEADROOM, _MIN_PROBABILITY, _clip_cost, _option


def _projects(rng: np.random.Generator, values: dict[str, float]) -> pd.DataFrame:
    pop = POPULATION
    n = pop.n_projects
    district_names = [d.name for d in DISTRICTS]
    district = _choice(rng, district_names, [d.project_share for d in DISTRICTS], n)
    cluster_names = list(CLUSTERS)
    cluster = _choice(rng, cluster_names, [c.project_share for c in CLUSTERS.values()], n)
    stages = [s for s, _ in pop.stage_shares]
    stage = _choice(rng, stages, [w for _, w in pop.stage_shares], n)

    sigma = pop.investment_sigma
    mu = math.log(pop.investment_mean) - sigma**2 / 2
    total = np.maximum(pop.investment_min, rng.lognormal(mu, sigma, n))
    total = np.round(total, -1)
    annual = np.round(total * rng.uniform(*pop.annual_share, n), 0)

    # levels follow size loosely: rank by log investment with noise
    rank_key = np.log(total) + rng.normal(0.0, 0.6, n)
    order = np.argsort(-rank_key, kind="stable")
    level = np.empty(n, dtype=object)
    n_province = round(pop.level_shares[0] * n)
    n_city = round(pop.level_shares[1] * n)
    level[order[:n_province]] = "province"
    level[order[n_province : n_province + n_city]] = "city"
    level[order[n_province + n_city :]] = "county"

    lead = np.empty(n, dtype=object)
    offshore_district = {d.name: d.offshore for d in DISTRICTS}
    short = {d.name: d.short for d in DISTRICTS}
    names: list[str] = []
    seen: set[str] = set()
    needs_land = np.empty(n, dtype=bool)
    offshore = np.empty(n, dtype=bool)
    energy = np.empty(n)
    for i in range(n):
        c = CLUSTERS[cluster[i]]
        depts = [d for d, _ in c.lead_departments]
        weights = np.array([w for _, w in c.lead_departments])
        lead[i] = depts[rng.choice(len(depts), p=weights / weights.sum())]
        offshore[i] = bool(
            c.offshore and offshore_district[district[i]] and rng.random() < pop.offshore_share
        )
        product = c.products[rng.integers(len(c.products))]
        if cluster[i] == "康养旅游":
            suffix = _TOURISM_SUFFIXES[rng.integers(len(_TOURISM_SUFFIXES))]
        else:
            suffix = _PROJECT_SUFFIXES[rng.integers(len(_PROJECT_SUFFIXES))]
            if rng.random() < pop.no_land_share:
                suffix = _NO_LAND_SUFFIXES[rng.integers(len(_NO_LAND_SUFFIXES))]
        needs_land[i] = suffix not in _NO_LAND_SUFFIXES and not (
            offshore[i] and product in ("海上风电", "海洋牧场")
        )
        base_name = name = f"{short[district[i]]}{product}{suffix}"
        phase = 2
        while name in seen:  # later phases of the same park, as cities name them
            numeral = "一二三四五六七八九十"[phase - 1] if phase <= 10 else str(phase)
            name = f"{base_name}（{numeral}期）"
            phase += 1
        seen.add(name)
        names.append(name)
        energy[i] = total[i] * c.energy_tce_per_wan * rng.lognormal(0.0, 0.7)

    energy = np.round(energy, 0)
    land = np.where(needs_land, np.round(total / rng.uniform(*pop.land_intensity, n), 1), 0.0)

    # open approval gates, consistent with the stage
    needs = {
        "approval": np.ones(n, dtype=bool),
        "land": needs_land,
        "planning": needs_land | (rng.random(n) < 0.5),
        "environment": np.array([cluster[i] != "康养旅游" or rng.random() < 0.5 for i in range(n)]),
        "energy": energy >= values["energy_review_min_tce"],
        "construction_permit": np.ones(n, dtype=bool),
        "sea_use": offshore,
    }
    open_share = dict(pop.open_gate_share)
    open_gates: list[str] = []
    for i in range(n):
        s = stage[i]
        if s in ("started", "production"):
            open_gates.append("")
            continue
        shares = (1.0,) * len(GATES) if s == "reserve" else open_share[s]
        gates = [
            g
            for g, share in zip(GATES, shares, strict=True)
            if needs[g][i] and rng.random() < share
        ]
        if not gates:  # a project not yet started still needs its construction permit
            gates = ["construction_permit"]
        open_gates.append(";".join(gates))

    library = np.where(
        (stage == "reserve")
        | ((stage == "review_integration") & (rng.random(n) >= pop.review_in_plan_share)),
        "reserve",
        "plan",
    )

    # about 20 major-productivity-layout projects among the largest plan-library ones, a few engines
    layout_key = np.where(library == "plan", np.log(total) + rng.normal(0.0, 0.4, n), -np.inf)
    layout_order = np.argsort(-layout_key, kind="stable")
    major = np.zeros(n, dtype=bool)
    major[layout_order[: pop.n_major_layout]] = True
    engine = np.zeros(n, dtype=bool)  # engines: some of the very largest
    engine[rng.choice(layout_order[: 2 * pop.n_engine], size=pop.n_engine, replace=False)] = True

    # started projects started early in the year; the others plan a start by stage
    month_base = {
        "started": (1, 4),
        "production": (1, 2),
        "factor_guarantee": (2, 8),
        "assisted_handling": (3, 10),
        "review_integration": (5, 12),
        "reserve": (7, 13),
    }
    month = np.array([rng.integers(*month_base[s]) for s in stage], dtype=float)

    return pd.DataFrame(
        {
            "project_id": [f"P{i + 1:04d}" for i in range(n)],
            "name": names,
            "district": district.astype(str).astype(object),
            "cluster": cluster.astype(str).astype(object),
            "level": level.astype(str).astype(object),
            "lead_department": lead.astype(str).astype(object),
            "library": library.astype(str).astype(object),
            "stage": stage.astype(str).astype(object),
            "total_investment": total.astype(float),
            "annual_investment": annual.astype(float),
            "land_mu": land.astype(float),
            "energy_tce": energy.astype(float),
            "open_gates": open_gates,
            "major_layout": _yn(major),
            "engine": _yn(engine),
            "planned_start_month": month,
        }
    ).astype({"name": object, "open_gates": object, "major_layout": object, "engine": object})


def _stage_entered(projects: pd.DataFrame, seed: int) -> list[str]:
    """The date (ISO) each project entered its current stage, on or before ``POPULATION.as_of``.

    Drawn from a stream of its own (``PCG64([seed, 1])``) so that adding these dates left every other
    value of the demo as it was. A started project entered ``started`` on a day of its planned start
    month; a producing one some months ago; the others spent a lognormal number of days in their
    stage (see `_Population`).
    """
    pop = POPULATION
    rng = np.random.Generator(np.random.PCG64([seed, 1]))
    as_of = pd.Timestamp(pop.as_of)
    median = dict(pop.stage_days_median)
    dates: list[str] = []
    for row in projects.itertuples(index=False):
        month = int(row.planned_start_month)
        if row.stage == "started":
            start = pd.Timestamp(year=as_of.year, month=month, day=1)
            last = min(as_of, start + pd.offsets.MonthEnd(0))
            entered = start + pd.Timedelta(days=int(rng.integers(0, (last - start).days + 1)))
        elif row.stage == "production":
            entered = as_of - pd.Timedelta(days=int(rng.integers(*pop.production_days)))
        else:
            gates = len([g for g in str(row.open_gates).split(";") if g])
            overdue = max(0, as_of.month - month) if as_of.month > month else 0
            centre = median[row.stage] * (
                1.0 + pop.stage_days_per_gate * gates + pop.stage_days_per_overdue_month * overdue
            )
            days = int(round(centre * rng.lognormal(0.0, pop.stage_days_sigma)))
            entered = as_of - pd.Timedelta(days=max(1, days))
        dates.append(entered.date().isoformat())
    return dates


def _project_options(project: dict, values: dict[str, float]) -> tuple[float, float, list[dict]]:
    """Base probability, ceiling and options of one project's start this year.

    The base falls with every approval gate still open and with every month the planned start lies
    after ``project_late_month``; assisted handling uses the lead
    department's staff days per open gate; the factor guarantee adds the land and energy quotas the
    project still waits for and early-stage money; the full package adds financing and dispatch.
    """
    v = values
    stage = project["stage"]
    gates = [g for g in project["open_gates"].split(";") if g]
    ceiling = min(v[f"project_ceiling_{stage}"], v["probability_cap"])
    late_months = max(0.0, project["planned_start_month"] - v["project_late_month"])
    base = (
        v[f"project_base_{stage}"]
        - v["project_gate_penalty"] * len(gates)
        - v["project_late_penalty"] * late_months
    )
    if project["library"] == "reserve":
        base *= v["project_reserve_library_factor"]
    base = min(max(base, _MIN_PROBABILITY), ceiling - _MIN_HEADROOM)

    staff = {_STAFF_RESOURCE[project["lead_department"]]: v["assisted_days_per_gate"] * len(gates)}
    dispatch = {k: days + v["dispatch_extra_days"] for k, days in staff.items()}
    quota_uplifts: list[float] = []
    quotas: dict[str, float] = {}
    if "land" in gates and project["land_mu"] > 0:
        quota_uplifts.append(v["land_quota_uplift"])
        quotas["land_quota_mu"] = project["land_mu"]
    if "energy" in gates and project["energy_tce"] > 0:
        quota_uplifts.append(v["energy_quota_uplift"])
        quotas["energy_quota_tce"] = project["energy_tce"]
    annual = project["annual_investment"]
    factor_cost = _clip_cost(
        v["factor_support_rate"] * annual, v["factor_support_min"], v["factor_support_cap"]
    )
    financing_cost = _clip_cost(
        v["financing_rate"] * annual, v["financing_min"], v["financing_cap"]
    )
    assist = [v["assisted_uplift"]]
    factors = assist + quota_uplifts + [v["factor_support_uplift"]]
    line = "project_factor_support"
    options = [
        _option("assisted_handling", "", 0.0, assist, **staff),
        _option("factor_guarantee", line, factor_cost, factors, **staff, **quotas),
        _option(
            "full_support",
            line,
            factor_cost + financing_cost,
            factors + [v["financing_uplift"]],
            **dispatch,
            **quotas,
        ),
    ]
    return base, ceiling, options
