"""The questionnaire in headless Chromium on a real server: phone and desktop, errors fixed, axe-core clean.

Needs Debian's chromium and chromium-driver (deploy/local/ensure-chromium.sh installs them).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import func, select
from werkzeug.serving import make_server

from services.intake.app import create_app
from services.intake.models import TABLES, Submission
from shared.config import Settings
from shared.runtime import Runtime

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WINDOWS = {"phone": (390, 844), "desktop": (1280, 900)}
AXE_OPTIONS = json.dumps({"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})


@pytest.fixture
def server(make_database, tmp_path):
    """Intake served by werkzeug in a thread, on its own PostgreSQL database."""
    settings = Settings.from_env(
        "intake",
        {
            "BUURT_DATABASE_URL": make_database("intake"),
            "BUURT_AMQP_URL": "memory://",
            "BUURT_DATA_DIR": str(tmp_path / "data"),
            "BUURT_INTAKE_MIN_FILL_SECONDS": "1",
        },
    )
    runtime = Runtime.create(settings, TABLES)
    http = make_server("127.0.0.1", 0, create_app(runtime), threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}", runtime
    http.shutdown()
    thread.join(10)
    runtime.engine.dispose()


@pytest.fixture(params=sorted(WINDOWS))
def browser(request):
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            pytest.fail(f"{path} is missing: run deploy/local/ensure-chromium.sh")
    profile = tempfile.mkdtemp(prefix="intake-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--lang=nl",
        f"--user-data-dir={profile}",
        "--window-size={},{}".format(*WINDOWS[request.param]),
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "nl"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def assert_accessible(driver, state: str) -> None:
    axe = Axe(driver)  # axe-core 4.9, shipped inside the package: nothing is downloaded
    axe.inject()
    driver.set_script_timeout(120)  # the whole form takes a few seconds on a busy machine
    results = axe.run(options=AXE_OPTIONS)
    assert results["violations"] == [], f"{state}: {axe.report(results['violations'])}"


def fill(driver, field_id: str, text: str) -> None:
    element = driver.find_element(By.ID, field_id)
    element.clear()
    element.send_keys(text)


def tick(driver, field_id: str) -> None:
    element = driver.find_element(By.ID, field_id)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    if not element.is_selected():
        driver.find_element(By.CSS_SELECTOR, f"label[for='{field_id}']").click()


def submit(driver) -> None:
    button = driver.find_element(By.CSS_SELECTOR, "form[method=post] button[type=submit]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()


def submissions(runtime) -> int:
    with runtime.uow_factory() as uow:
        return uow.session.scalar(select(func.count()).select_from(Submission))


def test_fill_in_trigger_errors_fix_them_and_submit(server, browser):
    base, runtime = server
    driver = browser
    driver.get(f"{base}/")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "nl"
    assert_accessible(driver, "empty form")

    fill(driver, "f-name", "Sanne de Vries")
    fill(driver, "f-email", "sanne@voorbeeld")  # no top-level domain: refused
    tick(driver, "f-role-1")
    fill(driver, "f-municipality", "Den H")
    WebDriverWait(driver, 10).until(
        lambda d: "'s-Gravenhage" in d.execute_script(
            "return Array.from(document.querySelectorAll('#municipality-options option')).map(o => o.value).join('|')"
        )
    )  # the script suggests while typing
    fill(driver, "f-municipality", "Den Haag")
    fill(driver, "f-urgent-issues-text", "Jongeren hebben geen plek om samen te komen.")
    tick(driver, "f-urgent-issues-themes-0")
    tick(driver, "f-knowledge-sources-choices-0")
    fill(driver, "f-learning-questions-1", "Hoe betrekken we jongeren bij plannen voor het plein?")
    tick(driver, "f-needs-choices-1")
    time.sleep(1.1)  # a person takes longer than the time trap's minimum
    submit(driver)

    WebDriverWait(driver, 10).until(expected_conditions.presence_of_element_located((By.ID, "error-summary")))
    summary = driver.find_element(By.ID, "error-summary")
    assert driver.switch_to.active_element == summary  # announced to screen readers
    links = {a.get_attribute("href").split("#")[1] for a in summary.find_elements(By.TAG_NAME, "a")}
    assert links == {"f-email", "f-consents-contact"}
    assert driver.find_element(By.ID, "f-name").get_attribute("value") == "Sanne de Vries"
    assert driver.find_element(By.ID, "f-learning-questions-1").get_attribute("value").startswith("Hoe betrekken")
    assert driver.find_element(By.ID, "f-urgent-issues-themes-0").is_selected()
    assert_accessible(driver, "error state")
    assert submissions(runtime) == 0

    summary.find_element(By.CSS_SELECTOR, "a[href='#f-email']").click()
    assert driver.switch_to.active_element.get_attribute("id") == "f-email"
    fill(driver, "f-email", "sanne@voorbeeld.nl")
    tick(driver, "f-consents-contact")
    submit(driver)

    WebDriverWait(driver, 10).until(expected_conditions.url_contains("/check/"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Kijk in uw e-mail"
    assert_accessible(driver, "check your e-mail page")
    assert submissions(runtime) == 1


@pytest.mark.parametrize("browser", ["phone"], indirect=True)
def test_the_english_version_and_the_privacy_page_are_accessible(server, browser):
    base, _ = server
    browser.get(f"{base}/?lang=nl")
    browser.find_element(By.CSS_SELECTOR, "a.language-switch").click()
    WebDriverWait(browser, 10).until(expected_conditions.url_contains("lang=en"))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Tell us what matters in your neighbourhood"
    assert_accessible(browser, "English form")
    browser.get(f"{base}/privacy")
    assert_accessible(browser, "privacy statement")
