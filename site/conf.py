"""Sphinx configuration of the asnatlas reference site (used as ``confdir``).

The MyST sources are written by ``asnatlas build``; this file only sets the look and
the settings that keep pages small, offline and deterministic.
"""

project = "asnatlas"
author = "asnatlas"
copyright = "asnatlas contributors"
# asnatlas.web.sphinx_ext: shared search stemmer cache; Sphinx's parallel reading is
# slower than serial here (measured), so it declares reading serial, writing parallel.
extensions = ["myst_parser", "asnatlas.web.sphinx_ext"]
source_suffix = {".md": "markdown"}
root_doc = "index"
language = "en"

# Plain CommonMark + tables: no extension that could turn pool text into markup, and
# none that reads files (no "substitution", "html_image", "attrs_*"...).
myst_enable_extensions: list[str] = []
myst_heading_anchors = 0
# Keep data exactly as written: no curly quotes or dashes in file names and values.
smartquotes = False
highlight_language = "none"

html_theme = "pydata_sphinx_theme"
html_title = "asnatlas: JWST associations"
html_static_path = ["_static"]
templates_path = ["_templates"]
html_css_files = ["asnatlas.css"]
html_js_files = ["asnatlas.js"]
html_copy_source = False
html_show_sourcelink = False
html_show_sphinx = False
html_last_updated_fmt = None
html_use_index = False
html_domain_indices = False

# Each page's size must not grow with the number of pages: no section navigation in
# the sidebar of pool, association and exposure pages (a pool can have ~1,000 children).
html_sidebars: dict[str, list[str]] = {"**": []}
html_theme_options = {
    "navigation_depth": 1,
    "show_nav_level": 1,
    "collapse_navigation": True,
    "show_prev_next": False,
    "navbar_start": ["navbar-logo"],
    "navbar_center": ["navbar-nav"],
    "navbar_end": ["theme-switcher"],
    "navbar_persistent": ["search-button"],
    "footer_start": [],
    "footer_center": [],
    "footer_end": [],
    "primary_sidebar_end": [],
    "article_footer_items": [],
    "content_footer_items": [],
    "secondary_sidebar_items": ["page-toc"],
    # The theme renders each component twice to drop empty ones unless listed here;
    # on thousands of pages that was a tenth of the build.
    "templates_skip_empty_check": [
        "navbar-logo.html", "navbar-nav.html", "theme-switcher.html", "search-button.html",
        "breadcrumbs.html", "page-toc.html",
    ],
    "logo": {"text": "asnatlas"},
    "header_links_before_dropdown": 4,
}


#: Docutils settings of every page. Pool values are escaped before they reach a page
#: (asnatlas.web.escape); should a directive get through all the same, it can neither
#: insert a file of the build machine ({include}, {literalinclude}, {csv-table} :file:)
#: nor write raw output ({raw}, the raw role, raw inside {eval-rst}). Our own pages use
#: neither: their HTML blocks are Markdown HTML blocks, which these settings do not touch.
DOCUTILS_SETTINGS = {"file_insertion_enabled": False, "raw_enabled": False}


def _lock_down(app, env, docnames) -> None:
    env.settings.update(DOCUTILS_SETTINGS)


def _drop_file_references(app, doctree) -> None:
    """Images and download links make Sphinx copy a file into the site; our pages have
    none (their downloads are plain HTML links), so any found is shown as its text."""
    from docutils import nodes
    from sphinx import addnodes

    for node in list(doctree.findall(nodes.image)):
        node.replace_self(nodes.Text(node.get("alt", "")))
    for node in list(doctree.findall(addnodes.download_reference)):
        node.replace_self(nodes.Text(node.astext()))


def setup(app):
    # Sphinx builds the docutils settings of each page from env.settings (its defaults
    # enable file insertion): set ours just before any page is read, on every build.
    app.connect("env-before-read-docs", _lock_down)
    # Before Sphinx's own collectors (priority 500) note the files to copy.
    app.connect("doctree-read", _drop_file_references, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
