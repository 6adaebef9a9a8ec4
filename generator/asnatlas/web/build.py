"""Build the reference site: pools -> associations -> verdicts -> MyST pages -> Sphinx HTML.

The build keeps a cache next to the output folder (``.<OUT>.asnatlas-cache``) holding
the MyST sources, Sphinx's doctrees and Sphinx's own HTML output. A source is rewritten
only when its text changed, so Sphinx re-reads and re-writes only those pages. The
finished HTML is copied into a temporary folder next to OUT and swapped in at the end: a
build that fails leaves the previous site untouched.
"""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
import pickle
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TextIO

from asnatlas import safeio
from asnatlas.errors import AsnatlasError, InputError
from asnatlas.model import Generated
from asnatlas.pool import Pool, read_pool
from asnatlas.resources import folder as shipped_folder
from asnatlas.safetext import visible
from asnatlas.web import render as site_render
from asnatlas.web.plan import SiteSummary, pool_bases, pool_page
from asnatlas.web.render import PoolOutput

#: A file in every site we write: we only ever replace a folder that holds it.
MARKER = ".asnatlas-site"
VALIDATOR_TEMPLATE = "validator.md.j2"
#: Sphinx's own files that are not part of the site: .buildinfo holds a hash of the
#: config (which names the cache folder), _sources would hold copies of the MyST pages.
NOT_PUBLISHED = (".buildinfo", "_sources")


class BuildError(AsnatlasError):
    """The site could not be built (the previous site, if any, is untouched)."""


@dataclass
class BuildReport:
    """What a build did."""

    out: Path
    pools: int = 0
    associations: int = 0
    exposures: int = 0
    pages: int = 0
    changed: int = 0
    warnings: list[str] = field(default_factory=list)
    #: Seconds spent per phase: generate (read, generate, validate, explain and render each
    #: pool, in parallel with --jobs), render (site pages), sphinx, compose (association
    #: pages and data files), publish.
    timings: dict[str, float] = field(default_factory=dict)


Generate = Callable[..., Generated]


def cache_dir(out: Path) -> Path:
    """Where the build keeps its sources, doctrees and Sphinx output between runs."""
    return out.parent / f".{out.name}.asnatlas-cache"


def _default_generate() -> Generate:
    from asnatlas.generate import generate

    return generate


def _validate(generated: Generated) -> list[list]:
    from asnatlas.validate.api import validate_text

    return [validate_text(asn.to_json(), asn.filename) for asn in generated.associations]


def build_pool(path: str, base: str, *, version_id: str | None = None,
               read: Callable[[str], Pool] = read_pool,
               generate: Generate | None = None, jobs: int = 1,
               compare: str | os.PathLike | None = None) -> PoolOutput:
    """Read one pool, generate and validate its associations, render its pages (with
    ``jobs`` processes for the explanations and association pages of a large pool); with
    ``compare`` (``build --compare DIR``), each association against the folder DIR."""
    pool = read(path)
    generated = (generate or _default_generate())(pool, version_id=version_id)
    page = pool_page(pool, generated, _validate(generated), base)
    comparison = None
    if compare is not None:
        from asnatlas.toolkit import compare_folder

        comparison = compare_folder([(a.docname, a.asn.data) for a in page.asns], compare)
    return site_render.render_pool(page, jobs, comparison)


#: What the forked workers of `build_pools` need (inherited, so that `read` and
#: `generate` may be any callables, lambdas included: nothing is pickled but results).
_WORK: dict = {}


def _work(number: int) -> PoolOutput:
    path, base = _WORK["jobs"][number]
    return build_pool(path, base, **_WORK["options"])


def build_pools(
    pool_paths: Iterable[str | os.PathLike],
    *,
    version_id: str | None = None,
    read: Callable[[str], Pool] = read_pool,
    generate: Generate | None = None,
    jobs: int = 1,
    progress: Callable[[str], None] = lambda message: None,
    store: Path | None = None,
    code_key: str = "",
    compare: str | os.PathLike | None = None,
) -> list[PoolOutput]:
    """Build every pool's pages, ``jobs`` pools at a time (forked processes), in order.

    With ``store``, each pool's output is kept there under a hash of the pool, its place
    and ``code_key`` (the code and options), and reused while they are unchanged.
    """
    paths = [str(p) for p in pool_paths]
    bases = pool_bases([os.path.basename(p) for p in paths])
    options = {"version_id": version_id, "read": read, "generate": generate, "compare": compare}
    outputs: list[PoolOutput | None] = [None] * len(paths)

    def done(number: int, output: PoolOutput) -> None:
        outputs[number] = output
        finished = sum(o is not None for o in outputs)
        progress(f"[{finished}/{len(paths)}] {output.summary.name}: "
                 f"{output.summary.exposures} exposures, "
                 f"{output.summary.associations} associations")

    keys: list[str | None] = [None] * len(paths)
    if store is not None and generate is None:
        # A pool whose bytes, place and options and whose code are unchanged since the
        # last build is not generated again: its output is read back from the cache.
        store.mkdir(parents=True, exist_ok=True)
        for number, (path, base) in enumerate(zip(paths, bases, strict=True)):
            if not os.path.isfile(path):
                continue  # a pipe or a missing file: read (and reported) when built, not here
            digest = hashlib.sha256(f"{code_key}\0{base}\0{path}\0".encode())
            digest.update(Path(path).read_bytes())
            keys[number] = digest.hexdigest()
            try:
                with open(store / f"{keys[number]}.pickle", "rb") as cached:
                    done(number, pickle.load(cached))
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
                pass
    todo = [n for n in range(len(paths)) if outputs[n] is None]

    def keep(number: int, output: PoolOutput) -> None:
        if keys[number] is not None:
            target = store / f"{keys[number]}.pickle"
            temporary = target.with_suffix(".tmp")
            with open(temporary, "wb") as out:
                pickle.dump(output, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, target)
        done(number, output)

    workers = min(jobs, len(todo))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        # One pool at a time: its own work is spread over the jobs instead.
        for number in todo:
            keep(number, build_pool(paths[number], bases[number], **options, jobs=jobs))
    else:
        _WORK.update(jobs=list(zip(paths, bases, strict=True)), options=options)
        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                futures = {pool.submit(_work, n): n for n in todo}
                for future in as_completed(futures):
                    keep(futures[future], future.result())
        finally:
            _WORK.clear()
    if store is not None:
        used = {f"{key}.pickle" for key in keys if key}
        for old in store.glob("*.pickle"):
            if old.name not in used:
                old.unlink()
    return outputs  # type: ignore[return-value]


def _has_validator() -> bool:
    return shipped_folder("templates").joinpath(VALIDATOR_TEMPLATE).is_file()


def _static_folder(name: str) -> Path | None:
    folder = Path(str(resources.files("asnatlas.web"))) / "static" / name
    return folder if folder.is_dir() and any(folder.iterdir()) else None


def sources(outputs: list[PoolOutput]) -> dict[str, str]:
    """Every file of the Sphinx source tree: relative path -> text."""
    validator = _has_validator()
    summary = SiteSummary(tuple(o.summary for o in outputs))
    pages = site_render.site_pages(summary, validator)
    for output in outputs:
        pages.update(output.sources)
    files = {f"{name}.md": text for name, text in pages.items()}
    if validator:
        from asnatlas.web.validator_page import context as validator_context

        files["validator.md"] = site_render.render(VALIDATOR_TEMPLATE, **validator_context())
    return files


def written_files(outputs: list[PoolOutput]) -> dict[str, str]:
    """The files written beside Sphinx's pages: data files, downloads, the find index."""
    files: dict[str, str] = {}
    names = []
    for output in outputs:
        files.update(output.files)
        names += [(name, kind, output.summary.name, url) for name, kind, url in output.names]
    files[FIND_INDEX] = site_render.find_index(names)
    return files


#: The find box's index of every name in the site (loaded by asnatlas.js when used).
FIND_INDEX = "_static/asnatlas-find-index.js"


def _shell_parts(html: str) -> tuple[str, str]:
    """A page shell split around its article's content."""
    start = html.index('<article class="bd-article">') + len('<article class="bd-article">')
    end = html.index("</article>", start)
    return html[:start], html[end:]


def compose_pages(html_root: Path, outputs: list[PoolOutput]) -> dict[str, str]:
    """The association pages: each one's article written into its pool's page shell
    (rendered by Sphinx from ``asn/index``), with its own title. Returns path -> text."""
    from markupsafe import escape

    pages: dict[str, str] = {}
    marker = site_render.SHELL_TITLE
    for output in outputs:
        if not output.direct:
            continue
        folder = next(iter(output.direct)).rsplit("/", 1)[0]
        shell_doc = f"{folder}/index"
        shell = (html_root / f"{shell_doc}.html").read_text("utf-8")
        head, tail = _shell_parts(shell)
        for docname, (title, body) in output.direct.items():
            safe = str(escape(title))
            page_head = head.replace(marker, safe).replace(
                f"DOCUMENTATION_OPTIONS.pagename = '{shell_doc}'",
                f"DOCUMENTATION_OPTIONS.pagename = '{docname}'")
            pages[f"{docname}.html"] = f"{page_head}\n{body}\n{tail}"
    return pages


def sync_tree(root: Path, files: dict[str, str]) -> tuple[int, int]:
    """Make ``root`` hold exactly ``files``; write only the files whose text changed.

    Unchanged files keep their modification time, which is how Sphinx knows they need
    no work. Returns the numbers of files written and removed.
    """
    written = removed = 0
    for rel, text in files.items():
        path = root / rel
        data = text.encode("utf-8")
        try:
            if path.read_bytes() == data:
                continue
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written += 1
    for path in sorted(root.rglob("*"), reverse=True):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and rel not in files:
            path.unlink()
            removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return written, removed


class _Progress(io.TextIOBase):
    """Sphinx's status stream, thinned to one line per 10% of each phase."""

    _PERCENT = re.compile(r"^(.*?)\[\s*(\d+)%\]")

    def __init__(self, stream: TextIO | None):
        self.stream = stream
        self.buffer = ""
        self.last: dict[str, int] = {}

    def write(self, text: str) -> int:
        self.buffer += text
        while "\n" in self.buffer:
            line, self.buffer = self.buffer.split("\n", 1)
            self._line(line)
        return len(text)

    def _line(self, line: str) -> None:
        line = re.sub(r"\x1b\[[0-9;]*m", "", line).strip()
        if not line or self.stream is None:
            return
        if line.startswith("build succeeded"):
            # Its warning count includes the expected ones (sphinx_ext.EXPECTED_WARNINGS);
            # the others are printed by the caller.
            line = "build succeeded."
        match = self._PERCENT.match(line)
        if match:
            phase, percent = match.group(1).strip(), int(match.group(2))
            if percent // 10 == self.last.get(phase, -1) // 10 and percent != 100:
                return
            self.last[phase] = percent
            line = f"{phase} {percent}%"
        elif not line.startswith(("build succeeded", "dumping", "done", "loading",
                                  "updating", "building", "looking", "writing",
                                  "copying", "generating", "preparing", "pickling",
                                  "checking", "waiting", "reading", "no targets")):
            return
        print(f"asnatlas: sphinx: {line}", file=self.stream, flush=True)


def run_sphinx(src: Path, html: Path, doctrees: Path, extra: Path | None = None, *,
               jobs: int, status: TextIO | None) -> list[str]:
    """Run Sphinx's HTML builder; return its warnings (as lines)."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    confdir = Path(str(shipped_folder("site")))
    static = [str(confdir / "_static")]
    for name in ("validator", "table"):
        folder = _static_folder(name)
        if folder is not None:
            static.append(str(folder))
    warnings = io.StringIO()
    # No search excerpts: Sphinx fetches each result page to cut one, and fetch fails over
    # file:// (an error in the console per result). Result titles name their pool.
    overrides = {"html_static_path": static, "html_show_search_summary": False}
    if extra is not None:
        overrides["html_extra_path"] = [str(extra)]
    with docutils_namespace():
        app = Sphinx(str(src), str(confdir), str(html), str(doctrees), "html",
                     confoverrides=overrides, status=_Progress(status), warning=warnings,
                     freshenv=False, parallel=jobs, keep_going=True)
        app.build()
        if app.statuscode:
            raise BuildError("Sphinx failed: " + " | ".join(warnings.getvalue().splitlines()[-5:]))
    from asnatlas.web.sphinx_ext import EXPECTED_WARNINGS

    return [line for line in warnings.getvalue().splitlines()
            if line.strip() and not any(text in line for text in EXPECTED_WARNINGS)]


def _expected_outputs(files: dict[str, str], extra: Iterable[str]) -> set[str]:
    return {rel.removesuffix(".md") + ".html" for rel in files} | set(extra)


def write_files(root: Path, files: dict[str, str]) -> int:
    """Write the files whose text changed (the others keep their times); return how many."""
    written = 0
    for rel, text in files.items():
        path = root / rel
        data = text.encode("utf-8")
        try:
            if path.stat().st_size == len(data) and path.read_bytes() == data:
                continue
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written += 1
    return written


def _prune_html(html: Path, expected: set[str]) -> None:
    """Drop pages of documents that no longer exist (Sphinx leaves them behind)."""
    pools = html / "pools"
    if not pools.is_dir():
        return
    for path in sorted(pools.rglob("*")):
        if path.is_file() and path.relative_to(html).as_posix() not in expected:
            path.unlink()


def input_key(pool_paths: list[str], version_id: str | None, read_key: str) -> str:
    """A hash of everything a build's output depends on: the pools (names and bytes), the
    options, and the code, templates, schemas and tool versions that turn them into pages.
    """
    from importlib.metadata import version

    from asnatlas import __version__

    if not all(os.path.isfile(path) for path in pool_paths):
        return ""  # a pipe (or a missing pool, reported when read): nothing to compare with
    # Versions from the installed metadata: importing Sphinx only to read its version
    # was most of a "nothing changed" rebuild.
    digest = hashlib.sha256()
    digest.update(json.dumps([
        __version__, *(version(name) for name in (
            "sphinx", "myst-parser", "pydata-sphinx-theme", "jinja2", "pygments")),
        version_id, read_key, pool_paths,
    ]).encode("utf-8"))
    for path in pool_paths:
        digest.update(Path(path).read_bytes())
    roots = [Path(str(resources.files("asnatlas")))]
    roots += [Path(str(shipped_folder(name))) for name in ("templates", "site", "schemas")]
    _hash_trees(digest, roots)
    return digest.hexdigest()


def theme_key() -> str:
    """A hash of the Sphinx project (conf, templates, styles, scripts, bundled assets)."""
    digest = hashlib.sha256()
    _hash_trees(digest, [Path(str(shipped_folder("site"))),
                         Path(str(resources.files("asnatlas.web"))) / "static",
                         Path(str(resources.files("asnatlas.web")))])
    return digest.hexdigest()


def _hash_trees(digest, roots: list[Path]) -> None:
    """Add every file below ``roots`` (its path and bytes, in order) to ``digest``."""
    for root in roots:
        for file in sorted(root.rglob("*")):
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(file.relative_to(root).as_posix().encode("utf-8") + b"\0")
                digest.update(file.read_bytes())


def tree_state(root: Path, previous: dict[str, list]) -> dict[str, list]:
    """``{path: [size, mtime_ns, sha256]}`` of every file below ``root``.

    Hashes are reused from ``previous`` when size and modification time are unchanged,
    so checking an unchanged tree of thousands of pages costs only ``stat`` calls.
    """
    state: dict[str, list] = {}
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or rel.split("/", 1)[0] in NOT_PUBLISHED:
            continue
        info = path.stat()
        old = previous.get(rel)
        if old and old[0] == info.st_size and old[1] == info.st_mtime_ns:
            state[rel] = old
        else:
            state[rel] = [info.st_size, info.st_mtime_ns,
                          hashlib.sha256(path.read_bytes()).hexdigest()]
    return state


def tree_digest(state: dict[str, list]) -> str:
    """One hash of a tree's content (names and bytes; not times)."""
    text = json.dumps({rel: value[2] for rel, value in state.items()}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _marker_text(digest: str) -> str:
    return f"Written by asnatlas build; may be replaced by it.\ncontent {digest}\n"


def _published(out: Path, digest: str) -> bool:
    """True when ``out`` already holds exactly this content (from our last build)."""
    try:
        return (out / MARKER).read_text("utf-8") == _marker_text(digest)
    except OSError:
        return False


def check_output(out: Path) -> None:
    """Refuse an OUT that holds something else than a site we wrote (or nothing)."""
    if out.exists() and not (out / MARKER).exists() and (
        not out.is_dir() or any(out.iterdir())
    ):
        raise InputError(
            "output folder exists and was not written by asnatlas build; "
            "choose another -o or remove it", str(out))


def _complete(tree: Path) -> bool:
    """Whether ``tree`` is a whole site (the marker is written last)."""
    return (tree / MARKER).is_file()


def lock_file(out: Path) -> Path:
    """The lock two builds into the same OUT take turns on (beside OUT, never removed)."""
    return out.parent / f".{out.name}.asnatlas-lock"


def publish(built: Path, out: Path, digest: str = "") -> None:
    """Copy ``built`` next to ``out`` and swap it in (`asnatlas.safeio.publish_tree`): OUT
    is always the old site or the new one, even if the run is killed."""
    check_output(out)
    out.parent.mkdir(parents=True, exist_ok=True)

    def fill(target: Path) -> None:
        shutil.copytree(built, target, ignore=lambda folder, names: [
            name for name in names if Path(folder) == built and name in NOT_PUBLISHED])
        (target / MARKER).write_text(_marker_text(digest), "utf-8")

    safeio.publish_tree(fill, out, _complete)


@safeio.locked_output(lock_file)
def build(
    pool_paths: Iterable[str | os.PathLike],
    out: str | os.PathLike,
    *,
    version_id: str | None = None,
    read: Callable[[str], Pool] = read_pool,
    read_key: str = "",
    jobs: int = 2,
    generate: Generate | None = None,
    status: TextIO | None = sys.stderr,
    compare: str | os.PathLike | None = None,
) -> BuildReport:
    """Build the site for ``pool_paths`` into ``out``.

    ``read`` reads one pool and ``read_key`` names its options (they are part of what
    decides whether anything changed since the last build).
    """
    out = Path(out).absolute()
    # What a killed build left: a site moved aside mid-swap, staging folders.
    safeio.recover_tree(out, _complete)
    check_output(out)
    paths = [str(p) for p in pool_paths]

    def say(message: str) -> None:
        if status is not None:
            print(f"asnatlas: {visible(message)}", file=status, flush=True)

    timings: dict[str, float] = {}
    clock = time.perf_counter()
    cache = cache_dir(out)
    state_file = cache / "published.json"
    if safeio.was_interrupted(cache):  # a killed build may have left it half-updated
        shutil.rmtree(cache)
    try:
        previous = json.loads(state_file.read_text("utf-8"))
    except (OSError, ValueError):
        previous = {}
    if not isinstance(previous, dict):
        previous = {}
    # Same pools, options and code as the site in OUT: nothing to do (a custom generator
    # is not part of the key, so it always rebuilds).
    key = input_key(paths, version_id, read_key) if generate is None else None
    if key and previous.get("key") == key and _published(out, previous.get("digest", "")):
        say("nothing changed since the last build")
        timings["check"] = time.perf_counter() - clock
        return BuildReport(out=out, **previous.get("report", {}), warnings=[],
                           timings=timings)
    outputs = build_pools(paths, version_id=version_id, read=read, generate=generate,
                          jobs=jobs, progress=say, store=cache / "pools", compare=compare,
                          code_key=input_key([], version_id, read_key))
    summary = SiteSummary(tuple(o.summary for o in outputs))
    timings["generate"] = time.perf_counter() - clock
    clock = time.perf_counter()
    files = sources(outputs)
    src, html, doctrees = cache / "src", cache / "html", cache / "doctrees"
    for folder in (src, html, doctrees):
        folder.mkdir(parents=True, exist_ok=True)
    safeio.begin_update(cache)
    shutil.rmtree(cache / "extra", ignore_errors=True)  # from builds before data files
    theme = theme_key()
    if previous.get("theme") != theme:
        # Sphinx re-writes a page only when its source changed, not when the templates,
        # styles or scripts did: start its output afresh.
        for folder in (html, doctrees):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
    changed, _removed = sync_tree(src, files)
    timings["render"] = time.perf_counter() - clock
    say(f"{len(files)} Sphinx pages, {changed} changed; running Sphinx")
    clock = time.perf_counter()
    try:
        warnings = run_sphinx(src, html, doctrees, jobs=jobs, status=status)
        timings["sphinx"] = time.perf_counter() - clock
        clock = time.perf_counter()
        written = written_files(outputs)
        written.update(compose_pages(html, outputs))
        shells = [f"{docname.rsplit('/', 1)[0]}/index.html"
                  for output in outputs for docname in list(output.direct)[:1]]
        del outputs  # the pages are in `written` now; keep the peak memory down
        for shell in shells:
            (html / shell).unlink(missing_ok=True)
        write_files(html, written)
        expected = _expected_outputs(files, written) - set(shells)
        _prune_html(html, expected)
        page_count = len(files) - len(shells) + sum(
            1 for rel in written if rel.endswith(".html"))
        del written
    except BaseException:
        # The cache may be half-updated: start clean next time. OUT is untouched.
        shutil.rmtree(cache, ignore_errors=True)
        raise
    timings["compose"] = time.perf_counter() - clock
    clock = time.perf_counter()
    state = tree_state(html, previous.get("files", {}))
    digest = tree_digest(state)
    if _published(out, digest):
        say("the site is unchanged")
    else:
        publish(html, out, digest)
    counts = {"pools": len(summary.pools), "associations": summary.association_count,
              "exposures": summary.exposure_count, "pages": page_count}
    state_file.write_text(json.dumps(
        {"key": key, "digest": digest, "report": counts, "files": state, "theme": theme},
        sort_keys=True),
        "utf-8")
    safeio.end_update(cache)
    timings["publish"] = time.perf_counter() - clock
    return BuildReport(out=out, changed=changed, warnings=warnings, timings=timings, **counts)
