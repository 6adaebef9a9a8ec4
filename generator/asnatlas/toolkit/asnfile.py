"""Reading and writing the association files the toolkit commands work on.

Reading: one-line errors with the file, line and column (the validator's JSON layer finds
them). Writing: the new association is validated first, and written atomically.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from asnatlas import jsonout, safeio
from asnatlas.errors import InputError
from asnatlas.safetext import visible

#: Problems a hand-built association has by design and the reference writes anyway:
#: ``asn_type`` "None" (what asn_from_list writes), members with folders (asn_from_list keeps
#: them), and names that do not follow the archive conventions (user files, user names).
#: Everything else that is an error (wrong types, missing fields, bad exposure types,
#: duplicate members, empty products) stops the write.
TOLERATED: frozenset[str] = frozenset({
    "ASN201", "ASN203", "ASN204", "ASN205", "ASN206", "ASN207", "ASN208", "ASN209",
    "ASN210", "ASN211", "ASN212", "ASN213", "ASN214", "ASN217", "ASN218", "ASN219",
    "ASN220",
})


def dumps(data: dict[str, Any]) -> str:
    """The text of an association, formatted as the reference writes it (indent 4)."""
    return jsonout.dumps(data)


def load(path: str | Path) -> dict[str, Any]:
    """Read one association file; `InputError` (one line) when it is not one."""
    name = visible(str(path))
    try:
        raw = Path(path).read_bytes()
    except IsADirectoryError:
        raise InputError("is a folder, expected an association file", name) from None
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", name) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        from asnatlas.validate import api as validate_api

        problems = [p for p in validate_api.validate_bytes(raw, name)
                    if p.code < "ASN100"] or None
        if problems:
            first = problems[0]
            raise InputError(f"{name}:{first.line}:{first.col}: not valid JSON: "
                             f"{visible(first.message)}") from None
        raise InputError("not valid JSON", name) from None
    shape_error = _shape(data)
    if shape_error:
        raise InputError(f"not an association: {shape_error}", name)
    return data


def _shape(data: Any) -> str | None:
    """What makes ``data`` unusable as an association (products of named members), if any."""
    if not isinstance(data, dict):
        return "expected a JSON object"
    products = data.get("products")
    if not isinstance(products, list):
        return "expected a list at /products"
    for i, product in enumerate(products):
        if not isinstance(product, dict):
            return f"expected an object at /products/{i}"
        if not isinstance(product.get("name"), str):
            return f"expected a string at /products/{i}/name"
        members = product.get("members")
        if not isinstance(members, list):
            return f"expected a list at /products/{i}/members"
        for j, member in enumerate(members):
            where = f"/products/{i}/members/{j}"
            if not isinstance(member, dict):
                return f"expected an object at {where}"
            for key in ("expname", "exptype"):
                if not isinstance(member.get(key), str):
                    return f"expected a string at {where}/{key}"
    for key in ("asn_type", "asn_id"):
        if key in data and not isinstance(data[key], str):
            return f"expected a string at /{key}"
    return None


def blocking_problems(data: dict[str, Any], before: dict[str, Any] | None = None) -> list:
    """The validation errors that stop ``data`` from being written.

    With ``before`` (the association that was edited), only the errors the edit introduced
    count: an edit is not refused for what the file already had.
    """
    # Imported here: reading and comparing associations need no JSON Schema machinery.
    from asnatlas.validate import api as validate_api

    def errors(doc: dict[str, Any]) -> list:
        return [p for p in validate_api.validate_data(doc) if _blocks(p, doc)]

    found = errors(data)
    if before is not None and found:
        old = {(p.code, p.message) for p in errors(before)}
        found = [p for p in found if (p.code, p.message) not in old]
    return found


def _blocks(problem, doc: dict[str, Any]) -> bool:
    """Whether ``problem`` stops a write: an error the toolkit does not tolerate, or an
    exptype no pipeline step knows (a typo in ``-t`` would otherwise be written)."""
    if problem.code == "ASN103":
        return (problem.pointer or "").endswith("/exptype")
    if problem.code == "ASN222":
        # Stage 2 product names keep the members' folders, as jwst writes them; only a
        # name that leaves the working folder (absolute, or through ``..``) is refused.
        name = _at(doc, problem.pointer)
        parts = str(name).replace("\\", "/").split("/")
        return str(name).startswith(("/", "\\")) or ".." in parts
    return problem.severity == "error" and problem.code not in TOLERATED


def _at(doc: Any, pointer: str | None) -> Any:
    """The value at a JSON pointer of ``doc`` (None where there is none)."""
    for part in (pointer or "").split("/")[1:]:
        try:
            doc = doc[int(part)] if isinstance(doc, list) else doc[part]
        except (KeyError, IndexError, ValueError, TypeError):
            return None
    return doc


def write(path: str | Path, data: dict[str, Any], before: dict[str, Any] | None = None) -> None:
    """Validate ``data`` and write it to ``path`` atomically; `InputError` if not valid."""
    problems = blocking_problems(data, before)
    if problems:
        first = problems[0]
        where = f" (at {first.pointer})" if first.pointer else ""
        more = f"; {len(problems) - 1} more" if len(problems) > 1 else ""
        raise InputError(f"the new association would not be valid, nothing written: "
                         f"{first.code} {visible(first.message)}{where}{more}",
                         visible(str(path)))
    write_text(path, dumps(data))


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` atomically (`asnatlas.safeio`), an error as one line."""
    try:
        safeio.write_text_atomic(path, text)
    except OSError as err:
        raise InputError(f"cannot write: {err.strerror or err}", visible(str(path))) from None
