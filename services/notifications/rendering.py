"""Renders e-mails from Jinja2 templates: a shared layout, HTML and plain-text parts, nl and en.

A template ``email/<name>.<language>.html`` (and ``.txt``) extends the shared layout
(``email/layout.html``, ``email/layout.txt``), sets ``subject`` with ``{% set subject = ... %}``
in the HTML template and fills the layout's ``body`` block. Theme labels come from the
project's taxonomy in the member's language (``theme_label(slug, language)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from shared import reference

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def theme_label(slug: str, language: str) -> str:
    theme = reference.themes_by_slug().get(slug)
    return theme.label(language) if theme else slug


class Renderer:
    def __init__(self) -> None:
        self._env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.globals["theme_label"] = theme_label

    def render(self, name: str, language: str, context: dict[str, Any]) -> RenderedEmail:
        html_template = self._env.get_template(f"email/{name}.{language}.html")
        text_template = self._env.get_template(f"email/{name}.{language}.txt")
        module = html_template.make_module(context)
        return RenderedEmail(
            subject=str(getattr(module, "subject")).strip(),
            text=text_template.render(context).strip() + "\n",
            html=str(module),
        )
