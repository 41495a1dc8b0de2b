"""Finding the region from where the user stands or from the files pre-commit passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from omstallning.errors import NotARegionError, UsageError
from omstallning.load.discover import find_target

from .conftest import region_files, write_tree


@pytest.fixture
def region(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "region", region_files())


def test_no_path_inside_the_root_is_the_region(region: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(region)
    assert find_target([]).root == Path()
    assert find_target([]).files == ()


def test_a_subfolder_finds_the_region_above(region: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(region / "kommuner")
    target = find_target([])
    assert target.root.resolve() == region.resolve()


def test_files_are_checked_in_their_region(region: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(region)
    target = find_target([Path("kommuner/klippan.yaml"), Path("omstallning.yaml")])
    assert target.root == Path()
    assert target.files == ("kommuner/klippan.yaml", "omstallning.yaml")
    assert target.wants("kommuner/klippan.yaml") and not target.wants("kallor.yaml")


def test_a_file_given_from_elsewhere(region: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    target = find_target([region / "kommuner" / "klippan.yaml"])
    assert target.root.resolve() == region.resolve()
    assert target.files == ("kommuner/klippan.yaml",)


def test_outside_any_region_is_a_swedish_usage_error(tmp_path: Path) -> None:
    with pytest.raises(NotARegionError, match="är inget regionrepo"):
        find_target([tmp_path])


def test_a_missing_path_and_mixed_arguments(region: Path) -> None:
    with pytest.raises(UsageError, match="finns inte"):
        find_target([region / "saknas"])
    with pytest.raises(UsageError, match="inte båda"):
        find_target([region, region / "kallor.yaml"])
