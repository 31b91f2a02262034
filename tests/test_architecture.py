"""The shape the code keeps (docs/architecture.md): small modules and functions, imports at the top
unless a comment says why, and thin views, tasks and commands that leave every write to a service.
The import layers themselves are checked by import-linter (``lint-imports`` in ``make lint``)."""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Iterator
from pathlib import Path

import pytest
from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("audits", "wizard", "config", "bench")
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
MAX_COMPLEXITY = 15
# A comment on a function's ``def`` line (or the line above) that starts with this keeps it
# exempt from the size and complexity limits; it must say why.
EXEMPT = "# size:"

# ORM calls that write. ``update`` counts only on a queryset (``dict.update`` is everywhere).
WRITES = {"save", "delete", "create", "bulk_create", "bulk_update", "get_or_create"}
WRITES |= {"update_or_create"}
QUERYSET_HINTS = {"objects", "filter", "exclude", "all", "select_for_update"}
VIEW_DECORATORS = {"require_GET", "require_POST", "require_http_methods", "require_safe"}


def source_files() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def comments(source: str) -> dict[int, str]:
    found = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found[token.start[0]] = token.string
    return found


def functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def exempt(node: ast.AST, notes: dict[int, str]) -> bool:
    return any(notes.get(line, "").startswith(EXEMPT) for line in (node.lineno, node.lineno - 1))


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_it_keeps_modules_under_the_size_limit():
    long = [
        f"{rel(p)} ({n} lines)"
        for p in source_files()
        if (n := p.read_text().count("\n")) > MAX_MODULE_LINES
    ]
    assert long == [], "split these along their seams"


def test_it_keeps_functions_short():
    long = []
    for path in source_files():
        source = path.read_text()
        notes = comments(source)
        for node in functions(ast.parse(source)):
            lines = node.end_lineno - node.lineno + 1
            if lines > MAX_FUNCTION_LINES and not exempt(node, notes):
                long.append(f"{rel(path)}:{node.lineno} {node.name} ({lines} lines)")
    assert long == []


def test_it_keeps_functions_simple():
    complex_ = []
    for path in source_files():
        source = path.read_text()
        notes = comments(source)
        for block in cc_visit(source):
            if block.complexity > MAX_COMPLEXITY and not exempt(block, notes):
                complex_.append(f"{rel(path)}:{block.lineno} {block.name} ({block.complexity})")
    assert complex_ == []


def _import_blocks(function) -> Iterator[tuple[int, int]]:
    """(first line, last line) of each run of consecutive import statements in a function."""
    imports = sorted(
        (node.lineno, node.end_lineno)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    )
    block = None
    for start, end in imports:
        if block and start <= block[1] + 2:  # a blank line (isort groups) keeps the run
            block = (block[0], end)
            continue
        if block:
            yield block
        block = (start, end)
    if block:
        yield block


def test_it_imports_at_the_top_unless_a_comment_says_why():
    """A function-local import (or a run of them) needs a comment on it or the line above."""
    local = []
    for path in source_files():
        source = path.read_text()
        notes = comments(source)
        for function in functions(ast.parse(source)):
            for first, last in _import_blocks(function):
                if not any(line in notes for line in range(first - 1, last + 1)):
                    local.append(f"{rel(path)}:{first} in {function.name}")
    assert local == []


def _is_write(call: ast.Call) -> bool:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr in WRITES:
        return not (isinstance(func.value, ast.Name) and func.value.id == "cache")
    if func.attr != "update":
        return False
    chain = func.value
    while isinstance(chain, ast.Call | ast.Attribute):
        inner = chain.func if isinstance(chain, ast.Call) else chain
        if isinstance(inner, ast.Attribute) and inner.attr in QUERYSET_HINTS:
            return True
        chain = inner.value if isinstance(inner, ast.Attribute) else None
    return False


def _decorator_names(node) -> set[str]:
    names = set()
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Name):
            names.add(target.id)
    return names


def thin_code() -> Iterator[tuple[Path, ast.AST]]:
    """Every view (a function behind a require_* decorator), and whole task and command modules."""
    for path in source_files():
        tree = ast.parse(path.read_text())
        if path.name == "tasks.py" or "commands" in path.parts:
            yield path, tree
            continue
        for node in functions(tree):
            if _decorator_names(node) & VIEW_DECORATORS:
                yield path, node


def test_it_finds_views_tasks_and_commands_to_check():
    checked = {rel(path) for path, _ in thin_code()}
    assert "wizard/signoff/views.py" in checked and "audits/tasks.py" in checked
    assert "wizard/management/commands/validate.py" in checked


@pytest.mark.parametrize(
    ("code", "writes"),
    [
        ("record.save()", True),
        ("Upload.objects.filter(pk=1).update(kind='x')", True),
        ("Thing.objects.create(name='x')", True),
        ("suggested.update(mapping)", False),
        ("cache.delete(key)", False),
    ],
)
def test_it_tells_an_orm_write_from_other_calls(code, writes):
    (statement,) = ast.parse(code).body
    assert _is_write(statement.value) is writes


def test_it_leaves_every_write_to_a_service():
    writes = [
        f"{rel(path)}:{node.lineno}"
        for path, code in thin_code()
        for node in ast.walk(code)
        if isinstance(node, ast.Call) and _is_write(node)
    ]
    assert writes == [], "views, tasks and commands call a service for every write"
