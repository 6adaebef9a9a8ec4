"""The validator page in headless Chromium: the verdict a person sees, and parity with Python.

The page is opened from disk (file://) in two forms: a standalone page rendered from the
validator templates with the packaged assets, and the validator page of a site built by
``asnatlas build``. A person pastes a good association and opens a broken one; the page
must give ``asnatlas validate``'s verdict, line for line. Then every broken file of the
test corpus (and the reference associations when ``../shared`` is present, plus
deterministic mutations of them) goes through both validators, which must agree on every
problem except the checks the page declares skipped.

Needs Debian's ``chromium`` and ``chromium-driver`` and the ``selenium`` package; skipped
with the reason when one is missing. Screenshots go to ``$ASNATLAS_SCREENSHOTS`` (default:
the test's temporary folder).
"""

from __future__ import annotations

import base64
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from headless import chromium, require_browser, screenshot_folder

from asnatlas.validate.api import validate_bytes
from asnatlas.validate.report import summary, text_line
from asnatlas.web import validator_page

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
STATIC = REPO / "generator" / "asnatlas" / "web" / "static" / "validator"
BROKEN = HERE / "data" / "broken"
GOOD = HERE / "data" / "browser_validator" / "jw01234-o001_image3_00001_asn.json"
DUPLICATE = BROKEN / "duplicate_member" / "jw01234-o001_20240101t120000_image3_00001_asn.json"
EXPECTED = REPO.parent / "shared" / "conformance" / "expected"
webdriver = require_browser()

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def browser():
    with chromium(1200, 1400) as driver:
        yield driver


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return screenshot_folder(tmp_path_factory)


@pytest.fixture(scope="module")
def standalone_page(tmp_path_factory) -> Path:
    """A minimal HTML page around the validator widget, with the assets in ``_static/``."""
    root = tmp_path_factory.mktemp("standalone")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(REPO / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    widget = env.get_template("validator_widget.html.j2").render(**validator_page.context())
    page = root / "validator.html"
    page.write_text("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<title>Validator</title></head>\n<body><main><h1>Validator</h1>\n"
                    f"{widget}\n</main></body></html>\n", encoding="utf-8")
    (root / "_static").mkdir()
    for asset in STATIC.iterdir():
        shutil.copy(asset, root / "_static" / asset.name)
    return page


@pytest.fixture(scope="module")
def site_page(tmp_path_factory) -> Path:
    """The validator page of a site built from the small imaging sample."""
    out = tmp_path_factory.mktemp("site") / "site"
    result = subprocess.run(
        [sys.executable, "-m", "asnatlas", "build", "-q", "-o", str(out),
         str(REPO / "generator" / "asnatlas" / "samples" / "imaging.csv")],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    page = out / "validator.html"
    assert page.is_file(), "the built site has no validator page"
    return page


def _open(browser, page: Path) -> None:
    browser.get(page.as_uri())
    WebDriverWait(browser, 10).until(
        lambda d: "asnv-ready" in d.find_element(By.ID, "asn-validator").get_attribute("class"))


def _verdict(browser, before: str | None = None) -> str:
    wait = WebDriverWait(browser, 10)
    wait.until(lambda d: d.find_element(By.ID, "asnv-verdict").text != before)
    return browser.find_element(By.ID, "asnv-verdict").text


def _problem_lines(browser) -> list[str]:
    return [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#asnv-problems li")]


def _paste(browser, text: str) -> str:
    """Put `text` in the input as a paste does; the verdict once it has changed (the text
    before is read first: the page may have validated by the time a later read runs)."""
    before = browser.find_element(By.ID, "asnv-verdict").text
    browser.execute_script(
        "const t = document.getElementById('asnv-input'); t.value = arguments[0];"
        "t.dispatchEvent(new Event('input'));", text)
    return _verdict(browser, before)


def _python_verdict(path: Path) -> tuple[bool, str, list[str]]:
    problems = validate_bytes(path.read_bytes(), path.name, path=path.name)
    valid = not any(p.severity == "error" for p in problems)
    return valid, summary(1, problems), [text_line(p) for p in problems]


def _person_checks_two_files(browser, page: Path, shots: Path, label: str) -> None:
    _open(browser, page)
    # A good file, pasted by hand with its name typed in.
    browser.find_element(By.ID, "asnv-name").send_keys(GOOD.name)
    before = browser.find_element(By.ID, "asnv-verdict").text
    browser.find_element(By.ID, "asnv-input").send_keys(GOOD.read_text(encoding="utf-8"))
    browser.find_element(By.ID, "asnv-run").click()
    valid, line, lines = _python_verdict(GOOD)
    assert valid and lines == []
    verdict = _verdict(browser, before)
    assert verdict == f"Valid (exit status 0): {line}"
    assert _problem_lines(browser) == []
    browser.save_screenshot(str(shots / f"validator-{label}-good.png"))

    # A broken file, opened with the file picker.
    browser.find_element(By.ID, "asnv-file").send_keys(str(DUPLICATE))
    verdict = _verdict(browser, verdict)
    valid, line, lines = _python_verdict(DUPLICATE)
    assert not valid
    assert verdict == f"Not valid (exit status 1): {line}"
    assert _problem_lines(browser) == lines
    assert "ASN202" in lines[0] and ":29:32:" in lines[0]
    browser.save_screenshot(str(shots / f"validator-{label}-broken.png"))

    # Clicking the problem selects its place in the text.
    browser.find_element(By.CSS_SELECTOR, "#asnv-problems li").click()
    offset = browser.execute_script("return document.getElementById('asnv-input').selectionStart")
    text = DUPLICATE.read_text(encoding="utf-8")
    line_start = sum(len(x) + 1 for x in text.split("\n")[:28])
    assert offset == line_start + 31

    # Nothing is fetched from anywhere but the page's own folder: the widget's assets are
    # relative links, and the browser saw no other request.
    links = browser.execute_script(
        "return Array.from(document.querySelectorAll('#asn-validator [src], "
        "#asn-validator [href]')).map(e => e.getAttribute('src') || e.getAttribute('href'))")
    assert links and all(link.startswith("_static/") for link in links), links
    urls = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(u.startswith("file://") for u in urls), urls


def test_person_validates_a_good_and_a_broken_file_on_a_standalone_page(
        browser, standalone_page, shots):
    _person_checks_two_files(browser, standalone_page, shots, "standalone")


def test_person_validates_a_good_and_a_broken_file_on_the_built_site(browser, site_page, shots):
    _person_checks_two_files(browser, site_page, shots, "site")
    # The page tells what it does not check.
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "--check-files" in body
    for item in validator_page.skipped():
        assert item.code in body


def test_strict_turns_warnings_into_errors(browser, standalone_page):
    _open(browser, standalone_page)
    data = json.loads(GOOD.read_text(encoding="utf-8"))
    data["asn_tpye"] = "image3"  # an unknown key is a warning
    verdict = _paste(browser, json.dumps(data, indent=4))
    assert verdict.startswith("Valid (exit status 0): 1 file checked: 0 errors, 1 warning")
    assert "did you mean 'asn_type'?" in _problem_lines(browser)[0]
    browser.find_element(By.ID, "asnv-strict").click()
    verdict = _verdict(browser, verdict)
    assert verdict.startswith("Not valid (exit status 1): 1 file checked: 1 error, 0 warnings")


def test_profile_dms_and_the_pipelines_minimal_association(browser, standalone_page, shots):
    _open(browser, standalone_page)
    minimal = {"products": [{"name": "my_mosaic", "members": [
        {"expname": "jw01234001001_02101_00001_nrca1_cal.fits", "exptype": "science"}]}],
        "notes": "an unknown key stays a warning with --profile dms"}
    verdict = _paste(browser, json.dumps(minimal, indent=4))
    assert verdict == "Valid (exit status 0): 1 file checked: 0 errors, 11 warnings in 1 file"
    browser.find_element(By.ID, "asnv-dms").click()
    verdict = _verdict(browser, verdict)
    assert verdict == "Not valid (exit status 1): 1 file checked: 10 errors, 1 warning in 1 file"
    lines = _problem_lines(browser)
    assert sum(" ASN111 error: " in line for line in lines) == 10
    assert any(" ASN216 warning: " in line for line in lines)
    browser.save_screenshot(str(shots / "validator-profile-dms.png"))
    browser.find_element(By.ID, "asnv-dms").click()


def test_hostile_text_is_shown_as_text(browser, standalone_page, shots):
    _open(browser, standalone_page)
    hostile = ('{"<img src=x onerror=\\"window.pwned=1\\">": "<script>window.pwned=2</script>",'
               ' "asn_type": "<b>image3</b>", "products": []}')
    _paste(browser, hostile)
    lines = _problem_lines(browser)
    assert any("<img src=x" in line for line in lines)
    assert browser.execute_script("return window.pwned === undefined")
    assert browser.find_elements(By.CSS_SELECTOR, "#asnv-problems img, #asnv-problems b") == []
    browser.save_screenshot(str(shots / "validator-hostile.png"))


# --- parity with the Python validator ----------------------------------------------------


_VALUES = [None, 1, 1.0, -0.0, "", "x", [], {}, ["a"], {"a": 1}, 1e16, 12345678901234567890,
           "o001", "a3001", "c1001", "c2001", "r0001", "discover_Asn_X", "candidate_Asn_Y",
           "image2", "spec3", "01234", "1234", "science", "psf", "background",
           "sub/a_cal.fits", "a\\b_cal.fits", "a_rate.fits", "b_uncal.fits", "noext", "x_i2d.fits",
           "jw01234001001_02101_00001_nrca1_cal.fits", "jw01234001001_02101_00001_nrca1"]
_TOP_KEYS = ["asn_type", "asn_tpye", "asn_id", "asn_rule", "program", "version_id", "products",
             "Products", "name", "members", "extra"]
_MEMBER_KEYS = ["expname", "exptype", "exptpye", "asn_candidate"]


def _edit_structure(text: str, rng: random.Random) -> str:
    """Set, add or delete fields of a parsed association (the semantic checks' ground)."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if not isinstance(data, dict):
        return text
    for _ in range(rng.randint(1, 3)):
        target, keys = data, _TOP_KEYS
        products = data.get("products")
        if rng.random() < 0.6 and isinstance(products, list) and products:
            target = rng.choice(products)
            members = target.get("members") if isinstance(target, dict) else None
            if rng.random() < 0.6 and isinstance(members, list) and members:
                target, keys = rng.choice(members), _MEMBER_KEYS
        if not isinstance(target, dict):
            continue
        if target and rng.random() < 0.25:
            del target[rng.choice(list(target))]
        else:
            target[rng.choice(keys)] = rng.choice(_VALUES)
    return json.dumps(data, indent=rng.choice([None, 1, 4]))


def _mutations(files: list[Path], count: int, seed: int) -> list[tuple[bytes, str]]:
    """Deterministic edits of real files: fields changed, characters deleted or inserted."""
    rng = random.Random(seed)
    tokens = ['"', ",", "{", "}", "[", "]", ":", "\\", "'", "/", "#", "\n", "\t", "\x00",
              "é", "😀", "NaN", "-Infinity", "1.5e300", "12345678901234567890", "null",
              "\ufeff", "\\u00e9", "\\ud83d\\ude00", "x", "0", "-", "e"]
    out = []
    for _ in range(count):
        path = rng.choice(files)
        text = path.read_bytes().decode("utf-8", "replace")
        if rng.random() < 0.5:
            text = _edit_structure(text, rng)
            if rng.random() < 0.5:
                out.append((text.encode("utf-8"), path.name))
                continue
        for _ in range(rng.randint(1, 3)):
            k = rng.randrange(len(text) + 1)
            roll = rng.random()
            if roll < 0.35:
                text = text[:k] + text[k + 1:]
            elif roll < 0.8:
                text = text[:k] + rng.choice(tokens) + text[k:]
            else:
                a, b = sorted((k, rng.randrange(len(text) + 1)))
                text = text[:a] + text[b:]
        out.append((text.encode("utf-8", "surrogatepass"), path.name))
    return out


def _comparable(problems) -> list[dict]:
    """Python's problems minus the checks the page declares it does not run."""
    out = []
    for p in problems:
        if p.code in validator_page.SKIPPED:
            continue
        if p.code in validator_page.PARTIAL and p.pointer.startswith("/products/"):
            continue  # ASN209 against product names is not ported
        out.append(p.to_dict())
    return out


def _browser_check(browser, items: list[tuple[bytes, str, str | None]]) -> list:
    payload = [[base64.b64encode(raw).decode("ascii"), name, path] for raw, name, path in items]
    return browser.execute_script(
        "return arguments[0].map(([b64, name, path]) => {"
        "  const bin = atob(b64); const bytes = new Uint8Array(bin.length);"
        "  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);"
        "  try { return AsnValidator.check(bytes, name, path, false).problems; }"
        "  catch (err) { return 'crash: ' + err.stack; }"
        "});", payload)


def _assert_same(browser, items) -> None:
    got = _browser_check(browser, items)
    differ = []
    for (raw, name, path), js in zip(items, got, strict=True):
        expected = _comparable(validate_bytes(raw, name, path=path))
        if js != expected:
            differ.append((name, raw[:200], expected, js))
    assert not differ, f"{len(differ)} of {len(items)} differ; first: {differ[0]}"


def test_page_agrees_with_python_on_the_broken_corpus(browser, standalone_page):
    _open(browser, standalone_page)
    files = sorted(BROKEN.glob("*/*.json"))
    assert len(files) >= 40
    items = [(f.read_bytes(), f.name, f.name) for f in files]
    items += [(f.read_bytes(), "<stdin>", None) for f in files]  # pasted, no file name
    _assert_same(browser, items)


def test_page_agrees_with_python_on_mutated_files(browser, standalone_page):
    _open(browser, standalone_page)
    files = sorted(BROKEN.glob("*/*.json")) + [GOOD]
    items = [(raw, name, name) for raw, name in _mutations(files, 2000, seed=5)]
    _assert_same(browser, items)


def test_page_accepts_every_reference_association(browser, standalone_page):
    if not EXPECTED.is_dir():
        pytest.skip(f"reference associations not found at {EXPECTED} (../shared is absent)")
    _open(browser, standalone_page)
    files = sorted(EXPECTED.glob("*/*_asn.json"))
    items = [(f.read_bytes(), f.name, f.name) for f in files]
    got = _browser_check(browser, items)
    errors = [(name, js) for (_, name, _), js in zip(items, got, strict=True)
              if not isinstance(js, list) or any(p["severity"] == "error" for p in js)]
    assert not errors, f"{len(errors)} of {len(files)} rejected; first: {errors[0]}"
    _assert_same(browser, items[::7])


def _hostile_items() -> list[tuple[bytes, str, str | None]]:
    """Files built to break a validator or its reader: each class of the policy."""
    good = json.loads(GOOD.read_text(encoding="utf-8"))
    texts = []
    for expname in ["a\x1b]0;pwned\x07_cal.fits", "a\x00_cal.fits", "..", ".", "   ", "dir/",
                    "/abs/a_cal.fits", "../up/a_cal.fits", "a\u202e_cal.fits", "a\u2028_cal.fits",
                    "a\r\n::error::x_cal.fits", "nrca1\u200b_cal.fits", "a\U000e0041_cal.fits",
                    "d/" + "a" * 246 + "_cal.fits", "a" * 247 + "_cal.fits",
                    "é" * 124 + "_cal.fits"]:
        data = json.loads(json.dumps(good))
        data["products"][0]["members"][0]["expname"] = expname
        texts.append(json.dumps(data))
    for name in ["../../x", "/tmp/x", "a\\b", ".", "..", " ", "x\n::warning::y", "x\u2066",
                 "x\u2060\ufeff\xad", "x" * 238, "x" * 239, "é" * 119 + "x", "\U0001f600" * 60,
                 "##vso[task.setvariable variable=x]1"]:
        data = json.loads(json.dumps(good))
        data["products"][0]["name"] = name
        texts.append(json.dumps(data))
    minimal = {"products": [{"name": "p", "members": [{"expname": "a_cal.fits",
                                                         "exptype": "science"}]}]}
    texts.append(json.dumps(minimal))
    texts.append(json.dumps({**minimal, "asn_type": 3, "program": 1234, "code_version": 1}))
    texts.append('{"products": [], "x": ' + "9" * 4301 + ', "y": -' + "9" * 4400 + "}")
    texts.append('{"products": [' + "[" * 400 + "]" * 400 + "]}")
    texts.append('{"a\\ud800b": "\\udc00", "products": ["\\ud83d\\ude00\\ud83d"]}')
    texts.append('{"products": "\\ud800\\u0041"}')
    texts.append(json.dumps({**minimal, "no\u200bte": 1, "x\U000e0041": 2}))
    texts.append('{"products": [{"name": NaN, "members": [{"expname": Infinity, '
                 '"exptype": "science"}]}], "program": -Infinity, "x": NaN}')
    items = [(t.encode("utf-8"), GOOD.name, GOOD.name) for t in texts]
    items.append((texts[0].encode(), "::error file=x::y_asn.json", "::error file=x::y_asn.json"))
    items.append((texts[0].encode(), "x\n##[error]y_asn.json", "x\n##[error]y_asn.json"))
    return items


def test_page_agrees_with_python_on_hostile_files_and_shows_the_same_lines(
        browser, standalone_page):
    _open(browser, standalone_page)
    items = _hostile_items()
    _assert_same(browser, items)
    payload = [[base64.b64encode(raw).decode("ascii"), name, path] for raw, name, path in items]
    lines = browser.execute_script(
        "return arguments[0].map(([b64, name, path]) => {"
        "  const bin = atob(b64); const bytes = new Uint8Array(bin.length);"
        "  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);"
        "  return AsnValidator.check(bytes, name, path, false).lines; });", payload)
    for (raw, name, path), shown in zip(items, lines, strict=True):
        expected = [text_line(p) for p in validate_bytes(raw, name, path=path)
                    if p.to_dict() in _comparable([p])]
        assert shown == expected
        assert not any(line.lstrip().startswith("::") or "##[" in line for line in shown)
