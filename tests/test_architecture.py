"""The layout explains itself only while it holds: dependencies run one way, and no module
grows past what one reader can hold (docs/architecture.md).

    config  ←  programs  ←  feedback  ←  artists  ←  tracker

An app may import from the apps to its left and from itself, never from one to its right.
`config` is wiring and plumbing: its wiring modules (the URL confs, which mount every app's
doors) may import any app; everything else in it imports none.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("config", "programs", "feedback", "artists", "tracker")
# The URL confs mount every app's pages and endpoints: wiring, above everything.
WIRING = {"config/urls.py", "config/api_urls.py"}
MAX_LINES = 500


def python_files(app: str):
    return sorted(path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts)


def imported_apps(path: Path) -> set[tuple[str, int]]:
    """(app, line) for every import of one of our apps in the file, at any depth (a
    function-level import counts: it is a dependency all the same)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update((name.split(".")[0], node.lineno) for name in names if name.split(".")[0] in LAYERS)
    return found


def upward_imports(app: str) -> list[str]:
    allowed = set(LAYERS[: LAYERS.index(app) + 1])
    problems = []
    for path in python_files(app):
        relative = path.relative_to(ROOT).as_posix()
        if relative in WIRING:
            continue
        for imported, line in sorted(imported_apps(path)):
            if imported not in allowed:
                problems.append(f"{relative}:{line} imports {imported}")
    return problems


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_imports_an_app_above_it(app):
    assert upward_imports(app) == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The rule above can fail: a domain module importing the tracker is caught, in a
    function body too."""
    app = tmp_path / "feedback"
    app.mkdir()
    (app / "sneaky.py").write_text("def f():\n    from tracker.metrics import program_metrics\n")
    (app / "fine.py").write_text("from programs.models import Program\nfrom config.forms import submit_form\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert upward_imports("feedback") == ["feedback/sneaky.py:2 imports tracker"]


def test_no_module_is_over_500_lines():
    """Migrations and tests aside."""
    too_long = {
        path.relative_to(ROOT).as_posix(): lines
        for app in (*LAYERS, "benchmarks")
        for path in python_files(app)
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert too_long == {}
