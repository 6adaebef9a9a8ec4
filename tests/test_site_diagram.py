"""The association diagram: escaped SVG, bounded size, links to the members' pages."""

from __future__ import annotations

from xml.etree import ElementTree

from asnatlas.web import diagram

SVG = "{http://www.w3.org/2000/svg}"


def _draw(rows=1, members=1, label="science: jw_<b>x</b>.fits"):
    return diagram.render(diagram.build(
        [(f"row {i}", f"../exp/r{i}.html") for i in range(rows)],
        "o001", "jw01234-o001_image3_00001_asn.json",
        [("jw01234-o001_t001_<i>x</i>", [(label, "../exp/r0.html", 0)] * members)],
    ), "How <script> was formed")


def test_diagram_is_well_formed_svg_with_escaped_text():
    svg = _draw()
    root = ElementTree.fromstring(str(svg))  # parses: every label was escaped
    assert root.tag == f"{SVG}svg"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "o001" in texts
    assert any(t and t.startswith("jw01234-o001_t001_<i>x") for t in texts)
    assert root.find(f"{SVG}title").text == "How <script> was formed"
    assert "<script" not in str(svg) and "<b>" not in str(svg)


def test_columns_edges_and_links():
    svg = str(_draw(rows=2, members=2))
    root = ElementTree.fromstring(svg)
    headings = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "asn-col"]
    assert headings == list(diagram.COLUMNS)
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert links.count("../exp/r0.html") == 3  # row 0 and the two members
    assert len(list(root.iter(f"{SVG}line"))) == 2 + 1 + 1 + 2


def test_long_columns_are_summarised():
    svg = str(_draw(rows=500, members=500))
    root = ElementTree.fromstring(svg)
    boxes = list(root.iter(f"{SVG}rect"))
    assert len(boxes) <= 3 * diagram.MAX_BOXES
    assert any((t.text or "").startswith("\u2026 and") for t in root.iter(f"{SVG}text"))
    assert len(svg) < 100_000
