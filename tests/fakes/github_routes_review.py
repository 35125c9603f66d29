"""The fake GitHub's pull request, review, team, check, commit status and deployment routes."""

from __future__ import annotations

from typing import Any

from tests.fakes.github_model import STATUS_STATES, FakeRepo, HttpError, Team, now_iso
from tests.fakes.github_request import OWNER_REPO, Answer, Request, invalid, ok, route

Json = Any


@route("GET", OWNER_REPO + r"/pulls/(\d+)")
def _get_pull(req: Request, owner: str, name: str, number: str) -> Answer:
    repo = req.repo(owner, name)
    pull = repo.pulls.get(int(number))
    if pull is None:
        raise HttpError(404, "Not Found")
    return ok(req.pull_json(repo, pull))


@route("GET", OWNER_REPO + r"/pulls")
def _list_pulls(req: Request, owner: str, name: str) -> Answer:
    repo = req.repo(owner, name)
    state = req.query.get("state", "open")
    head = req.query.get("head")
    base = req.query.get("base")
    items = [
        req.pull_json(repo, p)
        for p in sorted(repo.pulls.values(), key=lambda p: -int(p["number"]))
        if (state == "all" or p["state"] == state)
        and (head is None or f"{repo.owner}:{p['head']}".lower() == head.lower())
        and (base is None or p["base"] == base)
    ]
    page, headers = req.paginate(items)
    return ok(page, headers=headers)


@route("POST", OWNER_REPO + r"/pulls")
def _create_pull(req: Request, owner: str, name: str) -> Answer:
    repo = req.repo(owner, name)
    title, head, base = req.body.get("title"), req.body.get("head"), req.body.get("base")
    if not all(isinstance(v, str) and v for v in (title, head, base)):
        raise invalid(resource="PullRequest", field="title", code="missing_field")
    head_branch = str(head).split(":", 1)[-1]
    if f"refs/heads/{head_branch}" not in repo.refs:
        raise invalid(resource="PullRequest", field="head", code="invalid")
    if f"refs/heads/{base}" not in repo.refs:
        raise invalid(resource="PullRequest", field="base", code="invalid")
    if repo.refs[f"refs/heads/{head_branch}"] == repo.refs[f"refs/heads/{base}"]:
        raise invalid(resource="PullRequest", code="custom", message=f"No commits between {base} and {head}")
    for pull in repo.pulls.values():
        if pull["head"] == head_branch and pull["base"] == base and pull["state"] == "open":
            raise invalid(
                resource="PullRequest",
                code="custom",
                message=f"A pull request already exists for {repo.owner}:{head_branch}.",
            )
    number = next(repo.issue_numbers)
    repo.pulls[number] = {
        "number": number,
        "title": title,
        "body": req.body.get("body") or "",
        "user": req.hub.login,
        "head": head_branch,
        "base": base,
        "state": "open",
        "created_at": now_iso(),
    }
    repo.reviews[number] = []
    return ok(req.pull_json(repo, repo.pulls[number]), 201)


@route("GET", OWNER_REPO + r"/pulls/(\d+)/reviews")
def _list_reviews(req: Request, owner: str, name: str, number: str) -> Answer:
    repo = req.repo(owner, name)
    if int(number) not in repo.pulls:
        raise HttpError(404, "Not Found")
    items = [req.review_json(repo, int(number), r) for r in repo.reviews[int(number)]]
    page, headers = req.paginate(items)
    return ok(page, headers=headers)


def _team(req: Request, org: str, slug: str) -> Team:
    team = req.hub.teams.get((org.lower(), slug.lower()))
    if team is None:
        raise HttpError(404, "Not Found")
    return team


@route("GET", r"/orgs/([^/]+)/teams/([^/]+)")
def _get_team(req: Request, org: str, slug: str) -> Answer:
    return ok(req.team_json(_team(req, org, slug)))


@route("GET", r"/orgs/([^/]+)/teams/([^/]+)/memberships/([^/]+)")
def _team_membership(req: Request, org: str, slug: str, login: str) -> Answer:
    team = _team(req, org, slug)
    state = team.members.get(login.lower())
    if state is None:
        raise HttpError(404, "Not Found")
    url = f"{req.base}/organizations/1/team/{team.team_id}/memberships/{login}"
    return ok({"url": url, "role": "member", "state": state})


@route("GET", r"/teams/(\d+)/members/([^/]+)")
def _legacy_team_member(req: Request, team_id: str, login: str) -> Answer:
    for team in req.hub.teams.values():
        if team.team_id == int(team_id) and team.members.get(login.lower()) == "active":
            return ok(None, 204)
    raise HttpError(404, "Not Found")


@route("GET", OWNER_REPO + r"/commits/([^/]+)/check-runs")
def _check_runs(req: Request, owner: str, name: str, ref: str) -> Answer:
    repo = req.repo(owner, name)
    sha = repo.resolve(ref)
    if sha is None:
        raise invalid(f"No commit found for SHA: {ref}")
    runs = [r for r in repo.check_runs if r["head_sha"] == sha]
    if "check_name" in req.query:
        runs = [r for r in runs if r["name"] == req.query["check_name"]]
    if "status" in req.query:
        runs = [r for r in runs if r["status"] == req.query["status"]]
    if req.query.get("filter", "latest") == "latest":
        newest: dict[str, Json] = {}
        for run in runs:
            if run["name"] not in newest or run["id"] > newest[run["name"]]["id"]:
                newest[run["name"]] = run
        runs = list(newest.values())
    runs.sort(key=lambda r: -int(r["id"]))
    page, headers = req.paginate([req.check_run_json(repo, r) for r in runs])
    return ok({"total_count": len(runs), "check_runs": page}, headers=headers)


def _commit_statuses(req: Request, repo: FakeRepo, ref: str) -> tuple[str, list[dict[str, Json]]]:
    """The commit ``ref`` names and its statuses, newest first."""
    sha = repo.resolve(ref)
    if sha is None:
        raise HttpError(404, f"No commit found for SHA: {ref}")
    statuses = sorted((s for s in repo.commit_statuses if s["sha"] == sha), key=lambda s: -int(s["id"]))
    return sha, statuses


@route("GET", OWNER_REPO + r"/commits/([^/]+)/statuses")
def _list_commit_statuses(req: Request, owner: str, name: str, ref: str) -> Answer:
    repo = req.repo(owner, name)
    _, statuses = _commit_statuses(req, repo, ref)
    page, headers = req.paginate([req.commit_status_json(repo, s) for s in statuses])
    return ok(page, headers=headers)


@route("GET", OWNER_REPO + r"/commits/([^/]+)/status")
def _combined_status(req: Request, owner: str, name: str, ref: str) -> Answer:
    """The latest status of each context; ``failure`` if any failed or errored, ``pending`` if any waits."""
    repo = req.repo(owner, name)
    sha, statuses = _commit_statuses(req, repo, ref)
    latest: dict[str, dict[str, Json]] = {}
    for status in statuses:
        latest.setdefault(status["context"], status)
    states = {s["state"] for s in latest.values()}
    if states & {"failure", "error"}:
        state = "failure"
    elif "pending" in states or not states:
        state = "pending"
    else:
        state = "success"
    page, headers = req.paginate([req.commit_status_json(repo, s, creator=False) for s in latest.values()])
    url = req.repo_url(repo)
    combined = {
        "state": state,
        "sha": sha,
        "total_count": len(latest),
        "statuses": page,
        "repository": req.minimal_repository(repo),
        "commit_url": f"{url}/commits/{sha}",
        "url": f"{url}/commits/{sha}/status",
    }
    return ok(combined, headers=headers)


@route("POST", OWNER_REPO + r"/deployments")
def _create_deployment(req: Request, owner: str, name: str) -> Answer:
    repo = req.repo(owner, name)
    ref = req.body.get("ref")
    sha = repo.resolve(ref) if isinstance(ref, str) else None
    if sha is None:
        raise HttpError(422, f"No ref found for: {ref}")
    environment = req.body.get("environment", "production")
    stamp = now_iso()
    dep = {
        "id": next(req.hub.ids),
        "sha": sha,
        "ref": ref,
        "task": req.body.get("task", "deploy"),
        "payload": req.body.get("payload", {}),
        "original_environment": environment,
        "environment": environment,
        "description": req.body.get("description"),
        "created_at": stamp,
        "updated_at": stamp,
        "transient_environment": bool(req.body.get("transient_environment", False)),
        "production_environment": bool(req.body.get("production_environment", environment == "production")),
        "_request": dict(req.body),
    }
    repo.deployment_list.append(dep)
    repo.statuses[dep["id"]] = []
    return ok(req.deployment_json(repo, dep), 201)


@route("GET", OWNER_REPO + r"/deployments")
def _list_deployments(req: Request, owner: str, name: str) -> Answer:
    repo = req.repo(owner, name)
    items = [req.deployment_json(repo, d) for d in reversed(repo.deployment_list)]
    if "environment" in req.query:
        items = [d for d in items if d["environment"] == req.query["environment"]]
    page, headers = req.paginate(items)
    return ok(page, headers=headers)


def _deployment(repo: FakeRepo, dep_id: str) -> dict[str, Json]:
    for dep in repo.deployment_list:
        if dep["id"] == int(dep_id):
            return dep
    raise HttpError(404, "Not Found")


@route("GET", OWNER_REPO + r"/deployments/(\d+)")
def _get_deployment(req: Request, owner: str, name: str, dep_id: str) -> Answer:
    repo = req.repo(owner, name)
    return ok(req.deployment_json(repo, _deployment(repo, dep_id)))


@route("POST", OWNER_REPO + r"/deployments/(\d+)/statuses")
def _create_status(req: Request, owner: str, name: str, dep_id: str) -> Answer:
    repo = req.repo(owner, name)
    dep = _deployment(repo, dep_id)
    state = req.body.get("state")
    if state not in STATUS_STATES:
        raise invalid(resource="DeploymentStatus", field="state", code="invalid")
    log_url = req.body.get("log_url") or req.body.get("target_url") or ""
    stamp = now_iso()
    status = {
        "id": next(req.hub.ids),
        "state": state,
        "description": req.body.get("description", ""),
        "environment": req.body.get("environment", dep["environment"]),
        "target_url": log_url,
        "log_url": log_url,
        "environment_url": req.body.get("environment_url", ""),
        "created_at": stamp,
        "updated_at": stamp,
    }
    if req.body.get("auto_inactive", True) and state == "success":
        for other in repo.deployment_list:
            if other is not dep and other["environment"] == dep["environment"]:
                trail = repo.statuses[other["id"]]
                if trail and trail[-1]["state"] == "success":
                    trail.append({**trail[-1], "id": next(req.hub.ids), "state": "inactive"})
    repo.statuses[dep["id"]].append(status)
    return ok(req.status_json(repo, dep["id"], status), 201)


@route("GET", OWNER_REPO + r"/deployments/(\d+)/statuses")
def _list_statuses(req: Request, owner: str, name: str, dep_id: str) -> Answer:
    repo = req.repo(owner, name)
    dep = _deployment(repo, dep_id)
    items = [req.status_json(repo, dep["id"], s) for s in reversed(repo.statuses[dep["id"]])]
    page, headers = req.paginate(items)
    return ok(page, headers=headers)
