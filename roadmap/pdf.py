"""WeasyPrint rendering of the A0 roadmap poster and the A4 results report.

`generate(assessment, kind)` returns `(filename, mimetype, bytes)`. The data comes from
roadmap/documents.py as plain data; the PDF is kept in `RenderedPdf` under the SHA-256
of that data plus the templates (with those they include), the stylesheet and the
renderer's version (these read once per process), so a second click on the same data
serves the stored bytes without rendering (rendering an A0 poster takes seconds).
The cache lives in the database, not on one server's disk,
so every application server shares it; one row per assessment, document and language
keeps it small (a new digest replaces the old PDF).

Rendering never touches the network: the URL fetcher serves files from the project's
static folder (stylesheets, fonts) and refuses everything else.
"""

import functools
import hashlib
import json
from pathlib import Path
from urllib.parse import unquote, urlparse

import weasyprint
from django.conf import settings
from django.dispatch import receiver
from django.template.loader import get_template, render_to_string
from django.template.loader_tags import IncludeNode
from django.utils import autoreload
from django.utils.text import slugify
from django.utils.translation import get_language
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from . import documents
from .models import RenderedPdf, Roadmap

POSTER = RenderedPdf.Kind.POSTER
REPORT = RenderedPdf.Kind.REPORT
MIMETYPE = "application/pdf"
# Raise when the rendering changes in a way the templates and stylesheets don't show.
RENDERER_VERSION = "1"

STATIC_ROOT = Path(settings.BASE_DIR) / "static"
DOCUMENTS = {
    POSTER: ("print/poster.html", "css/print-poster.css", documents.poster_data),
    REPORT: ("print/report.html", "css/print-report.css", documents.report_data),
}


DATA_IMAGES = ("data:image/png;base64,", "data:image/svg+xml;base64,")


class RefusedFetch(ValueError):
    """A document asked for something outside the project's static files."""


class StaticFilesFetcher(URLFetcher):
    """Serves only files inside static/ (file: URLs) and refuses the network and the
    rest of the file system, so a document can never leak data or wait on a request."""

    def __init__(self):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.startswith(DATA_IMAGES):
            # The organisation's logo, inlined by roadmap/documents.py after
            # assessments/logo.py made it safe: no request leaves the process.
            return super().fetch(url, headers)
        if not url.startswith("file:"):
            raise RefusedFetch(f"refused to fetch {url!r}: only local static files")
        path = Path(unquote(urlparse(url).path)).resolve()
        if not path.is_relative_to(STATIC_ROOT.resolve()) or not path.is_file():
            raise RefusedFetch(f"refused to fetch {url!r}: not a static file")
        return super().fetch(path.as_uri(), headers)


def _stylesheet(name):
    return STATIC_ROOT / name


def _template_names(name):
    """`name` and every template it includes by a constant name, in order, once each."""
    names = [name]
    for current in names:
        for node in get_template(current).template.nodelist.get_nodes_by_type(IncludeNode):
            included = node.template.var  # a constant name is a str, else a Variable
            if isinstance(included, str) and included not in names:
                names.append(included)
    return names


@functools.cache
def _fixed_digest(kind):
    """What a document's digest holds besides its data: the renderer's versions, its
    templates (with the ones it includes) and its stylesheet. Read once per process:
    they change only with a deploy, which starts new processes (and in development
    the autoreloader's file_changed empties this, as it does Django's template cache)."""
    template_name, css_name, _gather = DOCUMENTS[kind]
    hasher = hashlib.sha256()
    hasher.update(f"{kind}:{RENDERER_VERSION}:{weasyprint.__version__}\n".encode())
    for name in _template_names(template_name):
        hasher.update(f"{name}\n".encode())
        hasher.update(get_template(name).template.source.encode())
    hasher.update(_stylesheet(css_name).read_bytes())
    return hasher.digest()


@receiver(autoreload.file_changed)
def _source_changed(sender, **kwargs):
    _fixed_digest.cache_clear()


def digest(kind, data):
    """The cache key of a document: its data, templates, stylesheet and renderer."""
    hasher = hashlib.sha256(_fixed_digest(kind))
    hasher.update(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode())
    return hasher.hexdigest()


def layout(kind, data):
    """The laid-out WeasyPrint document of `data` (pages and boxes), before writing."""
    template_name, css_name, _gather = DOCUMENTS[kind]
    html = render_to_string(template_name, {"doc": data})
    fonts = FontConfiguration()
    fetcher = StaticFilesFetcher()
    stylesheet = weasyprint.CSS(
        filename=str(_stylesheet(css_name)), font_config=fonts, url_fetcher=fetcher
    )
    document = weasyprint.HTML(
        string=html, base_url=STATIC_ROOT.as_uri() + "/", url_fetcher=fetcher
    )
    return document.render(stylesheets=[stylesheet], font_config=fonts)


def render(kind, data):
    """The PDF of `data` (see roadmap/documents.py) as bytes. Slow: seconds for a poster."""
    return layout(kind, data).write_pdf()


def gather(assessment, kind, *, roadmap=None):
    """The document's data; a poster needs a roadmap (planned first if there is none)."""
    if kind == POSTER:
        roadmap = roadmap or Roadmap.objects.filter(assessment=assessment).first()
        if roadmap is None:
            from .services import roadmap_for, roadmap_generate

            roadmap = roadmap_for(assessment)
            roadmap_generate(roadmap=roadmap)
        return documents.poster_data(assessment, roadmap)
    return documents.report_data(assessment)


def filename(assessment, kind):
    stem = {POSTER: "routekaart-poster", REPORT: "rapport"}[kind]
    name = slugify(f"{assessment.organisation.name} {assessment.name}")
    return f"{stem}-{name}.pdf"


def generate(assessment, kind, *, roadmap=None):
    """(filename, mimetype, bytes) of the assessment's poster or report, from the
    cache when the same data was rendered before."""
    data = gather(assessment, kind, roadmap=roadmap)
    key = digest(kind, data)
    language = get_language() or settings.LANGUAGE_CODE
    kept = (
        RenderedPdf.objects.filter(assessment=assessment, kind=kind, language=language, digest=key)
        .values_list("content", flat=True)
        .first()
    )
    if kept is not None:
        return filename(assessment, kind), MIMETYPE, bytes(kept)
    content = render(kind, data)
    # One upsert: a new digest replaces the old PDF, and two requests storing the
    # same document at once do not collide.
    RenderedPdf.objects.bulk_create(
        [
            RenderedPdf(
                assessment=assessment, kind=kind, language=language, digest=key, content=content
            )
        ],
        update_conflicts=True,
        unique_fields=["assessment", "kind", "language"],
        update_fields=["digest", "content", "created_at"],
    )
    return filename(assessment, kind), MIMETYPE, content


def render_poster(assessment):
    return generate(assessment, POSTER)[2]


def render_report(assessment):
    return generate(assessment, REPORT)[2]
