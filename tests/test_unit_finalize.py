"""Finalisation (`asnatlas.engine.finalize`) says why it drops an association, and the
explanation words that reason (it does not re-derive it)."""

from __future__ import annotations

from asnatlas import samples
from asnatlas.engine.finalize import Drop, Dropped, finalize, finalize_all
from asnatlas.engine.run import Ruleset, run
from asnatlas.explain.explainer import explain_pool
from asnatlas.generate import candidate_constraint, candidate_pool, generate
from asnatlas.pool import read_pool
from asnatlas.rules import all_rules


def _finalized(sample: str, cid: str, ctype: str, keep=lambda item: True) -> dict:
    """Rule name -> what finalisation made of each of its associations for one candidate."""
    pool = read_pool(str(samples.path(sample)))
    items = [item for _, item in candidate_pool(pool, cid, ctype) if keep(item)]
    rules = [rule.with_global(candidate_constraint([cid])) for rule in all_rules()]
    out: dict[str, list] = {}
    for asn in run(items, Ruleset("candidate", rules), None, pool.name):
        out.setdefault(asn.rule.name, []).append(finalize(asn))
    return out


def test_a_validity_check_that_failed_is_named():
    imaging = _finalized("imaging", "o001", "observation")
    assert set(imaging["Asn_Lv3ImageMosaic"]) == {Dropped(Drop.INVALID, ("is_type_mosaic",))}
    mosaic = _finalized("imaging", "c1000", "mosaic")
    assert set(mosaic["Asn_Lv2Image"]) == {Dropped(Drop.INVALID, ("allowed_candidates",))}
    coron = _finalized("coronagraphy", "o001", "observation")
    assert set(coron["Asn_Lv3NRCCoron"]) == {Dropped(Drop.INVALID, ("has_psf",))}


def test_slitless_spectra_need_a_direct_image_and_direct_images_a_spectrum():
    imaging = _finalized("imaging", "o001", "observation")
    assert set(imaging["Asn_Lv2WFSSNRC"]) == {Dropped(Drop.NO_SPECTRUM)}
    no_direct = _finalized("wfss", "o001", "observation",
                           keep=lambda item: "wfss" in item["exp_type"])
    dropped = [r for results in no_direct.values() for r in results if isinstance(r, Dropped)]
    assert Dropped(Drop.NO_DIRECT_IMAGE) in dropped
    with_direct = _finalized("wfss", "o001", "observation")
    kept = [r for results in with_direct.values() for r in results if not isinstance(r, Dropped)]
    assert any(asn.data["asn_type"] == "spec2" for results in kept for asn in results)


def test_one_observation_in_a_multi_observation_candidate():
    spectroscopy = _finalized("spectroscopy", "c1000", "background")
    assert spectroscopy["Asn_Lv3MIRMRSBackground"] == [
        Dropped(Drop.ONE_OBSERVATION, observations=("2",))]


def test_finalize_all_writes_none_of_the_dropped():
    pool = read_pool(str(samples.path("imaging")))
    items = [item for _, item in candidate_pool(pool, "o001", "observation")]
    rules = [rule.with_global(candidate_constraint(["o001"])) for rule in all_rules()]
    written = {asn.rule.name for asn in finalize_all(run(items, Ruleset("candidate", rules),
                                                         None, pool.name))}
    assert "Asn_Lv3Image" in written
    assert not written & {"Asn_Lv3ImageMosaic", "Asn_Lv2WFSSNRC"}  # dropped above


def _dropped_reasons(sample: str) -> set[str]:
    pool = read_pool(str(samples.path(sample)))
    return {r.reason for e in explain_pool(pool, generate(pool)) for r in e.rejected
            if r.kind == "dropped"}


def test_explain_words_the_reason_finalisation_gave():
    assert ("Asn_Lv2WFSSNRC: only direct images, no slitless spectrum, so the association "
            "was dropped") in _dropped_reasons("imaging")  # Drop.NO_SPECTRUM
    assert ("Asn_Lv3ImageMosaic: the association needs a mosaic candidate, so it was "
            "dropped (it has o001 (observation))") in _dropped_reasons("wfss")  # is_type_mosaic
