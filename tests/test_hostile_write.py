"""Hostile repositories and interrupted builds: the write side (issue 14).

One test (or a few) per row of `shared/reviews/hostile-input-2026-12.md` that concerns
writing, printing and interruptions: nothing is written outside the repo through a link,
output that reaches a terminal, GitHub or a job summary is escaped, two inputs never write
one file, an interrupted or killed build leaves nothing behind, odd files give a Swedish
message instead of a crash. Hostile inputs are made in the test, never stored.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from omstallning.check import report
from omstallning.check.validate import validate_region
from omstallning.commands import build as build_module
from omstallning.commands import build_render
from omstallning.commands.build import MANIFEST_FILE, UNSETTLED, build_plans
from omstallning.commands.build_cache import json_depth
from omstallning.findings import Finding, Severity
from omstallning.writers.files import UnsafeOutputError, sweep_temporary, write_files_atomic

from .conftest import KLIPPAN, region_files, write_tree

Run = Callable[..., Any]
SRC = Path(__file__).resolve().parents[1] / "src"
BJUV = KLIPPAN.replace("Klippan", "Bjuv").replace('"1276"', '"1260"')


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones too, links not followed) and its bytes."""
    out: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[rel] = b"-> " + str(path.readlink()).encode()
        elif path.is_file():
            out[rel] = path.read_bytes()
    return out


def cli_subprocess(*args: str, env: dict[str, str] | None = None, **kw: Any) -> Any:
    """The CLI in its own process, as CI runs it (real streams, real signals)."""
    full_env = {**os.environ, "PYTHONPATH": str(SRC), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "omstallning", *args],
        env=full_env,
        capture_output=True,
        timeout=120,
        check=False,
        **kw,
    )


# --- Row 1: a committed `build` link must not lead the output out of the repo ------------


def test_build_refuses_a_committed_build_link(tmp_path: Path, run_cli: Run) -> None:
    root = write_tree(tmp_path / "region", region_files())
    victim = tmp_path / "victim"
    (victim / "sub").mkdir(parents=True)
    (victim / "klippan.md").write_text("offrets fil\n", encoding="utf-8")
    before = snapshot(victim)
    (root / "build").symlink_to("../victim")

    result = run_cli("build", str(root), "--format", "all")

    assert result.exit_code == 2, result.output
    assert "symbolisk länk" in result.stderr and "Inget skrevs" in result.stderr
    assert snapshot(victim) == before


def test_an_out_folder_the_user_names_is_trusted_through_a_link(
    tmp_path: Path, run_cli: Run
) -> None:
    root = write_tree(tmp_path / "region", region_files())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "ut").symlink_to(elsewhere)
    result = run_cli("build", str(root), "--format", "md", "--out", str(root / "ut" / "plans"))
    # --out is the user's own choice (SPEC: "An explicit --out given by the user is trusted").
    assert result.exit_code == 0, result.output
    assert (elsewhere / "plans" / "klippan.md").is_file()


def test_a_folder_the_user_names_is_trusted(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "region", region_files())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "build").symlink_to(elsewhere)
    result, findings = validate_region(root)
    assert not [f for f in findings if f.is_error]
    built = build_plans(
        result.region, result.region.municipalities, ["md"], root / "build", trusted_out=True
    )
    assert [b.path.name for b in built] == ["klippan.md"]
    assert (elsewhere / "klippan.md").is_file()
    # An output folder outside the region can only come from the user: trusted as well.
    build_plans(result.region, result.region.municipalities, ["md"], tmp_path / "out")
    assert (tmp_path / "out" / "klippan.md").is_file()


def test_new_kommun_does_not_write_through_a_linked_kommuner(tmp_path: Path, run_cli: Run) -> None:
    root = write_tree(tmp_path / "region", region_files())
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "kommuner" / "klippan.yaml").unlink()
    (root / "kommuner").rmdir()
    (root / "kommuner").symlink_to(outside)

    result = run_cli("new", "kommun", "Bjuv", "--region", str(root))

    assert result.exit_code == 2, result.output
    assert "symbolisk länk" in result.stderr
    assert list(outside.iterdir()) == []


# --- Row 6: GitHub workflow commands escaped for every annotation ------------------------


def test_every_github_annotation_is_escaped() -> None:
    evil = "nyckel\n::stop-commands::x\r\n::error file=x::falsk 100%"
    findings = [
        Finding(
            f"kommuner/k{i:02}\n::add-mask::x.yaml",
            i + 1,
            1,
            "okand-nyckel",
            Severity.ERROR,
            f"{evil} {i}",
        )
        for i in range(25)
    ]
    text = report.format_github(findings, 25)
    allowed = ("::group::", "::endgroup::", "::error ", "::warning ", "::notice ")
    for line in text.splitlines():
        if line.startswith("::"):
            assert line.startswith(allowed), line
        assert "stop-commands" not in line.split("::")[0]
    assert text.count("::stop-commands") == 0 or all(
        not ln.startswith("::stop-commands") for ln in text.splitlines()
    )
    assert "%0A::stop-commands::x%0D%0A" in text
    assert "100%25" in text
    annotations = [ln for ln in text.splitlines() if ln.startswith("::error ")]
    assert len(annotations) == report.GITHUB_ANNOTATION_CAP
    assert "file=kommuner/k00%0A%3A%3Aadd-mask%3A%3Ax.yaml," in annotations[0]


# --- Row 8: an edit saved while a build runs is not hidden by the cache ------------------


def test_a_file_changed_during_the_build_is_rebuilt_next_time(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "region", region_files())
    loaded_at = time.time()
    result, _ = validate_region(root)
    time.sleep(0.05)
    source = root / "kommuner" / "klippan.yaml"
    source.write_text(KLIPPAN.replace("Vi samverkar.", "Ny text."), encoding="utf-8")
    warnings: list[str] = []
    build_plans(
        result.region,
        result.region.municipalities,
        ["md"],
        root / "build",
        loaded_at=loaded_at,
        warn=warnings.append,
    )
    manifest = json.loads((root / "build" / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["files"]["klippan.md"]["inputs"] == UNSETTLED
    assert warnings and "ändrades medan bygget pågick" in warnings[0]
    assert "Ny text." not in (root / "build" / "klippan.md").read_text(encoding="utf-8")

    result, _ = validate_region(root)  # the next build
    built = build_plans(result.region, result.region.municipalities, ["md"], root / "build")
    assert not built[0].skipped
    assert "Ny text." in (root / "build" / "klippan.md").read_text(encoding="utf-8")


# --- Row 9: two inputs that would write one file -----------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("kommuner/klippan.yml", BJUV),
        ("kommuner/Klippan.yaml", BJUV),
        ("kommuner/sammanstallning.yaml", BJUV),
    ],
)
def test_two_inputs_for_one_output_are_an_error_before_writing(
    tmp_path: Path, run_cli: Run, name: str, content: str
) -> None:
    root = write_tree(
        tmp_path / "region",
        region_files(**{name.replace("/", "__").replace(".", "_DOT_"): content}),
    )
    validated = run_cli("validate", str(root), "--format", "json")
    codes = [f["code"] for f in json.loads(validated.stdout)["findings"]]
    assert validated.exit_code == 1 and "utdata-namn" in codes
    built = run_cli("build", str(root), "--format", "all", "--sammanstallning")
    assert built.exit_code == 1
    # The file with the error is left out (issue 13: the others still build), so nothing
    # it would have written replaces another input's document.
    assert "Byggdes inte" in built.output
    for document in (root / "build").glob("*.md"):
        assert "Bjuv" not in document.read_text(encoding="utf-8").split("\n", 3)[1]


def test_build_itself_refuses_a_collision(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "region", region_files(kommuner__klippan_DOT_yml=BJUV))
    result, _ = validate_region(root)
    with pytest.raises(build_module.OmstallningError, match="skulle båda bli"):
        build_plans(result.region, result.region.municipalities, ["md"], root / "build")
    assert not (root / "build").exists()


# --- Row 10: text nested deeper than markdown-it's limit ---------------------------------


def test_deeply_nested_text_is_rendered_not_dropped(tmp_path: Path, run_cli: Run) -> None:
    lists = "\n".join("  " * i + f"- nivå{i}" for i in range(12))
    quotes = "> " * 25 + "djupcitat"
    very_deep = "> " * 150 + "allradjupast"
    text = textwrap.indent(f"{lists}\n\n{quotes}\n\n{very_deep}\n", "      ")
    kommun = KLIPPAN.replace("    text: Vi samverkar.\n", f"    text: |\n{text}")
    root = write_tree(tmp_path / "region", region_files(kommuner__klippan_DOT_yaml=kommun))
    result = run_cli("build", str(root), "--format", "all")
    assert result.exit_code == 0, result.output
    md = (root / "build" / "klippan.md").read_text(encoding="utf-8")
    import zipfile

    with zipfile.ZipFile(root / "build" / "klippan.docx") as z:
        docx = z.read("word/document.xml").decode("utf-8")
    for word in ("nivå11", "djupcitat", "allradjupast"):
        assert word in md, word
        assert word in docx, word


# --- Row 14: control characters in what is printed ---------------------------------------


def test_text_output_shows_control_characters_escaped(tmp_path: Path, run_cli: Run) -> None:
    kommun = KLIPPAN.replace("Vi samverkar.", "Vi \x1b]0;hackad\x07samverkar.")
    root = write_tree(
        tmp_path / "region",
        region_files(
            kommuner__klippan_DOT_yaml=kommun, **{"kommuner__a\x1b[2J_DOT_yaml": "x: [\n"}
        ),
    )
    result = run_cli("validate", str(root))
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "a\\x1b[2J.yaml" in result.stdout
    assert "\\x1b]0;hackad\\x07" in result.stdout
    built = run_cli("build", str(root))
    assert "\x1b" not in built.stderr + built.stdout


def test_the_caret_stands_under_the_column_after_escapes() -> None:
    finding = Finding("k.yaml", 3, 5, "otillatet-tecken", Severity.ERROR, "x")
    lines = report.plain(report.format_text([finding], 1, lambda _f, _n: "a\x1bbcdef"))
    source, caret = lines.splitlines()[2:4]
    assert source.endswith("a\\x1bbcdef")
    assert source.index("d") == caret.index("^")  # column 5: a, ESC, b, c, d


# --- Row 15: interrupted and killed builds -----------------------------------------------


def test_sigterm_cleans_up_and_exits_143(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from pathlib import Path
        from omstallning import interrupt
        from omstallning.writers.files import write_files_atomic
        interrupt.install()
        out = Path({str(tmp_path)!r})
        def files():
            yield out / "a.md", b"ny"
            os.kill(os.getpid(), signal.SIGTERM)
            yield out / "b.md", b"ny"
        try:
            write_files_atomic(files())
        except KeyboardInterrupt as exc:
            sys.exit(interrupt.exit_status(exc))
        """
    )
    (tmp_path / "a.md").write_bytes(b"gammal")
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        timeout=60,
        check=False,
    )
    assert done.returncode == 143
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]
    assert (tmp_path / "a.md").read_bytes() == b"gammal"


def test_sigterm_in_the_cli_gives_143(
    tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from omstallning.interrupt import Terminated

    root = write_tree(tmp_path / "region", region_files())

    def terminated(*_args: Any) -> bytes:
        raise Terminated

    monkeypatch.setattr(build_render, "render_formats_of", terminated)
    result = run_cli("build", str(root), "--format", "md")
    assert result.exit_code == 143 and "Avbrutet" in result.stderr
    assert not (root / "build").exists()


def test_leftovers_of_a_killed_build_are_swept(tmp_path: Path, run_cli: Run) -> None:
    root = write_tree(tmp_path / "region", region_files())
    out = root / "build"
    out.mkdir()
    dead = 4_000_000  # above pid_max: no such process
    stale = [
        out / f".klippan.md.{dead}.x1y2z3.omstallning-tmp",
        out / ".klippan.docx.abcd1234.tmp",  # before 0.2
    ]
    live = out / f".klippan.md.{os.getppid()}.q.omstallning-tmp"  # a build running beside
    mine = out / "anteckning.tmp"  # not ours
    for path in [*stale, live, mine]:
        path.write_bytes(b"x" * 100)
        os.utime(path, (time.time() - 60, time.time() - 60))
    result = run_cli("build", str(root), "--format", "md")
    assert result.exit_code == 0, result.output
    assert not any(p.exists() for p in stale)
    assert live.exists() and mine.exists()


def test_a_fresh_temporary_file_is_not_swept(tmp_path: Path) -> None:
    path = tmp_path / ".klippan.md.4000000.abc.omstallning-tmp"
    path.write_bytes(b"x")
    assert sweep_temporary(tmp_path, time.time() - 60) == []
    assert sweep_temporary(tmp_path, time.time() + 1) == [path]


@pytest.mark.skipif(sys.platform != "linux", reason="fork and /proc are Linux here")
def test_workers_end_when_their_parent_is_killed(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from omstallning.load.loader import load_shared
        from omstallning.workers import Workers
        region = load_shared(Path({str(tmp_path / "region")!r})).region
        w = Workers(2)
        assert w.start(region, 100)
        it = w.unordered(time.sleep, [60] * 4)
        import threading
        threading.Thread(target=lambda: list(it), daemon=True).start()
        time.sleep(1.5)
        print(" ".join(str(p) for p in w._executor._processes), flush=True)
        time.sleep(120)
        """
    )
    write_tree(tmp_path / "region", region_files())
    parent = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    assert parent.stdout is not None
    pids = [int(p) for p in parent.stdout.readline().split()]
    assert len(pids) == 2
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    parent.stdout.close()
    deadline = time.time() + 10
    while time.time() < deadline and any(_running(p) for p in pids):
        time.sleep(0.1)
    assert not any(_running(p) for p in pids)


def _running(pid: int) -> bool:
    try:
        with Path(f"/proc/{pid}/stat").open(encoding="ascii") as fh:
            return fh.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


# --- Row 16: file names that are not UTF-8, a strict stdout ------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_a_non_utf8_file_name_is_shown_escaped(tmp_path: Path, fmt: str) -> None:
    root = write_tree(tmp_path / "region", region_files())
    (root / "kommuner" / os.fsdecode(b"kl\xe4ppan.yaml")).write_bytes(BJUV.encode())
    strict = {"PYTHONIOENCODING": "utf-8:strict", "LC_ALL": "C.UTF-8"}
    result = cli_subprocess("validate", str(root), "--format", fmt, env=strict)
    assert result.returncode in (0, 1), result.stderr
    assert b"xe4ppan.yaml" in result.stdout  # kl\xe4ppan.yaml (in JSON: kl\\xe4ppan.yaml)
    built = cli_subprocess("build", str(root), "--format", "md", env=strict)
    assert built.returncode in (0, 1), built.stderr
    ascii_only = cli_subprocess("validate", str(root), env={"PYTHONIOENCODING": "ascii"})
    assert ascii_only.returncode in (0, 1), ascii_only.stderr


# --- Row 17: unreadable folders, as a normal user ----------------------------------------


def _as_nobody() -> list[str]:
    if os.geteuid() != 0:
        return []
    for tool in (["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"],):
        try:
            subprocess.run([*tool, "true"], check=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            continue
        return tool
    pytest.skip("running as root and no way to drop to an unprivileged user here")


@pytest.mark.parametrize("folder", ["kommuner", "inledning"])
@pytest.mark.parametrize("command", ["validate", "status"])
def test_an_unreadable_folder_is_a_message_not_a_crash(
    tmp_path_factory: pytest.TempPathFactory, folder: str, command: str
) -> None:
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="omst-nobody-"))
    try:
        base.chmod(0o755)
        root = write_tree(base / "region", region_files())
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (root / folder).chmod(0o000)
        prefix = _as_nobody()
        result = subprocess.run(
            [*prefix, sys.executable, "-m", "omstallning", command, str(root)],
            env={**os.environ, "PYTHONPATH": str(SRC)},
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert result.returncode in ((1,) if command == "validate" else (0, 1)), result.stderr
        shown = (result.stdout + result.stderr).decode()
        assert folder in shown
        assert "läsrätt" in shown or command == "status"  # status counts it as an error
        assert "Internt fel" not in shown
    finally:
        (base / "region" / folder).chmod(0o755)
        import shutil

        shutil.rmtree(base, ignore_errors=True)


def test_kommuner_that_is_a_file_is_a_finding(tmp_path: Path, run_cli: Run) -> None:
    files = region_files(kommuner__klippan_DOT_yaml=None)
    files["kommuner"] = "inte en mapp\n"
    root = write_tree(tmp_path / "region", files)
    result = run_cli("validate", str(root), "--format", "json")
    assert result.exit_code == 1
    found = json.loads(result.stdout)["findings"]
    assert {"file": "kommuner", "code": "oläsbar"} in [
        {"file": f["file"], "code": f["code"]} for f in found
    ]


# --- Row 18: odd caches ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["dir", "fifo", "deep", "huge-number", "link-to-zero"])
def test_an_odd_cache_is_no_cache(tmp_path: Path, run_cli: Run, kind: str) -> None:
    root = write_tree(tmp_path / "region", region_files())
    cache = root / "build" / MANIFEST_FILE
    cache.parent.mkdir()
    if kind == "dir":
        cache.mkdir()
    elif kind == "fifo":
        os.mkfifo(cache)
    elif kind == "deep":
        cache.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    elif kind == "huge-number":
        cache.write_text('{"version": 1, "files": ' + '{"a": ' * 50 + "1" + "}" * 51, "utf-8")
    else:
        cache.symlink_to("/dev/zero")
    result = run_cli("build", str(root), "--format", "md")
    assert result.exit_code == 0, result.output
    assert (root / "build" / "klippan.md").is_file()
    again = run_cli("build", str(root), "--format", "md")
    assert again.exit_code == 0, again.output


def test_json_depth_is_counted_without_recursion() -> None:
    assert json_depth('{"a": ["[[[", {"b": 1}]}') == 3
    assert json_depth("[" * 100_000) == 100_000


def test_a_target_that_is_a_folder_stops_before_anything_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(b"gammal")
    (tmp_path / "b.md").mkdir()
    with pytest.raises(build_module.OmstallningError, match="mapp"):
        write_files_atomic([(tmp_path / "a.md", b"ny"), (tmp_path / "b.md", b"ny")])
    assert (tmp_path / "a.md").read_bytes() == b"gammal"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md"]


def test_ensure_real_folders_refuses_links(tmp_path: Path) -> None:
    (tmp_path / "out").symlink_to(tmp_path)
    with pytest.raises(UnsafeOutputError):
        write_files_atomic([(tmp_path / "out" / "x.md", b"x")], inside=tmp_path)


# --- Row 21: the smaller ones ------------------------------------------------------------


def test_new_region_refuses_a_name_with_control_characters(tmp_path: Path, run_cli: Run) -> None:
    result = run_cli("new", "region", str(tmp_path / "r"), "--namn", "Nord\x1b[31mväst")
    assert result.exit_code == 1
    assert "styrtecken" in result.stderr and "\\x1b" in result.stderr
    assert not (tmp_path / "r").exists()


def test_status_md_escapes_what_it_prints(tmp_path: Path, run_cli: Run) -> None:
    kommun = KLIPPAN.replace(
        "  - id: A1\n", '  - id: "A1|<img src=x onerror=alert(1)>[l](javascript:x)"\n'
    )
    kommun = kommun.replace("    ansvarig: Enhetschef\n", "")  # so the id is listed
    root = write_tree(tmp_path / "region", region_files(kommuner__klippan_DOT_yaml=kommun))
    result = run_cli("status", str(root), "--format", "md")
    assert "<img" not in result.stdout
    assert "A1\\|&lt;img src=x onerror=alert(1)&gt;\\[l\\](javascript:x)" in result.stdout


def test_outputs_of_a_removed_municipality_are_removed(tmp_path: Path, run_cli: Run) -> None:
    root = write_tree(tmp_path / "region", region_files(kommuner__bjuv_DOT_yaml=BJUV))
    assert run_cli("build", str(root), "--format", "all").exit_code == 0
    (root / "kommuner" / "bjuv.yaml").unlink()
    (root / "build" / "bjuv.md").write_text("ändrad för hand\n", encoding="utf-8")
    removed: list[Path] = []
    result, _ = validate_region(root)
    build_plans(
        result.region, result.region.municipalities, ["md"], root / "build", removed=removed
    )
    assert removed == [root / "build" / "bjuv.docx"]
    assert not (root / "build" / "bjuv.docx").exists()
    assert (root / "build" / "bjuv.md").exists()  # changed by hand: kept
    manifest = json.loads((root / "build" / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert "bjuv.docx" not in manifest["files"]


def test_a_manifest_cannot_make_the_build_delete_outside(tmp_path: Path, run_cli: Run) -> None:
    root = write_tree(tmp_path / "region", region_files())
    (tmp_path / "victim.md").write_text("x", encoding="utf-8")
    import hashlib

    digest = hashlib.sha256(b"x").hexdigest()
    (root / "build").mkdir()
    (root / "build" / MANIFEST_FILE).write_text(
        json.dumps({"version": 1, "files": {"../../victim.md": {"inputs": "a", "output": digest}}}),
        encoding="utf-8",
    )
    assert run_cli("build", str(root), "--format", "md").exit_code == 0
    assert (tmp_path / "victim.md").exists()


def test_messages_show_no_english_strerror(tmp_path: Path) -> None:
    from omstallning.writers.files import _explain

    message = _explain(tmp_path / "x", FileExistsError(17, "File exists"))
    assert "File exists" not in message and "finns redan" in message
    assert re.search(r"Kunde inte skriva .*x: det finns redan", message)


def test_a_noncharacter_is_a_finding_not_a_line_separator() -> None:
    # U+FDD0 stands in for NEL while PyYAML reads; a file that holds one must not come out
    # with a NEL (row 21 of the hostile-input review).
    from omstallning.load.yaml_source import parse_yaml

    parsed = parse_yaml('a: "x\ufdd0y\u2028z"\n', "kommuner/klippan.yaml")
    assert [(f.code, f.line, f.column) for f in parsed.findings] == [("otillatet-tecken", 1, 6)]
