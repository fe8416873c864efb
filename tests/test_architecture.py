"""The import rules of docs/architecture.md: entry points, then adapters, then the core.

Every ``import`` of every module is read from its source (function-level imports too),
so a lazy import cannot hide a wrong dependency.
"""

import ast
from pathlib import Path

import pytest

from partnerdesk.core.paths import PROJECT_ROOT

CORE = ("partnerdesk.core",)
ADAPTERS = (
    "partnerdesk.nlu",
    "partnerdesk.stores",
    "partnerdesk.dialogue",
    "partnerdesk.assist",
    "partnerdesk.report",
    "partnerdesk.generate",
    "partnerdesk.rasa_patches",
    "partnerdesk.handoff",
)
ENTRY_POINTS = (
    "partnerdesk.channels",
    "partnerdesk.web",
    "partnerdesk.tools",
    "partnerdesk.cli",
    "actions",
)
# What the core must never import: Rasa, its servers and its heavy libraries.
NOT_IN_CORE = (
    "rasa",
    "rasa_sdk",
    "sanic",
    "sanic_cors",
    "tensorflow",
    "socketio",
    "engineio",
    "sqlalchemy",
    "sklearn",
    "slack_sdk",
    "aiohttp",
    "requests",
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules():
    for root in ("partnerdesk", "actions"):
        for path in sorted((PROJECT_ROOT / root).rglob("*.py")):
            yield _module_name(path), path


def _imports(name: str, path: Path):
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                yield ".".join([*base, node.module] if node.module else base)
            else:
                yield node.module


def _within(name: str, prefixes) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def _layer(name: str) -> str:
    if _within(name, CORE):
        return "core"
    if _within(name, ADAPTERS):
        return "adapter"
    if _within(name, ENTRY_POINTS):
        return "entry point"
    return "outside"


def test_every_module_belongs_to_a_layer():
    assert [
        name for name, _ in _modules() if _layer(name) == "outside" and name != "partnerdesk"
    ] == []


def violations():
    found = []
    for name, path in _modules():
        layer = _layer(name)
        for imported in _imports(name, path):
            target = _layer(imported)
            if layer == "core" and (
                (target != "core" and _within(imported, ("partnerdesk", "actions")))
                or _within(imported, NOT_IN_CORE)
            ):
                found.append(f"{name} (core) imports {imported}")
            elif layer == "adapter" and target == "entry point":
                found.append(f"{name} (adapter) imports the entry point {imported}")
            elif layer == "entry point" and target == "entry point":
                own = next(prefix for prefix in ENTRY_POINTS if _within(name, (prefix,)))
                if not _within(imported, (own,)):
                    found.append(f"{name} (entry point) imports another entry point, {imported}")
    return found


def test_dependencies_point_from_entry_points_to_adapters_to_the_core():
    assert violations() == []


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("partnerdesk.core.x", "import rasa.core", "partnerdesk.core.x (core) imports rasa.core"),
        (
            "partnerdesk.core.x",
            "def f():\n    from sanic import response",
            "partnerdesk.core.x (core) imports sanic",
        ),
        (
            "partnerdesk.core.x",
            "from partnerdesk.stores import tracker_db",
            "partnerdesk.core.x (core) imports partnerdesk.stores",
        ),
        (
            "partnerdesk.stores.x",
            "from partnerdesk.channels.rest import X",
            "partnerdesk.stores.x (adapter) imports the entry point partnerdesk.channels.rest",
        ),
        (
            "actions.x",
            "from partnerdesk.channels import rest",
            "actions.x (entry point) imports another entry point, partnerdesk.channels",
        ),
    ],
)
def test_the_check_notices_a_wrong_import(monkeypatch, tmp_path, module, source, expected):
    fake = tmp_path / "fake.py"
    fake.write_text(source)
    monkeypatch.setattr(f"{__name__}._modules", lambda: iter([(module, fake)]))
    assert violations() == [expected]


def test_every_package_says_in_one_line_what_lives_there():
    missing = []
    for init in sorted((PROJECT_ROOT / "partnerdesk").rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        if not doc:
            missing.append(str(init.relative_to(PROJECT_ROOT)))
    assert missing == []


def test_no_module_is_longer_than_one_sitting():
    long = [
        f"{name}: {len(path.read_text(encoding='utf-8').splitlines())} lines"
        for name, path in _modules()
        if len(path.read_text(encoding="utf-8").splitlines()) > 320
    ]
    assert long == []
