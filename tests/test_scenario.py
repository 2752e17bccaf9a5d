"""Scenario settings: read from a workbook, applied to it, validated, and carried in a shareable link."""

from __future__ import annotations

import pytest

from data.scenario import (
    ScenarioError,
    apply_scenario,
    settings_diff,
    settings_from_query,
    settings_from_workbook,
    settings_key,
    settings_to_query,
    validate_settings,
)

# The shared tiny workbook (tests/conftest.py): fund lines industry 100 (pooled) and projects 50,
# resource staff_days 20, targets new_srdi (goal 2) and starts (goal 1, weight 2), candidates E1, E2,
# P1, lock E2 → coaching, pool_share 0.2.


def test_settings_from_workbook_has_every_key(tiny_workbook) -> None:
    settings = settings_from_workbook(tiny_workbook)
    assert settings == {
        "budgets": {"industry": 100.0, "projects": 50.0},
        "resources": {"staff_days": 20.0},
        "pool_share": 0.2,
        "award_prudence": 1.0,
        "goals": {"new_srdi": 2.0, "starts": 1.0},
        "weights": {"new_srdi": 1.0, "starts": 2.0},
        "locks": {"E2": "coaching"},
    }


def test_apply_scenario_changes_only_what_it_names(tiny_workbook) -> None:
    out = apply_scenario(
        tiny_workbook,
        {"budgets": {"industry": 250}, "goals": {"starts": 3}, "pool_share": 0.5, "locks": {}},
    )
    assert out.budgets.set_index("fund_line")["amount"].to_dict() == {
        "industry": 250.0,
        "projects": 50.0,
    }
    assert out.targets.set_index("target")["goal"].to_dict() == {"new_srdi": 2.0, "starts": 3.0}
    assert out.targets.set_index("target")["weight"].to_dict() == {"new_srdi": 1.0, "starts": 2.0}
    assert out.pool_share == 0.5
    assert out.locks.empty
    # The stored workbook is untouched.
    assert tiny_workbook.budgets["amount"].tolist() == [100.0, 50.0]
    assert len(tiny_workbook.locks) == 1


def test_missing_keys_keep_the_workbook(tiny_workbook) -> None:
    out = apply_scenario(tiny_workbook, {})
    assert settings_from_workbook(out) == settings_from_workbook(tiny_workbook)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"budgets": {"nope": 1}}, "budgets.nope: unknown name"),
        ({"budgets": {"industry": -1}}, "budgets.industry: must be >= 0"),
        ({"goals": {"starts": 0}}, "goals.starts: must be > 0"),
        ({"weights": {"starts": "x"}}, "weights.starts: 'x' is not a number"),
        ({"pool_share": 1.5}, "pool_share: must be a number from 0 to 1"),
        ({"locks": {"E1": "rd_subsidy"}}, "locks.E1: 'rd_subsidy' is not one of its options"),
        ({"locks": {"Z9": "none"}}, "locks.Z9: unknown candidate"),
        ({"colour": "red"}, "colour: unknown setting"),
    ],
)
def test_bad_settings_are_named(tiny_workbook, settings, expected) -> None:
    problems = validate_settings(tiny_workbook, settings)
    assert any(p.startswith(expected) for p in problems), problems
    with pytest.raises(ScenarioError) as info:
        apply_scenario(tiny_workbook, settings)
    assert info.value.problems == problems


def test_key_is_stable_and_sensitive(tiny_workbook) -> None:
    base = settings_from_workbook(tiny_workbook)
    same = {**base, "budgets": {"projects": 50, "industry": 100}}  # order and int/float differ
    assert settings_key(base) == settings_key(same)
    assert settings_key(base) != settings_key({**base, "pool_share": 0.3})


def test_link_carries_only_differences_and_restores_them(tiny_workbook) -> None:
    base = settings_from_workbook(tiny_workbook)
    changed = {
        **base,
        "budgets": {"industry": 120.5, "projects": 50.0},
        "weights": {"new_srdi": 1.0, "starts": 0.5},
        "pool_share": 0.35,
        "locks": {"E1": "coaching", "P1": "none"},
    }
    params = settings_to_query(changed, base)
    assert params == {
        "b.industry": "120.5",
        "w.starts": "0.5",
        "pool": "0.35",
        "l.E1": "coaching",
        "l.P1": "none",
    }
    restored, problems = settings_from_query({"lang": "en", **params}, tiny_workbook)
    assert problems == []
    assert settings_diff(changed, restored) == {}
    assert settings_to_query(base, base) == {}


def test_link_can_remove_every_lock(tiny_workbook) -> None:
    base = settings_from_workbook(tiny_workbook)
    params = settings_to_query({**base, "locks": {}}, base)
    assert params == {"locks": "none"}
    restored, problems = settings_from_query(params, tiny_workbook)
    assert restored["locks"] == {} and problems == []


def test_bad_link_parameters_are_named_and_skipped(tiny_workbook) -> None:
    params = {
        "b.industry": "lots",
        "b.nope": "5",
        "r.staff_days": "-3",
        "pool": "2",
        "g.starts": "4",
        "l.E1": "magic",
        "zzz": "1",
    }
    settings, problems = settings_from_query(params, tiny_workbook)
    text = "\n".join(problems)
    for name in ("b.industry", "b.nope", "r.staff_days", "pool", "l.E1", "zzz"):
        assert f"{name}:" in text
    assert len(problems) == 6
    # The good parameter still applies; the bad ones leave the workbook's values.
    assert settings["goals"]["starts"] == 4.0
    assert settings["budgets"]["industry"] == 100.0
    assert settings["pool_share"] == 0.2
    assert settings["locks"] == {"E2": "coaching"}


# ---- the dashboard's settings value (ui/settings.py)


def test_scenario_settings_is_its_own_cache_key(tiny_workbook) -> None:
    from ui.settings import ScenarioSettings

    base = settings_from_workbook(tiny_workbook)
    value = ScenarioSettings.from_mapping(base)
    same = ScenarioSettings.from_mapping({**base, "budgets": {"projects": 50, "industry": 100}})
    assert value == same and hash(value) == hash(same) and {value: 1}[same] == 1
    assert value.key == same.key == settings_key(base)
    other = value.with_value("pool_share", None, 0.3)
    assert other != value and other.key == settings_key({**base, "pool_share": 0.3})
    assert dict(value.as_dict()) == base  # reads back as the data layer's settings
    with pytest.raises(AttributeError):  # frozen
        value.pool_share = 0.5  # type: ignore[misc]


def test_scenario_settings_round_trip_through_a_link_and_a_save(tiny_workbook) -> None:
    import json

    from ui.settings import ScenarioSettings

    base = settings_from_workbook(tiny_workbook)
    changed = (
        ScenarioSettings.from_mapping(base)
        .with_value("budgets", "industry", 120.5)
        .with_value("locks", "E1", "coaching")
        .without_locks(["E2"])
    )
    restored, problems = settings_from_query(settings_to_query(changed, base), tiny_workbook)
    assert problems == [] and ScenarioSettings.from_mapping(restored) == changed
    saved = json.loads(json.dumps(changed.as_dict()))  # what the store keeps
    assert ScenarioSettings.from_mapping({**base, **saved}) == changed
    assert apply_scenario(tiny_workbook, changed).budgets.equals(
        apply_scenario(tiny_workbook, changed.as_dict()).budgets
    )


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "x"])
def test_scenario_settings_reject_numbers_that_are_not(bad) -> None:
    from ui.settings import ScenarioSettings

    with pytest.raises(ScenarioError) as info:
        ScenarioSettings.from_mapping({"budgets": {"industry": bad}})
    assert info.value.problems[0].startswith("budgets.industry")
