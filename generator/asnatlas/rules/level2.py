"""Level 2 (Stage 2) rules: one science exposure per product, plus the exposures it needs.

Building blocks first (each returns a fresh sub-tree), then the rules in the order the
reference tries them (alphabetical by name).
"""

from __future__ import annotations

from asnatlas.conventions.vocabulary import (
    IMAGE2_NONSCIENCE_EXP_TYPES,
    IMAGE2_SCIENCE_EXP_TYPES,
    SPEC2_SCIENCE_EXP_TYPES,
    TSO_EXP_TYPES,
)
from asnatlas.rules import Rule
from asnatlas.rules.checks import (
    HAS_SCIENCE,
    IS_SCIENCE_MEMBER,
    IS_TARGET_ACQ,
    NOT_BACKGROUND_CANDIDATE,
    NRC_CORON_DETECTOR,
    NRS_FSS_PATH,
    NRS_IFU_PATH,
    NRS_LAMP_PATH,
    nissoss_calibrated_filter,
    nrsfss_valid_detector,
)
from asnatlas.rules.constraints import Attr, Group, Test, WorkOver

LV2_VALIDITY = ("has_science", "allowed_candidates")


def one_of(values) -> str:
    return "|".join(values)


# --- building blocks ---------------------------------------------------------------------


def base() -> Group:
    return Group((
        Attr(("program",), name="program", why="same PROGRAM"),
        Attr(("tsovisit",), name="is_tso", required=False, why="same TSOVISIT"),
    ))


def mode() -> Group:
    """Same instrument configuration as the science exposure."""
    return Group((
        Attr(("instrume",), name="instrument", why="same INSTRUME"),
        Attr(("detector",), name="detector", why="same DETECTOR"),
        Attr(("filter", "band"), name="opt_elem", why="same FILTER (or BAND)"),
        Attr(("pupil", "grating"), name="opt_elem2", required=False,
             why="same PUPIL (or GRATING)"),
        Attr(("fxd_slit",), name="fxd_slit", required=False, why="same FXD_SLIT"),
        Attr(("subarray",), name="subarray", required=False, why="same SUBARRAY"),
        Attr(("channel",), name="channel", required=False, why="same CHANNEL"),
        Group((
            Attr(("detector",), value="nirspec"),
            Attr(("filter",), value="opaque"),
        ), "notany", why="not a NIRSpec exposure with the OPAQUE filter"),
        Group((
            Attr(("detector",), value="nrcblong"),
            Attr(("exp_type",), value="nrc_tsgrism"),
        ), "notall", why="not a NIRCam long-wave grism time series"),
        Group((Attr(("visitype",), value=".+wfsc.+"),), "notany",
              why="VISITYPE is not a WFSC visit"),
        Attr(("fxd_slit",), name="slit", required=False, why="same FXD_SLIT"),
    ))


def tso() -> Group:
    return Group((
        Attr(("pntgtype",), value="science"),
        Group((
            Attr(("tsovisit",), value="t"),
            Attr(("exp_type",), value=one_of(TSO_EXP_TYPES)),
        ), "any"),
    ), name="is_tso", why="a time-series exposure (TSOVISIT or a TSO EXP_TYPE)")


def not_tso() -> Group:
    return Group((tso(),), "notany", why="not a time-series exposure")


def wfsc() -> Group:
    return Group((Group((
        Attr(("visitype",), name="wfsc", value=".+wfsc.+", unique=True),
    )),), why="a wavefront-sensing visit (VISITYPE contains WFSC)")


def target_acq() -> Test:
    return Test(IS_TARGET_ACQ.source, value="target_acquisition", name="target_acq",
                depends_on="member_type", why=IS_TARGET_ACQ.why)


def background() -> Attr:
    return Attr(("bkgdtarg",), name="background", unique=False,
                reprocess=WorkOver.EXISTING, only_on_match=True,
                why="a background exposure (BKGDTARG set), added to every matching product")


def imprint() -> Group:
    return Group((Attr(("is_imprt",), name="imprint"),), reprocess_on_match=True,
                 work_over=WorkOver.EXISTING, why="an imprint exposure (IS_IMPRT set)")


def imprint_special() -> Group:
    return Group((
        Attr(("is_imprt",), name="imprint", reprocess=WorkOver.EXISTING, only_on_match=True),
        Attr(("mostilno",), name="mosaic_tile"),
        # Reads the member type the rule gave the previous exposure it was offered.
        Test(lambda asn, item: asn.original_exposure_type, value="imprint",
             test=lambda v1, v2: v1 != v2, unique=False, stateful=True),
    ), why="an imprint of the same mosaic tile")


def image_science() -> Attr:
    return Attr(("exp_type",), name="exp_type", value=one_of(IMAGE2_SCIENCE_EXP_TYPES),
                why="an imaging science EXP_TYPE")


def image_nonscience() -> Group:
    return Group((
        target_acq(),
        Attr(("exp_type",), name="non_science", value=one_of(IMAGE2_NONSCIENCE_EXP_TYPES)),
        Group((
            Attr(("exp_type",), name="exp_type", value="nrs_msaspec"),
            Attr(("msastate",), value="primarypark_allopen"),
            Attr(("grating",), value="mirror"),
        )),
    ), "any", why="a non-science imaging exposure (acquisition, focus, MSA confirmation)")


def single_science(**group_options) -> Group:
    """The exposure is science and the product has no science exposure yet."""
    return Group((
        Test(IS_SCIENCE_MEMBER.source, value=True, why=IS_SCIENCE_MEMBER.why),
        Test(HAS_SCIENCE.source, value=False, depends_on="association", why=HAS_SCIENCE.why),
    ), why="the single science exposure of the product", **group_options)


def special() -> Attr:
    return Attr(("bkgdtarg", "is_psf"), name="is_special",
                why="a background or PSF exposure (BKGDTARG or IS_PSF set)")


def spectral_science(exclude=None) -> Group:
    types = SPEC2_SCIENCE_EXP_TYPES
    if exclude is not None:
        # The reference takes the symmetric difference; order does not matter in a regex.
        types = tuple(sorted(set(types) ^ set(exclude)))
    return Group((Attr(("exp_type",), name="exp_type", value=one_of(types)),), "any",
                 why="a spectroscopic science EXP_TYPE")


def wfss_target() -> Group:
    return Group((
        Group((
            Attr(("asn_candidate",), name="acdirect", value=r"\[\('c\d{4}', 'direct_image'\)\]"),
            Test(lambda asn, item: "000", name="target"),
        )),
        Attr(("targetid",), name="target", why="same TARGETID"),
    ), "any")


def not_science() -> Test:
    return Test(lambda asn, item: asn.exposure_type(item), value="science",
                test=lambda value, got: got != value, unique=False)


def wfss_exposures() -> Group:
    return Group((not_science(), single_science()), "any")


def wfss_or_direct(grism: str, image: str) -> Group:
    return Group((
        Attr(("exp_type",), name="exp_type", value=grism),
        Attr(("exp_type",), name="image_exp_type", value=image,
             reprocess=WorkOver.NONSCIENCE, only_on_match=True),
    ), "any", why=f"a {grism} grism exposure or a {image} direct image")


# --- the rules ---------------------------------------------------------------------------


def _rule(name, asn_type, summary, constraints, member_type="lv2", finalize="default",
          validity=LV2_VALIDITY, coron_ints=True, needs=()) -> Rule:
    return Rule(name=name, level=2, asn_type=asn_type, summary=summary,
                constraints=constraints, member_type=member_type, product_name="science",
                validity=validity, finalize=finalize, coron_ints=coron_ints, needs=needs)


def rules() -> list[Rule]:
    """The Level 2 rules in the order they are tried."""
    return [
        _rule("Asn_Lv2CoronAsRate", "image2",
              "NIRCam full-frame coronagraphy processed as plain images (rate, not rateints)",
              Group((
                  base(), mode(),
                  Attr(("exp_type",), name="exp_type", value="nrc_coron"),
                  Attr(("subarray",), name="subarray", value="full"),
                  Test(NRC_CORON_DETECTOR.source, value=True, why=NRC_CORON_DETECTOR.why),
                  Group((background(), single_science()), "any"),
              )), coron_ints=False),
        _rule("Asn_Lv2FGS", "image2", "FGS images",
              Group((
                  base(), single_science(),
                  Attr(("exp_type",), name="exp_type", value="fgs_image|fgs_focus"),
                  Group((wfsc(),), "notany", why="not a wavefront-sensing visit"),
              ))),
        _rule("Asn_Lv2Image", "image2", "Science images, with their background exposures",
              Group((
                  base(), mode(), image_science(), not_tso(),
                  Group((background(), single_science()), "any"),
              ))),
        _rule("Asn_Lv2ImageNonScience", "image2",
              "Non-science images: target acquisitions, focus and MSA confirmation images",
              Group((base(), image_nonscience(), single_science())),
              member_type="lv2_special"),
        _rule("Asn_Lv2ImageSpecial", "image2", "Background and PSF images on their own",
              Group((base(), mode(), image_science(), single_science(), special())),
              member_type="lv2_special"),
        _rule("Asn_Lv2ImageTSO", "tso-image2", "Time-series images",
              Group((base(), mode(), image_science(), single_science(), tso()))),
        _rule("Asn_Lv2MIRLRSFixedSlitNod", "spec2",
              "MIRI LRS fixed-slit nods: each nod position uses the other as background",
              _mir_lrs_fixedslit_nod(), member_type="lrs_nod"),
        _rule("Asn_Lv2NRSFSS", "spec2",
              "NIRSpec fixed-slit nods: one product per nod, the other nods as background",
              Group((
                  base(), mode(),
                  Attr(("exp_type",), name="exp_type", value="nrs_fixedslit"),
                  NRS_FSS_PATH.test(),
                  Group((
                      not_science(),
                      Group((
                          Attr(("expspcin",), name="expspcin", why="same EXPSPCIN"),
                          Attr(("numdthpt",), name="nods", why="same NUMDTHPT"),
                          Attr(("subpxpns", "subpxpts"), name="subpxpts", why="same SUBPXPTS"),
                          Test(lambda asn, item: asn.exposure_type(item), value="science",
                               test=lambda value, got: got == value, unique=False),
                      )),
                  ), "any"),
              )), finalize="nod"),
        _rule("Asn_Lv2NRSIFUNod", "spec2",
              "NIRSpec IFU nods: one product per nod, the other nods as background",
              Group((
                  base(), mode(),
                  Attr(("exp_type",), name="exp_type", value="nrs_ifu"),
                  NRS_IFU_PATH.test(),
                  Attr(("patttype",), name="patttype", value="2-point-nod|4-point-nod",
                       unique=True, why="a 2- or 4-point nod pattern"),
                  Attr(("mostilno",), name="mosaic_tile", why="same MOSTILNO"),
              )), finalize="imprint_nod"),
        _rule("Asn_Lv2NRSLAMPImage", "image2", "NIRSpec lamp images through the mirror",
              Group((
                  base(), single_science(),
                  Attr(("exp_type",), name="exp_type", value="nrs_lamp"),
                  Attr(("grating",), value="mirror"),
                  Attr(("opmode",), value="image", required=False),
              )), member_type="lv2_special"),
        _rule("Asn_Lv2NRSLAMPSpectral", "nrslamp-spec2",
              "NIRSpec lamp, auto-flat and auto-wave spectra",
              Group((
                  base(), single_science(),
                  Attr(("exp_type",), name="exp_type", value="nrs_autoflat|nrs_autowave|nrs_lamp"),
                  Attr(("filter",), name="opt_elem", value="opaque"),
                  NRS_LAMP_PATH.test(),
                  Group((
                      Group((Attr(("opmode",), name="opmode", value="msaspec"),), "notany"),
                      Group((
                          Attr(("opmode",), value="msaspec"),
                          Attr(("msametfl",)),
                      )),
                  ), "any", why="not MSA, or MSA with a metadata file"),
                  Attr(("lamp",), name="lamp", why="same LAMP"),
                  Group((
                      Attr(("grating",), value="mirror", unique=False),
                      Attr(("opmode",), value="grating-only", unique=False),
                      Attr(("lamp",), value="nolamp", unique=False),
                  ), "notany", why="a lamp seen through a grating"),
              )), member_type="lv2_special"),
        _rule("Asn_Lv2NRSMSA", "spec2",
              "NIRSpec MSA nods: one product per nod, the other nods as background",
              Group((
                  base(), mode(),
                  Group((
                      Attr(("exp_type",), name="exp_type", value="nrs_msaspec"),
                      Attr(("msametfl",), why="an MSA metadata file (MSAMETFL)"),
                      Attr(("expspcin",), name="expspcin", why="same EXPSPCIN"),
                  )),
              )), finalize="nod"),
        _rule("Asn_Lv2Spec", "spec2",
              "Science spectra, with their background and imprint exposures",
              Group((
                  base(), mode(),
                  spectral_science(exclude=(
                      "nis_wfss", "nrc_wfss", "nrs_fixedslit", "nrs_msaspec",
                      "mir_lrs-slitless", "mir_lrs-fixedslit")),
                  Group((
                      background(),
                      Group((
                          Group((imprint(), single_science()), "any"),
                          Attr(("mostilno",), name="mostilno", why="same MOSTILNO"),
                      )),
                  ), "any"),
                  Group((
                      tso(),
                      Attr(("patttype",), name="patttype",
                           value="2-point-nod|4-point-nod|along-slit-nod"),
                  ), "notany", why="not a time series nor a nod pattern"),
                  NRS_IFU_PATH.test(),
              )), finalize="imprint"),
        _rule("Asn_Lv2SpecImprint", "spec2", "Imprint exposures processed on their own",
              Group((
                  base(), mode(), spectral_science(), single_science(),
                  NRS_IFU_PATH.test(),
                  Attr(("is_imprt",), name="imprint", why="an imprint (IS_IMPRT set)"),
              )), member_type="lv2_special"),
        _rule("Asn_Lv2SpecSpecial", "spec2", "Background and PSF spectra on their own",
              Group((
                  base(), mode(), spectral_science(), special(),
                  NRS_IFU_PATH.test(),
                  Group((imprint_special(), single_science()), "any"),
              )), member_type="lv2_special", finalize="imprint"),
        _rule("Asn_Lv2SpecTSO", "tso-spec2", "Time-series spectra", _spec_tso()),
        _rule("Asn_Lv2WFSC", "image2", "Wavefront-sensing images",
              Group((
                  base(), image_science(), single_science(), wfsc(),
                  Group((
                      Attr(("dms_note",), name="dms_note", value="wfsc_los_jitter"),
                      Attr(("exp_type",), name="exp_type", value="nrc_image"),
                  ), "notall", why="not a NIRCam line-of-sight jitter image"),
              ))),
        _wfss_rule("Asn_Lv2WFSSMIR", "MIRI slitless spectra with their direct images",
                   "mir_wfss", "mir_image", (
                       Attr(("instrume",), name="instrument"),
                       Attr(("detector",), name="detector"),
                   )),
        _wfss_rule("Asn_Lv2WFSSNIS", "NIRISS slitless spectra with their direct images",
                   "nis_wfss", "nis_image", (
                       Attr(("instrume",), name="instrument"),
                       Attr(("instrume",), name="instrument"),
                       Attr(("pupil",), name="pupil", why="same PUPIL"),
                       Attr(("subarray",), name="subarray", why="same SUBARRAY"),
                   )),
        _wfss_rule("Asn_Lv2WFSSNRC", "NIRCam slitless spectra with their direct images",
                   "nrc_wfss", "nrc_image", (
                       Attr(("instrume",), name="instrument"),
                       Attr(("detector",), name="detector"),
                   )),
        _rule("Asn_Lv2WFSSParallel", "spec2",
              "Pure-parallel slitless spectra with the direct images of their candidate",
              Group((
                  Attr(("asn_candidate",), name="acdirect",
                       value=r"\[\('c\d{4}', 'direct_image'\)\]",
                       why="a direct-image candidate (c-type, direct_image)"),
                  wfss_or_direct("nis_wfss|nrc_wfss|mir_wfss", "nis_image|nrc_image|mir_image"),
                  wfss_exposures(),
                  wfss_target(),
                  Attr(("instrume",), name="instrument", why="same INSTRUME"),
              )), member_type="wfss", finalize="wfss_parallel",
              validity=("has_science", "allowed_candidates_any"),
              needs=_wfss_needs("nis_wfss|nrc_wfss|mir_wfss", "nis_image|nrc_image|mir_image")),
        _rule("Asn_MIRLRSTAConfirm", "spec2",
              "MIRI LRS spectra with their target-acquisition confirmation image",
              _mir_lrs_taconfirm()),
    ]


def _wfss_rule(name, summary, grism, image, mode_nodes) -> Rule:
    return _rule(name, "spec2", summary,
                 Group((base(), wfss_target(), wfss_or_direct(grism, image), *mode_nodes,
                        wfss_exposures())),
                 member_type="wfss", finalize="wfss", needs=_wfss_needs(grism, image))


def _wfss_needs(grism: str, image: str) -> tuple[tuple[str, str], ...]:
    # Finalisation drops WFSS associations without a spectrum or without a direct image.
    return (("exp_type", grism), ("exp_type", image))


def _spec_tso() -> Group:
    science = Group((
        base(), mode(),
        spectral_science(exclude=(
            "nrs_msaspec", "nrs_fixedslit", "mir_lrs-slitless", "mir_lrs-fixedslit")),
        single_science(), tso(),
    ))
    return Group((
        science,
        Group((Group((
            Attr(("exp_type",), name="exp_type", value="nrc_tsgrism"),
            Attr(("pupil",), name="pupil", value="clear"),
        )),), "notany", why="not a NIRCam grism time series with the CLEAR pupil"),
        Group((Group((
            Attr(("exp_type",), name="exp_type", value="nrs_brightobj"),
            Test(value=False, test=lambda value, item: nrsfss_valid_detector(item) == value,
                 unique=False),
        )),), "notany", why="not a NIRSpec bright-object exposure on an unlit detector"),
        Group((Group((
            Attr(("exp_type",), name="exp_type", value="nis_soss"),
            Test(value=False, test=lambda value, item: nissoss_calibrated_filter(item) == value,
                 unique=False),
        )),), "notany", why="not a NIRISS SOSS exposure with an uncalibrated filter"),
    ))


def _mir_lrs_fixedslit_nod() -> Group:
    science = Group((
        Attr(("exp_type",), name="exp_type", value="mir_lrs-fixedslit"),
        Attr(("patt_num",), name="patt_num", why="same PATT_NUM"),
        single_science(reprocess_on_match=True, work_over=WorkOver.EXISTING),
        Attr(("patttype",), name="patttype", value="along-slit-nod", unique=False),
    ))
    other_nod = Group((
        Attr(("exp_type",), name="exp_type", value="mir_lrs-fixedslit"),
        Attr(("patt_num",), name="is_current_patt_num",
             value=lambda asn: "((?!{}).)*".format(asn.node("patt_num").value),
             why="another nod position (a different PATT_NUM)"),
        Test(lambda asn, item: False, name="force_match", value=None,
             test=lambda _a, _b: True, unique=True),
        Attr(("patttype",), name="patttype", value="along-slit-nod", unique=False),
    ))
    taconfirm = Attr(("exp_type",), name="exp_type", value="mir_taconfirm")
    return Group((
        Group((
            base(),
            Test(NOT_BACKGROUND_CANDIDATE.source, value=True, unique=False,
                 depends_on="association", why=NOT_BACKGROUND_CANDIDATE.why),
        )),
        Group((science, other_nod, taconfirm), "any"),
    ))


def _mir_lrs_taconfirm() -> Group:
    lrs = "mir_lrs-slitless|mir_lrs-fixedslit"
    science = Group((
        single_science(),
        Attr(("exp_type",), name="exp_type", value=lrs),
    ))
    bkg = Group((
        background(), not_tso(),
        Attr(("exp_type",), name="exp_type", value=lrs),
    ))
    science_bkg = Group((mode(), Group((science, bkg), "any")))
    science_ta = Group((
        Attr(("obs_id",), name="obs_id", why="same OBS_ID"),
        Group((science, Attr(("exp_type",), name="exp_type", value="mir_taconfirm")), "any"),
    ))
    return Group((base(), Group((science_bkg, science_ta), "any")))
