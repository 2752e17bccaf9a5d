"""The planning workbook's sheets and columns (docs/workbook.md), and the in-memory Workbook that carries them.

This module is the one place that says which sheets and columns exist, which are required and what
type each has. The reader/validator (`data.workbook`), the store (`data.store`), the demo generator
(`data.demo`) and the optimizer all go through `Workbook`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal, cast

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
                # plus one optional number column per resource (blank = 0)
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
NONE_OPTION = "none"
KINDS = ("project", "enterprise")


def empty_frame(sheet: str) -> pd.DataFrame:
    """An empty DataFrame with the sheet's contract columns in canonical dtypes."""
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
    is a dict: ``pool_share`` and ``award_prudence`` are floats (defaults filled in); other keys keep
    their text value. ``projects`` / ``enterprises`` are optional descriptive tables (may be empty).
    """

    budgets: pd.DataFrame
    resources: pd.DataFrame
    targets: pd.DataFrame
    candidates: pd.DataFrame
    contributions: pd.DataFrame
    options: pd.DataFrame
    locks: pd.DataFrame = field(default_factory=lambda: empty_frame("locks"))
    floors: pd.DataFrame = field(default_factory=lambda: empty_frame("floors"))
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

    def sheet(self, name: str) -> pd.DataFrame:
        """The sheet as a DataFrame (``settings`` as key/value rows)."""
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
