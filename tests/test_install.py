"""The tool is a package, a portal is content: a wheel in a fresh venv makes a new county portal and builds it.

The wheel tests build the wheel, install it into a new virtual environment (no system site packages)
and run ``studyportal init / check / build / bundle`` there, in a folder outside the repository, with
PYTHONPATH unset and an audit hook that records every file of the repository any process opens. The
quick tests run ``init`` and builds from the editable install: the starter's content, the refusal of
a non-empty folder, and a county's ``overrides/`` and ``docs/`` winning over what the tool ships.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import rcssmin
import yaml

from studyportal.bundle.make import make_bundle
from studyportal.portal_init import tool_version
from studyportal.render.shipped import SITE_CSS, THEME_DIR, theme_dirs
from tests.helpers import ROOT, build_site, clean_env, material_text, ok, run_in, write

CSP = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self';"
NEW_MATERIAL = material_text(
    "title: 用手机参加支部学习\nkind: material\naudiences: [member, mobile]\ntrack: skills\ntopics: [实用技术]\n"
    "summary: 三步学会用手机参加支部的线上学习，在外地也不掉队。\nhours: 0.5\npublished: 2026-02-01\nslug: shouji-xuexi",
    "## 第一步：进群\n\n请支部委员把你拉进党员学习群。\n\n## 第二步：看材料\n\n支部每周在群里发一篇材料的链接，点开就能读。\n\n"
    "## 第三步：回复\n\n读完在群里回复“已学 + 材料名”，支部帮你登记学时。\n",
)
# A county's own templates: a home page of its own, and a footer inside every page.
COUNTY_HOME = '{% extends "main.html" %}\n{% block content %}<h1 class="county-home">本县首页</h1>{% endblock %}\n'
COUNTY_FOOTER = '<div class="county-footer">××县委组织部 主办</div>\n'
# Every file a process opens or lists inside the repository is written to $SP_TEST_OPEN_LOG.
AUDIT_HOOK = """
import os, sys
_REPO, _LOG = os.environ.get("SP_TEST_FORBIDDEN"), os.environ.get("SP_TEST_OPEN_LOG")
if _REPO and _LOG:
    _busy = [False]
    def _hook(event, args):
        if _busy[0] or event not in ("open", "os.listdir", "os.scandir") or not args or isinstance(args[0], int):
            return
        try:
            full = os.path.abspath(os.fsdecode(args[0] if args[0] is not None else "."))
        except TypeError:
            return
        if full == _REPO or full.startswith(_REPO + os.sep):
            _busy[0] = True
            try:
                with open(_LOG, "a", encoding="utf-8") as log:
                    log.write(event + " " + full + "\\n")
            finally:
                _busy[0] = False
    sys.addaudithook(_hook)
"""


_run = functools.partial(run_in, timeout=600)


# --- the wheel in a fresh venv --------------------------------------------------------------------


class Venv:
    """A virtual environment with the studyportal wheel installed, and the env to run it with."""

    def __init__(self, root: Path, wheel: Path, log: Path) -> None:
        self.root, self.wheel, self.log = root, wheel, log
        self.bin = root / ("Scripts" if os.name == "nt" else "bin")
        self.python = self.bin / "python"
        path = f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}"
        self.env = clean_env(PATH=path, SP_TEST_FORBIDDEN=str(ROOT), SP_TEST_OPEN_LOG=str(log))

    def run(self, *args: str, cwd: Path) -> subprocess.CompletedProcess:
        return _run([str(self.bin / "studyportal"), *args], cwd, self.env)

    def repository_files_used(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, studyportal_wheel: Path) -> Venv:
    """The wheel (built from a copy of the source, see conftest), a new venv, the wheel installed (dependencies from the package index)."""
    started = time.monotonic()
    base = tmp_path_factory.mktemp("install")
    assert not base.is_relative_to(ROOT) and not studyportal_wheel.is_relative_to(ROOT)
    wheel = studyportal_wheel
    env = clean_env()
    ok(_run([sys.executable, "-m", "venv", str(base / "venv")], base, env))
    v = Venv(base / "venv", wheel, base / "repository-files-used.log")
    ok(_run([str(v.python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)], base, env))
    purelib = ok(_run([str(v.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], base, env)).stdout.strip()
    (Path(purelib) / "sp_test_audit.py").write_text(AUDIT_HOOK, encoding="utf-8")
    (Path(purelib) / "sp_test_audit.pth").write_text("import sp_test_audit\n", encoding="utf-8")
    print(f"\nwheel + venv + install: {time.monotonic() - started:.1f} s")
    return v


@pytest.mark.slow
def test_the_wheel_carries_templates_styles_scripts_help_and_starter(venv):
    names = set(zipfile.ZipFile(venv.wheel).namelist())
    package = ROOT / "studyportal"
    for folder in ("theme", "help", "starter", "assets"):
        for path in (package / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                assert path.relative_to(ROOT).as_posix() in names
    for needed in ("theme/main.html", "theme/sp-material.html", "theme/partials/header.html", "assets/site/studyportal.css",
                   "assets/site/boot.js", "assets/search/search.js", "help/contribute.md", "starter/gitignore",
                   "starter/materials/curricula/mobile.yml", "help/publishing.md", "starter/.gitlab-ci.yml",
                   "starter/.github/workflows/portal.yml", "starter/.gitea/workflows/portal.yml",
                   "starter/.pre-commit-config.yaml"):  # fmt: skip
        assert f"studyportal/{needed}" in names, needed


@pytest.mark.slow
def test_a_new_portal_from_the_wheel_checks_builds_bundles_and_takes_county_overrides(venv, tmp_path):
    started = time.monotonic()
    assert not tmp_path.is_relative_to(ROOT)
    where = ok(_run([str(venv.python), "-c", _WHERE], tmp_path, venv.env)).stdout
    paths = json.loads(where)
    for name in ("studyportal", "theme", "plugin", "css"):
        assert Path(paths[name]).is_relative_to(venv.root), (name, paths[name])
    assert not any(p and Path(p).resolve().is_relative_to(ROOT) for p in paths["sys_path"]), paths["sys_path"]
    # The hook is live: a deliberate read of a repository file is recorded (then forgotten).
    ok(_run([str(venv.python), "-c", f"open({str(ROOT / 'pyproject.toml')!r}).close()"], tmp_path, venv.env))
    assert venv.repository_files_used() == [f"open {ROOT / 'pyproject.toml'}"]
    venv.log.unlink()

    init = ok(venv.run("init", "portal", cwd=tmp_path))
    assert "studyportal check" in init.stdout and "studyportal build" in init.stdout
    portal = tmp_path / "portal"
    assert (portal / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1] == f"studyportal=={tool_version()}"
    # The CI files and the pre-commit configuration arrive with their dot names, as a county copies them.
    for name in (".gitlab-ci.yml", ".github/workflows/portal.yml", ".gitea/workflows/portal.yml", ".pre-commit-config.yaml"):
        shipped = (ROOT / "studyportal" / "starter" / name).read_text(encoding="utf-8").replace("@STUDYPORTAL_VERSION@", tool_version())
        assert (portal / name).read_text(encoding="utf-8") == shipped, name
        assert yaml.safe_load(shipped), name
    write(portal / "materials", "jishu/shouji-xuexi.md", NEW_MATERIAL)
    check = ok(venv.run("check", cwd=portal))
    assert "5 个材料、3 个课程" in check.stdout and "warning" not in check.stdout + check.stderr
    ok(venv.run("build", cwd=portal))
    site = portal / "site"
    page = (site / "materials" / "shouji-xuexi" / "index.html").read_text(encoding="utf-8")
    assert '<header class="sp-header"' in page and "用手机参加支部学习" in page  # the package's material template
    assert '<link rel="stylesheet" href="../../assets/stylesheets/studyportal.css">' in page
    assert (site / SITE_CSS[0]).read_text(encoding="utf-8") == rcssmin.cssmin(SITE_CSS[1].read_text(encoding="utf-8"))  # minified
    for html in (page, (site / "index.html").read_text(encoding="utf-8")):
        assert CSP in html
    for help_page in ("contribute", "errors", "search", "offline", "about"):
        assert (site / help_page / "index.html").is_file(), help_page
    assert "××县党员学习资料门户" in (site / "index.html").read_text(encoding="utf-8")

    bundled = ok(venv.run("bundle", "-o", "dist", cwd=portal))
    (zipped,) = (portal / "dist").glob("*.zip")
    with zipfile.ZipFile(zipped) as z:
        names = z.namelist()
        (offline_page,) = [n for n in names if n.endswith("materials/shouji-xuexi/index.html")]
        assert any(n.endswith("assets/stylesheets/studyportal.css") for n in names)
        assert CSP in z.read(offline_page).decode("utf-8")
    assert "已打包" in bundled.stdout

    # A county's overrides/ wins over the package's templates, which still serve everything else.
    config = portal / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("# custom_dir: overrides", "custom_dir: overrides"), encoding="utf-8")
    write(portal / "overrides" / "partials", "copyright.html", COUNTY_FOOTER)
    write(portal / "overrides", "sp-home.html", COUNTY_HOME)
    ok(venv.run("build", cwd=portal))
    home = (site / "index.html").read_text(encoding="utf-8")
    page = (site / "materials" / "shouji-xuexi" / "index.html").read_text(encoding="utf-8")
    assert '<h1 class="county-home">本县首页</h1>' in home and "sp-who" not in home and CSP in home
    assert "county-footer" in page and '<header class="sp-header"' in page and CSP in page

    assert venv.repository_files_used() == []
    print(f"\ninit + check + build + bundle + build in the venv: {time.monotonic() - started:.1f} s")


_WHERE = """
import json, sys
from importlib.metadata import entry_points
import studyportal, studyportal.render.shipped as shipped
(ep,) = [e for e in entry_points(group="mkdocs.plugins") if e.name == "studyportal"]
plugin = sys.modules[ep.load().__module__].__file__
print(json.dumps({"studyportal": studyportal.__file__, "theme": str(shipped.THEME_DIR), "plugin": plugin,
                  "css": str(shipped.SITE_CSS[1]), "sys_path": sys.path}))
"""


# --- init and a county's own files, from the editable install ---------------------------------------


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return _run([sys.executable, "-m", "studyportal.cli", *args], cwd, clean_env(PYTHONPATH=str(ROOT)))


def test_init_writes_a_portal_that_checks_clean(tmp_path):
    result = ok(_cli("init", "portal", cwd=tmp_path))
    portal = tmp_path / "portal"
    assert "cd portal" in result.stdout
    config = yaml.load((portal / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.UnsafeLoader)
    assert config["theme"]["font"] is False and "custom_dir" not in config["theme"]
    assert config["plugins"] == [{"studyportal": {"materials_dir": "materials"}}]
    assert re.search(r"[\u4e00-\u9fff]", config["site_name"]) and "××" in config["site_name"]
    assert "extra_css" not in config  # the plugin adds the tool's stylesheet itself
    requirements = [line for line in (portal / "requirements.txt").read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert requirements == [f"studyportal=={tool_version()}"]
    ignored = (portal / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"site/", "dist/", "studyportal-signing.key", ".studyportal-*.lock"} <= set(ignored)
    readme = (portal / "README.md").read_text(encoding="utf-8")
    for words in ("Windows", "Linux", "studyportal check", "studyportal build", "发布", "升级", "requirements.txt", ".whl", "git+"):
        assert words in readme, words
    assert (portal / "docs" / "about.md").is_file() and not (portal / "overrides").exists()
    assert sorted(p.name for p in (portal / "materials" / "curricula").iterdir()) == ["member.yml", "mobile.yml", "secretary.yml"]
    kinds = sorted(re.search(r"^kind: (\S+)$", p.read_text(encoding="utf-8"), re.M).group(1) for p in (portal / "materials").rglob("*.md"))
    assert kinds == ["class-outline", "material", "policy-explainer", "reading-list"]
    check = _cli("check", "--format", "json", cwd=portal)
    assert check.returncode == 0 and json.loads(check.stdout)["problems"] == [], check.stdout
    assert "__pycache__" not in {part for p in portal.rglob("*") for part in p.parts}


def test_init_refuses_a_non_empty_folder(tmp_path):
    folder = tmp_path / "portal"
    write(folder, "笔记.txt", "本县原有的文件\n")
    result = _cli("init", "portal", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "不是空的" in result.stderr and "笔记.txt" in result.stderr and "没有写入" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["笔记.txt"]
    assert (folder / "笔记.txt").read_text(encoding="utf-8") == "本县原有的文件\n"
    write(tmp_path, "file.txt", "x")
    refused = _cli("init", "file.txt", cwd=tmp_path)
    assert refused.returncode == 1 and "不是文件夹" in refused.stderr
    # An empty clone of the county's new Git repository is a fine place for a portal.
    (tmp_path / "clone" / ".git").mkdir(parents=True)
    ok(_cli("init", ".", cwd=tmp_path / "clone"))
    assert (tmp_path / "clone" / "mkdocs.yml").is_file()


def test_the_package_templates_sit_between_the_county_overrides_and_material():
    dirs = ["/county/overrides", "/material/templates", "/mkdocs/templates"]
    assert theme_dirs(dirs, "/county/overrides") == ["/county/overrides", str(THEME_DIR), *dirs[1:]]
    assert theme_dirs(dirs[1:], None) == [str(THEME_DIR), *dirs[1:]]
    assert theme_dirs(theme_dirs(dirs[1:], None), None) == [str(THEME_DIR), *dirs[1:]]


@pytest.mark.slow
def test_county_overrides_and_pages_win_and_bundles_build_with_them(tmp_path):
    ok(_cli("init", "portal", cwd=tmp_path))
    portal = tmp_path / "portal"
    config = portal / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("# custom_dir: overrides", "custom_dir: overrides"), encoding="utf-8")
    write(portal / "overrides", "sp-home.html", COUNTY_HOME)
    write(portal / "overrides" / "partials", "copyright.html", COUNTY_FOOTER)
    write(portal / "docs", "contribute.md", "# 本县的投稿办法\n\n材料请交县委组织部组织科。\n")
    write(portal / "docs" / "assets" / "stylesheets", "county.css", ".county-home { color: #a61b1b; }\n")
    config.write_text(config.read_text(encoding="utf-8") + "\nextra_css:\n  - assets/stylesheets/county.css\n", encoding="utf-8")
    result = build_site(portal, portal / "site")
    assert result.returncode == 0, result.stderr
    site = portal / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<h1 class="county-home">本县首页</h1>' in home and "county-footer" in home and CSP in home
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', home)
    assert sheets.index(SITE_CSS[0]) < sheets.index("assets/stylesheets/county.css")  # the county's styles come after ours
    contribute = (site / "contribute" / "index.html").read_text(encoding="utf-8")
    assert "本县的投稿办法" in contribute and "如何编写和发布学习材料" not in contribute
    assert "检查提示速查" in (site / "errors" / "index.html").read_text(encoding="utf-8")  # the other help pages still ship

    made = make_bundle(config, "all", tmp_path / "dist")
    with zipfile.ZipFile(made.zip_path) as z:
        (index,) = [n for n in z.namelist() if re.fullmatch(r"[^/]+/index\.html", n)]
        offline_home = z.read(index).decode("utf-8")
    assert '<h1 class="county-home">本县首页</h1>' in offline_home and "county-footer" in offline_home and CSP in offline_home
