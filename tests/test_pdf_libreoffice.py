"""The LibreOffice driver without LibreOffice: missing programs, a hung and a crashing one.

A fake `soffice` (a shell script that sleeps) and a fake UNO Python (this interpreter running
a small script) stand in for the real programs, so these tests run everywhere but Windows.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from omstallning.errors import UsageError
from omstallning.publish import libreoffice as lo
from omstallning.publish.libreoffice import (
    LibreOffice,
    LibreOfficeMissingError,
    PdfConversionError,
    convert_to_pdf,
    raise_for_failures,
    require_libreoffice,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the fakes are shell scripts")

FAKE_BRIDGE = """\
import json, os, sys, time
if sys.argv[1:2] == ["-c"]:
    sys.exit(0)  # "import uno" works
mode = os.environ["FAKE_MODE"]
count = os.environ["FAKE_COUNT"]
with open(count, "a") as f:
    f.write("start\\n")
starts = open(count).read().count("start")
if mode == "hang-start":
    time.sleep(300)
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    job = json.loads(line)
    if job["op"] == "quit":
        break
    name = os.path.basename(job["src"])
    if mode == "hang-job" and name == "klippan.docx":
        time.sleep(300)
    if mode == "crash-once" and starts == 1:
        sys.exit(3)
    with open(job["dst"], "wb") as f:
        f.write(b"%PDF-1.7 " + name.encode())
    print(json.dumps({"ok": True, "pages": 3, "headings": [[1, "Inledning", 2]]}), flush=True)
"""


def _script(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def fakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    pids = tmp_path / "pids"
    soffice = _script(
        tmp_path / "soffice",
        f"#!/bin/sh\necho $$ >> {pids}\nsleep 300 &\necho $! >> {pids}\nwait\n",
    )
    bridge = tmp_path / "fake_bridge.py"
    bridge.write_text(FAKE_BRIDGE, encoding="utf-8")
    python = _script(tmp_path / "python", f'#!/bin/sh\nexec {sys.executable} {bridge} "$@"\n')
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setattr(lo, "QUIT_WAIT", 0.2)  # the fake never quits by itself
    monkeypatch.setenv("FAKE_COUNT", str(tmp_path / "count"))
    plans = tmp_path / "build"
    plans.mkdir()
    for name in ("astorp", "klippan", "orkelljunga"):
        (plans / f"{name}.docx").write_bytes(b"PK")
    return {"soffice": soffice, "python": python, "pids": pids, "temp": temp, "plans": plans}


def _pairs(plans: Path) -> list[tuple[Path, Path]]:
    return [(p, p.with_suffix(".pdf")) for p in sorted(plans.glob("*.docx"))]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state != "Z"


def _assert_all_gone(fakes: dict[str, Path]) -> None:
    pids = [int(p) for p in fakes["pids"].read_text().split()] if fakes["pids"].exists() else []
    deadline = time.monotonic() + 5
    while any(map(_alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in pids if _alive(pid)], "a fake soffice (or its child) survived"
    assert list(fakes["temp"].iterdir()) == [], "a LibreOffice profile was left behind"
    assert not list(fakes["plans"].glob(".*.tmp")), "a temporary PDF was left behind"


def test_soffice_that_never_answers_names_each_plan_and_leaves_nothing(
    fakes: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_MODE", "hang-start")
    office = LibreOffice(fakes["soffice"], fakes["python"])
    started = time.monotonic()
    results = convert_to_pdf(_pairs(fakes["plans"]), jobs=2, timeout=1.5, office=office)
    assert time.monotonic() - started < 20
    assert [r.ok for r in results] == [False, False, False]
    with pytest.raises(PdfConversionError) as caught:
        raise_for_failures(results)
    message = str(caught.value)
    assert "3 av 3 filer kunde inte göras till PDF" in message
    for name in ("astorp.docx", "klippan.docx", "orkelljunga.docx"):
        assert name in message
    assert "svarade inte inom 1.5 s" in message
    _assert_all_gone(fakes)


def test_a_plan_that_hangs_is_reported_and_the_others_convert(
    fakes: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_MODE", "hang-job")
    office = LibreOffice(fakes["soffice"], fakes["python"])
    results = convert_to_pdf(_pairs(fakes["plans"]), jobs=1, timeout=1.5, office=office)
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].error == "klippan.docx: LibreOffice svarade inte inom 1.5 s och avslutades."
    assert not (fakes["plans"] / "klippan.pdf").exists()
    assert (fakes["plans"] / "orkelljunga.pdf").read_bytes() == b"%PDF-1.7 orkelljunga.docx"
    _assert_all_gone(fakes)


def test_each_result_is_handed_over_once_while_the_others_convert(
    fakes: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_MODE", "hang-job")
    office = LibreOffice(fakes["soffice"], fakes["python"])
    seen: list[tuple[int, bool, bool]] = []

    def on_result(index: int, result: lo.Result) -> None:
        # The PDF is in place when its result is handed over.
        seen.append((index, result.ok, result.target is not None and result.target.exists()))

    results = convert_to_pdf(
        _pairs(fakes["plans"]), jobs=2, timeout=1.5, office=office, on_result=on_result
    )
    assert sorted(seen) == [(0, True, True), (1, False, False), (2, True, True)]
    assert [r.ok for r in results] == [True, False, True]
    _assert_all_gone(fakes)


def test_a_crash_is_retried_once_in_a_new_libreoffice(
    fakes: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_MODE", "crash-once")
    office = LibreOffice(fakes["soffice"], fakes["python"])
    results = convert_to_pdf(
        _pairs(fakes["plans"]), jobs=1, timeout=10, office=office, headings=True
    )
    assert [r.error for r in results] == [None, None, None]
    assert results[0].headings == [(1, "Inledning", 2)] and results[0].pages == 3
    assert (fakes["plans"] / "astorp.pdf").read_bytes() == b"%PDF-1.7 astorp.docx"
    _assert_all_gone(fakes)


def test_ctrl_c_stops_every_libreoffice(
    fakes: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_MODE", "hang-job")
    office = LibreOffice(fakes["soffice"], fakes["python"])
    real_join = lo.threading.Thread.join
    calls = 0

    def interrupted_join(self: lo.threading.Thread, timeout: float | None = None) -> None:
        nonlocal calls
        calls += 1
        if calls == 10:  # while klippan hangs
            raise KeyboardInterrupt
        real_join(self, timeout)

    monkeypatch.setattr(lo.threading.Thread, "join", interrupted_join)
    with pytest.raises(KeyboardInterrupt):
        convert_to_pdf(_pairs(fakes["plans"]), jobs=2, timeout=60, office=office)
    monkeypatch.setattr(lo.threading.Thread, "join", real_join)
    _assert_all_gone(fakes)


def test_missing_soffice_is_a_swedish_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(lo.SOFFICE_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(lo, "_SOFFICE_PLACES", ())
    target = tmp_path / "astorp.pdf"
    with pytest.raises(LibreOfficeMissingError) as caught:
        convert_to_pdf([(tmp_path / "astorp.docx", target)])
    message = str(caught.value)
    assert isinstance(caught.value, UsageError)  # exit status 2
    assert "LibreOffice (soffice) hittades inte" in message
    assert "sudo apt install libreoffice-writer-nogui python3-uno" in message
    assert "libreoffice.org" in message and "OMSTALLNING_SOFFICE" in message
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_soffice_named_in_the_environment_must_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(lo.SOFFICE_ENV, str(tmp_path / "nowhere" / "soffice"))
    with pytest.raises(LibreOfficeMissingError, match="OMSTALLNING_SOFFICE=.*finns inte"):
        require_libreoffice()


def test_missing_uno_python_is_named(
    fakes: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(lo.SOFFICE_ENV, str(fakes["soffice"]))
    false = shutil.which("false")
    assert false
    monkeypatch.setenv(lo.UNO_PYTHON_ENV, false)
    with pytest.raises(LibreOfficeMissingError, match="python3-uno") as caught:
        require_libreoffice()
    assert "ingen Python som kan styra det" in str(caught.value)


def test_uno_python_from_the_environment_is_used(
    fakes: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(lo.SOFFICE_ENV, str(fakes["soffice"]))
    monkeypatch.setenv(lo.UNO_PYTHON_ENV, str(fakes["python"]))
    assert require_libreoffice() == LibreOffice(fakes["soffice"], fakes["python"])


def test_a_large_plan_gets_more_time_than_the_timeout(tmp_path: Path) -> None:
    usual, large, broken = tmp_path / "usual.docx", tmp_path / "large.docx", tmp_path / "x.docx"
    for path, size in ((usual, 800_000), (large, 26_000_000)):
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
            package.writestr("word/document.xml", b" " * size)
    broken.write_bytes(b"not a zip")
    assert lo.file_timeout(usual, 120) == 120
    assert lo.file_timeout(large, 120) == 120 * 26_000_000 / lo.TIMEOUT_BYTES
    assert lo.file_timeout(broken, 120) == 120
