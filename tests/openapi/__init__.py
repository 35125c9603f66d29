"""Tests against a reference nobody here wrote: GitHub's official OpenAPI description of its REST API.

* ``npm``: installs the pinned npm projects of the test suite (``npm ci`` from the lock file);
* ``schema``: OpenAPI 3.0 schemas as JSON Schema for ``jsonschema``;
* ``spec``: the api.github.com description from ``@octokit/openapi`` and the operation a path calls;
* ``contract``: one request and its answer checked against the description.

The fake GitHub (``tests/fakes/github_server.py``) checks every exchange it serves, so every request
our GitHub integration sends in the suite, and every answer the fake gives, is held to GitHub's
description.
"""
