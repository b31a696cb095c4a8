"""The direction between the apps (issue 16): `roadmap` builds on `assessments`, never
the reverse. Where assessments must let roadmap take part (the results page, load_model,
load_demo) it calls the hooks of assessments/hooks.py, which roadmap fills in its
AppConfig.ready(). This test reads every Python file of assessments (migrations
excepted: they may name other apps by string) and fails on any import of roadmap, at
the top of a module or inside a function, including importlib and apps.get_model."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = "assessments"
FORBIDDEN = ("roadmap",)


def core_files():
    return sorted(
        path
        for path in (ROOT / CORE).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT / CORE).parts
    )


def _forbidden(module):
    return any(module == app or module.startswith(f"{app}.") for app in FORBIDDEN)


def _package(path):
    """The dotted package a module's relative imports start from."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return parts if parts[-1] == "__init__" else parts[:-1]


def _string(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def imports_of_other_apps(path):
    """(line, what) for every import of a forbidden app in the file at `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if _forbidden(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = _package(path)
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names = [module] + [f"{module}.{alias.name}" for alias in node.names]
            if any(_forbidden(name.lstrip(".")) for name in names):
                found.append((node.lineno, f"from {module} import ..."))
        elif isinstance(node, ast.Call) and node.args:
            # importlib.import_module("roadmap..."), __import__("roadmap"),
            # apps.get_model("roadmap", ...) / get_app_config("roadmap").
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = _string(node.args[0])
            if first is None:
                continue
            if name in ("import_module", "__import__") and _forbidden(first):
                found.append((node.lineno, f"{name}({first!r})"))
            elif name in ("get_model", "get_app_config", "get_models") and _forbidden(
                first.split(".")[0]
            ):
                found.append((node.lineno, f"{name}({first!r})"))
    return found


def test_there_are_files_to_check():
    files = core_files()
    assert ROOT / CORE / "views" / "results.py" in files
    assert not any("migrations" in path.parts for path in files)


@pytest.mark.parametrize(
    "source",
    [
        "from roadmap.continuity import continuity_display",
        "import roadmap.library",
        "def f():\n    from roadmap import demo",
        "import importlib\nimportlib.import_module('roadmap.demo')",
        "from django.apps import apps\napps.get_model('roadmap', 'Roadmap')",
        "from django.apps import apps\napps.get_model('roadmap.Roadmap')",
    ],
)
def test_the_check_sees_every_kind_of_import(tmp_path, monkeypatch, source):
    package = tmp_path / CORE
    package.mkdir()
    module = package / "example.py"
    module.write_text(source, encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert imports_of_other_apps(module)


def test_the_check_leaves_the_core_and_django_alone(tmp_path, monkeypatch):
    package = tmp_path / CORE
    package.mkdir()
    module = package / "example.py"
    module.write_text(
        "from . import hooks\nfrom .models import Assessment\nimport roadmapping\n"
        "from django.apps import apps\napps.get_model('assessments', 'Assessment')\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert imports_of_other_apps(module) == []


def test_assessments_never_imports_roadmap():
    offences = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in core_files()
        for line, what in imports_of_other_apps(path)
    ]
    assert not offences, (
        "assessments must not import roadmap (issue 16); let roadmap register a hook in "
        "assessments/hooks.py instead:\n" + "\n".join(offences)
    )


# --- Templates ---------------------------------------------------------------------------
# The assessments app's pages show roadmap's parts through hooks too (the assessment page:
# hooks.assessment_sections; the results page: results_actions; the organisation page:
# organisation_sections): no template of theirs loads roadmap's tags, names one of
# roadmap's URLs or includes one of roadmap's templates, neither itself nor in a template
# it includes.

TEMPLATES = ROOT / "templates"
URL_TAG = re.compile(r"""\{%\s*url\s+['"]([\w:-]+)['"]""")
LOAD_TAG = re.compile(r"\{%\s*load\s+([^%]*)%\}")
INCLUDE_TAG = re.compile(r"""\{%\s*include\s+['"]([^'"]+)['"]""")


def roadmap_url_names():
    """The names of roadmap/urls.py's routes, read from its source."""
    tree = ast.parse((ROOT / "roadmap" / "urls.py").read_text(encoding="utf-8"))
    return {
        keyword.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "name" and _string(keyword.value)
    }


def roadmap_in_template(name, seen=None):
    """Roadmap's tag libraries and URL names that the template `name` (relative to
    templates/) uses, itself or through the templates it includes by a fixed name."""
    seen = set() if seen is None else seen
    if name in seen or not (TEMPLATES / name).exists():
        return set()
    seen.add(name)
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    found = {f"url '{url}'" for url in URL_TAG.findall(text) if url in roadmap_url_names()}
    found |= {
        f"load {library}"
        for libraries in LOAD_TAG.findall(text)
        for library in libraries.split()
        if library.startswith("roadmap")
    }
    found |= {f"include {inc}" for inc in INCLUDE_TAG.findall(text) if inc.startswith("roadmap/")}
    for included in INCLUDE_TAG.findall(text):
        found |= roadmap_in_template(included, seen)
    return found


def test_the_check_reads_roadmaps_url_names_and_sees_includes(tmp_path, monkeypatch):
    assert {"strategy", "roadmap", "poster_pdf", "presentation_slide"} <= roadmap_url_names()
    (tmp_path / "page.html").write_text(
        "{% load i18n roadmap_tags %}{% url 'results' 1 %}{% include \"part.html\" %}"
    )
    (tmp_path / "part.html").write_text("{% url \"roadmap\" 1 %}{% include 'roadmap/x.html' %}")
    monkeypatch.setattr(f"{__name__}.TEMPLATES", tmp_path)
    assert roadmap_in_template("page.html") == {
        "load roadmap_tags",
        "url 'roadmap'",
        "include roadmap/x.html",
    }


def test_assessments_templates_do_not_name_roadmap():
    found = {
        str(path.relative_to(TEMPLATES)): roadmap_in_template(str(path.relative_to(TEMPLATES)))
        for path in sorted((TEMPLATES / "assessments").rglob("*.html"))
    }
    assert "assessments/results.html" in found and "assessments/organisation_detail.html" in found
    found = {name: uses for name, uses in found.items() if uses}
    assert not found, (
        "assessments' templates must not load roadmap's tags, name its URLs or include its"
        " templates (issue 16); let roadmap add its part through assessments/hooks.py:"
        f" {found}"
    )
