"""The fake GitHub's repository and git data routes: the repository, refs, blobs, trees, commits, contents."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from tests.fakes.github_model import TREE_MODES, HttpError, b64_lines
from tests.fakes.github_request import OWNER_REPO, Answer, Request, invalid, ok, route

Json = Any


@route("GET", OWNER_REPO)
def _get_repo(req: Request, owner: str, name: str) -> Answer:
    return ok(req.repository(req.repo(owner, name)))


@route("GET", OWNER_REPO + r"/git/refs?/(.+)")
def _get_ref(req: Request, owner: str, name: str, ref: str) -> Answer:
    repo = req.repo(owner, name)
    full = f"refs/{ref}"
    if full in repo.refs:
        return ok(req.ref_json(repo, full))
    if "/git/refs/" in req.path:
        matches = sorted(r for r in repo.refs if r.startswith(full + "/"))
        if matches:
            return ok([req.ref_json(repo, r) for r in matches])
    raise HttpError(404, "Not Found")


@route("PATCH", OWNER_REPO + r"/git/refs/(.+)")
def _update_ref(req: Request, owner: str, name: str, ref: str) -> Answer:
    repo = req.repo(owner, name)
    full = f"refs/{ref}"
    sha = req.body.get("sha")
    force = req.body.get("force", False)
    repo.ref_updates.append({"ref": full, "sha": sha, "force": force})
    if full not in repo.refs:
        raise invalid("Reference does not exist")
    if not isinstance(sha, str) or sha not in repo.commit_objects:
        raise invalid("Object does not exist")
    if full in repo.protected:
        raise invalid(f"Protected branch update failed for {full}.")
    if force is not True and not repo.is_ancestor(repo.refs[full], sha):
        raise invalid("Update is not a fast forward")
    repo.refs[full] = sha
    return ok(req.ref_json(repo, full))


@route("POST", OWNER_REPO + r"/git/refs")
def _create_ref(req: Request, owner: str, name: str) -> Answer:
    repo = req.repo(owner, name)
    ref, sha = req.body.get("ref"), req.body.get("sha")
    if not isinstance(ref, str) or not ref.startswith("refs/") or ref.count("/") < 2 or ".." in ref:
        raise invalid("Reference name is not well formed")
    if not isinstance(sha, str) or sha not in repo.commit_objects:
        raise invalid("Object does not exist")
    if ref in repo.refs:
        raise invalid("Reference already exists")
    repo.refs[ref] = sha
    return ok(req.ref_json(repo, ref), 201)


@route("POST", OWNER_REPO + r"/git/blobs")
def _create_blob(req: Request, owner: str, name: str) -> Answer:
    repo = req.repo(owner, name)
    content = req.body.get("content")
    encoding = req.body.get("encoding", "utf-8")
    if not isinstance(content, str) or encoding not in ("utf-8", "base64"):
        raise invalid(resource="Blob", field="content", code="missing_field")
    data = base64.b64decode(content) if encoding == "base64" else content.encode("utf-8")
    sha = repo.put_blob(data)
    return ok({"url": f"{req.repo_url(repo)}/git/blobs/{sha}", "sha": sha}, 201)


@route("GET", OWNER_REPO + r"/git/blobs/([0-9a-f]{40})")
def _get_blob(req: Request, owner: str, name: str, sha: str) -> Answer:
    repo = req.repo(owner, name)
    if sha not in repo.blobs:
        raise HttpError(404, "Not Found")
    data = repo.blobs[sha]
    return ok(
        {
            "sha": sha,
            "node_id": f"B_{sha}",
            "size": len(data),
            "url": f"{req.repo_url(repo)}/git/blobs/{sha}",
            "content": b64_lines(data),
            "encoding": "base64",
        }
    )


@route("POST", OWNER_REPO + r"/git/trees")
def _create_tree(req: Request, owner: str, name: str) -> Answer:
    repo = req.repo(owner, name)
    base_tree = req.body.get("base_tree")
    entries = req.body.get("tree")
    if base_tree is not None and base_tree not in repo.trees:
        raise invalid("base_tree is not a valid tree oid")
    if not isinstance(entries, list):
        raise invalid(resource="Tree", field="tree", code="missing_field")
    flat = repo.flatten(base_tree) if base_tree else {}
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("mode") not in TREE_MODES or not entry.get("path"):
            raise invalid("Invalid tree info")
        path = str(entry["path"]).strip("/")
        if entry.get("content") is not None:
            flat[path] = (entry["mode"], repo.put_blob(str(entry["content"]).encode()))
        elif entry.get("sha") is None:
            flat.pop(path, None)
        elif entry.get("type") == "tree":
            if entry["sha"] not in repo.trees:
                raise invalid("Invalid tree info")
            flat.update({f"{path}/{p}": v for p, v in repo.flatten(entry["sha"]).items()})
        elif entry["sha"] in repo.blobs:
            flat[path] = (entry["mode"], entry["sha"])
        else:
            raise invalid("Invalid tree info")
    sha = repo.write_tree(flat)
    return ok(req.tree_json(repo, sha, recursive=False), 201)


@route("GET", OWNER_REPO + r"/git/trees/([0-9a-f]{40})")
def _get_tree(req: Request, owner: str, name: str, sha: str) -> Answer:
    repo = req.repo(owner, name)
    if sha not in repo.trees:
        raise HttpError(404, "Not Found")
    return ok(req.tree_json(repo, sha, recursive=req.query.get("recursive") not in (None, "", "0", "false")))


@route("POST", OWNER_REPO + r"/git/commits")
def _create_commit(req: Request, owner: str, name: str) -> Answer:
    repo = req.repo(owner, name)
    message, tree, parents = req.body.get("message"), req.body.get("tree"), req.body.get("parents", [])
    if not isinstance(message, str) or not isinstance(tree, str):
        raise invalid(resource="Commit", field="message", code="missing_field")
    if tree not in repo.trees:
        raise invalid("Tree SHA does not exist")
    if not isinstance(parents, list) or any(p not in repo.commit_objects for p in parents):
        raise invalid("Parent SHA does not exist or is not a commit object")
    author = req.body.get("author") if isinstance(req.body.get("author"), dict) else None
    committer = req.body.get("committer") if isinstance(req.body.get("committer"), dict) else None
    sha = repo.put_commit(tree, list(parents), message, author, committer)
    return ok(req.commit_json(repo, repo.commit_objects[sha]), 201)


@route("GET", OWNER_REPO + r"/git/commits/([0-9a-f]{40})")
def _get_commit(req: Request, owner: str, name: str, sha: str) -> Answer:
    repo = req.repo(owner, name)
    if sha not in repo.commit_objects:
        raise HttpError(404, "Not Found")
    return ok(req.commit_json(repo, repo.commit_objects[sha]))


@route("GET", OWNER_REPO + r"/contents/?(.*)")
def _get_contents(req: Request, owner: str, name: str, path: str) -> Answer:
    repo = req.repo(owner, name)
    ref = req.query.get("ref") or None
    sha = repo.resolve(ref)
    if sha is None:
        raise HttpError(404, f"No commit found for the ref {ref}")
    flat = repo.flatten(repo.commit_objects[sha].tree)
    path = path.strip("/")
    url = req.repo_url(repo)

    def item(p: str, kind: str, obj: str, size: int) -> Json:
        link = f"{url}/contents/{quote(p)}?ref={ref or repo.default_branch}"
        html = f"{req.hub.server_url}/{repo.full_name}/blob/{ref or repo.default_branch}/{p}"
        return {
            "type": kind,
            "size": size,
            "name": p.rsplit("/", 1)[-1],
            "path": p,
            "sha": obj,
            "url": link,
            "git_url": f"{url}/git/{'blobs' if kind == 'file' else 'trees'}/{obj}",
            "html_url": html,
            "download_url": None,
            "_links": {"self": link, "git": f"{url}/git/blobs/{obj}", "html": html},
        }

    if path in flat:
        _, blob = flat[path]
        data = repo.blobs[blob]
        out = item(path, "file", blob, len(data))
        if len(data) > req.hub.contents_limit:
            out.update(content="", encoding="none")
        else:
            out.update(content=b64_lines(data), encoding="base64")
        return ok(out)
    children = sorted({p[len(path) + 1 :].split("/", 1)[0] for p in flat if p.startswith(path + "/")})
    if path == "" or children:
        listing = []
        for child in sorted({p.split("/", 1)[0] for p in flat} if path == "" else children):
            full = f"{path}/{child}" if path else child
            if full in flat:
                listing.append(item(full, "file", flat[full][1], len(repo.blobs[flat[full][1]])))
            else:
                listing.append(item(full, "dir", "0" * 40, 0))
        return ok(listing)
    raise HttpError(404, "Not Found")
