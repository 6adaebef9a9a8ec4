"""Semantic checks: mistakes a JSON Schema cannot express, each with a stable code.

Every check tolerates data of the wrong shape (the schema check reports that), so any
parsed JSON value can go through here without an exception.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import re
from functools import cache
from pathlib import Path

from asnatlas import safetext
from asnatlas.conventions import catalogue, naming
from asnatlas.conventions.suffixes import remove_suffix
from asnatlas.validate.problem import Problem, pointer_join
from asnatlas.validate.schema import known_keys, schema_for

# Member roles whose suffix tells the stage (catalogue files such as sourcecat do not).
_STAGED_ROLES = {2: frozenset({"science", "background", "imprint", "selfcal"}),
                 3: frozenset({"science", "psf"})}
# The shape the schemas' asn_id pattern accepts; the ranges per kind are checked here.
_ACID_SHAPE = re.compile(r"o[0-9]{3}|[acr][0-9]{4}")
_SUFFIX = re.compile(r"_([a-z0-9]+)\.[a-z0-9.]+$", re.IGNORECASE)


def check(data: object, filename: str | None = None, check_files: bool = False) -> list[Problem]:
    """All semantic problems of one parsed association.

    ``filename`` is the path the association was read from (None for stdin or data built
    in memory): it enables the file-name checks and, with ``check_files``, locates members.
    """
    if not isinstance(data, dict):
        return []
    problems: list[Problem] = []
    problems += _unknown_keys(data)
    products = data.get("products")
    if isinstance(products, list):
        problems += _products(data, products)
    problems += _ids(data, filename)
    if check_files and filename and isinstance(products, list):
        problems += _member_files(products, Path(filename).parent)
    return problems


def stage_of(data: dict) -> int | None:
    """2 or 3 from ``asn_type``; None when the type is unknown."""
    asn_type = data.get("asn_type")
    return catalogue.stage_of(asn_type) if isinstance(asn_type, str) else None


def _suffix(expname: str) -> str | None:
    match = _SUFFIX.search(expname)
    return match.group(1).lower() if match else None


def _members(products: list):
    """(product index, product, member index, member) for every member dict."""
    for p, product in enumerate(products):
        if not isinstance(product, dict) or not isinstance(product.get("members"), list):
            continue
        for m, member in enumerate(product["members"]):
            if isinstance(member, dict):
                yield p, product, m, member


def _unknown_keys(data: dict) -> list[Problem]:
    keys = known_keys(schema_for(data))
    problems = _unknown_in(data, keys["top"], "", "the association")
    products = data.get("products")
    if isinstance(products, list):
        for p, product in enumerate(products):
            if isinstance(product, dict):
                problems += _unknown_in(product, keys["product"], f"/products/{p}",
                                        f"products[{p}]")
        for p, _product, m, member in _members(products):
            problems += _unknown_in(member, keys["member"], f"/products/{p}/members/{m}",
                                    f"products[{p}].members[{m}]")
    return problems


def _unknown_in(obj: dict, known: list[str], pointer: str, where: str) -> list[Problem]:
    problems = []
    for key in obj:
        if key in known:
            continue
        close = difflib.get_close_matches(key.lower(), known, n=1, cutoff=0.6)
        hint = (f"did you mean {close[0]!r}?" if close
                else "the pipeline ignores it; known keys: " + ", ".join(known))
        problems.append(Problem("ASN216", f"{where} has an unknown key {_clip(key)!r}",
                                pointer_join(pointer, key), hint=hint))
    return problems


def _products(data: dict, products: list) -> list[Problem]:
    problems: list[Problem] = []
    stage = stage_of(data)
    names: dict[str, int] = {}
    for p, product in enumerate(products):
        if not isinstance(product, dict):
            continue
        name = product.get("name")
        if isinstance(name, str) and name:
            problems += _product_name(p, name)
            if name in names:
                problems.append(Problem(
                    "ASN217", f"products[{p}] has the same name as products[{names[name]}]",
                    f"/products/{p}/name", hint="their output files would overwrite each other"))
            names.setdefault(name, p)
        members = product.get("members")
        if not isinstance(members, list):
            continue
        problems += _member_list(p, members, stage)
        if stage is not None and members:
            problems += _science(data, p, product, members, stage)
    return problems


def _member_list(p: int, members: list, stage: int | None) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for m, member in enumerate(members):
        if not isinstance(member, dict) or not isinstance(member.get("expname"), str):
            continue
        expname = member["expname"]
        at = f"/products/{p}/members/{m}/expname"
        problems += _unsafe("member name", expname, at)
        problems += _too_long_member(expname, at)
        base = _basename(expname)
        if expname and (not base.strip() or base in (".", "..")):
            problems.append(Problem(
                "ASN223", f"member name {_clip(expname)!r} names no file", at,
                hint="a member is a file name such as jw..._cal.fits"))
        if "/" in expname or "\\" in expname:
            problems.append(Problem(
                "ASN201", f"member name {_clip(expname)!r} carries a directory path", at,
                hint=f"put the file beside the association and write just "
                     f"{_clip(_basename(expname))!r}"))
        if expname in seen:
            problems.append(Problem(
                "ASN202", f"{_clip(expname)!r} is listed twice in products[{p}] "
                          f"(first as members[{seen[expname]}])", at,
                hint="remove the repeated member"))
        seen.setdefault(expname, m)
        if expname and not _SUFFIX.search(expname) and "." not in _basename(expname):
            problems.append(Problem(
                "ASN219", f"member name {_clip(expname)!r} has no file extension", at,
                hint="members are files such as jw..._cal.fits"))
        problems += _member_stage(member, at, stage)
    return problems


def _unsafe(what: str, name: str, at: str) -> list[Problem]:
    """ASN221: characters that end a line, drive a terminal, reorder text or hide in a name."""
    if safetext.is_safe(name):
        return []
    return [Problem("ASN221", f"{what} {_clip(name)!r} holds a control, line-break, bidi or "
                              f"invisible character", at,
                    hint="the pipeline would open or write a file of that name; use plain "
                         "letters, digits, '_', '-' and '.'")]


#: The longest file name, in bytes, that the file systems the pipeline runs on accept
#: (NAME_MAX on Linux and macOS).
NAME_MAX = 255


@cache
def output_ending() -> str:
    """The longest ending the pipeline gives the files it names from a product name
    (``_amimulti-oi.fits``), from the product catalogue."""
    endings = {f"_{p.suffix}.{p.extension}" for p in catalogue.product_types() if p.stage >= 2}
    return max(endings, key=lambda e: (len(e.encode("utf-8")), e))


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _too_long_member(expname: str, at: str) -> list[Problem]:
    """ASN224: no file can have a name longer than NAME_MAX bytes."""
    size = _utf8_size(_basename(expname))
    if size <= NAME_MAX:
        return []
    return [Problem("ASN224", f"member name {_clip(expname)!r} is {size} bytes long: no file "
                              f"name can be longer than {NAME_MAX} bytes", at,
                    hint="a member is the name of an existing file such as jw..._cal.fits")]


def _product_name(p: int, name: str) -> list[Problem]:
    """The product name becomes output file names: no path, no hidden characters, short
    enough for its longest output file name."""
    at = f"/products/{p}/name"
    problems = _unsafe("product name", name, at)
    size, ending = _utf8_size(name), output_ending()
    if size + len(ending) > NAME_MAX:
        problems.append(Problem(
            "ASN224", f"product name {_clip(name)!r} is {size} bytes long: with the output "
                      f"ending {ending!r} the pipeline's file names would be longer than "
                      f"{NAME_MAX} bytes, which file systems refuse", at,
            hint=f"keep product names to {NAME_MAX - len(ending)} bytes"))
    if "/" in name or "\\" in name:
        problems.append(Problem(
            "ASN222", f"product name {_clip(name)!r} carries a path: the pipeline names its "
                      f"output files from it, so they would be written elsewhere", at,
            hint=f"write a plain name such as {_clip(_basename(name) or 'jw01234-o001_t001')!r}"))
    elif not name.strip() or name in (".", ".."):
        problems.append(Problem(
            "ASN223", f"product name {_clip(name)!r} names no file", at,
            hint="the product name is the stem of the output file names"))
    return problems


@cache
def suffix_stages() -> dict[str, int]:
    """Catalogue suffix -> the earliest stage that writes it."""
    return {p.suffix: p.stage for p in catalogue.product_types()}


@cache
def stage2_inputs() -> frozenset:
    """Stage 1 products that Stage 2 associations take in (``rate``, ``rateints``)."""
    stages = suffix_stages()
    return frozenset(s for t in catalogue.asn_types() if t.stage == 2
                     for s in t.member_suffixes if stages.get(s) == 1)


def _member_stage(member: dict, at: str, stage: int | None) -> list[Problem]:
    role = member.get("exptype")
    suffix = _suffix(member["expname"])
    made_by = suffix_stages().get(suffix)
    if stage is None or made_by is None or not isinstance(role, str) \
            or role.lower() not in _STAGED_ROLES[stage]:
        return []
    if stage == 3 and made_by < 2:
        return [Problem(
            "ASN210", f"Stage 3 {role} member has suffix _{suffix}; Stage 3 combines "
                      f"calibrated files", at,
            hint=f"use the Stage 2 output (_cal or _calints) instead of _{suffix}")]
    if stage == 2 and suffix not in stage2_inputs():
        wanted = " or ".join(f"_{s}" for s in sorted(stage2_inputs()))
        return [Problem(
            "ASN211", f"Stage 2 {role} member has suffix _{suffix}; Stage 2 takes count-rate "
                      f"files ({wanted})", at,
            hint="finish Stage 1 first (it writes _rate files)" if made_by < 2
            else f"Stage 2 would recalibrate an already calibrated _{suffix} file")]
    return []


def _science(data: dict, p: int, product: dict, members: list, stage: int) -> list[Problem]:
    # The pipeline lower-cases exptype before it looks for the science member.
    science = [m for m in members if isinstance(m, dict) and isinstance(m.get("exptype"), str)
               and m["exptype"].lower() == "science"]
    at = f"/products/{p}"
    if stage == 2 and len(science) != 1:
        count = "no" if not science else str(len(science))
        return [Problem("ASN213", f"Stage 2 products[{p}] has {count} science members; "
                                  f"it needs exactly one", at,
                        hint="a Stage 2 product calibrates one exposure; split it")]
    if stage == 3 and not science:
        return [Problem("ASN214", f"products[{p}] has no science member", at,
                        hint="at least one member needs \"exptype\": \"science\"")]
    if stage == 2:
        expname, name = science[0].get("expname"), product.get("name")
        if isinstance(expname, str) and isinstance(name, str) and name:
            expected = _level2_product_name(expname)
            if expected != name:
                return [Problem(
                    "ASN212", f"product name {_clip(name)!r} differs from its science member "
                              f"{_clip(expname)!r}", f"{at}/name",
                    hint=f"the pipeline names Stage 2 outputs from the member: "
                         f"{_clip(expected)!r}")]
    return []


def _level2_product_name(expname: str) -> str:
    """The name the pipeline gives a Stage 2 product: the member without suffix or extension."""
    stem = _basename(expname)
    for ext in naming.EXTENSIONS:
        if stem.endswith("." + ext):
            stem = stem[: -len(ext) - 1]
            break
    return remove_suffix(stem)


def _ids(data: dict, filename: str | None) -> list[Problem]:
    """asn_id, asn_type, program and version_id against the rule, file and product names."""
    problems: list[Problem] = []
    asn_id, program = data.get("asn_id"), data.get("program")
    if isinstance(asn_id, str) and _ACID_SHAPE.fullmatch(asn_id):
        problems += _acid_kind(asn_id, data.get("asn_rule"))
    else:
        asn_id = None  # missing or malformed: the schema reports it; comparing adds noise
    if stage_of(data) == 3 and isinstance(data.get("products"), list):
        problems += _level3_names(data, asn_id, program)
    if filename:
        problems += _file_name(data, filename, asn_id)
    return problems


def _acid_kind(asn_id: str, rule: object) -> list[Problem]:
    try:
        kind = naming.parse_candidate_id(asn_id).kind
    except naming.NamingError as err:
        return [Problem("ASN220", f"asn_id {asn_id!r} is outside the range of its kind",
                        "/asn_id", hint=f"{err.part}: expected {err.expected}")]
    if not isinstance(rule, str):
        return []
    if rule.startswith("discover_") and kind != "discovered":
        return [Problem(
            "ASN206", f"asn_id {asn_id!r} is an {kind} id but the rule {_clip(rule)!r} "
                      f"discovers associations", "/asn_id",
            hint="discovered associations have ids a3001, a3002, ...")]
    if rule.startswith("candidate_") and kind == "discovered":
        return [Problem(
            "ASN206", f"asn_id {asn_id!r} is a discovered id but the rule {_clip(rule)!r} "
                      f"works from pool candidates", "/asn_id",
            hint="candidate associations have o (observation) or c (candidate) ids")]
    return []


def _level3_names(data: dict, asn_id: object, program: object) -> list[Problem]:
    problems: list[Problem] = []
    for p, product in enumerate(data["products"]):
        name = product.get("name") if isinstance(product, dict) else None
        if not isinstance(name, str) or not name:
            continue
        at = f"/products/{p}/name"
        try:
            parts = naming.parse_product_name(name)
        except naming.NamingError as err:
            problems.append(Problem(
                "ASN203", f"product name {_clip(name)!r} breaks the Stage 3 naming convention",
                at, hint=f"{err.part}: expected {_clip(err.expected)}"))
            continue
        if isinstance(asn_id, str) and parts.acid != asn_id:
            problems.append(Problem(
                "ASN205", f"product name {_clip(name)!r} carries id {parts.acid!r} but "
                          f"asn_id is {asn_id!r}", at,
                hint="the product name and asn_id must name the same candidate"))
        if _program_number(program) not in (None, parts.program):
            problems.append(Problem(
                "ASN209", f"product name {_clip(name)!r} carries program "
                          f"{parts.program:05d} but program is {program!r}", at,
                hint="the product name starts with jw + the program number"))
    return problems


def _file_name(data: dict, filename: str, asn_id: str | None) -> list[Problem]:
    base = os.path.basename(filename)
    try:
        parts = naming.parse_asn_filename(base)
    except naming.NamingError as err:
        return [Problem("ASN207", f"file name {_clip(base)!r} breaks the association naming "
                                  f"convention", "",
                        hint=f"{err.part}: expected {_clip(err.expected)}")]
    problems: list[Problem] = []
    found = {"asn_id": parts.acid, "asn_type": parts.asn_type, "version_id": parts.version}
    codes = {"asn_id": "ASN204", "asn_type": "ASN208", "version_id": "ASN218"}
    for field, said in found.items():
        value = data.get(field) if field != "asn_id" else asn_id
        if said is not None and isinstance(value, str) and value and value != said:
            problems.append(Problem(
                codes[field], f"{field} is {_clip(value)!r} but the file name says {said!r}",
                f"/{field}", hint=f"rename the file or fix {field}"))
    program = data.get("program")
    if _program_number(program) not in (None, parts.program):
        problems.append(Problem(
            "ASN209", f"program is {_clip(program)!r} but the file name says "
                      f"{parts.program:05d}", "/program", hint="rename the file or fix program"))
    return problems


def _member_files(products: list, folder: Path) -> list[Problem]:
    problems = []
    for p, _product, m, member in _members(products):
        expname = member.get("expname")
        if not isinstance(expname, str) or not expname or "\0" in expname:
            continue
        try:
            exists = (folder / expname).is_file()
        except (OSError, ValueError):
            exists = False
        if not exists:
            problems.append(Problem(
                "ASN215", f"member file {_clip(expname)!r} not found in {str(folder) or '.'}",
                f"/products/{p}/members/{m}/expname",
                hint="members are looked up beside the association file"))
    return problems


def _basename(name: str) -> str:
    return posixpath.basename(name.replace("\\", "/"))


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _program_number(program: object) -> int | None:
    """The number of a ``program`` field written in ASCII digits (None otherwise: ``²`` is
    a digit to `str.isdigit` but not to `int`). More than 18 significant digits is no
    program a file name can carry (-1), and is never converted: a hostile 5,000-digit value
    would exceed Python's integer-conversion limit."""
    if not isinstance(program, str) or not (program.isascii() and program.isdigit()):
        return None
    digits = program.lstrip("0") or "0"
    return int(digits) if len(digits) <= 18 else -1  # -1: equal to no file-name program
