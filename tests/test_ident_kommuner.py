"""Issue 13: every one of the 290 municipalities can be added by its own name, gets a file of
its own, validates, and is called what it calls itself."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from omstallning import kommuner
from omstallning.check.validate import validate
from omstallning.commands.scaffold import plan_region, write_planned

Run = Callable[..., Any]


def test_habo_and_habo_are_two_municipalities() -> None:
    hab, haa = kommuner.by_name("Håbo"), kommuner.by_name("Habo")
    assert hab is not None and haa is not None
    assert (hab.code, hab.slug) == ("0305", "habo-0305")
    assert (haa.code, haa.slug) == ("0643", "habo")  # existing repos keep their file name
    assert kommuner.by_name("habo-0305") == hab and kommuner.by_name("habo") == haa


def test_new_kommun_habo_writes_habo(run_cli: Run, make_region: Callable[..., Path]) -> None:
    root = make_region()
    result = run_cli("new", "kommun", "Håbo", "--region", str(root))
    assert result.exit_code == 0, result.output
    text = (root / "kommuner" / "habo-0305.yaml").read_text("utf-8")
    assert 'kommun: "Håbo"' in text and 'kommunkod: "0305"' in text


def test_all_290_are_addable_and_validate(tmp_path: Path) -> None:
    names = [k.name for k in kommuner.all_kommuner()]
    root = tmp_path / "alla"
    write_planned(root, plan_region("Sverige", names), force=False)
    files = sorted(p.name for p in (root / "kommuner").iterdir())
    assert len(files) == 290 == len(set(files))
    result = validate(root)
    errors = [f for f in result.findings if f.is_error]
    assert errors == []
    assert not [f for f in result.findings if f.code in ("filnamn", "okand-kommun")]
    assert len(result.region.municipalities) == 290


def test_every_municipality_has_its_own_name() -> None:
    own = {k.name: k.official_name for k in kommuner.all_kommuner()}
    assert len(own) == 290 and all(own.values())
    assert own["Falun"] == "Falu kommun"
    assert own["Gotland"] == "Region Gotland"
    assert own["Göteborg"] == "Göteborgs Stad"
    assert own["Stockholm"] == "Stockholms stad"
    assert own["Trollhättan"] == "Trollhättans Stad"
    assert own["Borås"] == "Borås Stad"
    assert own["Klippan"] == "Klippans kommun"
    assert own["Höganäs"] == "Höganäs kommun"  # no s after s
    assert own["Lomma"] == "Lomma kommun"
    assert not [v for k, v in own.items() if k[-1] in "sxz" and f"{k}s " in v]


def test_template_comment_uses_the_right_genitive(tmp_path: Path) -> None:
    files = {f.path: f.text for f in plan_region("X", ["Borås"])}
    assert "# Borås Stads del av omställningsplanen" in files["kommuner/boras.yaml"]


def test_official_name_override_and_own_logo(
    run_cli: Run, make_region: Callable[..., Path]
) -> None:
    from docx import Document

    from .test_build import _tiny_png

    root = make_region(mall__troll_DOT_png=_tiny_png())
    plan = root / "kommuner" / "klippan.yaml"
    text = plan.read_text("utf-8")
    plan.write_text(
        text.replace(
            "kommunkod:", 'officiellt_namn: "Klippans Stad"\nlogotyp: mall/troll.png\nkommunkod:', 1
        ),
        "utf-8",
    )
    result = run_cli("build", str(root), "--kommun", "klippan", "--format", "docx")
    assert result.exit_code == 0, result.output
    document = Document(str(root / "build" / "klippan.docx"))
    assert document.core_properties.title.endswith("Klippans Stad")
    xml = document.element.xml
    assert 'descr="Logotyp för Klippans Stad"' in xml


def test_a_broken_own_logo_is_a_finding(run_cli: Run, make_region: Callable[..., Path]) -> None:
    root = make_region()
    plan = root / "kommuner" / "klippan.yaml"
    text = plan.read_text("utf-8")
    plan.write_text(text.replace("kommunkod:", "logotyp: saknas.png\nkommunkod:", 1), "utf-8")
    result = run_cli("validate", str(root))
    assert result.exit_code == 1
    assert "[logotyp-fel]" in result.output and "kommuner/klippan.yaml" in result.output


def test_own_section_without_rubrik_gets_a_capitalised_heading() -> None:
    from omstallning.model import Section

    assert Section.model_validate({"id": "ekonomi", "text": "x"}).heading == "Ekonomi"
    assert Section.model_validate({"id": "ekonomi_2026", "text": "x"}).heading == "Ekonomi 2026"
    assert Section.model_validate({"id": "nulage", "text": "x"}).heading == "Nuläge"


def test_new_kommun_says_where_it_wrote(run_cli: Run, make_region: Callable[..., Path]) -> None:
    import os

    root = make_region()
    here = Path.cwd()
    os.chdir(root)
    try:
        result = run_cli("new", "kommun", "Vänersborg")
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output
    assert "Skrev 1 fil i den här mappen:" in result.output and "i .:" not in result.output
