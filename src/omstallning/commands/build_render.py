"""Rendering a build's municipality documents, here or in the worker processes.

`commands.build` plans what to write; this module renders it. Each document is assembled
once for all its formats, so a follow-up report's charts are drawn once per build.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from omstallning.commands.build import Task, _file_name, render_document
from omstallning.documents import DOCUMENT_KINDS
from omstallning.model import MunicipalityEntry
from omstallning.workers import WorkerError, Workers

if TYPE_CHECKING:
    from omstallning.model import Region


def render_all(
    region: Region,
    todo: Sequence[Task],
    workers: Workers,
    done: Callable[[MunicipalityEntry], None],
    options: Mapping[str, object],
    images: dict[str, bytes],
) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) for every (kind, municipality, format) in `todo`, as they finish.

    Each document is assembled once for all its formats (a follow-up report's charts are
    drawn once), and the pictures its Markdown links to go into `images`. In the worker
    processes when they run already (they loaded the region) or when there are enough
    plans to start them; a document is the same bytes wherever it renders. A document that
    takes an option's value renders here, where that value is, unless the value travels
    (`DocumentKind.travels`: the follow-up period).
    """
    jobs = _document_jobs(todo, options)
    elsewhere = [job for job in jobs if job[3] is not None]
    plans = len({id(entry) for _, entry, _, _ in elsewhere})
    finished: set[tuple[str, int]] = set()
    if elsewhere and (workers.running or workers.start(region, plans)):
        try:
            for (kind, entry, fmts, _), (datas, pictures) in workers.unordered(
                _render_in_worker, elsewhere
            ):
                finished.add((kind, id(entry)))
                yield from _finished(kind, entry, fmts, datas, pictures, images, options, done)
        except WorkerError:
            pass  # no worker processes here (a sandbox that forbids them, one killed)
    for kind, entry, fmts, _ in jobs:
        if (kind, id(entry)) not in finished:
            datas, pictures = render_formats_of(region, entry, kind, fmts, options)
            yield from _finished(kind, entry, fmts, datas, pictures, images, options, done)


_Job = tuple[str, MunicipalityEntry, tuple[str, ...], Mapping[str, object] | None]
"""One document in all its formats to render: (kind, municipality, formats, the options it
takes with it to a worker process, None where it renders in this process only)."""


def _document_jobs(todo: Sequence[Task], options: Mapping[str, object]) -> list[_Job]:
    formats: dict[tuple[str, int], list[str]] = {}
    entries: dict[tuple[str, int], MunicipalityEntry] = {}
    for kind, entry, fmt in todo:
        formats.setdefault((kind, id(entry)), []).append(fmt)
        entries[(kind, id(entry))] = entry
    jobs: list[_Job] = []
    for (kind, ident), fmts in formats.items():
        document_kind = DOCUMENT_KINDS[kind]
        values = document_kind.values(options)
        travelling = document_kind.travels or not values
        taken = {name: options[name] for name, _ in document_kind.uses if name in options}
        jobs.append((kind, entries[(kind, ident)], tuple(fmts), taken if travelling else None))
    return jobs


def _finished(
    kind: str,
    entry: MunicipalityEntry,
    fmts: Sequence[str],
    datas: Sequence[bytes],
    pictures: Sequence[tuple[str, bytes]],
    images: dict[str, bytes],
    options: Mapping[str, object],
    done: Callable[[MunicipalityEntry], None],
) -> Iterator[tuple[str, bytes]]:
    for name, data in pictures:
        images.setdefault(name, data)
    for fmt, data in zip(fmts, datas, strict=True):
        done(entry)
        yield _file_name(kind, entry, fmt, options), data


def render_formats_of(
    region: Region,
    entry: MunicipalityEntry,
    kind: str,
    fmts: Sequence[str],
    options: Mapping[str, object] | None = None,
) -> tuple[list[bytes], list[tuple[str, bytes]]]:
    """A municipality's document of a kind in each format, assembled once.

    With the pictures its Markdown links to, when `md` is among the formats.
    """
    document = DOCUMENT_KINDS[kind].assemble_for(region, entry, options)
    datas = [
        render_document(region, document, fmt, own_template=entry.plan.template) for fmt in fmts
    ]
    if "md" not in fmts:
        return datas, []
    from omstallning.writers.markdown import document_images

    return datas, document_images(document)


def _render_in_worker(job: _Job) -> tuple[list[bytes], list[tuple[str, bytes]]]:
    from omstallning.workers import shared

    kind, entry, fmts, options = job
    return render_formats_of(shared().region, entry, kind, fmts, options)
