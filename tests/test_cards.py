"""The cockpit's target cards read the expectation and the chance together (ui.widgets.card_verdict)."""

from __future__ import annotations

import pytest

from ui.widgets import card_verdict


def test_an_expectation_at_the_goal_with_a_low_chance_says_it_may_fall_short() -> None:
    text = card_verdict(150.0, 150.0, 0.54, "家", "zh", base=127.0)
    assert "目标 150 家" in text and "预期 150 家" in text
    assert "完成把握仅 54%" in text and "低于目标" in text
    assert "不支持时预期 127 家" in text


def test_a_gap_that_rounds_to_nothing_is_at_the_goal_not_zero_short() -> None:
    # 1.99 of 2 is shown as "2.0": the card must not say "0.0 short".
    text = card_verdict(1.99, 2.0, 0.69, "家", "zh")
    assert "少" not in text and "持平" in text
    assert "level with the goal" in card_verdict(1.99, 2.0, 0.69, "家", "en")


def test_a_real_gap_is_named_with_its_size() -> None:
    text = card_verdict(137.1, 150.0, 0.11, "家", "zh")
    assert "比目标少 12.9 家" in text and "完成把握 11%" in text
    assert "12.9" in card_verdict(137.1, 150.0, 0.11, "家", "en")


@pytest.mark.parametrize("expected", [140.0, 150.0, 160.0])
def test_a_likely_goal_reads_as_likely_whatever_the_expectation(expected: float) -> None:
    text = card_verdict(expected, 150.0, 0.85, "家", "zh")
    assert "完成把握 85%" in text and "仅" not in text and "少" not in text
