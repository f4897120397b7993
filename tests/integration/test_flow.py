"""The main flow through all four services in one process, on PostgreSQL, RabbitMQ and SMTP."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.support.flow import confirmation_link, minimal_submission, theme_row
from tests.support.infrastructure import wait_until


def test_submission_to_agenda_through_the_confirmation_email(make_platform, smtp_sink):
    platform = make_platform(env=smtp_sink.env())
    intake, agenda = platform["intake"].client, platform["agenda"].client

    for i in range(5):
        response = intake.post("/api/v1/submissions", json=minimal_submission(f"maker{i}@example.org"))
        assert response.status_code == 201, response.get_json()
        assert response.headers["Location"].endswith(response.get_json()["id"])

    wait_until(lambda: len(smtp_sink.messages) == 5, timeout=20, message="five confirmation e-mails")
    assert theme_row(agenda.get("/api/v1/agenda").get_json(), "jeugd-jongeren") is None

    for message in smtp_sink.messages:
        link = urlsplit(confirmation_link(message))
        assert link.netloc == "buurt.test"
        assert intake.get(link.path.removeprefix("/intake")).status_code == 200

    def youth_theme():
        row = theme_row(agenda.get("/api/v1/agenda").get_json(), "jeugd-jongeren")
        return row if row and row["members"] == 5 else None

    row = wait_until(youth_theme, timeout=20, message="the agenda to count five members")
    assert row["questions"] == 5 and not row["suppressed"]


def test_fewer_than_five_members_stay_suppressed(make_platform, smtp_sink):
    platform = make_platform(env=smtp_sink.env())
    intake, agenda = platform["intake"].client, platform["agenda"].client
    for i in range(2):
        intake.post("/api/v1/submissions", json=minimal_submission(f"few{i}@example.org"))
    wait_until(lambda: len(smtp_sink.messages) == 2, timeout=20, message="two e-mails")
    for message in smtp_sink.messages:
        intake.get(urlsplit(confirmation_link(message)).path.removeprefix("/intake"))

    row = wait_until(lambda: theme_row(agenda.get("/api/v1/agenda").get_json(), "jeugd-jongeren"), timeout=20, message="the theme")
    assert row["suppressed"] and row["members"] is None and row["questions"] is None
