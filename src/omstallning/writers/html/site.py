"""The pages of the HTML site around the plans: the region's index and the site's links.

`index_html` writes `index.html`: the region, its plan title and period, a status table per
municipality and a link to each plan and to the regional summary. `with_site_link` puts a
link back to the index at the top of a page the HTML writer made. `error_html` is the page the
live preview shows instead of a plan while the region has errors. Every page has the same
bar as the plan pages: `lang`, landmarks, a skip link, real headings, a table with caption
and header scope, no JavaScript, no requests (the same Content-Security-Policy), print CSS.
Pure: the same input gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from omstallning.writers.html import CSP, MAIN_ID, SKIP_TEXT, html_lang, stylesheet
from omstallning.writers.html.blocks import esc

INDEX_FILE = "index.html"
SITE_LABEL = "Webbplatsen"
# The site's own additions to the plan pages' style sheet.
SITE_CSS = """
/* The site: the link back to the index, the index and the preview's error page */
nav.webbplats { max-width: 50rem; margin: 0 auto; padding: 0.75rem 0 0; }
.tal { text-align: right; font-variant-numeric: tabular-nums; }
.fel-lista { padding-left: 1.25rem; }
.fel-lista li { margin: 0 0 0.75rem; }
.fel-plats { font-family: ui-monospace, "Cascadia Mono", "DejaVu Sans Mono", monospace; }
.fel-kod { color: var(--muted); }
@media print {
  nav.webbplats { display: none; }
}
"""


@dataclass(frozen=True)
class IndexRow:
    """One municipality in the index's table; `href` None when its plan has no page."""

    name: str
    href: str | None
    status: str
    version: str | None
    goals: int
    activities: int
    interventions: int


@dataclass(frozen=True)
class IndexPage:
    """What the index shows: the region, its plan, the day, the rows and the summary link."""

    region: str
    title: str
    period: str
    day: str
    rows: Sequence[IndexRow]
    summary_href: str | None = None
    summary_title: str | None = None
    language: str = "sv-SE"


def page_html(title: str, language: str, body: Sequence[str], csp: str = CSP) -> str:
    """A whole page: head with the style sheet and `csp`, a skip link, then `body`."""
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{html_lang(language)}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f"<style>\n{stylesheet()}{SITE_CSS}</style>",
        "</head>",
        "<body>",
        f'<a class="hoppa" href="#{MAIN_ID}">{SKIP_TEXT}</a>',
        *body,
        "</body>",
        "</html>",
    ]
    return "\n".join(lines) + "\n"


def _header(title: str, subtitle: str, facts: Sequence[tuple[str, str]]) -> list[str]:
    return [
        '<header class="omslag">',
        f'<h1 class="titel">{esc(title)}</h1>',
        f'<p class="undertitel">{esc(subtitle)}</p>',
        '<dl class="fakta">',
        *(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in facts),
        "</dl>",
        "</header>",
    ]


def _row(row: IndexRow) -> str:
    name = esc(row.name)
    if row.href is not None:
        name = f'<a href="{esc(row.href)}">{name}</a>'
    cells = [
        f'<th scope="row">{name}</th>',
        f"<td>{esc(row.status)}</td>",
        f"<td>{esc(row.version or '–')}</td>",
        *(f'<td class="tal">{n}</td>' for n in (row.goals, row.activities, row.interventions)),
    ]
    return "<tr>" + "".join(cells) + "</tr>"


STATUS_COLUMNS = ("Kommun", "Status", "Version", "Mål", "Aktiviteter", "Insatser")


def index_html(page: IndexPage) -> str:
    """The region's index page."""
    numeric = ' class="tal"'
    head = "".join(
        f'<th scope="col"{numeric if i > 2 else ""}>{c}</th>' for i, c in enumerate(STATUS_COLUMNS)
    )
    main = [
        f'<main id="{MAIN_ID}" tabindex="-1">',
        '<h2 id="planer">Kommunernas planer</h2>',
    ]
    if page.rows:
        main += [
            '<div class="tabell" role="region" tabindex="0" aria-labelledby="status-rubrik">',
            "<table>",
            f'<caption id="status-rubrik">Status per kommun den {esc(page.day)}</caption>',
            f"<thead><tr>{head}</tr></thead>",
            "<tbody>",
            *(_row(r) for r in page.rows),
            "</tbody>",
            "</table>",
            "</div>",
        ]
    else:
        main.append("<p>Regionen har inga kommuner ännu.</p>")
    if page.summary_href is not None:
        title = esc(page.summary_title or "Regionens sammanställning")
        main += [
            '<h2 id="sammanstallning">Regionens sammanställning</h2>',
            f'<p><a href="{esc(page.summary_href)}">{title}</a>: status, insatser per område, '
            "tidsplan, mål och gemensamma insatser för alla kommuner.</p>",
        ]
    main.append("</main>")
    facts = [("Planperiod", page.period), ("Läget den", page.day)]
    header = _header(page.region, page.title, facts)
    return page_html(f"{page.title} – {page.region}", page.language, [*header, *main])


def site_link(region: str) -> str:
    """The link back to the index, at the top of each page of the site."""
    return (
        f'<nav class="webbplats" aria-label="{SITE_LABEL}">'
        f'<a href="{INDEX_FILE}">Alla planer i {esc(region)}</a></nav>'
    )


def with_site_link(page: str, region: str) -> str:
    """A page of the HTML writer with the link back to the index after its skip link."""
    skip = f'<a class="hoppa" href="#{MAIN_ID}">{SKIP_TEXT}</a>\n'
    at = page.find(skip)
    if at < 0:
        raise ValueError("not a page of the HTML writer: no skip link")
    at += len(skip)
    style_end = page.index("</style>")
    if style_end <= at:  # as the writer makes them: the page copied once
        parts = (page[:style_end], SITE_CSS, page[style_end:at], site_link(region), "\n")
        return "".join((*parts, page[at:]))
    page = page[:style_end] + SITE_CSS + page[style_end:]
    at += len(SITE_CSS)
    return page[:at] + site_link(region) + "\n" + page[at:]


@dataclass(frozen=True)
class ErrorItem:
    """One error as the preview shows it: where (file:line:col) and what, in Swedish."""

    where: str
    message: str
    code: str
    source: str | None = None


def error_html(region: str, items: Sequence[ErrorItem], language: str = "sv-SE") -> str:
    """The page shown instead of a plan while the region has errors."""
    count = f"{len(items)} fel" if len(items) != 1 else "ett fel"
    body = [
        site_link(region),
        '<header class="omslag">',
        f'<h1 class="titel">Regionen har {count}</h1>',
        '<p class="undertitel">Planen visas igen när filerna är rättade och sparade.</p>',
        "</header>",
        f'<main id="{MAIN_ID}" tabindex="-1">',
        '<h2 id="fel">Rätta det här</h2>',
        '<ol class="fel-lista">',
    ]
    for item in items:
        source = f"<pre><code>{esc(item.source)}</code></pre>" if item.source else ""
        body.append(
            f'<li><span class="fel-plats">{esc(item.where)}</span>: {esc(item.message)} '
            f'<span class="fel-kod">[{esc(item.code)}]</span>{source}</li>'
        )
    body += ["</ol>", "</main>"]
    return page_html(f"Fel i {region}", language, body)
