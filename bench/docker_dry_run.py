"""Wall time of a dry run on the example fleet: ``docker run`` of the action image vs the CLI.

Each repetition gets a fresh copy of the example fleet (drills dated to now, so it promotes);
the container is started as the runner starts it (workspace mounted at /github/workspace, as the
working directory, INPUT_* variables), the CLI runs as ``python -m orchestrator orchestrate`` in
a fresh interpreter. Prints a JSON report and a markdown table row set.

    python bench/docker_dry_run.py [--runs 5] [--image promotion-rollout:bench] [--no-build]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "fleet"
MAKE_EVIDENCE = ROOT / "examples" / "tools" / "make_evidence.py"
RESULT = Path(".superloop/ops-manager/fleet/promotion-orchestrate-result.json")


def fresh_workspace(parent: Path, index: int) -> Path:
    workspace = parent / f"ws-{index}"
    shutil.copytree(EXAMPLE, workspace)
    subprocess.run([sys.executable, str(MAKE_EVIDENCE), str(workspace), "--drills-only"], check=True)
    return workspace


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"error: {command[0]} exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return elapsed


def docker_command(image: str, workspace: Path) -> list[str]:
    return [
        "docker",
        "run",
        "--rm",
        "-v",
        f"{workspace}:/github/workspace",
        "-w",
        "/github/workspace",
        "-e",
        "GITHUB_WORKSPACE=/github/workspace",
        "-e",
        "INPUT_MODE=dry_run",
        "-e",
        "INPUT_UPLOAD-ARTIFACT=false",
        image,
    ]


def cli_command(workspace: Path) -> list[str]:
    return [sys.executable, "-m", "orchestrator", "orchestrate", "--repo", str(workspace), "--mode", "dry_run"]


def build_image(image: str, base: str | None) -> None:
    if base is None:
        base = subprocess.run(
            ["bash", str(ROOT / "tests/action_harness/build_base_image.sh")], capture_output=True, text=True, check=True
        ).stdout.split()[-1]
    args = ["docker", "build", "-q", "-t", image]
    if base != "dockerfile":
        args += ["--build-arg", f"BASE_IMAGE={base}"]
    subprocess.run([*args, str(ROOT)], check=True, capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--image", default="promotion-rollout:bench")
    parser.add_argument("--base-image", help="BASE_IMAGE build argument ('dockerfile' keeps the pinned default).")
    parser.add_argument("--no-build", action="store_true", help="Use --image as it is.")
    args = parser.parse_args()

    if not args.no_build:
        build_image(args.image, args.base_image)
    size = int(
        subprocess.run(
            ["docker", "image", "inspect", args.image, "--format", "{{.Size}}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )

    docker_times: list[float] = []
    cli_times: list[float] = []
    with tempfile.TemporaryDirectory(prefix="promotion-rollout-bench-") as tmp:
        parent = Path(tmp)
        timed(docker_command(args.image, fresh_workspace(parent, -1)))
        for index in range(args.runs):
            workspace = fresh_workspace(parent, index)
            docker_times.append(timed(docker_command(args.image, workspace)))
            if json.loads((workspace / RESULT).read_text())["status"] != "preview":
                raise SystemExit("error: the container dry run did not produce a preview")
            cli_workspace = fresh_workspace(parent, 100 + index)
            cli_times.append(timed(cli_command(cli_workspace)))

    report = {
        "image": args.image,
        "imageSizeBytes": size,
        "runs": args.runs,
        "dockerRunMedianSeconds": round(statistics.median(docker_times), 3),
        "cliMedianSeconds": round(statistics.median(cli_times), 3),
        "dockerRunSeconds": [round(t, 3) for t in docker_times],
        "cliSeconds": [round(t, 3) for t in cli_times],
    }
    print(json.dumps(report, indent=2))
    print(f"| image size | {size / 1e6:.0f} MB |")
    print(f"| `docker run` dry run, median of {args.runs} | {report['dockerRunMedianSeconds']:.2f} s |")
    print(f"| CLI dry run outside the container, median of {args.runs} | {report['cliMedianSeconds']:.2f} s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
