"""The one place where library errors become command-line messages and exit codes.

Every error the library raises on purpose is a benchmarks.errors.ReplyauditError: its
`explain()` says what happened and what to do, and `usage` errors (a malformed config or
file) exit with code 2 like any other usage error; a failed run (RunFailed: it fetched
nothing) exits with 3; the rest exit with 1. The command group
translates whatever a command lets through; a command passes `translated(...)` only where
its message differs (which command to run next, which option was wrong).
"""

from __future__ import annotations

import errno
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import click

from benchmarks.dataset_file import damage_of
from benchmarks.errors import NoCrawlYet, NotWritable, ReplyauditError, RunFailed, reason_of

_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES}


class ConfigProblem(click.ClickException):
    """A config error: exit code 2, like any other usage error."""

    exit_code = 2


class RunProblem(click.ClickException):
    """A run that failed (fetched nothing, or a platform stopped early): exit code 3, so a
    scheduler tells it from a refused command (1) or a bad config (2)."""

    exit_code = 3


def as_click(error: ReplyauditError, no_crawl: str | None = None,
             options: Mapping[type[ReplyauditError], str] | None = None) -> click.ClickException:
    """The click exception that reports `error`: a bad value of the option `options` names
    for its type, the `no_crawl` message for NoCrawlYet, else the error's own explanation."""
    for kind, option in (options or {}).items():
        if isinstance(error, kind):
            return click.BadParameter(str(error), param_hint=option)
    if no_crawl is not None and isinstance(error, NoCrawlYet):
        return click.ClickException(no_crawl)
    if isinstance(error, RunFailed):
        return RunProblem(error.explain())
    return (ConfigProblem if error.usage else click.ClickException)(error.explain())


@contextmanager
def translated(no_crawl: str | None = None,
               options: Mapping[type[ReplyauditError], str] | None = None) -> Iterator[None]:
    """Report library errors raised in the block as `as_click` says; an OSError that says a
    place cannot be written (full, read-only, not ours) that the library did not name is
    reported as NotWritable, in one line, rather than as a traceback."""
    try:
        yield
    except ReplyauditError as e:
        raise as_click(e, no_crawl, options) from None
    except OSError as e:
        if e.errno not in _WRITE_ERRNOS:
            raise
        where = e.filename or "a file"
        raise as_click(NotWritable(where, *reason_of(e))) from None


class TranslatingGroup(click.Group):
    """A click group whose commands' library errors become messages (as_click)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with translated():
                return super().invoke(ctx)
        except Exception as e:
            # A dataset that passed the checks at connect time and turned out short later.
            damage = damage_of(e)
            if damage is None:
                raise
            raise as_click(damage) from None
