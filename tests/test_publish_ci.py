"""The CI that `omstallning new region` writes publishes PDFs and lists a pull request's changes."""

from __future__ import annotations

import yaml

from omstallning.commands import scaffold


def _files() -> dict[str, str]:
    return {f.path: f.text for f in scaffold.plan_region("R", ["Klippan"])}


def test_github_workflow_builds_pdfs_on_main_and_on_demand() -> None:
    text = _files()[".github/workflows/omstallning.yml"]
    workflow = yaml.safe_load(text)
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert {"push", "pull_request", "workflow_dispatch"} <= set(triggers)
    pdf = workflow["jobs"]["pdf"]
    assert "workflow_dispatch" in pdf["if"] and "default_branch" in pdf["if"]
    runs = "\n".join(step.get("run", "") for step in pdf["steps"])
    assert "sudo apt-get install -y libreoffice-writer-nogui python3-uno" in runs
    assert "omstallning build --format pdf" in runs
    upload = next(
        s for s in pdf["steps"] if s.get("uses", "").startswith("actions/upload-artifact")
    )
    assert upload["with"]["path"] == "build/*.pdf"
    assert "__" not in text  # every placeholder filled


def test_github_workflow_lists_a_pull_requests_changes_in_the_job_summary() -> None:
    workflow = yaml.safe_load(_files()[".github/workflows/omstallning.yml"])
    steps = workflow["jobs"]["validera-och-bygg"]["steps"]
    assert steps[0]["uses"].startswith("actions/checkout") and steps[0]["with"]["fetch-depth"] == 0
    (compare,) = [s for s in steps if "--jamfor" in s.get("run", "")]
    assert compare["if"] == "github.event_name == 'pull_request'"
    assert compare["run"] == 'omstallning build --jamfor "origin/$MALGREN" --format md'
    assert compare["env"]["MALGREN"] == "${{ github.base_ref }}"  # not pasted into the script
    assert any(s.get("run") == "omstallning validate --format github" for s in steps)


def test_gitlab_pipeline_builds_pdfs_on_the_default_branch() -> None:
    pipeline = yaml.safe_load(_files()[".gitlab-ci.yml"])
    assert "omstallning validate" in pipeline["omstallning"]["script"]
    pdf = pipeline["pdf"]
    assert "omstallning build --format pdf" in pdf["script"]
    assert pdf["artifacts"]["paths"] == ["build/*.pdf"]
    assert {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"} in pdf["rules"]


def test_github_workflow_keeps_the_check_cache_between_runs_but_does_not_publish_it() -> None:
    workflow = yaml.safe_load(_files()[".github/workflows/omstallning.yml"])
    steps = workflow["jobs"]["validera-och-bygg"]["steps"]
    names = [s.get("uses", s.get("run", "")) for s in steps]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache"))
    assert cache["with"]["path"] == "build/.omstallning-cache"
    # Restored before validate and build, which read it.
    assert names.index(cache["uses"]) < names.index("omstallning validate --format github")
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"].split() == ["build/", "!build/.omstallning-cache/"]


def test_gitlab_pipeline_keeps_the_check_cache_but_does_not_publish_it() -> None:
    job = yaml.safe_load(_files()[".gitlab-ci.yml"])["omstallning"]
    assert job["cache"]["paths"] == ["build/.omstallning-cache/"]
    assert job["artifacts"]["exclude"] == ["build/.omstallning-cache/**/*"]
