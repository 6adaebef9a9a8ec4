"""File-name suffixes the JWST pipeline writes, and how a product root is recovered from a name.

The list is the set of suffixes the DMS pipeline recognises when it strips a suffix from a
file stem (e.g. ``jw..._nrs1_rate`` -> ``jw..._nrs1``). Product names of Level 2 associations
are derived this way, so the list must match the pipeline's exactly.
"""

from __future__ import annotations

import re

KNOWN_SUFFIXES: tuple[str, ...] = (
    "adaptive_trace_model", "adaptivetracemodelstep", "align_refs", "alignrefsstep", "ami",
    "ami-oi", "ami3pipeline", "ami_analyze", "ami_normalize", "amianalyzestep", "aminorm",
    "aminorm-oi", "aminormalizestep", "assign_mtwcs", "assign_wcs", "assignmtwcsstep",
    "assignwcsstep", "backgroundstep", "badpixselfcalstep", "barshadowstep", "bkg_subtract",
    "blot", "bsub", "bsubints", "c1d", "cal", "calints", "cat", "chargemigrationstep",
    "clean_flicker_noise", "cleanflickernoisestep", "combine1dstep", "combine_1d",
    "coron3pipeline", "crf", "crfints", "cube_build", "cubebuildstep", "dark", "dark_current",
    "darkcurrentstep", "darkpipeline", "detector1pipeline", "dq_init", "dqinitstep", "emicorr",
    "emicorrstep", "engdblog", "extract1dstep", "extract2dstep", "extract_1d", "extract_2d",
    "firstframe", "firstframestep", "flat_field", "flatfieldstep", "fringe", "fringestep",
    "gain_scale", "gainscalestep", "group_scale", "groupscalestep", "guider_cds",
    "guidercdsstep", "guiderpipeline", "hlsp", "hlspstep", "i2d", "image2pipeline",
    "image3pipeline", "imprint", "imprintstep", "ipc", "ipcstep", "jump", "jumpstep", "klip",
    "klipstep", "lastframe", "lastframestep", "linearity", "linearitystep", "master_background",
    "masterbackgroundmosstep", "masterbackgroundstep", "mbsub", "median", "msaflagopenstep",
    "outlier_detection", "outlierdetectionstep", "pathloss", "pathlossstep", "persistence",
    "persistencestep", "phot", "photom", "photomstep", "picture_frame", "pictureframestep",
    "pixelreplacestep", "psfalign", "psfstack", "psfsub", "ramp", "ramp_fit", "rampfitstep",
    "rate", "rateints", "refpix", "refpixstep", "resample", "resample_spec", "resamplespecstep",
    "resamplestep", "reset", "resetstep", "residual_fringe", "residualfringestep", "rscd",
    "rscdstep", "s2d", "s3d", "saturation", "saturationstep", "skymatch", "skymatchstep", "snr",
    "source_catalog", "sourcecatalogstep", "sourcetypestep", "spec2nrslamp", "spec2pipeline",
    "spec3pipeline", "spectral_leak", "spectralleakstep", "srctype", "stackrefs",
    "stackrefsstep", "straylight", "straylightstep", "superbias", "superbiasstep",
    "targ_centroid", "targcentroidstep", "tso3pipeline", "tsophotometrystep", "tweakreg",
    "tweakregstep", "uncal", "wavecorrstep", "wfscmb", "wfscombine", "wfscombinestep",
    "wfsscontamstep", "white_light", "whitelightstep", "whtlt", "x1d", "x1dints",
)

_REMOVE_SUFFIX = re.compile(
    "^(?P<root>.+?)((?P<separator>_|-)(" + "|".join(KNOWN_SUFFIXES) + "))?$"
)


_KNOWN = frozenset(KNOWN_SUFFIXES)


def remove_suffix_by_regex(name: str) -> str:
    """The definition of `remove_suffix`: the shortest root that the rest of the name,
    a separator and a known suffix, completes (the pipeline's regex)."""
    match = _REMOVE_SUFFIX.match(name)
    return match.group("root") if match else name


def remove_suffix(name: str) -> str:
    """The name without a known trailing suffix (``_cal``, ``-x1d`` ...), if it has one.

    The first separator after the first character whose rest is a known suffix, found
    with string searches (the regex's lazy root tries every position); a test proves it
    equal to `remove_suffix_by_regex`, which names with a newline still take (``.`` and
    ``$`` treat it specially).
    """
    if "\n" in name:
        return remove_suffix_by_regex(name)
    start = 1  # the root has at least one character
    while True:
        under, dash = name.find("_", start), name.find("-", start)
        cut = under if dash < 0 or 0 <= under < dash else dash
        if cut < 0:
            return name
        if name[cut + 1:] in _KNOWN:
            return name[:cut]
        start = cut + 1
