"""The enterprise ladder's thresholds and scoring rules (docs/domain.md §2) as data and pure functions.

Every check returns one `CriterionResult` per criterion (name, value, threshold, met, gap), so the same
code scores the demo city's candidates and writes a firm's plain checklist (明白纸): what it has, what
the rule asks for and how far it is short. Firms are plain mappings (a dict or a pandas row) with the
column names of the ``enterprises`` sheet; ratios are fractions (0.031 for 3.1 %), money is 万元.

Sources: 《优质中小企业梯度培育管理暂行办法》(工信部企业〔2022〕63号) and Shandong's provincial rules.
Where the official indicator is not in our data (e.g. "high-value" IP, digitalisation level) a proxy
is used and marked [E] in the comment.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from data.vocabulary import CRITERION_LABELS, QUALITY_TIERS, RUNGS, SIZE_TIERS

# ---------------------------------------------------------------------------------------------------
# Thresholds (万元 and fractions)
# ---------------------------------------------------------------------------------------------------

ABOVE_SIZE_REVENUE = 2000.0  # 规上工业: main-business revenue ≥ 20 million yuan
TEN_BILLION_REVENUE = 1_000_000.0  # 百亿企业: revenue ≥ 10 billion yuan

# Innovative SME (创新型中小企业): score ≥ 60 of 100 with three sub-minimums.
INNOVATIVE_SME_PASS = 60.0
INNOVATIVE_SME_SUB_MINIMUMS = {"innovation": 20.0, "growth": 15.0, "specialisation": 15.0}
# (at least, points) bands, best first
RD_RATIO_POINTS = ((0.05, 20.0), (0.03, 15.0), (0.02, 10.0), (0.01, 5.0))
REVENUE_GROWTH_POINTS = ((0.15, 20.0), (0.10, 15.0), (0.05, 10.0), (0.0, 5.0))
MAIN_SHARE_POINTS = ((0.70, 20.0), (0.60, 15.0), (0.55, 10.0), (0.50, 5.0))
# (at most, points)
DEBT_RATIO_POINTS = ((0.55, 10.0), (0.75, 5.0))
SECTOR_POINTS = {"strategic_emerging": 10.0, "other": 5.0}
# IP by class [E proxy: two or more class-I items stand for "high-value class-I IP"]
IP_POINTS = {"class1_high_value": 20.0, "class1": 15.0, "class2": 5.0}
IP_HIGH_VALUE_CLASS1_COUNT = 2
INNOVATIVE_SME_DIRECT_EQUITY = 500.0  # ≥ 5 million yuan equity financing in 3 years

# Provincial SRDI SME (省级专精特新中小企业)
SRDI_MIN_YEARS = 2.0
SRDI_MIN_RD_EXPENSE = 100.0  # ≥ 1 million yuan R&D last year
SRDI_MIN_RD_RATIO = 0.03
SRDI_MIN_REVENUE = 1000.0  # ≥ 10 million yuan revenue ...
SRDI_ALT_EQUITY = 2000.0  # ... or ≥ 20 million yuan equity financing
SRDI_PASS = 60.0
SRDI_SCORE_MAX = {
    "specialisation": 25.0,
    "refinement": 25.0,
    "local_features": 15.0,
    "innovation": 35.0,
}
SRDI_ALT_ROUTE_EQUITY = (
    3000.0  # [E] alternative route: large recent equity financing (or an S&T award)
)

# National "little giant" (专精特新“小巨人”企业)
LITTLE_GIANT_MIN_YEARS = 3.0
LITTLE_GIANT_MIN_MAIN_SHARE = 0.70
LITTLE_GIANT_MIN_GROWTH_2Y = 0.05
LITTLE_GIANT_MAX_DEBT = 0.70
LITTLE_GIANT_MIN_NICHE_SHARE = 0.10
LITTLE_GIANT_RD_RATIO_LARGE = 0.03  # revenue ≥ 100 million yuan
LITTLE_GIANT_RD_RATIO_SMALL = 0.06  # revenue below that
LITTLE_GIANT_LARGE_REVENUE = 10000.0
LITTLE_GIANT_MIN_CLASS1_IP = 2.0

# Manufacturing single champion (制造业单项冠军企业)
CHAMPION_PROVINCIAL_RANK = 1.0  # first in Shandong ...
CHAMPION_NATIONAL_RANK = 5.0  # ... and top 5 nationally in its product
CHAMPION_NATIONAL_MIN_YEARS = 10.0
CHAMPION_GLOBAL_RANK = 3.0

# The ladder's codes and the criteria's labels are the vocabulary's (one list for every layer).
QUALITY_LADDER = QUALITY_TIERS
SIZE_LADDER = SIZE_TIERS


class CriterionResult(NamedTuple):
    """One criterion of a rung for one firm.

    ``gap`` is how far the firm is short of the threshold, in the criterion's own unit (0 when met).
    ``comparison`` is ``">="`` when the value must reach the threshold, ``"<="`` when it must not
    exceed it. Yes/no criteria use 1/0. ``alternative`` marks a route that replaces the other
    criteria (e.g. the innovative SME's direct route): not meeting it is no gap.
    """

    name: str
    value: float
    threshold: float
    met: bool
    gap: float
    comparison: str = ">="
    alternative: bool = False


@dataclass(frozen=True)
class RungCheck:
    """The result of checking one firm against one rung of the ladder.

    Attributes
    ----------
    rung : str
        One of `RUNGS`.
    eligible : bool
        Whether the firm meets the rung's conditions (by its score or by a direct/alternative route).
    route : str
        ``"criteria"``, ``"direct"`` (innovative SME, SRDI alternative route) or ``""`` when not eligible.
    criteria : tuple of CriterionResult
        Every criterion, met or not, in the order a checklist should show them.
    """

    rung: str
    eligible: bool
    route: str
    criteria: tuple[CriterionResult, ...]

    @property
    def unmet(self) -> list[CriterionResult]:
        """The criteria not met (what the checklist lists as gaps)."""
        return [c for c in self.criteria if not c.met]

    @property
    def gap_index(self) -> float:
        """Distance to the rung: the sum of relative shortfalls of unmet criteria, each at most 1.

        0 when eligible. A yes/no criterion not met counts 1; a number short by 10 % of its threshold
        counts 0.1. This is what the demo's base probability decays with.
        """
        if self.eligible:
            return 0.0
        return float(
            sum(_relative_gap(c) for c in self.criteria if not c.met and not c.alternative)
        )


def _relative_gap(c: CriterionResult) -> float:
    scale = abs(c.threshold) if c.threshold else 1.0
    return min(1.0, c.gap / scale)


def _criterion(
    name: str, value: float, threshold: float, comparison: str = ">="
) -> CriterionResult:
    value = float(value)
    threshold = float(threshold)
    if comparison == ">=":
        met = value >= threshold - 1e-12
        gap = 0.0 if met else threshold - value
    else:
        met = value <= threshold + 1e-12
        gap = 0.0 if met else value - threshold
    return CriterionResult(name, value, threshold, bool(met), float(gap), comparison)


def flag(value: object) -> bool:
    """A yes/no cell as bool: accepts bools, ``Y``/``N``, ``是``/``否``, ``1``/``0``, blanks (False)."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, (int, float)):
        return not (isinstance(value, float) and math.isnan(value)) and value != 0
    return str(value).strip().upper() in {"Y", "YES", "TRUE", "1", "是"}


def _num(firm: Mapping[str, object], key: str, default: float = 0.0) -> float:
    value = firm.get(key, default)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return default if math.isnan(number) else number


def _banded(value: float, bands: tuple[tuple[float, float], ...], at_least: bool = True) -> float:
    for limit, points in bands:
        if (value >= limit) if at_least else (value <= limit):
            return points
    return 0.0


def rd_institution_level(firm: Mapping[str, object]) -> str:
    """``none``, ``city``, ``provincial`` or ``national``; from ``rd_institution_level`` if present,
    else ``has_rd_institution`` read as a provincial-level institution."""
    level = str(firm.get("rd_institution_level", "") or "").strip()
    if level in {"none", "city", "provincial", "national"}:
        return level
    return "provincial" if flag(firm.get("has_rd_institution")) else "none"


def quality_rank(tier: str) -> int:
    """Position of a quality tier on the ladder (``none`` = 0 ... ``champion`` = 4)."""
    return QUALITY_LADDER.index(tier) if tier in QUALITY_LADDER else 0


def next_quality_rung(tier: str) -> str | None:
    """The next quality rung above ``tier`` (``None`` for a champion)."""
    rank = quality_rank(tier)
    return QUALITY_LADDER[rank + 1] if rank + 1 < len(QUALITY_LADDER) else None


# ---------------------------------------------------------------------------------------------------
# Size rungs
# ---------------------------------------------------------------------------------------------------


def check_above_size(firm: Mapping[str, object]) -> RungCheck:
    """Above-designated-size industrial firm (规上工业): revenue ≥ 2000 万元."""
    c = _criterion("revenue", _num(firm, "revenue"), ABOVE_SIZE_REVENUE)
    return RungCheck("above_size", c.met, "criteria" if c.met else "", (c,))


def check_ten_billion(firm: Mapping[str, object]) -> RungCheck:
    """Ten-billion firm (百亿企业): revenue ≥ 1,000,000 万元 (10 billion yuan)."""
    c = _criterion("revenue", _num(firm, "revenue"), TEN_BILLION_REVENUE)
    return RungCheck("ten_billion", c.met, "criteria" if c.met else "", (c,))


# ---------------------------------------------------------------------------------------------------
# Innovative SME
# ---------------------------------------------------------------------------------------------------


def innovative_sme_points(firm: Mapping[str, object]) -> dict[str, float]:
    """Points per indicator of the innovative-SME evaluation (100 in all).

    Returns a dict with ``ip``, ``rd_ratio``, ``revenue_growth``, ``debt_ratio``, ``sector``,
    ``main_share`` and the sub-totals ``innovation`` (ip + rd_ratio, of 40), ``growth``
    (revenue_growth + debt_ratio, of 30), ``specialisation`` (sector + main_share, of 30), ``total``.
    """
    class1 = _num(firm, "ip_class1")
    other = _num(firm, "ip_other")
    if class1 >= IP_HIGH_VALUE_CLASS1_COUNT:
        ip = IP_POINTS["class1_high_value"]
    elif class1 >= 1:
        ip = IP_POINTS["class1"]
    elif other >= 1:
        ip = IP_POINTS["class2"]
    else:
        ip = 0.0
    rd = _banded(_num(firm, "rd_ratio"), RD_RATIO_POINTS)
    growth = _banded(_num(firm, "revenue_growth"), REVENUE_GROWTH_POINTS)
    debt = _banded(_num(firm, "debt_ratio", 1.0), DEBT_RATIO_POINTS, at_least=False)
    sector = SECTOR_POINTS[
        "strategic_emerging" if flag(firm.get("strategic_emerging")) else "other"
    ]
    share = _banded(_num(firm, "main_business_share"), MAIN_SHARE_POINTS)
    points = {
        "ip": ip,
        "rd_ratio": rd,
        "revenue_growth": growth,
        "debt_ratio": debt,
        "sector": sector,
        "main_share": share,
        "innovation": ip + rd,
        "growth": growth + debt,
        "specialisation": sector + share,
    }
    points["total"] = points["innovation"] + points["growth"] + points["specialisation"]
    return points


def innovative_sme_score(firm: Mapping[str, object]) -> float:
    """The innovative-SME evaluation score (0–100)."""
    return innovative_sme_points(firm)["total"]


def innovative_sme_direct_route(firm: Mapping[str, object]) -> bool:
    """Direct route instead of the score: high-tech certificate, provincial-or-higher S&T award,
    provincial-or-higher R&D institution, or ≥ 500 万元 equity financing in 3 years."""
    return (
        flag(firm.get("high_tech_cert"))
        or flag(firm.get("st_award"))
        or rd_institution_level(firm) in {"provincial", "national"}
        or _num(firm, "equity_financing_3y") >= INNOVATIVE_SME_DIRECT_EQUITY
    )


def check_innovative_sme(firm: Mapping[str, object]) -> RungCheck:
    """Innovative SME: score ≥ 60 with innovation ≥ 20, growth ≥ 15, specialisation ≥ 15, or a direct
    route."""
    points = innovative_sme_points(firm)
    direct = innovative_sme_direct_route(firm)
    criteria = [_criterion("innovation_score", points["total"], INNOVATIVE_SME_PASS)]
    for part, minimum in INNOVATIVE_SME_SUB_MINIMUMS.items():
        criteria.append(_criterion(f"{part}_points", points[part], minimum))
    by_score = all(c.met for c in criteria)
    criteria.append(
        _criterion("direct_route", 1.0 if direct else 0.0, 1.0)._replace(alternative=True)
    )
    if direct:
        route = "direct"
    elif by_score:
        route = "criteria"
    else:
        route = ""
    return RungCheck("innovative_sme", bool(route), route, tuple(criteria))


# ---------------------------------------------------------------------------------------------------
# Provincial SRDI
# ---------------------------------------------------------------------------------------------------


def srdi_points(firm: Mapping[str, object]) -> dict[str, float]:
    """A proxy of the provincial SRDI evaluation (13 indicators, 100 points) from the data we hold. [E]

    Returns ``specialisation`` (of 25), ``refinement`` (of 25), ``local_features`` (of 15),
    ``innovation`` (of 35) and ``total``. Refinement uses ``refinement_index`` (0–1, digitalisation,
    quality management and margin as judged by the district; 0.5 when missing).
    """
    share = _num(firm, "main_business_share")
    growth2 = _num(firm, "growth_2y_avg")
    years = _num(firm, "years_in_niche")
    specialisation = (
        _banded(share, ((0.8, 5.0), (0.7, 4.0), (0.6, 2.0)))
        + _banded(growth2, ((0.15, 10.0), (0.10, 8.0), (0.05, 6.0), (0.0, 3.0)))
        + _banded(years, ((10.0, 5.0), (5.0, 3.0), (2.0, 1.0)))
        + (5.0 if flag(firm.get("strategic_emerging")) else 2.0)
    )
    refinement_index = min(1.0, max(0.0, _num(firm, "refinement_index", 0.5)))
    refinement = (
        _banded(_num(firm, "debt_ratio", 1.0), ((0.5, 5.0), (0.7, 3.0)), at_least=False)
        + 20.0 * refinement_index
    )
    niche = _num(firm, "niche_market_share")
    local_features = 10.0 + _banded(niche, ((0.05, 5.0), (0.02, 3.0)))
    level_points = {"national": 10.0, "provincial": 8.0, "city": 4.0, "none": 0.0}
    innovation = (
        _banded(_num(firm, "ip_class1"), ((5.0, 10.0), (3.0, 8.0), (1.0, 5.0)))
        + _banded(
            _num(firm, "rd_expense"), ((1000.0, 10.0), (500.0, 8.0), (300.0, 6.0), (100.0, 4.0))
        )
        + _banded(_num(firm, "rd_ratio"), ((0.06, 5.0), (0.04, 3.0), (0.03, 1.0)))
        + level_points[rd_institution_level(firm)]
    )
    points = {
        "specialisation": specialisation,
        "refinement": refinement,
        "local_features": local_features,
        "innovation": innovation,
    }
    points["total"] = sum(points.values())
    return points


def srdi_score(firm: Mapping[str, object]) -> float:
    """The proxy SRDI evaluation score (0–100). [E]"""
    return srdi_points(firm)["total"]


def check_srdi(firm: Mapping[str, object]) -> RungCheck:
    """Provincial SRDI SME: already an innovative SME; ≥ 2 years in its niche; R&D ≥ 100 万元 and
    ≥ 3 % of revenue; revenue ≥ 1000 万元 (or ≥ 2000 万元 equity financing); SRDI score ≥ 60 (or an
    alternative route: an S&T award or ≥ 3000 万元 recent equity financing)."""
    tier = str(firm.get("quality_tier", "none") or "none")
    revenue_ok = (
        _num(firm, "revenue") >= SRDI_MIN_REVENUE
        or _num(firm, "equity_financing_3y") >= SRDI_ALT_EQUITY
    )
    alt_route = (
        flag(firm.get("st_award")) or _num(firm, "equity_financing_3y") >= SRDI_ALT_ROUTE_EQUITY
    )
    score = srdi_score(firm)
    criteria = (
        _criterion("is_innovative_sme", 1.0 if quality_rank(tier) >= 1 else 0.0, 1.0),
        _criterion("years_in_niche", _num(firm, "years_in_niche"), SRDI_MIN_YEARS),
        _criterion("rd_expense", _num(firm, "rd_expense"), SRDI_MIN_RD_EXPENSE),
        _criterion("rd_ratio", _num(firm, "rd_ratio"), SRDI_MIN_RD_RATIO),
        # shown against the revenue threshold; met also by the equity-financing alternative
        CriterionResult(
            "revenue_or_equity",
            _num(firm, "revenue"),
            SRDI_MIN_REVENUE,
            bool(revenue_ok),
            0.0 if revenue_ok else SRDI_MIN_REVENUE - _num(firm, "revenue"),
        ),
        # the score criterion counts as met by the alternative route too
        CriterionResult(
            "srdi_score",
            score,
            SRDI_PASS,
            bool(score >= SRDI_PASS or alt_route),
            0.0 if (score >= SRDI_PASS or alt_route) else SRDI_PASS - score,
        ),
    )
    eligible = all(c.met for c in criteria)
    route = ("direct" if alt_route and score < SRDI_PASS else "criteria") if eligible else ""
    return RungCheck("srdi", eligible, route, criteria)


# ---------------------------------------------------------------------------------------------------
# Little giant and single champion
# ---------------------------------------------------------------------------------------------------


def little_giant_rd_ratio_threshold(revenue: float) -> float:
    """R&D / revenue a little giant needs: 3 % at revenue ≥ 10,000 万元, else 6 %."""
    return (
        LITTLE_GIANT_RD_RATIO_LARGE
        if revenue >= LITTLE_GIANT_LARGE_REVENUE
        else LITTLE_GIANT_RD_RATIO_SMALL
    )


def check_little_giant(firm: Mapping[str, object]) -> RungCheck:
    """National little giant: already SRDI; ≥ 3 years in niche; main-business share ≥ 70 %; 2-year
    average growth ≥ 5 %; debt ≤ 70 %; national niche share ≥ 10 %; R&D ≥ 3 % (revenue ≥ 1 亿) or
    ≥ 6 %; own or joint R&D institution; ≥ 2 class-I IP items."""
    tier = str(firm.get("quality_tier", "none") or "none")
    revenue = _num(firm, "revenue")
    criteria = (
        _criterion("is_srdi", 1.0 if quality_rank(tier) >= 2 else 0.0, 1.0),
        _criterion("years_in_niche", _num(firm, "years_in_niche"), LITTLE_GIANT_MIN_YEARS),
        _criterion(
            "main_business_share", _num(firm, "main_business_share"), LITTLE_GIANT_MIN_MAIN_SHARE
        ),
        _criterion("growth_2y_avg", _num(firm, "growth_2y_avg"), LITTLE_GIANT_MIN_GROWTH_2Y),
        _criterion("debt_ratio", _num(firm, "debt_ratio", 1.0), LITTLE_GIANT_MAX_DEBT, "<="),
        _criterion(
            "niche_market_share", _num(firm, "niche_market_share"), LITTLE_GIANT_MIN_NICHE_SHARE
        ),
        _criterion("rd_ratio", _num(firm, "rd_ratio"), little_giant_rd_ratio_threshold(revenue)),
        _criterion("has_rd_institution", 0.0 if rd_institution_level(firm) == "none" else 1.0, 1.0),
        _criterion("ip_class1", _num(firm, "ip_class1"), LITTLE_GIANT_MIN_CLASS1_IP),
    )
    eligible = all(c.met for c in criteria)
    return RungCheck("little_giant", eligible, "criteria" if eligible else "", criteria)


def check_champion(firm: Mapping[str, object], level: str = "provincial") -> RungCheck:
    """Manufacturing single champion.

    Provincial: first in Shandong and top 5 nationally in its product. National: ≥ 10 years in the
    field, global top 3, and (in Shandong) already a provincial champion. Ranks come from the
    ``provincial_rank``, ``national_rank`` and ``global_rank`` columns (missing = not ranked).
    """
    unranked = 999.0
    criteria: tuple[CriterionResult, ...]
    if level == "provincial":
        criteria = (
            _criterion(
                "provincial_rank",
                _num(firm, "provincial_rank", unranked),
                CHAMPION_PROVINCIAL_RANK,
                "<=",
            ),
            _criterion(
                "national_rank", _num(firm, "national_rank", unranked), CHAMPION_NATIONAL_RANK, "<="
            ),
        )
    elif level == "national":
        tier = str(firm.get("quality_tier", "none") or "none")
        criteria = (
            _criterion("is_provincial_champion", 1.0 if tier == "champion" else 0.0, 1.0),
            _criterion("years_in_niche", _num(firm, "years_in_niche"), CHAMPION_NATIONAL_MIN_YEARS),
            _criterion(
                "global_rank", _num(firm, "global_rank", unranked), CHAMPION_GLOBAL_RANK, "<="
            ),
        )
    else:
        raise ValueError(f"unknown champion level {level!r}: use 'provincial' or 'national'")
    eligible = all(c.met for c in criteria)
    return RungCheck("champion", eligible, "criteria" if eligible else "", criteria)


CHECKS = {
    "above_size": check_above_size,
    "innovative_sme": check_innovative_sme,
    "srdi": check_srdi,
    "little_giant": check_little_giant,
    "champion": check_champion,
    "ten_billion": check_ten_billion,
}


def check_rung(firm: Mapping[str, object], rung: str) -> RungCheck:
    """Check ``firm`` against ``rung`` (one of `RUNGS`); the firm checklist's entry point."""
    if rung not in CHECKS:
        raise ValueError(f"unknown rung {rung!r}; expected one of {', '.join(RUNGS)}")
    return CHECKS[rung](firm)


def checklist_frame(firm: Mapping[str, object], rung: str) -> pd.DataFrame:
    """A firm's plain checklist (明白纸) for one rung, one row per criterion.

    Parameters
    ----------
    firm : mapping
        The firm's attributes (a row of the ``enterprises`` sheet).
    rung : str
        One of `RUNGS`.

    Returns
    -------
    pandas.DataFrame
        Columns ``criterion, label_zh, label_en, value, comparison, threshold, met, gap,
        alternative``, in the order a checklist shows them.
    """
    rows = []
    for c in check_rung(firm, rung).criteria:
        label_zh, label_en = CRITERION_LABELS.get(c.name, (c.name, c.name))
        rows.append(
            {
                "criterion": c.name,
                "label_zh": label_zh,
                "label_en": label_en,
                "value": c.value,
                "comparison": c.comparison,
                "threshold": c.threshold,
                "met": c.met,
                "gap": c.gap,
                "alternative": c.alternative,
            }
        )
    return pd.DataFrame(rows)
