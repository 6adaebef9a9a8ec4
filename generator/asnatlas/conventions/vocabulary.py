"""Facts about JWST exposures that the association rules test: exposure-type families,
values that mean "not set", and the valid optical paths of NIRSpec and NIRCam modes.

These are the DMS conventions (jwst 3.0.0); the rules in `level2` and `level3` refer to them
by name so that a reader sees one list per idea.
"""

from __future__ import annotations

# Pool values that mean "this attribute is not set" (a flag column holding "f" is unset).
EMPTY: frozenset[str | None] = frozenset(
    (None, "", "NULL", "Null", "null", "--", "N", "n", "F", "f", "FALSE", "false", "False",
     "N/A", "n/a")
)

# The instrument's part of its EXP_TYPE values (``nrc_image``, ``mir_lrs-fixedslit``...).
EXP_TYPE_PREFIX = {"nircam": "nrc", "miri": "mir", "niriss": "nis", "nirspec": "nrs",
                   "fgs": "fgs"}

ACQ_EXP_TYPES = (
    "mir_tacq", "mir_taconfirm", "nis_taconfirm", "nis_tacq", "nrc_taconfirm", "nrc_tacq",
    "nrs_confirm", "nrs_msata", "nrs_taconfirm", "nrs_tacq", "nrs_taslit", "nrs_verify",
    "nrs_wata",
)

# Exposure types whose member type is not "science" whatever the pointing says.
EXPTYPE_MEMBER_TYPE = {
    "mir_darkall": "dark", "mir_darkimg": "dark", "mir_darkmrs": "dark",
    "mir_flatimage": "flat", "mir_flatmrs": "flat", "mir_flatimage-ext": "flat",
    "mir_flatmrs-ext": "flat", "mir_tacq": "target_acquisition",
    "mir_taconfirm": "target_acquisition", "nis_dark": "dark", "nis_focus": "engineering",
    "nis_lamp": "engineering", "nis_tacq": "target_acquisition",
    "nis_taconfirm": "target_acquisition", "nrc_dark": "dark", "nrc_flat": "flat",
    "nrc_focus": "engineering", "nrc_led": "engineering", "nrc_tacq": "target_acquisition",
    "nrc_taconfirm": "target_acquisition", "nrs_autoflat": "autoflat",
    "nrs_autowave": "autowave", "nrs_confirm": "target_acquisition", "nrs_dark": "dark",
    "nrs_focus": "engineering", "nrs_image": "engineering", "nrs_lamp": "engineering",
    "nrs_msata": "target_acquisition", "nrs_tacq": "target_acquisition",
    "nrs_taconfirm": "target_acquisition", "nrs_taslit": "target_acquisition",
    "nrs_wata": "target_acquisition",
}

CORON_EXP_TYPES = ("mir_4qpm", "mir_lyot", "nrc_coron")

# NIRCam full-frame coronagraphy: per mask (PUPIL), the detectors that do not see the
# target behind it (their exposures are not coronagraphic).
NRC_CORON_UNMASKED_DETECTORS: dict[str, tuple[str, ...]] = {
    "maskbar": ("nrca1", "nrca2", "nrca3"),
    "maskrnd": ("nrca1", "nrca3", "nrca4"),
}

IMAGE2_SCIENCE_EXP_TYPES = (
    "fgs_image", "mir_4qpm", "mir_image", "mir_lyot", "nis_ami", "nis_image", "nrc_coron",
    "nrc_image", "nrs_mimf", "nrc_tsimage",
)
IMAGE2_NONSCIENCE_EXP_TYPES = (
    "mir_coroncal", "nis_focus", "nrc_focus", "nrs_focus", "nrs_image", *ACQ_EXP_TYPES,
)
SPEC2_SCIENCE_EXP_TYPES = (
    "mir_lrs-fixedslit", "mir_lrs-slitless", "mir_mrs", "mir_wfss", "nis_soss", "nis_wfss",
    "nrc_tsgrism", "nrc_wfss", "nrs_fixedslit", "nrs_ifu", "nrs_msaspec", "nrs_brightobj",
)
# Exposure types calibrated to "cal" by Stage 2 (others stop at "rate").
LEVEL2B_EXP_TYPES = frozenset(
    IMAGE2_SCIENCE_EXP_TYPES + IMAGE2_NONSCIENCE_EXP_TYPES + SPEC2_SCIENCE_EXP_TYPES
)

# Flag columns that turn a science exposure into a special member type (first set flag wins).
SPECIAL_EXPOSURE_FLAGS = (("psf", "is_psf"), ("imprint", "is_imprt"), ("background", "bkgdtarg"))

TSO_EXP_TYPES = ("nrc_tsimage", "nrc_tsgrism", "nrs_brightobj")

# Candidate types whose Stage 3 products need exposures from more than one observation.
MULTI_OBS_CANDIDATE_TYPES = ("group", "background", "mosaic")

# (slit, grating, filter, detector); every slit other than S200B1 counts as "a".
NRS_FSS_VALID_OPTICAL_PATHS = frozenset((
    ("a", "prism", "clear", "nrs1"), ("a", "g395h", "f290lp", "nrs1"),
    ("a", "g395h", "f290lp", "nrs2"), ("a", "g235h", "f170lp", "nrs1"),
    ("a", "g235h", "f170lp", "nrs2"), ("a", "g140h", "f100lp", "nrs1"),
    ("a", "g140h", "f100lp", "nrs2"), ("a", "g140h", "f070lp", "nrs1"),
    ("a", "g395m", "f290lp", "nrs1"), ("a", "g235m", "f170lp", "nrs1"),
    ("a", "g140m", "f100lp", "nrs1"), ("a", "g140m", "f070lp", "nrs1"),
    ("s200b1", "prism", "clear", "nrs2"), ("s200b1", "g395h", "f290lp", "nrs2"),
    ("s200b1", "g235h", "f170lp", "nrs2"), ("s200b1", "g140h", "f100lp", "nrs2"),
    ("s200b1", "g140h", "f070lp", "nrs1"), ("s200b1", "g140h", "f070lp", "nrs2"),
    ("s200b1", "g395m", "f290lp", "nrs2"), ("s200b1", "g235m", "f170lp", "nrs2"),
    ("s200b1", "g140m", "f100lp", "nrs2"), ("s200b1", "g140m", "f070lp", "nrs1"),
    ("s200b1", "g140m", "f070lp", "nrs2"),
))

# (grating, lamp, detector) of NIRSpec fixed-slit lamp exposures.
NRS_FSS_VALID_LAMP_OPTICAL_PATHS = frozenset(
    (grating, lamp, detector)
    for grating, lamps in (
        ("prism", ("line4", "flat5", "test")),
        ("g395h", ("flat3", "line3")), ("g235h", ("flat2", "line2")),
        ("g140h", ("flat1", "ref", "line1", "flat4")),
        ("g395m", ("flat3", "line3")), ("g235m", ("flat2", "line2")),
        ("g140m", ("flat1", "line1", "flat4")),
    )
    for lamp in lamps
    for detector in ("nrs1", "nrs2")
)

# (grating, filter, detector) of NIRSpec IFU exposures.
NRS_IFU_VALID_OPTICAL_PATHS = frozenset((
    ("prism", "clear", "nrs1"), ("g140m", "f070lp", "nrs1"), ("g140m", "f100lp", "nrs1"),
    ("g235m", "f170lp", "nrs1"), ("g395m", "f290lp", "nrs1"), ("g140h", "f070lp", "nrs1"),
    ("g140h", "f100lp", "nrs1"), ("g140h", "f100lp", "nrs2"), ("g235h", "f170lp", "nrs1"),
    ("g235h", "f170lp", "nrs2"), ("g395h", "f290lp", "nrs1"), ("g395h", "f290lp", "nrs2"),
))

NIS_SOSS_UNCALIBRATED_FILTERS = ("f277w",)

DEGRADED_STATUS_OK = "No known degraded exposures in association."
DEGRADED_STATUS_NOTOK = (
    "One or more members have an error associated with them."
    "\nDetails can be found in the member.exposerr attribute."
)
