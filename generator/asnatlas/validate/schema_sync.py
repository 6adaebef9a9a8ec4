"""Keep the schemas' ``asn_type`` lists equal to the product catalogue.

The schema files are static JSON (the browser validator compiles them as they are), so the
catalogue's association types are written into them rather than read at run time. Run
``python -m asnatlas.validate.schema_sync --write`` after changing the catalogue; the test
suite runs the check and fails while the two disagree.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import resources

from asnatlas.conventions import catalogue
from asnatlas.resources import folder as shipped_folder

#: schema file -> the stage whose association types it lists.
STAGE_OF_SCHEMA = {"asn-level2.schema.json": 2, "asn-level3.schema.json": 3}


def expected_types(stage: int) -> list[str]:
    """The catalogue's ``asn_type`` names for one stage, in catalogue order."""
    return [t.name for t in catalogue.asn_types() if t.stage == stage]


def differences() -> list[str]:
    """One line per schema list that differs from the catalogue (empty when in sync)."""
    found = []
    for name, stage in STAGE_OF_SCHEMA.items():
        schema = _read(name)
        listed = schema["properties"]["asn_type"]["enum"]
        if listed != expected_types(stage):
            found.append(f"{name}: asn_type lists {listed}, catalogue has {expected_types(stage)}")
    return found


def write() -> None:
    """Rewrite the lists in the schema files from the catalogue."""
    for name, stage in STAGE_OF_SCHEMA.items():
        schema = _read(name)
        schema["properties"]["asn_type"]["enum"] = expected_types(stage)
        _write(name, schema)


def _read(name: str) -> dict:
    return json.loads(shipped_folder("schemas").joinpath(name).read_text("utf-8"))


def _write(name: str, schema: dict) -> None:
    path = shipped_folder("schemas").joinpath(name)
    with resources.as_file(path) as real:
        real.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m asnatlas.validate.schema_sync",
        description="Check (default) or rewrite the asn_type lists of the association schemas "
                    "from the product catalogue.",
        epilog="example: python -m asnatlas.validate.schema_sync --write",
    )
    parser.add_argument("--write", action="store_true", help="rewrite the schema files")
    args = parser.parse_args(argv)
    if args.write:
        write()
    problems = differences()
    for line in problems:
        print(line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
