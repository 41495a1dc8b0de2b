"""The registry of document kinds: each entry names a module that assembles its kind."""

from __future__ import annotations

import importlib

from omstallning.documents import DOCUMENT_KINDS
from omstallning.documents.plan import assemble_plan
from omstallning.documents.summary import SUMMARY_NAME, assemble_summary


def test_every_kind_names_its_assemble_function() -> None:
    for name, kind in DOCUMENT_KINDS.items():
        assert kind.name == name
        assert callable(getattr(importlib.import_module(kind.module), kind.function))


def test_the_plan_and_the_summary_are_registered() -> None:
    plan, summary = DOCUMENT_KINDS["plan"], DOCUMENT_KINDS["sammanstallning"]
    assert (plan.scope, plan.file_stem("klippan")) == ("municipality", "klippan")
    assert (summary.scope, summary.file_stem()) == ("region", SUMMARY_NAME)
    assert plan._function() is assemble_plan
    assert summary._function() is assemble_summary


def test_region_kinds_have_fixed_stems_and_municipality_kinds_use_the_slug() -> None:
    for kind in DOCUMENT_KINDS.values():
        assert ("{slug}" in kind.stem) == (kind.scope == "municipality")
