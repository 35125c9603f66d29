"""Markdown summaries rendered from the package's ``templates/`` with every interpolated value escaped.

Values from operators and evidence files reach GitHub's step summary and pull request bodies, so
each ``{{ }}`` is escaped by default (``finalize``): it cannot open HTML, links or images, start a
heading or break a table. Templates opt out only through the ``code`` and ``cellcode`` filters,
which escape for their own context; ``text`` and ``cell`` name the default escaping where a
template wants it explicit (``md_text`` escapes ``|``, so a cell keeps its columns).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#!|~])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_WWW = re.compile(r"(?i)\b(www)\.")


class Safe(str):
    """Text already escaped for its markdown context."""


def _one_line(value: object) -> str:
    return re.sub(r"[\r\n\t\v\f\u2028\u2029\x85]+", " ", str(value))


def md_text(value: object) -> Safe:
    """Inline text: HTML entities, backslash escapes for markdown syntax, one line, no autolinks."""
    if isinstance(value, Safe):
        return value
    text = "".join(_HTML.get(ch, ch) for ch in _one_line(value))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return Safe(_no_autolinks(text))


def _no_autolinks(text: str) -> str:
    """Break GitHub's autolinks (``https://``, ``www.``, e-mail addresses) without changing what is shown.

    GitHub links such text even when nobody wrote a link; in governance text from a workflow input
    that is a phishing vector. An entity for the ``:`` of ``://`` or the ``.`` after ``www``, and a
    word joiner after ``@``, keep the rendered characters and stop the link (checked with cmark-gfm).
    """
    text = text.replace("://", "&#58;//").replace("@", "@&#8288;")
    return _WWW.sub(r"\1&#46;", text)


def md_code(value: object) -> Safe:
    """A code span that no backtick inside the value can close early."""
    text = _one_line(value)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or longest else ""
    return Safe(f"{fence}{pad}{text}{pad}{fence}")


def md_identifier(value: object) -> Safe:
    """Engine identifiers (gate names, reason codes) verbatim, so log scrapers see the plain text."""
    text = str(value)
    return Safe(text) if re.fullmatch(r"[a-z0-9_]+", text) else md_text(text)


def md_cell_code(value: object) -> Safe:
    """A code span in a table cell: a pipe inside it would otherwise end the cell."""
    return Safe(md_code(value).replace("|", "\\|"))


def _finalize(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Safe):
        return value
    return md_text(value)


COMPILED = Path(__file__).resolve().parent / "compiled"
"""The templates compiled to Python ahead of time (``scripts/compile_templates.py``): compiling the
sources at every run cost ~40 ms of a ~250 ms dry run. A test fails when they are stale."""


def environment(loader: jinja2.BaseLoader) -> jinja2.Environment:
    """The one configuration the summaries are rendered (and compiled ahead of time) with."""
    env = jinja2.Environment(
        loader=loader,
        autoescape=False,  # noqa: S701 - markdown, escaped by finalize/filters
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(ident=md_identifier, code=md_code, cell=md_text, cellcode=md_cell_code, text=md_text)
    return env


def source_loader() -> jinja2.BaseLoader:
    return jinja2.PackageLoader("orchestrator.render", "templates")


@cache
def _environment() -> jinja2.Environment:
    return environment(jinja2.ChoiceLoader([jinja2.ModuleLoader(str(COMPILED)), source_loader()]))


def render(template: str, **context: Any) -> str:
    return _environment().get_template(template).render(**context)
