"""A small region in git with two tagged versions, v1 and v2, for the change-list tests.

v2 changes every kind of item: plan facts, goals (changed, id renamed, removed, added),
indicators, activities, interventions, collaboration, section texts, a moved section, and
the shared introduction.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import region_files, write_tree

V1 = """\
kommun: Klippan
kommunkod: "1276"
nämnd: Socialnämnden
status: beslutad
version: "1.0"
datum: 2025-06-01
beslut: {organ: Socialnämnden, datum: 2025-06-10}
avsnitt:
  - id: nulage
    text: Vi har en mottagning för barn och familjer.
  - id: malbild
    text: Alla får stöd tidigt.
  - id: samverkan
    text: Vi samverkar med skolan.
mål:
  - id: M1
    rubrik: Fler får stöd tidigt
    indikatorer:
      - namn: Andel med stöd
        utgångsvärde: 10 %
        målvärde: 30 %
        år: 2027
  - id: M2
    rubrik: Lätt att nå socialtjänsten
  - id: M3
    rubrik: Ett mål som tas bort
aktiviteter:
  - id: A1
    rubrik: Öppna en mottagning
    mål: [M1]
    ansvarig: Enhetschef
    start: 2025-09
    slut: 2026-06
    status: planerad
  - id: A2
    rubrik: Utbilda personalen
    mål: [M2]
    status: planerad
insatser:
  - namn: Råd- och stödsamtal
    område: barn_och_unga
    nivå: selektiv
    utan_behovsprövning: true
  - namn: Föräldrakurs
    område: barn_och_unga
    utan_behovsprövning: true
samverkan:
  - part: Elevhälsan
    form: Skolsociala team
"""

V2 = """\
kommun: Klippan
kommunkod: "1276"
nämnd: Socialnämnden
status: utkast
version: "1.1"
datum: 2026-01-15
beslut: {organ: Socialnämnden, datum: 2025-06-10}
avsnitt:
  - id: samverkan
    text: Vi samverkar med skolan.
  - id: nulage
    text: Vi har en ny mottagning för barn, unga och familjer.
  - id: malbild
    text: Alla får stöd tidigt.
mål:
  - id: M1
    rubrik: Fler barn får stöd tidigt
    indikatorer:
      - namn: Andel med stöd
        utgångsvärde: 12 %
        målvärde: 35 %
        år: 2027
  - id: M20
    rubrik: Lätt att nå socialtjänsten
  - id: M4
    rubrik: Jämlikt stöd
aktiviteter:
  - id: A1
    rubrik: Öppna en mottagning
    mål: [M1]
    ansvarig: Verksamhetschef
    start: 2025-09
    slut: 2026-12
    status: pågår
  - id: A2
    rubrik: Utbilda personalen
    mål: [M20]
    status: planerad
  - id: A3
    rubrik: Följa upp insatserna
    mål: [M4]
    status: planerad
insatser:
  - namn: Råd- och stödsamtal
    område: barn_och_unga
    nivå: indikerad
    utan_behovsprövning: true
    villkor: Upp till fem samtal
  - namn: Familjebehandling
    område: barn_och_unga
    utan_behovsprövning: false
samverkan:
  - part: Elevhälsan
    form: Skolsociala team och samråd
  - part: Polisen
    form: Medborgarlöfte
"""

LAGEN_V1 = "---\nid: lagen\nrubrik: Den nya socialtjänstlagen\n---\nLagen gäller från juli 2025.\n"
LAGEN_V2 = (
    "---\nid: lagen\nrubrik: Den nya socialtjänstlagen\n---\nLagen gäller från den 1 juli 2025.\n"
)


def git(root: Path, *args: str) -> str:
    """Run git in `root` as a fixed author; its output."""
    result = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
         "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false",
         *args],
        cwd=root, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout


def make_repo(root: Path) -> Path:
    """The region in `root`, committed and tagged v1, then changed, committed, tagged v2."""
    write_tree(root, region_files(kommuner__klippan_DOT_yaml=V1, inledning__lagen_DOT_md=LAGEN_V1))
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Beslutad plan")
    git(root, "tag", "v1")
    write_tree(root, {"kommuner/klippan.yaml": V2, "inledning/lagen.md": LAGEN_V2})
    git(root, "commit", "-q", "-am", "Revidering")
    git(root, "tag", "v2")
    return root
