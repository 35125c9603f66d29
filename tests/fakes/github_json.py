"""The fake GitHub's answers in GitHub's documented shapes (every field the OpenAPI description requires).

URLs are built from the caller's host (``base``), so a client in a container is pointed back at the
address it used. The contract check (``tests/fakes/github_contract.py``) holds every answer to the
description, so a field missing here fails the test that first meets it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tests.fakes.github_model import Commit, FakeRepo

if TYPE_CHECKING:
    from tests.fakes.github_server import FakeGitHub

Json = Any
CREATED = "2024-01-01T00:00:00Z"

_REPO_LINKS = {
    "archive_url": "/{archive_format}{/ref}",
    "assignees_url": "/assignees{/user}",
    "blobs_url": "/git/blobs{/sha}",
    "branches_url": "/branches{/branch}",
    "collaborators_url": "/collaborators{/collaborator}",
    "comments_url": "/comments{/number}",
    "commits_url": "/commits{/sha}",
    "compare_url": "/compare/{base}...{head}",
    "contents_url": "/contents/{+path}",
    "contributors_url": "/contributors",
    "deployments_url": "/deployments",
    "downloads_url": "/downloads",
    "events_url": "/events",
    "forks_url": "/forks",
    "git_commits_url": "/git/commits{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "hooks_url": "/hooks",
    "issue_comment_url": "/issues/comments{/number}",
    "issue_events_url": "/issues/events{/number}",
    "issues_url": "/issues{/number}",
    "keys_url": "/keys{/key_id}",
    "labels_url": "/labels{/name}",
    "languages_url": "/languages",
    "merges_url": "/merges",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "pulls_url": "/pulls{/number}",
    "releases_url": "/releases{/id}",
    "stargazers_url": "/stargazers",
    "statuses_url": "/statuses/{sha}",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "tags_url": "/tags",
    "teams_url": "/teams",
    "trees_url": "/git/trees{/sha}",
}
_USER_LINKS = {
    "events_url": "/events{/privacy}",
    "followers_url": "/followers",
    "following_url": "/following{/other_user}",
    "gists_url": "/gists{/gist_id}",
    "organizations_url": "/orgs",
    "received_events_url": "/received_events",
    "repos_url": "/repos",
    "starred_url": "/starred{/owner}{/repo}",
    "subscriptions_url": "/subscriptions",
}


class Renderer:
    """JSON renderers over the hub's state; ``_Request`` adds the request itself."""

    hub: FakeGitHub
    base: str

    def repo_url(self, repo: FakeRepo) -> str:
        return f"{self.base}/repos/{repo.full_name}"

    def user(self, login: str, *, kind: str | None = None) -> Json:
        url = f"{self.base}/users/{quote(login)}"
        return {
            "login": login,
            "id": sum(login.encode()) * 7919 % 10_000_000 + 1,
            "node_id": f"U_{login}",
            "avatar_url": f"https://avatars.example.test/u/{quote(login)}",
            "gravatar_id": "",
            "url": url,
            "html_url": f"{self.hub.server_url}/{quote(login)}",
            **{key: url + suffix for key, suffix in _USER_LINKS.items()},
            "type": kind or ("Bot" if login.endswith("[bot]") else "User"),
            "site_admin": False,
        }

    def repository(self, repo: FakeRepo) -> Json:
        """The full repository (``GET /repos/{owner}/{repo}``); ``repository`` and the minimal one are subsets."""
        url = self.repo_url(repo)
        clone = f"{self.hub.server_url}/{repo.full_name}"
        return {
            "id": repo.repo_id,
            "node_id": f"R_{repo.repo_id}",
            "name": repo.name,
            "full_name": repo.full_name,
            "owner": self.user(repo.owner, kind="Organization"),
            "private": True,
            "html_url": clone,
            "description": None,
            "fork": False,
            "url": url,
            **{key: url + suffix for key, suffix in _REPO_LINKS.items()},
            "git_url": f"git://{clone.split('://', 1)[-1]}.git",
            "ssh_url": f"git@{clone.split('://', 1)[-1].split('/', 1)[0]}:{repo.full_name}.git",
            "clone_url": f"{clone}.git",
            "svn_url": clone,
            "mirror_url": None,
            "homepage": None,
            "language": None,
            "forks": 0,
            "forks_count": 0,
            "stargazers_count": 0,
            "watchers": 0,
            "watchers_count": 0,
            "size": 0,
            "default_branch": repo.default_branch,
            "open_issues": 0,
            "open_issues_count": 0,
            "is_template": False,
            "topics": [],
            "has_issues": True,
            "has_projects": False,
            "has_wiki": False,
            "has_pages": False,
            "has_downloads": False,
            "has_discussions": False,
            "archived": False,
            "disabled": False,
            "visibility": "private",
            "license": None,
            "permissions": {"admin": False, "maintain": False, "push": True, "triage": False, "pull": True},
            "network_count": 0,
            "subscribers_count": 0,
            "created_at": CREATED,
            "updated_at": CREATED,
            "pushed_at": CREATED,
        }

    def commit_json(self, repo: FakeRepo, commit: Commit) -> Json:
        url = self.repo_url(repo)
        return {
            "sha": commit.sha,
            "node_id": f"C_{commit.sha}",
            "url": f"{url}/git/commits/{commit.sha}",
            "html_url": f"{self.hub.server_url}/{repo.full_name}/commit/{commit.sha}",
            "author": commit.author,
            "committer": commit.committer,
            "message": commit.message,
            "tree": {"sha": commit.tree, "url": f"{url}/git/trees/{commit.tree}"},
            "parents": [
                {
                    "sha": p,
                    "url": f"{url}/git/commits/{p}",
                    "html_url": f"{self.hub.server_url}/{repo.full_name}/commit/{p}",
                }
                for p in commit.parents
            ],
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "signature": None,
                "payload": None,
                "verified_at": None,
            },
        }

    def ref_json(self, repo: FakeRepo, name: str) -> Json:
        sha = repo.refs[name]
        url = self.repo_url(repo)
        return {
            "ref": name,
            "node_id": f"REF_{name}",
            "url": f"{url}/git/{quote(name)}",
            "object": {"sha": sha, "type": "commit", "url": f"{url}/git/commits/{sha}"},
        }

    def tree_json(self, repo: FakeRepo, sha: str, recursive: bool) -> Json:
        url = self.repo_url(repo)
        items: list[Json] = []

        def walk(tree_sha: str, prefix: str) -> None:
            for e in repo.trees[tree_sha]:
                item: dict[str, Json] = {"path": f"{prefix}{e.name}", "mode": e.mode, "type": e.kind, "sha": e.sha}
                if e.kind == "blob":
                    item.update(size=len(repo.blobs.get(e.sha, b"")), url=f"{url}/git/blobs/{e.sha}")
                elif e.kind == "tree":
                    item["url"] = f"{url}/git/trees/{e.sha}"
                items.append(item)
                if recursive and e.kind == "tree":
                    walk(e.sha, f"{prefix}{e.name}/")

        walk(sha, "")
        return {"sha": sha, "url": f"{url}/git/trees/{sha}", "tree": items, "truncated": False}

    def pull_json(self, repo: FakeRepo, pull: Mapping[str, Json]) -> Json:
        """A pull request; the list answers the same object, which has every field the list needs."""
        url = self.repo_url(repo)
        number = pull["number"]
        html = f"{self.hub.server_url}/{repo.full_name}/pull/{number}"

        def side(branch: str) -> Json:
            return {
                "label": f"{repo.owner}:{branch}",
                "ref": branch,
                "sha": repo.refs.get(f"refs/heads/{branch}", "0" * 40),
                "user": self.user(repo.owner, kind="Organization"),
                "repo": self.repository(repo),
            }

        head_sha = repo.refs.get(f"refs/heads/{pull['head']}", "0" * 40)
        links = {
            "self": f"{url}/pulls/{number}",
            "html": html,
            "issue": f"{url}/issues/{number}",
            "comments": f"{url}/issues/{number}/comments",
            "review_comments": f"{url}/pulls/{number}/comments",
            "review_comment": f"{url}/pulls/comments{{/number}}",
            "commits": f"{url}/pulls/{number}/commits",
            "statuses": f"{url}/statuses/{head_sha}",
        }
        return {
            "url": links["self"],
            "id": 50000 + number,
            "node_id": f"PR_{number}",
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": links["issue"],
            "commits_url": links["commits"],
            "review_comments_url": links["review_comments"],
            "review_comment_url": links["review_comment"],
            "comments_url": links["comments"],
            "statuses_url": links["statuses"],
            "number": number,
            "state": pull["state"],
            "locked": False,
            "title": pull["title"],
            "user": self.user(pull["user"]),
            "body": pull["body"],
            "labels": [],
            "milestone": None,
            "assignee": None,
            "assignees": [],
            "requested_reviewers": [],
            "requested_teams": [],
            "created_at": pull["created_at"],
            "updated_at": pull["created_at"],
            "closed_at": None,
            "merged_at": None,
            "merge_commit_sha": None,
            "draft": False,
            "head": side(pull["head"]),
            "base": side(pull["base"]),
            "_links": {key: {"href": href} for key, href in links.items()},
            "author_association": "MEMBER",
            "auto_merge": None,
            "merged": False,
            "mergeable": None,
            "mergeable_state": "unknown",
            "merged_by": None,
            "maintainer_can_modify": False,
            "comments": 0,
            "review_comments": 0,
            "commits": 1,
            "additions": 0,
            "deletions": 0,
            "changed_files": 0,
        }

    def review_json(self, repo: FakeRepo, number: int, review: Mapping[str, Json]) -> Json:
        url = self.repo_url(repo)
        html = f"{self.hub.server_url}/{repo.full_name}/pull/{number}#pullrequestreview-{review['id']}"
        out = {
            "id": review["id"],
            "node_id": f"PRR_{review['id']}",
            "user": self.user(review["user"]),
            "body": review["body"],
            "state": review["state"],
            "html_url": html,
            "pull_request_url": f"{url}/pulls/{number}",
            "_links": {"html": {"href": html}, "pull_request": {"href": f"{url}/pulls/{number}"}},
            "commit_id": repo.refs.get(f"refs/heads/{repo.pulls[number]['head']}"),
            "author_association": "MEMBER",
        }
        if review["submitted_at"]:
            out["submitted_at"] = review["submitted_at"]
        return out
