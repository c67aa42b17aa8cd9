"""Limits on trainer-written YAML, enforced while it is composed and before anything walks or constructs it.

YAML aliases make a document a graph: ~300 bytes of nested anchors (a "billion laughs" bomb) name
hundreds of millions of values once every alias is followed, and an alias inside its own anchor
(``topics: &t [a, *t]``) names infinitely many. Thousands of ``[`` make libyaml's composer recurse
until the process crashes (100,000 of them fit in 200 KB). So unless the text alone shows it is
within the limits (:func:`plainly_within_limits`, true for almost all front matter), its events are
read one by one (libyaml's parser is iterative), nodes are built here without recursion, and the
document is refused as soon as it breaks a limit, at the line of the alias or node that broke it.
An alias costs one step, whatever it expands to: the expanded size of each anchor is remembered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml
from yaml.composer import ComposerError
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# Real front matter nests at most 3 levels (document.title, items[0].title); a curriculum about 5
# (modules[0].include[0].topics[0]). 50 leaves a wide margin for any honest file, and keeps every
# recursive walk over the data (constructors, position records, validators) far below Python's
# recursion limit of 1000 frames.
MAX_DEPTH = 50

# Values (scalars and collections) in a document with every alias followed. The largest front
# matter in the sample has 137; the largest curriculum 135, and the benchmark's curriculum for
# 5000 materials 2,887. 20,000 is seven times that, and walking 20,000 values takes milliseconds.
MAX_NODES = 20_000

# Bytes of YAML: one front matter block, or one curriculum file. The largest front matter in the
# sample is 2.3 KB; the benchmark's curriculum for 5000 materials is 23 KB. 256 KB is ten times
# that, and bounds what parsing a single file can cost; a bigger file is a mistake (a pasted
# document, an export saved under the wrong name), not a curriculum.
MAX_BYTES = 256 * 1024

_NO_KEY = object()

# Every collection begins with a character of its own: "[" or "{" (flow), "-" (a sequence entry), "?" or
# ":" (the first key of a mapping). Every value is a key or value of a mapping, an entry of a sequence
# (after "-", "[" or ","), or the whole document. So a text with N of these characters holds at most N
# collections (and so nests at most N deep) and at most 3·N + 1 values (tests/test_yaml_bounds.py checks
# both on random YAML): with N ≤ MAX_DEPTH, no limit can be broken.
_STRUCTURE = "[{-?:,"


def plainly_within_limits(text: str) -> bool:
    """True when the text alone shows the limits hold: no anchor (so no alias can expand) and few structure characters.

    Most front matter passes (a dozen fields: median 21 such characters in the sample), and is then
    composed by libyaml in C at full speed; anything else goes through :func:`compose_bounded`.
    """
    if "&" in text:
        return False
    count = 0
    for char in _STRUCTURE:
        count += text.count(char)
        if count > MAX_DEPTH:
            return False
    return True


class YamlRefused(Exception):
    """A document broke a limit: where, which top-level field, what and how to fix it."""

    def __init__(self, mark: yaml.Mark, field_name: str, message: str, fix: str):
        super().__init__(message)
        self.mark = mark
        self.field = field_name
        self.message = message
        self.fix = fix


def oversize(text: str) -> int:
    """The UTF-8 size of ``text`` in bytes when it is over :data:`MAX_BYTES`, else 0."""
    if len(text) * 4 <= MAX_BYTES:  # a character is at most 4 bytes: no need to encode
        return 0
    size = len(text.encode("utf-8", "surrogatepass"))
    return size if size > MAX_BYTES else 0


@dataclass
class _Frame:
    """A collection being composed: its node, expanded size and depth so far, and a pending mapping key."""

    node: Node
    anchored: bool
    size: int = 1
    depth: int = 1
    key: object = field(default=_NO_KEY)


def compose_bounded(loader: yaml.CSafeLoader | yaml.SafeLoader) -> Node | None:
    """Compose the single document in ``loader``'s stream, like ``get_single_node``, within the limits.

    Raises :class:`YamlRefused` for nesting deeper than :data:`MAX_DEPTH`, an alias inside its own
    anchor, or more than :data:`MAX_NODES` values with aliases followed; ``yaml.YAMLError`` for
    syntax errors, as the standard composer does. Sizes are memoised per anchor, so an alias costs
    one step here whatever it expands to.
    """
    get_event = loader.get_event
    resolve = loader.resolve
    get_event()  # stream start
    event = get_event()
    if isinstance(event, StreamEndEvent):
        return None
    # ``event`` is the document start; its end is handled below.
    anchors: dict[str, Node] = {}
    expanded: dict[Node, tuple[int, int]] = {}  # anchored node → (values, depth) with aliases followed
    stack: list[_Frame] = []
    total = 0
    top_field = ""
    root: Node | None = None
    while True:
        event = get_event()
        kind = type(event)
        if kind is ScalarEvent or kind is SequenceStartEvent or kind is MappingStartEvent:
            anchor = event.anchor
            if anchor is not None and anchor in anchors:
                raise ComposerError(
                    f"found duplicate anchor {anchor!r}; first occurrence",
                    anchors[anchor].start_mark,
                    "second occurrence",
                    event.start_mark,
                )
            tag = event.tag
            if kind is ScalarEvent:
                if tag is None or tag == "!":
                    tag = resolve(ScalarNode, event.value, event.implicit)
                node: Node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
                size, depth = 1, 0
                if anchor is not None:
                    anchors[anchor] = node
                    expanded[node] = (1, 0)
            else:
                if len(stack) >= MAX_DEPTH:
                    raise YamlRefused(
                        event.start_mark,
                        top_field,
                        f"列表或字段一层套一层，嵌套超过了 {MAX_DEPTH} 层",
                        "正常的元数据最多嵌套三五层：检查是否多写了方括号、花括号或“- ”，或缩进是否一行比一行多",
                    )
                total += 1
                _check_total(total, event.start_mark, top_field)
                if tag is None or tag == "!":
                    tag = resolve(SequenceNode if kind is SequenceStartEvent else MappingNode, None, event.implicit)
                collection = SequenceNode if kind is SequenceStartEvent else MappingNode
                node = collection(tag, [], event.start_mark, None, flow_style=event.flow_style)
                if anchor is not None:
                    anchors[anchor] = node  # before its contents, as PyYAML does: an alias inside it is a loop
                stack.append(_Frame(node, anchor is not None))
                continue
            total += 1
            _check_total(total, event.start_mark, top_field)
        elif kind is AliasEvent:
            node = anchors.get(event.anchor)  # type: ignore[assignment]
            if node is None:
                raise ComposerError(None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
            if node not in expanded:
                raise YamlRefused(
                    event.start_mark,
                    top_field,
                    f"别名 *{event.anchor} 用在了 &{event.anchor} 自己的内容里，形成循环，展开后没有尽头",
                    f"删去 *{event.anchor}，直接写出要重复的内容；元数据里一般用不到 & 和 * 写法",
                )
            size, depth = expanded[node]
            if len(stack) + depth > MAX_DEPTH:
                raise YamlRefused(
                    event.start_mark,
                    top_field,
                    f"别名 *{event.anchor} 展开后，列表或字段嵌套超过了 {MAX_DEPTH} 层",
                    f"不要用别名一层层地引用；删去 *{event.anchor}，直接写出内容",
                )
            total += size
            if total > MAX_NODES:
                raise YamlRefused(
                    event.start_mark,
                    top_field,
                    f"别名 *{event.anchor} 展开后，内容超过了 {MAX_NODES} 个值的上限（别名层层引用别名，会展开成极多的内容）",
                    f"删去 *{event.anchor}，直接写出要重复的内容；元数据里一般用不到 & 和 * 写法",
                )
        elif kind is SequenceEndEvent or kind is MappingEndEvent:
            frame = stack.pop()
            node = frame.node
            node.end_mark = event.end_mark
            size, depth = frame.size, frame.depth  # the collection itself was counted when it opened
            if frame.anchored:
                expanded[node] = (size, depth)
        elif kind is DocumentEndEvent:
            break
        else:  # pragma: no cover — the parser emits no other event inside a document
            raise ComposerError(None, None, f"unexpected {kind.__name__}", event.start_mark)
        # Attach the finished node to the collection it belongs to.
        if not stack:
            root = node
            continue
        parent = stack[-1]
        parent.size += size
        if depth + 1 > parent.depth:
            parent.depth = depth + 1
        if isinstance(parent.node, MappingNode):
            if parent.key is _NO_KEY:
                parent.key = node
                if len(stack) == 1:
                    top_field = str(node.value) if isinstance(node, ScalarNode) else ""
            else:
                parent.node.value.append((parent.key, node))
                parent.key = _NO_KEY
        else:
            parent.node.value.append(node)
    event = get_event()
    if not isinstance(event, StreamEndEvent):
        raise ComposerError(
            "expected a single document in the stream", root.start_mark if root else None, "but found another document", event.start_mark
        )
    return root


def _check_total(total: int, mark: yaml.Mark, top_field: str) -> None:
    if total > MAX_NODES:
        raise YamlRefused(
            mark,
            top_field,
            f"内容太多：超过了 {MAX_NODES} 个值的上限",
            "元数据只写标题、摘要等字段，详细内容写进正文；课程文件只列模块、阶段和材料的网址名",
        )
