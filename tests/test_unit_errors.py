"""One exception base: every error asnatlas raises on purpose is an `AsnatlasError`."""

from __future__ import annotations

from asnatlas import samples
from asnatlas.cli import main
from asnatlas.conventions.naming import NamingError, parse_asn_filename
from asnatlas.errors import AsnatlasError, InputError, MemberTypeError
from asnatlas.web.build import BuildError


def test_every_error_has_the_one_base():
    for error in (InputError, MemberTypeError, NamingError, BuildError):
        assert issubclass(error, AsnatlasError), error
    try:
        parse_asn_filename("nothing.json")
    except AsnatlasError as err:
        assert isinstance(err, NamingError) and err.part == "ending"


def test_an_exposure_without_exp_type_is_a_one_line_input_error(tmp_path, capsys):
    # The reference crashes with a traceback (LookupError); we name the pool line.
    lines = [line for line in samples.path("imaging").read_text().splitlines()
             if not line.startswith("#")]
    header = lines[0].split("|")
    row = lines[1].split("|")
    row[[h.lower() for h in header].index("exp_type")] = "null"
    pool = tmp_path / "jw90101_pool.csv"
    pool.write_text("\n".join([lines[0], lines[1], "|".join(row).replace("_uncal", "x_uncal")])
                    + "\n")
    assert main(["generate", str(pool), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{pool}:3:" in err[0] and "column EXP_TYPE" in err[0]
    assert "needs its exposure type" in err[0]
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
