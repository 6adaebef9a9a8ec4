"""A small Sphinx extension for the site build (listed in ``site/conf.py``).

- English search with a stemmer cache shared by all pages: Sphinx memoises stems per
  page only, and with thousands of small pages that repeat the same words, stemming was
  27% of a cold build (measured: 44 of 165 s, profiled).
- Reading is declared serial, writing parallel: with ~3,400 small pages, Sphinx's
  parallel reading (forked workers whose environments are pickled and merged back) took
  longer than reading in one process (measured: 53 s against about 25 s on 2 cores),
  while parallel writing pays off.
- Every page's footer names the asnatlas version and the jwst rules it reproduces.
- Words of removed pages leave the search index, so that an incremental build gives the
  same files as a cold one.
"""

from __future__ import annotations

from sphinx.search.en import SearchEnglish

#: The warnings Sphinx logs because of the serial-reading choice above (not problems).
EXPECTED_WARNINGS = ("is not safe for parallel reading", "doing serial read")


class SearchEnglishCached(SearchEnglish):
    """English search whose stems are computed once per word for the whole build."""

    _stems: dict[str, str] = {}

    def stem(self, word: str) -> str:
        try:
            return self._stems[word]
        except KeyError:
            stemmed = self._stems[word] = super().stem(word)
            return stemmed


def drop_empty_search_terms(app) -> list:
    """Forget the words of removed pages (``html-collect-pages`` runs before the dump).

    On an incremental build Sphinx removes a deleted page from every word's page list but
    keeps the word with an empty list, so the index would differ from a cold build's.
    """
    indexer = getattr(app.builder, "indexer", None)
    for name in ("_mapping", "_title_mapping"):
        mapping = getattr(indexer, name, None)
        if isinstance(mapping, dict):
            for word in [word for word, pages in mapping.items() if not pages]:
                del mapping[word]
    return []


def provenance() -> dict[str, str]:
    """The footer's facts: our version, the jwst version whose rules we reproduce, and a
    build date only when ``SOURCE_DATE_EPOCH`` sets one (reproducible builds)."""
    import datetime
    import os

    from asnatlas import RULES_VERSION, __version__

    date = ""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isascii() and epoch.isdigit():  # "²" is a digit to isdigit, not to int
        try:
            date = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).strftime(
                "%Y-%m-%d")
        except (OverflowError, OSError, ValueError):  # beyond the dates Python can make
            date = ""
    return {"asnatlas_version": __version__, "asnatlas_rules": RULES_VERSION,
            "asnatlas_date": date}


def add_provenance(app, pagename, templatename, context, doctree) -> None:
    context.update(provenance())
    # The theme's colour mode: without a default its script logs "invalid theme mode"
    # as a console error on every page opened from disk.
    context["default_mode"] = context.get("default_mode") or "auto"


def setup(app) -> dict:
    app.add_search_language(SearchEnglishCached)
    app.connect("html-page-context", add_provenance)
    app.connect("html-collect-pages", drop_empty_search_terms)
    return {"parallel_read_safe": False, "parallel_write_safe": True}
