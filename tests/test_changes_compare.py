"""`build --jamfor REF`: reading an earlier version from git, and the structured change list."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from omstallning.changes.compare import ItemChange, word_diff
from omstallning.changes.decided import decided_states
from omstallning.commands.compare import change_files, job_summary, prepare_comparison
from omstallning.errors import UsageError
from omstallning.load.loader import load_region
from omstallning.model import Region
from tests.changes_repo import V2, git, make_repo
from tests.conftest import region_files, write_tree

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "region")


def region_at(root: Path) -> Region:
    return load_region(root).region


def summary(item: ItemChange) -> tuple[str, str, str, list[tuple[str, str, str]]]:
    return item.category, item.kind, item.id, [(f.field, f.old, f.new) for f in item.fields]


def test_change_list_item_by_item(repo: Path) -> None:
    region = region_at(repo)
    comparison = prepare_comparison(region, "v1", region.municipalities)
    items = [summary(i) for i in comparison.plans["klippan"].items]
    assert items == [
        ("plan", "changed", "klippan", [
            ("Status", "Beslutad", "Utkast"), ("Version", "1.0", "1.1"),
            ("Datum", "2025-06-01", "2026-01-15"),
        ]),
        ("goals", "changed", "M1", [
            ("Rubrik", "Fler får stöd tidigt", "Fler barn får stöd tidigt"),
        ]),
        ("goals", "changed", "M20", [("Id", "M2", "M20")]),
        ("goals", "added", "M4", []),
        ("goals", "removed", "M3", []),
        ("indicators", "changed", "M1: Andel med stöd", [
            ("Utgångsvärde", "10 %", "12 %"), ("Målvärde", "30 %", "35 %"),
        ]),
        ("activities", "changed", "A1", [
            ("Ansvarig", "Enhetschef", "Verksamhetschef"), ("Slut", "2026-06", "2026-12"),
            ("Status", "Planerad", "Pågår"),
        ]),
        ("activities", "changed", "A2", [("Mål", "M2", "M20")]),
        ("activities", "added", "A3", []),
        ("interventions", "changed", "Råd- och stödsamtal", [
            ("Nivå", "Selektiv", "Indikerad"), ("Villkor", "–", "Upp till fem samtal"),
        ]),
        ("interventions", "added", "Familjebehandling", []),
        ("interventions", "removed", "Föräldrakurs", []),
        ("collaboration", "changed", "Elevhälsan", [
            ("Form", "Skolsociala team", "Skolsociala team och samråd"),
        ]),
        ("collaboration", "added", "Polisen", []),
        ("sections", "changed", "samverkan", [("Plats", "3 av 3", "1 av 3")]),
        ("sections", "changed", "nulage", [(
            "Text",
            "Vi har en mottagning för barn och familjer.",
            "Vi har en ny mottagning för barn, unga och familjer.",
        )]),
    ]  # fmt: skip


def test_texts_are_compared_word_by_word() -> None:
    runs = word_diff(
        "Vi har en mottagning för barn och familjer.",
        "Vi har en ny mottagning för barn, unga och familjer.",
    )
    assert [(r.op, r.text) for r in runs] == [
        ("equal", "Vi har en"),
        ("insert", "ny"),
        ("equal", "mottagning för"),
        ("delete", "barn"),
        ("insert", "barn, unga"),
        ("equal", "och familjer."),
    ]


def test_the_shared_introduction_is_listed_once_as_such(repo: Path) -> None:
    region = region_at(repo)
    comparison = prepare_comparison(region, "v1", region.municipalities)
    assert [summary(i)[:3] for i in comparison.intro] == [("intro", "changed", "lagen")]
    assert all(i.category != "intro" for i in comparison.plans["klippan"].items)
    md = dict(change_files(region, comparison, region.municipalities, ["md"]))[
        "klippan-andringar.md"
    ]
    text = md.decode()
    assert text.count("## Gemensam inledning") == 1
    assert "gemensam för regionens alla kommuner" in text


def test_change_document_shows_old_and_new_side_by_side(repo: Path) -> None:
    region = region_at(repo)
    comparison = prepare_comparison(region, "v1", region.municipalities)
    files = dict(change_files(region, comparison, region.municipalities, ["md", "docx"]))
    assert set(files) == {"klippan-andringar.md", "klippan-andringar.docx"}
    text = files["klippan-andringar.md"].decode()
    assert "# Ändringar sedan version 1.0" in text
    assert "| Ändring | Id | Fält | Tidigare | Nu |" in text
    assert "| Ändrad | A1 | Ansvarig | Enhetschef | Verksamhetschef |" in text
    assert "| Borttagen | M3 | – | Ett mål som tas bort | – |" in text
    # Texts: deleted words struck in "Tidigare", inserted words bold in "Nu".
    assert "~~barn~~" in text and "**ny**" in text and "**barn, unga**" in text
    for heading in ("Mål", "Indikatorer", "Aktiviteter", "Insatser", "Samverkan", "Avsnitt"):
        assert f"## {heading}\n" in text


def test_same_versions_give_byte_identical_files(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764806400")
    runs = []
    for _ in range(2):
        region = region_at(repo)
        comparison = prepare_comparison(region, "v1", region.municipalities)
        runs.append(
            change_files(region, comparison, region.municipalities, ["md", "docx"], tracked=True)
        )
    assert runs[0] == runs[1]


def test_unchanged_version_says_so(repo: Path) -> None:
    region = region_at(repo)
    comparison = prepare_comparison(region, "v2", region.municipalities)
    assert comparison.plans["klippan"].items == () and comparison.intro == ()
    md = dict(change_files(region, comparison, region.municipalities, ["md"]))
    assert "Inga ändringar sedan version 1.1." in md["klippan-andringar.md"].decode()


def test_reading_git_changes_neither_working_tree_nor_index(repo: Path) -> None:
    (repo / "kommuner" / "klippan.yaml").write_text(
        V2.replace("Jämlikt stöd", "Jämlikt och jämställt stöd"), encoding="utf-8"
    )
    index = repo / ".git" / "index"
    status = git(repo, "status", "--porcelain")  # refreshes the index; measured after it
    before = (index.read_bytes(), index.stat().st_mtime_ns)
    region = region_at(repo)
    comparison = prepare_comparison(region, "v2", region.municipalities)
    assert [summary(i)[:3] for i in comparison.plans["klippan"].items] == [
        ("goals", "changed", "M4")
    ]
    assert (index.read_bytes(), index.stat().st_mtime_ns) == before
    assert git(repo, "status", "--porcelain") == status


def test_another_copy_of_the_repo_can_be_compared(repo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kopia"
    git(tmp_path, "clone", "-q", "--branch", "v1", str(repo), str(copy))
    region = region_at(repo)
    comparison = prepare_comparison(region, str(copy), region.municipalities)
    assert comparison.label == copy.as_posix()
    assert ("goals", "added", "M4") in [summary(i)[:3] for i in comparison.plans["klippan"].items]


def test_region_in_a_subfolder_of_the_repo(tmp_path: Path) -> None:
    top = tmp_path / "top"
    make_repo(top / "plan")
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    shutil.rmtree(top / "plan" / ".git")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "alla")
    git(top, "tag", "t1")
    (top / "plan" / "kommuner" / "klippan.yaml").write_text(
        V2.replace("Polisen", "Polismyndigheten"), encoding="utf-8"
    )
    region = region_at(top / "plan")
    comparison = prepare_comparison(region, "t1", region.municipalities)
    assert [summary(i)[:3] for i in comparison.plans["klippan"].items] == [
        ("collaboration", "added", "Polismyndigheten"),
        ("collaboration", "removed", "Polisen"),
    ]


# --- What a user gets wrong: exit 2 with a Swedish message ---------------------------------------


def test_unknown_ref(repo: Path) -> None:
    region = region_at(repo)
    with pytest.raises(
        UsageError,
        match=r"Versionen ”v9” finns inte i repot.*Taggar i repot: v2, v1|Taggar i repot: v1, v2",
    ):
        prepare_comparison(region, "v9", region.municipalities)


def test_option_like_ref_is_refused(repo: Path) -> None:
    region = region_at(repo)
    with pytest.raises(UsageError, match="kan inte vara en version i git"):
        prepare_comparison(region, "--output=/tmp/x", region.municipalities)


def test_not_a_git_repo(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "region", region_files())
    region = region_at(root)
    with pytest.raises(UsageError, match="är inget git-repo"):
        prepare_comparison(region, "v1", region.municipalities)


def test_git_not_installed(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    region = region_at(repo)
    monkeypatch.setattr("omstallning.changes.git.shutil.which", lambda name: None)
    with pytest.raises(UsageError, match="Programmet git finns inte"):
        prepare_comparison(region, "v1", region.municipalities)


def test_shallow_clone_without_the_ref_says_how_to_fetch(repo: Path, tmp_path: Path) -> None:
    shallow = tmp_path / "grund"
    git(tmp_path, "clone", "-q", "--depth", "1", "--no-tags", f"file://{repo}", str(shallow))
    region = region_at(shallow)
    with pytest.raises(UsageError) as caught:
        prepare_comparison(region, "v1", region.municipalities)
    message = str(caught.value)
    assert "grund (shallow clone)" in message
    assert "git fetch --tags --unshallow" in message
    assert "fetch-depth: 0" in message


def test_municipality_that_did_not_exist_in_the_ref(repo: Path) -> None:
    write_tree(repo, {"kommuner/bjuv.yaml": 'kommun: Bjuv\nkommunkod: "1260"\nstatus: utkast\n'})
    region = region_at(repo)
    with pytest.raises(
        UsageError, match=r"Bjuv \(kommuner/bjuv.yaml\) finns inte i versionen ”v1”.*--kommun"
    ):
        prepare_comparison(region, "v1", region.municipalities)
    klippan = [m for m in region.municipalities if m.slug == "klippan"]
    assert prepare_comparison(region, "v1", klippan).plans["klippan"].items


def test_region_that_did_not_exist_in_the_ref(repo: Path) -> None:
    git(repo, "checkout", "-q", "--orphan", "tom")
    git(repo, "rm", "-rq", "--cached", ".")
    (repo / "LASMIG.txt").write_text("tom\n", encoding="utf-8")
    git(repo, "add", "LASMIG.txt")
    git(repo, "commit", "-q", "-m", "tom")
    git(repo, "tag", "tom-tagg")
    git(repo, "checkout", "-q", "-f", "main")
    region = region_at(repo)
    with pytest.raises(UsageError, match="finns ingen omstallning.yaml i repots rot"):
        prepare_comparison(region, "tom-tagg", region.municipalities)


# --- Status and CI -------------------------------------------------------------------------------


def test_status_knows_the_last_decided_version(repo: Path) -> None:
    [state] = decided_states(region_at(repo))
    assert (state.slug, state.label, state.changed) == ("klippan", "v1", True)
    git(repo, "checkout", "-q", "v1")
    [state] = decided_states(region_at(repo))
    assert (state.label, state.changed) == ("v1", False)


def test_status_without_git_is_unknown(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "region", region_files())
    [state] = decided_states(region_at(root))
    assert state.changed is None and state.label is None


def test_job_summary_is_markdown(repo: Path) -> None:
    region = region_at(repo)
    comparison = prepare_comparison(region, "v1", region.municipalities)
    text = job_summary(region, comparison, region.municipalities)
    assert text.startswith("# Ändringar sedan v1")
    assert "| Ändrad | A1 | Ansvarig | Enhetschef | Verksamhetschef |" in text
    assert text.count("Gemensam inledning") == 1
