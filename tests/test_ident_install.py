"""Issue 13: a new region's CI installs omstallning the way the running tool was installed."""

from __future__ import annotations

from omstallning.commands.install_source import PLACEHOLDER, from_direct_url
from omstallning.commands.scaffold import plan_region


def test_index_install_pins_the_version() -> None:
    assert from_direct_url(None, "0.3.1").requirement == "omstallning==0.3.1"


def test_git_install_pins_the_commit() -> None:
    data = {
        "url": "https://git.example.se/region/omstallning.git",
        "vcs_info": {"vcs": "git", "commit_id": "0123abc", "requested_revision": "v0.1.0"},
    }
    assert from_direct_url(data).requirement == (
        "omstallning @ git+https://git.example.se/region/omstallning.git@0123abc"
    )


def test_local_install_gives_a_placeholder_with_a_swedish_comment() -> None:
    for data in (
        {"url": "file:///work/main", "dir_info": {"editable": True}},
        {"url": "file:///tmp/omstallning-0.1.0.whl", "archive_info": {}},
    ):
        source = from_direct_url(data)
        assert source.is_placeholder and source.requirement == PLACEHOLDER
        assert "lokal mapp" in source.comment and "git+https://" in source.comment


def test_generated_ci_never_installs_a_package_that_does_not_exist() -> None:
    files = {f.path: f.text for f in plan_region("Fyrbodal", ["Trollhättan"])}
    for name in (".github/workflows/omstallning.yml", ".gitlab-ci.yml", "README.md"):
        assert "omstallning==0.1.0" not in files[name] or "paketindexet" in files[name]
        assert "pip install omstallning\n" not in files[name]
    # This test runs from a development install: the placeholder and the README's to-do.
    assert PLACEHOLDER in files[".gitlab-ci.yml"]
    assert "Att göra:" in files["README.md"]


def test_region_readme_suggests_a_neighbour_and_mentions_status_and_summary() -> None:
    readme = {f.path: f.text for f in plan_region("Fyrbodal", ["Trollhättan", "Åmål"])}["README.md"]
    assert "omstallning new kommun Vänersborg" in readme
    assert "Bjuv" not in readme
    assert "omstallning status" in readme and "--sammanstallning" in readme
