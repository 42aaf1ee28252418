"""Imports go one way: core at the bottom, the content apps above it, search beside them, alerts and network on top.

Read from the source (every `import` and `from … import`, at any depth of a module, migrations included), so a
function-local import counts as much as one at the top. See "Where things live" in the README.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = {"core", "municipalities", "experiments", "knowledge", "search", "alerts", "network", "config"}

# What each package may import of the others ("search.registry" allows that module and nothing else of search).
ALLOWED = {
    "core": set(),
    "search": {"core"},
    "municipalities": {"core", "search.registry"},
    "experiments": {"core", "municipalities", "search.registry"},
    "knowledge": {"core", "municipalities", "experiments", "search.registry"},
    # Saved searches, follows and e-mail alerts span the content apps and search.
    "alerts": {"core", "municipalities", "experiments", "knowledge", "search"},
    "network": {"core", "municipalities", "experiments", "knowledge", "search", "alerts"},
    "config": {"core", "municipalities", "experiments", "knowledge", "search", "alerts", "network"},
}


def imported_modules(path: Path, root: Path = ROOT) -> set[str]:
    """Every module `path` imports, relative imports resolved against its package."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = path.relative_to(root).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            # `from search import registry` imports search.registry
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def allowed(importer: str, module: str) -> bool:
    top = module.split(".")[0]
    if top not in PROJECT_PACKAGES or top == importer:
        return True
    return any(module == rule or module.startswith(rule + ".") for rule in ALLOWED[importer]) or (
        # `from search import registry` names the package "search" too; only the module itself is checked.
        any(rule.startswith(module + ".") for rule in ALLOWED[importer])
    )


def project_modules():
    for package in sorted(PROJECT_PACKAGES):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "tests" not in path.relative_to(ROOT).parts:
                yield package, path


def forbidden_edges() -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {module}"
        for package, path in project_modules()
        for module in sorted(imported_modules(path))
        if not allowed(package, module)
    ]


def test_imports_go_one_way():
    assert forbidden_edges() == []


@pytest.mark.parametrize(
    ("package", "module"),
    [
        ("core", "municipalities.models"),
        ("municipalities", "experiments.models"),
        ("municipalities", "knowledge"),
        ("experiments", "knowledge.models"),
        ("search", "experiments.references"),
        ("search", "municipalities.models"),
        ("experiments", "search.engines.postgres"),
        ("knowledge", "network.setup"),
        ("experiments", "config.settings"),
    ],
)
def test_an_upward_import_is_refused(package, module):
    assert not allowed(package, module)


def test_the_checker_reads_local_and_relative_imports(tmp_path):
    package = tmp_path / "municipalities"
    package.mkdir()
    module = package / "models.py"
    module.write_text("def f():\n    from experiments.models import ExperimentPage\n\nfrom . import network\n")
    assert {"experiments.models", "municipalities.network"} <= imported_modules(module, root=tmp_path)
