"""``asnatlas build``: the site's pages, links, inertness of hostile text, determinism and
safety, checked on the built HTML files."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from asnatlas.web import build as site_build

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
HOSTILE = HERE / "data" / "hostile_pool.csv"
IMAGING = REPO / "generator" / "asnatlas" / "samples" / "imaging.csv"


def build(out: Path, *pools: Path, expect: int = 0) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "asnatlas", "build", "-q", "-o", str(out), *map(str, pools)],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == expect, result.stderr
    return result


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


class Page(HTMLParser):
    """Tags, attributes, links and text of one HTML page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.json_scripts: list[str] = []  # <script type="application/json">: data, not code
        self._in_script = False
        self._json = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        self._json = self._in_script and dict(attrs).get("type") == "application/json"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            (self.json_scripts if self._json else self.scripts).append(data)
        else:
            self.text.append(data)

    def urls(self) -> list[str]:
        return [value for _tag, attrs in self.tags for name, value in attrs.items()
                if name in ("href", "src") and value]

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    build(out, HOSTILE, IMAGING)
    return out


def pages(root: Path) -> list[Path]:
    """The site's pages (not the theme's template fragments under _static)."""
    return sorted(p for p in root.rglob("*.html") if "_static" not in p.relative_to(root).parts)


def hostile_pages(root: Path) -> list[Path]:
    return sorted((root / "pools" / "hostile_pool").rglob("*.html"))


def data_value(path: Path):
    """The JSON value a ``.js`` data file registers."""
    text = path.read_text("utf-8")
    assert text.startswith("(window.asnatlasData=window.asnatlasData||{})["), path
    return json.loads(text.split("]=", 1)[1].rstrip().removesuffix(";"))


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item)]
    return []


def data_links(root: Path) -> list[tuple[Path, str]]:
    """(base folder, relative URL) of every link inside the data files: exposure details
    and pool tables are relative to the pool folder, member tables to the association
    folder, the find index to the site root."""
    links = []
    for path in root.rglob("*.js"):
        rel = path.relative_to(root).as_posix()
        if rel == "_static/asnatlas-find-index.js":
            links += [(root, entry[3]) for entry in data_value(path)]
        elif "/data/" in rel or rel.endswith(".members.js"):
            base = path.parent.parent if "/data/" in rel else path.parent
            value = data_value(path)
            for text in strings(value):
                if re.fullmatch(r"[a-z0-9_./-]+\.html(#[a-z0-9=%_-]*)?", text):
                    links.append((base, text))
    return links


def test_every_kind_of_page_is_there(site):
    for name in ("index.html", "reference.html", "search.html", "searchindex.js",
                 "pools/index.html", "pools/hostile_pool/index.html",
                 "pools/imaging/index.html", "validator.html"):
        assert (site / name).is_file(), name
    assert len(list((site / "pools" / "imaging" / "asn").glob("*.html"))) >= 5
    # Exposure details: one page per pool, fed by data files.
    assert (site / "pools" / "imaging" / "exposure.html").is_file()
    assert (site / "pools" / "imaging" / "data" / "exp-0000.js").is_file()
    assert (site / "_static" / "asnatlas-find-index.js").is_file()
    assert (site / "_static" / "asnatlas-table.js").is_file()
    # Every association is offered for download beside its page.
    for page in (site / "pools" / "imaging" / "asn").glob("*.html"):
        assert page.with_suffix(".json").is_file()


def test_no_broken_internal_link_and_nothing_leaves_the_site(site):
    broken, external = [], []
    for path in pages(site):
        for url in Page(path.read_text("utf-8")).urls():
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") or url.startswith("//"):
                # Links a person may follow are fine; nothing may be *loaded* from outside.
                continue
            if parts.scheme == "mailto" or url.startswith("#"):
                continue
            if parts.scheme or url.startswith("/"):
                external.append((path, url))
                continue
            target = (path.parent / unquote(parts.path)).resolve()
            if not target.exists():
                broken.append((path.relative_to(site).as_posix(), url))
    assert not broken, broken[:10]
    assert not external, external[:10]
    links = data_links(site)
    assert len(links) > 50
    for base, url in links:
        parts = urlsplit(url)
        assert not parts.scheme and not url.startswith("/"), url
        assert (base / unquote(parts.path)).is_file(), (base, url)


def test_no_resource_is_loaded_from_the_network(site):
    for path in pages(site):
        page = Page(path.read_text("utf-8"))
        for tag, attrs in page.tags:
            if tag in ("script", "img", "iframe", "audio", "video", "source") and attrs.get("src"):
                assert not re.match(r"^(https?:)?//", attrs["src"]), (path, attrs)
            if tag == "link" and attrs.get("href"):
                assert not re.match(r"^(https?:)?//", attrs["href"]), (path, attrs)
    for css in site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^)'\"]+)", css.read_text("utf-8", "replace")):
            assert not re.match(r"^(https?:)?//", url), (css, url)


def test_hostile_text_is_inert(site):
    seen = " ".join(Page(p.read_text("utf-8")).plain for p in hostile_pages(site))
    # Exposure details and whole tables are data (shown with textContent by the browser).
    data = sorted((site / "pools" / "hostile_pool").rglob("*.js"))
    seen += " ".join(s for path in data for s in strings(data_value(path)))
    for path in data:
        assert "<" not in path.read_text("utf-8"), path  # escaped as \u003c in the JSON
    # The values are shown, literally...
    for text in ("jw_<script>alert(1)</script>_uncal.fits", "<img src=x onerror=alert(2)>",
                 "[click-me](javascript:alert(3))", "{raw}`<b>raw-role</b>`",
                 "{{ 7*7 }}{% if true %}jinja-ran{% endif %}", ":::{note} myst-directive",
                 "jw_**bold**_&lt;i&gt;entity_uncal.fits", "```{raw} html",
                 "$x^2$ # not-a-heading", "quoted|pipe <svg onload=alert(4)>"):
        assert text in seen, text
    # ...and none of it became markup or code.
    for path in hostile_pages(site) + [site / "index.html"]:
        raw = path.read_text("utf-8")
        page = Page(raw)
        for tag, attrs in page.tags:
            assert tag not in ("img", "iframe", "object", "embed"), (path, tag, attrs)
            for name, value in attrs.items():
                assert not name.startswith("on"), (path, tag, name)
                assert not (value or "").strip().lower().startswith("javascript:"), (path, attrs)
            classes = (attrs.get("class") or "").split()
            assert "admonition" not in classes and "math" not in classes, (path, tag, attrs)
        assert not any("alert(" in script for script in page.scripts), path
        for data in page.json_scripts:  # table data inside the page: JSON, "<" escaped
            assert "<" not in data, path
            seen_in_page = " ".join(strings(json.loads(data)))
            assert "alert(" not in data or "alert(" in seen_in_page, path
        assert [tag for tag, _ in page.tags].count("h1") <= 1, path
        for markup in ("<strong>bold</strong>", "<b>raw-role</b>", "<i>entity", "<em>em</em>"):
            assert markup not in raw, (path, markup)
        # Jinja syntax was never evaluated: "jinja-ran" only appears inside its own tags.
        assert page.plain.count("jinja-ran") == page.plain.count("{% if true %}jinja-ran")


def test_pages_of_one_pool_do_not_depend_on_the_other_pools(site, tmp_path):
    """Page size stays independent of the site's size: no page lists the whole site."""
    alone = tmp_path / "alone"
    build(alone, HOSTILE)
    for path in hostile_pages(alone):
        rel = path.relative_to(alone)
        assert path.read_bytes() == (site / rel).read_bytes(), rel


def test_two_builds_are_byte_identical_and_a_rebuild_changes_nothing(site, tmp_path):
    again = tmp_path / "again"
    build(again, HOSTILE, IMAGING)
    assert tree_digest(again) == tree_digest(site)
    before = tree_digest(again)
    result = build(again, HOSTILE, IMAGING)
    assert tree_digest(again) == before
    assert result.returncode == 0


def test_a_failed_build_leaves_the_previous_site(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(out, HOSTILE)
    before = tree_digest(out)
    bad = tmp_path / "bad_pool.csv"
    bad.write_text("this is not | a pool\n1|2|3|4\n")
    result = build(out, bad, expect=2)
    assert "bad_pool.csv" in result.stderr and "Traceback" not in result.stderr
    assert tree_digest(out) == before

    def explode(*args, **kwargs):
        raise site_build.BuildError("Sphinx failed: simulated")

    monkeypatch.setattr(site_build, "run_sphinx", explode)
    with pytest.raises(site_build.BuildError):
        site_build.build([IMAGING], out, status=None)
    assert tree_digest(out) == before
    assert not site_build.cache_dir(out).exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.new")] == []


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("precious")
    result = build(out, HOSTILE, expect=2)
    assert "not written by asnatlas build" in result.stderr
    assert (out / "notes.txt").read_text() == "precious"


def test_an_incremental_rebuild_equals_a_cold_build(tmp_path):
    pool = tmp_path / "imaging.csv"
    pool.write_text(IMAGING.read_text())
    out = tmp_path / "incremental"
    build(out, pool, HOSTILE)
    # The last exposure leaves the pool: its page, its associations and the pool change.
    lines = pool.read_text().rstrip("\n").split("\n")
    pool.write_text("\n".join(lines[:-1]) + "\n")
    build(out, pool, HOSTILE)
    cold = tmp_path / "cold"
    build(cold, pool, HOSTILE)
    assert tree_digest(out) == tree_digest(cold)
