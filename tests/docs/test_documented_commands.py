"""Every command the README and docs/*.md show in a shell block runs as written, in a copy of the repository.

A shell block (```sh, ```bash) is run whole, line continuations and all, with ``bash -e`` in a
fresh copy of the repository whose ``.venv`` is this one, so ``promotion-rollout`` and ``python``
resolve as after ``. .venv/bin/activate``. A block that cannot run in a test says so in the
markdown, right before its fence: ``<!-- not run: why -->``; blocks that run the test suite or need
Docker are recognised without one (``RUN_ELSEWHERE``). ``test_not_run`` reports every block that
was not run must say why (a test checks it). ``--help`` of every subcommand answers too.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELLS = {"sh", "bash", "shell"}
FENCE = re.compile(r"^```(\S*)\s*$")
NOT_RUN = re.compile(r"^<!--\s*not run:\s*(.+?)\s*-->$")
PROGRAMS = re.compile(r"^(promotion-rollout|python|\.venv/bin/python|bash scripts/)\b")

RUN_ELSEWHERE = [
    # A command that runs the test suite is not run by the test suite, nor one that needs Docker
    # (the end-to-end tests run the image); these need no marker, and are listed like the others.
    (re.compile(r"(^|\s)(\S*python -m pytest|pytest)\s"), "runs the test suite itself"),
    (re.compile(r"^(docker|act)\s"), "needs Docker (the end-to-end tests run the image)"),
]

KNOWN_SKIPS = {
    ("README.md", "bash scripts/test.sh"),
    ("README.md", "bash scripts/dev-setup.sh"),
    ("README.md", "docker build -t promotion-rollout ."),
    ("README.md", "docker run --rm -v"),
    ("docs/security.md", ".venv/bin/python -m pytest -q tests/engine/test_untrusted_files.py"),
}
"""Blocks that must stay skipped (so a marker that disappears, and the block with it, is noticed)."""


@dataclass(frozen=True)
class Block:
    document: str
    line: int
    text: str
    skip: str | None

    @property
    def commands(self) -> list[str]:
        """The block's commands, continuation lines joined, blank lines and comments left out."""
        joined = re.sub(r"\\\n\s*", " ", self.text)
        return [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]

    def __str__(self) -> str:
        return f"{self.document}:{self.line}"


def elsewhere(block: Block) -> str | None:
    """Why the block is not run here without a marker (it runs pytest or needs Docker), if it is not."""
    return next((why for pattern, why in RUN_ELSEWHERE for command in block.commands if pattern.search(command)), None)


def shell_blocks(path: Path) -> list[Block]:
    name = path.relative_to(ROOT).as_posix()
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        opened = FENCE.match(lines[index])
        if not opened:
            index += 1
            continue
        end = next(i for i in range(index + 1, len(lines)) if lines[i].startswith("```"))
        if opened.group(1) in SHELLS:
            before = next((lines[i].strip() for i in range(index - 1, -1, -1) if lines[i].strip()), "")
            marker = NOT_RUN.match(before)
            text = "\n".join(lines[index + 1 : end]) + "\n"
            block = Block(name, index + 1, text, marker.group(1) if marker else None)
            blocks.append(block if block.skip else Block(name, index + 1, text, elsewhere(block)))
        index = end + 1
    return blocks


BLOCKS = [block for path in DOCUMENTS for block in shell_blocks(path)]


def repository_copy(target: Path) -> Path:
    """The files of a fresh clone (tracked and not ignored), with this checkout's .venv linked in."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / ".venv").symlink_to(Path(sys.prefix))
    return target


def shell_environment(repo: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "INPUT_"))}
    env["PATH"] = f"{repo / '.venv/bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(repo / ".venv")
    env.setdefault("USER", "docs-test")
    env["NO_COLOR"] = "1"
    return env


def test_the_docs_show_commands_of_every_kind() -> None:
    commands = [command for block in BLOCKS for command in block.commands]
    assert any(command.startswith("promotion-rollout orchestrate") for command in commands)
    assert "bash scripts/demo.sh" in commands
    assert any(PROGRAMS.match(command) for block in BLOCKS if block.skip is None for command in block.commands)


def test_the_known_skips_are_still_skipped() -> None:
    skipped = [block for block in BLOCKS if block.skip]
    for document, start in KNOWN_SKIPS:
        found = any(b.document == document and any(c.startswith(start) for c in b.commands) for b in skipped)
        assert found, f"no longer skipped (or gone): {document}: {start}"


def test_every_block_not_run_says_why() -> None:
    """A block is left out only with a stated reason (``<!-- not run: why -->`` or a known kind)."""
    left_out = [block for block in BLOCKS if block.skip is not None]
    assert all(block.skip and block.skip.strip() for block in left_out), left_out


@pytest.mark.parametrize("document", sorted({block.document for block in BLOCKS if block.skip is None}))
def test_documented_commands_run_as_written(document: str, tmp_path: Path) -> None:
    """The document's shell blocks in order, in one fresh copy: a later block may use an earlier one's files."""
    blocks = [block for block in BLOCKS if block.document == document]
    runnable = [block for block in blocks if block.skip is None]
    repo = repository_copy(tmp_path / "clone")
    for block in runnable:
        done = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", block.text],
            cwd=repo,
            env=shell_environment(repo),
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, f"{block} exited {done.returncode}\n{block.text}\n{done.stdout}\n{done.stderr}"
        assert not done.stderr.startswith("error:"), f"{block}: {done.stderr}"


@pytest.mark.parametrize("command", ["", "gates", "ci", "apply", "orchestrate", "registry", "status"])
def test_help_answers(command: str) -> None:
    args = [sys.executable, "-m", "orchestrator", *([command] if command else []), "--help"]
    done = subprocess.run(args, capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: promotion-rollout"), done.stdout
    shown = [line.strip() for line in done.stdout.splitlines() if line.strip().startswith("$ ")]
    assert not shown, f"--help shows commands that no test runs: {shown}"
