"""The web form: Dutch and English, errors beside fields with the answers kept, CSRF, and the bot traps."""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

NOTHING = {"members": 0, "submissions": 0, "idempotency": 0, "outbox": 0}


def filled_form(**overrides) -> MultiDict:
    fields = MultiDict(
        [
            ("name", "Sanne de Vries"),
            ("email", "sanne@example.org"),
            ("role", "buurtmaker"),
            ("municipality", "Den Bosch"),
            ("urgent_issues.text", "Te weinig plekken voor jongeren."),
            ("urgent_issues.themes", "jeugd-jongeren"),
            ("urgent_issues.themes", "overlast"),
            ("knowledge_sources.choices", "collega"),
            ("knowledge_sources.choices", "bewoners"),
            ("learning_questions.0", "Hoe betrek je jongeren bij plannen?"),
            ("learning_questions.2", "Hoe vind je vrijwilligers?"),
            ("needs.choices", "intervisie"),
            ("consents.contact", "yes"),
            ("language", "nl"),
        ]
    )
    for name, value in overrides.items():
        fields.setlist(name.replace("__", "."), value if isinstance(value, list) else [value])
    return fields


def post_form(intake, client, form: MultiDict, lang="nl", hidden=None):
    data = MultiDict(form)
    for name, value in (hidden or intake.form_page(client, f"/?lang={lang}")).items():
        data.setdefault(name, value)
    return client.post(f"/?lang={lang}", data=data)


def test_the_form_speaks_dutch_by_default_and_english_on_request(intake):
    dutch = intake.client.get("/").get_data(as_text=True)
    english = intake.client.get("/?lang=en").get_data(as_text=True)

    assert '<html lang="nl">' in dutch and "Vertel ons wat er speelt in uw buurt" in dutch
    assert '<html lang="en">' in english and "Tell us what matters in your neighbourhood" in english
    assert 'href="/?lang=en"' in dutch and 'lang="en"' in dutch  # the switch names its own language


def test_every_input_has_a_label_and_groups_have_a_legend(intake):
    html = intake.client.get("/").get_data(as_text=True)
    ids = re.findall(r'<(?:input|textarea)[^>]*\bid="([^"]+)"', html)
    assert ids and all(f'for="{i}"' in html for i in ids)
    assert html.count("<fieldset") == html.count("<legend")


def test_a_valid_form_is_stored_and_leads_to_the_check_page(intake):
    client = intake.client
    response = post_form(intake, client, filled_form())

    assert response.status_code == 303
    assert "/check/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kijk in uw e-mail" in page and "Stuur de e-mail opnieuw" in page
    [event] = intake.events("intake.submission.received.v1")
    with intake.uow() as uow:
        from services.intake.models import Submission

        answers = uow.session.get(Submission, event["data"]["submission_id"]).answers
    assert answers["municipality"] == "GM0796"
    assert answers["learning_questions"] == ["Hoe betrek je jongeren bij plannen?", "Hoe vind je vrijwilligers?"]
    assert answers["urgent_issues"]["themes"] == ["jeugd-jongeren", "overlast"]


def test_errors_are_summarised_linked_and_shown_beside_the_fields_with_the_answers_kept(intake):
    client = intake.client
    form = filled_form(email="sanne@", **{"learning_questions__2": "x" * 501, "consents__contact": []})
    response = post_form(intake, client, form)
    html = response.get_data(as_text=True)

    assert response.status_code == 422
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    anchors = re.findall(r'href="#([^"]+)"', summary)
    assert set(anchors) == {"f-email", "f-learning-questions-2", "f-consents-contact"}
    for anchor in anchors:
        assert f'id="{anchor}"' in html
        assert f'id="{anchor}-error"' in html  # the message beside the field
        assert re.search(rf'id="{anchor}"[^>]*aria-invalid="true"', html)
    assert 'value="Sanne de Vries"' in html and 'value="Den Bosch"' in html  # kept as typed
    assert ">Hoe betrek je jongeren bij plannen?</textarea>" in html
    assert re.search(r'value="jeugd-jongeren"\s*checked', html)
    assert "Fout:" in html  # the error is said in words, not only in colour
    assert intake.counts() == NOTHING


def test_form_and_api_give_the_same_message(intake):
    client = intake.client
    html = post_form(intake, client, filled_form(municipality="Atlantis"), lang="en").get_data(as_text=True)
    from tests.integration.intake.conftest import full_submission

    api = intake.client.post(
        "/api/v1/submissions", json={**full_submission(), "municipality": "Atlantis"}, headers={"Accept-Language": "en"}
    ).get_json()
    [message] = api["errors"]["municipality"]
    assert message in html.replace("&#39;", "'")


def test_a_post_without_the_csrf_token_is_refused_but_keeps_the_answers(intake):
    client = intake.client
    hidden = intake.form_page(client)
    response = client.post("/", data={**filled_form().to_dict(), "rendered": hidden["rendered"]})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "pagina verlopen" in html and 'value="Sanne de Vries"' in html
    assert intake.counts() == NOTHING


def test_the_honeypot_gets_the_success_answer_stores_nothing_and_is_counted(intake):
    client = intake.client
    response = post_form(intake, client, filled_form(website="http://spam.example"))

    assert response.status_code == 303 and "/check/" in response.headers["Location"]
    assert client.get(response.headers["Location"]).status_code == 200
    assert intake.counts() == NOTHING
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'buurt_intake_bot_posts_total{service="intake",trap="honeypot"} 1.0' in metrics


def test_a_form_sent_back_too_fast_gets_the_success_answer_and_is_not_stored(make_intake):
    intake = make_intake(BUURT_INTAKE_MIN_FILL_SECONDS="30")
    client = intake.client
    response = post_form(intake, client, filled_form())

    assert response.status_code == 303 and "/check/" in response.headers["Location"]
    assert intake.counts() == NOTHING
    assert 'trap="time_trap"} 1.0' in client.get("/metrics").get_data(as_text=True)


def test_a_forged_render_stamp_is_a_bot(intake):
    client = intake.client
    hidden = {**intake.form_page(client), "rendered": "form.AAAAAA.forged"}
    response = post_form(intake, client, filled_form(), hidden=hidden)
    assert response.status_code == 303
    assert intake.counts() == NOTHING


def test_a_bots_resend_gets_the_same_friendly_answer(intake):
    client = intake.client
    check = post_form(intake, client, filled_form(website="x")).headers["Location"]
    token = check.split("/check/")[1].split("?")[0]
    page = intake.form_page(client)
    response = client.post(f"/check/{token}/resend", data={"csrf_token": page["csrf_token"]})
    assert response.status_code == 303 and "resent=sent" in response.headers["Location"]
    assert intake.counts() == NOTHING


def test_security_headers_on_pages_and_api(intake):
    for path in ("/", "/privacy", "/api/v1/municipalities?q=utr", "/api/openapi.json"):
        headers = intake.client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_pages_use_no_inline_script_or_style(intake):
    client = intake.client
    pages = [client.get("/").get_data(as_text=True), post_form(intake, client, filled_form(name="")).get_data(as_text=True)]
    for html in pages:
        assert "<style" not in html and " style=" not in html
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
        assert not re.search(r"\son[a-z]+=", html)


def test_cookies_are_secure_in_production_and_the_form_works_over_https(make_intake):
    intake = make_intake(BUURT_ENV="production", BUURT_SECRET_KEY="p" * 40, BUURT_INTAKE_MIN_FILL_SECONDS="0")
    client = intake.client
    response = client.get("/", base_url="https://buurt.test")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "max-age" in response.headers["Strict-Transport-Security"]

    html = response.get_data(as_text=True)
    hidden = {name: re.search(rf'name="{name}" value="([^"]+)"', html).group(1) for name in ("csrf_token", "rendered")}
    data = MultiDict(filled_form())
    for name, value in hidden.items():
        data[name] = value
    # Referrer-Policy same-origin: the browser sends our own page as Referer, which CSRF checks on HTTPS.
    posted = client.post("/", data=data, base_url="https://buurt.test", headers={"Referer": "https://buurt.test/"})
    assert posted.status_code == 303, posted.get_data(as_text=True)[:500]
    refused = client.post("/", data=data, base_url="https://buurt.test", headers={"Referer": "https://evil.example/"})
    assert refused.status_code == 400


def test_municipality_suggestions_for_the_script(intake):
    found = intake.client.get("/api/v1/municipalities?q=den haag").get_json()
    assert found[0] == {"code": "GM0518", "name": "'s-Gravenhage", "province": "Zuid-Holland"}
    assert [m["code"] for m in intake.client.get("/api/v1/municipalities?q=GM0363").get_json()][0] == "GM0363"
