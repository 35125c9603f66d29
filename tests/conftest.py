"""Shared pytest setup: the repository root on ``sys.path`` (for ``entrypoint``), and fixture
modules kept in subfolders loaded by path.

``tests/docker/fixtures.py`` cannot be imported as ``docker.fixtures`` (that name is the Docker
SDK), so it is registered as the module ``action_fixtures`` and its fixtures re-exported.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_action_fixtures = _load("action_fixtures", ROOT / "tests" / "docker" / "fixtures.py")
action_image = _action_fixtures.action_image
action_runner = _action_fixtures.action_runner
docker_client = _action_fixtures.docker_client
