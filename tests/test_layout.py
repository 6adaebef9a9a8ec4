"""The source layout: `generator/` is a plain source root of the `asnatlas` package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_package_imports_from_a_plain_checkout_without_installing():
    # -S: no site-packages, so no editable-install hook can resolve the import for us.
    code = (
        "import sys; sys.path.insert(0, 'generator'); import asnatlas.cli, asnatlas.resources;"
        "from pathlib import Path;"
        "print(Path(asnatlas.__file__).resolve().parent);"
        "print(Path(str(asnatlas.resources.folder('schemas'))).resolve())"
    )
    result = subprocess.run([sys.executable, "-S", "-c", code], cwd=REPO, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    package, schemas = result.stdout.split()
    assert Path(package) == REPO / "generator" / "asnatlas"
    assert Path(schemas) == REPO / "schemas"
    assert (Path(schemas) / "asn.schema.json").is_file()


# --- imports follow the data flow; no private name crosses a package -----------------------

import ast  # noqa: E402

PACKAGE = REPO / "generator" / "asnatlas"

#: package -> packages it must not import (data flows pool -> engine -> associations ->
#: validation -> explanation -> pages; the CLI sits on top).
FORBIDDEN: dict[str, set[str]] = {
    "validate": {"engine", "explain", "web", "cli", "generate"},
    "engine": {"validate", "explain", "web", "cli", "generate"},
    "rules": {"engine", "validate", "explain", "web", "cli", "generate"},
    "explain": {"web", "cli"},
    "pool": {"engine", "validate", "explain", "web", "cli", "generate", "toolkit"},
    "toolkit": {"engine", "explain", "web", "cli", "generate"},
    "web": {"cli"},
    # Forked workers know nothing of what they run.
    "forked": {"conventions", "rules", "engine", "pool", "model", "generate", "validate",
               "explain", "toolkit", "web", "cli"},
}
#: `asnatlas.errors` imports nothing, so even the conventions may use the one exception base.
CONVENTIONS_MAY_IMPORT = {"conventions", "errors"}


def _unit(module: str) -> str:
    """The package a module belongs to: ``asnatlas.engine.run`` -> ``engine``;
    a top-level module is its own (``asnatlas.generate`` -> ``generate``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path):
    """(line, imported module, imported name or None) for every asnatlas import, and
    (line, module, attribute) for private attributes read from an imported module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("asnatlas"):
                    yield node.lineno, alias.name, None
                    aliases[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            if not base.startswith("asnatlas"):
                continue
            for alias in node.names:
                yield node.lineno, base, alias.name
                # `from asnatlas.rules import constraints` binds a module.
                if (PACKAGE.parent / base.replace(".", "/") / f"{alias.name}.py").is_file() or (
                        PACKAGE.parent / base.replace(".", "/") / alias.name).is_dir():
                    aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in aliases and node.attr.startswith("_")
                and not node.attr.startswith("__")):
            yield node.lineno, aliases[node.value.id], node.attr


def _violations() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        unit = _unit(module)
        for line, imported, name in _imports(path):
            target = _unit(imported)
            if name is not None and (PACKAGE.parent / imported.replace(".", "/") / f"{name}.py"
                                     ).is_file():
                target = _unit(f"{imported}.{name}")
            where = f"{path.relative_to(PACKAGE.parent)}:{line}: {module} imports {imported}"
            if name:
                where += f".{name}"
            if target == unit or not target:
                continue
            if name and name.startswith("_") and not name.startswith("__"):
                found.append(f"{where}: a private name of another package")
            if unit == "conventions" and target not in CONVENTIONS_MAY_IMPORT:
                found.append(f"{where}: the conventions import nothing of asnatlas")
            if target in FORBIDDEN.get(unit, ()):
                found.append(f"{where}: against the data flow ({unit} -> {target})")
            if target == "cli" and unit not in ("cli", "__main__"):
                found.append(f"{where}: nothing imports the CLI")
    return found


def test_imports_follow_the_data_flow_and_keep_private_names_private():
    assert _violations() == []


def test_the_import_check_catches_what_it_should(tmp_path, monkeypatch):
    # The checker itself: a fake package with each kind of mistake.
    fake = tmp_path / "asnatlas"
    for sub in ("conventions", "engine", "explain", "cli"):
        (fake / sub).mkdir(parents=True)
        (fake / sub / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    (fake / "explain" / "x.py").write_text("from asnatlas.engine.run import _private\n")
    (fake / "conventions" / "y.py").write_text("import asnatlas.engine\n")
    (fake / "engine" / "z.py").write_text("from asnatlas.explain import x\n"
                                          "from asnatlas.cli import main\n")
    (fake / "engine" / "run.py").write_text("")
    (fake / "explain" / "w.py").write_text("from asnatlas.engine import run\nrun._private\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    found = "\n".join(_violations())
    assert "a private name of another package" in found
    assert "the conventions import nothing" in found
    assert "against the data flow (engine -> explain)" in found
    assert "nothing imports the CLI" in found
    assert "asnatlas.explain.w imports asnatlas.engine.run._private" in found


def test_each_package_has_a_small_public_surface_and_says_what_it_may_import():
    import importlib

    for package in ("conventions", "rules", "engine", "validate", "explain", "web"):
        module = importlib.import_module(f"asnatlas.{package}")
        assert module.__all__, package
        for name in module.__all__:
            assert not name.startswith("_") and hasattr(module, name), (package, name)
        assert "Imports" in module.__doc__ or "may import" in module.__doc__, package


def test_every_package_of_the_source_tree_is_shipped():
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    shipped = set(config["tool"]["setuptools"]["packages"])
    source = REPO / "generator"
    packages = {init.parent.relative_to(source).as_posix().replace("/", ".")
                for init in source.rglob("__init__.py")}
    assert packages <= shipped, f"not shipped by pyproject.toml: {sorted(packages - shipped)}"
