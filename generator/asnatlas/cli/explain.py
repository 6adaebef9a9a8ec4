"""`asnatlas explain`: why an exposure is in the associations it is in, and not in others."""

from __future__ import annotations

import argparse
import difflib

from asnatlas import jsonout
from asnatlas.errors import InputError
from asnatlas.safetext import visible

HELP = "say why exposures are, or are not, in each association"
EXAMPLE = "asnatlas explain jw01234_pool.csv FILENAME    why an exposure is where it is"

DESCRIPTION = """\
Generate the associations of a pool (as `asnatlas generate` does, every candidate then
discovery), then explain, for each exposure asked about: the associations it joined and
the member type it got there, and, for every rule that could plausibly have taken it,
the first condition that rejected it, with the values compared. A rule that accepted the
exposure but wrote no association with it says what became of that association (dropped
at finalisation, invalid, a duplicate of another).

Name exposures by file name or by a prefix (all matching rows are explained). With none
named, every orphan (an exposure in no association) is explained.
"""

EPILOG = """\
examples:
  asnatlas explain jw01234_pool.csv
      why each orphan of the pool is in no association
  asnatlas explain jw01234_pool.csv jw01234001001_02101_00001
      every exposure whose file name starts with that prefix (all detectors)
  asnatlas explain jw01234_pool.csv jw01234001001_02101_00001_nrca1_uncal.fits --rule Asn_Lv3Image
      only what the Stage 3 imaging rule made of it
  asnatlas explain --sample imaging --all --format json > why.json
      every exposure of a built-in sample, as JSON

Text output lists, per exposure, "joined" lines (association, rule, member type) and
"not taken by" lines, one per rule and reason. JSON output: {"pool": NAME, "exposures":
[{"index", "line", "filename", "exp_type", "orphan", "notes", "joined": [{"rule",
"asn_type", "association", "candidate", "product", "exptype"}], "rejected": [{"rule",
"asn_type", "kind", "reason", "condition", "expected", "actual", "candidate",
"association"}]}]}; kind is start, join, dropped or order (see the README).
"""


def add_parser(subparsers) -> argparse.ArgumentParser:
    from asnatlas.cli import add_jobs_argument, add_pool_arguments

    parser = subparsers.add_parser(
        "explain", help=HELP, description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("pool", nargs="?", help="association pool file")
    parser.add_argument("exposures", nargs="*", metavar="EXPOSURE",
                        help="file name or file-name prefix of an exposure (default: orphans)")
    parser.add_argument("--sample", metavar="NAME",
                        help="use a built-in sample pool instead of a file")
    parser.add_argument("--all", action="store_true", dest="every",
                        help="explain every exposure of the pool, not only the orphans")
    parser.add_argument("--rule", metavar="RULE",
                        help="only this rule (e.g. Asn_Lv3Image)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")
    add_jobs_argument(parser, "a large pool's associations are generated and its exposures "
                              "explained by forked workers side by side (the same output)")
    add_pool_arguments(parser)
    return parser


def _pool_path(args) -> str:
    from asnatlas.cli import sample_path

    if args.sample:
        if args.pool:
            # With --sample, every positional names an exposure.
            args.exposures = [args.pool, *args.exposures]
        return sample_path(args.sample)
    if not args.pool:
        raise InputError("no pool given: asnatlas explain POOL [EXPOSURE...] (or --sample NAME)")
    return args.pool


def select_rows(pool, names: list[str]) -> list[int]:
    """Row indices for exposure names (exact file names or prefixes), in pool order.

    An unknown name raises `InputError` listing the closest file names.
    """
    filenames = [row.get("filename", "") for row in pool.rows]
    chosen: set[int] = set()
    for name in names:
        wanted = name.strip().lower()
        exact = {i for i, f in enumerate(filenames) if f == wanted}
        matches = exact or {i for i, f in enumerate(filenames) if wanted and f.startswith(wanted)}
        if not matches:
            raise InputError(_unknown(name, wanted, filenames), pool.path)
        chosen |= matches
    return sorted(chosen)


def _unknown(name: str, wanted: str, filenames: list[str]) -> str:
    names = sorted(set(filenames))
    close = difflib.get_close_matches(wanted, names, n=5, cutoff=0.6)
    # A prefix is compared with the file names cut to its length (typos in a prefix).
    prefixes: dict[str, str] = {}
    for filename in names:
        prefixes.setdefault(filename[:len(wanted)], filename)
    for prefix in difflib.get_close_matches(wanted, list(prefixes), n=5, cutoff=0.6):
        if prefixes[prefix] not in close:
            close.append(prefixes[prefix])
    hint = "; closest: " + ", ".join(close[:5]) if close else ""
    return f"no exposure named {name!r} or starting with it in the pool{hint}"


def _rule_name(rule: str | None) -> str | None:
    if rule is None:
        return None
    from asnatlas.explain.explainer import rule_names

    names = rule_names()
    for name in names:
        if name.lower() == rule.lower() or name.lower() == f"asn_{rule.lower()}":
            return name
    raise InputError(f"no rule {rule!r}; rules: " + ", ".join(names))


def run(args) -> int:
    from asnatlas.cli import read_pool_from_args
    from asnatlas.explain.explainer import explain_pool
    from asnatlas.generate import generate

    path = _pool_path(args)
    rule = _rule_name(args.rule)
    pool = read_pool_from_args(path, args)
    rows = select_rows(pool, args.exposures) if args.exposures else None
    generated = generate(pool, jobs=args.jobs)
    if rows is None:
        rows = list(range(len(pool.rows))) if args.every else list(generated.orphans)
    # Each explanation is put in its output form by the process that makes it.
    shaped = explain_pool(pool, generated, rows, rule, jobs=args.jobs,
                          then=_as_dict if args.format == "json" else format_text)
    if args.format == "json":
        data = {"pool": pool.name, "exposures": shaped}
        # Same text as json.dumps(data, indent=2), several times faster (asnatlas.jsonout).
        print(jsonout.dumps(data, indent=2))
        return 0
    if not shaped:
        print(f"{visible(pool.name)}: no orphans, every exposure is in an association "
              "(name exposures, or --all, to explain them)")
        return 0
    print("\n\n".join(shaped))
    return 0


def _as_dict(explanation) -> dict:
    return explanation.to_dict()


def _joined_line(j) -> str:
    return f"    {j.association}  {j.rule} ({j.asn_type}) as {j.exptype}"


def format_text(exp) -> str:
    """One exposure's explanation as indented text.

    Each line quotes pool values: it is made `visible` before the lines are joined, so a
    value can neither add a line nor send a terminal escape sequence.
    """
    where = f"line {exp.line}, " if exp.line is not None else ""
    lines = [f"{exp.filename}  ({where}EXP_TYPE {exp.exp_type})"]
    lines += [f"  note: {note}" for note in exp.notes]
    if exp.not_exposure is not None:
        lines.append(f"  not an exposure: {exp.not_exposure}")
    elif exp.joined:
        lines.append("  joined:")
        lines += [_joined_line(j) for j in exp.joined]
    elif exp.joined_other_rules:
        rule = exp.rejected[0].rule if exp.rejected else "that rule"
        lines.append(f"  joined no {rule} association; it is in these of other rules:")
        lines += [_joined_line(j) for j in exp.joined_other_rules]
    else:
        lines.append("  orphan: in no association")
    if exp.rejected:
        lines.append("  not taken by:")
        for r in exp.rejected:
            context = "discovery" if r.candidate == "discovery" else f"candidate {r.candidate}"
            extra = f"; {r.association}" if r.association else ""
            lines.append(f"    - {r.reason}  [{r.kind}, {context}{extra}]")
    return "\n".join(visible(line) for line in lines)
