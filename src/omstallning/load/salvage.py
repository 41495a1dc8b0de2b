"""Read what people naturally write, and keep checking a file past its first broken value.

`normalise` turns natural Swedish input into the model's values before validation: `ja`/`nej`
where true/false is expected, `Utkast` for `utkast`, the display name `Förebyggande och lätt
tillgänglig` for its id, `nuläge` for the standard section id `nulage`. The YAML text is left
as it is; only the data the model reads changes.

`salvage` builds a model from a file that does not validate, by setting aside each broken
value (an optional one is left out, a required one gets a stand-in), so that the rules can
still check the rest of the file in the same run. The paths it set aside tell the caller
which of those findings to drop: they would be about stand-ins, not the user's text.
"""

from __future__ import annotations

import copy
import functools
import types
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from omstallning import model as m
from omstallning.text import fold

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]

_YES = frozenset({"ja", "j"})
_NO = frozenset({"nej", "n"})
MAX_ROUNDS = 8


def _strip(annotation: Any) -> Any:
    """`X | None` -> X and `Annotated[X, ...]` -> X, repeatedly."""
    for _ in range(6):
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
            continue
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) == 1:
                annotation = args[0]
                continue
        break
    return annotation


def _model_class(annotation: Any) -> type[BaseModel] | None:
    return (
        annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    )


def _list_item(annotation: Any) -> Any | None:
    """X for list[X] (after stripping), else None."""
    base = _strip(annotation)
    if get_origin(base) is list:
        return _strip(get_args(base)[0])
    return None


def _fields_by_alias(model: type[BaseModel]) -> dict[str, FieldInfo]:
    return {f.alias or name: f for name, f in model.model_fields.items()}


# The two look-ups below depend only on the model classes and their vocabularies, which are
# fixed for the life of the process; computed once each, they keep normalising a region's
# 290 files from re-reading the type annotations of every value (a second of 4).
@functools.cache
def _plan(model: type[BaseModel]) -> dict[str, tuple[Any, Any, Any]]:
    """Alias -> (annotation, nested model, list item) of each field of `model`."""
    out: dict[str, tuple[Any, Any, Any]] = {}
    for key, info in _fields_by_alias(model).items():
        nested = _model_class(_strip(info.annotation))
        out[key] = (_strip(info.annotation), nested, _list_item(info.annotation))
    return out


@functools.cache
def _vocabulary(choices: tuple[str, ...]) -> dict[str, str]:
    """Each choice and its display name, case-folded, to the choice.

    Not accent-folded: `pagar` stays an error with its "Menade du ”pågår”?".
    """
    out: dict[str, str] = {}
    names: dict[str, str] = {}
    for vocab in (
        m.PLAN_STATUSES,
        m.ACTIVITY_STATUSES,
        m.AREAS,
        m.FOCUS_AREAS,
        m.LEVELS,
        m.STATES,
        m.GOAL_STATUSES,
        m.SEXES,
        m.DIRECTIONS,
    ):
        if set(vocab) == set(choices):
            names = vocab
    for choice in choices:
        out[choice.casefold()] = choice
        if choice in names:
            out[names[choice].casefold()] = choice
    return out


def _normal_value(annotation: Any, value: Any) -> Any:
    """`value` as the model's value where it is a natural way to write it, else unchanged."""
    if not isinstance(value, str):
        return value
    base = _strip(annotation)
    if base is bool and isinstance(value, str):
        word = value.strip().casefold()
        return True if word in _YES else False if word in _NO else value
    if get_origin(base) is Literal and isinstance(value, str):
        choices = tuple(str(c) for c in get_args(base))
        if value in choices:
            return value
        return _vocabulary(choices).get(" ".join(value.split()).casefold(), value)
    return value


def standard_section_id(value: Any) -> Any:
    """`nuläge`, `Nulage` -> `nulage`: a standard section id written with å/ä/ö or capitals."""
    if isinstance(value, str) and value not in m.STANDARD_SECTIONS:
        folded = fold(value.strip()).replace(" ", "_")
        if folded in m.STANDARD_SECTIONS:
            return folded
    return value


def normalise(model: type[BaseModel], data: Any) -> Any:
    """`data` with natural Swedish input turned into the model's values (a copy where changed)."""
    if not isinstance(data, dict):
        return data
    fields = _plan(model)
    out = dict(data)
    for key, value in data.items():
        plan = fields.get(key) if isinstance(key, str) else None
        if plan is None:
            continue
        out[key] = _normal_field(model, key, plan, value)
    return out


def _normal_field(owner: type[BaseModel], key: str, plan: tuple[Any, Any, Any], value: Any) -> Any:
    if (owner is m.Section and key == "id") or (owner is m.Requirements and key == "avsnitt"):
        if isinstance(value, list):
            return [standard_section_id(v) for v in value]
        return standard_section_id(value)
    annotation, nested, item = plan
    if nested is not None:
        return normalise(nested, value)
    if item is not None and isinstance(value, list):
        sub = _model_class(item)
        if sub is not None:
            return [normalise(sub, v) for v in value]
        return [_normal_value(item, v) for v in value]
    return _normal_value(annotation, value)


# --- Salvage -------------------------------------------------------------------------------


def salvage(model: type[M], data: Any) -> tuple[M | None, list[Loc]]:
    """A model built from `data` with each broken value set aside, and the paths set aside.

    None when the data cannot be mended (not a mapping, or a list item that is no mapping).
    """
    if not isinstance(data, dict):
        return None, []
    work = copy.deepcopy(data)
    repaired: list[Loc] = []
    for _ in range(MAX_ROUNDS):
        try:
            return model.model_validate(work), repaired
        except ValidationError as exc:
            progress = False
            for err in exc.errors():
                path = _repair(model, work, tuple(err["loc"]), err["type"])
                if path is not None:
                    repaired.append(path)
                    progress = True
            if not progress:
                return None, repaired
    return None, repaired


def _navigable(data: Any, loc: Loc) -> Loc:
    """The longest prefix of `loc` that exists in `data`."""
    node = data
    for n, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return loc[:n]
    return loc


def _get(data: Any, path: Loc) -> Any:
    for part in path:
        data = data[part]
    return data


def _owner(model: type[BaseModel], path: Loc) -> type[BaseModel] | None:
    """The model class whose field the last key of `path` is."""
    current: type[BaseModel] | None = model
    for part in path[:-1]:
        if isinstance(part, int) or current is None:
            continue
        info = _fields_by_alias(current).get(part)
        if info is None:
            return None
        current = _model_class(_strip(info.annotation)) or _model_class(_list_item(info.annotation))
    return current


def _repair(model: type[BaseModel], data: dict[str, Any], loc: Loc, kind: str) -> Loc | None:
    """Set aside the value an error is about; the path set aside, or None if impossible."""
    path = _navigable(data, loc)
    if kind == "missing" and len(path) < len(loc):
        path = loc[: len(path) + 1]
    if not path or isinstance(path[-1], int):
        return None  # the whole file, or a list item that is no mapping
    parent = _get(data, path[:-1])
    owner = _owner(model, path)
    key = path[-1]
    if not isinstance(parent, dict) or owner is None:
        return None
    info = _fields_by_alias(owner).get(str(key))
    if info is None or not info.is_required():
        parent.pop(key, None)  # an unknown key, or an optional value: leave it out
        return path
    stand_in = _stand_in(info.annotation)
    if key in parent and parent[key] == stand_in:
        return None  # already set aside once and still wrong
    parent[key] = stand_in
    return path


def _stand_in(annotation: Any) -> Any:
    """A value of the annotation's type that no rule finds anything in."""
    base = _strip(annotation)
    if get_origin(base) is Literal:
        return get_args(base)[0]
    if get_origin(base) is list:
        return []
    if base is bool:
        return False
    if base is int:
        return 2025
    if base is m.PlanDate:
        return "2025-01-01"
    if _model_class(base) is not None:
        return {}
    return "–"
