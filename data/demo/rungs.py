"""Firms as candidates: which rungs a firm could reach this year, its chances, and its support menu.

Size rungs (above-size, ten-billion) come from revenue growth this year, so support can move them;
quality rungs from the firm's gap against the rung's criteria (`data.criteria`), which are judged on
last year's figures: a firm short of a criterion that support cannot change this year is no
candidate, and support only buys what can still move (the application's quality, IP filings, an R&D
institution). The manufacturing ladders (规上工业, 专精特新, 小巨人, 单项冠军) take manufacturers
(GB/T 4754 section C) only; innovative-SME, SRDI and little-giant candidates are SMEs (docs/projects.md).
Every rate, cost and uplift comes from the assumptions values.
"""

from __future__ import annotations

import datetime as dt
import math

from data import criteria
from data.demo.city import POPULATION
from data.demo.options import _MIN_HEADROOM, _MIN_PROBABILITY, _option

MANUFACTURING = "C"  # GB/T 4754-2017 section C
# Rungs only manufacturers climb, and rungs only SMEs may apply for (docs/projects.md).
MANUFACTURING_RUNGS = frozenset({"above_size", "srdi", "little_giant", "champion"})
SME_RUNGS = frozenset({"innovative_sme", "srdi", "little_giant"})
# SME by the 2011 划型 standard for industry (工信部联企业〔2011〕300号): fewer than 1,000 employees
# or revenue below 40,000 万元; a firm at or above both is large.
SME_MAX_EMPLOYEES = 1000.0
SME_MAX_REVENUE = 40_000.0
# Criteria support given this year can still move (docs/projects.md): IP filings and the scores
# they feed, an R&D institution, a direct-route title. Every other criterion is read from last
# year's figures: a firm short of one has no chance this year whatever it is given.
SUPPORTABLE_CRITERIA = frozenset().union(*criteria.SUPPORT_CLOSES.values()) - {"revenue"}
# The date the demo's data describe: an application window closed by then leaves no chance this year.
AS_OF = dt.date.fromisoformat(POPULATION.as_of)


def is_sme(firm: dict) -> bool:
    """Small or medium by the 2011 standard for industry, on last year's revenue."""
    revenue = float(firm.get("revenue_last_year", firm["revenue"]))
    return float(firm["employees"]) < SME_MAX_EMPLOYEES or revenue < SME_MAX_REVENUE


def may_climb(firm: dict, rung: str) -> bool:
    """Whether the firm is of the kind the rung admits: a manufacturer, an SME, as the rung says."""
    if rung in MANUFACTURING_RUNGS and firm.get("sector", MANUFACTURING) != MANUFACTURING:
        return False
    return not (rung in SME_RUNGS and not is_sme(firm))


def _normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _growth_rung(
    firm: dict, threshold: float, uplift_max: float, values: dict[str, float]
) -> tuple[float, float]:
    """Base and best chance that revenue crosses ``threshold`` this year.

    The growth needed is compared with the firm's momentum (the mean of last year's and the 2-year
    growth), with normal uncertainty ``growth_sd``; full support adds up to ``uplift_max`` growth.
    """
    needed = threshold / firm["revenue"] - 1.0
    sd = values["growth_sd"]
    cap = values["probability_cap"]
    momentum = 0.5 * (firm["revenue_growth"] + firm["growth_2y_avg"])
    base = _normal_cdf((momentum - needed) / sd)
    ceiling = min(_normal_cdf((momentum + uplift_max - needed) / sd), cap)
    base = min(max(base, _MIN_PROBABILITY / 10), ceiling - _MIN_HEADROOM)
    return base, ceiling


def _tech_subsidy(firm: dict, values: dict[str, float]) -> float:
    """The technical-renovation subsidy the firm's planned equipment investment qualifies for
    (0 below the minimum investment); firms above 10 billion yuan get the higher rate and cap."""
    equipment = firm["planned_equipment_investment"]
    if equipment < values["tech_renovation_min_equipment"]:
        return 0.0
    if firm["revenue"] >= criteria.TEN_BILLION_REVENUE:
        rate, cap = (
            values["tech_renovation_rate_ten_billion"],
            values["tech_renovation_cap_ten_billion"],
        )
    else:
        rate, cap = values["tech_renovation_rate"], values["tech_renovation_cap"]
    return min(rate * equipment, cap)


def _firm_options(firm: dict, rung: str, values: dict[str, float]) -> list[dict]:
    """The support menu of one firm for one rung (before probabilities)."""
    v = values
    subsidy = _tech_subsidy(firm, v)
    renovation = [v["tech_renovation_uplift"]]
    if rung == "above_size":
        slots = {"service_agency_slots": v["agency_slots_per_guided_firm"]}
        guidance = [v["upgrade_guidance_uplift"]]
        orders = guidance + [v["order_matching_uplift"]]
        line = "above_size_upgrade"
        options = [
            _option("upgrade_guidance", line, v["upgrade_guidance_cost"], guidance, **slots),
            _option(
                "guidance_and_orders",
                line,
                v["upgrade_guidance_cost"] + v["order_matching_cost"],
                orders,
                **slots,
            ),
        ]
        if subsidy > 0:
            options.append(_option("tech_renovation", "tech_renovation", subsidy, renovation))
        return options
    if rung == "ten_billion":
        staff = {"staff_days_industry": v["dispatch_staff_days"]}
        quotas = {
            "land_quota_mu": v["ten_billion_factor_land_mu"],
            "energy_quota_tce": v["ten_billion_factor_energy_tce"],
        }
        dispatch = [v["dispatch_uplift"]]
        factors = dispatch + [v["ten_billion_factor_uplift"]]
        options = [
            _option("dispatch", "", 0.0, dispatch, **staff),
            _option(
                "dispatch_and_factors",
                "project_factor_support",
                v["ten_billion_factor_cost"],
                factors,
                **staff,
                **quotas,
            ),
        ]
        if subsidy > 0:
            options.append(
                _option(
                    "dispatch_factors_renovation",
                    "tech_renovation",
                    subsidy,
                    factors + renovation,
                    **staff,
                    **quotas,
                )
            )
        return options
    # quality rungs: what support can still move this year (last year's figures are fixed):
    # coaching on the application's quality and the window; IP filings where IP is still short; a
    # certification (高新技术企业, management-system certificates) where the firm has none; help with an
    # R&D institution where none is recognised above city level (paid as a 奖补 on recognition, so
    # on success). Each package builds on the one before (docs/projects.md).
    slots = {"service_agency_slots": v["agency_slots_per_option"]}
    line = "srdi_cultivation"

    outlook = criteria.year_outlook(firm, rung, as_of=AS_OF)

    def closes(word: str) -> bool:
        """Whether the support ``word`` closes one of the firm's gaps this year (else no option)."""
        return bool(criteria.support_addresses(firm, rung, word, as_of=AS_OF))

    offered = {"coaching"}
    if float(firm.get("ip_class1", 0.0)) < v["ip_saturation_class1"] and closes("ip"):
        offered.add("ip")
    if not criteria.flag(firm.get("high_tech_cert", "N")) and closes("certification"):
        offered.add("certification")
    if criteria.rd_institution_level(firm) in ("none", "below_city") and closes("centre"):
        offered.add("centre")

    def uplift(words: set[str], uplifts: list[float]) -> list[float]:
        """A package that uses every support offered against each gap left this year leaves the firm
        with a complete application: it closes at least ``coaching_uplift_ready`` of the headroom,
        as coaching does for a firm whose only gap is its file (docs/projects.md)."""
        covered = all(set(g.closed_by) & offered <= words for g in outlook.this_year)
        return uplifts + [v["coaching_uplift_ready"]] if covered else uplifts

    words = {"coaching"}
    uplifts = [v["coaching_uplift"]]
    cost = v[f"coaching_cost_{rung}"]
    # coaching is always an option: the application's quality and the window count even when
    # every criterion is met
    options = [_option("application_coaching", line, cost, uplift(words, uplifts), **slots)]
    if "ip" in offered:
        words = words | {"ip"}
        uplifts = uplifts + [v["ip_service_uplift"]]
        cost += v["ip_service_cost"]
        options.append(_option("coaching_and_ip", line, cost, uplift(words, uplifts), **slots))
    if "certification" in offered:
        words = words | {"certification"}
        uplifts = uplifts + [v["certification_uplift"]]
        cost += v["certification_cost"]
        options.append(
            _option("coaching_ip_certification", line, cost, uplift(words, uplifts), **slots)
        )
    if "centre" in offered:
        options.append(
            _option(
                "coaching_ip_rd_centre",
                line,
                cost,
                uplift(words | {"centre"}, uplifts + [v["rd_centre_uplift"]]),
                paid_on_success=v["rd_centre_cost"],
                **slots,
            )
        )
    return options


def _firm_candidacies(firm: dict, values: dict[str, float]) -> list[tuple[str, float, float]]:
    """(rung, base, ceiling) for each rung this firm could reach this year.

    Size: seed and quasi-above-size firms → above_size; firms at ``ten_billion_candidate_share`` of
    10 billion yuan or more → ten_billion. Quality: the next rung of the ladder, and for SRDI firms
    also the provincial champion. A quality candidate's base chance decays with its gap index (the
    summed relative shortfall against the rung's criteria); firms too far away are left out.
    """
    v = values
    out: list[tuple[str, float, float]] = []
    size = firm["size_tier"]
    if size in ("seed", "quasi_above_size") and may_climb(firm, "above_size"):
        base, ceiling = _growth_rung(
            firm, criteria.ABOVE_SIZE_REVENUE, v["growth_uplift_above_size"], v
        )
        if ceiling >= v["min_candidate_probability"]:
            out.append(("above_size", base, ceiling))
    elif (
        size != "ten_billion"
        and firm["revenue"] >= v["ten_billion_candidate_share"] * criteria.TEN_BILLION_REVENUE
    ):
        base, ceiling = _growth_rung(
            firm, criteria.TEN_BILLION_REVENUE, v["growth_uplift_ten_billion"], v
        )
        if ceiling >= v["min_candidate_probability"]:
            out.append(("ten_billion", base, ceiling))
    quality = firm["quality_tier"]
    rungs = []
    nxt = criteria.next_quality_rung_for(firm)
    if nxt is not None:
        rungs.append(nxt)
    if quality == "srdi" and "champion" not in rungs:  # champions need not be little giants first
        rungs.append("champion")
    for rung in rungs:
        if not criteria.may_be_on(firm, rung):
            continue
        outlook = criteria.year_outlook(firm, rung, as_of=AS_OF)
        if not outlook.chance_this_year:
            continue  # short on last year's figures: next year's checklist, not this year's plan
        gap = criteria.check_rung(firm, rung).gap_index
        if gap > v["max_candidate_gap"]:
            continue
        ceiling = min(
            v[f"ceiling_{rung}"] * math.exp(-v["support_gap_decay"] * gap), v["probability_cap"]
        )
        if ceiling < v["min_candidate_probability"]:
            continue
        base = v[f"p_meet_{rung}"] * math.exp(-v["gap_decay"] * gap)
        out.append((rung, min(base, ceiling - _MIN_HEADROOM), ceiling))
    return out
