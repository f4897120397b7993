"""Notifications' pages: in embedded mode, the mailbox of written .eml files."""

from __future__ import annotations

import email
import re
from email import policy

from flask import Blueprint, abort, current_app, render_template

pages = Blueprint("pages", __name__)
_SAFE_NAME = re.compile(r"^[0-9a-f]{40}\.eml$")


def _mail_dir():
    own = current_app.extensions["notifications"].settings
    if own.smtp is not None:
        abort(404)  # real mail goes to a real server; there is nothing to list
    return own.mail_dir


@pages.get("/mailbox")
def mailbox():
    directory = _mail_dir()
    files = sorted(directory.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True) if directory.exists() else []
    messages = []
    for path in files[:200]:
        parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        messages.append({"name": path.name, "to": parsed["To"], "subject": parsed["Subject"], "date": parsed["Date"]})
    return render_template("pages/mailbox.html", messages=messages)


@pages.get("/mailbox/<name>")
def mailbox_message(name: str):
    if not _SAFE_NAME.match(name):
        abort(404)
    path = _mail_dir() / name
    if not path.exists():
        abort(404)
    parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    html = parsed.get_body(preferencelist=("html",))
    text = parsed.get_body(preferencelist=("plain",))
    return render_template(
        "pages/mailbox_message.html",
        message=parsed,
        # Links in the framed message open in the whole window, like in a mail client.
        html='<base target="_top">' + html.get_content() if html else None,
        text=text.get_content() if text else "",
    )
