"""What the studio's panels share for one run: the language, the data and the scenario in use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from data.scenario import settings_from_workbook
from data.schema import Workbook
from ui import state
from ui.i18n import current_lang
from ui.settings import ScenarioSettings
from ui.tables import name_labels


@dataclass(frozen=True)
class StudioContext:
    """The run's language, workbook (and its fingerprint), display labels, the stored settings and
    the scenario in use."""

    lang: str
    wb: Workbook
    fingerprint: str
    labels: dict[str, str]
    stored: dict[str, Any]
    settings: ScenarioSettings

    @classmethod
    def load(cls) -> StudioContext:
        """The context of this run (the workbook is cached; the scenario is the session's)."""
        lang = current_lang()
        wb, fingerprint = state.workbook()
        return cls(
            lang=lang,
            wb=wb,
            fingerprint=fingerprint,
            labels=name_labels(wb, lang),
            stored=settings_from_workbook(wb),
            settings=state.scenario(),
        )
