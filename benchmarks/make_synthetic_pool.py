"""Write a synthetic association pool: a large JWST imaging program of N rows.

usage: .venv/bin/python benchmarks/make_synthetic_pool.py ROWS [-o POOL] [--seed S]

The program is made of *fields* (one target each). A field is observed by one to four
observations in the same setup (mosaic tiles); when it has several, they share a mosaic
candidate (``c1NNN``). NIRCam fields use one or both modules (5 or 10 detectors, short and
long wavelength filters taken together); MIRI fields use one to four filters and sometimes
a dedicated background observation, linked to the science ones by a background candidate.
Every observation has one to four visits (mosaic tiles), each with a dither pattern of
two to eight points per filter. A few exposures are flagged in EXPOSERR.

The columns are those of real DMS pools (see ``asnatlas/samples/imaging.csv``), values in
upper case as the archive writes them. The output depends only on ROWS and the seed; the
last observation is cut short so the pool has exactly ROWS rows.

example:
  .venv/bin/python benchmarks/make_synthetic_pool.py 40000 -o /tmp/jw91001_pool.csv
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

COLUMNS = (
    "FILENAME|OBS_ID|PROGRAM|OBS_NUM|VISIT|VISIT_ID|VISITGRP|VISITYPE|SEQ_ID|ACT_ID|EXPOSURE|"
    "EXP_TYPE|NEXPOSUR|EXPCOUNT|INSTRUME|DETECTOR|CHANNEL|TARGETID|TARGPROP|TARGNAME|TARGTYPE|"
    "TEMPLATE|PNTGTYPE|PNTG_SEQ|TARGORDN|EXPSPCIN|DITHPTIN|MOSTILNO|MODULE|FILTER|PUPIL|"
    "DITHERID|PATTTYPE|PATTSTRT|NUMDTHPT|PATTSIZE|SUBPXPNS|PATT_NUM|SUBPXNUM|SUBPIXEL|APERNAME|"
    "SDP_VER|SUBARRAY|GRATING|FXD_SLIT|BAND|ASN_CANDIDATE|EXPOSERR|IS_PSF|IS_IMPRT|BKGDTARG|"
    "TSOVISIT|WFSVISIT|MSAMETFL|DMS_NOTE|EXSEGTOT|NINTS|NGROUPS"
).split("|")

# Short- and long-wavelength NIRCam filters observed at the same time.
NIRCAM_FILTER_PAIRS = (("F090W", "F277W"), ("F115W", "F356W"), ("F150W", "F444W"),
                       ("F200W", "F410M"), ("F070W", "F300M"), ("F182M", "F335M"))
NIRCAM_MODULES = {
    "A": ("NRCA1", "NRCA2", "NRCA3", "NRCA4", "NRCALONG"),
    "B": ("NRCB1", "NRCB2", "NRCB3", "NRCB4", "NRCBLONG"),
}
MIRI_FILTERS = ("F560W", "F770W", "F1000W", "F1130W", "F1280W", "F1500W", "F1800W",
                "F2100W", "F2550W")
# One observation number per program is at most 999, one candidate number at most c1999.
MAX_OBS = 999
MAX_CANDIDATES = 1000


def _candidates(entries: list[tuple[str, str]]) -> str:
    return "[" + ", ".join(f"('{cid}', '{ctype}')" for cid, ctype in entries) + "]"


class _Program:
    """Numbering state: program, observation and candidate counters."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.obs = 0
        self.candidate = 0
        self.target = 0

    def next_obs(self) -> int:
        self.obs += 1
        return self.obs

    def next_candidate(self) -> str:
        self.candidate += 1
        return f"c{999 + self.candidate}"

    def next_target(self) -> int:
        self.target += 1
        return self.target


@dataclass
class _Setup:
    """What the observations of one field share: instrument, detectors, filters, dithers."""

    instrument: str
    detectors: list[str]
    filters: list[tuple[str, str]]  # (short, long) wavelength filter per activity
    dithers: int
    pattern: str
    template: str


def _setup(rng: random.Random) -> _Setup:
    dithers = rng.choice((2, 3, 4, 4, 6, 8))
    if rng.random() < 0.75:
        modules = ("A", "B") if rng.random() < 0.75 else (rng.choice("AB"),)
        return _Setup("NIRCAM", [d for m in modules for d in NIRCAM_MODULES[m]],
                      rng.sample(NIRCAM_FILTER_PAIRS, rng.randint(1, 3)), dithers,
                      rng.choice(("INTRAMODULEX", "FULLBOX", "INTRAMODULEBOX")),
                      "NIRCam Imaging")
    return _Setup("MIRI", ["MIRIMAGE"],
                  [(f, f) for f in rng.sample(MIRI_FILTERS, rng.randint(1, 4))], dithers,
                  "CYCLING", "MIRI Imaging")


def _observation(rng: random.Random, prog: _Program, setup: _Setup, target: int,
                 shared: list[tuple[str, str]], background: bool) -> Iterator[dict[str, str]]:
    """Rows of one observation: visits x filters (activities) x dithers x detectors."""
    obs = prog.next_obs()
    program = f"{prog.number:05d}"
    cands = _candidates([(f"o{obs:03d}", "OBSERVATION"), *shared])
    visits = 1 if background else rng.choice((1, 1, 2, 3, 4))
    instrument, detectors, filters = setup.instrument, setup.detectors, setup.filters
    dithers, pattern, template = setup.dithers, setup.pattern, setup.template
    targname = f"SYNTH FIELD {target}" if not background else f"SYNTH BKG {target}"
    for visit in range(1, visits + 1):
        visit_id = f"{program}{obs:03d}{visit:03d}"
        for act, (short, long) in enumerate(filters, start=1):
            for expnum in range(1, dithers + 1):
                err = "UNSUCCESSFUL" if rng.random() < 0.005 else "NULL"
                for det in detectors:
                    is_long = det.endswith("LONG")
                    module = det[3] if instrument == "NIRCAM" else "NULL"
                    yield {
                        "FILENAME": f"jw{visit_id}_021{act:02d}_{expnum:05d}_{det.lower()}"
                                    "_uncal.fits",
                        "OBS_ID": f"V{visit_id}P00000000021{act:02d}",
                        "PROGRAM": program, "OBS_NUM": str(obs), "VISIT": str(visit),
                        "VISIT_ID": visit_id, "VISITGRP": "02",
                        "VISITYPE": "PRIME_TARGETED_FIXED", "SEQ_ID": "1",
                        "ACT_ID": f"{act:02d}", "EXPOSURE": str(expnum),
                        "EXP_TYPE": "NRC_IMAGE" if instrument == "NIRCAM" else "MIR_IMAGE",
                        "NEXPOSUR": str(dithers), "EXPCOUNT": str(expnum),
                        "INSTRUME": instrument, "DETECTOR": det,
                        "CHANNEL": ("LONG" if is_long else "SHORT")
                        if instrument == "NIRCAM" else "NULL",
                        "TARGETID": str(target), "TARGPROP": targname.replace(" ", "-"),
                        "TARGNAME": targname, "TARGTYPE": "FIXED", "TEMPLATE": template,
                        "PNTGTYPE": "SCIENCE", "PNTG_SEQ": str(expnum), "TARGORDN": "1",
                        "EXPSPCIN": str(act), "DITHPTIN": "1", "MOSTILNO": str(visit),
                        "MODULE": module, "FILTER": long if is_long else short,
                        "PUPIL": "CLEAR" if instrument == "NIRCAM" else "NULL",
                        "DITHERID": "NULL", "PATTTYPE": pattern, "PATTSTRT": "NULL",
                        "NUMDTHPT": str(dithers), "PATTSIZE": "NULL", "SUBPXPNS": "NULL",
                        "PATT_NUM": str(expnum), "SUBPXNUM": "NULL", "SUBPIXEL": "NULL",
                        "APERNAME": f"{det}_FULL" if instrument == "NIRCAM" else "MIRIM_FULL",
                        "SDP_VER": "2026_1", "SUBARRAY": "FULL", "GRATING": "NULL",
                        "FXD_SLIT": "NULL", "BAND": "NULL", "ASN_CANDIDATE": cands,
                        "EXPOSERR": err, "IS_PSF": "F", "IS_IMPRT": "F",
                        "BKGDTARG": "T" if background else "F", "TSOVISIT": "F",
                        "WFSVISIT": "NULL", "MSAMETFL": "NULL", "DMS_NOTE": "NULL",
                        "EXSEGTOT": "1", "NINTS": "1", "NGROUPS": str(rng.choice((4, 5, 7, 9))),
                    }


def _field(rng: random.Random, prog: _Program) -> Iterator[dict[str, str]]:
    """Rows of one field: its observations, mosaic and background candidates."""
    setup = _setup(rng)
    target = prog.next_target()
    count = rng.choice((1, 1, 2, 2, 3, 4))
    shared = [(prog.next_candidate(), "MOSAIC")] if count > 1 else []
    background = setup.instrument == "MIRI" and rng.random() < 0.4
    if background:
        bkg_candidate = [(prog.next_candidate(), "BACKGROUND")]
        shared = shared + bkg_candidate
    for _ in range(count):
        yield from _observation(rng, prog, setup, target, shared, background=False)
    if background:
        yield from _observation(rng, prog, setup, prog.next_target(), bkg_candidate,
                                background=True)


def synthetic_rows(rows: int, seed: int = 1) -> Iterator[dict[str, str]]:
    """Exactly ``rows`` pool rows (dicts keyed by the upper-case column names)."""
    rng = random.Random(seed)
    prog = _Program(91000 + seed % 9000)
    made = 0
    while made < rows:
        # Start a new program before its observation or candidate numbers run out
        # (at most 4 science + 1 background observations and 2 candidates per field).
        if prog.obs + 5 > MAX_OBS or prog.candidate + 2 > MAX_CANDIDATES:
            prog = _Program(prog.number + 1)
        for row in _field(rng, prog):
            yield row
            made += 1
            if made == rows:
                return


def pool_text(rows: int, seed: int = 1) -> str:
    """The whole pool file as text: a comment block, the header line, the rows."""
    lines = [
        f"# asnatlas synthetic imaging program: {rows} rows, seed {seed}",
        "# Written by benchmarks/make_synthetic_pool.py; programs and targets are fictitious.",
        "|".join(COLUMNS),
    ]
    lines.extend("|".join(row[c] for c in COLUMNS) for row in synthetic_rows(rows, seed))
    return "\n".join(lines) + "\n"


def write_pool(path: Path, rows: int, seed: int = 1) -> Path:
    """Write the pool to ``path`` (via a temporary file, so it is never half-written)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(pool_text(rows, seed), encoding="utf-8")
    tmp.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="example: make_synthetic_pool.py 40000 -o /tmp/jw91001_pool.csv --seed 1")
    parser.add_argument("rows", type=int, help="number of exposure rows (>= 1)")
    parser.add_argument("-o", "--output", default=None,
                        help="pool file to write (default: jw91001_synthetic_ROWS_pool.csv)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error(f"ROWS must be at least 1, got {args.rows}")
    out = Path(args.output or f"jw91001_synthetic_{args.rows}_pool.csv")
    write_pool(out, args.rows, args.seed)
    print(f"wrote {out} ({args.rows} rows, seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
