"""The demo's firms: the enterprises sheet, scored against the ladder's real criteria (`data.criteria`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from data import criteria
from data.assumptions import (
    FIRM_ALREADY_RECOGNISED_SHARE,
    FIRM_APPLICATION_NOT_READY_SHARE,
    FIRM_PROFILE_TIERS,
    FIRM_PROFILES,
    FIRM_ST_AWARD_NATIONAL_SHARE,
)
from data.demo.city import (
    _FIRM_PLACES,
    _NAME_SYLLABLES,
    _TIER_PROFILE,
    CLUSTERS,
    DISTRICTS,
    POPULATION,
    _choice,
    _yn,
)


def _firm_names(
    rng: np.random.Generator, district: np.ndarray, cluster: np.ndarray, size: np.ndarray
) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    syllables = _NAME_SYLLABLES
    for i in range(len(district)):
        words = CLUSTERS[cluster[i]].firm_words
        if size[i] == "ten_billion":
            form = "集团有限公司"
        elif size[i] == "large":
            form = "股份有限公司" if rng.random() < 0.6 else "集团有限公司"
        else:
            form = "有限公司" if rng.random() < 0.9 else "股份有限公司"
        while True:
            brand = (
                syllables[rng.integers(len(syllables))] + syllables[rng.integers(len(syllables))]
            )
            if brand[0] == brand[1]:
                continue
            name = f"{_FIRM_PLACES[district[i]]}{brand}{words[rng.integers(len(words))]}{form}"
            if name not in seen:
                break
        seen.add(name)
        names.append(name)
    return names


def _fold(values: np.ndarray, top: float) -> np.ndarray:
    """Values above ``top`` folded back below it (a clip would pile them up on one figure)."""
    return np.where(values > top, 2 * top - values, values)


def _criteria_columns(
    rng: np.random.Generator,
    quality: np.ndarray,
    revenue_last: np.ndarray,
    growth_2y: np.ndarray,
    rd_expense: np.ndarray,
    main_share: np.ndarray,
    ip_class1: np.ndarray,
    years: np.ndarray,
    st_award: np.ndarray,
    equity: np.ndarray,
    national_rank: np.ndarray,
) -> dict[str, np.ndarray]:
    """The other columns the 2022 criteria read (data/criteria.py FIRM_COLUMNS), drawn by quality
    tier from data/assumptions.py FIRM_PROFILES ([E]), so that a firm's score and gaps come from the
    rules as they are applied, not from figures missing (a missing figure scores 0)."""
    n = len(quality)
    tier = np.array([FIRM_PROFILE_TIERS.index(q) for q in quality])

    def by_tier(key: str) -> np.ndarray:
        return np.asarray(FIRM_PROFILES[key], dtype=float)[tier]

    def shares(key: str, items: list) -> np.ndarray:
        table = np.asarray(FIRM_PROFILES[key], dtype=float)
        cumulative = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)[tier]
        pick = (rng.random(n)[:, None] > cumulative).sum(axis=1)
        return np.asarray(items, dtype=object)[np.minimum(pick, len(items) - 1)]

    rd_staff = np.round(np.clip(by_tier("rd_staff_share") * rng.lognormal(0.0, 0.5, n), 0, 0.8), 3)
    net_margin = np.round(np.clip(rng.normal(by_tier("net_margin"), 0.04), -0.15, 0.3), 3)
    digital = shares("digital_level", [1.0, 2.0, 3.0, 4.0]).astype(float)
    quality_items = rng.poisson(by_tier("quality_items")).astype(float)
    chain = shares("chain_role", ["key", "base", "none"])
    local = np.round(np.clip(rng.normal(by_tier("local_feature_points"), 3.0), 0.0, 15.0), 1)
    own = rng.binomial(ip_class1.astype(int), by_tier("ip_class1_own_share"))
    high_value = rng.binomial(own, by_tier("ip_high_value_share"))
    # the year before last: revenue back by the two-year growth, R&D near last year's
    revenue_prev = revenue_last / (1.0 + np.clip(growth_2y, -0.2, None))
    rd_prev = np.round(rd_expense * rng.lognormal(-0.05, 0.2, n), 1)
    rd_ratio_prev = np.round(np.where(revenue_prev > 0, rd_prev / revenue_prev, 0.0), 4)
    sales_3y_min = np.round(
        np.minimum(revenue_last, revenue_prev / (1.0 + np.clip(growth_2y, 0, None))), 0
    )
    level = np.where(
        st_award,
        np.where(rng.random(n) < FIRM_ST_AWARD_NATIONAL_SHARE, "national", "provincial"),
        "",
    ).astype(object)
    rank = np.where(st_award, 1.0 + rng.poisson(4.0, n), np.nan)
    top500 = rng.random(n) < by_tier("chuangke_top500")
    top50 = top500 & (rng.random(n) < 0.1)
    equity_2y = np.round(equity * rng.uniform(0.4, 1.0, n), 0)
    certified = rng.random(n) < by_tier("management_certified")
    brand = rng.random(n) < by_tier("own_brand")
    key_field = rng.random(n) < by_tier("key_field")
    ready = rng.random(n) >= FIRM_APPLICATION_NOT_READY_SHARE
    global_rank = np.maximum(1.0, np.round(national_rank * rng.uniform(1.0, 4.0, n)))
    return {
        "rd_expense_prev": rd_prev,
        "rd_ratio_prev": rd_ratio_prev,
        "rd_staff_share": rd_staff,
        "net_margin": net_margin,
        "main_product_share": np.round(main_share * rng.uniform(0.75, 1.0, n), 3),
        "ip_class1_high_value": high_value.astype(float),
        "ip_class1_own": own.astype(float),
        "years_in_field": (years + rng.poisson(1.0, n)).astype(float),
        "st_award_level": level,
        "st_award_rank": rank,
        "equity_financing_2y": equity_2y,
        "chuangke_top500": np.asarray(_yn(top500), dtype=object),
        "chuangke_top50": np.asarray(_yn(top50), dtype=object),
        "chain_role": chain,
        "digital_level": digital,
        "quality_items": quality_items,
        "local_feature_points": local,
        "management_certified": np.asarray(_yn(certified), dtype=object),
        "own_brand": np.asarray(_yn(brand), dtype=object),
        "key_field": np.asarray(_yn(key_field), dtype=object),
        "sales_3y_min": sales_3y_min,
        "global_rank": global_rank,
        "application_ready": np.asarray(_yn(ready), dtype=object),
    }


def _recognised_earlier(rng: np.random.Generator, frame: pd.DataFrame) -> None:
    """Most firms that already meet every criterion of their next quality rung (innovative SME,
    SRDI) on last year's figures were recognised in an earlier batch: they are on that rung now
    (data/assumptions.py FIRM_ALREADY_RECOGNISED_SHARE [E]). A firm that qualifies for its next rung
    (a champion too) and is not on it has not applied: its application file is what is missing, so
    the 明白纸 shows the gap coaching closes (application_ready N)."""
    draws = rng.random(len(frame))
    tiers = frame["quality_tier"].to_numpy(copy=True)
    ready = frame["application_ready"].to_numpy(copy=True)
    for i, firm in enumerate(frame.to_dict("records")):
        rung = criteria.next_quality_rung_for(firm)
        if rung is None:
            ready[i] = "Y"
            continue
        share = FIRM_ALREADY_RECOGNISED_SHARE.get(rung, 0.0)
        eligible = criteria.check_rung(firm, rung).eligible
        if not eligible and firm["quality_tier"] == "srdi":
            rung = "champion"
            eligible = criteria.check_rung(firm, rung).eligible
        if not eligible:
            if not criteria.year_outlook(firm, rung).chance_this_year:
                # no chance this year on last year's figures: no application is being prepared,
                # so no file to judge incomplete (the 明白纸 shows only next year's gaps)
                ready[i] = "Y"
            continue
        if draws[i] < share:
            tiers[i] = rung
        else:
            ready[i] = "N"
    frame["quality_tier"] = tiers
    frame["application_ready"] = ready


def _enterprises(rng: np.random.Generator) -> pd.DataFrame:
    pop = POPULATION
    counts = dict(pop.size_counts)
    n_above = pop.n_firms - sum(counts.values()) - pop.n_ten_billion_candidates
    size = np.array(
        ["seed"] * counts["seed"]
        + ["quasi_above_size"] * counts["quasi_above_size"]
        + ["above_size"] * n_above
        + ["large"] * (counts["large"] + pop.n_ten_billion_candidates)
        + ["ten_billion"] * counts["ten_billion"],
        dtype=object,
    )
    n = len(size)
    near_ten = np.zeros(n, dtype=bool)
    first_large = counts["seed"] + counts["quasi_above_size"] + n_above
    near_ten[first_large : first_large + pop.n_ten_billion_candidates] = True

    revenue = np.empty(n)
    revenue[size == "seed"] = np.clip(
        _fold(rng.lognormal(math.log(1050.0), 0.4, counts["seed"]), 1_500.0), 80.0, 1_500.0
    )
    revenue[size == "quasi_above_size"] = np.clip(
        2000.0 * rng.lognormal(-0.22, 0.17, counts["quasi_above_size"]), 1_100.0, 3_000.0
    )
    revenue[size == "above_size"] = np.clip(
        2000.0 * np.exp(rng.gamma(1.2, 0.85, n_above)), 2_000.0, 39_000.0
    )
    n_large = counts["large"]
    large_idx = np.flatnonzero((size == "large") & ~near_ten)
    revenue[large_idx] = np.clip(40_000.0 * np.exp(rng.gamma(1.0, 0.9, n_large)), 40_000, 600_000)
    # spread over 6.8–9.0 billion yuan so that the 10-billion target is uncertain for every seed
    k = pop.n_ten_billion_candidates
    revenue[near_ten] = np.linspace(680_000.0, 900_000.0, k) + rng.uniform(-15_000.0, 15_000.0, k)
    revenue[size == "ten_billion"] = rng.uniform(1_100_000.0, 2_600_000.0, counts["ten_billion"])

    quality = np.empty(n, dtype=object)
    for tier, shares in pop.quality_shares:
        idx = np.flatnonzero(size == tier)
        quality[idx] = _choice(rng, list(criteria.QUALITY_LADDER), list(shares), len(idx))
    quality[near_ten] = _choice(
        rng, ["srdi", "little_giant", "champion"], [1, 1, 2], int(near_ten.sum())
    )

    district = _choice(rng, [d.name for d in DISTRICTS], [d.firm_share for d in DISTRICTS], n)
    cluster = _choice(rng, list(CLUSTERS), [c.firm_share for c in CLUSTERS.values()], n)
    # GB/T 4754 section: manufacturing (C) unless the cluster has other sections (tourism groups
    # are R, power producers D, software firms I); the largest firms are manufacturers
    sector = np.full(n, "C", dtype=object)
    for i in range(n):
        others = CLUSTERS[cluster[i]].other_sectors
        draw = rng.random()
        for code, share in others:
            if draw < share:
                sector[i] = code
                break
            draw -= share
    # the largest firms are manufacturers (the 10-billion programme is an industrial one): never a
    # tourism group
    biggest = near_ten | (size == "ten_billion")
    cluster[biggest & (cluster == "康养旅游")] = "先进装备与智能制造"
    sector[biggest] = "C"
    # the SRDI ladder is a manufacturing ladder (docs/projects.md): a service firm is at most an
    # innovative SME
    quality[(sector != "C") & np.isin(quality, ["srdi", "little_giant", "champion"])] = (
        "innovative_sme"
    )

    young = np.isin(size, ["seed", "quasi_above_size"])
    growth = np.where(young, rng.normal(0.12, 0.14, n), rng.normal(0.07, 0.10, n))
    growth[near_ten] = rng.normal(0.06, 0.02, k)
    growth = np.clip(growth, -0.35, 0.8)
    growth_2y = np.clip(0.6 * growth + 0.4 * rng.normal(0.07, 0.08, n), -0.3, 0.6)
    growth_2y[near_ten] = growth[near_ten] + rng.normal(0.0, 0.01, k)
    revenue = np.round(revenue, 0)
    revenue_last = np.round(revenue / (1.0 + growth), 0)
    growth = revenue / revenue_last - 1.0  # exactly consistent with the two revenues

    profile = [_TIER_PROFILE[q] for q in quality]
    tier_index = np.array([FIRM_PROFILE_TIERS.index(q) for q in quality])
    active = rng.random(n) < np.asarray(FIRM_PROFILES["rd_active_share"], dtype=float)[tier_index]
    rd_median = np.where(
        active,
        np.asarray(FIRM_PROFILES["rd_active_ratio"], dtype=float)[tier_index],
        np.array([p[0] for p in profile]),
    ) * np.where(revenue > 40_000, 0.7, 1.0)
    rd_ratio: np.ndarray = np.clip(rd_median * rng.lognormal(0.0, 0.4, n), 0.0, 0.25)
    rd_expense = np.round(rd_ratio * revenue, 1)
    rd_ratio = np.round(np.where(revenue > 0, rd_expense / revenue, 0.0), 4)
    ip_class1 = rng.poisson([p[1] for p in profile]).astype(float)
    ip_other = rng.poisson([p[2] for p in profile]).astype(float)
    high_tech = rng.random(n) < np.array([p[3] for p in profile])
    levels = ["none", "city", "provincial", "national"]
    rd_level = np.array(
        [levels[rng.choice(4, p=np.array(p[4]) / sum(p[4]))] for p in profile], dtype=object
    )
    niche = np.clip(np.array([p[5] for p in profile]) * rng.lognormal(0.0, 0.8, n), 0.0005, 0.7)
    share_low = np.array([p[6] for p in profile])
    main_share = np.round(rng.uniform(share_low, 1.0), 3)
    debt = np.round(np.clip(rng.normal(0.52, 0.15, n), 0.08, 0.95), 3)
    tier_rank = np.array([criteria.quality_rank(q) for q in quality])
    years = np.clip(1 + rng.poisson(2.0 + 2.5 * tier_rank + np.where(young, 0, 3)), 1, 40)
    strategic = rng.random(n) < np.array([CLUSTERS[c].strategic_share for c in cluster])
    equity = np.where(rng.random(n) < 0.08, np.round(rng.lognormal(math.log(800), 0.8, n), 0), 0.0)
    st_award = rng.random(n) < 0.01 + 0.02 * tier_rank
    refinement = np.round(np.clip(rng.uniform(0.2, 0.8, n) + 0.05 * tier_rank, 0.0, 1.0), 2)
    national_rank = np.maximum(1, np.round(0.5 / niche * rng.lognormal(0.0, 0.4, n)))
    provincial_rank = np.maximum(1, np.round(national_rank / rng.uniform(1.0, 3.0, n)))
    has_equipment = (rng.random(n) < np.where(young, 0.3, 0.45)) | near_ten
    equipment = np.where(
        has_equipment,
        np.round(revenue * rng.uniform(0.05, 0.35, n) + rng.uniform(0, 400, n), 0),
        0.0,
    )

    # employees from last year's revenue and a revenue per employee (万元) around 80
    employees = np.maximum(5.0, np.round(revenue_last / (80.0 * rng.lognormal(0.0, 0.45, n)), 0))

    names = _firm_names(rng, district, cluster, size)
    extra = _criteria_columns(
        rng, quality, revenue_last, growth_2y, rd_expense, main_share, ip_class1, years,
        st_award, equity, national_rank,
    )  # fmt: skip
    frame = pd.DataFrame(
        {
            "firm_id": [f"F{i + 1:05d}" for i in range(n)],
            "name": names,
            "district": district.astype(str).astype(object),
            "cluster": cluster.astype(str).astype(object),
            "size_tier": size.astype(str).astype(object),
            "quality_tier": quality.astype(str).astype(object),
            "revenue": revenue.astype(float),
            "revenue_last_year": revenue_last.astype(float),
            "revenue_growth": np.round(growth, 4),
            "growth_2y_avg": np.round(growth_2y, 4),
            "rd_expense": rd_expense,
            "rd_ratio": rd_ratio,
            "debt_ratio": debt,
            "main_business_share": main_share,
            "ip_class1": ip_class1,
            "ip_other": ip_other,
            "years_in_niche": years.astype(float),
            "strategic_emerging": _yn(strategic),
            "high_tech_cert": _yn(high_tech),
            "equity_financing_3y": equity,
            "niche_market_share": np.round(niche, 4),
            "has_rd_institution": _yn(rd_level != "none"),
            "innovation_score": 0.0,
            "srdi_score": 0.0,
            # extras used by the criteria and the options
            "rd_institution_level": rd_level.astype(str).astype(object),
            "st_award": _yn(st_award),
            "refinement_index": refinement,
            "provincial_rank": provincial_rank.astype(float),
            "national_rank": national_rank.astype(float),
            "planned_equipment_investment": equipment,
            "sector": sector.astype(str).astype(object),
            "employees": employees.astype(float),
            **extra,
        }
    ).astype(
        {
            "name": object,
            "strategic_emerging": object,
            "high_tech_cert": object,
            "has_rd_institution": object,
            "st_award": object,
            "sector": object,
            **{k: object for k, v in extra.items() if v.dtype == object},
        }
    )
    _recognised_earlier(rng, frame)
    records = frame.to_dict("records")
    frame["innovation_score"] = [criteria.innovative_sme_score(r) for r in records]
    frame["srdi_score"] = [round(criteria.srdi_score(r), 1) for r in records]
    return frame
