"""Charts: deterministic print-resolution PNGs, Swedish numbers, the trend in words."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from omstallning.followup.charts import (
    ChartDrawer,
    ChartPoint,
    format_number,
    indicator_chart,
    trend_text,
    with_unit,
)

from .conftest import EXAMPLE

VALUES = [ChartPoint("2024", 2024.5, 10), ChartPoint("2025", 2025.5, 12.5)]
VALUES.append(ChartPoint("2026", 2026.5, 18))
TARGETS = [ChartPoint("2026", 2026.5, 20), ChartPoint("2027", 2027.5, 30)]


def test_two_renders_are_byte_identical_pngs_at_print_resolution() -> None:
    pytest.importorskip("matplotlib")
    one = indicator_chart("Andel", VALUES, TARGETS, "%")
    assert one == indicator_chart("Andel", VALUES, TARGETS, "%")
    assert one[:8] == b"\x89PNG\r\n\x1a\n"
    width, _height, depth, colour = struct.unpack(">IIBB", one[16:26])
    assert abs(width - 16 / 2.54 * 200) <= 1  # 16 cm at 200 dpi
    assert (depth, colour) == (8, 0)  # 8-bit grey: drawn in black and greys only
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


OTHER = [ChartPoint("2025", 2025.5, 1488), ChartPoint("första halvåret 2026", 2026.25, -3)]
LONG_TITLE = "Antal dagar från ansökan till beslut om insats enligt socialtjänstlagen " * 2


def _fresh_process_chart() -> bytes:
    code = (
        "import sys\n"
        "from omstallning.followup.charts import ChartPoint, indicator_chart\n"
        f"values = {VALUES!r}\n"
        f"targets = {TARGETS!r}\n"
        "sys.stdout.buffer.write(indicator_chart('Andel', values, targets, '%'))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, check=True, env=env
    ).stdout


def test_a_chart_is_the_same_bytes_whatever_was_drawn_before() -> None:
    pytest.importorskip("matplotlib")
    drawer = ChartDrawer(keep=0)  # nothing remembered: every chart is drawn again
    first = drawer.draw("Andel", VALUES, TARGETS, "%")
    other = drawer.draw(LONG_TITLE, OTHER, [], "dagar")
    assert other != first
    assert drawer.draw("Andel", VALUES, TARGETS, "%") == first
    assert drawer.draw(LONG_TITLE, OTHER, [], "dagar") == ChartDrawer().draw(
        LONG_TITLE, OTHER, [], "dagar"
    )
    assert _fresh_process_chart() == first


def test_build_validate_and_status_without_follow_up_never_import_matplotlib(
    tmp_path: Path,
) -> None:
    code = (
        "import sys\n"
        "from omstallning.cli.main import main\n"
        "builds = [['build', R, '-f', f, '-o', O, '-j', '2'] for f in ('all', 'html')]\n"
        "for args in (['validate', R], ['status', R], *builds):\n"
        "    sys.argv = ['omstallning', *args]\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code in (0, None), (args, exc.code)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))\n"
    )
    region = tmp_path / "region"
    shutil.copytree(EXAMPLE, region, ignore=shutil.ignore_patterns("build"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", f"R = {str(region)!r}\nO = {str(tmp_path / 'ut')!r}\n" + code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=tmp_path,
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr
    assert (tmp_path / "ut" / "klippan.md").is_file()
