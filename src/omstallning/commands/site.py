"""The plans as a static web site: `build --format html` writes `build/html/`.

`site_files` gives every file of the site as (path relative to the build folder, bytes):
`html/index.html` (the region, a status table per municipality, a link to each plan and to
the regional summary), `html/<slug>.html` per plan and `html/sammanstallning.html` when the
summary is built. The pages are those of the HTML writer with a link back to the index; the
live preview (`commands.preview`) serves the same pages. Pure: same input, same bytes.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from omstallning.commands.status import RegionStatus, StatusRow
from omstallning.documents.tree import Document
from omstallning.model import Region
from omstallning.writers.html import render_html
from omstallning.writers.html.site import (
    INDEX_FILE,
    IndexPage,
    IndexRow,
    index_html,
    with_site_link,
)

SITE_DIR = "html"
SUMMARY_FILE = "sammanstallning.html"
UNREAD_STATUS = "Kan inte läsas"


def page_name(slug: str) -> str:
    """The file name of a plan's page: `klippan.html`."""
    return f"{slug}.html"


def document_page(region: Region, document: Document) -> bytes:
    """A document (a plan, the summary) as a page of the site: with the link to the index."""
    page = render_html(document)  # the HTML writer's page, as text: not encoded twice
    return with_site_link(page, region.config.region).encode("utf-8")


def _index_row(row: StatusRow, pages: Collection[str]) -> IndexRow:
    return IndexRow(
        name=row.name,
        href=page_name(row.slug) if row.loaded and row.slug in pages else None,
        status=row.status_label if row.loaded else UNREAD_STATUS,
        version=row.version,
        goals=row.goals,
        activities=row.activities_total,
        interventions=row.interventions,
    )


def index_page(
    region: Region, status: RegionStatus, pages: Collection[str], summary: Document | None
) -> bytes:
    """The site's `index.html`; `pages`: the slugs that have a plan page."""
    plan = region.config.plan
    page = IndexPage(
        region=region.config.region,
        title=plan.title,
        period=f"{plan.period.start}–{plan.period.end}",
        day=status.today.isoformat(),
        rows=[_index_row(row, pages) for row in status.rows],
        summary_href=SUMMARY_FILE if summary is not None else None,
        summary_title=summary.meta.title if summary is not None else None,
    )
    return index_html(page).encode("utf-8")


def site_files(
    region: Region,
    plans: Mapping[str, Document],
    summary: Document | None,
    status: RegionStatus,
) -> list[tuple[str, bytes]]:
    """Every file of the site, as (path relative to the build folder, bytes), index first.

    Args:
        region: The loaded region.
        plans: The plans to publish, by municipality slug, in the order to write them.
        summary: The regional summary, or None when it is not built.
        status: The region's overview (`commands.status.region_status`).
    """
    files = [(f"{SITE_DIR}/{INDEX_FILE}", index_page(region, status, plans, summary))]
    files += [
        (f"{SITE_DIR}/{page_name(slug)}", document_page(region, doc)) for slug, doc in plans.items()
    ]
    if summary is not None:
        files.append((f"{SITE_DIR}/{SUMMARY_FILE}", document_page(region, summary)))
    return files
