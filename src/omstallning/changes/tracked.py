"""The plan's DOCX with the differences to an earlier version as Word tracked changes.

Both versions are rendered by the ordinary DOCX writer; this module merges the two bodies
into the new document: what is the same is kept, what was added is wrapped in `w:ins`,
what was removed comes back from the old document wrapped in `w:del` (its text in
`w:delText`). Word's and LibreOffice's review tools then step through them.

How the bodies are lined up:

- top-level blocks (paragraphs, tables) by sequence alignment of their text; among the
  blocks that differ, a new block is paired with the most similar old one of its kind;
- a paired paragraph is diffed word by word over its runs (a hyperlink, a field or a tab
  counts as one token; a field by its instruction, so a renumbered caption is no change);
- a paired table row by row, and a paired row cell by cell, the same way down;
- the table of contents is the new one (Word refreshes it anyway); bookmarks, drawings,
  section breaks and list numbering of removed text are dropped, since they belong to
  the old package.

Deterministic: the same two documents and date give the same bytes.
"""

from __future__ import annotations

import copy
import difflib
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from lxml import etree
from lxml.etree import _Element as Element

from omstallning.changes.tokens import (
    W_NS,
    Revisions,
    deleted_content,
    diff_content,
    inserted_content,
    key_opcodes,
    local,
    paragraph_tokens,
    plain,
    w,
)
from omstallning.writers.docx.zip_writer import zip_bytes

DOCUMENT_PART = "word/document.xml"
AUTHOR = "omstallning"
SIMILAR = 0.5
"""How alike (0..1, by words) an old and a new block must be to be diffed, not replaced."""
MAX_PAIRINGS = 40_000
"""Above this many old x new candidates a differing stretch is replaced whole."""


# --- Paragraphs ------------------------------------------------------------------------------


def _paragraph_shell(paragraph: Element) -> Element:
    """A copy of a paragraph with its properties only."""
    shell = etree.Element(paragraph.tag, attrib=dict(paragraph.attrib))
    ppr = paragraph.find(w("pPr"))
    if ppr is not None:
        shell.append(copy.deepcopy(ppr))
    return shell


def mark_paragraph(paragraph: Element, mark: Element) -> None:
    """Mark the paragraph mark itself as inserted or deleted (`w:pPr/w:rPr/w:ins|w:del`)."""
    ppr = paragraph.find(w("pPr"))
    if ppr is None:
        ppr = etree.Element(w("pPr"))
        paragraph.insert(0, ppr)
    rpr = ppr.find(w("rPr"))
    if rpr is None:
        rpr = etree.Element(w("rPr"))
        later = [c for c in ppr if local(c) in ("sectPr", "pPrChange")]
        if later:
            later[0].addprevious(rpr)
        else:
            ppr.append(rpr)
    rpr.insert(0, mark)


def inserted_paragraph(new: Element, rev: Revisions, *, mark: bool = True) -> Element:
    """A new paragraph inserted whole (its mark too, unless it is a cell's)."""
    out = _paragraph_shell(new)
    out.extend(inserted_content(paragraph_tokens(new), rev))
    if mark:
        mark_paragraph(out, rev.mark("ins"))
    return out


def deleted_paragraph(old: Element, rev: Revisions, *, mark: bool = True) -> Element:
    """An old paragraph deleted whole (its mark too, unless it is a cell's)."""
    out = _paragraph_shell(old)
    ppr = out.find(w("pPr"))
    if ppr is not None:  # the old section breaks and list instances are not in the new package
        for child in [c for c in ppr if local(c) in ("sectPr", "numPr", "pPrChange")]:
            ppr.remove(child)
    out.extend(deleted_content(paragraph_tokens(old), rev))
    if mark:
        mark_paragraph(out, rev.mark("del"))
    return out


def changed_paragraph(old: Element, new: Element, rev: Revisions) -> Element:
    """A paragraph in both versions: the new one, diffed word by word against the old."""
    out = _paragraph_shell(new)
    out.extend(diff_content(paragraph_tokens(old), paragraph_tokens(new), rev))
    return out


# --- Blocks ----------------------------------------------------------------------------------


@dataclass
class Unit:
    """A block to line up: a paragraph, a table, or the table of contents' paragraphs."""

    kind: Literal["p", "tbl", "toc"]
    elements: list[Element]
    key: str
    words: list[str]


def _style(paragraph: Element) -> str:
    style = paragraph.find(f"{w('pPr')}/{w('pStyle')}")
    return "" if style is None else style.get(w("val"), "")


def units(children: Iterable[Element]) -> list[Unit]:
    """The blocks of a body or a cell, the table of contents grouped into one."""
    out: list[Unit] = []
    for child in children:
        name = local(child)
        if name == "p" and _style(child).lower().startswith("toc"):
            if out and out[-1].kind == "toc":
                out[-1].elements.append(child)
            else:
                out.append(Unit("toc", [child], "\x00toc", []))
        elif name in ("p", "tbl"):
            text = plain(child) if name == "p" else " ".join(plain(p) for p in child.iter(w("p")))
            key = f"{name}\x00{_style(child) if name == 'p' else ''}\x00{text}"
            out.append(Unit(name, [child], key, text.split()))  # type: ignore[arg-type]
    return out


def _similarity(a: Unit, b: Unit) -> float:
    if a.kind != b.kind:
        return 0.0
    if a.kind == "toc" or a.words == b.words:
        return 1.0
    return difflib.SequenceMatcher(None, a.words, b.words, autojunk=False).ratio()


def _pairs(olds: Sequence[Unit], news: Sequence[Unit]) -> dict[int, int]:
    """New index -> old index for blocks alike enough, keeping their order."""
    pairs: dict[int, int] = {}
    if len(olds) * len(news) > MAX_PAIRINGS:
        return pairs
    after = 0
    for j, new in enumerate(news):
        scores = [(_similarity(olds[i], new), -i) for i in range(after, len(olds))]
        best = max(scores, default=(0.0, 0))
        if best[0] >= SIMILAR:
            pairs[j] = -best[1]
            after = -best[1] + 1
    return pairs


def merge_units(olds: Sequence[Unit], news: Sequence[Unit], rev: Revisions) -> list[Element]:
    """The merged blocks of two block sequences."""
    out: list[Element] = []
    for tag, i1, i2, j1, j2 in key_opcodes(olds, news):
        if tag == "equal":
            out += [copy.deepcopy(e) for u in news[j1:j2] for e in u.elements]
        else:
            out += _merge_stretch(olds[i1:i2], news[j1:j2], rev)
    return out


def _merge_stretch(olds: Sequence[Unit], news: Sequence[Unit], rev: Revisions) -> list[Element]:
    pairs = _pairs(olds, news)
    out: list[Element] = []
    done = 0  # old units before this index are emitted
    for j, new in enumerate(news):
        i = pairs.get(j)
        if i is None:
            out += _inserted_unit(new, rev)
            continue
        out += [e for old in olds[done:i] for e in _deleted_unit(old, rev)]
        done = i + 1
        out += _changed_unit(olds[i], new, rev)
    out += [e for old in olds[done:] for e in _deleted_unit(old, rev)]
    return out


def _inserted_unit(unit: Unit, rev: Revisions) -> list[Element]:
    if unit.kind == "toc":
        return [copy.deepcopy(e) for e in unit.elements]
    if unit.kind == "p":
        return [inserted_paragraph(unit.elements[0], rev)]
    return [whole_table(unit.elements[0], rev, "ins")]


def _deleted_unit(unit: Unit, rev: Revisions) -> list[Element]:
    if unit.kind == "toc":
        return []
    if unit.kind == "p":
        return [deleted_paragraph(unit.elements[0], rev)]
    return [whole_table(unit.elements[0], rev, "del")]


def _changed_unit(old: Unit, new: Unit, rev: Revisions) -> list[Element]:
    if new.kind == "toc":
        return [copy.deepcopy(e) for e in new.elements]
    if new.kind == "p":
        return [changed_paragraph(old.elements[0], new.elements[0], rev)]
    return changed_table(old.elements[0], new.elements[0], rev)


# --- Tables ----------------------------------------------------------------------------------


def _mark_row(row: Element, mark: Element) -> None:
    trpr = row.find(w("trPr"))
    if trpr is None:
        trpr = etree.Element(w("trPr"))
        before = row.find(w("tblPrEx"))
        if before is not None:
            before.addnext(trpr)
        else:
            row.insert(0, trpr)
    change = trpr.find(w("trPrChange"))
    if change is not None:
        change.addprevious(mark)
    else:
        trpr.append(mark)


def whole_row(row: Element, rev: Revisions, tag: Literal["ins", "del"]) -> Element:
    """A row inserted or deleted whole: the row marked, every cell's text marked."""
    out = copy.deepcopy(row)
    _mark_row(out, rev.mark(tag))
    for paragraph in list(out.iter(w("p"))):
        make = inserted_paragraph if tag == "ins" else deleted_paragraph
        paragraph.getparent().replace(paragraph, make(paragraph, rev, mark=False))
    return out


def whole_table(table: Element, rev: Revisions, tag: Literal["ins", "del"]) -> Element:
    """A table inserted or deleted whole: each of its rows so."""
    out = copy.deepcopy(table)
    for row in [c for c in out if local(c) == "tr"]:
        out.replace(row, whole_row(row, rev, tag))
    return out


def _cells(row: Element) -> list[Element]:
    return [c for c in row if local(c) == "tc"]


def _grid(table: Element) -> int:
    return len(table.findall(f"{w('tblGrid')}/{w('gridCol')}"))


def changed_row(old: Element, new: Element, rev: Revisions) -> Element:
    """A row whose cells are diffed pairwise (same number of cells)."""
    out = copy.deepcopy(new)
    for old_cell, new_cell in zip(_cells(old), _cells(out), strict=True):
        content = [c for c in new_cell if local(c) in ("p", "tbl")]
        merged = merge_units(units(old_cell), units(content), rev)
        for c in content:
            new_cell.remove(c)
        new_cell.extend(merged)
    return out


def changed_table(old: Element, new: Element, rev: Revisions) -> list[Element]:
    """A table diffed row by row, or replaced whole when its columns changed."""
    if _grid(old) != _grid(new):
        gap = inserted_paragraph(etree.Element(w("p")), rev)
        return [whole_table(old, rev, "del"), gap, whole_table(new, rev, "ins")]
    out = copy.deepcopy(new)
    old_rows = [c for c in old if local(c) == "tr"]
    new_rows = [c for c in out if local(c) == "tr"]
    merged = _merge_rows(old_rows, new_rows, rev)
    for row in new_rows:
        out.remove(row)
    out.extend(merged)
    return [out]


def _merge_rows(olds: Sequence[Element], news: Sequence[Element], rev: Revisions) -> list[Element]:
    def unit(row: Element) -> Unit:
        text = "\x1f".join(plain(c) for c in _cells(row))
        return Unit("p", [row], f"{len(_cells(row))}\x00{text}", text.split())

    a, b = [unit(r) for r in olds], [unit(r) for r in news]
    out: list[Element] = []
    for tag, i1, i2, j1, j2 in key_opcodes(a, b):
        if tag == "equal":
            out += [copy.deepcopy(r) for r in news[j1:j2]]
            continue
        pairs = {
            j: i
            for j, i in _pairs(a[i1:i2], b[j1:j2]).items()
            if len(_cells(olds[i1 + i])) == len(_cells(news[j1 + j]))
        }
        done = 0
        for j in range(j2 - j1):
            i = pairs.get(j)
            if i is None:
                out.append(whole_row(news[j1 + j], rev, "ins"))
                continue
            out += [whole_row(r, rev, "del") for r in olds[i1 + done : i1 + i]]
            done = i + 1
            out.append(changed_row(olds[i1 + i], news[j1 + j], rev))
        out += [whole_row(r, rev, "del") for r in olds[i1 + done : i2]]
    return out


# --- The document ----------------------------------------------------------------------------


def _separate_tables(blocks: list[Element], rev: Revisions) -> list[Element]:
    """An inserted empty paragraph between two tables, which Word would otherwise join."""
    out: list[Element] = []
    for block in blocks:
        if out and local(out[-1]) == "tbl" and local(block) == "tbl":
            out.append(inserted_paragraph(etree.Element(w("p")), rev))
        out.append(block)
    return out


def _max_id(root: Element) -> int:
    ids = [int(v) for v in root.xpath("//@w:id", namespaces={"w": W_NS}) if str(v).isdigit()]
    return max(ids, default=0)


def merge_documents(
    old_xml: bytes, new_xml: bytes, *, date: datetime, author: str = AUTHOR
) -> bytes:
    """The new document.xml with the differences from the old one as tracked changes."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    old_root = etree.fromstring(old_xml, parser)
    new_root = etree.fromstring(new_xml, parser)
    old_body, new_body = old_root.find(w("body")), new_root.find(w("body"))
    assert old_body is not None and new_body is not None
    stamp = date.replace(microsecond=0, tzinfo=None).isoformat() + "Z"
    rev = Revisions(author, stamp, _max_id(new_root) + 1)
    merged = merge_units(units(old_body), units(new_body), rev)
    section = new_body.find(w("sectPr"))
    for child in list(new_body):
        new_body.remove(child)
    new_body.extend(_separate_tables(merged, rev))
    if section is not None:
        new_body.append(section)
    data: bytes = etree.tostring(new_root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data


def tracked_docx(
    old_docx: bytes, new_docx: bytes, *, date: datetime, author: str = AUTHOR
) -> bytes:
    """The new .docx with the differences from the old one as Word tracked changes.

    Every other part of the new package is kept as it is, in the same order, with the same
    zip dates, so the result is as reproducible as the documents it is made from.
    """
    with zipfile.ZipFile(io.BytesIO(old_docx)) as old_zip:
        old_xml = old_zip.read(DOCUMENT_PART)
    with zipfile.ZipFile(io.BytesIO(new_docx)) as new_zip:
        infos = new_zip.infolist()
        members = [(i.filename, new_zip.read(i)) for i in infos]
    merged = merge_documents(old_xml, dict(members)[DOCUMENT_PART], date=date, author=author)
    members = [(n, merged if n == DOCUMENT_PART else data) for n, data in members]
    return zip_bytes(members, infos[0].date_time)
