"""Facts kept in one place: the ASN_CANDIDATE reader, association file names, the
validity checks and the computed checks of the rules."""

from __future__ import annotations

from asnatlas.conventions.candidates import candidate_text, parse_candidate, parse_candidates
from asnatlas.conventions.naming import AsnFileName, format_asn_filename, parse_asn_filename
from asnatlas.model import Association
from asnatlas.rules import all_rules
from asnatlas.rules.checks import VALIDITY, check_of
from asnatlas.rules.constraints import Test as Computed  # (not a pytest class)
from asnatlas.rules.constraints import walk


def test_candidate_text_reads_back():
    text = candidate_text("o001", "observation")
    assert text == "[('o001', 'observation')]"
    assert parse_candidates(text) == (("o001", "observation"),)
    assert parse_candidate("('c1000', 'mosaic')") == ("c1000", "mosaic")
    assert parse_candidate("('c1000', 'mosaic', 'x')") is None
    assert parse_candidate("o001") is None


def test_one_formatter_of_association_file_names():
    name = format_asn_filename("01234", "o001", "image3", 1, "20261123t000000")
    assert name == "jw01234-o001_20261123t000000_image3_00001_asn.json"
    assert format_asn_filename("01234", "O001", "image3", 2, None) == (
        "jw01234-o001_image3_00002_asn.json")  # lower case, no version
    parsed = parse_asn_filename(name)
    assert parsed == AsnFileName(1234, "o001", "image3", 1, "20261123t000000")
    assert parsed.format() == name


def test_association_stage_is_the_catalogue_stage():
    def stage(asn_type: str) -> int:
        return Association("x_asn.json", {"asn_type": asn_type}).stage

    assert [stage(t) for t in ("image2", "tso-spec2", "nrslamp-spec2", "image3", "tso3")] == [
        2, 2, 2, 3, 3]


def test_every_validity_check_a_rule_names_is_recorded():
    for rule in all_rules():
        for name in rule.validity:
            check = VALIDITY[name]
            assert check.condition and check.expected, name


def test_exposure_checks_say_which_columns_they_read():
    seen = set()
    for rule in all_rules():
        for node in walk(rule.constraints):
            check = check_of(node) if isinstance(node, Computed) else None
            if check is not None:
                assert node.why == check.why, rule.name
                assert check.columns or check.shows, check.why
                seen.add(check.why)
    assert "a valid IFU optical path and detector" in seen
    assert "member type science" in seen
