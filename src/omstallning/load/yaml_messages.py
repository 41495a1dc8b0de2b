"""PyYAML's syntax problems, and what to tell the user for each (in Swedish)."""

from __future__ import annotations

SYNTAX_MESSAGES: list[tuple[str, str]] = [
    (
        "found unexpected end of stream",
        "Citattecknet som börjar här avslutas aldrig. Lägg till ett avslutande citattecken.",
    ),
    (
        "found unknown escape character",
        "Ogiltig \\-sekvens inom dubbla citattecken. Använd enkla citattecken ('…') "
        "eller skriv \\\\.",
    ),
    (
        "mapping values are not allowed here",
        "Ett kolon följt av mellanslag (”: ”) kan inte stå här. Sätt hela texten inom "
        "citattecken, eller kontrollera indraget.",
    ),
    (
        "that cannot start any token",
        "Tecknet kan inte inleda ett värde här. Tabbtecken får inte användas för indrag – använd "
        "mellanslag – och text som börjar med @ eller ` måste stå inom citattecken.",
    ),
    (
        "could not find expected ':'",
        "Raden saknar ”:” efter nyckeln, eller har fel indrag jämfört med raden ovanför.",
    ),
    (
        "expected <block end>",
        "Fel indrag: raden passar inte in under raden ovanför. Ge den lika många inledande "
        "mellanslag som raderna på samma nivå.",
    ),
    (
        "expected a single document",
        "Filen innehåller flera YAML-dokument (”---”). Ta bort den extra ”---”-raden.",
    ),
    ("found undefined alias", "Aliaset (*namn) hänvisar till ett ankare (&namn) som inte finns."),
    ("found duplicate anchor", "Samma ankare (&namn) används två gånger. Byt namn på det ena."),
    (
        "did not find expected key",
        "Fel indrag eller en rad som inte är ”nyckel: värde”. Kontrollera raden och den ovanför.",
    ),
    (
        "did not find expected '-' indicator",
        "Listan har fel indrag: varje punkt ska börja med ”- ” på samma indrag.",
    ),
    (
        "did not find expected ',' or ']'",
        "Listan inom [ ] avslutas inte rätt. Kontrollera kommatecken och hakparentes.",
    ),
    (
        "did not find expected ',' or '}'",
        "Mappningen inom { } avslutas inte rätt. Kontrollera kommatecken och klammerparentes.",
    ),
]
