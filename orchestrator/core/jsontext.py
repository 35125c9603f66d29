"""JSON text as the reference prints it: compact on one line, or indented by two spaces."""

from __future__ import annotations

from typing import Any

import orjson


def dumps(value: Any, *, pretty: bool = False) -> str:
    """One JSON document as text; ``pretty`` indents by two spaces as ``jq .`` does."""
    option = orjson.OPT_INDENT_2 if pretty else 0
    return orjson.dumps(value, option=option).decode("utf-8")
