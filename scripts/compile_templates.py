"""Compile the summary templates to Python ahead of time: ``python scripts/compile_templates.py``.

The rendered output is the same; a run then imports the compiled templates instead of compiling
the sources. ``tests/contract/test_compiled_templates.py`` fails when the compiled copies are stale.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from orchestrator.render.markdown import COMPILED, environment, source_loader


def compile_into(target: Path) -> None:
    """Write one ``tmpl_<sha1>.py`` module per template into ``target`` (replacing what was there)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    environment(source_loader()).compile_templates(str(target), zip=None, ignore_errors=False)


def main(argv: list[str]) -> int:
    if argv and argv[0].startswith("-"):
        print(
            "usage: python scripts/compile_templates.py [FOLDER]  (writes the compiled templates; default: the package's own folder)"
        )
        return 0 if argv[0] in ("-h", "--help") else 2
    compile_into(Path(argv[0]) if argv else COMPILED)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
