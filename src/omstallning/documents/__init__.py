"""Documents: the document tree, shared blocks, and one module per document kind.

`tree` is the format-neutral document tree the writers render; `blocks` holds what several
kinds share (table cells, the activity timeline and its legend); `region_analysis` the
figures computed across a region's plans. Each document kind is one module with a pure
assemble function, listed in `DOCUMENT_KINDS`:

- a kind with `scope="municipality"` is assembled as `assemble(region, entry)` and written
  once per chosen municipality, as `stem` with `{slug}` replaced by its slug;
- a kind with `scope="region"` is assembled as `assemble(region, status)` from the status
  overview (`commands.status.RegionStatus`) and written once, as `stem`.

To add a kind (a decision appendix, a change list, a follow-up report): write its module with
an assemble function of one of these two shapes, using `blocks` for what it shares with the
others, and add one entry here. `commands.build` writes every municipality kind for each
chosen municipality, and the region kinds when it is given the overview (`build
--sammanstallning` today), all in one atomic batch with one manifest. A region kind that
should not come with `--sammanstallning` needs its own flag in `cli.main` as well.

A kind with an `option` is built only when `build` is given that option
(`build_plans(..., options={"beslutsbilaga"})`, the flag `--beslutsbilaga`): the decision
appendix (`decision`, `{slug}-beslutsbilaga`) is one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from omstallning.commands.status import RegionStatus
    from omstallning.documents.tree import Document
    from omstallning.model import MunicipalityEntry, Region


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: its name, file stem, scope and assemble function."""

    name: str
    stem: str
    """The output file's name without suffix; `{slug}` stands for the municipality's slug."""
    scope: Literal["municipality", "region"]
    module: str
    function: str
    option: str | None = None
    """Built only when `build` is given this option (`beslutsbilaga`); None: always built."""
    uses: tuple[tuple[str, str], ...] = ()
    """(option, parameter): build options whose values the assemble function takes as that
    keyword argument when they are given (`jamfor` -> the comparison, `uppfoljning` -> the
    period). A document that uses a value is rendered in the main process, which has it,
    unless the values travel."""
    travels: bool = False
    """Whether the values it uses are small enough to go to the worker processes with each
    document (the follow-up period); the comparison of `--jamfor` stays in the main process."""

    def wanted(self, options: Collection[str]) -> bool:
        """Whether a build with these options writes this kind."""
        return self.option is None or self.option in options

    def values(self, options: Mapping[str, object]) -> dict[str, object]:
        """The keyword arguments this kind takes from the build's option values."""
        return {param: options[name] for name, param in self.uses if name in options}

    def file_pattern(self, slug: str = "") -> str:
        """The stems of this kind's files for `slug` as a glob: option values are `*`."""
        return self.stem.format(slug=slug, **{name: "*" for name, _ in self.uses})

    def file_stem(self, slug: str = "", options: Mapping[str, object] | None = None) -> str:
        """The output file's stem: `klippan`, `sammanstallning`, `klippan-uppfoljning-2026`."""
        texts = {name: str(value) for name, value in (options or {}).items()}
        return self.stem.format(slug=slug, **texts)

    def _function(self) -> Callable[..., Document]:
        # Imported on use: `validate` and `status` never load the assembly code.
        function: Callable[..., Document] = getattr(
            importlib.import_module(self.module), self.function
        )
        return function

    def assemble_for(
        self,
        region: Region,
        entry: MunicipalityEntry,
        options: Mapping[str, object] | None = None,
    ) -> Document:
        """A municipality kind's document for one municipality."""
        assert self.scope == "municipality", self.name
        return self._function()(region, entry, **self.values(options or {}))

    def assemble_region(self, region: Region, status: RegionStatus) -> Document:
        """A region kind's document, from the region and its status overview."""
        assert self.scope == "region", self.name
        return self._function()(region, status)


DOCUMENT_KINDS: dict[str, DocumentKind] = {
    "plan": DocumentKind(
        "plan",
        "{slug}",
        "municipality",
        "omstallning.documents.plan",
        "assemble_plan",
        uses=(("jamfor", "comparison"),),
    ),
    "beslutsbilaga": DocumentKind(
        "beslutsbilaga",
        "{slug}-beslutsbilaga",
        "municipality",
        "omstallning.documents.decision",
        "assemble_decision",
        option="beslutsbilaga",
    ),
    "andringar": DocumentKind(
        "andringar",
        "{slug}-andringar",
        "municipality",
        "omstallning.commands.compare",
        "change_document",
        option="jamfor",
        uses=(("jamfor", "comparison"),),
    ),
    "uppfoljning": DocumentKind(
        "uppfoljning",
        "{slug}-uppfoljning-{uppfoljning}",
        "municipality",
        "omstallning.documents.followup",
        "assemble_followup",
        option="uppfoljning",
        uses=(("uppfoljning", "period"),),
        travels=True,
    ),
    "sammanstallning": DocumentKind(
        "sammanstallning",
        "sammanstallning",
        "region",
        "omstallning.documents.summary",
        "assemble_summary",
    ),
}
"""Every document kind, by name; a municipality's slug never equals a region kind's stem."""
