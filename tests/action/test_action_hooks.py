"""The action does not run phase hooks: a hook variable from the workflow's ``env:`` is named and ignored."""

from __future__ import annotations

import pytest

from orchestrator.action.run import warn_ignored_hooks
from tests.action_harness.fixtures import parse_workflow_commands


def test_hook_variables_are_named_in_one_warning_and_not_run(capsys: pytest.CaptureFixture[str]) -> None:
    env = {"OPS_MANAGER_PROMOTION_APPLY_SCRIPT": "/bin/false", "OPS_MANAGER_FLEET_STATUS_SCRIPT": "", "HOME": "/"}
    warn_ignored_hooks(env)
    warnings = [c.data for c in parse_workflow_commands(capsys.readouterr().out) if c.name == "warning"]
    assert len(warnings) == 1
    assert "ignores OPS_MANAGER_PROMOTION_APPLY_SCRIPT" in warnings[0]
    assert "STATUS_SCRIPT" not in warnings[0]


def test_no_warning_without_hook_variables(capsys: pytest.CaptureFixture[str]) -> None:
    warn_ignored_hooks({"HOME": "/"})
    assert "::warning" not in capsys.readouterr().out
