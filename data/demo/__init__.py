"""The demo city: a deterministic, Weihai-calibrated planning workbook for trying the product.

``generate_demo(seed, assumptions)`` builds about 800 key projects in the six categories of the "1+6"
mechanism and 2,500 firms in the city's 8 reporting units and 8 industry clusters (docs/demo-city.md,
docs/projects.md), scores the firms against the ladder's real criteria (`data.criteria`), turns every
project still to start or to deliver its year plan (新开工 and 续建) and every manufacturer within reach
of its next rung into a candidate, and gives each candidate 1–4 support options. Every number that
shapes awards, options, probabilities, goals and budgets comes from the assumptions table
(`data.assumptions`); the constants in `city` only describe the city's population (how many projects
of which size, which districts and clusters), not policy.

Modules, in the order the generator uses them:

- `city`: the population (districts, clusters, project categories, lead departments, fund lines,
  targets, shares).
- `options`: option labels; building and pricing one candidate's support menu.
- `projects`: the projects sheet, stage dates, and a project's start as a candidate.
- `enterprises`: the enterprises sheet, scored against `data.criteria`.
- `rungs`: which rungs a firm could reach this year, its chances and its menu.
- `sheets`: options, resources, budgets and targets sized from the candidates.
- `generate`: `generate_demo` and `default_assumptions`.
- `summary`: `demo_summary`, `summary_markdown` (docs/demo-city.md is generated from it).
"""

from __future__ import annotations

# Importable from here as before the split though not in __all__ (marked noqa).
from data.demo.city import (
    CATEGORIES,
    CLUSTERS,
    DISTRICTS,
    FUND_LINES,
    GATES,  # noqa: F401
    LEAD_DEPARTMENTS,
    POPULATION,  # noqa: F401
    TARGETS,
    Cluster,  # noqa: F401
    District,  # noqa: F401
)
from data.demo.generate import default_assumptions
from data.demo.history import generate_demo  # the generator's workbook with its past years
from data.demo.options import OPTION_LABELS
from data.demo.summary import demo_summary, summary_markdown

__all__ = [
    "CATEGORIES",
    "DISTRICTS",
    "CLUSTERS",
    "LEAD_DEPARTMENTS",
    "FUND_LINES",
    "TARGETS",
    "OPTION_LABELS",
    "default_assumptions",
    "generate_demo",
    "demo_summary",
    "summary_markdown",
]
