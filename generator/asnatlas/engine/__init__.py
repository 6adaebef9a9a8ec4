"""The association engine: the condition index, the growing association (candidate),
matching a pool against the rules (run), product names and finalisation.

Imports `asnatlas.conventions` and `asnatlas.rules`; never validation, explanation, pages
or the CLI (data flows one way: pool -> engine -> associations -> validation ->
explanation -> pages).
"""
