"""The enterprise ladder's thresholds and scoring rules (docs/domain.md §2) as data and pure functions.

Every check returns one `CriterionResult` per criterion (name, value, threshold, met, gap), so the same
code scores the demo city's candidates and writes a firm's plain checklist (明白纸): what it has, what
the rule asks for and how far it is short. `year_outlook` then says, per rung, which gaps support can
still close this year and which fail on last year's figures (no chance this year, a goal for next year).

Firms are plain mappings (a dict or a pandas row) with the column names of the ``enterprises`` sheet;
ratios are fractions (0.031 for 3.1 %), money is 万元. Recognition in a year is judged on the previous
year's figures (docs/domain.md §2, "Judged on last year's data"):

- ``revenue``: this year's revenue (expected or annualised) — only 升规 and 百亿 are judged on it;
- ``revenue_last_year``: 上年度营业收入, what the quality rungs use (``revenue`` when the column is absent);
- ``rd_expense``, ``rd_ratio``, ``revenue_growth``, ``growth_2y_avg``, ``debt_ratio``, ``net_margin``,
  ``main_business_share``, ``rd_staff_share``, ``niche_market_share``: last year's (上年度) figures;
  ``rd_expense_prev`` / ``rd_ratio_prev`` the year before (last year's value when absent [E]);
- ``sector``: GB/T 4754 section letter (``C`` = manufacturing; blank is read as the 工信局's list of
  industrial firms, i.e. ``C``); ``employees``: 从业人员 (blank: the SME rule is judged on revenue alone).

Sources: 《优质中小企业梯度培育管理暂行办法》(工信部企业〔2022〕63号) and its three annexes, 《中小企业划型
标准规定》(工信部联企业〔2011〕300号), Shandong's provincial single-champion rules and Weihai's 百亿 award;
docs/domain.md §2 gives each rule's article and the evidence notes. Values marked [E] are estimates or
readings of thin evidence; they are module constants a deployment may edit.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from data.vocabulary import CRITERION_LABELS, QUALITY_TIERS, RUNGS, SIZE_TIERS

# ---------------------------------------------------------------------------------------------------
# Thresholds (万元 and fractions); bands are (at least, points), best first, unless said otherwise
# ---------------------------------------------------------------------------------------------------

ABOVE_SIZE_REVENUE = (
    2000.0  # 规上工业: main-business revenue ≥ 2,000 万元 (national statistical rule)
)
TEN_BILLION_REVENUE = 1_000_000.0  # 百亿企业: revenue ≥ 100 亿元

# Which rungs take manufacturers only (GB/T 4754 section C): the city's manufacturing ladders
# (docs/domain.md §2, "Manufacturing only").
MANUFACTURING_SECTIONS = frozenset({"C"})
# Criteria measured as a share of revenue or a growth rate (fractions), and those in 万元: the
# 明白纸 and the ladder's lists write them as percentages and as money.
SHARE_CRITERIA = frozenset(
    {
        "rd_ratio",
        "rd_ratio_2y_min",
        "rd_staff_share",
        "main_product_share",
        "debt_ratio",
        "main_business_share",
        "growth_2y_avg",
        "niche_market_share",
        "revenue_growth",
    }
)
MONEY_CRITERIA = frozenset(
    {
        "revenue",
        "rd_expense",
        "revenue_or_equity",
        "equity_financing_2y",
        "rd_expense_2y",
        "sales_3y_min",
    }
)
# Criteria that are a yes or a no (a route taken, a certificate held, a status), not a figure
# against a threshold: the 明白纸 and the ladder's lists say 已满足 / 尚不具备 for them.
YES_NO_CRITERIA = frozenset(
    {
        "direct_route",
        "srdi_direct_route",
        "little_giant_direct_route",
        "manufacturing",
        "sme",
        "management_certified",
        "own_brand",
        "chain_key_role",
        "key_field",
        "application_ready",
        "is_innovative_sme",
        "is_srdi",
        "has_rd_institution",
        "is_provincial_champion",
    }
)
MANUFACTURING_RUNGS = frozenset({"above_size", "srdi", "little_giant", "champion"})
# Which rungs take SMEs only (63号: the 优质中小企业 are 中小企业; the single champion is not).
SME_RUNGS = frozenset({"innovative_sme", "srdi", "little_giant"})
# 中小企业划型标准规定 (工信部联企业〔2011〕300号) art. 4, industry: fewer than 1,000 employees OR revenue
# under 40,000 万元 is a small, medium or micro firm.
SME_MAX_EMPLOYEES = 1000.0
SME_MAX_REVENUE = 40_000.0

# --- 创新型中小企业 (63号 annex 1) --------------------------------------------------------------------
INNOVATIVE_SME_PASS = 60.0
INNOVATIVE_SME_SUB_MINIMUMS = {"innovation": 20.0, "growth": 15.0, "specialisation": 15.0}
# Indicator 1, IP on the main product: Ⅰ类高价值 20 / 自主研发Ⅰ类 15 / Ⅰ类 10 / Ⅱ类 5 / none 0
IP_POINTS = {"class1_high_value": 20.0, "class1_own": 15.0, "class1": 10.0, "class2": 5.0}
# Indicator 2, last year's R&D: total OR share of revenue, whichever band is higher
RD_AMOUNT_POINTS = ((500.0, 20.0), (400.0, 15.0), (300.0, 10.0), (200.0, 5.0))
RD_RATIO_POINTS = ((0.10, 20.0), (0.08, 15.0), (0.06, 10.0), (0.03, 5.0))
REVENUE_GROWTH_POINTS = ((0.15, 20.0), (0.10, 15.0), (0.05, 10.0), (0.0, 5.0))
DEBT_RATIO_POINTS = ((0.55, 10.0), (0.75, 5.0))  # (at most, points)
SECTOR_POINTS = {"strategic_emerging": 10.0, "other": 5.0}
MAIN_SHARE_POINTS = ((0.70, 20.0), (0.60, 15.0), (0.55, 10.0), (0.50, 5.0))
INNOVATIVE_SME_DIRECT_EQUITY = 500.0  # direct route: ≥ 500 万元 new equity in 3 years

# --- 省级专精特新中小企业 (63号 annex 2) ----------------------------------------------------------------
SRDI_MIN_YEARS = 2.0
SRDI_MIN_RD_EXPENSE = 100.0  # last year's R&D ≥ 100 万元 ...
SRDI_MIN_RD_RATIO = 0.03  # ... and ≥ 3 % of revenue
SRDI_MIN_REVENUE = 1000.0  # last year's revenue ≥ 1,000 万元 ...
SRDI_ALT_EQUITY = 2000.0  # ... or new equity ≥ 2,000 万元 over the last two years
SRDI_PASS = 60.0
SRDI_SCORE_MAX = {
    "specialisation": 25.0,
    "refinement": 25.0,
    "local_features": 15.0,
    "innovation": 35.0,
}
# The 13 indicators' bands
SRDI_MAIN_SHARE_POINTS = ((0.80, 5.0), (0.70, 3.0), (0.60, 1.0))
SRDI_GROWTH_POINTS = ((0.10, 10.0), (0.08, 8.0), (0.06, 6.0), (0.04, 4.0), (0.0, 2.0))
SRDI_YEARS_PER_POINT = 2.0  # one point per full two years in the niche, at most 5
SRDI_YEARS_MAX_POINTS = 5.0
SRDI_CHAIN_POINTS = {"key": 5.0, "base": 3.0}  # 补短板/锻长板/填空白 5; 工业六基/老字号/链主配套 3
SRDI_DIGITAL_POINTS = ((3.0, 5.0), (2.0, 3.0))  # 数字化水平 level (1–4)
SRDI_QUALITY_POINTS_PER_ITEM = 3.0  # 质量管理水平: 3 per item, at most 5
SRDI_QUALITY_MAX_POINTS = 5.0
SRDI_NET_MARGIN_POINTS = ((0.10, 10.0), (0.08, 8.0), (0.06, 6.0), (0.04, 4.0), (0.02, 2.0))
SRDI_DEBT_POINTS = ((0.50, 5.0), (0.60, 3.0), (0.70, 1.0))  # (at most, points)
SRDI_LOCAL_MAX_POINTS = 15.0  # 特色化: the province's own 1–3 indicators, scored by the province
SRDI_IP_POINTS = {"class1_high_value": 10.0, "class1_own": 8.0, "class1": 6.0, "class2": 2.0}
SRDI_RD_AMOUNT_POINTS = ((500.0, 10.0), (400.0, 8.0), (300.0, 6.0), (200.0, 4.0))
SRDI_RD_RATIO_POINTS = ((0.10, 10.0), (0.08, 8.0), (0.06, 6.0), (0.03, 4.0))
SRDI_RD_STAFF_POINTS = ((0.20, 5.0), (0.10, 3.0), (0.05, 1.0))
SRDI_INSTITUTION_POINTS = {"national": 10.0, "provincial": 8.0, "city": 4.0, "below_city": 2.0}
# Direct routes instead of the score
SRDI_AWARD_RANK = {"provincial": 3.0, "national": 5.0}  # S&T award in 3 years, rank among winners
SRDI_DIRECT_RD_2Y_AVG = 1000.0  # two-year average R&D ≥ 1,000 万元
SRDI_DIRECT_EQUITY_2Y = 6000.0  # new equity ≥ 6,000 万元 over two years
# (创客中国 national top 500 within 3 years: the ``chuangke_top500`` flag)

# --- 专精特新"小巨人"企业 (63号 annex 3) ---------------------------------------------------------------
LITTLE_GIANT_MIN_YEARS = 3.0
LITTLE_GIANT_MIN_MAIN_SHARE = 0.70
LITTLE_GIANT_MIN_GROWTH_2Y = 0.05
LITTLE_GIANT_MAX_DEBT = 0.70
LITTLE_GIANT_MIN_NICHE_SHARE = 0.10
LITTLE_GIANT_RD_RATIO_LARGE = (
    0.03  # last year's revenue ≥ 1 亿元: R&D ≥ 3 % in both of the last 2 years
)
LITTLE_GIANT_RD_RATIO_SMALL = 0.06  # 5,000 万–1 亿元: ≥ 6 % in both years
LITTLE_GIANT_LARGE_REVENUE = 10_000.0
LITTLE_GIANT_SMALL_REVENUE = 5000.0  # below it: the equity, R&D and R&D-staff branch
LITTLE_GIANT_SMALL_EQUITY_2Y = 8000.0
LITTLE_GIANT_SMALL_RD_2Y = 3000.0  # [E reading: R&D over the same two years]
LITTLE_GIANT_SMALL_RD_STAFF = 0.50
LITTLE_GIANT_MIN_CLASS1_IP = 2.0
LITTLE_GIANT_AWARD_RANK = 3.0  # direct route: national S&T award in 3 years, rank ≤ 3

# --- 制造业单项冠军 (Shandong provincial rules; national: 工信部) ----------------------------------------
CHAMPION_PROVINCIAL_RANK = 1.0  # first in Shandong ...
CHAMPION_NATIONAL_RANK = 5.0  # ... and top 5 nationally in its product
CHAMPION_MIN_YEARS = 3.0  # ≥ 3 years in the field
CHAMPION_MIN_SALES = 40_000.0  # ≥ 4 亿元 sales in each of the last three years ...
CHAMPION_SRDI_MIN_SALES = 10_000.0  # ... or a little giant, or an SRDI firm with ≥ 1 亿元 sales
CHAMPION_MIN_MAIN_PRODUCT_SHARE = 0.70
CHAMPION_NATIONAL_MIN_YEARS = 10.0
CHAMPION_GLOBAL_RANK = 3.0

# --- 百亿企业: goal and award (docs/domain.md §3) ------------------------------------------------------
TEN_BILLION_GOAL_FLOOR = 1  # "1–2 new 百亿 firms": the floor ...
TEN_BILLION_GOAL_STRETCH = 2  # ... and the stretch
TEN_BILLION_STEP = 1_000_000.0  # one 百亿 step, 万元
TEN_BILLION_STEP_AWARD = 1000.0  # 万元 per further step (威政办发〔2023〕20号 一(一))
TEN_BILLION_FIRST_CROSSING_AWARD = (
    1000.0  # 万元 at the first crossing [E: 2023 text not held in full]
)

# --- What support can still change this year ----------------------------------------------------------
# IP: an invention patent through fast pre-examination can be granted this year; the high-value and
# self-developed tiers are not assumed [E].
IP_TIER_REACHABLE_THIS_YEAR = "class1"
# R&D institution: a city-level centre can be set up and recognised this year [E].
RD_INSTITUTION_REACHABLE_THIS_YEAR = "city"
DIGITAL_LEVEL_REACHABLE_THIS_YEAR = 2.0  # a digital-transformation diagnosis lifts level 1 to 2 [E]
QUALITY_ITEMS_ADDED_THIS_YEAR = 1.0  # one more certification (e.g. ISO 9001) [E]
# Application deadlines (month, day) of the usual yearly batch in Shandong [E: the notice of each year
# sets them]; the innovative-SME evaluation is open all year.
APPLICATION_DEADLINES: dict[str, tuple[int, int]] = {
    "srdi": (6, 30),
    "little_giant": (6, 30),
    "champion": (7, 31),
}

# Every column of the enterprises sheet the rules read (docs/domain.md §2), for whoever fills the sheet.
FIRM_COLUMNS: dict[str, str] = {
    "sector": "GB/T 4754 section letter (C = manufacturing); blank reads as C",
    "employees": "从业人员 (SME rule); blank: revenue alone decides",
    "revenue": "this year's revenue, 万元 (升规, 百亿)",
    "revenue_last_year": "上年度营业收入, 万元 (quality rungs); blank: revenue",
    "revenue_growth": "last year's main-business revenue growth",
    "growth_2y_avg": "two-year average main-business revenue growth",
    "rd_expense": "last year's R&D, 万元",
    "rd_expense_prev": "the year before last's R&D, 万元; blank: rd_expense",
    "rd_ratio": "last year's R&D / revenue",
    "rd_ratio_prev": "the year before last's R&D / revenue; blank: rd_ratio",
    "rd_staff_share": "R&D staff / all staff",
    "debt_ratio": "last year's debt ratio",
    "net_margin": "last year's net profit margin",
    "main_business_share": "main-business revenue / revenue",
    "main_product_share": "main product sales / main-business revenue (champion)",
    "ip_class1_high_value": "count of 高价值 class-I IP on the main product",
    "ip_class1_own": "count of self-developed class-I IP",
    "ip_class1": "count of class-I IP",
    "ip_other": "count of class-II IP",
    "years_in_niche": "years in the niche market",
    "years_in_field": "years in the field (champion); blank: years_in_niche",
    "strategic_emerging": "Y/N: main product in 战略性新兴产业分类",
    "high_tech_cert": "Y/N: a valid 高企 or similar title",
    "st_award": "Y/N: national or provincial S&T award in 3 years",
    "st_award_level": "national / provincial",
    "st_award_rank": "the firm's rank among the award's winners",
    "equity_financing_2y": "new equity over two years, 万元; blank: equity_financing_3y",
    "equity_financing_3y": "new equity over three years, 万元",
    "chuangke_top500": "Y/N: 创客中国 national top 500 in 3 years",
    "chuangke_top50": "Y/N: 创客中国 national top 50 in 3 years",
    "chain_role": "key (补短板/锻长板/填空白) / base (工业六基, 老字号, chain-leader supplier) / blank",
    "digital_level": "数字化水平 level 1–4",
    "quality_items": "number of quality-management items (award, certification, brand, standards)",
    "local_feature_points": "特色化 points as the province scores them (0–15)",
    "rd_institution_level": "none / below_city / city / provincial / national",
    "has_rd_institution": "Y/N when the level is not held (read as provincial)",
    "niche_market_share": "national niche market share",
    "management_certified": "Y/N: management-system certification (小巨人 精); blank: attested",
    "own_brand": "Y/N: own brand (小巨人 特); blank: attested",
    "key_field": "Y/N: main product in a key field (小巨人 品); blank: attested",
    "sales_3y_min": "lowest annual sales of the last three years, 万元 (champion)",
    "provincial_rank": "rank of the main product in Shandong",
    "national_rank": "national rank of the main product",
    "global_rank": "global rank of the main product",
    "quality_tier": "the firm's current quality tier",
    "application_ready": "Y/N: the application is complete; N is a gap coaching closes",
}

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
    """``none``, ``below_city``, ``city``, ``provincial`` or ``national``: ``rd_institution_level``
    if present, else ``has_rd_institution`` read as a provincial-level institution."""
    level = str(firm.get("rd_institution_level", "") or "").strip()
    if level in {"none", "below_city", "city", "provincial", "national"}:
        return level
    return "provincial" if flag(firm.get("has_rd_institution")) else "none"


def quality_rank(tier: str) -> int:
    """Position of a quality tier on the ladder (``none`` = 0 ... ``champion`` = 4)."""
    return QUALITY_LADDER.index(tier) if tier in QUALITY_LADDER else 0


def next_quality_rung(tier: str) -> str | None:
    """The next quality rung above ``tier`` (``None`` for a champion)."""
    rank = quality_rank(tier)
    return QUALITY_LADDER[rank + 1] if rank + 1 < len(QUALITY_LADDER) else None


def _yes(name: str, ok: bool) -> CriterionResult:
    """A yes/no criterion (1 = yes, needs 1)."""
    return _criterion(name, 1.0 if ok else 0.0, 1.0)


def revenue_last_year(firm: Mapping[str, object]) -> float:
    """上年度营业收入 (万元): ``revenue_last_year``, else ``revenue`` (a sheet holding one year only)."""
    if _present(firm, "revenue_last_year"):
        return _num(firm, "revenue_last_year")
    return _num(firm, "revenue")


def _present(firm: Mapping[str, object], key: str) -> bool:
    value = firm.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    try:
        return not math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _prev(firm: Mapping[str, object], key: str, last: str) -> float:
    """The year before last's figure; last year's when the sheet does not hold it [E]."""
    return _num(firm, key) if _present(firm, key) else _num(firm, last)


def equity_2y(firm: Mapping[str, object]) -> float:
    """New equity (合格机构投资者实缴) over the last two years, 万元; the 3-year figure when the 2-year
    one is not held [E: an upper bound]."""
    return _prev(firm, "equity_financing_2y", "equity_financing_3y")


def sector(firm: Mapping[str, object]) -> str:
    """The GB/T 4754 section letter; blank reads as ``C`` (the 工信局's list of industrial firms)."""
    text = str(firm.get("sector", "") or "").strip().upper()
    return text[:1] if text and text != "NAN" else "C"


def is_manufacturing(firm: Mapping[str, object]) -> bool:
    """Whether the firm is a manufacturer (GB/T 4754 section C)."""
    return sector(firm) in MANUFACTURING_SECTIONS


def is_sme(firm: Mapping[str, object]) -> bool:
    """An industrial SME by 工信部联企业〔2011〕300号: fewer than 1,000 employees or last year's revenue
    under 40,000 万元 (employees blank: revenue alone decides)."""
    few = _present(firm, "employees") and _num(firm, "employees") < SME_MAX_EMPLOYEES
    return few or revenue_last_year(firm) < SME_MAX_REVENUE


def _gate(firm: Mapping[str, object], rung: str) -> list[CriterionResult]:
    """The manufacturing and SME conditions of ``rung`` (the first criteria of its check)."""
    out = []
    if rung in MANUFACTURING_RUNGS:
        out.append(_yes("manufacturing", is_manufacturing(firm)))
    if rung in SME_RUNGS:
        out.append(_yes("sme", is_sme(firm)))
    return out


def ip_tier(firm: Mapping[str, object]) -> str:
    """The best IP tier on the main product: ``class1_high_value``, ``class1_own``, ``class1``,
    ``class2`` or ``none`` (from the counts ``ip_class1_high_value``, ``ip_class1_own``,
    ``ip_class1``, ``ip_other``)."""
    if _num(firm, "ip_class1_high_value") >= 1:
        return "class1_high_value"
    if _num(firm, "ip_class1_own") >= 1:
        return "class1_own"
    if _num(firm, "ip_class1") >= 1:
        return "class1"
    if _num(firm, "ip_other") >= 1:
        return "class2"
    return "none"


_IP_ORDER = ("none", "class2", "class1", "class1_own", "class1_high_value")


def _best_ip(tier: str, reachable: str) -> str:
    return max(tier, reachable, key=_IP_ORDER.index)


def _banded_held(
    firm: Mapping[str, object], key: str, bands: tuple[tuple[float, float], ...]
) -> float:
    """Banded points of a figure, 0 when the figure is not held (a blank growth is no 0 % growth)."""
    return _banded(_num(firm, key), bands) if _present(firm, key) else 0.0


def _rd_points(
    firm: Mapping[str, object],
    amounts: tuple[tuple[float, float], ...],
    ratios: tuple[tuple[float, float], ...],
) -> float:
    """Last year's R&D: the better of the amount band and the share-of-revenue band."""
    return max(_banded(_num(firm, "rd_expense"), amounts), _banded(_num(firm, "rd_ratio"), ratios))


def _text(firm: Mapping[str, object], key: str) -> str:
    value = firm.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def flag_no(value: object) -> bool:
    """A yes/no cell that explicitly says no (``N``, ``否``, ``0``, False); blank is not a no."""
    if value is None or isinstance(value, bool):
        return value is False
    if isinstance(value, (int, float)):
        return not (isinstance(value, float) and math.isnan(value)) and value == 0
    return str(value).strip().upper() in {"N", "NO", "FALSE", "0", "否"}


def may_be_on(firm: Mapping[str, object], rung: str) -> bool:
    """Whether ``rung``'s ladder takes the firm at all: manufacturers only where the city's ladder says
    so, SMEs only where 63号 says so (docs/domain.md §2, "Who may be on which ladder")."""
    return all(c.met for c in _gate(firm, rung))


def next_quality_rung_for(firm: Mapping[str, object]) -> str | None:
    """The next quality rung the firm may be on: above its tier, skipping rungs whose ladder does not
    take it (a manufacturer grown beyond an SME goes from SRDI to the single champion; a services firm
    stops at the innovative SME). None when there is none."""
    rank = quality_rank(str(firm.get("quality_tier", "none") or "none"))
    for rung in QUALITY_LADDER[rank + 1 :]:
        if may_be_on(firm, rung):
            return rung
    return None


# ---------------------------------------------------------------------------------------------------
# Size rungs: judged on this year's revenue, so support this year can move them
# ---------------------------------------------------------------------------------------------------


def check_above_size(firm: Mapping[str, object]) -> RungCheck:
    """Above-designated-size industrial firm (规上工业): a manufacturer with revenue ≥ 2,000 万元 this
    year."""
    criteria = (
        *_gate(firm, "above_size"),
        _criterion("revenue", _num(firm, "revenue"), ABOVE_SIZE_REVENUE),
    )
    eligible = all(c.met for c in criteria)
    return RungCheck("above_size", eligible, "criteria" if eligible else "", criteria)


def check_ten_billion(firm: Mapping[str, object]) -> RungCheck:
    """Ten-billion firm (百亿企业): revenue this year ≥ 1,000,000 万元 (100 亿元)."""
    c = _criterion("revenue", _num(firm, "revenue"), TEN_BILLION_REVENUE)
    return RungCheck("ten_billion", c.met, "criteria" if c.met else "", (c,))


def ten_billion_steps(base_revenue: float, revenue: float) -> list[int]:
    """The 百亿 steps (1 = 100 亿, 2 = 200 亿, …) crossed from ``base_revenue`` to ``revenue``."""
    below = max(0, math.floor(base_revenue / TEN_BILLION_STEP + 1e-12))
    above = max(0, math.floor(revenue / TEN_BILLION_STEP + 1e-12))
    return list(range(below + 1, above + 1))


def ten_billion_award(base_revenue: float, revenue: float) -> float:
    """Award (万元) for the 百亿 steps crossed this year: the first crossing of 100 亿元 and each further
    100 亿元 step (docs/domain.md §3). ``base_revenue`` is the base period's (the highest so far)."""
    return sum(
        TEN_BILLION_FIRST_CROSSING_AWARD if step == 1 else TEN_BILLION_STEP_AWARD
        for step in ten_billion_steps(base_revenue, revenue)
    )


# ---------------------------------------------------------------------------------------------------
# Innovative SME (63号 annex 1)
# ---------------------------------------------------------------------------------------------------


def innovative_sme_points(
    firm: Mapping[str, object], *, best_this_year: bool = False
) -> dict[str, float]:
    """Points per indicator of the innovative-SME evaluation (six indicators, 100 in all).

    Returns ``ip``, ``rd_ratio`` (the R&D indicator: amount or share), ``revenue_growth``,
    ``debt_ratio``, ``sector``, ``main_share`` and the sub-totals ``innovation`` (of 40), ``growth``
    (of 30), ``specialisation`` (of 30), ``total``. With ``best_this_year`` the IP indicator is taken at
    what filings can still reach this year (`IP_TIER_REACHABLE_THIS_YEAR`); the others are last year's.
    """
    tier = ip_tier(firm)
    if best_this_year:
        tier = _best_ip(tier, IP_TIER_REACHABLE_THIS_YEAR)
    ip = IP_POINTS.get(tier, 0.0)
    rd = _rd_points(firm, RD_AMOUNT_POINTS, RD_RATIO_POINTS)
    growth = _banded_held(firm, "revenue_growth", REVENUE_GROWTH_POINTS)
    debt = _banded(_num(firm, "debt_ratio", 1.0), DEBT_RATIO_POINTS, at_least=False)
    sector_points = SECTOR_POINTS[
        "strategic_emerging" if flag(firm.get("strategic_emerging")) else "other"
    ]
    share = _banded(_num(firm, "main_business_share"), MAIN_SHARE_POINTS)
    points = {
        "ip": ip,
        "rd_ratio": rd,
        "revenue_growth": growth,
        "debt_ratio": debt,
        "sector": sector_points,
        "main_share": share,
        "innovation": ip + rd,
        "growth": growth + debt,
        "specialisation": sector_points + share,
    }
    points["total"] = points["innovation"] + points["growth"] + points["specialisation"]
    return points


def innovative_sme_score(firm: Mapping[str, object]) -> float:
    """The innovative-SME evaluation score (0–100)."""
    return innovative_sme_points(firm)["total"]


def innovative_sme_direct_route(firm: Mapping[str, object]) -> bool:
    """Direct route instead of the score (63号 annex 1 art. 2): a national or provincial S&T award in
    3 years; a valid 高新技术企业 (or 技术创新示范/知识产权优势/示范企业) title; a recognised
    provincial-or-higher R&D institution; ≥ 500 万元 new equity in 3 years."""
    return (
        flag(firm.get("high_tech_cert"))
        or flag(firm.get("st_award"))
        or rd_institution_level(firm) in {"provincial", "national"}
        or _num(firm, "equity_financing_3y") >= INNOVATIVE_SME_DIRECT_EQUITY
    )


def _innovative_score_criteria(points: Mapping[str, float]) -> list[CriterionResult]:
    out = [_criterion("innovation_score", points["total"], INNOVATIVE_SME_PASS)]
    for part, minimum in INNOVATIVE_SME_SUB_MINIMUMS.items():
        out.append(_criterion(f"{part}_points", points[part], minimum))
    return out


def check_innovative_sme(firm: Mapping[str, object]) -> RungCheck:
    """Innovative SME: an SME; score ≥ 60 with innovation ≥ 20, growth ≥ 15, specialisation ≥ 15, or a
    direct route."""
    gate = _gate(firm, "innovative_sme")
    scored = _innovative_score_criteria(innovative_sme_points(firm))
    direct = innovative_sme_direct_route(firm)
    criteria = [*gate, *scored, _yes("direct_route", direct)._replace(alternative=True)]
    if not all(c.met for c in gate):
        route = ""
    elif direct:
        route = "direct"
    elif all(c.met for c in scored):
        route = "criteria"
    else:
        route = ""
    return RungCheck("innovative_sme", bool(route), route, tuple(criteria))


# ---------------------------------------------------------------------------------------------------
# Provincial SRDI (63号 annex 2)
# ---------------------------------------------------------------------------------------------------


def srdi_points(firm: Mapping[str, object], *, best_this_year: bool = False) -> dict[str, float]:
    """The SRDI evaluation: 13 indicators, 100 points, with the official bands (63号 annex 2 art. 2).

    Per indicator: ``main_share`` (5), ``growth_2y`` (10), ``years`` (5: one per full two years),
    ``chain_role`` (5), ``digital`` (5), ``quality`` (5), ``net_margin`` (10), ``debt`` (5),
    ``local`` (15, the province's own indicators: ``local_feature_points``), ``ip`` (10), ``rd`` (10),
    ``rd_staff`` (5), ``institution`` (10); the groups ``specialisation`` (25), ``refinement`` (25),
    ``local_features`` (15), ``innovation`` (35) and ``total``. Nothing is given for free: a missing
    figure scores 0. With ``best_this_year`` the items support can still raise this year (IP,
    digital level, quality certification, R&D institution) are taken at their reachable level [E].
    """
    tier = ip_tier(firm)
    digital = _num(firm, "digital_level", 1.0)
    quality_items = _num(firm, "quality_items")
    level = rd_institution_level(firm)
    if best_this_year:
        tier = _best_ip(tier, IP_TIER_REACHABLE_THIS_YEAR)
        digital = max(digital, DIGITAL_LEVEL_REACHABLE_THIS_YEAR)
        quality_items += QUALITY_ITEMS_ADDED_THIS_YEAR
        if SRDI_INSTITUTION_POINTS.get(level, 0.0) < SRDI_INSTITUTION_POINTS.get(
            RD_INSTITUTION_REACHABLE_THIS_YEAR, 0.0
        ):
            level = RD_INSTITUTION_REACHABLE_THIS_YEAR
    years = _num(firm, "years_in_niche")
    p = {
        "main_share": _banded(_num(firm, "main_business_share"), SRDI_MAIN_SHARE_POINTS),
        "growth_2y": _banded_held(firm, "growth_2y_avg", SRDI_GROWTH_POINTS),
        "years": min(SRDI_YEARS_MAX_POINTS, math.floor(max(0.0, years) / SRDI_YEARS_PER_POINT)),
        "chain_role": SRDI_CHAIN_POINTS.get(_text(firm, "chain_role"), 0.0),
        "digital": _banded(digital, SRDI_DIGITAL_POINTS),
        "quality": min(SRDI_QUALITY_MAX_POINTS, SRDI_QUALITY_POINTS_PER_ITEM * quality_items),
        "net_margin": _banded(_num(firm, "net_margin"), SRDI_NET_MARGIN_POINTS),
        "debt": _banded(_num(firm, "debt_ratio", 1.0), SRDI_DEBT_POINTS, at_least=False),
        "local": min(SRDI_LOCAL_MAX_POINTS, max(0.0, _num(firm, "local_feature_points"))),
        "ip": SRDI_IP_POINTS.get(tier, 0.0),
        "rd": _rd_points(firm, SRDI_RD_AMOUNT_POINTS, SRDI_RD_RATIO_POINTS),
        "rd_staff": _banded(_num(firm, "rd_staff_share"), SRDI_RD_STAFF_POINTS),
        "institution": SRDI_INSTITUTION_POINTS.get(level, 0.0),
    }
    p["specialisation"] = p["main_share"] + p["growth_2y"] + p["years"] + p["chain_role"]
    p["refinement"] = p["digital"] + p["quality"] + p["net_margin"] + p["debt"]
    p["local_features"] = p["local"]
    p["innovation"] = p["ip"] + p["rd"] + p["rd_staff"] + p["institution"]
    p["total"] = p["specialisation"] + p["refinement"] + p["local_features"] + p["innovation"]
    return p


def srdi_score(firm: Mapping[str, object]) -> float:
    """The SRDI evaluation score (0–100)."""
    return srdi_points(firm)["total"]


def srdi_direct_route(firm: Mapping[str, object]) -> bool:
    """A direct route instead of the score (63号 annex 2 art. 1(4)): a provincial S&T award ranked in the
    top 3 of its winners or a national one in the top 5 (in 3 years: ``st_award_level``,
    ``st_award_rank``); two-year average R&D ≥ 1,000 万元; new equity ≥ 6,000 万元 over two years; the
    创客中国 national top 500 in 3 years (``chuangke_top500``)."""
    level = str(firm.get("st_award_level", "") or "").strip()
    rank = _num(firm, "st_award_rank", 999.0)
    award = level in SRDI_AWARD_RANK and rank <= SRDI_AWARD_RANK[level]
    rd_avg = (_num(firm, "rd_expense") + _prev(firm, "rd_expense_prev", "rd_expense")) / 2.0
    return (
        award
        or rd_avg >= SRDI_DIRECT_RD_2Y_AVG
        or equity_2y(firm) >= SRDI_DIRECT_EQUITY_2Y
        or flag(firm.get("chuangke_top500"))
    )


def check_srdi(firm: Mapping[str, object]) -> RungCheck:
    """Provincial SRDI SME: a manufacturing SME already recognised as an innovative SME; ≥ 2 years in
    its niche; last year's R&D ≥ 100 万元 and ≥ 3 % of revenue; last year's revenue ≥ 1,000 万元 or
    new equity ≥ 2,000 万元 over two years; score ≥ 60 or a direct route."""
    tier = str(firm.get("quality_tier", "none") or "none")
    revenue = revenue_last_year(firm)
    revenue_ok = revenue >= SRDI_MIN_REVENUE or equity_2y(firm) >= SRDI_ALT_EQUITY
    direct = srdi_direct_route(firm)
    score = srdi_score(firm)
    score_ok = score >= SRDI_PASS or direct
    criteria = (
        *_gate(firm, "srdi"),
        _yes("is_innovative_sme", quality_rank(tier) >= 1),
        _criterion("years_in_niche", _num(firm, "years_in_niche"), SRDI_MIN_YEARS),
        _criterion("rd_expense", _num(firm, "rd_expense"), SRDI_MIN_RD_EXPENSE),
        _criterion("rd_ratio", _num(firm, "rd_ratio"), SRDI_MIN_RD_RATIO),
        # shown against the revenue threshold; met also by the equity alternative
        CriterionResult(
            "revenue_or_equity",
            revenue,
            SRDI_MIN_REVENUE,
            bool(revenue_ok),
            0.0 if revenue_ok else SRDI_MIN_REVENUE - revenue,
        ),
        # the score criterion counts as met by a direct route too
        CriterionResult(
            "srdi_score", score, SRDI_PASS, bool(score_ok), 0.0 if score_ok else SRDI_PASS - score
        ),
        _yes("srdi_direct_route", direct)._replace(alternative=True),
    )
    eligible = all(c.met for c in criteria if not c.alternative)
    route = ("direct" if direct and score < SRDI_PASS else "criteria") if eligible else ""
    return RungCheck("srdi", eligible, route, criteria)


# ---------------------------------------------------------------------------------------------------
# Little giant (63号 annex 3) and single champion
# ---------------------------------------------------------------------------------------------------


def little_giant_rd_ratio_threshold(revenue: float) -> float:
    """R&D / revenue a little giant needs in each of the last two years: 3 % at last year's revenue
    ≥ 10,000 万元, 6 % at 5,000–10,000 万元 (below 5,000 万元 the equity branch applies instead)."""
    return (
        LITTLE_GIANT_RD_RATIO_LARGE
        if revenue >= LITTLE_GIANT_LARGE_REVENUE
        else LITTLE_GIANT_RD_RATIO_SMALL
    )


def little_giant_direct_route(firm: Mapping[str, object]) -> bool:
    """The innovation direct route (63号 annex 3 (4)2): a national S&T award in 3 years ranked in the top 3
    of its winners, or the 创客中国 national top 50 in 3 years (``chuangke_top50``)."""
    national = str(firm.get("st_award_level", "") or "").strip() == "national"
    return (national and _num(firm, "st_award_rank", 999.0) <= LITTLE_GIANT_AWARD_RANK) or flag(
        firm.get("chuangke_top50")
    )


def _little_giant_innovation(firm: Mapping[str, object]) -> list[CriterionResult]:
    """The general innovation conditions, by last year's revenue band."""
    revenue = revenue_last_year(firm)
    if revenue >= LITTLE_GIANT_SMALL_REVENUE:
        both = min(_num(firm, "rd_ratio"), _prev(firm, "rd_ratio_prev", "rd_ratio"))
        rd = [_criterion("rd_ratio_2y_min", both, little_giant_rd_ratio_threshold(revenue))]
    else:
        rd_2y = _num(firm, "rd_expense") + _prev(firm, "rd_expense_prev", "rd_expense")
        rd = [
            _criterion("equity_financing_2y", equity_2y(firm), LITTLE_GIANT_SMALL_EQUITY_2Y),
            _criterion("rd_expense_2y", rd_2y, LITTLE_GIANT_SMALL_RD_2Y),
            _criterion("rd_staff_share", _num(firm, "rd_staff_share"), LITTLE_GIANT_SMALL_RD_STAFF),
        ]
    return [
        *rd,
        _yes("has_rd_institution", rd_institution_level(firm) != "none"),
        _criterion("ip_class1", _num(firm, "ip_class1"), LITTLE_GIANT_MIN_CLASS1_IP),
    ]


def check_little_giant(firm: Mapping[str, object]) -> RungCheck:
    """National little giant: a manufacturing SME already provincial SRDI; ≥ 3 years in the niche;
    main-business share ≥ 70 %; two-year average growth ≥ 5 %; debt ≤ 70 %; national niche share
    ≥ 10 %; the 精/特/链/品 items; and the innovation conditions (R&D ratio in both of the last two years
    by revenue band — or, below 5,000 万元, equity ≥ 8,000 万元, R&D ≥ 3,000 万元 and R&D staff ≥ 50 % —
    an R&D institution and ≥ 2 class-I IP items) or the innovation direct route."""
    tier = str(firm.get("quality_tier", "none") or "none")
    direct = little_giant_direct_route(firm)
    innovation = [
        c if c.met or not direct else c._replace(met=True, gap=0.0)
        for c in _little_giant_innovation(firm)
    ]
    criteria = (
        *_gate(firm, "little_giant"),
        _yes("is_srdi", quality_rank(tier) >= 2),
        _criterion("years_in_niche", _num(firm, "years_in_niche"), LITTLE_GIANT_MIN_YEARS),
        _criterion(
            "main_business_share", _num(firm, "main_business_share"), LITTLE_GIANT_MIN_MAIN_SHARE
        ),
        _criterion("growth_2y_avg", _num(firm, "growth_2y_avg"), LITTLE_GIANT_MIN_GROWTH_2Y),
        _criterion("debt_ratio", _num(firm, "debt_ratio", 1.0), LITTLE_GIANT_MAX_DEBT, "<="),
        _criterion(
            "niche_market_share", _num(firm, "niche_market_share"), LITTLE_GIANT_MIN_NICHE_SHARE
        ),
        # 精/特/链/品: qualitative items the review attests; a blank cell is not held and is read as
        # attested by the district's recommendation, an explicit "N" (or another chain role) fails
        # 精: a management-system (or developed-market product) certification
        _yes("management_certified", not flag_no(firm.get("management_certified"))),
        # 特: an own brand facing the market
        _yes("own_brand", not flag_no(firm.get("own_brand"))),
        # 链: 补短板/锻长板/填空白 on a key industrial chain
        _yes("chain_key_role", _text(firm, "chain_role") in ("", "key")),
        # 品: main product in a key field (工业六基, the ten key manufacturing fields, network power)
        _yes("key_field", not flag_no(firm.get("key_field"))),
        *innovation,
        _yes("little_giant_direct_route", direct)._replace(alternative=True),
    )
    eligible = all(c.met for c in criteria if not c.alternative)
    route = ("direct" if direct else "criteria") if eligible else ""
    return RungCheck("little_giant", eligible, route, criteria)


def check_champion(firm: Mapping[str, object], level: str = "provincial") -> RungCheck:
    """Manufacturing single champion.

    Provincial (Shandong): a manufacturer; ≥ 3 years in the field; first in Shandong and top 5
    nationally in its product; sales ≥ 4 亿元 in each of the last three years (``sales_3y_min``, the
    lowest of the three; last year's revenue when absent [E]) — or a little giant, or an SRDI firm with
    ≥ 1 亿元 sales; main product ≥ 70 % of main-business revenue (``main_product_share``, else
    ``main_business_share`` [E]). National: ≥ 10 years in the field, global top 3, and (in Shandong)
    already a provincial champion. Ranks: ``provincial_rank``, ``national_rank``, ``global_rank``
    (missing = not ranked).
    """
    unranked = 999.0
    years = _prev(firm, "years_in_field", "years_in_niche")
    tier = str(firm.get("quality_tier", "none") or "none")
    criteria: tuple[CriterionResult, ...]
    if level == "provincial":
        sales = (
            _num(firm, "sales_3y_min")
            if _present(firm, "sales_3y_min")
            else revenue_last_year(firm)
        )
        route_ok = tier in ("little_giant", "champion") or (
            tier == "srdi" and sales >= CHAMPION_SRDI_MIN_SALES
        )
        sales_ok = sales >= CHAMPION_MIN_SALES or route_ok
        share = _prev(firm, "main_product_share", "main_business_share")
        criteria = (
            *_gate(firm, "champion"),
            _criterion("years_in_field", years, CHAMPION_MIN_YEARS),
            _criterion(
                "provincial_rank",
                _num(firm, "provincial_rank", unranked),
                CHAMPION_PROVINCIAL_RANK,
                "<=",
            ),
            _criterion(
                "national_rank", _num(firm, "national_rank", unranked), CHAMPION_NATIONAL_RANK, "<="
            ),
            # A little giant (or an SRDI firm past 1 亿元) takes the other route: the sales line then
            # reads as that route, not as "12,171 of 40,000 万元: met".
            _yes("champion_sales_route", True)
            if route_ok and sales < CHAMPION_MIN_SALES
            else CriterionResult(
                "sales_3y_min",
                sales,
                CHAMPION_MIN_SALES,
                bool(sales_ok),
                0.0 if sales_ok else CHAMPION_MIN_SALES - sales,
            ),
            _criterion("main_product_share", share, CHAMPION_MIN_MAIN_PRODUCT_SHARE),
        )
    elif level == "national":
        criteria = (
            *_gate(firm, "champion"),
            _yes("is_provincial_champion", tier == "champion"),
            _criterion("years_in_field", years, CHAMPION_NATIONAL_MIN_YEARS),
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


# ---------------------------------------------------------------------------------------------------
# Last year's data: what support can still change this year
# ---------------------------------------------------------------------------------------------------

THIS_YEAR = "this_year"  # support can close the gap before this year's application
NEXT_YEAR = "next_year"  # fails on last year's figures: no chance this year; a goal for next year

# Rungs judged on this year's revenue (升规, 百亿): support this year can move them.
CURRENT_YEAR_RUNGS = frozenset({"above_size", "ten_billion"})
# Criteria support can still close this year, and the support words that close them (demo option
# names are built from these words, e.g. "coaching_ip_rd_subsidy"). Everything else a quality rung asks
# is judged on last year's figures (docs/domain.md §2).
SUPPORT_CLOSES: dict[str, frozenset[str]] = {
    # application quality and completeness, the window, the score items the firm has but did not claim
    "coaching": frozenset(
        {
            "innovation_score",
            "innovation_points",
            "growth_points",
            "specialisation_points",
            "srdi_score",
            "is_innovative_sme",
            "application_ready",
        }
    ),
    # IP filings (and a registered own brand)
    "ip": frozenset(
        {"ip_class1", "own_brand", "innovation_points", "innovation_score", "srdi_score"}
    ),
    # an R&D institution set up or recognised
    "centre": frozenset({"has_rd_institution", "srdi_score"}),
    # certifications: management system, quality, digital level
    "certification": frozenset({"management_certified", "srdi_score"}),
    # this year's revenue (升规, 百亿)
    "guidance": frozenset({"revenue"}),
    "orders": frozenset({"revenue"}),
    "renovation": frozenset({"revenue"}),
    "dispatch": frozenset({"revenue"}),
    "factors": frozenset({"revenue"}),
}
_CLOSABLE_ITEMS = frozenset(
    {"ip_class1", "own_brand", "has_rd_institution", "management_certified", "application_ready"}
)
_SCORE_ITEMS = frozenset(
    {
        "innovation_score",
        "innovation_points",
        "growth_points",
        "specialisation_points",
        "srdi_score",
    }
)


@dataclass(frozen=True)
class Gap:
    """One unmet criterion of a rung, and when it can be closed.

    ``timing`` is `THIS_YEAR` (support can close it before this year's application) or `NEXT_YEAR`
    (it fails on last year's figures: the firm must reach ``threshold`` in this year's figures to
    qualify next year). ``closed_by`` names the support words (`SUPPORT_CLOSES`) that close it this year.
    """

    criterion: str
    value: float
    threshold: float
    comparison: str
    gap: float
    timing: str
    closed_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class YearOutlook:
    """A firm's chance at one rung this year, on last year's data.

    Attributes
    ----------
    rung : str
    eligible : bool
        Meets every criterion already (on the figures held).
    window_open : bool
        This year's application window is still open at ``as_of`` (True when no date is given).
    deadline : datetime.date or None
        This year's application deadline [E], when the rung has one and a date was given.
    this_year : tuple of Gap
        Gaps support can close this year.
    next_year : tuple of Gap
        Gaps on last year's figures: no chance this year whatever support; what to reach this year.
    """

    rung: str
    eligible: bool
    window_open: bool
    deadline: dt.date | None
    this_year: tuple[Gap, ...]
    next_year: tuple[Gap, ...]

    @property
    def chance_this_year(self) -> bool:
        """Whether support this year can still make the firm succeed this year."""
        return self.window_open and not self.next_year


def _reachable_points(firm: Mapping[str, object], rung: str) -> dict[str, float]:
    """Score criteria at what support can still reach this year (closable items at their best)."""
    if rung == "innovative_sme":
        points = innovative_sme_points(firm, best_this_year=True)
        return {
            "innovation_score": points["total"],
            **{f"{part}_points": points[part] for part in INNOVATIVE_SME_SUB_MINIMUMS},
        }
    if rung == "srdi":
        return {"srdi_score": srdi_points(firm, best_this_year=True)["total"]}
    return {}


def gap_timing(firm: Mapping[str, object], rung: str, c: CriterionResult) -> str:
    """`THIS_YEAR` if support can close the unmet criterion ``c`` this year, else `NEXT_YEAR`."""
    if rung in CURRENT_YEAR_RUNGS and c.name == "revenue":
        return THIS_YEAR
    if c.name in _CLOSABLE_ITEMS:
        return THIS_YEAR
    if c.name in _SCORE_ITEMS:
        reachable = _reachable_points(firm, rung).get(c.name, c.value)
        return THIS_YEAR if reachable >= c.threshold - 1e-12 else NEXT_YEAR
    if c.name == "is_innovative_sme":
        # the innovative-SME evaluation is open all year: it can come before this year's SRDI batch
        return THIS_YEAR if year_outlook(firm, "innovative_sme").chance_this_year else NEXT_YEAR
    return NEXT_YEAR


def _closers(name: str) -> tuple[str, ...]:
    return tuple(word for word, names in SUPPORT_CLOSES.items() if name in names)


def application_deadline(rung: str, year: int) -> dt.date | None:
    """This year's application deadline of ``rung`` [E], or None when it is open all year."""
    month_day = APPLICATION_DEADLINES.get(rung)
    return dt.date(year, *month_day) if month_day else None


def year_outlook(
    firm: Mapping[str, object], rung: str, *, as_of: dt.date | None = None
) -> YearOutlook:
    """Which gaps of ``rung`` support can close this year and which fail on last year's figures.

    A quality rung is judged on the previous year's figures, which support this year cannot change
    (docs/domain.md §2): a firm with such a gap has no chance this year, and its 明白纸 says what to
    reach this year to qualify next year. 升规 and 百亿 are judged on this year's revenue. With
    ``as_of``, an application window already closed also leaves no chance this year.
    """
    check = check_rung(firm, rung)
    this_year: list[Gap] = []
    next_year: list[Gap] = []
    # a met direct route replaces the scored criteria: their shortfalls are no gaps
    direct = any(c.alternative and c.met for c in check.criteria)
    for c in check.criteria:
        if c.met or c.alternative or check.eligible or (direct and c.name in _SCORE_ITEMS):
            continue
        timing = gap_timing(firm, rung, c)
        gap = Gap(
            c.name,
            c.value,
            c.threshold,
            c.comparison,
            c.gap,
            timing,
            _closers(c.name) if timing == THIS_YEAR else (),
        )
        (this_year if timing == THIS_YEAR else next_year).append(gap)
    if flag_no(firm.get("application_ready")):
        # the district judged the application incomplete: coaching closes it this year
        this_year.append(Gap("application_ready", 0.0, 1.0, ">=", 1.0, THIS_YEAR, ("coaching",)))
    deadline = application_deadline(rung, as_of.year) if as_of else None
    window_open = deadline is None or as_of is None or as_of <= deadline
    return YearOutlook(
        rung, check.eligible, window_open, deadline, tuple(this_year), tuple(next_year)
    )


def support_words(option: str) -> set[str]:
    """The support words (`SUPPORT_CLOSES`) in an option's name, e.g. ``coaching_ip_rd_subsidy``."""
    words = set(str(option).lower().replace("-", "_").split("_"))
    return words & set(SUPPORT_CLOSES)


def support_addresses(
    firm: Mapping[str, object], rung: str, option: str, *, as_of: dt.date | None = None
) -> list[str]:
    """The gaps of ``rung`` that ``option`` can close this year (empty: the option addresses no gap and
    is no real option; e.g. coaching for a firm whose gaps are all on last year's figures)."""
    outlook = year_outlook(firm, rung, as_of=as_of)
    if not outlook.chance_this_year:
        return []
    words = support_words(option)
    return [g.criterion for g in outlook.this_year if words & set(g.closed_by)]


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
