"""The site's pictures: escaped SVG, bounded size, labels that tell members apart, folded
member lists, and the pool overview's marks and links."""

from __future__ import annotations

from xml.etree import ElementTree

from asnatlas.web import diagram

SVG = "{http://www.w3.org/2000/svg}"


def _members(n: int, exptype: str = "science") -> list[tuple[str, str, str]]:
    return [(exptype, f"jw01234001001_02101_{i + 1:05d}_nrca1_cal.fits",
             f"../exposure.html#row-{i + 1}") for i in range(n)]


def _draw(rows=1, members=None, label_type="science"):
    if members is None:
        members = [(label_type, "jw_<b>x</b>.fits", "../exposure.html#row-1")]
    return diagram.render(diagram.build(
        [(f"row {i + 1}", f"../exposure.html#row-{i + 1}") for i in range(rows)],
        "o001", "jw01234-o001_image3_00001_asn.json",
        [("jw01234-o001_t001_<i>x</i>", members)],
    ), "How <script> was formed")


def test_diagram_is_well_formed_svg_with_escaped_text():
    svg = _draw()
    root = ElementTree.fromstring(str(svg))  # parses: every label was escaped
    assert root.tag == f"{SVG}svg"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "o001" in texts
    assert any(t and t.startswith("jw01234-o001_t001_<i>") for t in texts)
    assert root.find(f"{SVG}title").text == "How <script> was formed"
    assert "<script" not in str(svg) and "<b>" not in str(svg)


def test_it_fits_the_content_column():
    root = ElementTree.fromstring(str(_draw()))
    assert root.get("width") == "100%" and root.get("viewBox")


def test_columns_edges_and_links():
    svg = str(_draw(rows=2, members=_members(2)))
    root = ElementTree.fromstring(svg)
    headings = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "asn-col"]
    assert headings == list(diagram.COLUMNS)
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert links.count("../exposure.html#row-1") == 2  # row 1 and its member
    assert len(list(root.iter(f"{SVG}line"))) == 2 + 1 + 1 + 2


def test_labels_show_the_part_of_the_names_that_differs():
    root = ElementTree.fromstring(str(_draw(rows=3, members=_members(3))))
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "science: 00001" in labels and "science: 00003" in labels
    # The full name stays in the tooltip.
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "science: jw01234001001_02101_00001_nrca1_cal.fits" in titles
    assert diagram.differing(["a_1_x", "a_2_x"]) == ["1", "2"]
    assert diagram.differing(["same", "same"]) == ["same", "same"]


def test_large_member_lists_fold_into_counts_by_member_type():
    members = _members(128) + _members(12, "background")
    svg = str(_draw(rows=140, members=members))
    root = ElementTree.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "128 \u00d7 science" in texts and "12 \u00d7 background" in texts
    assert "140 pool rows" in texts
    assert len(list(root.iter(f"{SVG}rect"))) <= 10
    assert len(svg) < 10_000


def test_overview_marks_link_and_stay_small():
    cells = {("o001", "2:image2"): (6, "#filter=o001%20image2"),
             ("o001", "3:image3"): (1, "asn/jw01234-o001_image3_00001.html"),
             ("c1000", "3:image3"): (1, "asn/jw01234-c1000_image3_00001.html")}
    svg = str(diagram.overview(cells, {"o002": 3}, "Overview of <pool>"))
    root = ElementTree.fromstring(svg)
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert links == ["#filter=o001%20image2", "asn/jw01234-o001_image3_00001.html",
                     "#orphans", "asn/jw01234-c1000_image3_00001.html"]
    rows = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "asn-rowlabel"]
    assert rows == ["o001", "o002", "c1000"]  # observations first, in numeric order
    many = {(f"o{i:03d}", "2:image2"): (3, "#associations") for i in range(1, 1000)}
    big = str(diagram.overview(many, {}, "big"))
    assert len(big) < 20_000
    labels = [t.text for t in ElementTree.fromstring(big).iter(f"{SVG}text")
              if t.get("class") == "asn-rowlabel"]
    assert len(labels) <= diagram.MAX_OVERVIEW_ROWS and labels[0].startswith("o001\u2013")


def test_candidates_sort_numerically_whatever_their_length():
    from asnatlas.web.diagram import _candidate_order

    huge = "o" + "9" * 5000  # int() of this would raise; a pool may hold it
    ids = ["o010", "o002", "c1000", huge, "o1", "o\u00b2", "a3001"]
    ordered = sorted(ids, key=_candidate_order)  # a superscript digit neither
    assert [c for c in ordered if c != "o\u00b2"] == [
        "o1", "o002", "o010", huge, "c1000", "a3001"]
