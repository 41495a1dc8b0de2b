"""Assemble one municipality's follow-up report for a period (`build --uppfoljning 2026`).

The order is the one a nämnd reads: a short summary (how the goals stand, the activities
by status, what is late), then per goal its judged status in words, the analysis and, for a
goal off track, what is done about it, with per indicator a table of the values of every
period up to the report's against the target, and a chart beside it; then the activities
by status with their latest progress note, and the late ones.

A written `bedömning` for the period wins over the status the indicators suggest
(`followup.status.goal_status`); the report says which it shows. Pure apart from the day
(`clock.today()`, for what is late in a period not yet over) and the charts' PNG bytes,
which are the same for the same data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from omstallning import clock
from omstallning.documents.blocks import activity_counts, header_cells, text_cell
from omstallning.documents.plan import MARKINGS, build_date, municipality_title
from omstallning.documents.tree import (
    Block,
    CoverPage,
    Document,
    DocumentMeta,
    Heading,
    Image,
    ListBlock,
    ListItem,
    Paragraph,
    Run,
    Table,
    TableOfContents,
)
from omstallning.followup.charts import (
    ChartPoint,
    format_number,
    indicator_chart,
    period_x,
    trend_text,
    with_unit,
    year_x,
)
from omstallning.followup.period import ReportPeriod
from omstallning.followup.status import (
    GoalStatusResult,
    goal_status,
    parse_number,
    propose_status,
)
from omstallning.model import (
    ACTIVITY_STATUSES,
    GOAL_STATUSES,
    SEXES,
    Activity,
    ActivityStatus,
    Goal,
    Indicator,
    MunicipalityEntry,
    Outcome,
    ProgressNote,
    Region,
    Value,
)

_ORDINALS = {1: "första", 2: "andra", 3: "tredje", 4: "fjärde"}
_PART_WORDS = {"halvår": "halvåret", "tertial": "tertialet", "kvartal": "kvartalet"}


def period_words(period: ReportPeriod) -> str:
    """`2026`, `första halvåret 2026`, `andra tertialet 2026`, `tredje kvartalet 2026`."""
    if period.kind == "år":
        return str(period.year)
    return f"{_ORDINALS[period.number]} {_PART_WORDS[period.kind]} {period.year}"


def value_with_unit(value: Value, unit: str | None) -> str:
    """A reported value as the table shows it: a number with its unit, or the text as is."""
    if isinstance(value, str):
        return value
    return with_unit(float(value), unit)


def latest_note(activity: Activity, until: dt.date) -> ProgressNote | None:
    """The activity's latest progress note dated on or before `until`."""
    notes = [n for n in activity.progress_notes if n.date.last_day() <= until]
    return max(notes, key=lambda n: n.date) if notes else None


def status_in(activity: Activity, until: dt.date) -> ActivityStatus:
    """The activity's status as its latest note by `until` says, else its own status."""
    note = latest_note(activity, until)
    return note.status if note is not None else activity.status


def reference_day(period: ReportPeriod) -> dt.date:
    """The day the report looks from: the period's end, or today if that is earlier."""
    return min(period.end(), clock.today())


def late_activities(activities: Sequence[Activity], period: ReportPeriod) -> list[Activity]:
    """Activities whose end has passed by the reference day, neither done nor stopped.

    A stopped activity was ended on purpose; it is not late.
    """
    day = reference_day(period)
    return [
        a
        for a in activities
        if a.end is not None
        and a.end.last_day() < day
        and status_in(a, day) not in ("klar", "stoppad")
    ]


def periods_up_to(indicator: Indicator, period: ReportPeriod) -> list[ReportPeriod]:
    """The periods with outcomes that are over when the report's period is.

    2026H1 belongs to the report for 2026; 2026 does not belong to the one for 2026H1.
    """
    return sorted({o.period for o in indicator.outcomes if o.period.end() <= period.end()})


def _by_sex(outcomes: Sequence[Outcome], when: ReportPeriod) -> dict[str, Outcome]:
    found: dict[str, Outcome] = {}
    for o in outcomes:
        if o.period == when:
            found[o.sex or "totalt"] = o
    return found


@dataclass(frozen=True)
class IndicatorSeries:
    """An indicator's numbers up to the report's period, for its table, chart and text."""

    values: tuple[ChartPoint, ...]
    targets: tuple[ChartPoint, ...]


def indicator_series(indicator: Indicator, period: ReportPeriod) -> IndicatorSeries:
    """The total values of the periods up to `period` and the yearly targets to the last."""
    values = []
    for when in periods_up_to(indicator, period):
        total = _by_sex(indicator.outcomes, when).get("totalt")
        number = parse_number(total.value) if total is not None else None
        if number is not None:
            values.append(ChartPoint(period_words(when), period_x(when), number))
    targets = []
    points = [(p.year, p.value) for p in indicator.targets]
    if not points and indicator.target is not None and indicator.year is not None:
        points = [(indicator.year, indicator.target)]
    for year, target in sorted(points, key=lambda p: p[0]):
        number = parse_number(target)
        if number is not None:
            targets.append(ChartPoint(str(year), year_x(year), number))
    return IndicatorSeries(tuple(values), tuple(targets))


def _direction(indicator: Indicator, series: IndicatorSeries) -> str | None:
    if indicator.direction is not None:
        return indicator.direction
    baseline = parse_number(indicator.baseline)
    if baseline is None or not series.targets or series.targets[-1].value == baseline:
        return None
    return "högre" if series.targets[-1].value > baseline else "lägre"


class _Assembler:
    def __init__(self, region: Region, entry: MunicipalityEntry, period: ReportPeriod) -> None:
        self.region = region
        self.entry = entry
        self.plan = entry.plan
        self.period = period
        self.day = reference_day(period)
        self.blocks: list[Block] = []
        self.charts = 0
        self.results = {g.id: goal_status(g, period) for g in self.plan.goals}

    def heading(self, level: int, text: str, anchor: str | None) -> None:
        self.blocks.append(Heading(level, (Run(text),), anchor))

    def text(self, *runs: Run, role: str | None = None) -> None:
        self.blocks.append(Paragraph(tuple(runs), role=role))

    # --- the parts, in order ---

    def cover(self) -> None:
        cfg, plan = self.region.config, self.plan
        facts = [
            ("Kommun", f"{plan.name} (kommunkod {plan.code})"),
            ("Region", cfg.region),
            *([("Nämnd", plan.committee)] if plan.committee else []),
            ("Plan", f"{cfg.plan.title}, {cfg.plan.period.start}–{cfg.plan.period.end}"),
            ("Uppföljningsperiod", f"{period_words(self.period)} ({self.period})"),
        ]
        if plan.decision:
            facts.append(("Planen beslutad", f"{plan.decision.body} {plan.decision.date}"))
        self.blocks.append(
            CoverPage(
                title=f"Uppföljning {period_words(self.period)}",
                subtitle=f"{municipality_title(plan)} – {cfg.plan.title}",
                facts=tuple(facts),
                marking=MARKINGS.get(plan.status),
            )
        )
        self.blocks.append(TableOfContents(levels=2))

    def summary(self) -> None:
        self.heading(1, "Sammanfattning", "sammanfattning")
        goals = self.plan.goals
        counts = dict.fromkeys(GOAL_STATUSES, 0)
        unjudged = 0
        for result in self.results.values():
            if result.status is None:
                unjudged += 1
            else:
                counts[result.status] += 1
        parts = [f"{n} {GOAL_STATUSES[s].lower()}" for s, n in counts.items() if n]
        if unjudged:
            parts.append(f"{unjudged} utan underlag för en bedömning")
        self.text(
            Run(
                f"Planen har {len(goals)} mål. För {period_words(self.period)} bedöms "
                f"{_join(parts) or 'inget mål'}."
            )
        )
        self.activity_summary()
        if goals:
            self.goal_table(goals)

    def activity_summary(self) -> None:
        acts = self.plan.activities
        if not acts:
            self.text(Run("Handlingsplanen har inga aktiviteter."))
            return
        now = [a.model_copy(update={"status": status_in(a, self.day)}) for a in acts]
        late = late_activities(acts, self.period)
        late_text = (
            f" {len(late)} är försenade: {', '.join(a.id for a in late)}."
            if len(late) > 1
            else f" {late[0].id} är försenad."
            if late
            else " Ingen aktivitet är försenad."
        )
        self.text(
            Run(
                f"Handlingsplanen har {len(acts)} aktiviteter: {_join(activity_counts(now))}."
                + late_text
            )
        )

    def goal_table(self, goals: Sequence[Goal]) -> None:
        rows = []
        for g in goals:
            result = self.results[g.id]
            rows.append(
                (
                    text_cell(g.id),
                    text_cell(g.title),
                    text_cell(GOAL_STATUSES[result.status] if result.status else "–"),
                    text_cell(_basis(result)),
                )
            )
        self.blocks.append(
            Table(
                header=header_cells("Id", "Mål", "Bedömning", "Grund"),
                rows=tuple(rows),
                widths=(0.7, 4.6, 1.6, 2.3),
                caption=f"Målen {period_words(self.period)}",
            )
        )

    def goals(self) -> None:
        if not self.plan.goals:
            return
        self.heading(1, "Mål och indikatorer", "mal")
        for goal in self.plan.goals:
            self.goal(goal, self.results[goal.id])

    def goal(self, goal: Goal, result: GoalStatusResult) -> None:
        self.heading(2, f"{goal.id}. {goal.title}", f"mal-{goal.id}")
        status = GOAL_STATUSES[result.status] if result.status else "Kan inte bedömas"
        self.text(Run("Bedömning: ", bold=True), Run(f"{status} ({_basis(result)})."))
        if result.written:
            proposed = propose_status(goal, self.period)
            if proposed is not None and proposed != result.status:
                self.text(
                    Run(
                        "Indikatorerna ensamma hade gett bedömningen "
                        f"”{GOAL_STATUSES[proposed].lower()}”.",
                        italic=True,
                    ),
                    role="note",
                )
        if result.motivation:
            self.text(Run("Analys: ", bold=True), Run(result.motivation))
        if result.status in ("delvis_uppfyllt", "ej_uppfyllt"):
            self.text(
                Run("Åtgärder: ", bold=True),
                Run(result.actions or "Inga åtgärder är beskrivna i bedömningen."),
            )
        if not goal.indicators:
            self.text(Run("Målet har ingen indikator.", italic=True))
        for number, indicator in enumerate(goal.indicators, start=1):
            self.indicator(goal, number, indicator)

    def indicator(self, goal: Goal, number: int, indicator: Indicator) -> None:
        self.heading(3, f"Indikator {goal.id}.{number}: {indicator.name}", None)
        facts = [f"Enhet: {indicator.unit}" if indicator.unit else None]
        if indicator.baseline is not None:
            facts.append(f"utgångsvärde {value_with_unit(indicator.baseline, indicator.unit)}")
        if indicator.direction:
            facts.append(f"{indicator.direction} värde är bättre")
        if indicator.kolada:
            facts.append(f"Kolada {indicator.kolada}")
        shown = [f for f in facts if f]
        if shown:
            self.text(Run("; ".join(shown)[:1].upper() + "; ".join(shown)[1:] + "."))
        whens = periods_up_to(indicator, self.period)
        if not whens:
            self.text(Run("Inget utfall är rapporterat ännu.", italic=True))
            return
        self.blocks.append(self.outcome_table(goal, number, indicator, whens))
        series = indicator_series(indicator, self.period)
        alt = trend_text(
            series.values, series.targets, indicator.unit, _direction(indicator, series)
        )
        if len(series.values) >= 2:
            self.charts += 1
            title = f"{indicator.name} ({indicator.unit})" if indicator.unit else indicator.name
            self.blocks.append(
                Image(
                    png=indicator_chart(title, series.values, series.targets, indicator.unit),
                    alt=f"Diagram: {indicator.name}. {alt}",
                    width_cm=16.0,
                    name=f"{self.entry.slug}-uppfoljning-{self.charts}.png",
                    caption=f"{indicator.name}: utfall och målvärde. {alt}",
                )
            )
        else:
            self.text(Run(alt), role="note")

    def outcome_table(
        self, goal: Goal, number: int, indicator: Indicator, whens: Sequence[ReportPeriod]
    ) -> Table:
        split = any(o.sex in ("kvinnor", "män") for o in indicator.outcomes)
        sexes = ["totalt", "kvinnor", "män"] if split else ["totalt"]
        heads = ["Period", *(SEXES[s] if split else "Utfall" for s in sexes), "Målvärde"]
        heads += ["Källa och kommentar"]
        rows = []
        for when in whens:
            found = _by_sex(indicator.outcomes, when)
            target = indicator.target_for(when.year)
            notes = [x for o in found.values() for x in (o.source, o.comment) if x]
            rows.append(
                (
                    text_cell(str(when)),
                    *(
                        text_cell(
                            value_with_unit(found[s].value, indicator.unit) if s in found else "–",
                            align="right",
                        )
                        for s in sexes
                    ),
                    text_cell(
                        value_with_unit(target, indicator.unit) if target is not None else "–",
                        align="right",
                    ),
                    text_cell("; ".join(dict.fromkeys(notes)) or "–"),
                )
            )
        return Table(
            header=header_cells(*heads),
            rows=tuple(rows),
            widths=(1.1, *([1.2] * len(sexes)), 1.2, 4.0),
            caption=f"Indikator {goal.id}.{number}: utfall per period och målvärde",
        )

    def activities(self) -> None:
        acts = self.plan.activities
        if not acts:
            return
        self.heading(1, "Aktiviteter", "aktiviteter")
        self.text(
            Run(
                f"Aktiviteterna efter status {self.day.isoformat()}, med den senaste "
                "lägesrapporten fram till dess."
            )
        )
        for status, label in ACTIVITY_STATUSES.items():
            group = [a for a in acts if status_in(a, self.day) == status]
            if not group:
                continue
            self.heading(2, f"{label} ({len(group)})", f"aktiviteter-{status}")
            self.blocks.append(self.activity_table(group, label))
        self.late()

    def activity_table(self, group: Sequence[Activity], label: str) -> Table:
        rows = []
        for a in group:
            note = latest_note(a, self.day)
            rows.append(
                (
                    text_cell(a.id),
                    text_cell(a.title),
                    text_cell(a.owner or "–"),
                    text_cell(str(a.end) if a.end else "–"),
                    text_cell(f"{note.date}: {note.comment}" if note else "Ingen lägesrapport."),
                )
            )
        return Table(
            header=header_cells("Id", "Aktivitet", "Ansvarig", "Slut", "Senaste lägesrapport"),
            rows=tuple(rows),
            widths=(0.6, 3.0, 2.7, 1.4, 4.3),
            caption=f"Aktiviteter: {label.lower()}",
        )

    def late(self) -> None:
        late = late_activities(self.plan.activities, self.period)
        self.heading(2, "Försenade aktiviteter", "forsenade")
        if not late:
            self.text(Run(f"Ingen aktivitet är försenad {self.day.isoformat()}."))
            return
        self.text(
            Run(
                f"Aktiviteter vars slutdatum har passerats {self.day.isoformat()} utan att de "
                "är klara:"
            )
        )
        items = tuple(
            ListItem(
                (
                    Paragraph(
                        (
                            Run(f"{a.id} {a.title}", bold=True),
                            Run(
                                f" – skulle vara klar {a.end}, "
                                f"status {ACTIVITY_STATUSES[status_in(a, self.day)].lower()}."
                            ),
                        )
                    ),
                )
            )
            for a in late
        )
        self.blocks.append(ListBlock(ordered=False, items=items))

    def document(self) -> Document:
        self.cover()
        self.summary()
        self.goals()
        self.activities()
        cfg, plan = self.region.config, self.plan
        title = f"Uppföljning {self.period} – {municipality_title(plan)}"
        created = build_date(plan, cfg.plan.period.start)
        meta = DocumentMeta(
            title=title,
            subject=f"Uppföljning av omställningsplanen, {period_words(self.period)}",
            author=plan.committee
            and f"{plan.committee}, {municipality_title(plan)}"
            or municipality_title(plan),
            keywords=f"uppföljning; omställningsplan; {plan.name}; {cfg.region}; {self.period}",
            language="sv-SE",
            created=created,
            front_matter={
                "title": title,
                "kommun": plan.name,
                "kommunkod": plan.code,
                "region": cfg.region,
                "period": str(self.period),
                "lang": "sv",
            },
        )
        return Document(meta, tuple(self.blocks))


def _join(parts: Sequence[str]) -> str:
    """`a`, `a och b`, `a, b och c`."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " och " + parts[-1]


def _basis(result: GoalStatusResult) -> str:
    if result.written:
        return "nämndens bedömning"
    if result.status is None:
        return "inga utfall att jämföra med målvärden"
    return "förslag utifrån indikatorerna"


def assemble_followup(region: Region, entry: MunicipalityEntry, period: ReportPeriod) -> Document:
    """One municipality's follow-up report for `period` as a document tree."""
    return _Assembler(region, entry, period).document()


__all__ = ["assemble_followup", "format_number", "late_activities", "period_words"]
