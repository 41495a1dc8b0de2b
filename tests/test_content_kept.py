"""No accepted input silently disappears from the documents (issue 13, point 6).

A plan text's images, footnotes, bullets pasted from Word and links without a scheme, and
every field the municipality schema accepts, are found again in the DOCX and the Markdown.
"""

from __future__ import annotations

import io
import re
import textwrap
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from omstallning.documents.markdown_text import parse_markdown
from omstallning.documents.plan import assemble_plan
from omstallning.documents.tree import Image, ListBlock, Note, Paragraph, Run
from omstallning.load.loader import load_region
from omstallning.model import Municipality
from omstallning.writers import render
from omstallning.writers.markdown import document_images

from .conftest import KLIPPAN

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000004000000040802000000269309290000001449444154"
    "789c633c2127c700034c0c48003707003476010caf6ab9b50000000049454e44ae426082"
)

TEXT = """\
      Trollhättan har 60 000 invånare[^1]. Se [SKR](skr.se) och [Kommunen](https://www.trollhattan.se).

      ![Organisationsskiss](mall/org.png)

      Ordföranden säger:
      • Punkt ett från Word
      • Punkt två från Word

      [^1]: Fotnotstext om invånarantal.
"""


def _plan(make_region: Callable[..., Path], text: str = TEXT, **files: bytes) -> Any:
    kommun = KLIPPAN.replace("      Nuläget enligt [@sol2025].\n", text)
    root = make_region(kommun=kommun, mall__org_DOT_png=PNG_1x1, **files)
    result = load_region(root)
    return assemble_plan(result.region, result.region.municipalities[0])


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = [n for n in z.namelist() if n.startswith("word/") and n.endswith(".xml")]
        xml = "".join(z.read(n).decode("utf-8") for n in sorted(parts))
    return " ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def _docx_part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8") if name in z.namelist() else ""


def test_markdown_image_is_embedded_in_word_with_its_alt_text(make_region: Any) -> None:
    doc = _plan(make_region)
    data = render(doc, "docx")
    document = _docx_part(data, "word/document.xml")
    assert 'descr="Organisationsskiss"' in document
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert any(n.startswith("word/media/") for n in z.namelist())


def test_markdown_links_the_image_and_build_gets_the_file_to_write_beside_it(
    make_region: Any,
) -> None:
    doc = _plan(make_region)
    md = render(doc, "md").decode()
    (name, data), *rest = document_images(doc)
    assert not rest
    assert name.startswith("bilder/org-") and name.endswith(".png")
    assert data == PNG_1x1
    assert f"![Organisationsskiss]({name})" in md


def test_footnote_is_a_real_word_footnote_and_a_markdown_and_html_footnote(
    make_region: Any,
) -> None:
    doc = _plan(make_region)
    data = render(doc, "docx")
    assert '<w:footnoteReference w:id="1"/>' in _docx_part(data, "word/document.xml")
    assert "Fotnotstext om invånarantal." in _docx_part(data, "word/footnotes.xml")
    assert "footnotes+xml" in _docx_part(data, "[Content_Types].xml")
    assert "^1" not in _docx_text(data)
    md = render(doc, "md").decode()
    assert "invånare[^1]." in md
    assert "\n[^1]: Fotnotstext om invånarantal.\n" in md
    html = render(doc, "html").decode()
    assert 'href="#fotnot-1"' in html and 'id="fotnot-1"' in html


def test_bullets_pasted_from_word_become_a_list(make_region: Any) -> None:
    md = render(_plan(make_region), "md").decode()
    assert "Ordföranden säger:\n\n- Punkt ett från Word\n- Punkt två från Word\n" in md


def test_link_without_a_scheme_is_text_with_its_address_in_every_format(
    make_region: Any,
) -> None:
    doc = _plan(make_region)
    md = render(doc, "md").decode()
    assert "Se SKR (skr.se) och [Kommunen](https://www.trollhattan.se)." in md
    rels = _docx_part(render(doc, "docx"), "word/_rels/document.xml.rels")
    assert "skr.se" not in rels.replace("www.trollhattan.se", "")
    assert 'href="skr.se"' not in render(doc, "html").decode()


def test_parser_gives_blocks_for_images_notes_and_bullets() -> None:
    def picture(src: str, alt: str) -> Image | None:
        return Image(b"png", alt, name=src) if src == "a.png" else None

    blocks = parse_markdown(
        "Text[^n] ![A](a.png) ![B](b.png)\n\n• ett\n• två\n\n[^n]: Not.",
        base_level=0,
        image=picture,
    )
    first, image, rest, bullets = blocks
    assert isinstance(first, Paragraph) and isinstance(first.runs[1], Note)
    assert image == Image(b"png", "A", name="a.png")
    assert isinstance(rest, Paragraph) and rest.runs == (Run("B", italic=True),)
    assert isinstance(bullets, ListBlock) and len(bullets.items) == 2


def test_telephone_is_on_the_cover(make_region: Any) -> None:
    kommun = KLIPPAN.replace(
        'version: "0.3"\n',
        'version: "0.3"\nkontakt:\n  namn: Anna Svensson\n  telefon: "0435-280 00"\n',
    )
    result = load_region(make_region(kommun=kommun))
    doc = assemble_plan(result.region, result.region.municipalities[0])
    assert "0435-280 00" in _docx_text(render(doc, "docx"))
    assert "0435-280 00" in render(doc, "md").decode()


# --- Every field the schema accepts ---------------------------------------------------------

NOT_CONTENT = {
    # Ids that only tie things together; each is shown through what it refers to.
    "mål[].id": "shown as the goal's number, M1",
    "aktiviteter[].mål[]": "the goals' ids, listed; the values are the goal ids themselves",
    "avsnitt[].id": "chooses the section's heading",
    # Enumerations: shown by their Swedish label, not the value typed.
    "status": "shown as its label (Utkast)",
    "beslut.diarienummer": "the top-level diarienummer wins when both are given",
    "logotyp": "a file path: the picture itself is on the cover",
    "mall": "a file path: the template's styles are used",
    # Follow-up data: shown in the follow-up report (`build`'s uppföljning), not in the plan.
    "mål[].indikatorer[].utfall[].värde": "follow-up report",
    "mål[].indikatorer[].utfall[].källa": "follow-up report",
    "mål[].indikatorer[].utfall[].kommentar": "follow-up report",
    "mål[].bedömningar[].motivering": "follow-up report",
    "mål[].bedömningar[].åtgärder": "follow-up report",
    "aktiviteter[].lägesrapporter[].kommentar": "follow-up report",
}


def _fill(schema: dict[str, Any], defs: dict[str, Any], path: str, out: dict[str, str]) -> Any:
    """A value for `schema` with a distinctive string wherever a free text goes."""
    if "$ref" in schema:
        return _fill(defs[schema["$ref"].split("/")[-1]], defs, path, out)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            chosen = next((s for s in options if s.get("type") == "string"), options[0])
            return _fill(chosen, defs, path, out)
    kind = schema.get("type")
    if kind == "object":
        return {
            k: _fill(v, defs, f"{path}.{k}" if path else k, out)
            for k, v in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [_fill(schema["items"], defs, f"{path}[]", out)]
    if "enum" in schema or "const" in schema:
        return schema.get("enum", [schema.get("const")])[0]
    return _scalar(schema, path, out)


_PATTERN_SAMPLES = {
    r"^\d{4}-\d{2}-\d{2}$": "2026-03-01",
    r"^[NU]\d{5}$": "N31807",
    r"^\d{4}-\d{2}(-\d{2})?$": "2026-03",
    r"^\d{4}([HhTtKkQq]\d)?$": "2026",
}


def _scalar(schema: dict[str, Any], path: str, out: dict[str, str]) -> Any:
    kind = schema.get("type")
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return 2027
    if kind != "string":
        return None
    if "pattern" in schema:
        return _PATTERN_SAMPLES[schema["pattern"]]
    if "format" in schema:
        return "2026-03-01"
    value = f"Varde{len(out):03d}x"
    out[path] = value
    return value


def _every_field() -> tuple[dict[str, Any], dict[str, str]]:
    schema = Municipality.model_json_schema(by_alias=True, mode="validation")
    texts: dict[str, str] = {}
    data = _fill(schema, schema.get("$defs", {}), "", texts)
    return data, texts


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _walk_texts(texts: dict[str, str]) -> Iterator[tuple[str, str]]:
    for path, value in texts.items():
        if path not in NOT_CONTENT:
            yield path, value


def test_every_text_field_the_schema_accepts_reaches_word_and_markdown(
    make_region: Any,
) -> None:
    import yaml

    data, texts = _every_field()
    data = _without_nulls(data)
    fixed = yaml.safe_load(textwrap.dedent(KLIPPAN))
    for key in ("kommun", "kommunkod", "status"):
        data[key] = fixed[key]
    data["mål"][0]["id"] = "M1"
    data["aktiviteter"][0].update(id="A1", mål=["M1"], start="2025-09", slut="2026-06")
    data["avsnitt"][0]["id"] = "nulage"
    data["beslut"]["datum"] = "2025-05-01"
    for path in ("kommun", "kommunkod", "aktiviteter[].id"):
        texts.pop(path, None)
    kommun = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    root = make_region(kommun=kommun)
    result = load_region(root)
    assert result.region.municipalities, [f.message for f in result.findings]
    doc = assemble_plan(result.region, result.region.municipalities[0])
    word = _docx_text(render(doc, "docx"))
    md = render(doc, "md").decode()
    lost_word = [p for p, v in _walk_texts(texts) if v not in word]
    lost_md = [p for p, v in _walk_texts(texts) if v not in md]
    assert not lost_word, f"fält som inte syns i Word: {lost_word}"
    assert not lost_md, f"fält som inte syns i Markdown: {lost_md}"


@pytest.mark.parametrize("fmt", ["md"])
def test_every_citation_link_in_the_markdown_has_a_target(fmt: str) -> None:
    md = (Path(__file__).parent / "golden" / "klippan.md").read_text(encoding="utf-8")
    links = set(re.findall(r"\]\(#(kalla-[^)]+)\)", md))
    anchors = set(re.findall(r'<a id="(kalla-[^"]+)" name="\1"></a>', md))
    assert links and links <= anchors


def test_source_titles_take_no_second_full_stop_and_kolada_is_linked_once() -> None:
    from omstallning.documents.plan import end_sentence, indicator_source_cell

    assert end_sentence("Vad är egentligen nytt i nya socialtjänstlagen?") == (
        "Vad är egentligen nytt i nya socialtjänstlagen?"
    )
    assert end_sentence("Socialtjänstlag (2025:400)") == "Socialtjänstlag (2025:400)."
    url = "https://www.kolada.se/verktyg/fri-sokning/?kpis=U33400"
    assert indicator_source_cell("Kolada", "U33400").runs == (Run("Kolada U33400", url=url),)
    cell = indicator_source_cell("SCB", "U33400")
    assert [r.text for r in cell.runs if isinstance(r, Run)] == ["SCB (", "Kolada U33400", ")"]
