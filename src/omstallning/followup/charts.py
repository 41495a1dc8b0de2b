"""Charts of an indicator's outcomes against its targets, and the trend in words.

`indicator_chart` draws the values of the periods up to the report's period as a solid
line with round markers and the targets as a dashed line with square markers, so the two
stay apart in grey-scale print; labels are Swedish and numbers have a decimal comma. The
PNG is at print resolution and the same bytes for the same data: every setting is fixed
here (matplotlib's own defaults, its bundled DejaVu Sans, no software or date stamp).

matplotlib is imported inside `indicator_chart` only: `validate`, `status` and a build
without follow-up never load it. `trend_text` (the chart's alt text) needs no matplotlib.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from omstallning.followup.period import ReportPeriod

DPI = 200
WIDTH_CM = 16.0
HEIGHT_CM = 7.5
_CM_PER_INCH = 2.54
VALUE_LABEL = "Utfall"
TARGET_LABEL = "Målvärde"
# Units that are written after a number; "antal" and "st" are not (the number says it).
_SILENT_UNITS = {"antal", "st", "st."}


@dataclass(frozen=True)
class ChartPoint:
    """One value of a series: its period (or year of a target) and the number."""

    label: str
    x: float
    value: float


def period_x(period: ReportPeriod) -> float:
    """Where a period sits on a time axis in years: its middle (2026 -> 2026.5)."""
    return period.year + (period.first_month - 1 + period.last_month) / 24


def year_x(year: int) -> float:
    """Where a yearly target sits: the middle of the year, as a whole-year outcome."""
    return year + 0.5


def format_number(value: float) -> str:
    """`12,5`, `1 488`, `-3`: Swedish, at most two decimals, no trailing zeros."""
    if math.isnan(value) or math.isinf(value):
        return "–"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    text = text.replace(",", "\u00a0").replace(".", ",")
    return "−" + text[1:] if text.startswith("-") else text


def with_unit(value: float, unit: str | None) -> str:
    """A number with its unit as people write it: `18 %`, `14 dagar`, `40` (antal)."""
    number = format_number(value)
    if not unit or unit.strip().lower() in _SILENT_UNITS:
        return number
    return f"{number}\u00a0{unit.strip()}"


def _reached(value: float, target: float, direction: str | None) -> bool | None:
    if direction == "högre":
        return value >= target
    if direction == "lägre":
        return value <= target
    return None


def _when(label: str) -> str:
    """`år 2025` for a year, the words as they are for a part of one."""
    return f"år {label}" if label.isdigit() else label


def _heading_for(first: float, last: float, direction: str | None) -> str:
    if direction is None or first == last:
        return ""
    better = (last > first) == (direction == "högre")
    return ", åt rätt håll" if better else ", åt fel håll"


def trend_text(
    values: Sequence[ChartPoint],
    targets: Sequence[ChartPoint],
    unit: str | None,
    direction: str | None,
) -> str:
    """The chart's content in one sentence, for its alt text.

    "Värdet har ökat från 10 % år 2024 till 18 % år 2026; målet 30 % år 2027 är inte nått."
    Value labels are periods in words (`2026`, `första halvåret 2026`), target labels years.
    """
    if not values:
        return "Inget utfall är rapporterat."
    first, last = values[0], values[-1]
    if len(values) == 1:
        sentence = f"Värdet var {with_unit(last.value, unit)} {_when(last.label)}"
    elif last.value == first.value:
        sentence = (
            f"Värdet är detsamma {_when(last.label)} som {_when(first.label)}, "
            f"{with_unit(last.value, unit)}"
        )
    else:
        verb = "ökat" if last.value > first.value else "minskat"
        sentence = (
            f"Värdet har {verb} från {with_unit(first.value, unit)} {_when(first.label)} "
            f"till {with_unit(last.value, unit)} {_when(last.label)}"
            + _heading_for(first.value, last.value, direction)
        )
    if targets:
        goal = targets[-1]
        reached = _reached(last.value, goal.value, direction)
        verdict = {True: "är nått", False: "är inte nått", None: "kan inte bedömas"}[reached]
        sentence += f"; målet {with_unit(goal.value, unit)} {_when(goal.label)} {verdict}"
    return sentence + "."


def _number_formatter(value: float, _position: float) -> str:
    return format_number(round(value, 6))


def _year_formatter(value: float, _position: float) -> str:
    return str(math.floor(value))


def indicator_chart(
    title: str,
    values: Sequence[ChartPoint],
    targets: Sequence[ChartPoint],
    unit: str | None,
    *,
    width_cm: float = WIDTH_CM,
    height_cm: float = HEIGHT_CM,
    drawer: ChartDrawer | None = None,
) -> bytes:
    """A PNG line chart of `values` (solid, circles) against `targets` (dashed, squares).

    The same arguments give the same bytes. Years are ticked at their middles, where a
    whole-year value sits; half-years, tertials and quarters fall between. `drawer` is the
    process's `PROCESS_DRAWER` by default (a fresh `ChartDrawer` gives the same bytes).
    """
    chosen = PROCESS_DRAWER if drawer is None else drawer
    return chosen.draw(title, values, targets, unit, width_cm=width_cm, height_cm=height_cm)


class ChartDrawer:
    """What drawing charts keeps between the charts of one process, as one explicit object.

    One matplotlib figure per size, drawn again for each chart: a new figure costs as much
    as drawing it, and the text of the axes (the years, the numbers) is measured once per
    figure rather than once per chart. Every chart sets all that it shows (series, ticks,
    limits, labels, title, legend, margins), so a chart's bytes never depend on the ones
    drawn before (tests draw A, B, A). The last charts' bytes are kept: the same chart of a
    report in two formats is drawn once. Nothing is imported before the first chart.
    """

    def __init__(self, keep: int = 64) -> None:
        """`keep`: how many charts' bytes to keep (0: none, every chart is drawn)."""
        self._keep = keep
        self._pngs: dict[tuple[object, ...], bytes] = {}
        self._figures: dict[tuple[float, float], Any] = {}
        self._rc: Any = None  # the settings of every chart, once computed

    def draw(
        self,
        title: str,
        values: Sequence[ChartPoint],
        targets: Sequence[ChartPoint],
        unit: str | None,
        *,
        width_cm: float = WIDTH_CM,
        height_cm: float = HEIGHT_CM,
    ) -> bytes:
        """The chart's PNG (`indicator_chart`)."""
        key = (title, tuple(values), tuple(targets), unit, width_cm, height_cm)
        png = self._pngs.get(key)
        if png is None:
            png = self._render(title, values, targets, unit, (width_cm, height_cm))
            if self._keep:
                if len(self._pngs) >= self._keep:
                    del self._pngs[next(iter(self._pngs))]  # the oldest
                self._pngs[key] = png
        return png

    def _settings(self) -> Any:
        """The defaults of matplotlib with ours on top: a user's matplotlibrc never counts."""
        if self._rc is None:
            import matplotlib  # noqa: PLC0415 - kept out of validate and status

            matplotlib.use("Agg", force=False)
            with matplotlib.rc_context():
                matplotlib.rcdefaults()
                matplotlib.rcParams.update(_RC)
                params: Any = matplotlib.rcParams
                self._rc = dict(params.copy())
        return self._rc

    def _figure(self, size: tuple[float, float]) -> Any:
        figure = self._figures.get(size)
        if figure is None:
            from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
            from matplotlib.figure import Figure  # noqa: PLC0415
            from matplotlib.ticker import FuncFormatter  # noqa: PLC0415

            figure = Figure(figsize=(size[0] / _CM_PER_INCH, size[1] / _CM_PER_INCH), dpi=DPI)
            FigureCanvasAgg(figure)
            ax = figure.add_subplot()
            ax.xaxis.set_major_formatter(FuncFormatter(_year_formatter))
            ax.yaxis.set_major_formatter(FuncFormatter(_number_formatter))
            ax.grid(axis="y", color="#BBBBBB", linewidth=0.5)
            self._figures[size] = figure
        return figure

    def _render(
        self,
        title: str,
        values: Sequence[ChartPoint],
        targets: Sequence[ChartPoint],
        unit: str | None,
        size: tuple[float, float],
    ) -> bytes:
        import matplotlib  # noqa: PLC0415
        from matplotlib.ticker import FixedLocator  # noqa: PLC0415

        with matplotlib.rc_context(self._settings()):
            fig = self._figure(size)
            ax = fig.axes[0]
            for line in list(ax.lines):
                line.remove()
            _draw(ax, values, targets)
            years = sorted({math.floor(p.x) for p in (*values, *targets)})
            ax.xaxis.set_major_locator(FixedLocator([year_x(y) for y in years]))
            low = min([p.value for p in (*values, *targets)] + [0.0])
            high = max(p.value for p in (*values, *targets))
            ax.set_ylim(low, high + (high - low) * 0.15 or 1.0)
            ax.set_xlim(years[0] - 0.1, years[-1] + 1.1)
            ax.set_ylabel(unit or "Värde")
            # At the top of the axes, where matplotlib would put it (nothing is ticked
            # above them), without its search for what the title might overlap.
            ax.set_title("\n".join(textwrap.wrap(title, 95)), loc="left", y=1.0)
            ax.legend(loc="best", frameon=False)
            # Margins from matplotlib's defaults each time, as in a new figure: the
            # number of y ticks depends on the height the axes start from.
            fig.subplots_adjust(**_DEFAULT_MARGINS)
            fig.tight_layout()
            # tight_layout leaves a placeholder layout engine, for which a draw lays the
            # figure out once more; the margins are set already.
            fig.set_layout_engine(None)
            fig.canvas.draw()
            return _png(fig.canvas.buffer_rgba())


def _png(rgba: Any) -> bytes:
    """The drawn pixels as a PNG at `DPI`: 8-bit grey when every pixel is an opaque grey.

    The charts are drawn in black, greys and white only, so this is the same picture as
    the RGBA image (the same pixels) in a quarter of the samples: a third of the bytes and
    a third of the time to compress (a chart's largest cost after drawing it).
    """
    import numpy as np  # noqa: PLC0415 - comes with matplotlib
    from PIL import Image  # noqa: PLC0415 - comes with matplotlib

    pixels = np.asarray(rgba)
    grey = pixels[..., 0]
    if (
        (pixels[..., 3] == 255).all()  # noqa: PLR2004 - opaque
        and (pixels[..., 1] == grey).all()
        and (pixels[..., 2] == grey).all()
    ):
        pixels = np.ascontiguousarray(grey)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="png", dpi=(DPI, DPI))
    return out.getvalue()


_RC: Any = {  # typed loosely: matplotlib's stubs list every key
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "svg.hashsalt": "omstallning",
    "path.simplify": False,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
}
# matplotlib's default subplot margins (rc `figure.subplot.*`), where tight_layout starts.
_DEFAULT_MARGINS = {"left": 0.125, "bottom": 0.11, "right": 0.9, "top": 0.88}

PROCESS_DRAWER = ChartDrawer()
"""The drawer of this process (the CLI's, each worker's): none is shared between processes."""


# How each series is drawn: outcomes as a solid black line with dots, targets dashed with
# hollow squares, so the two tell apart in greyscale print.
_VALUE_STYLE: dict[str, Any] = {
    "color": "black",
    "linestyle": "-",
    "linewidth": 1.8,
    "marker": "o",
    "markersize": 5,
    "label": VALUE_LABEL,
}
_TARGET_STYLE: dict[str, Any] = {
    "color": "#555555",
    "linestyle": "--",
    "linewidth": 1.4,
    "marker": "s",
    "markersize": 5,
    "markerfacecolor": "white",
    "label": TARGET_LABEL,
}


def _draw(ax: object, values: Sequence[ChartPoint], targets: Sequence[ChartPoint]) -> None:
    plot = ax.plot  # type: ignore[attr-defined]
    for points, style in ((values, _VALUE_STYLE), (targets, _TARGET_STYLE)):
        if points:
            plot([p.x for p in points], [p.value for p in points], **style)
