"""Association file validation: JSON text with positions, the JSON Schemas, semantic
checks, problem codes and report formats.

Imports `asnatlas.conventions` and `asnatlas.safetext` only: a validator needs no pool and
no engine.
"""
