from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from omstallning.followup.period import parse_period
from omstallning.followup.status import (
    goal_status,
    judge_indicator,
    outcome_for,
    parse_number,
    propose_status,
)
from omstallning.model import Activity, Goal, Indicator, Municipality


def indicator(**fields: Any) -> Indicator:
    return Indicator.model_validate({"namn": "Mått", **fields})


def goal(*indicators: dict[str, Any], **fields: Any) -> Goal:
    data = {"id": "M1", "rubrik": "Mål", "indikatorer": [{"namn": "Mått", **i} for i in indicators]}
    return Goal.model_validate({**data, **fields})


Y2026 = parse_period(2026)


# --- periods -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "canonical"),
    [
        (2026, "2026-01-01", "2026-12-31", "2026"),
        ("2026", "2026-01-01", "2026-12-31", "2026"),
        ("2026H1", "2026-01-01", "2026-06-30", "2026H1"),
        ("2026h2", "2026-07-01", "2026-12-31", "2026H2"),
        ("2026T2", "2026-05-01", "2026-08-31", "2026T2"),
        ("2026T3", "2026-09-01", "2026-12-31", "2026T3"),
        ("2026K1", "2026-01-01", "2026-03-31", "2026K1"),
        ("2024Q1", "2024-01-01", "2024-03-31", "2024K1"),
        ("2024K4", "2024-10-01", "2024-12-31", "2024K4"),
    ],
)
def test_periods_parse_into_dates(text: object, start: str, end: str, canonical: str) -> None:
    period = parse_period(text)
    assert period.start().isoformat() == start
    assert period.end().isoformat() == end
    assert str(period) == canonical


@pytest.mark.parametrize("bad", ["2026H3", "2026T4", "2026K5", "2026K0", "26", "2026-1", "", True])
def test_impossible_periods_are_refused_in_swedish(bad: object) -> None:
    with pytest.raises(ValidationError, match="är ingen period"):
        indicator(utfall=[{"period": bad, "värde": 1}])


def test_periods_order_by_start_then_end() -> None:
    texts = ["2026H2", "2025", "2026", "2026K1", "2026H1", "2026T1"]
    ordered = [str(p) for p in sorted(parse_period(t) for t in texts)]
    assert ordered == ["2025", "2026K1", "2026T1", "2026H1", "2026", "2026H2"]
    assert parse_period("2026Q3") == parse_period("2026K3")
    assert parse_period("2026H1").kind == "halvår" and parse_period("2026T3").number == 3


# --- model ---------------------------------------------------------------------------------


def test_trajectory_as_mapping_or_list_and_the_single_target_stays_valid() -> None:
    as_map = indicator(målvärden={2026: 20, 2027: "25 %"})
    as_list = indicator(målvärden=[{"år": 2026, "värde": 20}, {"år": 2027, "värde": "25 %"}])
    assert as_map.targets == as_list.targets
    single = indicator(målvärde="30 %", år=2028, målvärden={2026: 20})
    assert single.target_for(2026) == 20
    assert single.target_for(2027) == "30 %"  # no trajectory point: the single target
    assert indicator().target_for(2026) is None


def test_goal_assessments_and_activity_progress_notes_are_optional() -> None:
    g = goal(
        {},
        bedömningar=[
            {"period": 2026, "status": "delvis_uppfyllt", "motivering": "Nästan.", "åtgärder": "X"}
        ],
    )
    assert g.assessments[0].status == "delvis_uppfyllt"
    a = Activity.model_validate(
        {
            "id": "A1",
            "rubrik": "Gör",
            "status": "pågår",
            "lägesrapporter": [{"datum": "2026-06-30", "status": "pågår", "kommentar": "Bra."}],
        }
    )
    assert str(a.progress_notes[0].date) == "2026-06-30"
    with pytest.raises(ValidationError):
        goal({}, bedömningar=[{"period": 2026, "status": "klart", "motivering": "x"}])
    with pytest.raises(ValidationError):
        indicator(utfall=[{"period": 2026, "värde": 1, "kön": "båda"}])
    assert Municipality.model_fields["goals"].alias == "mål"


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (30, 30.0),
        (12.5, 12.5),
        ("30 %", 30.0),
        ("30%", 30.0),
        ("1 488", 1488.0),
        ("1\u00a0488", 1488.0),
        ("12 345 678", 12345678.0),
        ("12,5", 12.5),
        ("3,1 %", 3.1),
        ("4.2 dagar", 4.2),
        ("\u22123", -3.0),
        ("-0,5", -0.5),
        ("  7  ", 7.0),
    ],
)
def test_numbers_are_read_as_written_in_swedish(value: object, number: float) -> None:
    assert parse_number(value) == pytest.approx(number)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [None, True, "Minst hälften", "3–5", "2025: 30", "", "1 48"])
def test_prose_is_no_number(value: object) -> None:
    assert parse_number(value) is None  # type: ignore[arg-type]


# --- the proposal --------------------------------------------------------------------------


def test_higher_is_better_met_partly_and_not() -> None:
    base = {"utgångsvärde": 35, "målvärde": 120, "år": 2027}
    assert propose_status(goal({**base, "utfall": [{"period": 2026, "värde": 120}]}), Y2026) == (
        "uppfyllt"
    )
    assert propose_status(goal({**base, "utfall": [{"period": 2026, "värde": 60}]}), Y2026) == (
        "delvis_uppfyllt"
    )
    assert propose_status(goal({**base, "utfall": [{"period": 2026, "värde": 35}]}), Y2026) == (
        "ej_uppfyllt"
    )
    assert propose_status(goal({**base, "utfall": [{"period": 2026, "värde": 20}]}), Y2026) == (
        "ej_uppfyllt"
    )


def test_lower_is_better_from_the_direction_or_from_baseline_and_target() -> None:
    inferred = {"utgångsvärde": "3,1 %", "målvärde": "2,2 %"}
    explicit = {"målvärde": "2,2 %", "riktning": "lägre"}
    for fields in (inferred, explicit):
        at = {**fields, "utfall": [{"period": 2026, "värde": "2,0 %"}]}
        assert propose_status(goal(at), Y2026) == "uppfyllt"
    partly = {**inferred, "utfall": [{"period": 2026, "värde": "2,8 %"}]}
    assert propose_status(goal(partly), Y2026) == "delvis_uppfyllt"
    # No baseline: not at the target is simply not met.
    assert (
        propose_status(goal({**explicit, "utfall": [{"period": 2026, "värde": 2.8}]}), Y2026)
        == "ej_uppfyllt"
    )


def test_the_trajectory_target_of_the_year_is_used() -> None:
    fields = {
        "utgångsvärde": 10,
        "målvärde": 50,
        "år": 2028,
        "målvärden": {2026: 20, 2027: 30},
        "utfall": [{"period": 2026, "värde": 22}, {"period": 2027, "värde": 25}],
    }
    assert propose_status(goal(fields), Y2026) == "uppfyllt"
    assert propose_status(goal(fields), parse_period(2027)) == "delvis_uppfyllt"
    assert propose_status(goal(fields), parse_period(2028)) is None  # no value yet


def test_no_data_no_target_no_direction_or_prose_gives_none() -> None:
    assert propose_status(goal({"målvärde": 5}), Y2026) is None
    assert propose_status(goal({"utfall": [{"period": 2026, "värde": 5}]}), Y2026) is None
    same = {"utgångsvärde": 5, "målvärde": 5, "utfall": [{"period": 2026, "värde": 5}]}
    assert propose_status(goal(same), Y2026) is None  # which way is better is unknown
    prose = {"målvärde": "Minst hälften", "riktning": "högre"}
    assert propose_status(goal({**prose, "utfall": [{"period": 2026, "värde": 9}]}), Y2026) is None
    assert propose_status(goal(), Y2026) is None


def test_several_indicators_combine() -> None:
    met = {"målvärde": 10, "riktning": "högre", "utfall": [{"period": 2026, "värde": 11}]}
    unmet = {"målvärde": 10, "riktning": "högre", "utfall": [{"period": 2026, "värde": 1}]}
    unknown = {"målvärde": 10}
    assert propose_status(goal(met, met, unknown), Y2026) == "uppfyllt"
    assert propose_status(goal(met, unmet), Y2026) == "delvis_uppfyllt"
    assert propose_status(goal(unmet, unmet), Y2026) == "ej_uppfyllt"


def test_totals_are_judged_and_sub_periods_count_for_their_year() -> None:
    fields = {
        "målvärde": 10,
        "riktning": "högre",
        "utfall": [
            {"period": "2026H1", "värde": 4},
            {"period": "2026H2", "värde": 12},
            {"period": 2026, "värde": 3, "kön": "kvinnor"},
        ],
    }
    ind = indicator(**fields)
    found = outcome_for(ind, Y2026)
    assert found is not None and str(found.period) == "2026H2"
    assert judge_indicator(ind, parse_period("2026H1")).status == "ej_uppfyllt"
    assert judge_indicator(ind, Y2026).value == 12


def test_a_written_assessment_overrides_the_proposal() -> None:
    fields = {"målvärde": 10, "riktning": "högre", "utfall": [{"period": 2026, "värde": 11}]}
    written = goal(
        fields,
        bedömningar=[
            {
                "period": 2026,
                "status": "ej_uppfyllt",
                "motivering": "Mätfel.",
                "åtgärder": "Ny mätning.",
            }
        ],
    )
    result = goal_status(written, Y2026)
    assert (result.status, result.written, result.actions) == ("ej_uppfyllt", True, "Ny mätning.")
    assert result.indicators[0].status == "uppfyllt"  # the numbers are still there to show
    other_year = goal_status(written, parse_period(2027))
    assert (other_year.status, other_year.written) == (None, False)
    assert goal_status(goal(fields), Y2026).status == "uppfyllt"


def test_the_generated_schema_accepts_the_new_fields_in_both_target_forms() -> None:
    import json

    import jsonschema

    from omstallning.commands.schema import render_schemas

    schema = json.loads(render_schemas()["kommun.schema.json"])
    indicator_fields = {
        "namn": "Mått",
        "enhet": "%",
        "riktning": "lägre",
        "utfall": [
            {"period": 2026, "värde": 3},
            {"period": "2026H1", "värde": "3,1", "kön": "män"},
        ],
    }
    plan = {
        "kommun": "Klippan",
        "kommunkod": "1276",
        "status": "utkast",
        "mål": [
            {
                "id": "M1",
                "rubrik": "Mål",
                "indikatorer": [
                    {**indicator_fields, "målvärden": {"2026": 3, "2027": "2,5"}},
                    {**indicator_fields, "målvärden": [{"år": 2026, "värde": 3}]},
                ],
                "bedömningar": [{"period": "2026", "status": "uppfyllt", "motivering": "Ja."}],
            }
        ],
        "aktiviteter": [
            {
                "id": "A1",
                "rubrik": "Gör",
                "status": "klar",
                "lägesrapporter": [{"datum": "2026-06-30", "status": "klar", "kommentar": "K."}],
            }
        ],
    }
    jsonschema.validate(plan, schema)
    Municipality.model_validate(plan)
    plan["mål"][0]["indikatorer"][0]["utfall"][0]["period"] = "2026X1"  # type: ignore[index]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(plan, schema)
