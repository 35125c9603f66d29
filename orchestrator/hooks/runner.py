"""Run one hook: an argument list (never a shell), no stdin, bounded output, a deadline.

The hook inherits this process's environment and working directory, as the reference's
sub-scripts do. Its standard output and standard error are read concurrently and capped; a hook
that writes more, or runs past its timeout, is killed together with its process group and the
phase fails closed with one line naming the variable.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from orchestrator.core.errors import OrchestratorError
from orchestrator.hooks.config import Hook

MAX_STDOUT_BYTES = 16 << 20
"""The most standard output one hook may produce (a decision or an apply record is a few KiB)."""
MAX_STDERR_BYTES = 1 << 20
"""The most standard error kept; more fails the hook too, so nothing grows without limit."""
_CHUNK = 1 << 16


@dataclass(frozen=True)
class HookRun:
    """What a finished hook left: its exit status and both output streams."""

    hook: Hook
    exit_code: int
    stdout: bytes
    stderr: bytes

    def last_words(self, limit: int = 400) -> str:
        """The last non-empty line the hook wrote (stderr first), for a one-line error."""
        for stream in (self.stderr, self.stdout):
            lines = [line.strip() for line in stream.decode("utf-8", errors="replace").splitlines() if line.strip()]
            if lines:
                text = lines[-1].removeprefix("error:").strip()
                return text if len(text) <= limit else text[:limit] + "..."
        return ""

    def failure(self, what: str = "") -> OrchestratorError:
        """The error for a non-zero exit: the variable, the status and the hook's own last words."""
        words = self.last_words()
        detail = f": {words}" if words else ""
        ended = (
            f"was killed by signal {-self.exit_code}" if self.exit_code < 0 else f"exited with status {self.exit_code}"
        )
        return OrchestratorError(f"{self.hook.variable}{what} {ended}{detail}")


class HookError(OrchestratorError):
    """The hook could not be run to completion (not startable, too much output, timed out)."""


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    process.wait()


def _collect(process: subprocess.Popen[bytes], hook: Hook, deadline: float) -> tuple[bytes, bytes]:
    """Both streams until they close, within the size caps and the deadline."""
    assert process.stdout is not None
    assert process.stderr is not None
    out, err = process.stdout.fileno(), process.stderr.fileno()
    limits = {out: MAX_STDOUT_BYTES, err: MAX_STDERR_BYTES}
    buffers = {out: bytearray(), err: bytearray()}
    with selectors.DefaultSelector() as selector:
        for fd in buffers:
            selector.register(fd, selectors.EVENT_READ)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _timed_out(hook)
            for key, _ in selector.select(remaining):
                fd = key.fd
                chunk = os.read(fd, _CHUNK)
                if not chunk:
                    selector.unregister(fd)
                    continue
                buffers[fd].extend(chunk)
                if len(buffers[fd]) > limits[fd]:
                    name = "output" if fd == out else "error output"
                    raise HookError(f"{hook.variable} wrote more than {limits[fd]} bytes of {name} and was stopped")
    return bytes(buffers[out]), bytes(buffers[err])


def _timed_out(hook: Hook) -> HookError:
    return HookError(f"{hook.variable} did not finish within {hook.timeout:g} seconds and was stopped")


def run_hook(hook: Hook, args: Sequence[str]) -> HookRun:
    """Run ``hook`` with ``args`` and wait for it; never through a shell, never longer than its timeout."""
    try:
        process = subprocess.Popen(
            [str(hook.executable), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise HookError(f"{hook.variable} could not be started: {hook.executable}: {exc.strerror or exc}") from None
    deadline = time.monotonic() + hook.timeout
    try:
        stdout, stderr = _collect(process, hook, deadline)
        code = process.wait(timeout=max(0.01, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        _kill(process)
        raise _timed_out(hook) from None
    except BaseException:
        _kill(process)
        raise
    finally:
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
    return HookRun(hook=hook, exit_code=code, stdout=stdout, stderr=stderr)


def fingerprint(path: Path) -> tuple[int, int, int, int] | None:
    """Identity and change time of the file at ``path`` (not followed), to tell a fresh write from a stale file."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino, info.st_mtime_ns, info.st_size)


@contextlib.contextmanager
def scratch_copy(text: str, suffix: str = ".json") -> Iterator[Path]:
    """``text`` in a private temporary file (mode 0600) for a hook to read, removed afterwards."""
    fd, name = tempfile.mkstemp(prefix="promotion-rollout-hook-", suffix=suffix)
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
        yield path
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
