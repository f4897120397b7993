"""Embedded mode: e-mails become .eml files, listed on /mailbox with their links clickable."""

from __future__ import annotations

import html
import re

from tests.integration.notifications.support import new_id


def test_the_mailbox_lists_every_message_and_shows_its_links(make_harness, tmp_path):
    harness = make_harness(smtp={}, env={"BUURT_MAIL_DIR": str(tmp_path / "mail")})  # no SMTP host: files
    ann = new_id()
    harness.join(ann, "ann@example.org", themes=["jeugd-jongeren"])
    assert harness.send().sent == 2
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 2

    listing = harness.client.get("/mailbox")
    assert listing.status_code == 200
    pages = re.findall(r'href="(/mailbox/[0-9a-f]{40}\.eml)"', listing.text)
    assert len(pages) == 2
    for page in pages:
        shown = harness.client.get(page)
        assert shown.status_code == 200
        # The HTML part is shown in a frame whose links open in the whole window...
        frame = html.unescape(re.search(r'srcdoc="([^"]*)"', shown.text).group(1))
        assert '<base target="_top">' in frame and 'href="http://buurt.test/notifications/preferences/' in frame
        # ...and the plain-text part has its links turned into anchors.
        assert re.search(r'<a href="http://buurt.test/intake/erase/erase-[^"]+"[^>]* target="_top"', shown.text)
    assert harness.client.get("/mailbox/../../etc/passwd").status_code == 404
