"""Level 3 (Stage 3) rules: exposures combined into one product per target and configuration.

Every science rule is wrapped by `science()`: same program and instrument, no imprints, and
either the rule's own conditions or "a target acquisition of one of the observations already
in the association".
"""

from __future__ import annotations

from asnatlas.rules import Rule
from asnatlas.rules.checks import (
    NRC_CORON_DETECTOR,
    NRS_FSS_PATH,
    NRS_IFU_PATH,
    nissoss_calibrated_filter,
    nrsfss_valid_detector,
)
from asnatlas.rules.constraints import Attr, Group, Test, WorkOver
from asnatlas.rules.level2 import not_tso, target_acq, tso

LV3_VALIDITY = ("has_science",)


def science(rule_tree: Group) -> Group:
    """The wrapper every Level 3 science rule shares."""
    return Group((
        Group((
            Attr(("program",), name="program", why="same PROGRAM"),
            Attr(("instrume",), name="instrument", why="same INSTRUME"),
        ), name="base"),
        Attr(("is_imprt",), undefined=True, why="not an imprint exposure (IS_IMPRT unset)"),
        Group((
            Group((
                rule_tree,
                Attr(("obs_num",), name="obs_num", unique=False, required=False),
            ), name="rule"),
            Group((
                target_acq(),
                Attr(("obs_num",), name="acq_obsnum",
                     value=lambda asn: "(" + "|".join(asn.node("obs_num").found) + ")",
                     unique=False, why="of an observation already in the association"),
            ), name="acq_constraint", work_over=WorkOver.EXISTING, joins_only=True),
        ), "any", name="acq_check"),
    ), name="dmsbase_top")


def optical_path() -> Group:
    return Group((
        Attr(("filter",), name="opt_elem", required=False, why="same FILTER"),
        Attr(("pupil", "grating"), name="opt_elem2", required=False,
             why="same PUPIL (or GRATING)"),
        Group((
            Attr(("fxd_slit",), name="fxd_slit2", value=["s200a1|s200a2"], unique=False,
                 required=False),
            Attr(("fxd_slit",), name="fxd_slit", required=False, why="same FXD_SLIT"),
        ), "any"),
        Attr(("subarray",), name="subarray", why="same SUBARRAY"),
    ))


def target(per_association: bool = True) -> Group:
    """Same target; background exposures may come from another target."""
    if per_association:
        by_target = Attr(("targetid",), name="target",
                         onlyif=("unless", "background"),
                         reprocess=WorkOver.EXISTING, only_on_match=True,
                         why="same TARGETID (background exposures excepted)")
    else:
        by_target = Attr(("targetid",), name="target", why="same TARGETID")
    return Group((
        Group((
            Attr(("asn_candidate",), name="acdirect", value=r"\[\('c\d{4}', 'direct_image'\)\]"),
            Test(lambda asn, item: "000", name="target"),
        )),
        by_target,
    ), "any")


def science_target(why: str = "same TARGETID for science exposures") -> Attr:
    return Attr(("targetid",), name="target",
                onlyif=("only", "science"),
                reprocess=WorkOver.EXISTING, only_on_match=True, why=why)


def image() -> Attr:
    return Attr(("exp_type",), name="exp_type",
                value="nrc_image|mir_image|nis_image|fgs_image|nrs_mimf",
                why="an imaging EXP_TYPE")


def not_wfsc_visit() -> Attr:
    return Attr(("visitype",), name="wfsvisit", value="((?!wfsc).)*", required=False,
                why="VISITYPE is not a WFSC visit")


def not_background(unique: bool = True) -> Group:
    return Group((Attr(("bkgdtarg",), name="bkgdtarg", unique=unique),), "notany",
                 why="not a background exposure")


def not_background_or_tso() -> Group:
    return Group((Attr(("bkgdtarg",), name="bkgdtarg"), tso()), "notany",
                 why="neither a background nor a time-series exposure")


def background_target() -> Attr:
    return Attr(("bkgdtarg",), name="bkgdtarg", value="T", why="a background (BKGDTARG set)")


def _rule(name, asn_type, summary, tree, member_type="lv3", product_name="lv3",
          validity=LV3_VALIDITY, finalize="multi_obs", coron_ints=True, wrap=True) -> Rule:
    return Rule(name=name, level=3, asn_type=asn_type, summary=summary,
                constraints=science(tree) if wrap else tree, member_type=member_type,
                product_name=product_name, validity=validity, finalize=finalize,
                coron_ints=coron_ints)


def rules() -> list[Rule]:
    """The Level 3 rules in the order they are tried."""
    return [
        _rule("Asn_Lv3ACQ_Reprocess", "None",
              "Target acquisitions, offered again to every association once all else is done",
              Group((
                  target_acq(),
                  Test(name="force_fail", value="anything but None",
                       test=lambda _x, _y: False, reprocess_on_fail=True,
                       work_over=WorkOver.NONSCIENCE, reprocess_rules=()),
              )), finalize="default", wrap=False),
        _rule("Asn_Lv3AMI", "ami3", "NIRISS aperture-masking interferometry",
              Group((
                  optical_path(),
                  Attr(("exp_type",), name="exp_type", value="nis_ami"),
                  science_target(),
              )), validity=LV3_VALIDITY + ("has_psf",)),
        _rule("Asn_Lv3Image", "image3", "Images of one target in one configuration",
              Group((optical_path(), target(), image(), not_wfsc_visit(),
                     not_background_or_tso()))),
        _rule("Asn_Lv3ImageBackground", "image3", "Background images combined",
              Group((optical_path(), target(), image(), not_wfsc_visit(),
                     Attr(("bkgdtarg",), name="bkgdtarg", why="a background (BKGDTARG set)"),
                     not_tso())),
              member_type="aux"),
        _rule("Asn_Lv3ImageMosaic", "image3", "Mosaic of images across observations",
              Group((optical_path(), image(), not_wfsc_visit(), not_background_or_tso())),
              validity=LV3_VALIDITY + ("is_type_mosaic",)),
        _rule("Asn_Lv3MIRCoron", "coron3", "MIRI coronagraphy with its PSF references",
              Group((
                  optical_path(),
                  Attr(("exp_type",), name="exp_type", value="mir_lyot|mir_4qpm"),
                  science_target(),
                  not_background(unique=False),
              ), name="asn_coron"), validity=LV3_VALIDITY + ("has_psf",)),
        _rule("Asn_Lv3MIRMRS", "spec3", "MIRI MRS spectra of one target",
              Group((target(), Attr(("exp_type",), name="exp_type", value="mir_mrs"),
                     not_tso())),
              product_name="noopt"),
        _rule("Asn_Lv3MIRMRSBackground", "spec3", "MIRI MRS background spectra",
              Group((target(per_association=False),
                     Attr(("exp_type",), name="exp_type", value="mir_mrs"),
                     not_tso(), background_target())),
              member_type="aux", product_name="noopt"),
        _rule("Asn_Lv3NRCCoron", "coron3", "NIRCam coronagraphy with its PSF references",
              Group((
                  optical_path(),
                  Attr(("exp_type",), name="exp_type", value="nrc_coron"),
                  science_target(),
                  not_background(unique=False),
                  NRC_CORON_DETECTOR.test(),
              ), name="asn_coron"), validity=LV3_VALIDITY + ("has_psf",)),
        _rule("Asn_Lv3NRCCoronImage", "image3",
              "NIRCam coronagraphic exposures combined as images (short channel, full frame)",
              Group((
                  optical_path(),
                  Attr(("exp_type",), name="exp_type", value="nrc_coron"),
                  science_target(),
                  Group((
                      Attr(("bkgdtarg",), name="bkgdtarg", unique=False),
                      Attr(("is_psf",), name="is_psf", value="T"),
                  ), "notany", why="neither a background nor a PSF exposure"),
                  Attr(("channel",), name="channel", value="short"),
                  Attr(("subarray",), name="subarray", value="full"),
              )), product_name="coronimage", coron_ints=False),
        _rule("Asn_Lv3NRSFSS", "spec3", "NIRSpec fixed-slit spectra, one product per source",
              Group((
                  not_tso(),
                  Attr(("exp_type",), name="exp_type",
                       value="nrs_autoflat|nrs_autowave|nrs_fixedslit", unique=False),
                  NRS_FSS_PATH.test(),
                  optical_path(), target(),
              )), product_name="nrsfs_sources"),
        _rule("Asn_Lv3NRSIFU", "spec3", "NIRSpec IFU spectra of one target",
              Group((
                  target(),
                  Attr(("exp_type",), name="exp_type", value="nrs_autowave|nrs_ifu",
                       unique=False),
                  NRS_IFU_PATH.test(),
                  Attr(("patttype",), name="patttype", required=True, why="same PATTTYPE"),
                  not_tso(),
                  Attr(("grating",), name="opt_elem", why="same GRATING"),
              ))),
        _rule("Asn_Lv3NRSIFUBackground", "spec3", "NIRSpec IFU background spectra",
              Group((
                  target(), not_tso(), background_target(),
                  Attr(("exp_type",), name="allowed_bkgdtarg", value="nrs_ifu"),
                  NRS_IFU_PATH.test(),
                  Attr(("grating",), name="opt_elem", unique=True, why="same GRATING"),
              )), member_type="aux"),
        _rule("Asn_Lv3SlitlessSpectral", "spec3", "NIRISS SOSS spectra (not time series)",
              Group((
                  not_tso(), optical_path(), target(),
                  Attr(("exp_type",), name="exp_type", value="nis_soss", unique=False),
                  Group((Attr(("patttype",), name="patttype_spectarg"),), "notany",
                        why="no nod pattern"),
                  Group((
                      Attr(("exp_type",), name="restricted_slitless", value="mir_lrs-slitless"),
                      tso(),
                  ), "notany"),
              ))),
        _rule("Asn_Lv3SpecAux", "spec3", "Fixed-slit background spectra",
              Group((
                  target(), not_tso(), background_target(),
                  Attr(("exp_type",), name="allowed_bkgdtarg",
                       value="mir_lrs-fixedslit|nrs_fixedslit"),
                  optical_path(),
              )), member_type="aux"),
        _rule("Asn_Lv3SpectralSource", "spec3", "NIRSpec MSA spectra, one product per source",
              Group((
                  not_tso(), optical_path(), target(),
                  Group((
                      Attr(("exp_type",), name="exp_type", value="nrs_autoflat|nrs_autowave",
                           unique=False),
                      Group((
                          Attr(("exp_type",), name="exp_type", value="nrs_msaspec",
                               unique=False),
                          Attr(("msametfl",), name="is_msa", unique=False),
                      ), name="msa_spectral"),
                  ), "any"),
              )), product_name="sources"),
        _rule("Asn_Lv3SpectralTarget", "spec3",
              "Nodded slit spectra (MIRI LRS, NIRISS SOSS) of one target",
              Group((
                  not_tso(), optical_path(), target(),
                  Attr(("exp_type",), name="exp_type", value="mir_lrs-fixedslit|nis_soss",
                       unique=False),
                  Group((
                      Attr(("patttype",), name="patttype_spectarg",
                           value="2-point-nod|4-point-nod|along-slit-nod"),
                  ), "any", why="a nod pattern"),
              )), finalize="fixedslit_bkg"),
        _rule("Asn_Lv3TSO", "tso3", "Time-series observations", _tso(),
              validity=LV3_VALIDITY + ("is_type_observation",)),
        _rule("Asn_Lv3WFSCMB", "wfs-image3", "Wavefront-sensing image pairs combined",
              Group((
                  optical_path(), target(), image(),
                  Attr(("patttype",), name="patttype", value="wfsc"),
                  Attr(("detector",), name="detector", why="same DETECTOR"),
                  Attr(("obs_id",), name="obs_id", why="same OBS_ID"),
                  Attr(("act_id",), name="act_id", why="same ACT_ID"),
                  Group((Attr(("dms_note",), name="dms_note", value="wfsc_los_jitter"),),
                        "notany", why="not a line-of-sight jitter exposure"),
              )), product_name="wfscmb",
              validity=LV3_VALIDITY + ("has_pair", "is_not_group")),
        _rule("Asn_Lv3WFSSMIR", "spec3", "MIRI slitless spectra",
              Group((target(), Attr(("exp_type",), name="exp_type", value="mir_wfss"),
                     Attr(("filter",), name="opt_elem", value="P750L"))),
              product_name="wfss"),
        _rule("Asn_Lv3WFSSNIS", "spec3", "NIRISS slitless spectra",
              Group((target(), Attr(("exp_type",), name="exp_type", value="nis_wfss"),
                     Attr(("filter",), name="opt_elem", value="gr150r|gr150c", unique=True),
                     Attr(("pupil",), name="opt_elem2", why="same PUPIL"))),
              product_name="wfss"),
        _rule("Asn_Lv3WFSSNRC", "spec3", "NIRCam slitless spectra",
              Group((target(), Attr(("exp_type",), name="exp_type", value="nrc_wfss"),
                     Attr(("pupil",), name="opt_elem", value="GRISMR|GRISMC", unique=True),
                     Attr(("filter",), name="opt_elem2", why="same FILTER"))),
              product_name="wfss"),
    ]


def _tso() -> Group:
    return Group((
        target(), optical_path(), tso(),
        Attr(("exp_type",), name="exp_type", why="same EXP_TYPE"),
        Group((Attr(("exp_type",), name="exp_type",
                    value="mir_mrs|mir_flatmrs|nrs_autowave|nrs_ifu", unique=False),),
              "notany", why="not an IFU exposure"),
        Group((
            Group((
                Attr(("exp_type",), name="restricted_grism", value="nrc_tsgrism"),
                Attr(("pupil",), name="grism_clear", value="clear|gdhs0|gdhs60"),
            )),
            Group((
                Attr(("exp_type",), name="restricted_ts", value="nrc_tsgrism"),
                Attr(("detector",), name="module", value="nrcblong"),
            )),
            Attr(("subarray",), name="subarray",
                 value="sub260stripe4_dhs|sub41stripe1_dhs|sub82stripe2_dhs|sub164stripe4_dhs"),
        ), "notany", why="not an unsupported NIRCam grism time-series configuration"),
        Group((
            Group((
                Attr(("exp_type",), name="exp_type", value="nis_soss"),
                Attr(("nints",), name="nints", value="1"),
            )),
            Group((
                Attr(("exp_type",), name="exp_type", value="nis_soss"),
                Test(value=False, test=lambda value, item: nissoss_calibrated_filter(item) == value,
                     unique=False),
            )),
        ), "notany", why="not a single-integration or uncalibrated NIRISS SOSS exposure"),
        Group((Group((
            Attr(("exp_type",), name="exp_type", value="nrs_brightobj"),
            Test(value=False, test=lambda value, item: nrsfss_valid_detector(item) == value,
                 unique=False),
        )),), "notany", why="not a NIRSpec bright-object exposure on an unlit detector"),
    ))
