"""Renders e-mails from Jinja2 templates: a shared layout, HTML and plain-text parts, nl and en.

A template ``email/<name>.<language>.html`` (and ``.txt``) sets ``subject`` with
``{% set subject = ... %}`` and fills the layout's ``body`` block.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


class Renderer:
    def __init__(self) -> None:
        self._env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def render(self, name: str, language: str, context: dict[str, Any]) -> RenderedEmail:
        html_template = self._env.get_template(f"email/{name}.{language}.html")
        text_template = self._env.get_template(f"email/{name}.{language}.txt")
        module = html_template.make_module(context)
        return RenderedEmail(
            subject=str(getattr(module, "subject")).strip(),
            text=text_template.render(context).strip() + "\n",
            html=str(module),
        )
