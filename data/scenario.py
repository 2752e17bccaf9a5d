"""Scenario settings: what a planner changes on top of the stored workbook, and how to apply or share it.

A scenario's settings are a JSON-able dict (docs/CONTRACTS.md):

- ``budgets``   ``{fund_line: amount}`` in 万元
- ``resources`` ``{resource: capacity}``
- ``pool_share`` share (0–1) of each pooled line that may move to other pooled lines
- ``award_prudence`` multiplier on the entitlement reserve (≥ 0)
- ``goals``     ``{target: goal}`` (> 0)
- ``weights``   ``{target: weight}`` (≥ 0)
- ``locks``     ``{candidate_id: option}``: when present, the whole locks table
- ``correlation`` the year-to-year correlation ρ, in [0, 1) (docs/workbook.md)
- ``probabilities`` ``{candidate_id: [p, source]}`` for a base probability and
  ``{candidate_id|option: [p, source]}`` for an option's, source ``estimated``/``assumed``/``entered``
  (docs/probabilities.md: calibrate's estimates adopted into the scenario, or a planner's override);
  not carried by links (thousands of values), kept by saved scenarios

Missing keys mean "as in the stored workbook". The same settings travel in a shareable link as
query parameters (:func:`settings_to_query`, :func:`settings_from_query`), carrying only what differs
from the workbook so links stay short.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from data.schema import (
    AWARD_PRUDENCE_RANGE,
    MAX_CONTRIBUTION_PER_GOAL,
    MAX_MONEY,
    MAX_QUANTITY,
    MAX_WEIGHT,
    MIN_MONEY,
    NONE_OPTION,
    POOL_SHARE_RANGE,
    Workbook,
)

SETTING_KEYS = (
    "budgets",
    "resources",
    "pool_share",
    "award_prudence",
    "goals",
    "weights",
    "locks",
    "correlation",
    "probabilities",
)
# ``probabilities``: an option's key is ``candidate_id|option``; the sources a probability may have.
PROBABILITY_KEY_SEP = "|"
PROBABILITY_SOURCES = ("estimated", "assumed", "entered")

# Query-parameter prefixes for the per-name settings, and the names of the scalar ones.
_QUERY_PREFIX = {"budgets": "b.", "resources": "r.", "goals": "g.", "weights": "w.", "locks": "l."}
_QUERY_SCALAR = {"pool_share": "pool", "award_prudence": "prudence"}
# Query parameters that belong to the app itself (language, page), not to a scenario.
RESERVED_QUERY_KEYS = frozenset({"lang", "page"})


class ScenarioError(ValueError):
    """Settings that cannot be applied; ``problems`` names each bad parameter with its reason."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def settings_from_workbook(wb: Workbook) -> dict[str, Any]:
    """The full settings a workbook implies (every key present), as plain JSON-able values.

    Parameters
    ----------
    wb : Workbook
        The stored planning workbook.

    Returns
    -------
    dict
        Settings with ``budgets``, ``resources``, ``pool_share``, ``award_prudence``, ``goals``,
        ``weights`` and ``locks``.
    """

    def pairs(frame: pd.DataFrame, key: str, value: str, cast: type) -> dict:
        return {str(k): cast(v) for k, v in zip(frame[key], frame[value], strict=True)}

    return {
        "budgets": pairs(wb.budgets, "fund_line", "amount", float),
        "resources": pairs(wb.resources, "resource", "capacity", float),
        "pool_share": float(wb.pool_share),
        "award_prudence": float(wb.award_prudence),
        "goals": pairs(wb.targets, "target", "goal", float),
        "weights": pairs(wb.targets, "target", "weight", float),
        "locks": pairs(wb.locks, "candidate_id", "option", str),
    }


def _number(value: object) -> float | None:
    """A finite float from a number or numeric text, else None."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def validate_settings(wb: Workbook, settings: Mapping[str, Any]) -> list[str]:
    """Every problem with ``settings`` against ``wb``, one message each naming the setting.

    Parameters
    ----------
    wb : Workbook
        The workbook the settings apply to (names must exist in it).
    settings : Mapping
        Partial or full scenario settings.

    Returns
    -------
    list of str
        Empty when the settings can be applied.
    """
    problems: list[str] = []
    for key in settings:
        if key not in SETTING_KEYS:
            problems.append(f"{key}: unknown setting")
    known = {
        "budgets": set(wb.budgets["fund_line"].astype(str)),
        "resources": set(wb.resources["resource"].astype(str)),
        "goals": set(wb.targets["target"].astype(str)),
        "weights": set(wb.targets["target"].astype(str)),
    }
    rules = {"budgets": ">= 0", "resources": ">= 0", "goals": "> 0", "weights": ">= 0"}
    # The import's bounds (data.schema, docs/workbook.md): one set of rules for every way in.
    highest = {
        "budgets": MAX_MONEY,
        "resources": MAX_QUANTITY,
        "goals": MAX_QUANTITY,
        "weights": MAX_WEIGHT,
    }
    contributions = wb.contributions
    largest = contributions.groupby(contributions["target"].astype(str))["value"].max().to_dict()
    for key, names in known.items():
        values = settings.get(key)
        if values is None:
            continue
        if not isinstance(values, Mapping):
            problems.append(f"{key}: expected a mapping of names to numbers")
            continue
        for name, value in values.items():
            number = _number(value)
            if str(name) not in names:
                problems.append(f"{key}.{name}: unknown name")
            elif number is None:
                problems.append(f"{key}.{name}: {value!r} is not a number")
            elif (rules[key] == "> 0" and number <= 0) or number < 0:
                problems.append(f"{key}.{name}: must be {rules[key]}, got {value}")
            elif number > highest[key]:
                problems.append(f"{key}.{name}: must be at most {highest[key]:g}, got {value}")
            elif key == "budgets" and 0 < number < MIN_MONEY:
                problems.append(f"{key}.{name}: must be 0 or at least {MIN_MONEY:g}, got {value}")
            elif key == "goals" and number * MAX_CONTRIBUTION_PER_GOAL < largest.get(str(name), 0):
                problems.append(
                    f"{key}.{name}: must be at least a millionth of the largest contribution "
                    f"toward it, got {value}"
                )
    # The import's ranges (data.schema), which the studio's sliders offer too.
    for key, (low, high) in (
        ("pool_share", POOL_SHARE_RANGE),
        ("award_prudence", AWARD_PRUDENCE_RANGE),
    ):
        if key in settings:
            number = _number(settings[key])
            if number is None or not low <= number <= high:
                problems.append(f"{key}: must be a number from {low:g} to {high:g}")
    if "correlation" in settings:
        number = _number(settings["correlation"])
        if number is None or not 0 <= number < 1:
            problems.append("correlation: must be a number from 0 up to (not including) 1")
    problems.extend(_probability_problems(wb, settings.get("probabilities")))
    locks = settings.get("locks")
    if locks is not None:
        if not isinstance(locks, Mapping):
            problems.append("locks: expected a mapping of candidate_id to option")
        else:
            options = wb.options.groupby("candidate_id")["option"].agg(set).to_dict()
            candidates = set(wb.candidates["candidate_id"].astype(str))
            for candidate, option in locks.items():
                if str(candidate) not in candidates:
                    problems.append(f"locks.{candidate}: unknown candidate")
                elif str(option) != NONE_OPTION and str(option) not in options.get(
                    str(candidate), set()
                ):
                    problems.append(f"locks.{candidate}: {option!r} is not one of its options")
    return problems


def _probability_problems(wb: Workbook, values: Any) -> list[str]:
    """The ``probabilities`` section's problems: unknown candidates or options, values outside
    [0, 1], unknown sources."""
    if values is None:
        return []
    if not isinstance(values, Mapping):
        return ["probabilities: expected a mapping of names to [probability, source]"]
    candidates = set(wb.candidates["candidate_id"].astype(str))
    options = set(
        zip(wb.options["candidate_id"].astype(str), wb.options["option"].astype(str), strict=True)
    )
    problems = []
    for name, entry in values.items():
        candidate, sep, option = str(name).partition(PROBABILITY_KEY_SEP)
        known = (candidate, option) in options if sep else candidate in candidates
        pair = list(entry) if isinstance(entry, (list, tuple)) and len(entry) == 2 else None
        number = _number(pair[0]) if pair else None
        if not known:
            problems.append(f"probabilities.{name}: unknown candidate or option")
        elif number is None or not 0 <= number <= 1:
            problems.append(f"probabilities.{name}: expected [probability from 0 to 1, source]")
        elif str(pair[1]) not in PROBABILITY_SOURCES:  # type: ignore[index]
            problems.append(f"probabilities.{name}: unknown source {pair[1]!r}")  # type: ignore[index]
    return problems


def _apply_probabilities(out: Workbook, values: Mapping[str, Any]) -> None:
    """Write the ``probabilities`` section into the copy's candidates and options sheets, each with
    its ``probability_source`` (docs/workbook.md)."""
    base = {
        str(k): (float(v[0]), str(v[1])) for k, v in values.items() if PROBABILITY_KEY_SEP not in k
    }
    per_option = {
        tuple(str(k).split(PROBABILITY_KEY_SEP, 1)): (float(v[0]), str(v[1]))
        for k, v in values.items()
        if PROBABILITY_KEY_SEP in k
    }
    for sheet, column, keys in (
        ("candidates", "base_probability", lambda f: f["candidate_id"].astype(str)),
        (
            "options",
            "probability",
            lambda f: pd.Series(
                list(zip(f["candidate_id"].astype(str), f["option"].astype(str), strict=True)),
                index=f.index,
                dtype=object,
            ),
        ),
    ):
        wanted: Mapping[Any, tuple[float, str]] = base if sheet == "candidates" else per_option
        if not wanted:
            continue
        frame = getattr(out, sheet).copy()
        key = keys(frame)
        hit = key.map(lambda k, w=wanted: k in w).astype(bool)
        frame.loc[hit, column] = [wanted[k][0] for k in key[hit]]
        source = (
            frame["probability_source"].astype(object)
            if "probability_source" in frame
            else pd.Series("assumed", index=frame.index, dtype=object)
        )
        source.loc[hit] = [wanted[k][1] for k in key[hit]]
        frame["probability_source"] = source
        setattr(out, sheet, frame)


def apply_scenario(wb: Workbook, settings: Mapping[str, Any]) -> Workbook:
    """A copy of ``wb`` with the scenario's settings applied.

    Parameters
    ----------
    wb : Workbook
        The stored workbook (left unchanged).
    settings : Mapping
        Partial or full scenario settings; missing keys keep the workbook's values.

    Returns
    -------
    Workbook
        The scenario's workbook, ready for the optimizer or for export.

    Raises
    ------
    ScenarioError
        When a setting names an unknown fund line, resource, target or candidate, or a value is out of
        range.
    """
    problems = validate_settings(wb, settings)
    if problems:
        raise ScenarioError(problems)
    out = wb.copy()
    for key, sheet, name_col, value_col in (
        ("budgets", "budgets", "fund_line", "amount"),
        ("resources", "resources", "resource", "capacity"),
        ("goals", "targets", "target", "goal"),
        ("weights", "targets", "target", "weight"),
    ):
        values = settings.get(key)
        if not values:
            continue
        frame = getattr(out, sheet).copy()
        new = frame[name_col].astype(str).map({str(k): float(v) for k, v in values.items()})
        frame[value_col] = new.fillna(frame[value_col]).astype("float64")
        setattr(out, sheet, frame)
    for key in ("pool_share", "award_prudence", "correlation"):
        if key in settings:
            out.settings[key] = float(settings[key])
    if settings.get("probabilities"):
        _apply_probabilities(out, settings["probabilities"])
    if "locks" in settings:
        locks = settings["locks"] or {}
        out.locks = pd.DataFrame(
            {
                "candidate_id": pd.Series([str(k) for k in locks], dtype="object"),
                "option": pd.Series([str(v) for v in locks.values()], dtype="object"),
            }
        )
    return out


def normalise_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Settings with sorted keys and float values, so equal scenarios compare and hash equal."""
    out: dict[str, Any] = {}
    for key in SETTING_KEYS:
        if key not in settings:
            continue
        value = settings[key]
        if key in ("pool_share", "award_prudence", "correlation"):
            out[key] = float(value)
        elif key == "locks":
            out[key] = {str(k): str(v) for k, v in sorted((value or {}).items())}
        elif key == "probabilities":
            out[key] = {str(k): [float(v[0]), str(v[1])] for k, v in sorted((value or {}).items())}
        else:
            out[key] = {str(k): float(v) for k, v in sorted((value or {}).items())}
    return out


def settings_key(settings: Mapping[str, Any]) -> str:
    """A short stable hash of the settings (for caching solves and naming files)."""
    text = json.dumps(normalise_settings(settings), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def settings_diff(base: Mapping[str, Any], settings: Mapping[str, Any]) -> dict[str, Any]:
    """Only the parts of ``settings`` that differ from ``base`` (both normalised)."""
    base_n, new_n = normalise_settings(base), normalise_settings(settings)
    out: dict[str, Any] = {}
    for key, value in new_n.items():
        if key in ("pool_share", "award_prudence", "correlation"):
            if not math.isclose(value, base_n.get(key, math.nan), abs_tol=1e-12):
                out[key] = value
        elif key == "locks":
            if value != base_n.get("locks", {}):
                out[key] = value
        else:
            changed = {k: v for k, v in value.items() if base_n.get(key, {}).get(k) != v}
            if changed:
                out[key] = changed
    return out


def _format_number(value: float) -> str:
    """Compact text for a number in a link: no trailing zeros, integers without a point."""
    return f"{value:.6g}" if not float(value).is_integer() else str(int(value))


def settings_to_query(settings: Mapping[str, Any], base: Mapping[str, Any]) -> dict[str, str]:
    """Query parameters that restore ``settings`` on top of the workbook whose settings are ``base``.

    Only what differs from ``base`` is encoded: ``b.<fund_line>``, ``r.<resource>``, ``g.<target>``,
    ``w.<target>``, ``pool``, ``prudence``, and ``l.<candidate_id>`` for locks. When the scenario
    removes all of the workbook's locks, ``locks=none`` says so.
    """
    diff = settings_diff(base, settings)
    params: dict[str, str] = {}
    for key, prefix in _QUERY_PREFIX.items():
        if key == "locks" or key not in diff:
            continue
        for name, value in diff[key].items():
            params[prefix + name] = _format_number(value)
    for key, name in _QUERY_SCALAR.items():
        if key in diff:
            params[name] = _format_number(diff[key])
    if "locks" in diff:
        if not diff["locks"]:
            params["locks"] = "none"
        for candidate, option in diff["locks"].items():
            params["l." + candidate] = option
    return params


# A shared link carries what differs from the stored workbook: a few amounts, goals and weights, and the
# scenario's locks. A city's scenario needs tens of parameters; past this many the link is not one of ours,
# and reading it would only cost the server time (a crafted link with 999 locks took a minute).
MAX_LINK_PARAMETERS = 300


def settings_from_query(
    params: Mapping[str, str], wb: Workbook, *, locks_allowed: bool = True
) -> tuple[dict[str, Any], list[str]]:
    """Scenario settings read from query parameters, and one message per bad parameter.

    Parameters
    ----------
    params : Mapping
        The page's query parameters (``lang`` and ``page`` are ignored).
    wb : Workbook
        The stored workbook: the settings start from it and names are checked against it.
    locks_allowed : bool
        Whether the link may set locks (a planner's decision): when False, lock parameters are
        skipped with a message.

    Returns
    -------
    (dict, list of str)
        Full settings (the workbook's, with the link's changes applied; bad parameters skipped), and
        messages naming each parameter that was skipped and why, in the link's order. A link with
        more than `MAX_LINK_PARAMETERS` parameters is ignored whole, with one message.
    """
    settings = settings_from_workbook(wb)
    items = [(p, str(raw).strip()) for p, raw in params.items() if p not in RESERVED_QUERY_KEYS]
    if len(items) > MAX_LINK_PARAMETERS:
        return settings, [
            f"the link carries {len(items)} parameters, more than the {MAX_LINK_PARAMETERS} a "
            "scenario link holds; none was applied"
        ]
    problems: list[tuple[int, str]] = []
    trial: dict[str, Any] = {}  # every value the link sets, validated together below
    source: dict[str, int] = {}  # "key" or "key.name" as validate_settings names it -> parameter
    clear_locks = False
    prefixes = {v[:-1]: k for k, v in _QUERY_PREFIX.items()}
    scalars = {v: k for k, v in _QUERY_SCALAR.items()}
    for index, (param, text) in enumerate(items):
        prefix, _, name = param.partition(".")
        key = scalars.get(param) or prefixes.get(prefix)
        if param == "locks" or key == "locks":
            if not locks_allowed:
                problems.append((index, f"{param}: locks are a planner's decision; not applied"))
            elif param == "locks" and text != "none":
                problems.append((index, f"{param}: expected 'none', got {text!r}"))
            elif param == "locks":
                clear_locks = True
            elif name:
                trial.setdefault("locks", {})[name] = text
                source[f"locks.{name}"] = index
            else:
                problems.append((index, f"{param}: unknown parameter"))
            continue
        if key is None or (key not in _QUERY_SCALAR and not name):
            problems.append((index, f"{param}: unknown parameter"))
            continue
        number = _number(text)
        if number is None:
            problems.append((index, f"{param}: {text!r} is not a number"))
        elif key in _QUERY_SCALAR:
            trial[key] = number
            source[key] = index
        elif name not in settings[key]:
            problems.append((index, f"{param}: unknown name {name!r}"))
        else:
            trial.setdefault(key, {})[name] = number
            source[f"{key}.{name}"] = index
    rejected = set()
    for message in validate_settings(wb, trial):
        where, _, reason = message.partition(": ")
        rejected.add(where)
        index = source.get(where, len(items))
        problems.append((index, f"{items[index][0] if index < len(items) else where}: {reason}"))
    link_locks: dict[str, str] | None = {} if clear_locks else None
    for key, value in trial.items():
        if isinstance(value, dict):
            kept = {n: v for n, v in value.items() if f"{key}.{n}" not in rejected}
            if key == "locks":
                link_locks = {**(link_locks or {}), **kept} if kept or clear_locks else link_locks
            else:
                settings[key].update(kept)
        elif key not in rejected:
            settings[key] = value
    if link_locks is not None:
        settings["locks"] = link_locks
    return settings, [message for _, message in sorted(problems, key=lambda p: p[0])]
