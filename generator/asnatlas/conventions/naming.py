"""JWST names: parse them into named fields and format them back, with precise errors.

Four kinds of name appear in associations and on the site:

- exposure files and Level 2 product names,
  ``jw<ppppp><ooo><vvv>_<gg><s><aa>_<eeeee>(-seg<NNN>)_<detector>(_<acid>)(_<suffix>)(.<ext>)``,
  e.g. ``jw01234001001_02101_00001_nrca1_rate.fits`` or ``jw01234001001_02101_00001_nrca1``;
- Stage 3 products, ``jw<ppppp>-<acid>_<target>(-<source>)(-epoch<N>)_<instrument>
  (_<optical elements>)(_<suffix>(-<ACT_ID>))(.<ext>)``, e.g.
  ``jw01234-o001_t001_nircam_clear-f200w_i2d.fits``, or the product name written in an
  association, ``jw01234-o001_t001_nircam_clear-f200w``;
- association files, ``jw<ppppp>-<acid>(_<version>)_<asn_type>_<NNNNN>_asn.json``;
- candidate ids: ``oNNN`` (observation), ``c1NNN`` (candidate), ``a3NNN`` (discovered),
  ``rNNNN`` (reserved).

The parsers raise `NamingError` saying which part is wrong and what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from asnatlas.conventions import catalogue
from asnatlas.errors import AsnatlasError

DETECTORS: tuple[str, ...] = (
    "nrca1", "nrca2", "nrca3", "nrca4", "nrcalong",
    "nrcb1", "nrcb2", "nrcb3", "nrcb4", "nrcblong",
    "nrs1", "nrs2", "nis", "mirimage", "mirifushort", "mirifulong",
    "guider1", "guider2",
)  # fmt: skip
INSTRUMENTS: tuple[str, ...] = ("nircam", "niriss", "nirspec", "miri", "fgs")
EXTENSIONS: tuple[str, ...] = ("fits", "ecsv", "asdf", "json")

#: Placeholders the reference leaves in product names for the pipeline to fill in.
PLACEHOLDERS: tuple[str, ...] = ("{source_id}", "{slit_name}", "{suffix}")

CANDIDATE_KINDS: dict[str, str] = {
    "o": "observation",
    "c": "candidate",
    "a": "discovered",
    "r": "reserved",
}
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


class NamingError(AsnatlasError, ValueError):
    """A name that does not follow the JWST convention.

    ``name`` is the whole name, ``part`` the part that is wrong, ``expected`` what the
    convention asks for there.
    """

    def __init__(self, name: str, part: str, expected: str, found: str | None = None):
        self.name = name
        self.part = part
        self.expected = expected
        self.found = found
        got = f" but found {found!r}" if found is not None else ""
        super().__init__(f"{name!r}: {part}: expected {expected}{got}")


# ---------------------------------------------------------------------------- helpers


def _digits(name: str, part: str, text: str, width: int) -> int:
    if len(text) != width or not text.isascii() or not text.isdigit():
        raise NamingError(name, part, f"{width} digits", text)
    return int(text)


def base36(value: int, width: int = 2) -> str:
    """``value`` written in base 36 with lower-case letters, zero-padded to ``width``."""
    if value < 0 or value >= 36**width:
        raise ValueError(f"{value} does not fit in {width} base-36 digits")
    out = ""
    for _ in range(width):
        value, digit = divmod(value, 36)
        out = _BASE36[digit] + out
    return out


def _base36(name: str, part: str, text: str, width: int = 2) -> int:
    if len(text) != width or any(ch not in _BASE36 for ch in text):
        raise NamingError(name, part, f"{width} base-36 characters (0-9, a-z)", text)
    return int(text, 36)


# Placeholders hold "_", which also separates the parts of a name: hide it while splitting.
_HIDDEN = {placeholder: placeholder.replace("_", "\x00") for placeholder in PLACEHOLDERS}


def _split_parts(text: str) -> list[str]:
    for placeholder, hidden in _HIDDEN.items():
        text = text.replace(placeholder, hidden)
    return [part.replace("\x00", "_") for part in text.split("_")]


def _split_extension(name: str, text: str) -> tuple[str, str | None]:
    stem, dot, ext = text.rpartition(".")
    if not dot:
        return text, None
    if ext not in EXTENSIONS:
        raise NamingError(name, "extension", f"one of {', '.join(EXTENSIONS)}", ext)
    return stem, ext


def _check_suffix(name: str, suffix: str) -> None:
    if suffix not in catalogue.product_suffixes() and suffix != "{suffix}":
        raise NamingError(name, "product type", "a suffix from the product catalogue", suffix)


def _check(name: str, part: str, ok: bool, expected: str, found: Any) -> None:
    if not ok:
        raise NamingError(name, part, expected, str(found))


# ---------------------------------------------------------------------- candidate ids


@dataclass(frozen=True)
class CandidateId:
    """An association candidate id such as ``o001``, ``c1000``, ``a3001`` or ``r0001``."""

    kind: str  # observation, candidate, discovered or reserved
    number: int

    def __post_init__(self) -> None:
        text = f"{self.kind}:{self.number}"
        if self.kind == "observation":
            _check(text, "observation number", 0 <= self.number <= 999, "0-999", self.number)
        elif self.kind == "candidate":
            _check(text, "candidate number", 1000 <= self.number <= 1999, "1000-1999",
                   self.number)
        elif self.kind == "discovered":
            _check(text, "discovered number", 3000 <= self.number <= 3999, "3000-3999",
                   self.number)
        elif self.kind == "reserved":
            _check(text, "reserved number", 0 <= self.number <= 9999, "0-9999", self.number)
        else:
            raise NamingError(text, "kind", "one of " + ", ".join(CANDIDATE_KINDS.values()),
                              self.kind)

    @property
    def letter(self) -> str:
        return self.kind[0] if self.kind != "discovered" else "a"

    def format(self) -> str:
        width = 3 if self.kind == "observation" else 4
        return f"{self.letter}{self.number:0{width}d}"

    def __str__(self) -> str:
        return self.format()


def parse_candidate_id(text: str) -> CandidateId:
    """Parse ``oNNN``, ``c1NNN``, ``a3NNN`` or ``rNNNN``."""
    letter, digits = text[:1], text[1:]
    if letter not in CANDIDATE_KINDS:
        raise NamingError(text, "candidate id",
                          "o (observation), c (candidate), a (discovered) or r (reserved) "
                          "followed by digits", text)
    kind = CANDIDATE_KINDS[letter]
    width = 3 if kind == "observation" else 4
    number = _digits(text, f"{kind} number", digits, width)
    if kind == "candidate" and digits[0] != "1":
        raise NamingError(text, "candidate number", "c1NNN (1000-1999)", digits)
    if kind == "discovered" and digits[0] != "3":
        raise NamingError(text, "discovered number", "a3NNN (3000-3999)", digits)
    return CandidateId(kind, number)


def _acid(name: str, text: str) -> str:
    """The candidate id part of a name, with errors that quote the whole name."""
    try:
        return parse_candidate_id(text).format()
    except NamingError as err:
        raise NamingError(name, f"candidate id ({err.part})", err.expected, text) from None


# ------------------------------------------------------------------ exposure names


@dataclass(frozen=True)
class ExposureName:
    """An exposure file name or Level 2 product name, field by field.

    ``activity`` is the base-36 activity number (``0a`` is 10); ``segment`` is 1-based;
    ``acid`` is set for Stage 3 per-exposure products such as ``..._nrca1_o001_crf.fits``.
    """

    program: int
    observation: int
    visit: int
    visit_group: int
    sequence: int
    activity: int
    exposure: int
    detector: str
    segment: int | None = None
    acid: str | None = None
    suffix: str | None = None
    extension: str | None = None

    def __post_init__(self) -> None:
        name = f"exposure name fields {self.__dict__}"
        for part, value, top in (
            ("program", self.program, 99999), ("observation", self.observation, 999),
            ("visit", self.visit, 999), ("visit group", self.visit_group, 99),
            ("parallel sequence", self.sequence, 9), ("activity", self.activity, 36**2 - 1),
            ("exposure", self.exposure, 99999),
        ):  # fmt: skip
            _check(name, part, 0 <= value <= top, f"0-{top}", value)
        if self.segment is not None:
            _check(name, "segment", 1 <= self.segment <= 999, "1-999 (segments are 1-indexed)",
                   self.segment)
        _check(name, "detector", self.detector in DETECTORS, "a JWST detector", self.detector)
        if self.acid is not None:
            parse_candidate_id(self.acid)
        if self.suffix is not None:
            _check_suffix(name, self.suffix)
        if self.extension is not None:
            _check(name, "extension", self.extension in EXTENSIONS, "fits, ecsv...",
                   self.extension)

    @property
    def activity_id(self) -> str:
        """The activity as written in names and the pool's ACT_ID column, e.g. ``01``."""
        return base36(self.activity)

    @property
    def stem(self) -> str:
        """The Level 2 product name: the file name without candidate, suffix and extension."""
        seg = f"-seg{self.segment:03d}" if self.segment is not None else ""
        return (
            f"jw{self.program:05d}{self.observation:03d}{self.visit:03d}"
            f"_{self.visit_group:02d}{self.sequence:d}{self.activity_id}"
            f"_{self.exposure:05d}{seg}_{self.detector}"
        )

    def format(self) -> str:
        text = self.stem
        if self.acid is not None:
            text += f"_{self.acid}"
        if self.suffix is not None:
            text += f"_{self.suffix}"
        if self.extension is not None:
            text += f".{self.extension}"
        return text

    def __str__(self) -> str:
        return self.format()


_EXPOSURE_SHAPE = "jw<ppppp><ooo><vvv>_<gg><s><aa>_<eeeee>(-seg<NNN>)_<detector>_<suffix>.fits"


def parse_exposure_name(text: str) -> ExposureName:
    """Parse an exposure file name or a Level 2 product name (no suffix, no extension)."""
    name = text
    stem, ext = _split_extension(name, text)
    parts = stem.split("_")
    if len(parts) < 4 or not parts[0].startswith("jw"):
        raise NamingError(name, "exposure name", _EXPOSURE_SHAPE)
    ident = parts[0][2:]
    _digits(name, "program+observation+visit (jw<ppppp><ooo><vvv>)", ident, 11)
    group = parts[1]
    _check(name, "visit group+sequence+activity (<gg><s><aa>)", len(group) == 5,
           "5 characters", group)
    exposure_part, _, segment_part = parts[2].partition("-")
    segment = None
    if segment_part:
        _check(name, "segment", segment_part.startswith("seg"), "-seg<NNN>", segment_part)
        segment = _digits(name, "segment number", segment_part[3:], 3)
        _check(name, "segment number", segment >= 1, "1 or more (segments are 1-indexed)",
               segment_part[3:])
    detector = parts[3]
    _check(name, "detector", detector in DETECTORS, "a JWST detector (nrca1, nis, mirimage...)",
           detector)
    rest = parts[4:]
    acid = None
    if rest and rest[0][:1] in CANDIDATE_KINDS and rest[0][1:].isdigit():
        acid = _acid(name, rest[0])
        rest = rest[1:]
    suffix = "_".join(rest) if rest else None
    if suffix is not None:
        _check_suffix(name, suffix)
    if ext is not None and suffix is None:
        raise NamingError(name, "product type", "a suffix before the extension, e.g. _cal")
    return ExposureName(
        program=int(ident[:5]),
        observation=int(ident[5:8]),
        visit=int(ident[8:]),
        visit_group=_digits(name, "visit group", group[:2], 2),
        sequence=_digits(name, "parallel sequence", group[2], 1),
        activity=_base36(name, "activity", group[3:]),
        exposure=_digits(name, "exposure number", exposure_part, 5),
        detector=detector,
        segment=segment,
        acid=acid,
        suffix=suffix,
        extension=ext,
    )


# ----------------------------------------------------------------- Stage 3 products

_TARGET = re.compile(r"^(t\d{3,}|[sbv]\d{9}|\{source_id\})$")
_ELEMENT = re.compile(r"^([a-z0-9]+|\{slit_name\})$")


@dataclass(frozen=True)
class ProductName:
    """A Stage 3 (source-based) product name or file name.

    ``target`` is ``t<NNN>``, a source ``s<9 digits>`` (also ``b``ackground and ``v``irtual
    slits) or the ``{source_id}`` placeholder; ``source`` is the second id of NIRSpec
    fixed-slit names (``t001-{source_id}``). ``opt_elements`` are the ``-``-separated
    optical elements, which the reference follows with slit and subarray names in the same
    way. ``activity`` (base 36) is set for wavefront-sensing products only.
    """

    program: int
    acid: str
    target: str
    instrument: str
    opt_elements: tuple[str, ...] = ()
    source: str | None = None
    epoch: int | None = None
    suffix: str | None = None
    activity: int | None = None
    extension: str | None = None

    def __post_init__(self) -> None:
        name = f"product name fields {self.__dict__}"
        _check(name, "program", 0 <= self.program <= 99999, "0-99999", self.program)
        parse_candidate_id(self.acid)
        _check(name, "target", bool(_TARGET.match(self.target)),
               "t<NNN>, s/b/v<9 digits> or {source_id}", self.target)
        if self.source is not None:
            _check(name, "source", bool(_TARGET.match(self.source)) and self.source[0] != "t",
                   "s/b/v<9 digits> or {source_id}", self.source)
        if self.epoch is not None:
            _check(name, "epoch", self.epoch >= 0, "a number", self.epoch)
        _check(name, "instrument", self.instrument in INSTRUMENTS, ", ".join(INSTRUMENTS),
               self.instrument)
        for element in self.opt_elements:
            _check(name, "optical element", bool(_ELEMENT.match(element)),
                   "lower-case letters and digits", element)
        if self.suffix is not None:
            _check_suffix(name, self.suffix)
        if self.activity is not None:
            _check(name, "activity", self.suffix is not None and 0 <= self.activity < 36**2,
                   "a suffix and 2 base-36 characters", self.activity)
        if self.extension is not None:
            _check(name, "product type", self.suffix is not None, "a suffix before the extension",
                   self.extension)

    @property
    def name(self) -> str:
        """The product name as written in an association (no suffix, no extension)."""
        target = self.target
        if self.source is not None:
            target += f"-{self.source}"
        if self.epoch is not None:
            target += f"-epoch{self.epoch}"
        text = f"jw{self.program:05d}-{self.acid}_{target}_{self.instrument}"
        if self.opt_elements:
            text += "_" + "-".join(self.opt_elements)
        return text

    def format(self) -> str:
        text = self.name
        if self.suffix is not None:
            text += f"_{self.suffix}"
            if self.activity is not None:
                text += f"-{base36(self.activity)}"
        if self.extension is not None:
            text += f".{self.extension}"
        return text

    def __str__(self) -> str:
        return self.format()


_PRODUCT_SHAPE = (
    "jw<ppppp>-<acid>_<target>(-epoch<N>)_<instrument>(_<optical elements>)(_<suffix>).fits"
)


def _split_suffix(name: str, last: str) -> tuple[str, int | None]:
    """``cal`` -> (cal, None); ``{suffix}-02`` -> ({suffix}, 2); ``ami-oi`` stays whole."""
    known = set(catalogue.product_suffixes()) | {"{suffix}"}
    if last in known:
        return last, None
    head, dash, act = last.rpartition("-")
    if dash and head in known:
        return head, _base36(name, "activity (-<ACT_ID>)", act)
    raise NamingError(name, "product type", "a suffix from the product catalogue", last)


def parse_product_name(text: str) -> ProductName:
    """Parse a Stage 3 product name (as in ``products[].name``) or product file name."""
    name = text
    stem, ext = _split_extension(name, text)
    parts = _split_parts(stem)
    head = parts[0]
    if not head.startswith("jw") or "-" not in head or len(parts) < 3:
        raise NamingError(name, "product name", _PRODUCT_SHAPE)
    program_text, _, acid_text = head[2:].partition("-")
    program = _digits(name, "program", program_text, 5)
    acid = _acid(name, acid_text)
    target_parts = parts[1].split("-")
    target = target_parts[0]
    _check(name, "target", bool(_TARGET.match(target)), "t<NNN>, s/b/v<9 digits> or {source_id}",
           target)
    source = epoch = None
    for extra in target_parts[1:]:
        if extra.startswith("epoch"):
            epoch = _digits(name, "epoch", extra[5:], len(extra) - 5) if extra[5:] else None
            _check(name, "epoch", epoch is not None, "epoch<N>", extra)
        elif source is None and epoch is None and _TARGET.match(extra):
            source = extra
        else:
            raise NamingError(name, "target", "<target>(-<source>)(-epoch<N>)", parts[1])
    instrument = parts[2]
    _check(name, "instrument", instrument in INSTRUMENTS, ", ".join(INSTRUMENTS), instrument)
    rest = parts[3:]
    suffix = activity = None
    # A file always ends with its suffix; a product name only with the {suffix} placeholder.
    if rest and (ext is not None or rest[-1].startswith("{suffix}")):
        suffix, activity = _split_suffix(name, rest[-1])
        rest = rest[:-1]
    if ext is not None and suffix is None:
        raise NamingError(name, "product type", "a suffix before the extension, e.g. _i2d")
    if len(rest) > 1:
        raise NamingError(name, "optical elements", "one '-'-separated part after the instrument",
                          "_".join(rest))
    elements = tuple(rest[0].split("-")) if rest else ()
    for element in elements:
        _check(name, "optical element", bool(_ELEMENT.match(element)),
               "lower-case letters and digits separated by '-'", element)
    return ProductName(program=program, acid=acid, target=target, instrument=instrument,
                       opt_elements=elements, source=source, epoch=epoch, suffix=suffix,
                       activity=activity, extension=ext)


# ----------------------------------------------------------------- association files


@dataclass(frozen=True)
class AsnFileName:
    """An association file name: ``jw<ppppp>-<acid>(_<version>)_<asn_type>_<NNNNN>_asn.json``."""

    program: int
    acid: str
    asn_type: str
    sequence: int
    version: str | None = None

    def __post_init__(self) -> None:
        name = f"association name fields {self.__dict__}"
        _check(name, "program", 0 <= self.program <= 99999, "0-99999", self.program)
        parse_candidate_id(self.acid)
        _check(name, "asn_type", self.asn_type in catalogue.asn_type_names(),
               "an association type from the catalogue", self.asn_type)
        _check(name, "sequence", 0 <= self.sequence <= 99999, "0-99999", self.sequence)
        if self.version is not None:
            _check(name, "version", bool(re.fullmatch(r"[a-z0-9][a-z0-9.-]*", self.version)),
                   "lower-case letters, digits, '.' or '-'", self.version)

    def format(self) -> str:
        return format_asn_filename(f"{self.program:05d}", self.acid, self.asn_type,
                                   self.sequence, self.version)

    def __str__(self) -> str:
        return self.format()


_ASN_SHAPE = "jw<ppppp>-<acid>(_<version>)_<asn_type>_<NNNNN>_asn.json"


def format_asn_filename(program: str, acid: str, asn_type: str, sequence: int,
                        version: str | None = None) -> str:
    """``jw<program>-<acid>[_<version>]_<asn_type>_<NNNNN>_asn.json``, lower case.

    Formats the fields as given (no check, unlike `AsnFileName`): the generator names
    whatever the pool holds. An empty version is left out.
    """
    middle = f"_{version}" if version else ""
    return f"jw{program}-{acid}{middle}_{asn_type}_{sequence:05d}_asn.json".lower()


def parse_asn_filename(text: str) -> AsnFileName:
    """Parse an association file name (the version part is optional)."""
    name = text
    if not text.endswith("_asn.json"):
        raise NamingError(name, "ending", "_asn.json", text[-9:])
    parts = text.removesuffix("_asn.json").split("_")
    if len(parts) < 3 or not parts[0].startswith("jw"):
        raise NamingError(name, "association file name", _ASN_SHAPE)
    program_text, dash, acid_text = parts[0][2:].partition("-")
    _check(name, "jw<ppppp>-<acid>", bool(dash), "a '-' between program and candidate id",
           parts[0])
    program = _digits(name, "program", program_text, 5)
    acid = _acid(name, acid_text)
    sequence = _digits(name, "sequence", parts[-1], 5)
    asn_type = parts[-2]
    _check(name, "asn_type", asn_type in catalogue.asn_type_names(),
           "one of " + ", ".join(catalogue.asn_type_names()), asn_type)
    version = "_".join(parts[1:-2]) or None
    if version is not None and "_" in version:
        raise NamingError(name, "version", "one part without '_'", version)
    return AsnFileName(program=program, acid=acid, asn_type=asn_type, sequence=sequence,
                       version=version)


# ------------------------------------------------------------------------ any name


def parse_name(text: str) -> ExposureName | ProductName | AsnFileName:
    """Parse any of the names above, choosing the kind from its shape."""
    if text.endswith("_asn.json"):
        return parse_asn_filename(text)
    if re.match(r"^jw\d+-", text):
        return parse_product_name(text)
    if re.match(r"^jw\d+_", text):
        return parse_exposure_name(text)
    raise NamingError(
        text, "name",
        "a standard JWST name: jw<ppppp><ooo><vvv>_... (exposure), jw<ppppp>-<acid>_... "
        "(Stage 3 product) or ..._asn.json (association)",
    )


def is_standard(text: str) -> bool:
    """True when ``text`` parses as a JWST name."""
    try:
        parse_name(text)
    except NamingError:
        return False
    return True
