"""The planning workbook's sheets and columns (docs/workbook.md), and the in-memory Workbook that carries them.

This module is the one place that says which sheets and columns exist, which are required and what
type each has. The reader/validator (`data.workbook`), the store (`data.store`), the demo generator
(`data.demo`) and the optimizer all go through `Workbook`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Literal, cast

if TYPE_CHECKING:
    import pandas as pd

ColumnType = Literal["text", "number", "yn"]


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its name, type, whether it must be present, and its default."""

    name: str
    type: ColumnType
    required: bool = True
    default: object = None


@dataclass(frozen=True)
class Sheet:
    """One sheet: its name, whether the workbook must have it, its columns and its key."""

    name: str
    required: bool
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    descriptive: bool = (
        False  # free-form descriptive sheet (projects, enterprises), not part of the problem
    )

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


NONE_OPTION = "none"

SHEETS: dict[str, Sheet] = {
    s.name: s
    for s in (
        Sheet(
            "budgets",
            True,
            (
                Column("fund_line", "text"),
                Column("amount", "number"),
                Column("pooled", "yn", required=False, default=True),
            ),
            key=("fund_line",),
        ),
        Sheet(
            "resources",
            True,
            (
                Column("resource", "text"),
                Column("capacity", "number"),
                Column("unit", "text", required=False, default=""),
            ),
            key=("resource",),
        ),
        Sheet(
            "targets",
            True,
            (
                Column("target", "text"),
                Column("goal", "number"),
                Column("weight", "number", required=False, default=1.0),
                Column("unit", "text", required=False, default=""),
            ),
            key=("target",),
        ),
        Sheet(
            "candidates",
            True,
            (
                Column("candidate_id", "text"),
                Column("name", "text"),
                Column("kind", "text"),
                Column("district", "text"),
                Column("base_probability", "number"),
                Column("award", "number", required=False, default=0.0),
                Column("award_line", "text", required=False, default=""),
            ),
            key=("candidate_id",),
        ),
        Sheet(
            "contributions",
            True,
            (
                Column("candidate_id", "text"),
                Column("target", "text"),
                Column("value", "number"),
            ),
            key=("candidate_id", "target"),
        ),
        Sheet(
            "options",
            True,
            (
                Column("candidate_id", "text"),
                Column("option", "text"),
                Column("probability", "number"),
                Column("fund_line", "text", required=False, default=""),
                Column("cost", "number"),
                # Paid from the same fund line only on success (docs/workbook.md, options); blank = 0.
                Column("paid_on_success", "number", required=False, default=0.0),
                # plus one optional number column per resource (blank = 0); the product's optional
                # `act_by` date is an extra column, checked in data/workbook/year_sheets.py
            ),
            key=("candidate_id", "option"),
        ),
        Sheet(
            "locks",
            False,
            (Column("candidate_id", "text"), Column("option", "text")),
            key=("candidate_id",),
        ),
        Sheet(
            "floors",
            False,
            (Column("district", "text"), Column("min_share", "number")),
            key=("district",),
        ),
        # What has happened this year (docs/workbook.md, actuals): a decided candidate per row.
        Sheet(
            "actuals",
            False,
            (
                Column("candidate_id", "text"),
                Column("status", "text"),
                Column("option", "text", required=False, default=NONE_OPTION),
                Column("date", "text", required=False, default=""),
            ),
            key=("candidate_id",),
        ),
        # Past years' candidates and outcomes (docs/workbook.md, history); no key, other columns are
        # features kept as read.
        Sheet(
            "history",
            False,
            (
                Column("year", "number"),
                Column("kind", "text"),
                Column("rung", "text"),
                Column("support", "text"),
                Column("outcome", "number"),
            ),
        ),
        Sheet(
            "settings",
            False,
            (Column("key", "text"), Column("value", "text")),
            key=("key",),
        ),
        # Descriptive sheets (not in the contract's problem; extra sheets other tools ignore). They carry
        # the attributes the dashboard and the firm checklists show. Only the key is required.
        Sheet(
            "projects",
            False,
            (Column("project_id", "text"),),
            key=("project_id",),
            descriptive=True,
        ),
        Sheet(
            "enterprises", False, (Column("firm_id", "text"),), key=("firm_id",), descriptive=True
        ),
    )
}

PROBLEM_SHEETS = [name for name, s in SHEETS.items() if not s.descriptive]
DESCRIPTIVE_SHEETS = [name for name, s in SHEETS.items() if s.descriptive]

SETTINGS_DEFAULTS: dict[str, float] = {"pool_share": 0.0, "award_prudence": 1.0}

# Bounds on numbers, one set for every way in: the workbook import (upload and command lines), the
# dashboard's sliders and shared links (docs/workbook.md lists them). They are far outside any real
# plan and keep the optimizer's arithmetic sound: past them it overflowed, crashed or ran 10× over
# its time limit.
MAX_MONEY = 1e9  # 万元 (10 trillion yuan): budgets, awards, costs
MIN_MONEY = 1e-4  # 万元 (one yuan): the least nonzero amount; 0 itself is fine
MAX_QUANTITY = 1e9  # goals, contributions, capacities and resource use, in their own units
MIN_CONTRIBUTION = 1e-6  # the least contribution value
MAX_WEIGHT = 1e6  # target weights (a weight is relative: only ratios between targets matter)
# A goal at least a millionth of the largest contribution toward it: a smaller goal is met a
# million times over by one success, and the optimizer's coefficients (contribution / goal) explode.
MAX_CONTRIBUTION_PER_GOAL = 1e6
# Settings ranges (low, high): the dashboard's sliders offer exactly these (ui/studio_controls.py).
POOL_SHARE_RANGE = (0.0, 1.0)
AWARD_PRUDENCE_RANGE = (0.0, 2.0)
# Settings keys read beyond the contract's two: the dashboard's data date and stall rule (docs/dashboard.md).
DASHBOARD_SETTINGS = ("as_of", "stall_days")
# The contract's settings with no default filled in (docs/workbook.md, settings): absent means the
# default below; `as_of` is kept as ISO text, `correlation` as a float, `objective` as text.
YEAR_SETTINGS = ("as_of", "correlation", "objective")
CORRELATION_DEFAULT = 0.0
OBJECTIVES = ("expected", "chance")
OBJECTIVE_DEFAULT = "expected"
KINDS = ("project", "enterprise")
# actuals.status values (docs/workbook.md, actuals).
STATUSES = ("supported", "succeeded", "failed")
# The product's extension to the options sheet (docs/workbook.md, "act_by"): the last day to act
# for the option to pay off this year; past `as_of`, the option is no longer available.
ACT_BY_COLUMN = "act_by"


def empty_frame(sheet: str) -> pd.DataFrame:
    """An empty DataFrame with the sheet's contract columns in canonical dtypes."""
    import pandas as pd

    cols = {}
    for c in SHEETS[sheet].columns:
        cols[c.name] = pd.Series(
            dtype={"text": "object", "number": "float64", "yn": "bool"}[c.type]
        )
    return pd.DataFrame(cols)


@dataclass
class Workbook:
    """A validated planning workbook in canonical form.

    Every problem sheet is a DataFrame whose contract columns come first, in docs/workbook.md's order and
    canonical dtypes: text columns are Python ``str`` (blank is ``""``), number columns ``float64``
    (optional blanks filled with the default: ``award`` 0, ``weight`` 1, resource use 0), ``pooled`` is
    ``bool``. Extra (descriptive) columns follow, kept as read. ``options`` has one float column per
    resource, named as in ``resources.resource`` and in that order, right after ``cost``. ``settings``
    is a dict: ``pool_share`` and ``award_prudence`` are floats (defaults filled in); ``correlation``
    a float and ``as_of`` / ``objective`` text when given (see the properties for defaults); other
    keys keep their text value. ``actuals`` (``option`` blank read as ``none``, ``date`` ISO text or
    blank) and ``history`` (``year`` and ``outcome`` floats) may be empty. ``projects`` /
    ``enterprises`` are optional descriptive tables (may be empty).

    ``options`` always has ``paid_on_success`` (0 when a workbook built in code leaves it out: it is
    inserted right after ``cost``), so every way of building a workbook gives the same columns.
    """

    def __post_init__(self) -> None:
        import pandas as pd

        if "paid_on_success" not in self.options.columns:
            options = self.options.copy()
            at = (
                options.columns.get_loc("cost") + 1
                if "cost" in options.columns
                else len(options.columns)
            )
            options.insert(int(at), "paid_on_success", pd.Series(0.0, index=options.index))
            self.options = options

    budgets: pd.DataFrame
    resources: pd.DataFrame
    targets: pd.DataFrame
    candidates: pd.DataFrame
    contributions: pd.DataFrame
    options: pd.DataFrame
    locks: pd.DataFrame = field(default_factory=lambda: empty_frame("locks"))
    floors: pd.DataFrame = field(default_factory=lambda: empty_frame("floors"))
    actuals: pd.DataFrame = field(default_factory=lambda: empty_frame("actuals"))
    history: pd.DataFrame = field(default_factory=lambda: empty_frame("history"))
    settings: dict[str, object] = field(default_factory=lambda: dict(SETTINGS_DEFAULTS))
    projects: pd.DataFrame = field(default_factory=lambda: empty_frame("projects"))
    enterprises: pd.DataFrame = field(default_factory=lambda: empty_frame("enterprises"))

    @property
    def resource_names(self) -> list[str]:
        return [str(r) for r in self.resources["resource"]]

    @property
    def pool_share(self) -> float:
        # Settings hold numbers or text (a value read from the sheet may be "0.2").
        value = self.settings.get("pool_share", SETTINGS_DEFAULTS["pool_share"])
        return float(cast(float | str, value))

    @property
    def award_prudence(self) -> float:
        value = self.settings.get("award_prudence", SETTINGS_DEFAULTS["award_prudence"])
        return float(cast(float | str, value))

    @property
    def as_of(self) -> date | None:
        """The ``as_of`` setting as a date (None when absent or blank)."""
        value = str(self.settings.get("as_of", "")).strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None  # a workbook built in code with a bad date; the importer refuses one

    @property
    def correlation(self) -> float:
        """ρ of the one-factor model of the year (docs/workbook.md, settings); 0 by default."""
        value = self.settings.get("correlation", CORRELATION_DEFAULT)
        if isinstance(value, str) and not value.strip():
            return CORRELATION_DEFAULT
        return float(cast(float | str, value))

    @property
    def objective(self) -> str:
        """``expected`` (default) or ``chance`` (docs/workbook.md, settings)."""
        value = str(self.settings.get("objective", "")).strip().lower()
        return value or OBJECTIVE_DEFAULT

    def sheet(self, name: str) -> pd.DataFrame:
        """The sheet as a DataFrame (``settings`` as key/value rows)."""
        import pandas as pd

        if name == "settings":
            return pd.DataFrame(
                {"key": list(self.settings), "value": [str(v) for v in self.settings.values()]}
            )
        return getattr(self, name)

    def copy(self) -> Workbook:
        """A deep copy (DataFrames copied), safe to modify for a scenario."""
        return replace(
            self,
            **{n: getattr(self, n).copy() for n in SHEETS if n != "settings"},
            settings=dict(self.settings),
        )
