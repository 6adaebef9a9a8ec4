"""asnatlas: JWST association generator, validator and reference site."""

__version__ = "0.1.0"
