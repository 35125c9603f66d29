"""The templates compiled ahead of time are exactly what the sources compile to today."""

from __future__ import annotations

from pathlib import Path

from orchestrator.render.markdown import COMPILED
from scripts.compile_templates import compile_into


def test_compiled_templates_are_fresh(tmp_path: Path) -> None:
    fresh = tmp_path / "compiled"
    compile_into(fresh)
    expected = {path.name: path.read_text() for path in fresh.iterdir()}
    committed = {path.name: path.read_text() for path in COMPILED.iterdir() if path.suffix == ".py"}
    assert committed == expected, "run: python scripts/compile_templates.py"
