"""Scenario settings as a value: frozen, validated, hashable, and therefore its own cache key.

:class:`ScenarioSettings` is what the session keeps under ``st.session_state["scenario"]`` and what the
solve and analysis caches are keyed by. It reads like the settings mapping of ``data/scenario.py``
(``settings["budgets"]["x"]``, ``settings.get("locks")``), so the data layer's functions (applying a
scenario, links, diffs, saving) take it as they are; its sections are :class:`FrozenMap` values.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from data.scenario import SETTING_KEYS, ScenarioError, settings_key

V = TypeVar("V")
AMOUNT_SECTIONS = ("budgets", "resources", "goals", "weights")
SCALARS = ("pool_share", "award_prudence", "correlation")


@dataclass(frozen=True, eq=False)
class FrozenMap(Mapping[str, V], Generic[V]):
    """A read-only mapping sorted by key: equal content compares and hashes equal."""

    items_: tuple[tuple[str, V], ...] = ()
    # A dict of the items for lookups: a scenario's adopted probabilities are thousands of entries.
    index_: dict[str, V] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index_", dict(self.items_))

    @classmethod
    def of(cls, mapping: Mapping[Any, V] | None) -> FrozenMap[V]:
        """The mapping's items, keys as text, sorted."""
        return cls(tuple(sorted((str(k), v) for k, v in (mapping or {}).items())))

    def __getitem__(self, key: str) -> V:
        return self.index_[key]

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self.items_)

    def __len__(self) -> int:
        return len(self.items_)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.items_)

    def __repr__(self) -> str:
        return f"FrozenMap({dict(self.items_)!r})"


def _finite(section: str, name: str | None, value: Any) -> float:
    where = f"{section}.{name}" if name is not None else section
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ScenarioError([f"{where}: not a number ({value!r})"]) from None
    if not math.isfinite(number):
        raise ScenarioError([f"{where}: not a finite number ({value!r})"])
    return number


# eq and hash are the dataclass's, over the fields (not Mapping's, which would equal any dict)
@dataclass(frozen=True)
class ScenarioSettings(Mapping[str, Any]):
    """A scenario's settings (the sections of ``data.scenario.SETTING_KEYS``).

    Amounts are floats, locks map a candidate to an option; a section or scalar left ``None`` is not
    set and keeps the workbook's value when the scenario is applied. Building one checks that every
    amount is a finite number (``ScenarioError`` otherwise); whether the names exist in a workbook is
    ``data.scenario.validate_settings``' job when the scenario is applied.
    """

    budgets: FrozenMap[float] | None = None
    resources: FrozenMap[float] | None = None
    pool_share: float | None = None
    award_prudence: float | None = None
    goals: FrozenMap[float] | None = None
    weights: FrozenMap[float] | None = None
    locks: FrozenMap[str] | None = None
    correlation: float | None = None
    # {candidate_id or candidate_id|option: (probability, source)} (data/scenario.py)
    probabilities: FrozenMap[tuple[float, str]] | None = None
    key: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        # the key is derived once: equal settings have equal keys (data.scenario.settings_key)
        object.__setattr__(self, "key", settings_key(self))

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> ScenarioSettings:
        """Settings from a mapping (a workbook's, a link's, a saved scenario's); checks the numbers."""
        if isinstance(settings, ScenarioSettings):
            return settings
        values: dict[str, Any] = {}
        for section in AMOUNT_SECTIONS:
            if section in settings:
                values[section] = FrozenMap.of(
                    {
                        str(k): _finite(section, str(k), v)
                        for k, v in (settings[section] or {}).items()
                    }
                )
        for scalar in SCALARS:
            if scalar in settings:
                values[scalar] = _finite(scalar, None, settings[scalar])
        if "locks" in settings:
            values["locks"] = FrozenMap.of(
                {str(k): str(v) for k, v in (settings["locks"] or {}).items()}
            )
        if "probabilities" in settings:
            values["probabilities"] = FrozenMap.of(
                {
                    str(k): (_finite("probabilities", str(k), v[0]), str(v[1]))
                    for k, v in (settings["probabilities"] or {}).items()
                }
            )
        return cls(**values)

    def with_value(self, section: str, name: str | None, value: Any) -> ScenarioSettings:
        """These settings with one value changed (``name`` None: the scalar ``section``)."""
        if name is None:
            # section names a field (SETTING_KEYS); mypy cannot tie the name to its type
            return replace(self, **{section: _finite(section, None, value)})  # type: ignore[arg-type]
        current = dict(getattr(self, section) or {})
        current[name] = str(value) if section == "locks" else _finite(section, name, value)
        return replace(self, **{section: FrozenMap.of(current)})  # type: ignore[arg-type]

    def without_locks(self, candidates: list[str]) -> ScenarioSettings:
        """These settings without the locks of ``candidates``."""
        kept = {c: o for c, o in (self.locks or {}).items() if c not in candidates}
        return replace(self, locks=FrozenMap.of(kept))

    def as_dict(self) -> dict[str, Any]:
        """Plain dicts and floats (JSON-able: what a saved scenario stores)."""
        out = {k: dict(v) if isinstance(v, Mapping) else v for k, v in self.items()}
        if "probabilities" in out:
            out["probabilities"] = {k: list(v) for k, v in out["probabilities"].items()}
        return out

    # Mapping: the sections that are set, in SETTING_KEYS order.
    def __getitem__(self, section: str) -> Any:
        if section not in SETTING_KEYS or getattr(self, section) is None:
            raise KeyError(section)
        return getattr(self, section)

    def __iter__(self) -> Iterator[str]:
        return (s for s in SETTING_KEYS if getattr(self, s) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)
