"""Write the JSON Schemas shipped in ``orchestrator/schema/`` from the models: ``python scripts/generate_schemas.py``."""

from __future__ import annotations

import sys
from pathlib import Path

from orchestrator.core.schemas import all_schemas, render

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "orchestrator" / "schema"


def main(argv: list[str]) -> int:
    if argv and argv[0].startswith("-"):
        print(
            "usage: python scripts/generate_schemas.py [FOLDER]  (writes the schemas; default: the package's own folder)"
        )
        return 0 if argv[0] in ("-h", "--help") else 2
    target = Path(argv[0]) if argv else SCHEMA_DIR
    target.mkdir(parents=True, exist_ok=True)
    for name, schema in all_schemas().items():
        (target / name).write_text(render(schema))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
