"""Association file validation: JSON text with positions, the JSON Schemas, semantic
checks, problem codes and report formats.

Imports `asnatlas.conventions` only: a validator needs no pool and no engine.
"""
