"""The package's structure: no import cycles, stages import only earlier stages, light entry points.

Imports are read from the source (every `import`, at module level or inside a function, except
those under `if TYPE_CHECKING:`), so a cycle hidden in a function body counts too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "clientlens"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The clientlens modules `path` imports (a name imported from a package that is itself a
    module counts as that module)."""
    out: set[str] = set()
    for node in _runtime_imports(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name in modules)
            continue
        if node.level:
            raise AssertionError(f"{path}: relative import; clientlens imports are absolute")
        base = node.module or ""
        if base not in modules:
            continue
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            out.add(sub if sub in modules else base)
    return out


def graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(paths)
    return {m: imports_of(p, modules) - {m} for m, p in paths.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in sorted(edges):
        if v not in index:
            connect(v)
    return found


def test_the_checker_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    assert cycles(graph()) == []


#: Layers of the data flow, first to last; a module may import its own layer and earlier ones.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("clientlens._version", "clientlens.errors", "clientlens.resources", "clientlens.taxonomy",
     "clientlens.records", "clientlens.lang", "clientlens.schema"),
    ("clientlens.io", "clientlens.options", "clientlens.roles"),
    ("clientlens.text",),
    ("clientlens.lexicon",),
    ("clientlens.context",),
    ("clientlens.classifier.features",),
    ("clientlens.classifier.model", "clientlens.classifier"),
    ("clientlens.index",),
    ("clientlens.assemble", "clientlens.report", "clientlens.balance", "clientlens.behaviours"),
    ("clientlens.pipeline", "clientlens.redact"),
    ("clientlens.views", "clientlens.team", "clientlens.comparison", "clientlens.batch", "clientlens.manifest",
     "clientlens.spacy", "clientlens.classifier.training",
     "clientlens.validation"),
    ("clientlens.service",),
    ("clientlens.cli", "clientlens.__main__", "clientlens"),
)


def layer_of(module: str) -> int:
    best, depth = -1, -1
    for n, layer in enumerate(LAYERS):
        for prefix in layer:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > depth:
                best, depth = n, len(prefix)
    assert best >= 0, f"{module} belongs to no layer of the data flow: add it to LAYERS and docs/architecture.md"
    return best


#: The one allowed look forward: the Report's display methods (summary, to_html, _repr_html_,
#: frames) call the views inside the method, and the views import Report for typing only.
DISPLAY_METHODS = {("clientlens.report", "clientlens.views")}


def test_stages_import_only_earlier_stages() -> None:
    late = [(m, d) for m, deps in graph().items() for d in deps
            if layer_of(d) > layer_of(m) and (m, d.rpartition(".")[0]) not in DISPLAY_METHODS]
    assert late == []


@pytest.mark.parametrize("module", ["clientlens", "clientlens.errors", "clientlens.cli", "clientlens.taxonomy"])
def test_light_modules_load_neither_spacy_nor_sklearn(module: str) -> None:
    code = f"import sys, {module}; print(sorted(m for m in ('spacy', 'sklearn') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_public_names_resolve_lazily() -> None:
    import clientlens

    for name in clientlens.__all__:
        assert getattr(clientlens, name) is not None
    with pytest.raises(AttributeError):
        clientlens.no_such_name  # noqa: B018
