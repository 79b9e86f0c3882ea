"""The layout holds: layers point down, and no app reaches into another app's private names.

The import contracts live in pyproject.toml ([tool.importlinter]); `make check` runs `lint-imports` too, this
test makes `make test` (and so CI) enforce them. import-linter has no contract for private *names*, so the
second half of this file walks every module of the project with `ast`.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Every package whose modules are checked; each top-level package is one app (cms.returnees belongs to cms).
# devtools is outside the layers, but it may not use the product's private helpers either: they change freely.
APPS = ("portal", "counselling", "referrals", "jobfairs", "cms", "reports", "devtools")
# Django's documented API on models and instances, underscored only to stay clear of field names.
DJANGO_PUBLIC = frozenset({"_meta", "_default_manager", "_base_manager", "_state"})


def test_import_contracts_hold():
    """`lint-imports` passes: the layers contract, jobfairs/referrals independence, no product import of devtools."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def is_private(name: str) -> bool:
    """`_helper` is private; dunders (`__version__`), gettext's `_` and Django's `_meta` are not."""
    return name.startswith("_") and not name.startswith("__") and name != "_" and name not in DJANGO_PUBLIC


def app_of(module: str) -> str | None:
    top = module.split(".", 1)[0]
    return top if top in APPS else None


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module an ImportFrom reads from (relative imports resolved against `module`)."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, *([node.module] if node.module else [])])


def private_crossings(source: str, *, module: str, path: str, is_package: bool = False) -> list[Violation]:
    """Every use in `source` (module `module`) of a private name that belongs to another app.

    Caught: `from other.mod import _name`, `import other._mod`, and attribute access `x._name` where `x` is bound
    by an import of another app's module (`import other.mod`, `import other.mod as m`, `from other import mod`),
    directly or through a dotted chain (`other.mod._name`). Names are tracked per module, not per scope: an import
    anywhere in the file (function-local imports count, as they do for the layers) binds its name for the file.
    """
    own_app = app_of(module)
    tree = ast.parse(source, filename=path)
    found: list[Violation] = []
    # Local name -> the other app's module it stands for.
    bound: dict[str, str] = {}

    def foreign(target: str) -> bool:
        app = app_of(target)
        return app is not None and app != own_app

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not foreign(alias.name):
                    continue
                private_parts = [part for part in alias.name.split(".") if is_private(part)]
                if private_parts:
                    found.append(Violation(path, node.lineno, f"imports {alias.name} (private module of another app)"))
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    top = alias.name.split(".", 1)[0]
                    bound[top] = top
        elif isinstance(node, ast.ImportFrom):
            source_module = absolute(node, module, is_package)
            if not foreign(source_module):
                continue
            if any(is_private(part) for part in source_module.split(".")):
                what = f"imports from {source_module} (private module of another app)"
                found.append(Violation(path, node.lineno, what))
            for alias in node.names:
                if is_private(alias.name):
                    found.append(Violation(path, node.lineno, f"imports {source_module}.{alias.name}"))
                elif alias.name != "*":
                    # Might be a submodule (`from counselling import services`) or an object; either way an
                    # attribute `_x` read from it reaches into the other app.
                    bound[alias.asname or alias.name] = f"{source_module}.{alias.name}"

    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or not is_private(node.attr):
            continue
        chain: list[str] = []
        base: ast.expr = node.value
        while isinstance(base, ast.Attribute):
            chain.append(base.attr)
            base = base.value
        if isinstance(base, ast.Name) and base.id in bound:
            target = ".".join([bound[base.id], *reversed(chain)])
            found.append(Violation(path, node.lineno, f"uses {target}.{node.attr}"))
    return found


def project_modules() -> list[Path]:
    paths: list[Path] = []
    for app in APPS:
        package = ROOT / app
        if package.is_dir():
            paths.extend(sorted(p for p in package.rglob("*.py") if "migrations" not in p.parts))
    return paths


def test_no_app_uses_another_apps_private_names():
    violations: list[Violation] = []
    for path in project_modules():
        violations += private_crossings(
            path.read_text(encoding="utf-8"),
            module=module_name(path),
            path=str(path.relative_to(ROOT)),
            is_package=path.name == "__init__.py",
        )
    assert not violations, "Private names used across apps (make them public or move them):\n" + "\n".join(
        map(str, violations)
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from counselling.views import _apply_error", ["imports counselling.views._apply_error"]),
        ("from counselling.services.clients import _search_columns as cols", ["imports"]),
        ("import counselling.services\ncounselling.services._search_columns()", ["uses counselling.services"]),
        ("import counselling.services as s\ns._search_columns", ["uses counselling.services._search_columns"]),
        ("from counselling import services\nservices._x", ["uses counselling.services._x"]),
        ("def f():\n    from counselling import views\n    return views._helper", ["uses counselling.views._helper"]),
        ("import counselling._internal", ["private module"]),
        ("from counselling._internal import thing", ["private module"]),
    ],
)
def test_checker_catches_private_names_across_apps(source, expected):
    found = private_crossings(textwrap.dedent(source), module="referrals.views", path="referrals/views.py")
    assert len(found) == len(expected), found
    for violation, text in zip(found, expected, strict=True):
        assert text in violation.what


@pytest.mark.parametrize(
    "source",
    [
        "from referrals.services import _own_helper",  # the same app
        "from .services import _own_helper",  # relative: always the same app
        "from django.utils.translation import gettext as _",
        "from counselling.models import Client\nClient._meta.get_field('code')",  # Django's public _meta API
        "from counselling import services\nservices.__name__",  # dunder
        "import os\nos._exit",  # not an app
        "self._cache = None",
    ],
)
def test_checker_leaves_allowed_uses_alone(source):
    assert private_crossings(source, module="referrals.views", path="referrals/views.py") == []
