"""asnatlas: JWST association generator, validator and reference site."""

__version__ = "0.2.0"

#: The version of the JWST calibration software (``jwst``) whose association rules the
#: generator reproduces, file for file.
RULES_VERSION = "3.0.0"

#: Who wrote a file: the ``code_version`` of every association we write, and what
#: ``asnatlas --version`` prints.
CODE_VERSION = f"asnatlas {__version__} (jwst {RULES_VERSION} rules)"
