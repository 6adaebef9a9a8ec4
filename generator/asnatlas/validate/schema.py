"""Schema checks: load the shipped JSON Schemas once, check fast, explain failures fully.

Two layers, in the order they run:

- ``asn.schema.json`` (`PIPELINE`): what the JWST pipeline needs, as its own schemas
  (jwst 3.0.0) require it. Breaking it is an error (``ASN101``, ``ASN102``, ``ASN105``,
  ``ASN106``): the pipeline would refuse the file or fail on it.
- ``asn-level2.schema.json`` / ``asn-level3.schema.json`` (the ground-system profile, by
  stage): what the ground system (DMS) writes besides. Breaking it is a warning
  (``ASN103``, ``ASN104``, ``ASN111``-``ASN114``), an error with ``--strict``. A profile
  problem at a place where the pipeline layer already reported one is not repeated.

The schema files in ``asnatlas.schemas`` are the single source of truth. Checking a valid
association is the common case, so each schema is compiled here into a small tree of Python
closures (only the keywords our schemas use; an unknown keyword makes compilation fail, so
the fast path cannot silently drift from the files). Only when that fast check fails is
``jsonschema`` imported to list every error with its location.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from functools import cache

from asnatlas.resources import folder as shipped_folder
from asnatlas.validate.problem import Problem, pointer_join

SCHEMA_FILES = ("asn.schema.json", "asn-level2.schema.json", "asn-level3.schema.json")
#: The schema of what the pipeline needs (errors).
PIPELINE = "asn.schema.json"

#: Problem code by failed keyword, per layer ("*": any other keyword).
PIPELINE_CODES = {"required": "ASN101", "type": "ASN102", "anyOf": "ASN102",
                  "minItems": "ASN105", "minLength": "ASN105", "*": "ASN106"}
PROFILE_CODES = {"required": "ASN111", "type": "ASN112", "anyOf": "ASN112", "enum": "ASN103",
                 "pattern": "ASN104", "minItems": "ASN113", "minLength": "ASN113", "*": "ASN114"}

Check = Callable[[object], bool]

_TYPES: dict[str, Callable[[object], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}
_ANNOTATIONS = {"$schema", "$id", "$comment", "$defs", "title", "description", "examples"}


@cache
def load(name: str) -> dict:
    """One schema file, parsed (cached)."""
    text = shipped_folder("schemas").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)


def level2_types() -> list[str]:
    """The Stage 2 ``asn_type`` values, as listed in the Stage 2 schema."""
    return list(load("asn-level2.schema.json")["properties"]["asn_type"]["enum"])


def level3_types() -> list[str]:
    """The Stage 3 ``asn_type`` values, as listed in the Stage 3 schema."""
    return list(load("asn-level3.schema.json")["properties"]["asn_type"]["enum"])


def schema_for(data: object) -> str:
    """The ground-system profile that applies to ``data``: Stage 2 by ``asn_type``, else
    Stage 3 (an unknown ``asn_type`` is reported by the Stage 3 profile's list)."""
    asn_type = data.get("asn_type") if isinstance(data, dict) else None
    if isinstance(asn_type, str) and asn_type in _level2_set():
        return "asn-level2.schema.json"
    return "asn-level3.schema.json"


@cache
def _level2_set() -> frozenset:
    return frozenset(level2_types())


def known_keys(schema_name: str) -> dict[str, list[str]]:
    """Keys each level of an association may hold: ``top``, ``product`` and ``member``."""
    schema = load(schema_name)
    defs = schema["$defs"]
    return {
        "top": list(schema["properties"]),
        "product": list(defs["product"]["properties"]),
        "member": list(defs["member"]["properties"]),
    }


# --- fast path -------------------------------------------------------------------------


@cache
def fast_check(schema_name: str) -> Check:
    """A compiled yes/no check for one schema file."""
    schema = load(schema_name)
    return _compile(schema, schema)


def _compile(node: dict, root: dict) -> Check:
    checks: list[Check] = []
    for keyword, arg in node.items():
        if keyword in _ANNOTATIONS:
            continue
        if keyword == "$ref":
            if not arg.startswith("#/"):
                raise ValueError(f"fast path: only local $ref is supported, not {arg}")
            target = root
            for part in arg[2:].split("/"):
                target = target[part]
            checks.append(_lazy(target, root))
        elif keyword == "type":
            names = [arg] if isinstance(arg, str) else list(arg)
            tests = [_TYPES[n] for n in names]
            checks.append(tests[0] if len(tests) == 1 else _any_of(tests))
        elif keyword == "enum":
            checks.append(_enum(list(arg)))
        elif keyword == "required":
            checks.append(_required(list(arg)))
        elif keyword == "properties":
            checks.append(_properties([(k, _compile(s, root)) for k, s in arg.items()]))
        elif keyword == "items":
            checks.append(_items(_compile(arg, root)))
        elif keyword == "minItems":
            checks.append(lambda v, n=arg: not isinstance(v, list) or len(v) >= n)
        elif keyword == "minLength":
            checks.append(lambda v, n=arg: not isinstance(v, str) or len(v) >= n)
        elif keyword == "pattern":
            search = re.compile(arg).search
            checks.append(lambda v, s=search: not isinstance(v, str) or s(v) is not None)
        elif keyword == "anyOf":
            checks.append(_any_of([_compile(s, root) for s in arg]))
        else:
            raise ValueError(f"fast path: schema keyword {keyword!r} is not supported")
    return _all_of(checks)


# Small closures rather than generic all()/any() over generators: this is the hot path.


def _all_of(checks: list[Check]) -> Check:
    if not checks:
        return lambda v: True
    if len(checks) == 1:
        return checks[0]

    def all_of(value: object) -> bool:
        for check in checks:
            if not check(value):
                return False
        return True

    return all_of


def _any_of(checks: list[Check]) -> Check:
    def any_of(value: object) -> bool:
        for check in checks:
            if check(value):
                return True
        return False

    return any_of


def _enum(allowed: list) -> Check:
    if all(isinstance(a, str) for a in allowed):
        members = frozenset(allowed)
        return lambda v: isinstance(v, str) and v in members
    return lambda v: any(v == a and type(v) is type(a) for a in allowed)


def _required(keys: list[str]) -> Check:
    def required(value: object) -> bool:
        if not isinstance(value, dict):
            return True
        for key in keys:
            if key not in value:
                return False
        return True

    return required


def _properties(props: list[tuple[str, Check]]) -> Check:
    def properties(value: object) -> bool:
        if not isinstance(value, dict):
            return True
        for key, check in props:
            if key in value and not check(value[key]):
                return False
        return True

    return properties


def _items(item: Check) -> Check:
    def items(value: object) -> bool:
        if not isinstance(value, list):
            return True
        for element in value:
            if not item(element):
                return False
        return True

    return items


def _lazy(target: dict, root: dict) -> Check:
    """Compile a ``$ref`` target on first use (allows recursive definitions)."""
    compiled: list[Check] = []

    def check(value: object) -> bool:
        if not compiled:
            compiled.append(_compile(target, root))
        return compiled[0](value)

    return check


# --- full error collection ---------------------------------------------------------------


@cache
def validator(schema_name: str):
    """A ``jsonschema`` validator for one schema file, with all our schemas registered."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    schemas = [load(n) for n in SCHEMA_FILES]
    registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas
    )
    return Draft202012Validator(load(schema_name), registry=registry)


def check(data: object, constants: dict[str, str] | None = None) -> list[Problem]:
    """Schema problems of ``data`` (positions are filled in later from the pointers).
    ``constants``: pointer -> the ``NaN``/``Infinity`` the JSON text had where ``data`` has
    None (named so in the messages, not as null)."""
    named = constants or {}
    problems = _layer(data, PIPELINE, PIPELINE_CODES, named)
    taken = {p.pointer for p in problems}
    problems += [p for p in _layer(data, schema_for(data), PROFILE_CODES, named)
                 if p.pointer not in taken]
    return problems


def _layer(data: object, name: str, codes: dict[str, str],
           constants: dict[str, str]) -> list[Problem]:
    if fast_check(name)(data):
        return []
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    errors = sorted(validator(name).iter_errors(data), key=lambda e: list(map(str, e.path)))
    for error in errors:
        for problem in _explain(error, codes, constants):
            key = (problem.pointer, problem.message)
            if key not in seen:
                seen.add(key)
                problems.append(problem)
    return problems


def _pointer(path) -> str:
    pointer = ""
    for token in path:
        pointer = pointer_join(pointer, token)
    return pointer


def _field(path) -> str:
    """Human name of the field at ``path``: ``products[0].members[1].exptype``."""
    text = ""
    for token in path:
        text += f"[{token}]" if isinstance(token, int) else (f".{token}" if text else token)
    return text or "the file"


def _json_type(value: object) -> str:
    for name in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if _TYPES[name](value):
            return name
    return type(value).__name__


def _explain(error, codes: dict[str, str], constants: dict[str, str]) -> list[Problem]:
    path = list(error.absolute_path)
    pointer, field = _pointer(path), _field(path)
    kind, arg, value = error.validator, error.validator_value, error.instance
    got = (constants.get(pointer) if value is None else None) or _json_type(value)
    code = codes.get(kind, codes["*"])
    hint = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
    if kind == "required":
        missing = [k for k in arg if k not in value]
        where = "the association" if not path else field
        return [
            Problem(code, f"{where} lacks the {_required_word(code)} field {k!r}", pointer,
                    hint=_misspelt(value, k, error.schema) or _describe_required(error.schema, k))
            for k in missing
        ]
    if kind == "type":
        wanted = arg if isinstance(arg, str) else " or ".join(arg)
        if not path:
            return [Problem(code, f"the file must hold a JSON object, not {got}",
                            pointer, hint="an association is one JSON object {...}")]
        return [Problem(code, f"{field} must be {_article(wanted)}, not {got}",
                        pointer, hint=hint)]
    if kind == "enum":
        shown = json.dumps(value) if not isinstance(value, str) else repr(value)
        close = (difflib.get_close_matches(value.lower(), [str(a) for a in arg], n=1)
                 if isinstance(value, str) else [])
        tip = f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(map(str, arg))
        return [Problem(code, f"{field} {_clip(shown)} is not an allowed value", pointer,
                        hint=tip)]
    if kind == "pattern":
        return [Problem(code, f"{field} {_clip(repr(value))} is badly formed", pointer,
                        hint=hint)]
    if kind in ("minItems", "minLength"):
        return [Problem(code, f"{field} is empty", pointer, hint=hint)]
    if kind == "anyOf":
        return [Problem(code, f"{field} must be a string or null, not {got}",
                        pointer, hint=hint)]
    return [Problem(code, f"{field}: {_clip(error.message)}", pointer, hint=hint)]


def _required_word(code: str) -> str:
    return "required" if code == "ASN101" else "ground-system"


def _misspelt(obj: dict, key: str, schema: dict) -> str:
    """A hint naming an unknown key of ``obj`` that looks like the missing ``key``."""
    known = schema.get("properties", {})
    strays = [k for k in obj if isinstance(k, str) and k not in known]
    close = difflib.get_close_matches(key, strays, n=1, cutoff=0.6)
    return f"is {_clip(close[0])!r} a misspelling of {key!r}?" if close else ""


def _describe_required(schema: dict, key: str) -> str:
    sub = schema.get("properties", {}).get(key, {})
    return sub.get("description", "") if isinstance(sub, dict) else ""


def _article(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
