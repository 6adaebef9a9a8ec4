"""JWST facts with no engine in them: the pool's vocabulary (exposure types, candidate
types), pipeline suffixes, the product and association-type catalogue, and file naming.

Imports nothing else of asnatlas: every other package may import from here.
"""
