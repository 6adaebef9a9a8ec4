"""`asnatlas explain`: reasons derived from the rules and engine, API and command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import conformance_pools, corpus_params

from asnatlas import samples
from asnatlas.cli import main
from asnatlas.errors import InputError
from asnatlas.explain.explainer import (
    ACQ_RULE,
    KINDS,
    Explainer,
    explain_pool,
    explanations_by_row,
    rule_names,
)
from asnatlas.generate import generate
from asnatlas.pool import read_pool

FIRST = "jw90101001001_02101_00001_nrca1_uncal.fits"


def _row(header: list[str], base: list[str], **changes: str) -> str:
    fields = dict(zip(header, base, strict=True))
    for column, value in changes.items():
        fields[column.upper()] = value
    return "|".join(fields[c] for c in header)


@pytest.fixture
def pool_path(tmp_path: Path) -> Path:
    """The imaging sample plus exposures that no association takes, for known reasons."""
    lines = samples.path("imaging").read_text().splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("FILENAME|"))
    header = lines[header_at].split("|")
    base = lines[header_at + 1].split("|")
    extra = [
        # An imprint: Stage 3 rules exclude imprints.
        _row(header, base, filename="jw90101001001_02101_00004_nrca1_uncal.fits",
             is_imprt="T", exposure="4", expspcin="4"),
        # A NIRSpec MSA exposure in its own observation, without an MSA metadata file.
        _row(header, base, filename="jw90101003001_02101_00001_nrs1_uncal.fits",
             obs_num="3", instrume="NIRSPEC", detector="NRS1", exp_type="NRS_MSASPEC",
             filter="F100LP", pupil="NULL", grating="G140M",
             asn_candidate="[('o003', 'OBSERVATION')]"),
        # A target acquisition listed in o001 but taken in observation 5.
        _row(header, base, filename="jw90101005001_02101_00001_nrca1_uncal.fits",
             obs_num="5", exp_type="NRC_TACQ", pntgtype="TARGET_ACQUISITION",
             asn_candidate="[('o001', 'OBSERVATION')]"),
    ]
    path = tmp_path / "jw90101_explain_pool.csv"
    path.write_text("\n".join(lines + extra) + "\n")
    return path


@pytest.fixture
def explained(pool_path: Path):
    pool = read_pool(str(pool_path))
    generated = generate(pool)
    return pool, generated, Explainer(pool, generated)


def _by_name(pool, name: str) -> int:
    return next(i for i, row in enumerate(pool.rows) if row["filename"] == name)


def test_joined_lists_each_association_with_its_member_type(explained):
    pool, generated, explainer = explained
    exp = explainer.explain(_by_name(pool, FIRST))
    assert not exp.orphan
    rules = {j.rule for j in exp.joined}
    assert {"Asn_Lv2Image", "Asn_Lv3Image", "Asn_Lv3ImageMosaic"} <= rules
    names = {a.filename for a in generated.associations}
    assert all(j.association in names and j.exptype == "science" for j in exp.joined)
    assert not {r.rule for r in exp.rejected} & rules


def test_imprint_is_excluded_by_the_stage3_wrapper(explained):
    pool, _, explainer = explained
    exp = explainer.explain(_by_name(pool, "jw90101001001_02101_00004_nrca1_uncal.fits"))
    lv3 = [r for r in exp.rejected if r.rule == "Asn_Lv3Image"]
    assert lv3[0].reason == "Asn_Lv3Image: excluded because IS_IMPRT is set (t)"
    assert lv3[0].condition == "not an imprint exposure (IS_IMPRT unset)"
    assert (lv3[0].expected, lv3[0].actual, lv3[0].kind) == ("not set", "t", "start")


def test_exp_type_not_in_the_rule_list_names_the_values(explained):
    pool, _, explainer = explained
    exp = explainer.explain(_by_name(pool, "jw90101003001_02101_00001_nrs1_uncal.fits"),
                            only_rule="Asn_Lv3Image")
    assert exp.orphan
    (rejected,) = exp.rejected
    assert rejected.reason.startswith("Asn_Lv3Image: EXP_TYPE nrs_msaspec is not one of "
                                      "nrc_image, mir_image")
    assert rejected.actual == "nrs_msaspec"


def test_missing_column_is_named(explained):
    pool, _, explainer = explained
    exp = explainer.explain(_by_name(pool, "jw90101003001_02101_00001_nrs1_uncal.fits"))
    msa = [r for r in exp.rejected if r.rule == "Asn_Lv2NRSMSA"]
    assert msa and "MSAMETFL" in msa[0].reason and msa[0].actual == "not set"


def test_acquisition_of_another_observation_cannot_join(explained):
    pool, _, explainer = explained
    exp = explainer.explain(_by_name(pool, "jw90101005001_02101_00001_nrca1_uncal.fits"))
    image3 = [r for r in exp.rejected if r.rule == "Asn_Lv3Image"]
    # The acquisition branch, not the imaging branch, explains a target acquisition.
    assert image3[0].kind == "join"
    assert "OBS_NUM is 5, expected 1" in image3[0].reason
    assert image3[0].association.startswith("jw90101-o001_image3_")
    tso = [r for r in exp.rejected if r.rule == "Asn_Lv3TSO"]
    assert any("PNTGTYPE target_acquisition is not science" in r.reason for r in tso)


def test_join_reason_compares_with_the_values_the_association_fixed(explained):
    pool, generated, explainer = explained
    ai = next(i for i, a in enumerate(generated.associations)
              if a.rule.endswith("_Asn_Lv3Image") and a.asn_id == "o001"
              and "f150w" in a.data["products"][0]["name"])
    item = dict(explainer.contexts(_by_name(pool, FIRST))[0][1], filter="f200w",
                filename="other_uncal.fits")
    probe = explainer.join(ai, item)
    assert not probe.matched
    assert probe.wording.reason == ("Asn_Lv3Image needs FILTER equal across members: this "
                                    "exposure has f200w, the association has f150w")
    # Probing leaves the association as it was: a member still matches.
    assert explainer.join(ai, explainer.contexts(_by_name(pool, FIRST))[0][1]).matched


def test_dropped_association_says_what_became_of_it(explained):
    pool, _, explainer = explained
    exp = explainer.explain(_by_name(pool, FIRST))
    wfss = [r for r in exp.rejected if r.rule == "Asn_Lv2WFSSNRC"]
    assert wfss[0].kind == "dropped"
    assert "no slitless spectrum" in wfss[0].reason


def test_every_exposure_accepted_exactly_where_it_is_a_member(explained):
    pool, generated, explainer = explained
    for index in range(len(pool.rows)):
        _check_membership(pool, generated, explainer, index)


def test_api_helpers_and_json_form(pool_path: Path):
    pool = read_pool(str(pool_path))
    generated = generate(pool)
    by_row = explanations_by_row(pool, generated)
    assert sorted(by_row) == list(range(len(pool.rows)))
    orphans = explain_pool(pool, generated, rows=generated.orphans)
    assert [e.index for e in orphans] == generated.orphans
    data = orphans[0].to_dict()
    assert list(data) == ["index", "line", "filename", "exp_type", "orphan", "notes",
                          "joined", "rejected"]
    assert set(data["rejected"][0]) == {"rule", "asn_type", "kind", "reason", "condition",
                                        "expected", "actual", "candidate", "association"}
    with pytest.raises(InputError, match="Asn_Lv3Image"):
        explain_pool(pool, generated, rule="Asn_Nothing")
    assert ACQ_RULE not in rule_names() and "Asn_Lv3Image" in rule_names()


def _without_cache(explainer: Explainer) -> Explainer:
    """The same explainer, evaluating every new-association probe afresh."""
    cached = explainer.fresh

    def fresh(rule, item):
        explainer._fresh.clear()
        return cached(rule, item)

    explainer.fresh = fresh
    return explainer


def test_cached_verdicts_equal_full_evaluation(pool_path: Path):
    pool = read_pool(str(pool_path))
    generated = generate(pool)
    cached = Explainer(pool, generated)
    uncached = _without_cache(Explainer(pool, generated))
    for index in range(len(pool.rows)):
        assert cached.explain(index) == uncached.explain(index)


# --- command line --------------------------------------------------------------------------


def test_cli_explains_orphans_by_default(pool_path: Path, capsys):
    assert main(["explain", str(pool_path)]) == 0
    out = capsys.readouterr().out
    assert "jw90101003001_02101_00001_nrs1_uncal.fits" in out
    assert "orphan: in no association" in out
    assert FIRST not in out  # not an orphan


def test_cli_prefix_selects_every_detector(pool_path: Path, capsys):
    assert main(["explain", str(pool_path), "jw90101001001_02101_00001",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    names = [e["filename"] for e in data["exposures"]]
    assert names == [FIRST, "jw90101001001_02101_00001_nrcalong_uncal.fits"]
    assert all(r["kind"] in KINDS for e in data["exposures"] for r in e["rejected"])


def test_cli_json_is_deterministic(pool_path: Path, capsys):
    main(["explain", str(pool_path), "--all", "--format", "json"])
    first = capsys.readouterr().out
    main(["explain", str(pool_path), "--all", "--format", "json"])
    assert capsys.readouterr().out == first


def test_cli_unknown_exposure_suggests_closest(pool_path: Path, capsys):
    assert main(["explain", str(pool_path), "jw90101001001_02101_00001_nrca9"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no exposure named" in err
    assert "closest: jw90101001001_02101_00001_nrca1_uncal.fits" in err


def test_cli_unknown_rule_lists_rules(pool_path: Path, capsys):
    assert main(["explain", str(pool_path), "--rule", "Asn_Lv3Imagez"]) == 2
    err = capsys.readouterr().err
    assert "no rule 'Asn_Lv3Imagez'; rules: Asn_Lv2CoronAsRate," in err


def test_cli_rule_filter_and_sample(capsys):
    assert main(["explain", "--sample", "imaging", FIRST, "--rule", "asn_lv3imagebackground"]
                ) == 0
    out = capsys.readouterr().out
    assert "Asn_Lv3ImageBackground needs a background (BKGDTARG set)" in out
    assert "- Asn_Lv2Image" not in out  # only the rule asked about is explained


def test_cli_missing_pool_is_a_usage_error(tmp_path: Path, capsys):
    assert main(["explain", str(tmp_path / "nope.csv")]) == 2
    assert "no such pool file" in capsys.readouterr().err
    assert main(["explain"]) == 2


def test_cli_help_has_examples(capsys):
    with pytest.raises(SystemExit):
        main(["explain", "--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "asnatlas explain jw01234_pool.csv" in out


# --- the conformance corpus ----------------------------------------------------------------


def _check_membership(pool, generated, explainer: Explainer, index: int) -> None:
    """Accepted by a rule exactly when a member of one of that rule's associations."""
    member_rules = {asn.rule.partition("_")[2] for asn in generated.associations
                    if any(index in rows for rows in asn.member_rows)}
    exp = explainer.explain(index)
    assert {j.rule for j in exp.joined} == member_rules
    rejected = {r.rule for r in exp.rejected}
    assert not rejected & member_rules
    if exp.not_exposure is not None:  # explained in one line, not rule by rule
        assert not exp.joined and not exp.rejected
        return
    relevant = {rule.name for rule in explainer.relevance.rules_for(pool.rows[index])}
    assert relevant - member_rules <= rejected, "a relevant rule without a reason"
    # The engine agrees: rebuilding each association accepts its member, and no written
    # association of another rule would have accepted it.
    assert explainer.unconfirmed_members(index) == []
    assert all(r.kind != "order" for r in exp.rejected)
    assert all(r.reason.startswith(r.rule) for r in exp.rejected)


@pytest.mark.parametrize("pool_file", corpus_params(conformance_pools()), ids=lambda p: p.stem)
def test_conformance_membership_and_orphan_reasons(pool_file, conformance_dir):
    pool = read_pool(str(pool_file))
    generated = generate(pool)
    explainer = Explainer(pool, generated)
    for index in range(len(pool.rows)):
        _check_membership(pool, generated, explainer, index)
    for index in generated.orphans:
        exp = explainer.explain(index)
        assert exp.not_exposure or (exp.orphan and exp.rejected), (
            f"orphan {exp.filename} has no reason")
        assert all(r.reason and r.condition for r in exp.rejected)
    # Caching verdicts by the values that decided them changes no explanation.
    uncached = _without_cache(Explainer(pool, generated))
    for index in range(0, len(pool.rows), 7):
        assert uncached.explain(index) == explainer.explain(index)


def test_rule_filter_still_says_what_the_exposure_joined(capsys):
    name = "jw90101001001_02101_00001_nrca1"
    assert main(["explain", "--sample", "imaging", name, "--rule", "Asn_Lv3WFSCMB"]) == 0
    out = capsys.readouterr().out
    assert "orphan" not in out
    assert "joined no Asn_Lv3WFSCMB association" in out and "Asn_Lv2Image (image2)" in out
    assert main(["explain", "--sample", "imaging", name, "--rule", "Asn_Lv3WFSCMB",
                 "--format", "json"]) == 0
    (exp,) = json.loads(capsys.readouterr().out)["exposures"]
    assert exp["orphan"] is False and exp["joined"] == []
    assert {j["rule"] for j in exp["joined_other_rules"]} >= {"Asn_Lv2Image", "Asn_Lv3Image"}


def test_a_repeated_header_row_is_not_an_exposure_in_one_line(tmp_path, capsys):
    lines = samples.path("imaging").read_text().splitlines()
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    pool = tmp_path / "jw90101_pool.csv"
    pool.write_text("\n".join(lines[:header + 2] + [lines[header]] + lines[header + 2:]) + "\n")
    assert main(["explain", str(pool)]) == 0
    out = capsys.readouterr().out
    block = [b for b in out.split("\n\n") if "not an exposure" in b]
    assert len(block) == 1 and "not taken by" not in block[0]
    assert len(block[0].splitlines()) == 2


def test_key_functions_equal_cache_key():
    """The explainer's per-columns key functions (speed) give `trace.cache_key`'s keys."""
    from asnatlas.explain.trace import FULL, PRESENCE, cache_key, key_function

    pool = read_pool(str(samples.path("spectroscopy")))
    names = pool.columns
    columns_sets = [
        tuple((c, FULL) for c in names[:6]),
        tuple((c, PRESENCE) for c in names[3:12]),
        (("exp_type", ("nrs_.*", "mir_lrs.*")), ("filter", FULL), ("subarray", PRESENCE),
         ("bkgdtarg", ("t",)), ("missing_column", FULL), ("missing_column", PRESENCE)),
    ]
    for columns in columns_sets:
        key = key_function(columns)
        for item in [*pool.rows, {}, {"exp_type": "null", "filter": ""}]:
            assert key(item) == cache_key(item, columns)
            assert key(item) == cache_key(item, columns)  # memoised verdicts too
