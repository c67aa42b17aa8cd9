"""What a material kind is, declared once: its fields, how they are read, scaffolded and laid out on its page.

Every other module (validation, ``studyportal new``, the planner, listings, search, the CLI) reads the
registry, so a new kind is one :class:`KindSpec` given to :func:`register` plus, if it wants its own
look, one template. Pelican declares its content types the same way (``mandatory_properties``,
``default_template``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studyportal.model import Material
    from studyportal.validate.fields import FieldReader

# Turns a material's URL name into a relative link from the page being planned ("" when it is not published).
Resolve = Callable[[str], str]


@dataclass(frozen=True)
class MaterialRef:
    """A material named by one of a kind's own fields (a reading list's ``material:``), for check and editions."""

    slug: str
    line: int
    field: str  # dotted, as in messages: items.2.material
    label: str  # the entry in words: 第 3 个书目


@dataclass(frozen=True)
class KindSpec:
    """One material kind.

    ``read`` validates the kind's own fields through the shared :class:`FieldReader` (problems with
    line and fix) and returns the kind's details, stored on ``Material.details``; ``before_body`` and
    ``after_body`` return the Markdown the planner puts around the trainer's body (trainer text in it
    must go through ``plan.format.esc``); ``skeleton`` is the YAML ``studyportal new`` writes for the
    kind's fields (``{today}`` and ``{quarter}`` are filled in), and ``placeholders`` its example
    text, which ``check`` warns about when left in a published material.
    """

    code: str
    name: str
    listing_title: str
    fields: tuple[str, ...] = ()
    read: Callable[[FieldReader], Any] | None = None
    skeleton: str = ""
    placeholders: tuple[str, ...] = ()
    template: str = "sp-material.html"
    before_body: Callable[[Material], str] | None = None
    after_body: Callable[[Material, Resolve], str] | None = None
    material_refs: Callable[[Material], list[MaterialRef]] | None = None


_REGISTRY: dict[str, KindSpec] = {}


def kinds() -> dict[str, KindSpec]:
    """Every kind by its code, in the order listings show them (the four built-in kinds first)."""
    if not _REGISTRY:
        # Imported on first use, not at module load: the built-in kinds use the planner's and the
        # validator's helpers, which themselves ask this module for kind names.
        from studyportal.kinds import builtin

        for spec in builtin.BUILTIN:
            _REGISTRY.setdefault(spec.code, spec)
    return _REGISTRY


def register(spec: KindSpec) -> None:
    """Add a kind (or replace one with the same code)."""
    kinds()[spec.code] = spec


def unregister(code: str) -> None:
    """Remove a kind added with :func:`register` (tests)."""
    kinds().pop(code, None)


def kind_spec(code: str) -> KindSpec | None:
    return kinds().get(code)


def kind_names() -> dict[str, str]:
    """Code → Chinese name, for choices and messages."""
    return {code: spec.name for code, spec in kinds().items()}


def kind_name(code: str) -> str:
    """Chinese name of a kind code (the code itself if unknown)."""
    spec = kinds().get(code)
    return spec.name if spec else code


def kind_fields() -> set[str]:
    """Every kind's own fields: what a material of unknown kind may carry without an 'unknown field' error."""
    return {f for spec in kinds().values() for f in spec.fields}


def material_refs(m: Material) -> list[MaterialRef]:
    """The materials ``m``'s kind fields name."""
    spec = kinds().get(m.kind)
    return spec.material_refs(m) if spec and spec.material_refs else []
