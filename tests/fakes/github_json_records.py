"""The fake GitHub's answers about what happens around a commit, in GitHub's documented shapes:
check runs and the app that reports them, commit statuses, teams, deployments and their statuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from tests.fakes.github_json import CREATED, Renderer
from tests.fakes.github_model import FakeRepo, Team

Json = Any


class RecordsRenderer(Renderer):
    """The renderers of ``Renderer`` plus those of check runs, statuses, teams and deployments."""

    def app(self) -> Json:
        """The GitHub Actions app, which reports the check runs of workflow jobs."""
        return {
            "id": 15368,
            "slug": "github-actions",
            "node_id": "MDM6QXBwMTUzNjg=",
            "owner": self.user("github", kind="Organization"),
            "name": "GitHub Actions",
            "description": "Automate your workflow from idea to production",
            "external_url": "https://help.github.com/en/actions",
            "html_url": f"{self.hub.server_url}/apps/github-actions",
            "created_at": "2018-07-30T09:30:17Z",
            "updated_at": "2019-12-10T19:04:12Z",
            "permissions": {"checks": "write", "contents": "write", "statuses": "write"},
            "events": ["check_run", "push", "pull_request"],
        }

    def check_run_json(self, repo: FakeRepo, run: Mapping[str, Json]) -> Json:
        url = self.repo_url(repo)
        return {
            "id": run["id"],
            "node_id": f"CR_{run['id']}",
            "head_sha": run["head_sha"],
            "external_id": "",
            "url": f"{url}/check-runs/{run['id']}",
            "html_url": f"{self.hub.server_url}/{repo.full_name}/runs/{run['id']}",
            "details_url": f"{self.hub.server_url}/{repo.full_name}/runs/{run['id']}",
            "status": run["status"],
            "conclusion": run["conclusion"],
            "started_at": run["started_at"],
            "completed_at": run["completed_at"],
            "output": {
                "title": None,
                "summary": None,
                "text": None,
                "annotations_count": 0,
                "annotations_url": f"{url}/check-runs/{run['id']}/annotations",
            },
            "name": run["name"],
            "check_suite": {"id": 7},
            "app": self.app(),
            "pull_requests": [],
        }

    def commit_status_json(self, repo: FakeRepo, status: Mapping[str, Json], *, creator: bool = True) -> Json:
        """A commit status; the combined status lists them without ``creator``."""
        out = {
            "url": f"{self.repo_url(repo)}/statuses/{status['sha']}",
            "avatar_url": None,
            "id": status["id"],
            "node_id": f"SC_{status['id']}",
            "state": status["state"],
            "description": status["description"],
            "target_url": status["target_url"],
            "context": status["context"],
            "created_at": status["created_at"],
            "updated_at": status["created_at"],
        }
        if creator:
            out["creator"] = self.user(status["creator"])
        return out

    def minimal_repository(self, repo: FakeRepo) -> Json:
        full = self.repository(repo)
        return {k: v for k, v in full.items() if k not in ("network_count", "subscribers_count", "license")}

    def team_json(self, team: Team) -> Json:
        url = f"{self.base}/organizations/1/team/{team.team_id}"
        org_url = f"{self.base}/orgs/{team.org}"
        return {
            "id": team.team_id,
            "node_id": f"T_{team.team_id}",
            "url": url,
            "html_url": f"{self.hub.server_url}/orgs/{team.org}/teams/{team.slug}",
            "name": team.name,
            "slug": team.slug,
            "description": None,
            "privacy": "closed",
            "notification_setting": "notifications_enabled",
            "permission": "pull",
            "type": "organization",
            "members_url": f"{url}/members{{/member}}",
            "repositories_url": f"{url}/repos",
            "parent": None,
            "members_count": sum(state == "active" for state in team.members.values()),
            "repos_count": 0,
            "created_at": CREATED,
            "updated_at": CREATED,
            "organization": {
                **{
                    k: v for k, v in self.user(team.org, kind="Organization").items() if k in ("login", "id", "node_id")
                },
                "url": org_url,
                "repos_url": f"{org_url}/repos",
                "events_url": f"{org_url}/events",
                "hooks_url": f"{org_url}/hooks",
                "issues_url": f"{org_url}/issues",
                "members_url": f"{org_url}/members{{/member}}",
                "public_members_url": f"{org_url}/public_members{{/member}}",
                "avatar_url": f"https://avatars.example.test/o/{quote(team.org)}",
                "description": None,
                "html_url": f"{self.hub.server_url}/{team.org}",
                "has_organization_projects": False,
                "has_repository_projects": False,
                "public_repos": 0,
                "public_gists": 0,
                "followers": 0,
                "following": 0,
                "type": "Organization",
                "created_at": CREATED,
                "updated_at": CREATED,
                "archived_at": None,
            },
        }

    def deployment_json(self, repo: FakeRepo, dep: Mapping[str, Json]) -> Json:
        url = self.repo_url(repo)
        return {
            **{k: v for k, v in dep.items() if not k.startswith("_")},
            "url": f"{url}/deployments/{dep['id']}",
            "node_id": f"DE_{dep['id']}",
            "creator": self.user(self.hub.login),
            "statuses_url": f"{url}/deployments/{dep['id']}/statuses",
            "repository_url": url,
        }

    def status_json(self, repo: FakeRepo, dep_id: int, status: Mapping[str, Json]) -> Json:
        url = self.repo_url(repo)
        return {
            **status,
            "url": f"{url}/deployments/{dep_id}/statuses/{status['id']}",
            "node_id": f"DES_{status['id']}",
            "creator": self.user(self.hub.login),
            "deployment_url": f"{url}/deployments/{dep_id}",
            "repository_url": url,
        }
