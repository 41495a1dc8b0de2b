"""Where a new region's CI installs omstallning from: the way this tool itself was installed.

The package is not on the public index under this name, so `omstallning==0.1.0` would fail
(or, once someone registers the name, install someone else's code). PEP 610's
`direct_url.json` in the installed distribution tells how the running tool came here: from a
version control URL at a commit (CI can install exactly that), from an index (a version
pin), or from a local folder or file (CI cannot reach it: a placeholder the `paket-saknas`
rule warns about until someone writes the real source).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata

from omstallning import __version__

DISTRIBUTION = "omstallning"
PLACEHOLDER = "ANGE-VAR-OMSTALLNING-INSTALLERAS-FRAN"
"""The install line of a region made by a locally installed tool, until someone replaces it."""


@dataclass(frozen=True)
class InstallSource:
    """The pip requirement CI installs, and a Swedish comment line that explains it."""

    requirement: str
    comment: str

    @property
    def is_placeholder(self) -> bool:
        """Whether the requirement still has to be filled in."""
        return self.requirement == PLACEHOLDER


def _direct_url() -> dict[str, object] | None:
    try:
        text = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def from_direct_url(data: dict[str, object] | None, version: str = __version__) -> InstallSource:
    """The install source for a PEP 610 record (None: installed from an index)."""
    if data is None:
        return InstallSource(
            f"{DISTRIBUTION}=={version}",
            f"Samma version som skapade repot ({version}), från paketindexet.",
        )
    url = str(data.get("url", ""))
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and url:
        commit = str(vcs.get("commit_id", ""))
        ref = f"@{commit}" if commit else ""
        return InstallSource(
            f"{DISTRIBUTION} @ git+{url}{ref}",
            "Samma version som skapade repot, från dess git-förråd.",
        )
    if "archive_info" in data and url.startswith("https://"):
        return InstallSource(f"{DISTRIBUTION} @ {url}", "Samma paketfil som skapade repot.")
    return InstallSource(
        PLACEHOLDER,
        "Verktyget som skapade repot installerades från en lokal mapp som CI inte når. "
        'Skriv här var omstallning ska hämtas, t.ex. "omstallning @ '
        'git+https://git.example.se/region/omstallning@v0.1.0".',
    )


def install_source() -> InstallSource:
    """How the running tool was installed, as an install line for CI."""
    return from_direct_url(_direct_url())
