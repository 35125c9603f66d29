"""Shared pytest setup.

The suite runs in ``--import-mode=importlib`` with the repository root on ``sys.path`` (pytest's
``pythonpath`` setting in pyproject.toml): tests import ``entrypoint`` and their helpers by full
name (``tests.fakes.github_server``, ``tests.engine.engine_support``, ...). The container-action
harness in ``tests/action_harness/`` is a plugin, so its fixtures reach every test module.
"""

from __future__ import annotations

pytest_plugins = ["tests.action_harness.fixtures"]
