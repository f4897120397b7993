"""A URL converter for theme slugs in paths (``<theme:slug>``), documented as the taxonomy's enum.

It matches any segment, so an unknown slug still reaches the view and gets its 422 problem.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api
from werkzeug.routing import BaseConverter

from shared import reference


class ThemeConverter(BaseConverter):
    pass


def theme_parameter_schema(converter: ThemeConverter) -> dict:
    return {"type": "string", "enum": sorted(reference.theme_slugs())}


def install_theme_converter(app: Flask, api: Api) -> None:
    app.url_map.converters["theme"] = ThemeConverter
    api.register_converter(ThemeConverter, theme_parameter_schema)
