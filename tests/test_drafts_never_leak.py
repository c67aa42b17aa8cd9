"""Drafts never leak: unique markers planted in drafts are looked for in every byte of every output.

One project copied from the repository goes through three states, and every output is built from it
with the real commands (`studyportal build`, `studyportal bundle`):

- v0: the sample plus one published material (``chehui-cailiao``); the full offline edition is bundled
  (the baseline: it was built before any of the planted drafts existed);
- v1: plus a draft reading list whose every field carries a Latin marker and a Chinese phrase, on a topic
  no published material uses, linking (``material:``) to a second draft that nothing else links to, an
  image next to them that only the draft uses, and the draft's slug listed in the member curriculum;
  the full edition is bundled with ``--since`` v0 (an update package made after drafts were added);
- v2: plus ``chehui-cailiao`` turned back into a draft (with new markers in it); the full edition is
  bundled with ``--since`` v1 (an update package made after a published material became a draft), the
  member edition is bundled, and the site is built.

Every file of the site, every entry of every zip (decompressed, also gzip inside), every file of the
unzipped folders, every file and entry name, the search index's terms and the printed change lists are
searched for the markers (as UTF-8, GB18030, UTF-16, JSON and HTML escapes and URL encoding; the Latin
markers without regard to case).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

from studyportal.bundle.archive import extract_zip
from studyportal.search import codec
from studyportal.search.query import SiteIndex, search
from studyportal.search.tokens import doc_terms
from studyportal.slugs import slugify
from tests.helpers import ROOT, copy_project, material_text, write

pytestmark = pytest.mark.slow  # builds the site and three editions

# --- what is planted --------------------------------------------------------------------------------------------------

MARK = "ZQDRAFTLEAKMARK"  # the Latin marker of the first draft (the search index keeps it as one word)
PHRASE = "甲乙丙草稿标记丁戊"  # its Chinese phrase (the search index keeps its characters and bigrams)
MARK2, PHRASE2 = "ZQSECONDDRAFTMARK", "庚辛壬次稿标记癸"  # the second draft, linked only from the first
MARK3, PHRASE3 = "ZQREDRAFTMARK", "子丑寅撤稿标记卯辰"  # what a published material carries once it is a draft again

DRAFT_SLUG = "zqdraftleakmark-shumu"
DRAFT2_SLUG = "zqseconddraftmark-cailiao"
DRAFT_TOPIC = PHRASE  # used by the two drafts only
TOPIC_SLUG = slugify(DRAFT_TOPIC, max_words=12)  # what its topic page would be called
IMAGE = "zqdraftleakmark-tu.png"

DRAFT = f"""---
title: {MARK} {PHRASE}读书计划
kind: reading-list
audiences: [member]
track: policy
topics: [{DRAFT_TOPIC}]
summary: {PHRASE}的摘要，{MARK.lower()}，写完以前不能让任何人看到。
hours: 2
required: true
published: 2026-11-20
updated: 2026-11-21
slug: {DRAFT_SLUG}
author: {PHRASE}编写组 {MARK}
draft: true
items:
  - title: {PHRASE}读本 {MARK}
    author: {PHRASE}出版社
    material: {DRAFT2_SLUG}
    required: true
    quarter: 2026Q4
    note: {MARK} {PHRASE}的备注
  - title: {PHRASE}的网上资料
    author: {MARK}
    link: https://{MARK.lower()}.example.org/{MARK}/
---

## {PHRASE}小标题 {MARK}

正文里的{PHRASE}，以及 {MARK}。

![{PHRASE}插图]({IMAGE})

> {PHRASE}引文 [{MARK}](https://{MARK.lower()}.example.org/)
"""

DRAFT2 = f"""---
title: {MARK2} {PHRASE2}材料
kind: material
audiences: [member]
track: constitution
topics: [{DRAFT_TOPIC}]
summary: {PHRASE2}的摘要 {MARK2}。
hours: 1
published: 2026-11-20
slug: {DRAFT2_SLUG}
author: {PHRASE2}编写组
draft: true
---

## {PHRASE2}小标题

只有第一篇草稿的书目引用这篇草稿：{MARK2}。
"""

# Published in v0 and v1, a draft again in v2.
REDRAFTED_SLUG = "chehui-cailiao"
OLD_TITLE = "即将撤回的学习材料"
OLD_WORD = "zqwithdrawnoldbody"  # a word of its published body
PUBLISHED = (
    f"title: {OLD_TITLE}\nkind: material\naudiences: [member]\ntrack: constitution\ntopics: [党章党规]\n"
    f"summary: 这篇材料先发布，以后改回草稿。\nhours: 1\npublished: 2020-01-01\nslug: {REDRAFTED_SLUG}"
)
REDRAFTED = (
    f"title: {MARK3} {PHRASE3}\nkind: material\naudiences: [member]\ntrack: constitution\ntopics: [党章党规, {PHRASE3}专题]\n"
    f"summary: {PHRASE3}的新摘要 {MARK3}。\nhours: 1\npublished: 2020-01-01\nupdated: 2026-11-21\nslug: {REDRAFTED_SLUG}\ndraft: true"
)

# Note files of a bundle and an update package: the change list there may name a page that was deleted.
# manifest.js is manifest.json as a script, for 校验.html: the same notes, which may name a page deleted when it became a draft
NOTE_NAMES = ("manifest.json", "manifest.js", "校验说明.txt", "README.txt", "update.json", "更新说明.txt", "UPDATE.txt")


def png(text: str) -> bytes:
    """A 1×1 PNG carrying ``text`` in a tEXt chunk (so its bytes are recognisable wherever they end up)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", b"Comment\0" + text.encode("ascii"))
        + chunk(b"IDAT", zlib.compress(b"\0\0"))
        + chunk(b"IEND", b"")
    )


IMAGE_BYTES = png(f"{MARK} image")


# --- looking for them -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Needle:
    """Something that must not appear, in every spelling an output might use. Matched against lower-cased bytes."""

    label: str
    forms: tuple[tuple[str, bytes], ...]


def latin(label: str, word: str) -> Needle:
    w = word.lower()
    return Needle(label, (("ascii", w.encode()), ("utf-16-le", w.encode("utf-16-le")), ("utf-16-be", w.encode("utf-16-be"))))


def chinese(label: str, phrase: str) -> Needle:
    forms = [
        ("utf-8", phrase.encode()),
        ("gb18030", phrase.encode("gb18030")),
        ("utf-16-le", phrase.encode("utf-16-le")),
        ("utf-16-be", phrase.encode("utf-16-be")),
        ("json-escape", json.dumps(phrase)[1:-1].encode()),
        ("url-encoded", quote(phrase).encode()),
        ("html-hex", "".join(f"&#x{ord(c):x};" for c in phrase).encode()),
        ("html-dec", "".join(f"&#{ord(c)};" for c in phrase).encode()),
    ]
    return Needle(label, tuple((name, data.lower()) for name, data in forms))


REPOSITORY_DRAFTS = sorted(
    p for p in (ROOT / "materials").rglob("*.md") if re.search(r"^draft:\s*true\s*$", p.read_text(encoding="utf-8"), re.M)
)


def needles_of_drafts_in_repository() -> list[Needle]:
    """Titles, summaries and slugs of the drafts that ship with the sample materials."""
    out = []
    for path in REPOSITORY_DRAFTS:
        text = path.read_text(encoding="utf-8")
        for name in ("title", "summary", "slug"):
            m = re.search(rf"^{name}:\s*(.+?)\s*$", text, re.M)
            if m:
                value = m.group(1).strip("'\"")
                needle = latin if value.isascii() else chinese
                out.append(needle(f"{name} of the draft materials/{path.relative_to(ROOT / 'materials').as_posix()}", value))
    return out


DRAFT_NEEDLES = [
    latin("Latin marker of the draft", MARK),
    chinese("Chinese phrase of the draft", PHRASE),
    chinese("start of the draft's phrase", PHRASE[:4]),
    chinese("end of the draft's phrase", PHRASE[-4:]),
    latin("Latin marker of the second draft", MARK2),
    chinese("Chinese phrase of the second draft", PHRASE2),
    latin("slug of the draft", DRAFT_SLUG),
    latin("slug of the second draft", DRAFT2_SLUG),
    latin("URL name of the draft-only topic", TOPIC_SLUG),
    latin("file name of the draft's image", IMAGE),
    *needles_of_drafts_in_repository(),
]
REDRAFT_NEEDLES = [latin("Latin marker of the material made a draft again", MARK3), chinese("Chinese phrase of it", PHRASE3)]
OLD_NEEDLES = [chinese("old title of the material made a draft again", OLD_TITLE), latin("slug of it", REDRAFTED_SLUG)]
OLD_BODY = latin("a word of its old published body", OLD_WORD)


@dataclass(frozen=True)
class Leak:
    where: str
    needle: str
    form: str
    excerpt: str

    def __str__(self) -> str:
        return f"  {self.where}: {self.needle} ({self.form}): …{self.excerpt}…"


def expand(name: str, data: bytes) -> Iterator[tuple[str, bytes]]:
    """A file and, recursively, what is inside it: gzip decompressed, every zip entry (plus its extra field and the comment)."""
    yield name, data
    if data[:2] == b"\x1f\x8b":
        yield from expand(f"{name}!gunzip", gzip.decompress(data))
    elif data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data), metadata_encoding="gbk") as zf:
            if zf.comment:
                yield f"{name}!(zip comment)", zf.comment
            for info in zf.infolist():
                if info.extra:
                    yield f"{name}!{info.filename}(zip extra field)", info.extra
                yield from expand(f"{name}!{info.filename}", zf.read(info))


def output_files(path: Path) -> list[tuple[str, bytes]]:
    """(name, bytes) of every file of a folder or zip, zip entries and gzip contents included; folders with empty bytes."""
    if path.is_file():
        return list(expand(path.name, path.read_bytes()))
    out: list[tuple[str, bytes]] = []
    for p in sorted(path.rglob("*")):
        rel = f"{path.name}/{p.relative_to(path).as_posix()}"
        if p.is_dir():
            out.append((rel + "/", b""))
        else:
            out += expand(rel, p.read_bytes())
    return out


def _excerpt(data: bytes, at: int, length: int, form: str) -> str:
    codec_name = form if form in ("gb18030", "utf-16-le", "utf-16-be") else "utf-8"
    start = max(0, at - 90)
    if codec_name.startswith("utf-16"):
        start += (at - start) % 2  # stay on a character boundary
    return data[start : at + length + 90].decode(codec_name, errors="replace").replace("\n", "⏎")


def find_leaks(
    files: Iterable[tuple[str, bytes]], needles: Iterable[Needle], skip: Callable[[str], bool] = lambda name: False
) -> list[Leak]:
    """Every place where a needle occurs in a file's name or bytes."""
    needles = list(needles)
    leaks = []
    for name, data in files:
        if skip(name):
            continue
        for where, hay, raw in ((f"{name} (its name)", name.encode().lower(), name.encode()), (name, data.lower(), data)):
            for needle in needles:
                for form, pattern in needle.forms:
                    at = hay.find(pattern)
                    if at >= 0:
                        leaks.append(Leak(where, needle.label, form, _excerpt(raw, at, len(pattern), form)))
    return leaks


def report(what: str, leaks: list[Leak]) -> str:
    shown = "\n".join(str(leak) for leak in leaks[:30])
    more = f"\n  …and {len(leaks) - 30} more" if len(leaks) > 30 else ""
    return f"DRAFT LEAK: {len(leaks)} place(s) in {what} carry text of a draft:\n{shown}{more}"


def assert_no_leaks(
    what: str, files: Iterable[tuple[str, bytes]], needles: Iterable[Needle], skip: Callable[[str], bool] = lambda n: False
) -> None:
    leaks = find_leaks(files, needles, skip)
    assert not leaks, report(what, leaks)


def is_note(name: str) -> bool:
    return name.rsplit("!", 1)[-1].rsplit("/", 1)[-1] in NOTE_NAMES


def index_terms(files: Iterable[tuple[str, bytes]]) -> set[str]:
    """Every term of every postings file of a search index (``search/data/p/N.js``) among ``files``."""
    terms: set[str] = set()
    for name, data in files:
        if re.search(r"(^|/)search/data/p/\d+\.js$", name.rsplit("!", 1)[-1]):
            kind, _, postings = codec.from_script(data.decode("utf-8"))
            assert kind == "p", name
            terms |= set(postings)
    return terms


# --- the outputs ------------------------------------------------------------------------------------------------------


def start(project: Path, *args: str) -> subprocess.Popen:
    """`studyportal ARGS` in ``project``, started (the commands of one state run side by side)."""
    cmd = [sys.executable, "-m", "studyportal.cli", *args]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", cwd=project)


def finish(proc: subprocess.Popen) -> subprocess.CompletedProcess:
    try:
        out, err = proc.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@dataclass
class Bundled:
    zip: Path
    folder: Path  # unzipped
    update: Path | None = None
    changes: list[str] = field(default_factory=list)  # the change list `studyportal bundle --since` printed


def bundled(result: subprocess.CompletedProcess, out: Path) -> Bundled:
    """The zip (unzipped beside it), the update package and the printed change list of a finished `studyportal bundle -o out`."""
    since = "--since" in result.args
    assert result.returncode == 0, f"{' '.join(result.args[2:])} failed:\n{result.stdout}\n{result.stderr}"
    zips = sorted(out.glob("*.zip"))
    full = [z for z in zips if "-update-" not in z.name]
    updates = [z for z in zips if "-update-" in z.name]
    assert len(full) == 1 and len(updates) == since, zips
    assert sorted(out.iterdir()) == zips, f"studyportal bundle wrote more than its zips: {sorted(out.iterdir())}"
    lines = result.stdout.splitlines()
    changes = lines[lines.index("与上一版相比：") + 1 :] if "与上一版相比：" in lines else []
    assert bool(changes) == since, result.stdout
    extract_zip(full[0], out / "unzipped")
    (folder,) = (out / "unzipped").iterdir()
    return Bundled(full[0], folder, updates[0] if updates else None, changes)


@dataclass
class Outputs:
    project: Path
    v0: Bundled  # full edition before the drafts
    v1: Bundled  # full edition with the drafts, update against v0
    v2: Bundled  # full edition once chehui-cailiao is a draft again, update against v1
    member: Bundled  # the member edition (v2 state)
    built: subprocess.CompletedProcess = field(repr=False)  # `studyportal build` (v2 state)
    site_dir: Path = field(repr=False)
    check: subprocess.CompletedProcess = field(repr=False)  # `studyportal check materials` (v2 state)
    cache: dict[Path, list[tuple[str, bytes]]] = field(default_factory=dict, repr=False)

    def bundled(self) -> list[Path]:
        """Every zip, update package and unzipped folder made after the drafts were added."""
        out: list[Path] = []
        for b in (self.v1, self.v2, self.member):
            out += [b.zip, b.folder, *([b.update] if b.update else [])]
        return out

    @property
    def site(self) -> Path:
        """The built site; a failed build fails the tests that need it, not the checks of the bundles."""
        assert self.built.returncode == 0, f"studyportal build failed:\n{self.built.stdout}\n{self.built.stderr}"
        return self.site_dir

    def files(self, path: Path) -> list[tuple[str, bytes]]:
        if path not in self.cache:
            self.cache[path] = output_files(path)
        return self.cache[path]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    tmp = tmp_path_factory.mktemp("drafts-leak")
    project = copy_project(tmp / "project")
    materials = project / "materials"
    # v0: the sample and one more published material
    write(materials, "caogao/chehui.md", material_text(PUBLISHED, f"## 正文\n\n旧的正文 {OLD_WORD}。\n"))
    v0 = bundled(finish(start(project, "bundle", "-o", str(tmp / "v0"))), tmp / "v0")
    # v1: the drafts, the image, the draft in the member curriculum
    write(materials, "caogao/zqdraftleakmark-shumu.md", DRAFT)
    write(materials, "caogao/zqseconddraftmark.md", DRAFT2)
    write(materials, f"caogao/{IMAGE}", IMAGE_BYTES)
    curriculum = materials / "curricula" / "member.yml"
    text = curriculum.read_text(encoding="utf-8")
    assert "      - xin-dangzhang\n" in text
    curriculum.write_text(text.replace("      - xin-dangzhang\n", f"      - xin-dangzhang\n      - {DRAFT_SLUG}\n", 1), encoding="utf-8")
    v1 = bundled(finish(start(project, "bundle", "-o", str(tmp / "v1"), "--since", str(v0.zip))), tmp / "v1")
    # v2: chehui-cailiao is a draft again, rewritten
    write(materials, "caogao/chehui.md", material_text(REDRAFTED, f"## {PHRASE3}\n\n改回草稿以后重写的正文 {MARK3}。\n"))
    running = [
        start(project, "bundle", "-o", str(tmp / "v2"), "--since", str(v1.zip)),
        start(project, "bundle", "-o", str(tmp / "member"), "--audience", "member"),
        start(project, "build", "-d", str(tmp / "site")),
        start(project, "check", "materials"),
    ]
    v2, member, built, check = (finish(proc) for proc in running)
    return Outputs(project, v0, v1, bundled(v2, tmp / "v2"), bundled(member, tmp / "member"), built, tmp / "site", check)


# --- the checks -------------------------------------------------------------------------------------------------------


def test_the_scanner_finds_a_published_material_in_the_baseline(outputs):
    """Positive control: what v0 published is found in its pages and search index inside the zip, so finding nothing means something."""
    files = outputs.files(outputs.v0.zip)
    found = {(leak.needle, leak.where.rsplit("!", 1)[-1].split("/", 1)[-1]) for leak in find_leaks(files, [*OLD_NEEDLES, OLD_BODY])}
    assert (OLD_NEEDLES[0].label, f"materials/{REDRAFTED_SLUG}/index.html") in found, sorted(found)
    assert any(where.startswith("search/data/") for label, where in found if label == OLD_BODY.label), sorted(found)
    assert OLD_WORD in index_terms(files) and "党章" in index_terms(files)


def test_the_markers_are_in_no_output_made_before_the_drafts(outputs):
    """The planted markers are unique: the edition bundled before they existed has none of them."""
    for path in (outputs.v0.zip, outputs.v0.folder):
        assert_no_leaks(f"the baseline edition {path.name}", outputs.files(path), DRAFT_NEEDLES + REDRAFT_NEEDLES)


def test_check_warns_about_the_draft_in_the_curriculum_and_counts_the_drafts(outputs):
    out = outputs.check.stdout + outputs.check.stderr
    assert outputs.check.returncode == 0, out
    assert re.search(rf"member\.yml:\d+:\d+: warning.*{DRAFT_SLUG}.*草稿", out), out
    assert f"{3 + len(REPOSITORY_DRAFTS)} 个草稿" in out, out  # the two planted drafts, chehui-cailiao and the sample's


def test_the_built_site_has_no_draft_text(outputs):
    files = outputs.files(outputs.site)
    assert any(name.endswith("sitemap.xml.gz!gunzip") for name, _ in files), "the sitemap is decompressed and searched too"
    assert any(re.search(r"/search/data/p/\d+\.js$", name) for name, _ in files), "the search index is searched too"
    assert_no_leaks("the built site (studyportal build)", files, [*DRAFT_NEEDLES, *REDRAFT_NEEDLES, *OLD_NEEDLES, OLD_BODY])


def test_the_full_edition_with_drafts_has_no_draft_text(outputs):
    for path in (outputs.v1.zip, outputs.v1.folder):
        assert_no_leaks(f"the full edition {path.name} (bundled after the drafts were added)", outputs.files(path), DRAFT_NEEDLES)


def test_the_audience_edition_has_no_draft_text(outputs):
    for path in (outputs.member.zip, outputs.member.folder):
        needles = [*DRAFT_NEEDLES, *REDRAFT_NEEDLES, *OLD_NEEDLES, OLD_BODY]
        assert_no_leaks(f"the member edition {path.name}", outputs.files(path), needles)


def test_the_update_after_adding_drafts_mentions_none_and_changes_no_published_file(outputs):
    update = outputs.v1.update
    assert update is not None
    assert_no_leaks(f"the update package {update.name}", outputs.files(update), DRAFT_NEEDLES)
    printed = [("change list printed by studyportal bundle --since", "\n".join(outputs.v1.changes).encode())]
    assert_no_leaks("the change list", printed, DRAFT_NEEDLES)
    with zipfile.ZipFile(update, metadata_encoding="gbk") as zf:
        info = json.loads(zf.read("update.json"))
        inside = sorted(n.split("/", 1)[1] for n in zf.namelist() if "/" in n)
    # a draft changes no published byte: only the notes and the manifest's forms (they carry the build date) differ from v0
    notes = ["README.txt", "SHA256SUMS", "manifest.js", "manifest.json", "校验说明.txt"]
    assert inside == notes, f"DRAFT LEAK: adding drafts changed published files {inside}"
    assert info["delete"] == [] and "没有变化" in "".join(outputs.v1.changes), (info["delete"], outputs.v1.changes)


def test_the_update_after_a_material_became_a_draft_deletes_it_and_shows_nothing_new(outputs):
    update = outputs.v2.update
    assert update is not None
    with zipfile.ZipFile(update, metadata_encoding="gbk") as zf:
        deleted = json.loads(zf.read("update.json"))["delete"]
    assert f"materials/{REDRAFTED_SLUG}/index.html" in deleted, deleted
    needles = [*DRAFT_NEEDLES, *REDRAFT_NEEDLES, OLD_BODY]
    printed = [("change list printed by studyportal bundle --since", "\n".join(outputs.v2.changes).encode())]
    assert_no_leaks("the change list", printed, needles)
    for path in (update, outputs.v2.zip, outputs.v2.folder):
        files = outputs.files(path)
        assert_no_leaks(path.name, files, needles)
        # the page's old, once published title and path may be named as deleted in the notes; nowhere else
        assert_no_leaks(f"{path.name} (outside its notes)", files, OLD_NEEDLES, skip=is_note)


def test_no_page_of_the_drafts_or_of_their_topic_exists(outputs):
    drafted = (DRAFT_SLUG, DRAFT2_SLUG, TOPIC_SLUG)
    for path, slugs in (
        (outputs.v1.folder, drafted),
        (outputs.v2.folder, (*drafted, REDRAFTED_SLUG)),
        (outputs.member.folder, (*drafted, REDRAFTED_SLUG)),
        (outputs.site, (*drafted, REDRAFTED_SLUG)),
    ):
        files = [name.split("/", 1)[-1] for name, _ in outputs.files(path) if "!" not in name]
        assert "topics/dang-zhang-dang-gui/index.html" in files, "topic pages are where this test expects them"
        for slug in slugs:
            assert not [f for f in files if slug in f], f"DRAFT LEAK: {path} has {[f for f in files if slug in f]}"
        assert not (path / "topics" / TOPIC_SLUG).exists(), f"DRAFT LEAK: {path} has a page for the draft-only topic"


def test_the_image_of_the_draft_is_copied_nowhere(outputs):
    digest = hashlib.sha256(IMAGE_BYTES).hexdigest()
    for path in (*outputs.bundled(), outputs.site):
        copies = [name for name, data in outputs.files(path) if hashlib.sha256(data).hexdigest() == digest]
        assert not copies, f"DRAFT LEAK: the image only the draft uses was copied to {copies}"


def test_the_search_index_has_no_term_only_the_drafts_have(outputs):
    """Chinese is indexed as characters and bigrams: the terms of the phrases that no published page had must stay out."""
    baseline = index_terms(outputs.files(outputs.v0.zip))
    specific = {t for phrase in (PHRASE, PHRASE2, PHRASE3) for t in doc_terms(phrase)} - baseline
    assert len([t for t in specific if len(t) == 2]) >= 12, f"too few draft-only bigrams to tell anything: {sorted(specific)}"
    specific |= {MARK.lower(), MARK2.lower(), MARK3.lower()}
    for path in (*outputs.bundled(), outputs.site):
        terms = index_terms(outputs.files(path))
        if path.suffix == ".zip" and "-update-" not in path.name or path == outputs.site:  # an update holds only changed shards
            assert len(terms) > 1000, f"no search index found in {path}"
        leaked = sorted(t for t in terms if t in specific or any(m.lower() in t for m in (MARK, MARK2, MARK3)))
        assert not leaked, f"DRAFT LEAK: the search index in {path} has the draft-only terms {leaked}"


def test_searching_the_site_for_the_markers_finds_no_draft(outputs):
    index = SiteIndex(outputs.site)
    for query in (MARK, PHRASE, MARK2, PHRASE2, MARK3, PHRASE3, f"{PHRASE}读书计划", OLD_TITLE):
        hits = search(index, query, limit=1000).hits
        bad = [h.url for h in hits if any(s in h.url for s in (DRAFT_SLUG, DRAFT2_SLUG, REDRAFTED_SLUG, TOPIC_SLUG))]
        assert not bad, f"DRAFT LEAK: searching the site for {query!r} finds {bad}"
