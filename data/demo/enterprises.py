"""The demo's firms: the enterprises sheet, scored against the ladder's real criteria (`data.criteria`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from data import criteria
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
        rng.lognormal(math.log(700.0), 0.5, counts["seed"]), 80.0, 1_500.0
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
    rd_median = np.array([p[0] for p in profile]) * np.where(revenue > 40_000, 0.7, 1.0)
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
        }
    ).astype(
        {
            "name": object,
            "strategic_emerging": object,
            "high_tech_cert": object,
            "has_rd_institution": object,
            "st_award": object,
            "sector": object,
        }
    )
    records = frame.to_dict("records")
    frame["innovation_score"] = [criteria.innovative_sme_score(r) for r in records]
    frame["srdi_score"] = [round(criteria.srdi_score(r), 1) for r in records]
    return frame
