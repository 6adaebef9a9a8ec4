"""Embedded sample pools: small, fictitious programs covering the main observing modes.

They are the default input of ``asnatlas build`` and of ``asnatlas generate --sample NAME``.
"""

from __future__ import annotations

import pathlib
from importlib import resources

#: Sample names in the order pages show them, with a one-line summary each.
SAMPLES: dict[str, str] = {
    "imaging": "NIRCam imaging: two mosaic tiles, 3 dithers, F150W + F444W",
    "spectroscopy": "MIRI MRS: 4-point dither with a dedicated background observation",
    "coronagraphy": "NIRCam coronagraphy: two rolls and a PSF reference star",
    "tso": "NIRCam grism time series: segmented exposure with simultaneous photometry",
    "wfss": "NIRISS wide field slitless spectroscopy: two grisms with direct images",
}


def names() -> list[str]:
    """The names of the embedded sample pools."""
    return list(SAMPLES)


def path(name: str) -> pathlib.Path:
    """The file of sample ``name``; `KeyError` listing the valid names if it is unknown."""
    if name not in SAMPLES:
        raise KeyError(f"unknown sample {name!r}; samples are: {', '.join(SAMPLES)}")
    resource = resources.files(__name__).joinpath(f"{name}.csv")
    # Installed packages are plain directories (setuptools, editable or not), so the
    # resource is a real file that astropy can open by path.
    return pathlib.Path(str(resource))


def describe(name: str) -> str:
    """The one-line summary of sample ``name``."""
    path(name)
    return SAMPLES[name]
