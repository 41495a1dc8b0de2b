"""`reformer.yaml`: the register of reforms in adjacent legislation (issue 16).

The part "angränsande lagstiftning" renders it as its table, and `validate` warns when a
reform's start date has passed while it still stands as a proposal.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from omstallning.model.vocab import Day, MonthOrDay, Text, _Model

REFORM_STATUSES: dict[str, str] = {
    "förslag": "Förslag",
    "beslutad": "Beslutad",
    "gäller": "Gäller",
    "avslagen": "Avslagen",
}
ReformStatus = Literal["förslag", "beslutad", "gäller", "avslagen"]


class Reform(_Model):
    """One reform in adjacent legislation, as the part "angränsande lagstiftning" shows it."""

    id: Text = Field(description="Reformens id, unikt i filen, t.ex. skolor-mot-brott.")
    name: Text = Field(alias="namn", description="Reformens namn, t.ex. Skolor mot brott.")
    meaning: Text = Field(
        alias="betydelse", description="Vad reformen betyder för socialtjänsten (Markdown)."
    )
    status: ReformStatus = Field(description="förslag, beslutad, gäller eller avslagen.")
    date: Day | None = Field(
        default=None,
        alias="datum",
        description="Föreslaget eller beslutat startdatum, ÅÅÅÅ-MM-DD.",
    )
    sources: list[str] = Field(
        default_factory=list, alias="källor", description="Nycklar i kallor.yaml."
    )
    checked: MonthOrDay | None = Field(
        default=None,
        alias="kontrollerad",
        description="När läget senast kontrollerades (ÅÅÅÅ-MM). Tystar varningen om "
        "passerat startdatum i sex månader.",
    )
