"""The layout docs/ARCHITECTURE.md describes, kept true: apps depend on each
other in one direction, no module reaches into another's private names, and
no module grows past what a reader takes in at once."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Each app imports only from the apps before it.
APPS = ["certify", "scoring", "applications", "audits", "certificates"]
LONGEST = 500
# A pure function of the standard, read top to bottom with its tables.
MAY_BE_LONGER = {"scoring/engine.py"}


def _modules(app):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _imported(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_only_from_the_apps_it_builds_on(app):
    later = set(APPS[APPS.index(app) + 1 :])
    wrong = [
        f"{path} imports {module}"
        for path, tree in _modules(app)
        for module, _names in _imported(tree)
        if module.split(".")[0] in later
    ]
    assert wrong == []


@pytest.mark.parametrize("app", APPS)
def test_no_module_imports_a_private_name_of_another(app):
    private = [
        f"{path}: from {module} import {name}"
        for path, tree in _modules(app)
        for module, names in _imported(tree)
        if module.split(".")[0] in APPS
        for name in names
        if name.startswith("_")
    ]
    assert private == []


@pytest.mark.parametrize("app", [*APPS, "benchmarks"])
def test_no_module_is_longer_than_a_reader_takes_in(app):
    long = [
        f"{path}: {lines} lines"
        for path, _tree in _modules(app)
        if path not in MAY_BE_LONGER
        and (lines := len((ROOT / path).read_text(encoding="utf-8").splitlines())) > LONGEST
    ]
    assert long == []


@pytest.mark.parametrize("app", ["scoring", "applications", "audits", "certificates"])
def test_an_apps_templates_live_in_folders_named_by_topic(app):
    loose = sorted(path.name for path in (ROOT / "templates" / app).glob("*.html"))
    assert loose == []


def test_every_table_header_says_whether_it_heads_a_column_or_a_row():
    bare = [
        f"{path.relative_to(ROOT).as_posix()}: {match.group(0)}"
        for path in (ROOT / "templates").rglob("*.html")
        for match in re.finditer(r"<th(?=[\s>])(?![^>]*\bscope=)[^>]*>", path.read_text(encoding="utf-8"))
    ]
    assert bare == []


def test_every_pdf_document_is_built_on_the_one_pdf_base():
    documents = [path for path in (ROOT / "templates").rglob("pdf/*.html") if path.parent.parent.name != "templates"]
    assert documents
    apart = [
        path.relative_to(ROOT).as_posix()
        for path in documents
        if not path.read_text(encoding="utf-8").startswith('{% extends "pdf/base.html" %}')
    ]
    assert apart == []


REFUSALS = re.compile(r"pytest\.raises\((CertifyError|NotAllowed|InvalidTransition)\)")


def test_every_expected_refusal_names_its_message():
    unnamed = [
        f"{path.relative_to(ROOT).as_posix()}:{number}"
        for path in sorted((ROOT / "tests").rglob("test_*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if REFUSALS.search(line)
    ]
    assert unnamed == []
