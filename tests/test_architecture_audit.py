"""Every service that writes an audit line has a test that asserts that line.

The services modules (`<app>/services.py`, `<app>/services/*.py`) are read with `ast`. A service is a public
function of such a module (of a services package: one its `__init__` exports). It writes the action codes of
the `record_event` (or `record_read`/`record_reads`) calls in its body and in the helpers of its services it
calls (not in other services: they are checked on their own). Some test file must name the service (itself,
or through its conftest.py fixtures or a tests helper module it imports) and call `tests.audit.assert_audited`
with each of those codes. A new service, or a new audit line in an old one, without such a test fails here
with the list of what is missing.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
APPS = ("portal", "counselling", "referrals", "jobfairs", "reports", "cms")
AUDIT_CALLS = frozenset({"record_event", "record_read", "record_reads"})
READ_DEFAULT = "<app>.<model>.viewed"  # record_read without an action: the code depends on the target's model


def service_modules() -> list[Path]:
    """Every services module of the apps (cms.returnees included): found, not listed, so new ones count."""
    paths: set[Path] = set()
    for app in APPS:
        paths.update(path for path in (ROOT / app).rglob("services.py") if "migrations" not in path.parts)
        paths.update(path for path in (ROOT / app).rglob("services/*.py") if "migrations" not in path.parts)
    return sorted(paths)


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


@dataclass(eq=False)  # hashed by identity: one per function found
class Function:
    module: str  # dotted, e.g. "jobfairs.services.fairs"
    package: str  # the services package or module its private helpers are looked up in
    name: str
    line: int
    public: bool  # a service (checked) rather than a helper (followed into)
    codes: set[str] = field(default_factory=set)  # written here; "*" in a code from an f-string
    calls: set[str] = field(default_factory=set)


def _codes(expr: ast.expr, module: str, path: str, line: int) -> set[str]:
    """The action codes an `action=` argument can take: literals, both arms of `a if c else b`, f-strings (as
    patterns) and names or attributes (a constant, an enum member) evaluated in the module."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        return _codes(expr.body, module, path, line) | _codes(expr.orelse, module, path, line)
    if isinstance(expr, ast.JoinedStr):
        return {"".join(str(part.value) if isinstance(part, ast.Constant) else "*" for part in expr.values)}
    if isinstance(expr, ast.Name | ast.Attribute):
        value = eval(ast.unparse(expr), vars(importlib.import_module(module)))  # noqa: S307 (our own source)
        value = getattr(value, "value", value)
        if isinstance(value, str):
            return {value}
    raise AssertionError(f"{path}:{line}: cannot read the audit action code {ast.unparse(expr)!r}; use a literal")


def _exported(init: Path) -> set[str]:
    """The names a services package's `__init__` imports or lists in `__all__`: its public API."""
    if not init.is_file():
        return set()
    tree = ast.parse(init.read_text(encoding="utf-8"))
    names = {
        alias.asname or alias.name for node in tree.body if isinstance(node, ast.ImportFrom) for alias in node.names
    }
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            names |= {
                e.value
                for e in getattr(node.value, "elts", [])
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            }
    return names


def read_services(paths: Iterable[Path], root: Path = ROOT) -> dict[tuple[str, str], Function]:
    """The module-level functions of the services modules, keyed by (package, name)."""
    functions: dict[tuple[str, str], Function] = {}
    for path in paths:
        relative = path.relative_to(root)
        module = ".".join(relative.with_suffix("").parts)
        in_package = relative.parent.name == "services"
        package = module.rsplit(".", 1)[0] if in_package else module
        exported = _exported(path.parent / "__init__.py") if in_package else set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            public = node.name in exported if in_package else not node.name.startswith("_")
            function = Function(module=module, package=package, name=node.name, line=node.lineno, public=public)
            for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
                name = _called_name(call)
                if name in AUDIT_CALLS:
                    action = next((k.value for k in call.keywords if k.arg == "action"), None)
                    function.codes |= (
                        _codes(action, module, str(relative), call.lineno) if action is not None else {READ_DEFAULT}
                    )
                elif name is not None:
                    function.calls.add(name)
            functions[(package, node.name)] = function
    return functions


def audited_services(functions: dict[tuple[str, str], Function]) -> dict[Function, set[str]]:
    """Each service that writes audit lines, with the codes it writes itself or through the helpers of its
    package (the services it calls are checked on their own)."""

    def codes(function: Function, seen: frozenset[str]) -> set[str]:
        found = set(function.codes)
        for name in function.calls:
            helper = functions.get((function.package, name))
            if helper is not None and not helper.public and name not in seen:
                found |= codes(helper, seen | {name})
        return found

    result: dict[Function, set[str]] = {}
    for function in functions.values():
        if function.public and (written := codes(function, frozenset({function.name}))):
            result[function] = written
    return result


@dataclass(frozen=True)
class ScannedTests:
    path: str
    names: frozenset[str]  # every name and attribute the file mentions
    asserted: frozenset[str]  # the action codes it passes to assert_audited


def _imported(tree: ast.Module) -> dict[str, str]:
    """What each name the file imports stands for, dotted: ``{"PortalAudit": "portal.audit.PortalAudit"}``."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.update({alias.asname or alias.name: f"{node.module}.{alias.name}" for alias in node.names})
        elif isinstance(node, ast.Import):
            found.update({alias.asname or alias.name.split(".")[0]: alias.name for alias in node.names})
    return found


def _resolve(dotted: str) -> object:
    """The object a dotted path names, importing submodules on the way (``reports.services.CHECK_ACTION``)."""
    parts = dotted.split(".")
    value: object = importlib.import_module(parts[0])
    for index, part in enumerate(parts[1:], start=2):
        value = getattr(value, part) if hasattr(value, part) else importlib.import_module(".".join(parts[:index]))
    return value


def _asserted_code(arg: ast.expr, imported: dict[str, str]) -> str | None:
    """The action code a test passes to assert_audited: a literal, or an imported constant or enum member."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    parts: list[str] = []
    while isinstance(arg, ast.Attribute):
        parts.insert(0, arg.attr)
        arg = arg.value
    if isinstance(arg, ast.Name) and arg.id in imported:
        value = _resolve(".".join([imported[arg.id], *parts]))
        value = getattr(value, "value", value)
        return value if isinstance(value, str) else None
    return None  # a variable (a parametrised test): not counted


def _names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.alias):
            names.add(node.name.rsplit(".", 1)[-1])
    return names


def _helpers_of(path: Path, imported: dict[str, str], root: Path) -> list[Path]:
    """The test-only modules a test file calls services through: the conftest.py files above it (their
    fixtures, e.g. `refer`) and the modules of the test package it imports from (e.g. tests/jobfairs/helpers.py)."""
    found = [folder / "conftest.py" for folder in path.parents if folder.is_relative_to(root / "tests")]
    for dotted in imported.values():
        if dotted.startswith("tests."):
            parts = dotted.split(".")
            found += [root.joinpath(*parts[:cut]).with_suffix(".py") for cut in (len(parts), len(parts) - 1)]
    return [helper for helper in found if helper.is_file() and helper != path]


def read_test_files(paths: Iterable[Path], root: Path = ROOT) -> Iterator[ScannedTests]:
    """Per test file: the names it mentions (itself or through its helpers) and the codes it asserts."""
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = _imported(tree)
        names = _names(tree)
        for helper in _helpers_of(path, imported, root):
            names |= _names(ast.parse(helper.read_text(encoding="utf-8")))
        asserted: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called_name(node) == "assert_audited" and node.args:
                if (code := _asserted_code(node.args[0], imported)) is not None:
                    asserted.add(code)
        yield ScannedTests(str(path.relative_to(root)), frozenset(names), frozenset(asserted))


def _covers(code: str, asserted: frozenset[str]) -> bool:
    if code == READ_DEFAULT:
        return any(a.endswith(".viewed") for a in asserted)
    return any(fnmatch.fnmatchcase(a, code) for a in asserted) if "*" in code else code in asserted


def missing_assertions(services: dict[Function, set[str]], test_files: list[ScannedTests]) -> list[str]:
    """One line per service whose audit codes no single test file both calls it and asserts."""
    missing = []
    for function, codes in sorted(services.items(), key=lambda item: (item[0].module, item[0].line)):
        files = [f for f in test_files if function.name in f.names]
        if not any(all(_covers(code, f.asserted) for code in codes) for f in files):
            best = max(files, key=lambda f: sum(_covers(c, f.asserted) for c in codes), default=None)
            lacking = sorted(c for c in codes if best is None or not _covers(c, best.asserted))
            where = f"in {best.path}" if best else "(no test file names it)"
            missing.append(f"{function.module}.{function.name}: no assert_audited({', '.join(lacking)}) {where}")
    return missing


def test_every_service_that_writes_an_audit_line_has_a_test_that_asserts_it() -> None:
    services = audited_services(read_services(service_modules()))
    assert len(services) >= 60, f"found only {len(services)} audited services: is the scan still finding them?"
    test_files = list(read_test_files(sorted(TESTS.rglob("test_*.py"))))
    missing = missing_assertions(services, test_files)
    assert not missing, "services whose audit line no test asserts:\n" + "\n".join(missing)


def test_the_check_fails_for_a_service_without_an_audit_assertion(tmp_path: Path) -> None:
    """The check can fail: a new audited service, through a helper, with a test that does not assert."""
    app = tmp_path / "shop" / "services"
    app.mkdir(parents=True)
    (app / "__init__.py").write_text("from shop.services.orders import place_order, price\n", encoding="utf-8")
    (app / "orders.py").write_text(
        "def place_order(*, actor):\n"
        "    reserve_stock(actor)\n"
        "    record_event(actor=actor, action='shop.order.placed' if actor else 'shop.order.queued')\n"
        "def reserve_stock(actor):\n"  # not exported: a helper, followed into
        "    _write(actor)\n"
        "def _write(actor):\n"
        "    record_event(actor=actor, action=f'shop.stock.{actor}')\n"
        "def price(order):\n"
        "    return 1\n",
        encoding="utf-8",
    )
    services = audited_services(read_services([app / "__init__.py", app / "orders.py"], root=tmp_path))
    assert {f.name: codes for f, codes in services.items()} == {
        "place_order": {"shop.order.placed", "shop.order.queued", "shop.stock.*"}
    }
    test = tmp_path / "test_orders.py"
    test.write_text(
        "def test_place():\n    place_order(actor=1)\n    assert_audited('shop.order.placed')\n", encoding="utf-8"
    )
    (partial,) = read_test_files([test], root=tmp_path)
    assert missing_assertions(services, [partial]) == [
        "shop.services.orders.place_order: no assert_audited(shop.order.queued, shop.stock.*) in test_orders.py"
    ]
    elsewhere = ScannedTests("test_other.py", frozenset(), frozenset({"shop.order.queued", "shop.stock.reserved"}))
    assert missing_assertions(services, [partial, elsewhere])  # asserted, but in a file that never calls it
    complete = ScannedTests(
        "test_orders.py",
        frozenset({"place_order"}),
        frozenset({"shop.order.placed", "shop.order.queued", "shop.stock.reserved"}),
    )
    assert missing_assertions(services, [complete]) == []


def test_a_test_may_name_the_code_by_an_imported_constant_or_enum_member() -> None:
    tree = ast.parse("from os import path\nimport os.path as p\nassert_audited(path.sep)\nassert_audited(p.sep)\n")
    imported = _imported(tree)
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    assert [_asserted_code(call.args[0], imported) for call in calls] == ["/", "/"]
    assert _asserted_code(ast.parse("assert_audited(action)").body[0].value.args[0], imported) is None  # type: ignore[attr-defined]


def test_assert_audited_says_which_lines_exist_when_none_matches(counsellor) -> None:
    from portal.audit import record_event
    from tests.audit import assert_audited

    record_event(actor=counsellor.user, action="portal.user.language_changed", target=counsellor.user)
    (line,) = assert_audited("portal.user.language_changed", target=counsellor.user, actor=counsellor.user)
    assert assert_audited("portal.user.language_changed", actor=False, count=0) == []
    with pytest.raises(AssertionError) as wrong_actor:
        assert_audited("portal.user.language_changed", actor=False)
    message = str(wrong_actor.value)
    assert "found 0" in message and f"#{line.pk} portal.user.language_changed target=portal.user:" in message
    with pytest.raises(AssertionError) as wrong_action:
        assert_audited("portal.user.language_kept")
    assert "no line of this action; the latest lines" in str(wrong_action.value)
    assert "portal.user.language_changed" in str(wrong_action.value)
