"""Stand-ins for the reference's phase scripts, written as small executables for the hook tests.

Each stub is a Python script (this interpreter in its ``#!`` line) that records the arguments it
received to ``$HOOK_STUB_LOG`` (one JSON list per call) and then plays its phase from environment
variables, as the reference's own bats stubs do.
"""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path
from typing import Any

_PRELUDE = f"""#!{sys.executable}
import json, os, sys
args = sys.argv[1:]
if os.environ.get("HOOK_STUB_LOG"):
    with open(os.environ["HOOK_STUB_LOG"], "a") as log:
        log.write(json.dumps(args) + "\\n")
def flag(name, default=""):
    return args[args.index(name) + 1] if name in args else default
"""

CI_STUB = (
    _PRELUDE
    + """
decision = os.environ.get("STUB_DECISION", "promote")
result = {"schemaVersion": "v1", "summary": {"decision": decision, "failedGates": [], "reasonCodes": []}}
if os.environ.get("STUB_TRACE_ID"):
    result["traceId"] = os.environ["STUB_TRACE_ID"]
text = os.environ.get("STUB_RESULT_TEXT")
if os.environ.get("STUB_WRITE", "1") == "1":
    with open(flag("--result-file"), "w") as handle:
        handle.write(text if text is not None else json.dumps(result))
    with open(flag("--summary-file"), "w") as handle:
        handle.write("stub summary decision=" + decision + "\\n")
print(json.dumps({"summary": {"decision": decision}}))
if "--fail-on-hold" in args and decision == "hold":
    sys.exit(2)
sys.exit(int(os.environ.get("STUB_EXIT", "0")))
"""
)

APPLY_STUB = (
    _PRELUDE
    + """
intent = flag("--intent")
with open(flag("--promotion-state-file")) as handle:
    decision = json.load(handle)["summary"]["decision"]
if intent != "rollback" and decision != "promote":
    print(f"intent {intent} requires promotion decision promote (found: {decision})", file=sys.stderr)
    sys.exit(7)
refs = [args[i + 1] for i, a in enumerate(args) if a == "--evidence-ref"]
record = {
    "schemaVersion": "v1",
    "status": "applied",
    "intent": os.environ.get("STUB_INTENT", intent),
    "promotionDecision": decision,
    "traceId": flag("--trace-id") or None,
    "loopId": flag("--loop-id") or None,
    "horizonRef": flag("--horizon-ref") or None,
    "evidenceRefs": refs,
}
print(os.environ.get("STUB_OUTPUT", json.dumps(record)))
"""
)

GATES_STUB = (
    _PRELUDE
    + """
decision = os.environ.get("STUB_DECISION", "promote")
failed = [] if decision == "promote" else ["manual_backlog"]
state = {"schemaVersion": "v1", "traceId": flag("--trace-id") or "gates-own-trace",
         "summary": {"decision": decision, "promote": decision == "promote", "failedGates": failed,
                     "reasonCodes": [] if decision == "promote" else ["promotion_manual_backlog_exceeded"]}}
print(os.environ.get("STUB_OUTPUT", json.dumps(state)))
if "--fail-on-hold" in args and decision == "hold":
    sys.exit(2)
sys.exit(int(os.environ.get("STUB_EXIT", "0")))
"""
)

PRINTER_STUB = (
    _PRELUDE
    + """
path = os.environ.get("STUB_OUTPUT_FILE")
if path:
    with open(path) as handle:
        sys.stdout.write(handle.read())
else:
    sys.stdout.write(os.environ.get("STUB_OUTPUT", "{}"))
sys.exit(int(os.environ.get("STUB_EXIT", "0")))
"""
)
"""Prints a canned document (``$STUB_OUTPUT_FILE`` or ``$STUB_OUTPUT``): a status or registry hook."""

SLEEPER_STUB = _PRELUDE + "\nimport time\ntime.sleep(60)\n"
FLOOD_STUB = _PRELUDE + "\nsys.stdout.write('x' * (20 << 20))\n"


def write_stub(path: Path, source: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def not_executable(path: Path) -> Path:
    path.write_text(_PRELUDE)
    path.chmod(0o644)
    return path


def calls(log: Path) -> list[list[str]]:
    """Every argument list the stubs received, in order."""
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line]


def load(path: Path) -> Any:
    return json.loads(path.read_text())


def real_registry_view(registry: Path) -> str:
    """The registry view a faithful registry hook would print (the engine's own ``registry``)."""
    from orchestrator.core.registry.view import normalized

    doc = json.loads(registry.read_text())
    return json.dumps(normalized(doc, str(registry), None))
