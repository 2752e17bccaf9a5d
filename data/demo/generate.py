"""`generate_demo`: the projects and firms, their candidates and options, and the workbook around them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.assumptions import assumption_values
from data.assumptions import default_assumptions as _default_assumptions
from data.demo.city import _CANDIDATE_STAGES, _MIIT, _RUNG_TARGET, POPULATION
from data.demo.enterprises import _enterprises
from data.demo.options import _priced_options
from data.demo.projects import _project_options, _projects, _stage_entered
from data.demo.rungs import _firm_candidacies, _firm_options
from data.demo.sheets import _budgets, _object_text, _option_frame, _resources, _targets
from data.schema import Workbook, empty_frame


def default_assumptions() -> pd.DataFrame:
    """The default policy assumptions table (see `data.assumptions`).

    Returns
    -------
    pandas.DataFrame
        Columns ``key, value, unit, description_en, description_zh, source``.
    """
    return _default_assumptions()


def _awards(values: dict[str, float]) -> dict[str, float]:
    return {
        "start": 0.0,
        "above_size": values["award_above_size"],
        "innovative_sme": values["award_innovative_sme"],
        "srdi": values["award_srdi"],
        "little_giant": values["award_little_giant"],
        "champion": values["award_champion"],
        "ten_billion": values["award_ten_billion"],
    }


def generate_demo(seed: int = 2026, assumptions: pd.DataFrame | None = None) -> Workbook:
    """Generate the demo city's planning workbook.

    Parameters
    ----------
    seed : int, default 2026
        Seed of numpy's ``Generator(PCG64(seed))``; the same seed and assumptions give the same
        workbook, value for value.
    assumptions : pandas.DataFrame, optional
        The policy assumptions table (`default_assumptions` when omitted). Awards, subsidy rates and
        caps, uplifts, costs, staff days, agency slots, probability model, goals and budget ratios
        are read from it.

    Returns
    -------
    Workbook
        Every problem sheet plus the descriptive ``projects`` and ``enterprises`` sheets; candidates
        carry ``entity_id``, ``rung``, ``cluster``, ``lead_department``; budgets, resources and
        targets carry ``label_zh`` and ``label_en``.

    Raises
    ------
    ValueError
        If the assumptions table has an unknown key or a value that is not a number ≥ 0.
    """
    values = assumption_values(assumptions)
    rng = np.random.Generator(np.random.PCG64(seed))
    projects = _projects(rng, values)
    projects["stage_entered"] = _stage_entered(projects, seed)
    projects["stage_entered"] = projects["stage_entered"].astype(object)
    enterprises = _enterprises(rng)
    awards = _awards(values)

    candidates: list[dict] = []
    options: list[dict] = []
    contributions: list[dict] = []

    def add(
        entity: dict, kind: str, rung: str, base: float, ceiling: float, menu: list[dict], lead: str
    ) -> None:
        candidate_id = f"{entity['id']}-{rung}"
        priced = _priced_options(candidate_id, base, ceiling, menu)
        if len(priced) < 2:
            return  # not a decision worth showing
        award = awards[rung]
        candidates.append(
            {
                "candidate_id": candidate_id,
                "name": entity["name"],
                "kind": kind,
                "district": entity["district"],
                "base_probability": round(base, 4),
                "award": award,
                "award_line": "enterprise_awards" if award > 0 else "",
                "entity_id": entity["id"],
                "rung": rung,
                "cluster": entity["cluster"],
                "lead_department": lead,
            }
        )
        options.extend(priced)
        contributions.append(
            {"candidate_id": candidate_id, "target": _RUNG_TARGET[rung], "value": 1.0}
        )
        if kind == "project":
            contributions.append(
                {
                    "candidate_id": candidate_id,
                    "target": "investment_completed",
                    "value": float(entity["annual_investment"]),
                }
            )

    for project in projects.to_dict("records"):
        if project["stage"] not in _CANDIDATE_STAGES:
            continue
        base, ceiling, menu = _project_options(project, values)
        add(
            {**project, "id": project["project_id"]},
            "project",
            "start",
            base,
            ceiling,
            menu,
            project["lead_department"],
        )
    for firm in enterprises.to_dict("records"):
        for rung, base, ceiling in _firm_candidacies(firm, values):
            menu = _firm_options(firm, rung, values)
            add({**firm, "id": firm["firm_id"]}, "enterprise", rung, base, ceiling, menu, _MIIT)

    candidate_frame = pd.DataFrame(candidates)
    contribution_frame = pd.DataFrame(contributions)
    resources = _resources(options, values)
    option_frame = _option_frame(options, list(resources["resource"]))
    budgets = _budgets(candidate_frame, option_frame, values)
    targets = _targets(projects, candidate_frame, contribution_frame, values)

    return Workbook(
        budgets=budgets,
        resources=resources,
        targets=targets,
        candidates=_object_text(candidate_frame),
        contributions=_object_text(contribution_frame),
        options=option_frame,
        locks=empty_frame("locks"),
        floors=empty_frame("floors"),
        settings={
            "pool_share": values["pool_share"],
            "award_prudence": values["award_prudence"],
            # Not optimizer settings: the workbook keeps them as text (the date its data describe,
            # and when a project counts as stalled), so they travel with an export.
            "as_of": POPULATION.as_of,
            "stall_days": f"{values['stall_days']:g}",
        },
        projects=projects,
        enterprises=enterprises,
    )
