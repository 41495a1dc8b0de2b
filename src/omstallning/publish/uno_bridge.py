"""The script that drives one LibreOffice process over UNO; run by a Python that has `uno`.

It runs in a Python other than the tool's (Debian's `/usr/bin/python3` with python3-uno, or
LibreOffice's own `program/python`), so it uses the standard library and `uno` only and never
imports `omstallning`. Protocol, one JSON object a line:

- argv[1] is the UNO connection (`pipe,name=…;urp;StarOffice.ComponentContext`), argv[2]
  how many seconds to keep trying to connect while LibreOffice starts;
- it prints `{"ready": true}` once connected (or `{"ready": false, "error": …}`);
- then reads jobs from stdin: `{"op": "convert", "src": …, "dst": …}`,
  `{"op": "headings", "src": …}` or `{"op": "quit"}`, and answers each with
  `{"ok": true, …}` or `{"ok": false, "error": …, "fatal": bool}`; `fatal` means the
  connection to LibreOffice is gone and the script has stopped.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path
from typing import Any

# The export options that make an accessible, archivable PDF (LibreOffice 7.4 accepts them
# together: PDF/A-2b with PDF/UA-1). SelectPdfVersion 2 is PDF/A-2b.
PDF_FILTER_DATA: dict[str, object] = {
    "UseTaggedPDF": True,
    "PDFUACompliance": True,
    "SelectPdfVersion": 2,
    "ExportBookmarks": True,
    "ExportBookmarksToPDFDestination": False,
    "DisplayPDFDocumentTitle": True,
    "ExportNotes": False,
    "UseLosslessCompression": False,
    "Quality": 90,
}


def _props(uno: Any, values: dict[str, object]) -> tuple[Any, ...]:
    prop = uno.getClass("com.sun.star.beans.PropertyValue")
    return tuple(prop(Name=name, Value=value) for name, value in values.items())


def connect(uno: Any, connection: str, wait: float) -> Any:
    """The Desktop of the LibreOffice at `connection`, retrying while it starts."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + wait
    while True:
        try:
            ctx = resolver.resolve(f"uno:{connection}")
            break
        except Exception:  # NoConnectException while LibreOffice starts
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)


def load(uno: Any, desktop: Any, src: str) -> Any:
    """Open `src` hidden, without running macros, with its indexes updated."""
    url = Path(src).resolve().as_uri()
    doc = desktop.loadComponentFromURL(
        url, "_blank", 0, _props(uno, {"Hidden": True, "MacroExecutionMode": 0})
    )
    if doc is None:
        raise RuntimeError(f"LibreOffice kunde inte öppna {src}")
    indexes = doc.getDocumentIndexes()
    for i in range(indexes.getCount()):
        indexes.getByIndex(i).update()
    doc.getTextFields().refresh()
    return doc


def export_pdf(uno: Any, doc: Any, dst: str) -> None:
    """Write `doc` as a tagged PDF/A-2b and PDF/UA-1 to `dst`."""
    filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", _props(uno, PDF_FILTER_DATA))
    args = {"FilterName": "writer_pdf_Export", "FilterData": filter_data}
    uno.invoke(doc, "storeToURL", (Path(dst).resolve().as_uri(), _props(uno, args)))


def headings(doc: Any) -> list[list[object]]:
    """[level, text, page] for each heading in the body, on the page it lies on after layout."""
    cursor = doc.getCurrentController().getViewCursor()
    found: list[list[object]] = []
    paragraphs = doc.getText().createEnumeration()
    while paragraphs.hasMoreElements():
        par = paragraphs.nextElement()
        if not par.supportsService("com.sun.star.text.Paragraph"):
            continue  # a table
        level = par.getPropertyValue("OutlineLevel")
        if level > 0 and par.getString().strip():
            cursor.gotoRange(par.getStart(), False)
            found.append([level, par.getString().strip(), cursor.getPage()])
    return found


def run_job(uno: Any, desktop: Any, job: dict[str, Any]) -> dict[str, Any]:
    """Do one job and say what came of it."""
    doc = load(uno, desktop, job["src"])
    try:
        answer: dict[str, Any] = {"ok": True}
        if job.get("headings") or job["op"] == "headings":
            answer["headings"] = headings(doc)
        if job["op"] == "convert":
            export_pdf(uno, doc, job["dst"])
            answer["pages"] = doc.getCurrentController().getPropertyValue("PageCount")
        return answer
    finally:
        doc.close(True)


def _send(answer: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _is_fatal(uno: Any, exc: Exception) -> bool:
    """Whether `exc` means the connection to LibreOffice is lost."""
    names = ("com.sun.star.lang.DisposedException", "com.sun.star.uno.RuntimeException")
    for name in names:
        try:
            if isinstance(exc, uno.getClass(name)):
                return name.endswith("DisposedException") or "Binary URP" in str(exc)
        except Exception:
            continue
    return False


def main(argv: list[str]) -> int:
    """Connect to the LibreOffice named in `argv` and do the jobs read from stdin."""
    uno = importlib.import_module("uno")
    try:
        desktop = connect(uno, argv[1], float(argv[2]))
    except Exception as exc:
        _send({"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    _send({"ready": True})
    for line in sys.stdin:
        job = json.loads(line)
        if job["op"] == "quit":
            try:
                desktop.terminate()
            except Exception:
                pass  # LibreOffice goes away while answering; the caller waits for it
            return 0
        try:
            _send(run_job(uno, desktop, job))
        except Exception as exc:
            fatal = _is_fatal(uno, exc)
            _send({"ok": False, "error": f"{type(exc).__name__}: {exc}", "fatal": fatal})
            if fatal:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
