"""The README's workflow, run the way users, pre-commit and CI run it.

Every journey runs the installed command in a real process, from inside the region repo
without a path (the README's way), from a subfolder, with file names as pre-commit passes
them, and with broken files among good ones. Each asserts the exact exit status, and that
no output ever says "Internt fel" (exit 3 means a bug in the tool, never in the user's files).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

MUNICIPALITIES = ("Trollhättan", "Lilla Edet", "Åmål")


def omstallning(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the command as a user does: a new process in `cwd`, no terminal."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "OMSTALLNING_"))}
    env |= {"SOURCE_DATE_EPOCH": "1764806400", "NO_COLOR": "1", "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-m", "omstallning", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    output = done.stdout + done.stderr
    assert "Internt fel" not in output, output
    assert "Traceback" not in output, output
    return done


@pytest.fixture(scope="module")
def fyrbodal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new region made as the README says: `new region`, then `new kommun` inside it."""
    parent = tmp_path_factory.mktemp("regioner")
    args = ["new", "region", "fyrbodal", "--namn", "Fyrbodal"]
    for name in MUNICIPALITIES:
        args += ["--kommun", name]
    assert omstallning(parent, *args).returncode == 0
    root = parent / "fyrbodal"
    assert omstallning(root, "new", "kommun", "Vänersborg").returncode == 0
    return root


def copy_of(region: Path, tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "fyrbodal"
    shutil.copytree(region, target)
    return target


def test_validate_inside_the_repo_without_a_path(fyrbodal: Path) -> None:
    done = omstallning(fyrbodal, "validate")
    assert done.returncode == 0, done.stdout + done.stderr


def test_validate_from_a_subfolder_finds_the_repo(fyrbodal: Path) -> None:
    done = omstallning(fyrbodal / "kommuner", "validate")
    assert done.returncode == 0, done.stdout + done.stderr


def test_validate_with_file_names_as_pre_commit_passes_them(fyrbodal: Path, tmp_path: Path) -> None:
    region = copy_of(fyrbodal, tmp_path)
    done = omstallning(region, "validate", "kommuner/trollhattan.yaml", "omstallning.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    broken = region / "kommuner" / "amal.yaml"
    broken.write_text(broken.read_text("utf-8").replace("status:", "stauts:", 1), "utf-8")
    done = omstallning(region, "validate", "kommuner/amal.yaml")
    assert done.returncode == 1
    assert "kommuner/amal.yaml" in done.stdout
    # Another municipality's file passed alone is still fine: findings are for the files given.
    assert omstallning(region, "validate", "kommuner/trollhattan.yaml").returncode == 0


@pytest.mark.parametrize(("command", "status"), [("validate", 1), ("status", 0), ("build", 1)])
def test_a_typo_in_the_region_config_is_a_finding_not_an_internal_error(
    fyrbodal: Path, tmp_path: Path, command: str, status: int
) -> None:
    region = copy_of(fyrbodal, tmp_path)
    config = region / "omstallning.yaml"
    config.write_text(config.read_text("utf-8").replace("  mål: true", "  mal: true"), "utf-8")
    done = omstallning(region, command)
    # status reports (exit 0) what validate refuses (exit 1); neither is an internal error.
    assert done.returncode == status, done.stdout + done.stderr
    assert "omstallning.yaml" in done.stdout + done.stderr
    assert "mål" in done.stdout + done.stderr


def test_a_broken_municipality_does_not_stop_the_others(fyrbodal: Path, tmp_path: Path) -> None:
    region = copy_of(fyrbodal, tmp_path)
    assert omstallning(region, "build", "--format", "md", "--sammanstallning").returncode == 0
    earlier = (region / "build" / "lilla-edet.md").read_bytes()
    broken = region / "kommuner" / "lilla-edet.yaml"
    broken.write_text(broken.read_text("utf-8").replace("status:", "stauts:", 1), "utf-8")
    trollhattan = region / "kommuner" / "trollhattan.yaml"
    trollhattan.write_text(trollhattan.read_text("utf-8") + "\n# ändrad\n", "utf-8")

    done = omstallning(region, "build", "--format", "md", "--sammanstallning")
    assert done.returncode == 1
    assert "kommuner/lilla-edet.yaml" in done.stdout + done.stderr
    assert (region / "build" / "lilla-edet.md").read_bytes() == earlier
    summary = (region / "build" / "sammanstallning.md").read_text("utf-8")
    assert "Lilla Edet" in summary and "fel" in summary

    only = omstallning(region, "build", "--format", "md", "--kommun", "trollhattan")
    assert only.returncode == 0, only.stdout + only.stderr


def test_habo_and_habo_are_two_municipalities(tmp_path: Path) -> None:
    args = ["new", "region", "uppsala", "--namn", "Uppsala län", "--kommun", "Håbo"]
    assert omstallning(tmp_path, *args).returncode == 0
    region = tmp_path / "uppsala"
    assert omstallning(region, "new", "kommun", "Habo").returncode == 0
    files = {p.name: p.read_text("utf-8") for p in (region / "kommuner").iterdir()}
    assert len(files) == 2
    texts = "\n".join(files.values())
    assert '"0305"' in texts and '"Håbo"' in texts
    assert '"0643"' in texts and '"Habo"' in texts
    assert omstallning(region, "validate").returncode == 0
