"""How a region's introduction differs from the tool's default, and taking a part over.

A region copies the default introduction (templates/region/inledning) when it is created,
and the default keeps changing as laws change. `compare_intro` shows, per part, what differs;
`take_over` replaces a region's part with the current default, but only when the region has
not edited it: its file is byte for byte (after line endings) some earlier default, as
recorded in `EARLIER_DEFAULTS`. Everything else needs `force`.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from omstallning.errors import UsageError
from omstallning.intro.reforms import REFORMS_FILE
from omstallning.load.loader import INTRO_DIR, read_text

# sha256 of each earlier default part (`normalize`d), newest first, with the commit it is
# from. When a default part changes, add the hash of the version it replaces here:
#   git show HEAD:templates/region/inledning/<fil>.md | python -c "import sys, hashlib; \
#     from omstallning.intro.compare import normalize; \
#     print(hashlib.sha256(normalize(sys.stdin.read()).encode()).hexdigest())"
EARLIER_DEFAULTS: dict[str, dict[str, str]] = {
    "syfte.md": {
        "ab7d597b2027b7d74c44e5fb48f6bdbfc0e20b82732be365da8898dc73d1aa11": "76a29f2",
        "68a63630839cb7148b9ecac566911c21717de3edf093b659bf79df2419012f0e": "847deff",
        "e5388aadb23f477f49a2380df59126e394fe9f9180bee7370b706de7e4285afa": "29796cc",
    },
    "lagen.md": {
        "0928b0c1ea737af3e4c98bebe5cbba4f0aa5fe6c2566b44a3d73923aaa8f73c4": "76a29f2",
        "287150967c5ac995d5950b39c88cbe0872600a7282f65c9eef80c507b624bbb4": "847deff",
        "430808653594edf813b8afcfed25c63118eec87c6ffeb609819cd01cf25d9f40": "29796cc",
    },
    "angransande-lagstiftning.md": {
        "33d96aa287fd57a9fade2ff118d87801f44dd6bd5df55cfde2ac9b2c7507f62c": "1657069",
        "95d22bc4278e9e7fadf3c378a766b1b1fa999e0be3b300008573e1a5f8d5900c": "29796cc",
    },
    "tidiga-insatser.md": {
        "acb94b8f9f9a7257ac8c986a0295bd8865fb3ff7e881783c3c117b326e6e2785": "b571861",
        "9c9b909faa6c2fc6ee992793fdcfeab48948c95d7a3257903ecf0a8d256eb28b": "29796cc",
    },
}

# What a part's comparison found.
SAME, EARLIER, EDITED, MISSING = "lika", "tidigare-standard", "redigerad", "saknas"
STATE_TEXT = {
    SAME: "lika med standardtexten",
    EARLIER: "en tidigare standardtext, inte redigerad av regionen – kan tas över",
    EDITED: "redigerad av regionen",
    MISSING: "finns inte i regionen",
}

_WORD = re.compile(r"\s+|[^\s]+")


def normalize(text: str) -> str:
    """Text as compared: no BOM, LF line endings, one newline at the end."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.rstrip() + "\n"


def text_hash(text: str) -> str:
    """The sha256 of a part's `normalize`d text."""
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()


def default_intro() -> dict[str, str]:
    """The tool's current default intro parts: file name -> text."""
    from omstallning.commands.scaffold import templates

    folder = templates().joinpath("region").joinpath(INTRO_DIR)
    return {
        item.name: item.read_text("utf-8")
        for item in sorted(folder.iterdir(), key=lambda t: t.name)
        if item.name.endswith(".md")
    }


@dataclass(frozen=True)
class PartComparison:
    """One default part against the region's file of the same name."""

    file: str  # inledning/<name>.md
    state: str  # SAME, EARLIER, EDITED or MISSING
    diff: str  # unified diff from the region's text to the default ("" when the same)

    @property
    def can_take_over(self) -> bool:
        """The region has not edited the part, and the default differs from it."""
        return self.state in (EARLIER, MISSING)


def classify(name: str, region_text: str | None, default_text: str) -> str:
    """SAME, EARLIER, EDITED or MISSING for one part."""
    if region_text is None:
        return MISSING
    if normalize(region_text) == normalize(default_text):
        return SAME
    if text_hash(region_text) in EARLIER_DEFAULTS.get(name, {}):
        return EARLIER
    return EDITED


def word_diff(old: str, new: str) -> str:
    """One line with the changed words marked: [-removed-]{+added+}, as `git diff --word-diff`."""
    a, b = _WORD.findall(old), _WORD.findall(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append("".join(a[i1:i2]))
            continue
        if i2 > i1:
            out.append("[-" + "".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + "".join(b[j1:j2]) + "+}")
    return "".join(out)


def part_diff(file: str, default_text: str, region_text: str) -> str:
    """A unified diff from the region's text to the default: "+" is what the default says.

    Paragraphs are single lines, so where n lines are replaced by n lines each pair is shown
    as one line starting with "~" and its changed words marked (`word_diff`).
    """
    old = normalize(region_text).splitlines()
    new = normalize(default_text).splitlines()
    lines = list(
        difflib.unified_diff(old, new, f"regionen/{file}", f"standard/{file}", n=1, lineterm="")
    )
    out = lines[:2]
    i = 2
    while i < len(lines):
        removed = _run(lines, i, "-")
        added = _run(lines, i + len(removed), "+")
        if removed and len(removed) == len(added):
            out += ["~" + word_diff(r[1:], a[1:]) for r, a in zip(removed, added, strict=True)]
            i += 2 * len(removed)
        else:
            out += removed + added or [lines[i]]
            i += max(len(removed) + len(added), 1)
    return "\n".join(out)


def _run(lines: list[str], start: int, sign: str) -> list[str]:
    """The lines from `start` on that start with `sign`."""
    end = start
    while end < len(lines) and lines[end].startswith(sign):
        end += 1
    return lines[start:end]


def compare_intro(root: Path) -> list[PartComparison]:
    """Each default part compared with the region's file of the same name."""
    out: list[PartComparison] = []
    for name, default_text in default_intro().items():
        rel = f"{INTRO_DIR}/{name}"
        path = root / INTRO_DIR / name
        region_text = read_text(path, rel)[0] if path.is_file() else None
        state = classify(name, region_text, default_text)
        diff = ""
        if state in (EARLIER, EDITED) and region_text is not None:
            diff = part_diff(rel, default_text, region_text)
        out.append(PartComparison(rel, state, diff))
    return out


def format_comparison(parts: list[PartComparison]) -> str:
    """The comparison as text: one heading line per part, then its differences."""
    blocks: list[str] = []
    for part in parts:
        head = f"{part.file}: {STATE_TEXT[part.state]}"
        blocks.append(f"{head}\n{part.diff}" if part.diff else head)
    if any(p.diff for p in parts):
        blocks.insert(
            0,
            "Rader med - står i regionens text, rader med + i standardtexten; på rader "
            "med ~ är [-ord-] regionens och {+ord+} standardtextens.",
        )
    takeable = [p.file for p in parts if p.can_take_over]
    if takeable:
        names = ", ".join(Path(f).stem for f in takeable)
        blocks.append(
            f"Ta över standardtexten med: omstallning inledning jamfor --ta-over DEL ({names})."
        )
    return "\n\n".join(blocks) + "\n"


def _part_name(part: str) -> str:
    """`syfte`, `syfte.md` or `inledning/syfte.md` -> `syfte.md`."""
    name = Path(part).name
    return name if name.endswith(".md") else f"{name}.md"


def take_over(root: Path, part: str, *, force: bool = False) -> str:
    """Replace the region's part with the current default; returns what was done (Swedish).

    Raises:
        UsageError: no default part of that name, or the region has edited its part and
            `force` is not given.
    """
    defaults = default_intro()
    name = _part_name(part)
    if name not in defaults:
        raise UsageError(
            f"Det finns ingen standarddel som heter ”{part}”. Välj en av: "
            f"{', '.join(Path(n).stem for n in defaults)}."
        )
    rel = f"{INTRO_DIR}/{name}"
    path = root / INTRO_DIR / name
    region_text = read_text(path, rel)[0] if path.is_file() else None
    if path.exists() and region_text is None:
        raise UsageError(f"{rel} går inte att läsa och tas inte över. Rätta filen först.")
    state = classify(name, region_text, defaults[name])
    if state == SAME:
        return f"{rel} är redan lika med standardtexten. Inget ändrades."
    if state == EDITED and not force:
        raise UsageError(
            f"{rel} är redigerad av regionen och tas inte över, så att regionens ändringar "
            "inte går förlorade. Se skillnaderna med ”omstallning inledning jamfor”, för in "
            "de ändringar du vill ha för hand, eller skriv över med --force."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(normalize(defaults[name]), encoding="utf-8", newline="\n")
    done = "skrevs över med" if state == EDITED else "ersattes med"
    if state == MISSING:
        done = "skapades från"
    message = f"{rel} {done} standardtexten."
    if "<!-- reformer -->" in defaults[name] and not (root / REFORMS_FILE).exists():
        # The part shows its table from the register: bring the default register along.
        register = default_register()
        (root / REFORMS_FILE).write_text(register, encoding="utf-8", newline="\n")
        message += f" Delens tabell kommer från {REFORMS_FILE}, som också skapades."
    return message + " Granska ändringen (git diff) innan du checkar in den."


def default_register() -> str:
    """The tool's default reformer.yaml."""
    from omstallning.commands.scaffold import templates

    return templates().joinpath("region").joinpath(REFORMS_FILE).read_text("utf-8")
