"""Links and wide tables (review hostile-input-2026-12, rows 5, 13 and 19)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx.opc.rel import Relationships

from omstallning.check.rules.links import MAX_TABLE_COLUMNS, link_problem, text_problems
from omstallning.documents.tree import Document, DocumentMeta, Paragraph, Run
from omstallning.writers.docx import DocxCache, render_docx
from omstallning.writers.docx import links as docx_links
from tests.conftest import KLIPPAN, SOURCES, region_files, write_tree

RunCli = Callable[..., Any]
UNSAFE = [
    "javascript:alert(1)",
    "file:///C:/Windows/System32/calc.exe",
    "ms-msdt:/id PCWDiagnostic",
    "search-ms:query=x",
    "skr.se",
    "vbscript:x",
]
SAFE = ["https://skr.se/", "http://example.se/a?b=c", "mailto:info@skr.se", "HTTPS://SKR.SE"]


def doc_with_links(urls: list[str]) -> Document:
    runs: list[Run] = []
    for i, url in enumerate(urls):
        runs += [Run(" "), Run(f"länk{i}", url=url)]
    meta = DocumentMeta("t", "s", "a", "k", created=dt.datetime(2025, 1, 1))  # noqa: DTZ001
    return Document(meta, (Paragraph(tuple(runs)),))


def external_targets(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("word/_rels/document.xml.rels").decode()
    return re.findall(r'Target="([^"]*)"[^>]*TargetMode="External"', xml)


# --- Row 13: only http, https and mailto become clickable ----------------------------------


def test_only_safe_schemes_become_hyperlinks_in_docx() -> None:
    data = render_docx(doc_with_links(UNSAFE + SAFE), cache=DocxCache())
    targets = external_targets(data)
    assert sorted(targets) == sorted(t.replace(" ", "%20") for t in SAFE)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        body = zf.read("word/document.xml").decode()
    for i in range(len(UNSAFE)):
        assert f"länk{i}" in body  # the text stays


@pytest.mark.parametrize("url", UNSAFE)
def test_unsafe_link_is_explained(url: str) -> None:
    assert link_problem(url) is not None


@pytest.mark.parametrize("url", [*SAFE, "#nulage"])
def test_safe_link_is_fine(url: str) -> None:
    assert link_problem(url) is None


def test_unsafe_links_warn_in_validate_and_stay_text_in_build(
    tmp_path: Path, run_cli: RunCli
) -> None:
    sources = SOURCES.replace("https://www.riksdagen.se/", "file:///C:/calc.exe")
    text = (
        "    text: Se [a](ms-msdt:/id), <search-ms:query=x>, [förbundet](skr.se) och "
        "[b](https://skr.se).\n"
    )
    municipality = KLIPPAN.replace("    text: Vi samverkar.\n", text)
    root = write_tree(
        tmp_path / "region",
        region_files(kallor_DOT_yaml=sources, kommuner__klippan_DOT_yaml=municipality),
    )
    checked = run_cli("validate", str(root), "--format", "json")
    assert checked.exit_code == 0, checked.output
    found = json.loads(checked.output)["findings"]
    assert [f["code"] for f in found] == ["osaker-lank"] * 4
    built = run_cli("build", str(root), "--format", "docx", "-j", "1")
    assert built.exit_code == 0, built.output
    data = (root / "build" / "klippan.docx").read_bytes()
    assert external_targets(data) == ["https://skr.se"]


# --- Row 5: hyperlink relationships cost the same per link however many there are ----------


def test_link_relationships_are_added_without_scanning(monkeypatch: pytest.MonkeyPatch) -> None:
    """python-docx's relate_to scanned every relationship per link: n² for n links.

    Timing is not measured here; the work is counted instead. Rendering 20,000 links took
    0.85 s against 0.09 s for 2,000 (81 s before), measured by hand in December 2026.
    """
    scans = {"matching": 0, "next_id": 0}
    real_matching = Relationships._get_matching
    real_next = Relationships._next_rId

    def matching(self: Any, *args: Any, **kwargs: Any) -> Any:
        scans["matching"] += 1
        return real_matching(self, *args, **kwargs)

    def next_id(self: Any) -> str:
        scans["next_id"] += 1
        return real_next.fget(self)  # type: ignore[no-any-return, attr-defined]

    monkeypatch.setattr(Relationships, "_get_matching", matching)
    monkeypatch.setattr(Relationships, "_next_rId", property(next_id))
    real_init = docx_links.HyperlinkRels.__init__

    def keep(self: docx_links.HyperlinkRels, part: Any) -> None:
        real_init(self, part)
        kept.append(self)

    kept: list[docx_links.HyperlinkRels] = []
    monkeypatch.setattr(docx_links.HyperlinkRels, "__init__", keep)
    counts = {}
    for n in (200, 2000):
        scans.update(matching=0, next_id=0)
        urls = [f"https://example.se/{i}" for i in range(n)] + ["https://example.se/0"]
        data = render_docx(doc_with_links(urls), cache=DocxCache())
        counts[n] = dict(scans)
        assert len(external_targets(data)) == n  # the repeated link reuses its relationship
        assert kept[-1].lookups == n + 1  # one dictionary look-up per link
    assert counts[200] == counts[2000]  # python-docx's scans do not grow with the links


def test_link_ids_match_what_python_docx_would_give() -> None:
    """The same rIds as relate_to: output stays byte-identical to before the speed-up."""
    import docx

    document = docx.Document()
    expected = [
        document.part.relate_to(u, docx_links.RT.HYPERLINK, is_external=True)
        for u in ("https://a.se", "https://b.se", "https://a.se")
    ]
    fresh = docx.Document()
    rels = docx_links.HyperlinkRels(fresh.part)
    assert [rels.r_id(u) for u in ("https://a.se", "https://b.se", "https://a.se")] == expected


# --- Row 19: a table wider than Word's 63 columns -----------------------------------------


def table(columns: int) -> str:
    return (
        "| " + " | ".join(f"K{i}" for i in range(columns)) + " |\n"
        "|" + "---|" * columns + "\n"
        "| " + " | ".join("x" for _ in range(columns)) + " |\n"
    )


@pytest.mark.parametrize("columns", [MAX_TABLE_COLUMNS + 1, 100, 10_000])
def test_a_table_wider_than_word_allows_is_an_error(columns: int) -> None:
    found = list(text_problems("Inledning.\n\n" + table(columns)))
    assert [(line, code) for line, _col, code, _msg in found] == [(3, "for-bred-tabell")]
    assert f"{columns} kolumner" in found[0][3]


def test_a_table_as_wide_as_word_allows_is_fine() -> None:
    assert list(text_problems(table(MAX_TABLE_COLUMNS))) == []


def test_pipes_in_running_text_are_no_table() -> None:
    assert list(text_problems("a | b " * 200)) == []
