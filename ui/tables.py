"""Tables as people read them (translated headers and values) and the download files built from them.

The allocation downloads (CSV with a UTF-8 BOM so Excel opens Chinese correctly, and XLSX) carry
headers in the chosen language; the functions return bytes so tests can open them directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from data.schema import Workbook
from ui.i18n import TABLE, t, tv

# Allocation columns in display order, with their label keys.
ALLOCATION_COLUMNS: dict[str, str] = {
    "candidate_id": "common.id",
    "name": "common.name",
    "kind": "common.kind",
    "district": "common.district",
    "option": "common.option",
    "base_probability": "common.base_probability",
    "probability": "common.probability",
    "probability_source": "common.probability_source",
    "fund_line": "common.fund_line",
    "cost": "common.cost",
    "reserve": "common.reserve",
}
# Columns holding data values that the translation table may know.
VALUE_COLUMNS = ("kind", "district", "option", "fund_line", "cluster", "rung", "lead_department")


def name_labels(wb: Workbook, lang: str) -> dict[str, str]:
    """Display names for fund lines, resources and targets: ``label_zh``/``label_en`` when present."""
    labels: dict[str, str] = {}
    for frame, key in (
        (wb.budgets, "fund_line"),
        (wb.resources, "resource"),
        (wb.targets, "target"),
    ):
        column = f"label_{lang}"
        for _, row in frame.iterrows():
            raw = str(row[key])
            text = row.get(column) if column in frame.columns else None
            labels[raw] = str(text) if isinstance(text, str) and text.strip() else tv(raw, lang)
    return labels


def label_for(value: object, labels: Mapping[str, str], lang: str) -> str:
    """A fund line, resource or target by its display name, else the translated data value."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return labels.get(text) or tv(text, lang)


def short_target_label(target: object, full: str, lang: str) -> str:
    """A target's short name for narrow places (metric labels), else its full display name.

    Short names exist in the translation table as ``target_short.<target>`` for the demo's targets;
    an imported workbook's other targets keep their full name.
    """
    key = f"target_short.{target}"
    return t(key, lang) if key in TABLE else full


def candidate_label(candidate_id: object, name: object, lang: str) -> str:
    """A candidate as people name it: the firm's or project's name and, for a firm, the rung's label.

    Candidate IDs join the entity and the rung (``F00702-above_size``, ``P0003-start``, see
    docs/workbook.md); the code part is never shown in Chinese. Without a name the entity's code
    stands in for it.
    """
    from data.vocabulary import PROJECT_RUNG, RUNG_LABELS, label

    text = str(candidate_id)
    entity, _, rung = text.rpartition("-")
    who = str(name).strip() if name is not None and str(name).strip() not in ("", "nan") else ""
    if entity and rung == PROJECT_RUNG:  # a project has one rung, its start: the name says it all
        return who or entity
    if entity and rung in RUNG_LABELS:
        rung_text = label("rung", rung, lang)
        return (
            f"{who or entity}（{rung_text}）" if lang == "zh" else f"{who or entity} ({rung_text})"
        )
    return who or text


def option_label(option: object, lang: str) -> str:
    """A support option's display name (``none`` → 无 / None)."""
    return tv(option, lang)


def allocation_frame(
    allocation: pd.DataFrame,
    lang: str,
    labels: Mapping[str, str] | None = None,
    resources: Sequence[str] = (),
) -> pd.DataFrame:
    """The allocation with translated headers and values, in the order planners read it.

    Parameters
    ----------
    allocation : DataFrame
        ``AllocationResult.allocation`` (candidate_id, name, kind, district, option, probability, …).
    lang : {"zh", "en"}
        Language of headers and known values.
    labels : Mapping, optional
        Display names for fund lines and resources (see :func:`name_labels`).
    resources : sequence of str
        Resource columns to include, after the money columns.
    """
    labels = labels or {}
    columns = [c for c in ALLOCATION_COLUMNS if c in allocation.columns]
    extra = [r for r in resources if r in allocation.columns]
    out = allocation[columns + extra].copy()
    for column in ("kind", "district"):
        if column in out.columns:
            out[column] = out[column].map(lambda v: tv(v, lang))
    if "option" in out.columns:  # "factor_guarantee" is a stage too: read it as the option
        out["option"] = out["option"].map(lambda v: tv(v, lang, "option"))
    if "fund_line" in out.columns:
        out["fund_line"] = out["fund_line"].map(lambda v: label_for(v, labels, lang) if v else "")
    if "probability_source" in out.columns:
        out["probability_source"] = out["probability_source"].map(
            lambda v: t(f"calibration.source.{v}", lang) if v else ""
        )
    headers = {c: t(ALLOCATION_COLUMNS[c], lang) for c in columns}
    headers.update({r: label_for(r, labels, lang) for r in extra})
    return out.rename(columns=headers)


def allocation_csv_bytes(
    allocation: pd.DataFrame,
    lang: str,
    labels: Mapping[str, str] | None = None,
    resources: Sequence[str] = (),
) -> bytes:
    """The allocation as CSV (UTF-8 with BOM, so Excel on a Chinese PC opens it), headers in ``lang``."""
    from data.safety import safe_csv_bytes

    frame = allocation_frame(allocation, lang, labels, resources)
    return safe_csv_bytes(frame, encoding="utf-8-sig", index=False)


def allocation_xlsx_bytes(
    allocation: pd.DataFrame,
    lang: str,
    labels: Mapping[str, str] | None = None,
    resources: Sequence[str] = (),
    targets: pd.DataFrame | None = None,
) -> bytes:
    """The allocation as an Excel workbook, headers in ``lang``; a second sheet with the targets."""
    from data.safety import safe_xlsx_bytes

    sheets = {
        t("download.sheet.allocation", lang): allocation_frame(allocation, lang, labels, resources)
    }
    if targets is not None and len(targets):
        sheets[t("download.sheet.targets", lang)] = targets_frame(targets, lang, labels or {})
    return safe_xlsx_bytes(sheets)


TARGET_COLUMNS: dict[str, str] = {
    "target": "common.target",
    "unit": "common.unit",
    "goal": "common.goal",
    "weight": "common.weight",
    "expected_base": "common.expected_base",
    "expected": "common.expected_plan",
    "attainment": "common.attainment",
    "p_meet": "common.p_meet",
}


def targets_frame(targets: pd.DataFrame, lang: str, labels: Mapping[str, str]) -> pd.DataFrame:
    """Targets with translated headers and names (numbers left as numbers)."""
    columns = [c for c in TARGET_COLUMNS if c in targets.columns]
    out = targets[columns].copy()
    out["target"] = out["target"].map(lambda v: label_for(v, labels, lang))
    if "unit" in out.columns:
        out["unit"] = out["unit"].map(lambda v: unit_label(v, lang))
    return out.rename(columns={c: t(TARGET_COLUMNS[c], lang) for c in columns})


_UNIT_KEYS = {
    "count": "unit.count",
    "个": "unit.count",
    "万元": "unit.wan",
    "wan": "unit.wan",
    "mu": "unit.mu",
    "亩": "unit.mu",
    "tce": "unit.tce",
    "t": "unit.tonnes",
    "吨": "unit.tonnes",
    "days": "unit.days",
    "staff_days": "unit.days",
    "staff days": "unit.days",
    "人日": "unit.days",
    "slots": "unit.slots",
    "firms": "unit.firms",
    "projects": "unit.projects",
}


def unit_label(unit: object, lang: str) -> str:
    """A unit in the reader's language (unknown units pass through)."""
    text = "" if unit is None or (isinstance(unit, float) and pd.isna(unit)) else str(unit)
    key = _UNIT_KEYS.get(text)
    return t(key, lang) if key else text
