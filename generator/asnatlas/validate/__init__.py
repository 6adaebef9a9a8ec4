"""Association file validation: JSON text with positions (`jsontext`), the JSON Schemas
(`schema`, kept in step with the catalogue by `schema_sync`), semantic checks (`semantic`),
problem codes (`codes`), problems (`problem`) and report formats (`report`); `api` ties
them together.

Imports `asnatlas.conventions`, `asnatlas.resources` and `asnatlas.safetext` only: a
validator needs no pool and no engine.
"""

from asnatlas.validate.api import (
    is_valid,
    validate_bytes,
    validate_data,
    validate_path,
    validate_text,
)
from asnatlas.validate.codes import ERROR, WARNING, Code, table
from asnatlas.validate.problem import Problem
from asnatlas.validate.semantic import stage2_inputs, suffix_stages

__all__ = [
    "ERROR", "WARNING", "Code", "Problem", "is_valid", "stage2_inputs", "suffix_stages",
    "table", "validate_bytes", "validate_data", "validate_path", "validate_text",
]
