"""Errors that stop a run, grouped by what the caller (cron, the operator) should do.

Problems in a district's submission are never exceptions: they are `models.Problem` data.
Each class maps to one exit code in the CLI.
"""

from __future__ import annotations


class GsyncError(Exception):
    """A run-stopping error. The message says what went wrong, where, and what to do."""

    exit_code = 1


class ConfigMismatch(GsyncError):
    """The config does not fit what the source has (a renamed or deleted Form question)."""

    exit_code = 2


class SourceError(GsyncError):
    """A channel could not be read (permission, missing folder, Google down after retries)."""


class CredentialsError(SourceError):
    """The credentials file is missing, the placeholder, or not a key: a config mistake (exit 2)."""

    exit_code = 2


class SinkError(GsyncError):
    """The master could not be written. Nothing was half-written; the state did not advance."""


class LockHeld(GsyncError):
    """Another gsync run holds the lock."""

    exit_code = 3


class FileGone(Exception):
    """A listed file disappeared before it could be downloaded (deleted between list and get)."""


class FileUnavailable(Exception):
    """A file is known (e.g. a Form attachment link) but its content cannot be had here."""


class TokenError(SourceError):
    """Google's OAuth token endpoint failed or refused the credentials (after retries)."""


class SourceCollapsed(SourceError):
    """A channel yields far fewer files or responses than the last good run: nothing was written."""
