"""The architecture as a test: each app is used through its public surface only, ``cases``
knows no domain app, the engine stays pure and ``core`` depends on no app.

Read from the source (``ast``), imports inside functions included; tests and migrations are
not application code and are left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import trantib

ROOT = Path(trantib.__file__).parent

# The modules another app may import from an app. Everything else is the app's own business
# (``cases.services.flow``, ``complaints.open311.render``, ``cases.templatetags``…).
PUBLIC_MODULES = {
    "models",
    "services",
    "selectors",
    "apis",
    "schemas",
    "panels",
    "cli",
    "tasks",
    "urls",
    "registry",  # sops: the library of SOP files
    "middleware",  # web: request.person, the language
    "types",  # api: the shared input types and error answers
}
# Shared machinery, used module by module: every module not named with a "_" is public.
LIBRARIES = {"core", "engine"}
# What cases may build on. Every other app (complaints, letters, enforcement, patrols, reports,
# the demo…) is built on cases and registers panels and hooks instead of being imported.
CASES_MAY_IMPORT = {"cases", "accounts", "api", "core", "engine", "sops"}
ENGINE_MAY_IMPORT = {"trantib.core.text"}  # pure Python, as the engine


@dataclass(frozen=True)
class Import:
    source: str  # "trantib/complaints/services.py:37"
    app: str
    target: str  # "trantib.cases.services.flow.case_lock" (the name may be part of it)


def _modules() -> Iterator[tuple[Path, str]]:
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path, ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> Iterator[Import]:
    for path, module in _modules():
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        app = module.split(".")[1] if "." in module else ""
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    name = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    name = node.module or ""
                targets = [f"{name}.{alias.name}" for alias in node.names]
            where = f"{path.relative_to(ROOT.parent)}:{getattr(node, 'lineno', 0)}"
            for target in targets:
                if target.startswith("trantib."):
                    yield Import(where, app, target)


def _module_exists(dotted: str) -> bool:
    path = ROOT.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _private_part(target: str) -> str | None:
    """The private module an import reaches into, or None when it stays on the surface."""
    parts = target.split(".")
    app = parts[1]
    # The longest prefix that is a module: what is actually imported from.
    module = next(
        ".".join(parts[:n]) for n in range(len(parts), 1, -1) if _module_exists(".".join(parts[:n]))
    )
    inner = module.split(".")[2:]
    if not inner:
        return None  # the app's package itself
    if app in LIBRARIES:
        return module if any(p.startswith("_") for p in inner) else None
    if len(inner) == 1 and inner[0] in PUBLIC_MODULES:
        return None
    return module


def test_no_app_imports_another_apps_private_module() -> None:
    offences = [
        f"{i.source}: {i.app} imports {private}"
        for i in _imports()
        if i.target.split(".")[1] != i.app and (private := _private_part(i.target))
    ]
    assert offences == []


def test_cases_imports_no_domain_app() -> None:
    offences = [
        f"{i.source}: {i.target}"
        for i in _imports()
        if i.app == "cases" and i.target.split(".")[1] not in CASES_MAY_IMPORT
    ]
    assert offences == []


def test_the_graph_is_read_at_all() -> None:
    """Guards the rules above against passing on an empty graph: known imports are found,
    relative and inside functions alike."""
    found = {(i.app, i.target) for i in _imports()}
    assert ("cases", "trantib.cases.services.flow.case_lock") in found  # relative, same app
    assert ("complaints", "trantib.cases.panels.case_panel_register") in found  # in ready()
    assert len(found) > 500


def test_the_engine_imports_no_other_app_and_core_no_app() -> None:
    engine = [
        f"{i.source}: {i.target}"
        for i in _imports()
        if i.app == "engine"
        and i.target.split(".")[1] != "engine"
        and not any(i.target.startswith(m) for m in ENGINE_MAY_IMPORT)
    ]
    core = [
        f"{i.source}: {i.target}"
        for i in _imports()
        if i.app == "core" and i.target.split(".")[1] not in ("core", "engine")
    ]
    assert engine == [] and core == []


def test_the_check_sees_a_private_import() -> None:
    """The rule itself: a reach into ``cases.services.flow`` or a templatetag is private."""
    assert _private_part("trantib.cases.services.flow.case_lock") == "trantib.cases.services.flow"
    assert _private_part("trantib.cases.templatetags.cases.at_unit") == (
        "trantib.cases.templatetags.cases"
    )
    assert _private_part("trantib.cases.services.case_lock") is None
    assert _private_part("trantib.core.audit.audit_record") is None
    assert _private_part("trantib.cases") is None
