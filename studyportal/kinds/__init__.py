"""Material kinds, each declared once as a :class:`KindSpec` (see ``spec.py``); the built-in four are in ``builtin.py``."""

from studyportal.kinds.spec import (
    KindSpec,
    MaterialRef,
    kind_fields,
    kind_name,
    kind_names,
    kind_spec,
    kinds,
    material_refs,
    register,
    unregister,
)

__all__ = [
    "KindSpec",
    "MaterialRef",
    "kind_fields",
    "kind_name",
    "kind_names",
    "kind_spec",
    "kinds",
    "material_refs",
    "register",
    "unregister",
]
