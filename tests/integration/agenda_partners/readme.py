"""The Python examples of services/agenda/partners/README.md, loaded so tests can run them."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[3] / "services" / "agenda" / "partners" / "README.md"


def example(name: str) -> dict:
    """Executes the ```python block after ``<!-- example: name -->`` and returns its namespace."""
    match = re.search(rf"<!-- example: {re.escape(name)} -->\s*```python\n(.*?)```", README.read_text(), re.S)
    assert match, f"README.md has no example {name!r}"
    namespace: dict = {"__name__": f"readme_{name.replace('-', '_')}"}
    exec(compile(match.group(1), f"README.md:{name}", "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace
