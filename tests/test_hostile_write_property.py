"""Whole small repositories with odd files: nothing written outside, no crash, no loss.

Hypothesis builds a valid region, builds it once, then adds a few odd things (links out of
the repo, pipes, odd and undecodable file names, broken YAML, empty files, odd caches) and
runs `validate` and `build` as CI would, each in its own process with a time limit (a pipe
that is read would hang). Whatever it chose: no internal error (exit 3), no hang, nothing
changed in a folder beside the repo, and when the build fails the earlier output is as it was.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import KLIPPAN, region_files, write_tree

SRC = Path(__file__).resolve().parents[1] / "src"
BJUV = KLIPPAN.replace("Klippan", "Bjuv").replace('"1276"', '"1260"')

ODD_THINGS = [
    "build-link-out",
    "kommun-link-out",
    "kommuner-link-out",
    "fifo-kommun",
    "fifo-intro",
    "fifo-cache",
    "cache-dir",
    "cache-deep",
    "output-link-out",
    "broken-yaml",
    "empty-kommun",
    "empty-intro",
    "second-klippan",
]

name_bytes = st.binary(min_size=1, max_size=24).filter(
    lambda b: b"/" not in b and b"\0" not in b and not b.startswith(b".")
)


def tree_state(folder: Path) -> dict[str, object]:
    """Every entry under `folder` without following links or reading pipes."""
    out: dict[str, object] = {}
    if not folder.exists() and not folder.is_symlink():
        return out
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            info = path.lstat()
            rel = os.fsencode(path.relative_to(folder))
            if stat.S_ISLNK(info.st_mode):
                out[rel.decode("utf-8", "replace")] = ("link", str(path.readlink()))
            elif stat.S_ISREG(info.st_mode):
                out[rel.decode("utf-8", "replace")] = path.read_bytes()
            else:
                out[rel.decode("utf-8", "replace")] = stat.S_IFMT(info.st_mode)
    return out


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONIOENCODING": "utf-8:strict"}
    return subprocess.run(
        [sys.executable, "-m", "omstallning", *args],
        env=env,
        capture_output=True,
        timeout=60,  # a pipe that is read hangs: this fails the test instead of the run
        check=False,
    )


def add_odd_things(root: Path, outside: Path, chosen: set[str], odd_name: bytes) -> None:
    kommuner, build = root / "kommuner", root / "build"
    if "build-link-out" in chosen:
        shutil.rmtree(build)
        build.symlink_to(outside)
    elif "cache-dir" in chosen:
        (build / ".omstallning-cache.json").unlink()
        (build / ".omstallning-cache.json").mkdir()
    elif "fifo-cache" in chosen:
        (build / ".omstallning-cache.json").unlink()
        os.mkfifo(build / ".omstallning-cache.json")
    elif "cache-deep" in chosen:
        (build / ".omstallning-cache.json").write_text("[" * 100_000, encoding="ascii")
    if "output-link-out" in chosen and not build.is_symlink():
        (build / "klippan.md").unlink()
        (build / "klippan.md").symlink_to(outside / "victim.md")
    if "kommuner-link-out" in chosen:
        shutil.rmtree(kommuner)
        kommuner.symlink_to(outside)
        return
    if "kommun-link-out" in chosen:
        (kommuner / "hemlig.yaml").symlink_to(outside / "victim.md")
    if "fifo-kommun" in chosen:
        os.mkfifo(kommuner / "pipe.yaml")
    if "fifo-intro" in chosen:
        os.mkfifo(root / "inledning" / "pipe.md")
    if "broken-yaml" in chosen:
        (kommuner / "trasig.yaml").write_text("kommun: [\n", encoding="utf-8")
    if "empty-kommun" in chosen:
        (kommuner / "tom.yaml").write_bytes(b"")
    if "empty-intro" in chosen:
        (root / "inledning" / "syfte.md").write_bytes(b"")
    if "second-klippan" in chosen:
        (kommuner / "klippan.yml").write_text(BJUV, encoding="utf-8")
    (kommuner / os.fsdecode(odd_name + b".yaml")).write_bytes(BJUV.encode())


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(chosen=st.sets(st.sampled_from(ODD_THINGS), min_size=1, max_size=4), odd_name=name_bytes)
def test_odd_repositories_never_crash_or_write_outside(chosen: set[str], odd_name: bytes) -> None:
    base = Path(tempfile.mkdtemp(prefix="omst-odd-"))
    try:
        root = write_tree(base / "region", region_files())
        outside = base / "utanfor"
        write_tree(outside, {"victim.md": "offrets fil\n", "sub/secret.txt": "hemligt\n"})
        first = run("build", str(root), "--format", "all")
        assert first.returncode == 0, first.stderr
        add_odd_things(root, outside, chosen, odd_name)
        outside_before = tree_state(outside)
        build_before = tree_state(root / "build")

        checked = run("validate", str(root), "--format", "json")
        built = run("build", str(root), "--format", "all")

        assert checked.returncode in (0, 1), checked.stderr
        assert built.returncode in (0, 1, 2), built.stderr
        assert b"Internt fel" not in built.stderr + checked.stderr
        assert tree_state(outside) == outside_before
        # A refused build writes nothing; one that left out a broken municipality (issue 13)
        # builds the others, and says which were not built.
        if built.returncode == 2 or "Inget byggdes" in built.stderr.decode(errors="replace"):
            assert tree_state(root / "build") == build_before
        leftovers = [
            p.name for p in (root / "build").glob(".*") if p.name.endswith("omstallning-tmp")
        ]
        assert leftovers == []
    finally:
        shutil.rmtree(base, ignore_errors=True)
