"""A click choice of kinds read when the command runs, so a kind registered after import is accepted."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import click


class KindChoice(click.Choice):
    """``click.Choice`` over the codes ``names()`` returns at the time of use."""

    def __init__(self, names: Callable[[], dict[str, str]]) -> None:
        self._names = names
        super().__init__(())

    @property
    def choices(self) -> Sequence[str]:  # type: ignore[override]
        return tuple(self._names())

    @choices.setter
    def choices(self, value: Sequence[str]) -> None:
        pass
