"""The demo's key projects: the projects sheet, the date each entered its stage, and a project's start as a candidate."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from data.assumptions import CATEGORY_LEADS
from data.demo.city import (
    _CANDIDATE_STAGES,
    _DRC,
    _NO_LAND_SUFFIXES,
    _STAFF_RESOURCE,
    CATEGORIES,
    CLUSTERS,
    DISTRICTS,
    GATES,
    POPULATION,
    _choice,
    _yn,
)
from data.demo.options import _MIN_HEADROOM, _MIN_PROBABILITY, _clip_cost, _option


def _category_leads(values: dict[str, float]) -> dict[str, str]:
    """Category → lead department, from the "1+6" table of `data.assumptions`."""
    del values  # the table is text, not a number of the assumptions table
    return {category: department for category, department, _ in CATEGORY_LEADS}


def start_phasing(month: float, values: dict[str, float]) -> float:
    """Share of a full year's investment a project starting in ``month`` completes this year.

    A start counts the months after it (docs/projects.md): mid-month start, the first
    ``new_start_ramp_months`` spent preparing the site, so April adds (12.5 − 4 − 1) / 12 = 0.625 of
    the year's pace and October 0.125; a start in December adds nothing this year.
    """
    months = 12.5 - float(month) - values["new_start_ramp_months"]
    return float(min(1.0, max(0.0, months / 12.0)))


def _draw_item(rng: np.random.Generator, category: str) -> tuple[str, str]:
    """A (product, cluster) of a project of ``category``: industrial categories draw a cluster by its
    weight and one of its products, the others one of their own items."""
    spec = CATEGORIES[category]
    if spec.items:
        return spec.items[int(rng.integers(len(spec.items)))]
    names = [c for c, k in CLUSTERS.items() if k.project_share > 0]
    weights = np.array([CLUSTERS[c].project_share for c in names])
    cluster = names[int(rng.choice(len(names), p=weights / weights.sum()))]
    products = CLUSTERS[cluster].products
    return products[int(rng.integers(len(products)))], cluster


def _projects(rng: np.random.Generator, values: dict[str, float]) -> pd.DataFrame:
    pop = POPULATION
    n = pop.n_projects
    leads = _category_leads(values)
    district_names = [d.name for d in DISTRICTS]
    district = _choice(rng, district_names, [d.project_share for d in DISTRICTS], n)
    category_names = list(CATEGORIES)
    category = _choice(rng, category_names, [c.project_share for c in CATEGORIES.values()], n)
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

    offshore_district = {d.name: d.offshore for d in DISTRICTS}
    short = {d.name: d.short for d in DISTRICTS}
    cluster = np.empty(n, dtype=object)
    names: list[str] = []
    seen: set[str] = set()
    needs_land = np.empty(n, dtype=bool)
    offshore = np.empty(n, dtype=bool)
    energy = np.empty(n)
    emission = np.empty(n)
    for i in range(n):
        spec = CATEGORIES[category[i]]
        product, cluster[i] = _draw_item(rng, category[i])
        industrial = cluster[i] in CLUSTERS
        c = CLUSTERS[cluster[i]] if industrial else None
        offshore[i] = bool(
            c is not None
            and c.offshore
            and offshore_district[district[i]]
            and rng.random() < pop.offshore_share
        )
        suffix = spec.suffixes[rng.integers(len(spec.suffixes))]
        if category[i] == "industrial_investment" and rng.random() < pop.no_land_share:
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
        intensity = c.energy_tce_per_wan if c is not None else spec.energy_tce_per_wan
        energy[i] = total[i] * intensity * rng.lognormal(0.0, 0.7)
        # pollutant emissions (环境容量) only where an industrial process emits: not for R&D
        # centres, infrastructure or tourism (docs/projects.md)
        emits = c is not None and category[i] in ("industrial_investment", "marine")
        rate = c.emission_t_per_wan if c is not None and emits else 0.0
        emission[i] = total[i] * rate * rng.lognormal(0.0, 0.6) if emits else 0.0
    lead = np.array([leads[k] for k in category], dtype=object)

    energy = np.round(energy, 0)
    emission = np.round(emission, 1)
    land = np.where(needs_land, np.round(total / rng.uniform(*pop.land_intensity, n), 1), 0.0)

    # open approval gates, consistent with the stage
    tourism = np.array([k == "culture_tourism" for k in category])
    needs = {
        "approval": np.ones(n, dtype=bool),
        "land": needs_land,
        "planning": needs_land | (rng.random(n) < 0.5),
        "environment": ~tourism | (rng.random(n) < 0.5),
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
    # 续建: under construction since an earlier year (every producing project was one); 新开工:
    # starts this year, whether already started or still to start
    continued = (stage == "production") | (
        (stage == "started") & (rng.random(n) < pop.continued_share)
    )
    completion = continued & (stage == "started") & (rng.random(n) < pop.completion_share)
    ytd = np.where(stage == "started", np.round(annual * rng.uniform(*pop.ytd_share, n), 0), 0.0)

    # about 20 major-productivity-layout projects among the largest plan-library projects still to
    # deliver this year (the plan weighs them with a target of their own); a few of those not yet
    # on the provincial list bid for it
    layout_key = np.where(
        (library == "plan") & (stage != "production"),
        np.log(total) + rng.normal(0.0, 0.4, n),
        -np.inf,
    )
    layout_order = np.argsort(-layout_key, kind="stable")
    major = np.zeros(n, dtype=bool)
    major[layout_order[: pop.n_major_layout]] = True
    bid_order = [i for i in layout_order[: pop.n_major_layout] if level[i] != "province"]
    provincial_bid = np.zeros(n, dtype=bool)
    provincial_bid[bid_order[: pop.n_provincial_bid]] = True
    # engines (引擎性项目) are being conceived (谋划): large reserve-library projects, not the
    # largest ones already under way
    engine_key = np.where(library == "reserve", np.log(total) + rng.normal(0.0, 0.4, n), -np.inf)
    engine = np.zeros(n, dtype=bool)
    engine[np.argsort(-engine_key, kind="stable")[: pop.n_engine]] = True

    # the month each project started or plans to start, from the assumptions' windows by stage;
    # a 续建 project's start month lies in an earlier year
    def window(stage_key: str) -> tuple[int, int]:
        return (
            int(values[f"start_month_from_{stage_key}"]),
            int(values[f"start_month_to_{stage_key}"]) + 1,
        )

    month = np.array(
        [
            rng.integers(1, 13)
            if continued[i]
            else rng.integers(*window("started" if stage[i] == "started" else stage[i]))
            for i in range(n)
        ],
        dtype=float,
    )

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
            "category": category.astype(str).astype(object),
            "construction": np.where(continued, "continued", "new_start").astype(object),
            "completion_planned": _yn(completion),
            "provincial_bid": _yn(provincial_bid),
            "emission_t": emission.astype(float),
            "investment_ytd": ytd.astype(float),
        }
    ).astype(
        {
            "name": object,
            "open_gates": object,
            "major_layout": object,
            "engine": object,
            "completion_planned": object,
            "provincial_bid": object,
        }
    )


def _stage_entered(projects: pd.DataFrame, seed: int) -> list[str]:
    """The date (ISO) each project entered its current stage, on or before ``POPULATION.as_of``.

    Drawn from a stream of its own (``PCG64([seed, 1])``) so that adding these dates left every other
    value of the demo as it was. A started project entered ``started`` on a day of its planned start
    month (of an earlier year for a 续建 one); a producing one some months ago; the others spent a lognormal number of days in their
    stage (see `_Population`).
    """
    pop = POPULATION
    rng = np.random.Generator(np.random.PCG64([seed, 1]))
    as_of = pd.Timestamp(pop.as_of)
    median = dict(pop.stage_days_median)
    dates: list[str] = []
    for row in projects.itertuples(index=False):
        month = int(row.planned_start_month)
        if row.stage == "started" and row.construction == "continued":
            # 续建: started in that month of one of the last two years
            year = as_of.year - int(rng.integers(1, 3))
            start = pd.Timestamp(year=year, month=month, day=1)
            end = start + pd.offsets.MonthEnd(0)
            entered = start + pd.Timedelta(days=int(rng.integers(0, (end - start).days + 1)))
        elif row.stage == "started":
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

    Every plan-library project passes through 帮办代办 and 要素保障 (docs/projects.md); the options
    are how much extra help it gets. The base falls with every approval gate still open and with
    every month the planned start lies after ``project_late_month``. Extra assisted handling uses
    the lead department's staff days per open gate; the factor guarantee adds the land, energy and
    emission quotas (环境容量) the project still waits for and early-stage money; the full package
    adds financing and the overall lead's (市发展改革委) dispatch.
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

    # Projects still in the reserve or in review integration are in the hands of 市发展改革委's
    # planning-generation mechanism (策划生成, 审查集成: docs/domain.md); later stages in their
    # category lead's (docs/projects.md)
    handler = _DRC if stage in ("reserve", "review_integration") else project["lead_department"]
    staff = {_STAFF_RESOURCE[handler]: v["assisted_days_per_gate"] * len(gates)}
    # 市发展改革委, the overall lead, coordinates the quotas of a factor package and dispatches the
    # full one (docs/projects.md)
    coordination = {_STAFF_RESOURCE[_DRC]: v["factor_coordination_days"]}
    dispatch = {_STAFF_RESOURCE[_DRC]: v["factor_coordination_days"] + _dispatch_days(project, v)}
    quota_uplifts: list[float] = []
    quotas: dict[str, float] = {}
    if "land" in gates and project["land_mu"] > 0:
        quota_uplifts.append(v["land_quota_uplift"])
        quotas["land_quota_mu"] = project["land_mu"]
    if "energy" in gates and project["energy_tce"] > 0:
        quota_uplifts.append(v["energy_quota_uplift"])
        quotas["energy_quota_tce"] = project["energy_tce"]
    if "environment" in gates and project.get("emission_t", 0.0) > 0:
        quota_uplifts.append(v["emission_quota_uplift"])
        quotas["emission_quota_t"] = project["emission_t"]
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
        _option(
            "factor_guarantee", line, factor_cost, factors, **_summed(staff, coordination), **quotas
        ),
        _option(
            "full_support",
            line,
            factor_cost,
            factors + [v["financing_uplift"]],
            paid_on_success=financing_cost,
            **_summed(staff, dispatch),
            **quotas,
        ),
    ]
    options.extend(_renovation_option(project, v, assist, staff, quota_uplifts, quotas))
    return base, ceiling, options


def _renovation_option(
    project: dict,
    values: dict[str, float],
    first: list[float],
    staff: dict[str, float],
    quota_uplifts: list[float],
    quotas: dict[str, float],
) -> list[dict]:
    """A technical-renovation project's 技改 subsidy (the earmarked 技术改造专项资金: a share of its
    equipment investment, capped) with the quotas it waits for, in place of the factor money and
    the staff's extra help; none for other projects."""
    if not str(project["name"]).removesuffix("项目").endswith(("智能化改造", "技术改造")):
        return []
    v = values
    equipment = v["renovation_equipment_share"] * float(project["annual_investment"])
    if equipment < v["tech_renovation_min_equipment"]:
        return []
    subsidy = min(v["tech_renovation_rate"] * equipment, v["tech_renovation_cap"])
    # the subsidy does what the factor money would, and more (it pays for the equipment); the
    # renovation needs no staff of the lead department, only the quotas it waits for
    del first, staff
    uplifts = quota_uplifts + [v["factor_support_uplift"], v["tech_renovation_uplift"]]
    return [_option("tech_renovation", "tech_renovation", subsidy, uplifts, **quotas)]


def _summed(*uses: dict[str, float]) -> dict[str, float]:
    """Resource uses added up (two supports may draw on the same department's staff days)."""
    out: dict[str, float] = {}
    for use in uses:
        for key, amount in use.items():
            out[key] = out.get(key, 0.0) + amount
    return out


def _dispatch_days(project: dict, values: dict[str, float]) -> float:
    """Staff days of the overall lead's dispatch (调度) for one project; more for a major-layout one."""
    days = values["dispatch_extra_days"]
    if project.get("major_layout") == "Y":
        days += values["major_layout_dispatch_days"]
    return days


def project_rung(project: dict) -> str | None:
    """The rung of a project this year: ``start`` for one still to start, ``completion`` for a 续建
    project due to be completed, ``year_plan`` for one under construction; None once producing."""
    if project["stage"] in _CANDIDATE_STAGES:
        return "start"
    if project["stage"] != "started":
        return None
    return "completion" if project.get("completion_planned") == "Y" else "year_plan"


def year_investment(project: dict, values: dict[str, float]) -> float:
    """What the project adds to this year's completed investment if it succeeds (万元).

    A 续建 project completes its whole year plan; a new start counts the months after its start
    (`start_phasing`), whether it has started already or is still to start.
    """
    annual = float(project["annual_investment"])
    if project.get("construction") == "continued":
        return annual
    return round(annual * start_phasing(project["planned_start_month"], values), 0)


def _construction_options(
    project: dict, values: dict[str, float]
) -> tuple[float, float, list[dict]]:
    """Base probability, ceiling and options of a project under construction completing its year
    plan (and, for ``completion``, being completed and put into production: 竣工投产).

    The base moves with how far its year-to-date investment is ahead of or behind the pace
    expected by ``as_of``; dispatch (调度解难) uses its lead department's staff days, factor support
    adds money and the energy and emission quotas of its next phase, financing adds the overall
    lead's dispatch (docs/projects.md).
    """
    v = values
    rung = project_rung(project)
    ceiling = min(v[f"project_ceiling_{rung}"], v["probability_cap"])
    annual = float(project["annual_investment"])
    done = float(project.get("investment_ytd", 0.0)) / annual if annual > 0 else 0.0
    base = v[f"project_base_{rung}"] + v["year_plan_pace_slope"] * (done - v["year_plan_pace"])
    base = min(max(base, _MIN_PROBABILITY), ceiling - _MIN_HEADROOM)
    staff = {_STAFF_RESOURCE[project["lead_department"]]: v["year_dispatch_days"]}
    # 市发展改革委, the overall lead, coordinates the quotas of a factor package and dispatches the
    # full one (docs/projects.md)
    coordination = {_STAFF_RESOURCE[_DRC]: v["factor_coordination_days"]}
    dispatch = {_STAFF_RESOURCE[_DRC]: v["factor_coordination_days"] + _dispatch_days(project, v)}
    quotas: dict[str, float] = {}
    quota_uplifts: list[float] = []
    if project.get("emission_t", 0.0) > 0:
        quotas["emission_quota_t"] = round(v["year_emission_share"] * project["emission_t"], 1)
        quota_uplifts.append(v["emission_quota_uplift"])
    factor_cost = _clip_cost(
        v["factor_support_rate"] * annual, v["factor_support_min"], v["factor_support_cap"]
    )
    financing_cost = _clip_cost(
        v["financing_rate"] * annual, v["financing_min"], v["financing_cap"]
    )
    first = [v["year_dispatch_uplift"]]
    factors = first + quota_uplifts + [v["factor_support_uplift"]]
    line = "project_factor_support"
    options = [
        _option("dispatch_problems", "", 0.0, first, **staff),
        _option(
            "dispatch_and_quotas",
            line,
            factor_cost,
            factors,
            **_summed(staff, coordination),
            **quotas,
        ),
        _option(
            "dispatch_quotas_financing",
            line,
            factor_cost,
            factors + [v["financing_uplift"]],
            paid_on_success=financing_cost,
            **_summed(staff, dispatch),
            **quotas,
        ),
    ]
    options.extend(_renovation_option(project, v, first, staff, quota_uplifts, quotas))
    return base, ceiling, options
