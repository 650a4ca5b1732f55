"""The import graph goes one way: no circle anywhere in app/, and the web process never loads LightFM."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the app modules it imports (``from pkg import sub`` names the submodule, not the package)."""
    modules = {module_name(path): path for path in APP.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([node.module] if node.module else []))
                submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in modules]
                targets = submodules if len(submodules) == len(node.names) else [base, *submodules]
            else:
                continue
            graph[name].update(target for target in targets if target in modules and target != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_in_app():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_below_the_entry_points_imports_them():
    graph = import_graph()
    entry_points = {"app.factory", "app.runner", "app.tasks", "app.commands"} | {name for name in graph if name.startswith("app.commands.")}
    offenders = {
        name: sorted(graph[name] & entry_points)
        for name in graph
        if name not in entry_points and graph[name] & entry_points
    }
    assert offenders == {}


def test_serving_code_never_imports_training_code():
    graph = import_graph()
    offenders = {
        name: sorted(target for target in targets if target.startswith(("app.recommender.training", "app.recommender.offline")))
        for name, targets in graph.items()
        if name.startswith("app.recommender.serving")
    }
    assert {name: targets for name, targets in offenders.items() if targets} == {}


def test_the_web_app_never_imports_lightfm(database_url):
    """Import wsgi and answer /v1/decide and /v1/recommendations in a fresh interpreter: LightFM stays unloaded."""
    script = f"""
import sys
from app.factory import create_app
from app import db
from app.shops import create_shop
app = create_app({{"DATABASE_URL": {database_url!r}, "SECRET_KEY": "x", "TESTING": True}})
import wsgi  # noqa: F401
with app.app_context():
    shop, _ = create_shop(db.session(), "No LightFM", None)
    db.session().commit()
    key = shop.public_key
client = app.test_client()
assert client.get(f"/v1/decide?key={{key}}&visitor_id=v1&page_kind=home").status_code == 200
assert client.get(f"/v1/recommendations?key={{key}}&strategy=personalized&visitor_id=v1").status_code == 200
assert client.get(f"/s/{{key}}.js").status_code == 200
loaded = sorted(name for name in sys.modules if name == "lightfm" or name.startswith("lightfm."))
print(loaded)
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
