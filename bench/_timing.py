"""Wall time, CPU time and peak RSS of one child process (``os.wait4`` gives that child's own rusage)."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Measured:
    """One run of a child: wall seconds, CPU seconds (user + system), peak RSS in KiB, exit status."""

    wall: float
    cpu: float
    peak_kib: int
    code: int


def measure(command: Sequence[str], env: dict[str, str] | None = None) -> Measured:
    """Run ``command`` with stdout discarded and return its own times and peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stderr is not None:
        proc.stderr.close()
    return Measured(wall, usage.ru_utime + usage.ru_stime, int(usage.ru_maxrss), proc.returncode)


def run_once(command: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, int, int]:
    """(wall seconds, peak RSS KiB, exit status) of ``command`` with stdout discarded."""
    run = measure(command, env)
    return run.wall, run.peak_kib, run.code


def median_run(command: Sequence[str], runs: int, env: dict[str, str] | None = None) -> tuple[float, int, list[int]]:
    walls, peaks, codes = [], [], []
    for _ in range(runs):
        wall, peak, code = run_once(command, env)
        walls.append(wall)
        peaks.append(peak)
        codes.append(code)
    return statistics.median(walls), max(peaks), codes


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_kb = 0
    try:
        with open("/proc/meminfo") as handle:
            mem_kb = int(handle.readline().split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return f"{model}, {os.cpu_count()} cores, {mem_kb / 1048576:.0f} GiB"


def load() -> str:
    """The 1/5/15-minute load averages, to tell a quiet machine from a busy one in the results."""
    try:
        return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "load average unknown"
