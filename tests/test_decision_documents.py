"""The decided plan as the nämnd reads it, and the decision appendix as its own document."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from omstallning.check.validate import validate_region
from omstallning.commands.build import build_plans, render_plan
from omstallning.documents import DOCUMENT_KINDS
from omstallning.documents.decision import TITLE, assemble_decision
from omstallning.documents.plan import assemble_plan
from omstallning.documents.tree import CoverPage, Heading, Table, TableOfContents
from omstallning.model import Region

EXAMPLE = Path(__file__).parents[1] / "examples" / "nordvastra-skane"


@pytest.fixture(scope="module")
def region() -> Region:
    return validate_region(EXAMPLE)[0].region


def chapters(blocks: tuple[object, ...]) -> list[str]:
    return [b.text for b in blocks if isinstance(b, Heading) and b.level == 1]


def test_summary_follows_the_contents_and_the_decision_appendix_ends_the_plan(
    region: Region,
) -> None:
    entry = region.municipality("klippan")
    assert entry is not None
    doc = assemble_plan(region, entry)
    assert isinstance(doc.blocks[0], CoverPage) and isinstance(doc.blocks[1], TableOfContents)
    assert isinstance(doc.blocks[2], Heading) and doc.blocks[2].anchor == "sammanfattning"
    names = chapters(doc.blocks)
    assert names[0] == "Sammanfattning"
    assert names[1] == "Inledning och syfte – framtidens socialtjänst"
    assert names[-1] == f"Bilaga 1. {TITLE}"
    figures = next(b for b in doc.blocks if isinstance(b, Table))
    assert [r[1].runs[0].text for r in figures.rows] == ["4", "12", "14", "13"]  # type: ignore[union-attr]


def test_decision_data_on_the_cover_and_in_the_properties(region: Region) -> None:
    entry = region.municipality("klippan")
    assert entry is not None
    doc = assemble_plan(region, entry)
    cover = doc.blocks[0]
    assert isinstance(cover, CoverPage)
    facts = dict(cover.facts)
    assert facts["Diarienummer"] == "SN 2025/238"
    assert facts["Beslut"] == "Socialnämnden 2025-11-19 § 137"
    assert facts["Dokumentansvarig"] == "Socialchef"
    assert facts["Revideras senast"] == "2027-11-30"
    assert facts["Ersätter"] == "version 0.9"
    assert cover.marking is None and doc.meta.marking is None
    assert doc.meta.front_matter["diarienummer"] == "SN 2025/238"
    core = zipfile.ZipFile(io.BytesIO(render_plan(region, entry, "docx"))).read("docProps/core.xml")
    text = core.decode()
    assert "<dc:identifier>SN 2025/238</dc:identifier>" in text
    assert "<cp:version>1.0</cp:version>" in text
    assert "<cp:contentStatus>Beslutad</cp:contentStatus>" in text
    assert "Socialnämnden 2025-11-19 § 137" in text


def test_version_history_table_lists_every_version(region: Region) -> None:
    entry = region.municipality("klippan")
    assert entry is not None
    markdown = render_plan(region, entry, "md").decode()
    assert "Versionshistorik" in markdown
    for row in ("| 0.1 | 2025-06-10 |", "| 0.9 | 2025-09-15 |", "| 1.0 | 2025-11-19 |"):
        assert row in markdown


def test_every_page_header_of_a_draft_carries_its_marking(region: Region) -> None:
    draft = region.municipality("orkelljunga")
    decided = region.municipality("klippan")
    assert draft is not None and decided is not None

    def headers(entry: object) -> str:
        package = zipfile.ZipFile(io.BytesIO(render_plan(region, entry, "docx")))  # type: ignore[arg-type]
        return "".join(
            package.read(n).decode() for n in package.namelist() if re.match(r"word/header\d", n)
        )

    assert "EXEMPEL – " in headers(draft)
    assert "EXEMPEL" not in headers(decided)
    assert assemble_plan(region, draft).meta.marking == "EXEMPEL"


@pytest.mark.parametrize(
    ("placement", "expected"),
    [
        ("efter", ["Sammanfattning", "Kommunen i korthet"]),
        ("bilaga", ["Sammanfattning", "Kommunen i korthet"]),
    ],
)
def test_the_region_can_place_the_introduction_after_or_as_an_appendix(
    region: Region, placement: str, expected: list[str]
) -> None:
    config = region.config.model_copy(
        update={"export": region.config.export.model_copy(update={"intro_placement": placement})}
    )
    moved = Region(
        region.root,
        config,
        region.intro_parts,
        region.glossary,
        region.sources,
        region.municipalities,
    )
    entry = moved.municipality("klippan")
    assert entry is not None
    names = chapters(assemble_plan(moved, entry).blocks)
    assert names[:2] == expected
    if placement == "efter":
        intro = names.index("Inledning och syfte – framtidens socialtjänst")
        assert names.index("Insatser") < intro < names.index("Begrepp")
    else:
        assert names[-2:] == [
            "Bilaga 1. Gemensam inledning",
            f"Bilaga 2. {TITLE}",
        ]


def test_decision_appendix_document_lists_each_intervention(region: Region) -> None:
    entry = region.municipality("klippan")
    assert entry is not None
    doc = assemble_decision(region, entry)
    cover = doc.blocks[0]
    assert isinstance(cover, CoverPage) and cover.title == TITLE
    names = [b.text for b in doc.blocks if isinstance(b, Heading) and b.level == 3]
    assert len(names) == 13 and names[0] == "Råd- och stödsamtal för unga"
    markdown = render_plan(region, entry, "md", "beslutsbilaga").decode()
    assert "| **Identiteten dokumenteras** | Nej – Samtalen ska vara lätta att söka" in markdown
    assert "| **Beslut** | SN 2025-05-20 § 45 |" in markdown
    draft = region.municipality("astorp")
    assert draft is not None
    assert assemble_decision(region, draft).meta.marking == "EXEMPEL"


def test_the_appendix_is_built_only_on_its_option(region: Region, tmp_path: Path) -> None:
    kind = DOCUMENT_KINDS["beslutsbilaga"]
    assert kind.option == "beslutsbilaga" and kind.file_stem("klippan") == "klippan-beslutsbilaga"
    entries = [m for m in region.municipalities if m.slug == "klippan"]
    plain = build_plans(region, entries, ["md"], tmp_path / "a")
    assert [b.path.name for b in plain] == ["klippan.md"]
    both = build_plans(region, entries, ["md"], tmp_path / "b", options={"beslutsbilaga"})
    assert [b.path.name for b in both] == ["klippan.md", "klippan-beslutsbilaga.md"]


def test_the_decision_appendix_uses_the_municipalitys_own_name() -> None:
    import dataclasses
    from pathlib import Path

    from omstallning.check.validate import validate_region as _validate
    from omstallning.documents.decision import assemble_decision

    from .conftest import EXAMPLE

    result, _ = _validate(Path(EXAMPLE))
    entry = result.region.municipalities[0]
    plan = entry.plan.model_copy(update={"official_name": "Egna Stad"})
    own = dataclasses.replace(entry, plan=plan)
    document = assemble_decision(result.region, own)
    assert "Egna Stad" in document.meta.title
