"""Charts: deterministic print-resolution PNGs, Swedish numbers, the trend in words."""

from __future__ import annotations

import struct

import pytest

from omstallning.followup.charts import (
    ChartPoint,
    format_number,
    indicator_chart,
    trend_text,
    with_unit,
)

VALUES = [ChartPoint("2024", 2024.5, 10), ChartPoint("2025", 2025.5, 12.5)]
VALUES.append(ChartPoint("2026", 2026.5, 18))
TARGETS = [ChartPoint("2026", 2026.5, 20), ChartPoint("2027", 2027.5, 30)]


def test_two_renders_are_byte_identical_pngs_at_print_resolution() -> None:
    pytest.importorskip("matplotlib")
    one = indicator_chart("Andel", VALUES, TARGETS, "%")
    assert one == indicator_chart("Andel", VALUES, TARGETS, "%")
    assert one[:8] == b"\x89PNG\r\n\x1a\n"
    width, _height = struct.unpack(">II", one[16:24])
    assert abs(width - 16 / 2.54 * 200) <= 1  # 16 cm at 200 dpi
    assert b"Software" not in one and b"matplotlib" not in one.lower()


def test_numbers_are_swedish() -> None:
    assert format_number(1488) == "1\u00a0488"
    assert format_number(12.5) == "12,5"
    assert format_number(-3) == "−3"
    assert with_unit(18, "%") == "18\u00a0%"
    assert with_unit(74, "antal") == "74"
    assert with_unit(4.25, "dagar") == "4,25\u00a0dagar"


def test_the_trend_in_words_says_direction_and_whether_the_target_is_met() -> None:
    assert trend_text(VALUES, TARGETS, "%", "högre") == (
        "Värdet har ökat från 10\u00a0% år 2024 till 18\u00a0% år 2026, åt rätt håll; "
        "målet 30\u00a0% år 2027 är inte nått."
    )
    down = [ChartPoint("2025", 2025.5, 14), ChartPoint("första halvåret 2026", 2026.25, 4)]
    assert trend_text(down, [ChartPoint("2027", 2027.5, 5)], "dagar", "lägre") == (
        "Värdet har minskat från 14\u00a0dagar år 2025 till 4\u00a0dagar första halvåret "
        "2026, åt rätt håll; målet 5\u00a0dagar år 2027 är nått."
    )
    assert trend_text([], [], None, None) == "Inget utfall är rapporterat."
