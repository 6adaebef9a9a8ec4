"""The site as a person uses it, in headless Chromium opened from disk (file://).

Two sites: the imaging sample with the hostile pool (nothing of theirs may run), and a
large one, a synthetic 2,000-row imaging program plus ``mega_pool`` from ../shared when
it is there. On them: the data tables page, sort numerically, filter and show chosen
columns; the pool overview's marks link to pages that exist; the find box jumps to an
exposure and to an association; Sphinx's search works; no page logs a console error and
nothing is fetched from outside the site folder. Screenshots of the pool, association
and exposure pages go to ``$ASNATLAS_SCREENSHOTS`` (default: the test's temporary folder).

Needs Debian's ``chromium`` and ``chromium-driver`` and the ``selenium`` package; skipped
with the reason when one is missing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from headless import chromium, require_browser, screenshot_folder

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
HOSTILE = HERE / "data" / "hostile_pool.csv"
IMAGING = REPO / "generator" / "asnatlas" / "samples" / "imaging.csv"
MEGA = REPO.parent / "shared" / "conformance" / "pools" / "mega_pool.csv"
webdriver = require_browser()

from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

RESOURCES = "return performance.getEntriesByType('resource').map(e => e.name);"


def build(out: Path, *pools: Path) -> Path:
    result = subprocess.run(
        [sys.executable, "-m", "asnatlas", "build", "-q", "-o", str(out), *map(str, pools)],
        capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("browser-site") / "site", IMAGING, HOSTILE)


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("browser-big")
    synthetic = folder / "jw91001_pool.csv"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "make_synthetic_pool.py"),
                    "2000", "-o", str(synthetic)], check=True, capture_output=True)
    pools = [synthetic, *([MEGA] if MEGA.is_file() else [])]
    return build(folder / "site", *pools)


@pytest.fixture(scope="module")
def browser():
    with chromium(1300, 1400) as driver:
        yield driver


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return screenshot_folder(tmp_path_factory)


def open_page(browser, path: Path, fragment: str = "") -> None:
    browser.get(path.as_uri() + fragment)
    WebDriverWait(browser, 20).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def no_console_errors(browser) -> None:
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, errors


def no_alert(browser) -> None:
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018


def only_local_requests(browser) -> None:
    for url in browser.execute_script(RESOURCES):
        assert url.startswith("file://"), url


def click(browser, element) -> None:
    """Scroll the element clear of the sticky header, then click it as a person would."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def table(browser, key: str):
    """The data table ``key`` of the page, once the widget has drawn it."""
    css = f'.asnatlas-data[data-key="{key}"]'
    WebDriverWait(browser, 30).until(
        lambda d: "asnatlas-ready" in d.find_element(By.CSS_SELECTOR, css).get_attribute("class"))
    return browser.find_element(By.CSS_SELECTOR, css)


def column_values(box, title: str) -> list[str]:
    headers = [h for h in box.find_elements(By.CSS_SELECTOR, ".tabulator-col") if h.is_displayed()]
    field = next(h.get_attribute("tabulator-field") for h in headers if h.text.strip() == title)
    return [cell.text for cell in box.find_elements(
        By.CSS_SELECTOR, f'.tabulator-row .tabulator-cell[tabulator-field="{field}"]')]


def header(box, title: str):
    return next(h for h in box.find_elements(By.CSS_SELECTOR, ".tabulator-col")
                if h.is_displayed() and h.text.strip() == title)


def synthetic_pool(big: Path) -> Path:
    return big / "pools" / "jw91001_pool" / "index.html"


def test_the_exposure_table_pages_sorts_numerically_filters_and_shows_chosen_columns(
        big, browser, shots):
    open_page(browser, synthetic_pool(big))
    box = table(browser, "exposures")
    count = box.find_element(By.CSS_SELECTOR, ".asnatlas-count")
    assert count.text == "2,000 exposures."
    assert len(box.find_elements(By.CSS_SELECTOR, ".tabulator-row")) == 25  # one page
    # The important columns are in view without scrolling sideways.
    width = browser.execute_script("return arguments[0].getBoundingClientRect().width;", box)
    for title in ("Row", "File name", "exp_type", "obs_num", "Associations"):
        right = browser.execute_script(
            "return arguments[0].getBoundingClientRect().right - "
            "arguments[1].getBoundingClientRect().left;", header(box, title), box)
        assert right <= width + 1, title

    # Sort by row, descending (Enter on the focused heading: keyboard access), then by obs_num.
    row_header = header(box, "Row")
    browser.execute_script("arguments[0].focus();", row_header)
    row_header.send_keys(Keys.ENTER)
    row_header.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: column_values(box, "Row")[0] == "2000")
    rows = [int(v) for v in column_values(box, "Row")]
    assert rows == sorted(rows, reverse=True)
    click(browser, header(box, "obs_num"))
    WebDriverWait(browser, 10).until(lambda d: column_values(box, "obs_num")[0] == "1")
    click(browser, header(box, "obs_num"))
    values = [int(v) for v in column_values(box, "obs_num")]
    assert values == sorted(values, reverse=True) and values[0] >= 10  # numbers, not text

    # The filter matches any column, visible or not.
    query = box.find_element(By.CSS_SELECTOR, "input.asnatlas-filter")
    query.send_keys("nrcblong")
    WebDriverWait(browser, 10).until(lambda d: "match the filter" in count.text)
    assert all(name.endswith("_nrcblong_uncal.fits") for name in column_values(box, "File name"))
    query.clear()
    query.send_keys("f444w")  # a FILTER value
    WebDriverWait(browser, 10).until(lambda d: all(
        v.lower() == "f444w" for v in column_values(box, "filter")))
    query.clear()
    query.send_keys(" ")
    WebDriverWait(browser, 10).until(lambda d: count.text == "2,000 exposures.")

    # The column chooser offers every pool column; a chosen one appears.
    chooser = box.find_element(By.CSS_SELECTOR, "details.asnatlas-columns")
    click(browser, chooser.find_element(By.TAG_NAME, "summary"))
    offered = [label.text.strip() for label in chooser.find_elements(By.TAG_NAME, "label")]
    for column in ("patt_num", "subarray", "grating", "fxd_slit", "pupil"):
        assert column in offered
    patt = next(label for label in chooser.find_elements(By.TAG_NAME, "label")
                if label.text.strip() == "patt_num")
    click(browser, patt.find_element(By.TAG_NAME, "input"))
    WebDriverWait(browser, 10).until(lambda d: column_values(box, "patt_num"))
    assert all(v.isdigit() for v in column_values(box, "patt_num"))
    browser.execute_script("window.scrollTo(0, 0);")
    browser.save_screenshot(str(shots / "site-pool.png"))
    no_console_errors(browser)
    only_local_requests(browser)


def test_the_overview_marks_link_to_pages_that_exist(big, browser):
    page = synthetic_pool(big)
    open_page(browser, page)
    marks = browser.find_elements(By.CSS_SELECTOR, "svg.asn-overview a")
    assert marks
    for mark in marks:
        href = mark.get_dom_attribute("href")  # SVG links: the attribute as written
        target = urlsplit(href)
        path = page.parent / unquote(target.path) if target.path else page
        assert path.is_file(), href
    # A mark with several associations opens the pool's association table, filtered.
    many = next(m for m in marks if "#filter=" in (m.get_dom_attribute("href") or ""))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", many)
    browser.execute_script(
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}));", many)
    box = table(browser, "associations")
    WebDriverWait(browser, 10).until(
        lambda d: "match the filter" in box.find_element(By.CSS_SELECTOR, ".asnatlas-count").text)
    no_console_errors(browser)


def find(browser, text: str):
    box = browser.find_element(By.CSS_SELECTOR, "input.asnatlas-find-input")
    box.clear()
    box.send_keys(text)
    WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "ul.asnatlas-find-results li a"))
    return box


def test_the_find_box_jumps_to_an_exposure_and_an_association(big, browser, shots):
    open_page(browser, big / "index.html")
    # A prefix of an exposure name, as a person types it.
    box = find(browser, "jw91001001001_02101")
    hits = browser.find_elements(By.CSS_SELECTOR, "ul.asnatlas-find-results li")
    assert all("pool jw91001_pool.csv" in hit.text for hit in hits)  # says its pool
    # The first exposure among the hits (Stage 2 products share the prefix), by keyboard.
    number = next(i for i, hit in enumerate(hits) if " exposure \u00b7" in hit.text)
    name = hits[number].find_element(By.TAG_NAME, "a").text
    for _ in range(number + 1):
        box.send_keys(Keys.ARROW_DOWN)
    box.send_keys(Keys.ENTER)
    WebDriverWait(browser, 20).until(lambda d: d.title.startswith(f"Exposure {name}"))
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(
        By.CSS_SELECTOR, '.asnatlas-slot[data-slot="members"] a'))
    browser.save_screenshot(str(shots / "site-exposure.png"))
    no_console_errors(browser)

    # From the exposure page (another folder depth): an association by its name.
    box = find(browser, "jw91001-c1000_image3")
    first = browser.find_element(By.CSS_SELECTOR, "ul.asnatlas-find-results li a")
    name = first.text
    assert name.endswith("_asn.json")
    box.send_keys(Keys.ENTER)
    WebDriverWait(browser, 20).until(lambda d: d.title.startswith(name))
    diagram = browser.find_element(By.CSS_SELECTOR, "svg.asn-diagram")
    article = browser.find_element(By.CSS_SELECTOR, "article.bd-article")
    assert diagram.size["width"] <= article.size["width"] + 1  # fits the column
    members = table(browser, "members")
    assert "members" in members.find_element(By.CSS_SELECTOR, ".asnatlas-count").text
    browser.execute_script("window.scrollTo(0, 0);")
    browser.save_screenshot(str(shots / "site-association.png"))
    no_console_errors(browser)
    only_local_requests(browser)


def test_mega_pool_pages_have_truthful_summaries(big, browser, shots):
    if not MEGA.is_file():
        pytest.skip("mega_pool needs ../shared/conformance beside the repository")
    page = big / "pools" / "mega_pool" / "index.html"
    open_page(browser, page)
    summary = browser.find_element(By.CSS_SELECTOR, ".asnatlas-fields").text
    assert "program" not in summary.split("Program(s)", 1)[1].split("\n", 1)[0]
    observations = summary.split("Observations", 1)[1].split("\n", 1)[0]
    assert "obs_num" not in observations
    box = table(browser, "exposures")
    assert box.find_elements(By.CSS_SELECTOR, ".tabulator-row")
    browser.save_screenshot(str(shots / "site-mega-pool.png"))
    no_console_errors(browser)


def test_search_finds_pages_without_console_errors(site, browser, shots):
    open_page(browser, site / "search.html", "?q=imaging")
    WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "ul.search li"))
    hits = browser.find_elements(By.CSS_SELECTOR, "ul.search li a")
    assert any("imaging.csv" in hit.text for hit in hits)
    browser.save_screenshot(str(shots / "site-search.png"))
    no_console_errors(browser)


def test_small_site_pool_association_and_exposure(site, browser, shots):
    open_page(browser, site / "index.html")
    click(browser, browser.find_element(By.LINK_TEXT, "imaging.csv"))
    WebDriverWait(browser, 10).until(lambda d: "Pool imaging.csv" in d.title)
    box = table(browser, "exposures")
    assert box.find_element(By.CSS_SELECTOR, ".asnatlas-count").text == "12 exposures."
    asns = table(browser, "associations")
    link = next(a for a in asns.find_elements(By.CSS_SELECTOR, ".tabulator-row a")
                if "_image3_" in a.text)
    name = link.text
    click(browser, link)
    WebDriverWait(browser, 10).until(lambda d: name in d.title)
    verdict = browser.find_element(By.CSS_SELECTOR, ".asnatlas-verdict-box").text
    assert verdict.startswith("Validation: valid")
    download = browser.find_element(By.PARTIAL_LINK_TEXT, "Download")
    assert download.get_attribute("download") == name
    member = table(browser, "members").find_element(By.CSS_SELECTOR, ".tabulator-row a")
    click(browser, member)
    WebDriverWait(browser, 10).until(lambda d: d.title.startswith("Exposure"))
    WebDriverWait(browser, 10).until(lambda d: any(
        a.text == name for a in d.find_elements(
            By.CSS_SELECTOR, '.asnatlas-slot[data-slot="members"] a')))
    footer = browser.find_element(By.CSS_SELECTOR, ".asnatlas-provenance").text
    assert "asnatlas" in footer and "jwst 3.0.0" in footer
    no_console_errors(browser)


def test_hostile_pages_run_none_of_their_text(site, browser, shots):
    folder = site / "pools" / "hostile_pool"
    pages = [(folder / "index.html", ""), *[(folder / "exposure.html", f"#row-{n}")
                                           for n in range(1, 12)],
             *[(p, "") for p in sorted((folder / "asn").glob("*.html"))]]
    for page, fragment in pages:
        open_page(browser, page, fragment)
        no_alert(browser)
        only_local_requests(browser)
        # Nothing from the pool became an element: no images, no raw-role bold text.
        assert browser.find_elements(By.CSS_SELECTOR, "article img") == []
        assert not any(b.text == "raw-role" for b in browser.find_elements(By.TAG_NAME, "b"))
    open_page(browser, folder / "index.html")
    table(browser, "exposures")
    assert "<script>alert(1)</script>" in browser.find_element(By.TAG_NAME, "article").text
    browser.save_screenshot(str(shots / "site-hostile-pool.png"))
    no_alert(browser)
