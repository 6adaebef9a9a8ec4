"""The site as a person uses it, in headless Chromium opened from disk (file://).

Home page, a pool (filtering and sorting its exposure table), an association, an
exposure, Sphinx's search, and the hostile pool's pages (no script of theirs may run).
Nothing may be fetched from outside the site folder. Screenshots go to
``$ASNATLAS_SCREENSHOTS`` (default: the test's temporary folder).

Needs Debian's ``chromium`` and ``chromium-driver`` and the ``selenium`` package; skipped
with the reason when one is missing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from headless import chromium, require_browser, screenshot_folder

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
HOSTILE = HERE / "data" / "hostile_pool.csv"
IMAGING = REPO / "generator" / "asnatlas" / "samples" / "imaging.csv"
webdriver = require_browser()

from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

RESOURCES = "return performance.getEntriesByType('resource').map(e => e.name);"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser-site") / "site"
    result = subprocess.run(
        [sys.executable, "-m", "asnatlas", "build", "-q", "-o", str(out), str(IMAGING),
         str(HOSTILE)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def browser():
    with chromium(1300, 1400) as driver:
        yield driver


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return screenshot_folder(tmp_path_factory)


def no_alert(browser) -> None:
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018


def only_local_requests(browser) -> None:
    for url in browser.execute_script(RESOURCES):
        assert url.startswith("file://"), url


def visible_rows(browser) -> list:
    rows = browser.find_elements(By.CSS_SELECTOR, "table.asnatlas-exposures tbody tr")
    return [row for row in rows if row.is_displayed()]


def click(browser, element) -> None:
    """Scroll the element clear of the sticky header, then click it as a person would."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def test_a_person_browses_home_pool_association_and_exposure(site, browser, shots):
    browser.get((site / "index.html").as_uri())
    assert "associations" in browser.title.lower()
    browser.save_screenshot(str(shots / "site-home.png"))
    only_local_requests(browser)

    # Home -> the imaging pool.
    click(browser, browser.find_element(By.LINK_TEXT, "imaging.csv"))
    WebDriverWait(browser, 10).until(lambda d: "Pool imaging.csv" in d.title)
    rows = visible_rows(browser)
    assert len(rows) == 12
    count = browser.find_element(By.CSS_SELECTOR, ".asnatlas-count")
    assert count.text == "12 of 12 rows"

    # Filter: only the long-wavelength detector.
    box = browser.find_element(By.CSS_SELECTOR, "input.asnatlas-filter")
    box.send_keys("nrcalong")
    WebDriverWait(browser, 5).until(lambda d: len(visible_rows(d)) == 6)
    assert all("nrcalong" in row.text for row in visible_rows(browser))
    assert count.text == "6 of 12 rows"
    browser.save_screenshot(str(shots / "site-pool-filtered.png"))

    # Sort by row number, descending (click twice).
    header = browser.find_element(By.XPATH, "//table[contains(@class,'asnatlas-exposures')]//th[1]")
    click(browser, header)
    click(browser, header)
    assert header.get_attribute("aria-sort") == "descending"
    numbers = [int(row.find_elements(By.TAG_NAME, "td")[0].text) for row in visible_rows(browser)]
    assert numbers == sorted(numbers, reverse=True)
    box.clear()
    box.send_keys(" ")
    WebDriverWait(browser, 5).until(lambda d: len(visible_rows(d)) == 12)

    # Pool -> the first Stage 3 association.
    link = next(a for a in browser.find_elements(By.CSS_SELECTOR, ".asnatlas-asn-list a")
                if "_image3_" in a.text)
    name = link.text
    click(browser, link)
    WebDriverWait(browser, 10).until(lambda d: name in d.title)
    verdict = browser.find_element(By.CSS_SELECTOR, ".asnatlas-verdict-box").text
    assert verdict.startswith("Validation: valid")
    assert browser.find_element(By.CSS_SELECTOR, "svg.asn-diagram").is_displayed()
    download = browser.find_element(By.PARTIAL_LINK_TEXT, "Download")
    assert download.get_attribute("download") == name
    browser.save_screenshot(str(shots / "site-association.png"))
    only_local_requests(browser)

    # Association -> one of its members' exposure page.
    member = browser.find_element(By.CSS_SELECTOR, "table.asnatlas-members td a")
    expname = member.text
    click(browser, member)
    WebDriverWait(browser, 10).until(lambda d: d.title.startswith("Exposure"))
    memberships = browser.find_elements(By.CSS_SELECTOR, ".asnatlas-memberships td a")
    assert any(a.text == name for a in memberships)
    assert expname.split("_")[0] in browser.title
    browser.save_screenshot(str(shots / "site-exposure.png"))


def test_search_finds_pages(site, browser, shots):
    browser.get((site / "search.html").as_uri() + "?q=nrcalong")
    WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "ul.search li"))
    hits = browser.find_elements(By.CSS_SELECTOR, "ul.search li a")
    assert any(hit.text.startswith("Exposure jw90101") for hit in hits)
    browser.save_screenshot(str(shots / "site-search.png"))


def test_hostile_pages_run_none_of_their_text(site, browser, shots):
    folder = site / "pools" / "hostile_pool"
    pages = [folder / "index.html", *sorted((folder / "exp").glob("*.html")),
             *sorted((folder / "asn").glob("*.html"))]
    for page in pages:
        browser.get(page.as_uri())
        WebDriverWait(browser, 10).until(
            lambda d: d.execute_script("return document.readyState") == "complete")
        no_alert(browser)
        only_local_requests(browser)
        # Nothing from the pool became an element: no images, no raw-role bold text.
        assert browser.find_elements(By.CSS_SELECTOR, "article img") == []
        assert not any(b.text == "raw-role" for b in browser.find_elements(By.TAG_NAME, "b"))
    browser.get((folder / "index.html").as_uri())
    assert "<script>alert(1)</script>" in browser.find_element(By.TAG_NAME, "article").text
    browser.save_screenshot(str(shots / "site-hostile-pool.png"))
