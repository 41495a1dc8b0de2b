"""Conditions that stop a command. Each message is a complete Swedish sentence with a fix."""


class OmstallningError(Exception):
    """A command cannot go on; the message says why and what to do."""


class NotARegionError(OmstallningError):
    """The folder is not a regional repository (no omstallning.yaml)."""


class OutputError(OmstallningError):
    """Output could not be written."""


class ScaffoldError(OmstallningError):
    """`new` refused to write, or was given answers it cannot use."""
