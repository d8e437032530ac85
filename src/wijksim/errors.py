"""Errors that users see as one line: ``error: FILE: FIELD: what is wrong``."""

from __future__ import annotations


class WijksimError(Exception):
    """An error caused by user input, reported as one line and exit code 2."""

    def __init__(self, source: str, field: str, message: str) -> None:
        super().__init__(f"{source}: {field}: {message}")
        self.source = source
        self.field = field
        self.message = message

    def one_line(self) -> str:
        """Return the error as the single line the CLI prints."""
        text = f"error: {self.source}: {self.field}: {self.message}"
        return " ".join(text.split())


class ConfigError(WijksimError):
    """A scenario or sweep file that cannot be read or does not validate."""
