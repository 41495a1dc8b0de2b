"""Validation rules that look across a whole region (SPEC §3), one module per concern.

The loader has already checked each file's structure against its model; these rules check
what a model cannot: references between files, ids, codes, dates, required content and the
warnings. A new rule is a function in the module of its concern with `@rule` or
`@municipality_rule` (`registry.py`), and its code in `RULE_CODES`.
"""

from __future__ import annotations

# Importing a module registers its rules; the order is the order they run in.
from omstallning.check.rules import (  # noqa: F401
    citations,
    content,
    dates,
    decision,
    files,
    identity,
    images,
    install,
    intro,
    intro_language,
    links,
    outcomes,
    outputs,
    placeholders,
    quality,
    references,
    reforms,
)
from omstallning.check.rules.citations import possible_citation_keys
from omstallning.check.rules.registry import (
    MUNICIPALITY_RULES,
    RULE_CODES,
    RULES,
    check_municipality,
    run_region_rules,
)

__all__ = [
    "MUNICIPALITY_RULES",
    "RULES",
    "RULE_CODES",
    "check_municipality",
    "possible_citation_keys",
    "run_region_rules",
]
