"""The CI files a county copies (Gitea, GitLab, GitHub): they parse, and the commands they run pass.

Each file is read from a portal that ``studyportal init`` just wrote. Its shell commands (``run:`` steps of
Actions, ``before_script`` + ``script`` of GitLab jobs) are taken from the YAML and run as the host runs
them — bash with ``-eo pipefail``, in the portal's folder, with the step's ``env`` — in a fresh virtual
environment whose only tools are the host's (Python, git, curl): the file's own ``pip install`` step installs
studyportal from the wheel in the portal's ``wheels/``. Steps the test cannot run (actions the host provides,
the deploy to a county server with its secrets) are named in ``NOT_RUN``; any other step that is not run fails
the test. The published site is a folder served on 127.0.0.1, so the step that fetches the previous offline
edition from the site really downloads it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

import pytest
import yaml

from studyportal.bundle.signing import generate_keys
from tests.helpers import ROOT, clean_env, ok, run_in, serve, write

GITHUB, GITEA, GITLAB = ".github/workflows/portal.yml", ".gitea/workflows/portal.yml", ".gitlab-ci.yml"
HOSTS = (GITHUB, GITEA, GITLAB)
EDITIONS = ("all", "secretary", "member", "mobile")
# Steps not run by the test, by file: what the host itself provides, and the deploy that needs a county's server.
NOT_RUN = {
    GITHUB: {
        "actions/checkout@v4",
        "actions/setup-python@v5",
        "actions/configure-pages@v5",
        "actions/upload-artifact@v4",
        "actions/upload-pages-artifact@v3",
        "actions/deploy-pages@v4",
    },
    GITEA: {"actions/checkout@v4", "actions/setup-python@v5", "actions/upload-artifact@v3", "发布到县里的网站服务器（rsync，经 SSH）"},
    GITLAB: set(),
}
# Which job runs on a pull/merge request and which on the main branch.
JOBS = {GITHUB: ("check", "publish"), GITEA: ("check", "publish"), GITLAB: ("check", "pages")}
BROKEN = "---\ntitle: 缺了类型的材料\naudiences: [member]\ntrack: constitution\nsummary: 少写了 kind。\n---\n正文。\n"
GIT = ["git", "-c", "user.name=县委组织部", "-c", "user.email=zzb@example.org", "-c", "commit.gpgsign=false"]


@dataclass
class Step:
    """One shell script the host runs, with its environment (``${{ … }}`` still unresolved)."""

    label: str
    script: str
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Job:
    steps: list[Step]
    not_run: list[str]  # the ``uses:`` of the steps that are actions
    raw: dict
    items: list[str] = field(default_factory=list)  # GitLab: the script items, in order


def load(path: Path) -> dict:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict), path
    return doc


def actions_jobs(doc: dict) -> dict[str, Job]:
    """GitHub/Gitea Actions: every step of every job, ``run:`` steps as scripts, ``uses:`` steps as not run."""
    jobs = {}
    for name, job in doc["jobs"].items():
        steps, not_run = [], []
        for step in job["steps"]:
            if "uses" in step:
                not_run.append(step["uses"])
            else:
                steps.append(Step(step.get("name", step["run"]), step["run"], {k: str(v) for k, v in step.get("env", {}).items()}))
        jobs[name] = Job(steps, not_run, job)
    return jobs


GITLAB_KEYWORDS = {"image", "variables", "cache", "workflow", "stages", "before_script", "after_script", "default", "include", "services"}


def gitlab_jobs(doc: dict) -> dict[str, Job]:
    """GitLab: each job's ``before_script`` and ``script`` run in one shell; a marker line before each item says which failed."""
    jobs = {}
    for name, job in doc.items():
        if name in GITLAB_KEYWORDS or name.startswith("."):
            continue
        items = job.get("before_script", doc.get("before_script", [])) + job["script"]
        script = "\n".join(f"echo '@@item {i}'\n{item}" for i, item in enumerate(items))
        env = {k: str(v) for k, v in doc.get("variables", {}).items()}
        jobs[name] = Job([Step(name, script, env)], [], job, items)
    return jobs


def jobs_of(host: str, doc: dict) -> dict[str, Job]:
    return gitlab_jobs(doc) if host == GITLAB else actions_jobs(doc)


# --- the files themselves -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", HOSTS)
def test_each_file_parses_and_every_step_is_run_or_named(host):
    doc = load(ROOT / "studyportal" / "starter" / host)
    jobs = jobs_of(host, doc)
    pr, main = JOBS[host]
    assert set(jobs) == {pr, main}
    skipped = {s for job in jobs.values() for s in job.not_run}
    named = {s.label for job in jobs.values() for s in job.steps}
    assert skipped | (NOT_RUN[host] & named) == NOT_RUN[host], "a step the test does not run must be named in NOT_RUN"
    for uses in skipped:
        assert re.fullmatch(r"actions/[a-z-]+@v\d+", uses), f"pin actions by major version: {uses}"
    scripts = "\n".join(s.script for job in jobs.values() for s in job.steps)
    assert "studyportal check" in scripts and "studyportal build" in scripts and "studyportal bundle" in scripts
    assert "pip install --find-links wheels -r requirements.txt" in scripts
    assert "chromium" not in scripts.lower() and "playwright" not in scripts.lower()
    if host == GITLAB:
        assert doc["workflow"]["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
        assert [r["if"] for r in jobs[pr].raw["rules"]] == ['$CI_PIPELINE_SOURCE == "merge_request_event"']
        assert jobs[main].raw["rules"][0]["if"] == "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"
        assert jobs[main].raw["artifacts"]["paths"] == ["public"]  # GitLab Pages publishes the `pages` job's public/
        assert jobs[pr].raw["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
        assert doc["variables"]["GIT_DEPTH"] == "0"
    else:
        triggers = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` as true
        assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
        assert jobs[pr].raw["if"] == "github.event_name == 'pull_request'"
        assert jobs[main].raw["if"] == "github.event_name != 'pull_request'"
        checkouts = [s for s in jobs[pr].raw["steps"] + jobs[main].raw["steps"] if s.get("uses", "").startswith("actions/checkout")]
        assert all(s["with"]["fetch-depth"] == 0 for s in checkouts) and len(checkouts) == 2  # dates come from Git history
    if host == GITHUB:
        uses = [s.get("uses") for s in jobs[main].raw["steps"]]
        assert uses.index("actions/upload-pages-artifact@v3") < uses.index("actions/deploy-pages@v4")
        assert jobs[main].raw["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_init_writes_the_ci_and_pre_commit_files_as_they_are_in_the_package(tmp_path):
    portal = init_portal(tmp_path)
    for name in (*HOSTS, ".pre-commit-config.yaml"):
        shipped = (ROOT / "studyportal" / "starter" / name).read_text(encoding="utf-8")
        written = (portal / name).read_text(encoding="utf-8")
        assert written == shipped.replace("@STUDYPORTAL_VERSION@", "0.1.0"), name


def test_this_repository_runs_its_own_test_command_in_ci():
    doc = load(ROOT / ".github" / "workflows" / "ci.yml")
    runs = [s["run"] for job in doc["jobs"].values() for s in job["steps"] if "run" in s]
    assert runs == ["bash .ci/run"]


# --- running them -------------------------------------------------------------------------------------------------


@dataclass
class Tools:
    """The wheel a county puts in ``wheels/``, and a fresh virtual environment standing for the runner's Python."""

    wheel: Path
    env: dict[str, str]


@pytest.fixture(scope="module")
def tools(tmp_path_factory: pytest.TempPathFactory, studyportal_wheel: Path) -> Tools:
    """One runner venv for the module: the first job's ``pip install`` fills it, later jobs find it already satisfied."""
    base = tmp_path_factory.mktemp("ci-tools")
    env = clean_env()
    ok(run_in([sys.executable, "-m", "venv", str(base / "runner")], base, env))
    env["PATH"] = f"{base / 'runner' / 'bin'}{os.pathsep}{env['PATH']}"
    return Tools(studyportal_wheel, env)


def init_portal(where: Path) -> Path:
    """``studyportal init`` from this source tree (the runner's venv has no studyportal until the CI file installs it)."""
    ok(run_in([sys.executable, "-m", "studyportal.cli", "init", "portal"], where, clean_env(PYTHONPATH=str(ROOT))))
    return where / "portal"


def county_repository(where: Path, tools: Tools) -> Path:
    """A new portal with the wheel in ``wheels/``, committed to Git as a county's repository is."""
    portal = init_portal(where)
    (portal / "wheels").mkdir()
    shutil.copy(tools.wheel, portal / "wheels")
    ok(run_in(["git", "init", "-q", "-b", "main"], portal, tools.env))
    commit(portal, tools, "新建门户")
    return portal


def commit(portal: Path, tools: Tools, message: str) -> None:
    ok(run_in(["git", "add", "-A"], portal, tools.env))
    ok(run_in([*GIT, "commit", "-q", "-m", message], portal, tools.env))


def fresh_checkout(portal: Path, tools: Tools) -> None:
    """What a runner starts from: the committed files only (no site/, dist/, previous/ of an earlier run)."""
    ok(run_in(["git", "clean", "-q", "-fdx"], portal, tools.env))


@dataclass
class Ran:
    """What a job printed and how it ended: ``failed`` is the label of the failing step (GitLab: the script item)."""

    output: str
    failed: str | None
    steps_run: list[str]


def host_env(host: str, portal: Path, tmp: Path, site_url: str, key: Path | None) -> tuple[dict[str, str], dict[str, str]]:
    """Variables the host sets for every step, and the values of the ``${{ … }}`` expressions the files use."""
    runner_temp = tmp / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    pem = key.read_text(encoding="utf-8") if key else ""
    if host == GITLAB:
        env = {"CI": "true", "GITLAB_CI": "true", "CI_PROJECT_DIR": str(portal), "CI_PAGES_URL": site_url.rstrip("/")}
        if key:
            env["STUDYPORTAL_SIGNING_KEY"] = str(key)  # a CI/CD variable of type "file": its value is the file's path
        return env, {}
    env = {"CI": "true", "GITHUB_ACTIONS": "true", "RUNNER_TEMP": str(runner_temp)}
    if host == GITEA:
        env["GITEA_ACTIONS"] = "true"
        return env, {"vars.PORTAL_URL": site_url, "secrets.STUDYPORTAL_SIGNING_KEY": pem}
    return env, {"steps.pages.outputs.base_url": site_url.rstrip("/"), "secrets.STUDYPORTAL_SIGNING_KEY": pem}


EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


def run_job(host: str, job: Job, portal: Path, tools: Tools, tmp: Path, site_url: str = "", key: Path | None = None) -> Ran:
    host_vars, expressions = host_env(host, portal, tmp, site_url, key)
    output, done = [], []
    for step in job.steps:
        if step.label in NOT_RUN[host]:
            continue
        env = {**tools.env, **host_vars}
        for name, value in step.env.items():
            value = EXPRESSION.sub(lambda m: expressions[m.group(1)], value)  # an unknown expression is a KeyError
            env[name] = Template(value).safe_substitute(env) if host == GITLAB else value
        result = run_in(["bash", "-eo", "pipefail", "-c", step.script], portal, env)
        output.append(result.stdout + result.stderr)
        done.append(step.label)
        if result.returncode != 0:
            failed = step.label
            if host == GITLAB:
                failed = job.items[int(re.findall(r"^@@item (\d+)$", result.stdout, re.M)[-1])]
            return Ran("\n".join(output), failed, done)
    return Ran("\n".join(output), None, done)


def job_for(host: str, portal: Path, which: int) -> Job:
    return jobs_of(host, load(portal / host))[JOBS[host][which]]


@pytest.mark.slow
@pytest.mark.parametrize("host", HOSTS)
def test_a_pull_request_is_checked_built_and_link_checked(host, tools, tmp_path):
    portal = county_repository(tmp_path, tools)
    ran = run_job(host, job_for(host, portal, 0), portal, tools, tmp_path)
    assert ran.failed is None, ran.output
    assert "Successfully installed" in ran.output or "already satisfied" in ran.output
    assert (portal / "site" / "index.html").is_file() and (portal / "dist" / "link-check.zip").is_file()
    assert "::error" not in ran.output and "error(错误)" not in ran.output
    assert "4 个材料、3 个课程" in ran.output
    if host == GITLAB:
        assert json.loads((portal / "gl-code-quality-report.json").read_text(encoding="utf-8")) == []


@pytest.mark.slow
@pytest.mark.parametrize("host", HOSTS)
def test_a_broken_material_fails_the_check_step_and_names_file_and_line(host, tools, tmp_path):
    portal = county_repository(tmp_path, tools)
    write(portal / "materials", "dangke/queshao-leixing.md", BROKEN)
    commit(portal, tools, "一篇少了 kind 的材料")
    ran = run_job(host, job_for(host, portal, 0), portal, tools, tmp_path)
    where = "materials/dangke/queshao-leixing.md"
    line = rf"{where}:2:1: error\(错误\): 缺少必填字段 kind"
    if host == GITLAB:
        assert ran.failed == "studyportal check", ran.output
        report = json.loads((portal / "gl-code-quality-report.json").read_text(encoding="utf-8"))
        assert [(i["location"]["path"], i["location"]["lines"]["begin"], i["severity"]) for i in report] == [(where, 2, "major")]
        assert "kind" in report[0]["description"] and "修改方法" in report[0]["description"]
        assert re.search(rf"^{line}", ran.output, re.M)
    else:
        assert ran.failed == "检查材料和课程", ran.output
        if host == GITHUB:
            assert re.search(rf"^::error file={where},line=2,col=1,title=学习材料检查::{line}", ran.output, re.M)
        else:  # Gitea shows no annotations: path:line:col lines in the log
            assert re.search(rf"^{line}", ran.output, re.M)
    assert not (portal / "site").exists(), "nothing is built after a failed check"


@pytest.mark.slow
@pytest.mark.parametrize("host", HOSTS)
def test_main_publishes_the_site_with_offline_editions_and_then_update_packages(host, tools, tmp_path):
    portal = county_repository(tmp_path, tools)
    published = tmp_path / "published"  # the county's web site: GitHub/GitLab Pages, or the server Gitea deploys to
    published.mkdir()
    server, url = serve(published)
    private, _public, _key = generate_keys(tmp_path / "keys")
    try:
        # First release: nothing on the site yet, so full editions only.
        first = run_job(host, job_for(host, portal, 1), portal, tools, tmp_path, url, private)
        assert first.failed is None, first.output
        assert first.output.count("取不到上一版") == 4
        assert sorted(p.name for p in downloads(portal, host).iterdir()) == sorted(f"studyportal-{e}.zip" for e in EDITIONS)
        assert first.output.count("已签名") == 4 and "校验通过" in first.output
        publish(portal, host, published)
        assert (published / "index.html").is_file()

        # A trainer's change is merged; the next run fetches the previous editions from the site and makes update packages.
        fresh_checkout(portal, tools)
        page = portal / "materials" / "dangzhang" / "zhuti-dangri.md"
        page.write_text(page.read_text(encoding="utf-8") + "\n## 会后\n\n会后当天把记录交支部书记审阅。\n", encoding="utf-8")
        commit(portal, tools, "主题党日：补写会后记录")
        second = run_job(host, job_for(host, portal, 1), portal, tools, tmp_path, url, private)
        assert second.failed is None, second.output
        assert second.output.count(f"上一版：{url.rstrip('/')}/downloads/studyportal-") == 4
        names = sorted(p.name for p in downloads(portal, host).iterdir())
        for edition in EDITIONS:
            assert f"studyportal-{edition}.zip" in names
            assert [n for n in names if re.fullmatch(rf"studyportal-{edition}-update-\d{{8}}-\d{{4}}-to-\d{{8}}-\d{{4}}\.zip", n)], names
        assert second.output.count("更新包：") == 4 and "怎样开好主题党日" in second.output
        with zipfile.ZipFile(downloads(portal, host) / "studyportal-mobile.zip") as z:
            assert "studyportal-mobile/signing-key.pub" in z.namelist()
        assert not list(portal.rglob("studyportal-signing.key")), "the signing key is never written into the checkout"
    finally:
        server.shutdown()


def downloads(portal: Path, host: str) -> Path:
    return portal / ("public" if host == GITLAB else "site") / "downloads"


def publish(portal: Path, host: str, published: Path) -> None:
    """What the host does with the job's result: Pages takes site/ (GitLab: public/), Gitea's rsync copies site/."""
    shutil.rmtree(published)
    shutil.copytree(downloads(portal, host).parent, published)
