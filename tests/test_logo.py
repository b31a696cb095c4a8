"""The organisation's logo: uploaded on the edit page, made safe, refused when dangerous."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from assessments import logo

pytestmark = pytest.mark.django_db

SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 40"'
GOOD_SVG = (
    '<?xml version="1.0"?>'
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 100 40" '
    'inkscape:version="1.3">'
    "<metadata><rdf>who made it</rdf></metadata>"
    '<defs><linearGradient id="g"><stop offset="0" stop-color="#154273"/></linearGradient>'
    '<path id="p" d="M0 0h10v10z"/></defs>'
    '<rect width="100" height="40" fill="url(#g)" inkscape:label="achtergrond"/>'
    '<use xlink:href="#p" style="fill:#F9B000;-inkscape-font-specification:Lato"/>'
    '<text x="5" y="30" font-size="20">Aadorp</text>'
    "</svg>"
)


def png(width=40, height=20, extra=b""):
    output = io.BytesIO()
    image = Image.new("RGBA", (width, height), (21, 66, 115, 255))
    image.save(output, format="PNG")
    return output.getvalue() + extra


def upload(content, name="logo.svg"):
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


def edit(client, people, content, name="logo.svg", **extra):
    organisation = people.organisation
    client.force_login(people.consultant)
    data = {"name": organisation.name, "type": "gemeente", "size_class": "m", **extra}
    if content is not None:
        data["logo_file"] = upload(content, name)
    return client.post(reverse("organisation_edit", args=[organisation.pk]), data)


# --- Sanitising ---------------------------------------------------------------------


def test_a_clean_svg_keeps_its_shapes_and_loses_the_editors_leftovers():
    cleaned, kind = logo.clean_logo(upload(GOOD_SVG))
    text = cleaned.decode()
    assert kind == "svg"
    assert "<rect" in text and "<path" in text and "Aadorp" in text and "url(#g)" in text
    assert 'href="#p"' in text and "fill:#F9B000" in text
    assert "inkscape" not in text and "metadata" not in text and "who made it" not in text


@pytest.mark.parametrize(
    "svg",
    [
        f"{SVG_HEAD}><script>alert(1)</script></svg>",
        f'{SVG_HEAD} onload="alert(1)"><rect width="1" height="1"/></svg>',
        f'{SVG_HEAD}><rect width="1" height="1" onclick="alert(1)"/></svg>',
        f'{SVG_HEAD}><image href="https://evil.example/x.png" width="1" height="1"/></svg>',
        f'{SVG_HEAD} xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<use xlink:href="http://evil.example/s.svg#a"/></svg>',
        f'{SVG_HEAD}><use href="file:///etc/passwd#a"/></svg>',
        f'{SVG_HEAD}><rect width="1" height="1" fill="url(http://evil.example/a)"/></svg>',
        f'{SVG_HEAD}><rect width="1" height="1" style="fill:url(https://evil.example/a)"/></svg>',
        f"{SVG_HEAD}><style>@import url(https://evil.example/a.css);</style></svg>",
        f'{SVG_HEAD}><a href="javascript:alert(1)"><rect width="1" height="1"/></a></svg>',
        f'{SVG_HEAD}><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div>'
        "</foreignObject></svg>",
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f"{SVG_HEAD}><text>&b;</text></svg>",
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"{SVG_HEAD}><text>&x;</text></svg>",
        "<svg><rect/></svg>",  # no SVG namespace
        f"{SVG_HEAD}><rect",  # not well-formed
    ],
    ids=[
        "script",
        "onload",
        "onclick",
        "external-image",
        "xlink-href-http",
        "href-file",
        "fill-url-http",
        "style-url-http",
        "style-import",
        "javascript-link",
        "foreign-object",
        "entity-expansion",
        "external-entity",
        "no-namespace",
        "broken",
    ],
)
def test_a_dangerous_or_broken_svg_is_refused(svg):
    with pytest.raises(logo.Refused):
        logo.clean_logo(upload(svg))


def test_a_png_is_written_again_without_what_was_appended():
    cleaned, kind = logo.clean_logo(upload(png(extra=b"<script>alert(1)</script>"), "l.png"))
    assert kind == "png" and cleaned.startswith(logo.PNG_SIGNATURE)
    assert b"script" not in cleaned
    assert Image.open(io.BytesIO(cleaned)).size == (40, 20)


@pytest.mark.parametrize(
    "content",
    [
        logo.PNG_SIGNATURE + b"not really a png",
        b"GIF89a" + b"\0" * 20,
        b"%PDF-1.7",
        png(width=logo.MAX_PIXELS + 1, height=2),
        b"\x89PNG\r\n\x1a\n" + b"\0" * (logo.MAX_BYTES + 1),
    ],
    ids=["fake-png", "gif", "pdf", "too-many-pixels", "too-large"],
)
def test_other_files_and_oversized_pngs_are_refused(content):
    with pytest.raises(logo.Refused):
        logo.clean_logo(upload(content, "logo.png"))


# --- The edit page ------------------------------------------------------------------


def test_the_consultant_uploads_a_logo_and_sees_it_on_the_edit_page(client, people):
    response = edit(client, people, GOOD_SVG)
    assert response.status_code == 302
    people.organisation.refresh_from_db()
    assert people.organisation.logo_type == "svg"
    assert b"<rect" in bytes(people.organisation.logo)
    page = client.get(reverse("organisation_edit", args=[people.organisation.pk])).content
    assert b'enctype="multipart/form-data"' in page
    assert b'src="data:image/svg+xml;base64,' in page
    assert b"Logo verwijderen" in page


def test_a_refused_logo_says_why_and_keeps_the_old_one(client, people):
    edit(client, people, png(), name="logo.png")
    response = edit(client, people, f'{SVG_HEAD} onload="alert(1)"/>')
    assert response.status_code == 200
    assert "script" in response.content.decode()
    people.organisation.refresh_from_db()
    assert people.organisation.logo_type == "png"


def test_the_consultant_removes_the_logo(client, people):
    edit(client, people, png(), name="logo.png")
    assert edit(client, people, None, remove_logo="on").status_code == 302
    people.organisation.refresh_from_db()
    assert people.organisation.logo_type == "" and bytes(people.organisation.logo) == b""


def test_a_viewer_or_another_consultant_cannot_upload(client, people):
    organisation = people.organisation
    for user in (people.viewer, people.other_consultant):
        client.force_login(user)
        response = client.post(
            reverse("organisation_edit", args=[organisation.pk]),
            {"name": "X", "type": "gemeente", "size_class": "m", "logo_file": upload(GOOD_SVG)},
        )
        assert response.status_code in (403, 404)
    organisation.refresh_from_db()
    assert organisation.logo_type == ""


def test_a_new_organisation_has_no_logo_field(client, people):
    client.force_login(people.consultant)
    page = client.get(reverse("organisation_create")).content.decode()
    assert "logo_file" not in page
