"""`omstallning inledning jamfor`: differences per part, and taking over unedited parts."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from omstallning.commands.intro import jamfor
from omstallning.errors import NotARegionError, UsageError
from omstallning.intro.compare import (
    EARLIER,
    EARLIER_DEFAULTS,
    EDITED,
    MISSING,
    SAME,
    compare_intro,
    default_intro,
    part_diff,
    text_hash,
    word_diff,
)

from .conftest import EXAMPLE, REPO


def _earlier(commit: str, name: str) -> str | None:
    try:
        return subprocess.run(
            ["git", "-C", str(REPO), "show", f"{commit}:templates/region/inledning/{name}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


@pytest.fixture
def region(tmp_path: Path) -> Path:
    root = tmp_path / "region"
    (root / "inledning").mkdir(parents=True)
    (root / "omstallning.yaml").write_text("region: R\n", encoding="utf-8")
    for name, text in default_intro().items():
        (root / "inledning" / name).write_text(text, encoding="utf-8")
    return root


def _old_syfte() -> str:
    text = _earlier("29796cc", "syfte.md")
    if text is None:
        pytest.skip("git history is not available")
    return text


def test_the_example_equals_the_default() -> None:
    assert {p.state for p in compare_intro(EXAMPLE)} == {SAME}


def test_the_recorded_hashes_are_those_of_the_earlier_defaults() -> None:
    for name, versions in EARLIER_DEFAULTS.items():
        for digest, commit in versions.items():
            text = _earlier(commit, name)
            if text is None:
                pytest.skip("git history is not available")
            assert text_hash(text) == digest, (name, commit)
            assert text_hash(text) != text_hash(default_intro()[name])


def test_an_earlier_default_can_be_taken_over(region: Path) -> None:
    part = region / "inledning" / "syfte.md"
    part.write_text(_old_syfte().replace("\n", "\r\n"), encoding="utf-8")  # line ends: same
    states = {p.file: p.state for p in compare_intro(region)}
    assert states["inledning/syfte.md"] == EARLIER
    assert "kan tas över" in jamfor(region)
    message = jamfor(region, "syfte")
    assert "ersattes med standardtexten" in message
    assert part.read_text(encoding="utf-8") == default_intro()["syfte.md"]


def test_an_edited_part_is_refused_unless_forced(region: Path) -> None:
    part = region / "inledning" / "lagen.md"
    part.write_text(default_intro()["lagen.md"] + "\nVår egen rad.\n", encoding="utf-8")
    assert {p.file: p.state for p in compare_intro(region)}["inledning/lagen.md"] == EDITED
    with pytest.raises(UsageError, match="redigerad av regionen"):
        jamfor(region, "lagen")
    assert "Vår egen rad." in part.read_text(encoding="utf-8")
    assert "skrevs över" in jamfor(region, "inledning/lagen.md", force=True)
    assert "Vår egen rad." not in part.read_text(encoding="utf-8")


def test_a_missing_part_is_created_with_its_register(region: Path) -> None:
    (region / "inledning" / "angransande-lagstiftning.md").unlink()
    assert {p.file: p.state for p in compare_intro(region)}[
        "inledning/angransande-lagstiftning.md"
    ] == MISSING
    message = jamfor(region, "angransande-lagstiftning")
    assert "reformer.yaml" in message and (region / "reformer.yaml").is_file()


def test_unknown_parts_and_folders_are_refused(region: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="ingen standarddel"):
        jamfor(region, "forord")
    with pytest.raises(NotARegionError):
        jamfor(tmp_path / "ingen")


def test_the_diff_goes_from_the_region_to_the_default_and_marks_words() -> None:
    diff = part_diff("inledning/x.md", "Ett två tre.\n", "Ett fyra tre.\n")
    assert diff.splitlines() == [
        "--- regionen/inledning/x.md",
        "+++ standard/inledning/x.md",
        "@@ -1 +1 @@",
        "~Ett [-fyra-]{+två+} tre.",
    ]
    assert word_diff("a b", "a b c") == "a b{+ c+}"
