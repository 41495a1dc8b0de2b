"""Conditions that stop a command. Each message is a complete Swedish sentence with a fix."""


class OmstallningError(Exception):
    """A command cannot go on; the message says why and what to do."""


class OutputError(OmstallningError):
    """Output could not be written."""


class ScaffoldError(OmstallningError):
    """`new` refused to write, or was given answers it cannot use."""


class UsageError(OmstallningError):
    """The command was called in a way it cannot work with (exit status 2)."""


class NotARegionError(UsageError):
    """The folder is not a regional repository (no omstallning.yaml)."""
