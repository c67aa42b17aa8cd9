"""The one root of the tool's own failures: what went wrong, in Chinese, and the exit code of the command.

Every failure a user can cause or fix (a missing ``mkdocs.yml``, a busy build, a damaged bundle, an
unknown edition) is a :class:`StudyportalError`. ``cli.py`` turns it into its message on stderr and
its exit code in one place. Plain Python, not ``click.ClickException``: the planner and the bundle
code also run inside the MkDocs plugin, where click is not the caller.
"""

from __future__ import annotations

from collections.abc import Iterable

from studyportal.problems import Problem, problem_lines


class StudyportalError(Exception):
    """A failure the person at the keyboard can act on: ``message`` says what happened and what to do.

    ``problems`` are the individual findings behind it (files of a bundle, names, links), printed one
    per line before the message, the way ``check`` prints problems.
    """

    exit_code: int = 1

    def __init__(self, message: str, *, problems: Iterable[Problem] = (), exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return "\n".join([*problem_lines(self.problems), self.message])
