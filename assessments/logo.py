"""An organisation's logo: an uploaded PNG or SVG, made safe before it is stored.

The logo ends up inside the poster's HTML (rendered by WeasyPrint) and on the
organisation's edit page, so nothing from the upload is trusted:

- PNG: the signature is checked, the image is decoded by Pillow within a pixel limit
  and written again as a fresh PNG (no text chunks, no metadata, nothing appended).
- SVG: parsed by defusedxml (no DTD, no entities, no external references), then
  rebuilt from a whitelist of shape, path and style elements and attributes. Scripts,
  event handlers, foreign content, images, CSS imports, `href`s other than `#fragment` and `url()`s
  other than `url(#fragment)` refuse the file with a message saying why; editor
  leftovers (Inkscape's and Illustrator's own elements and attributes, metadata) are
  dropped silently, as they never draw anything.
"""

import base64
import io
import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

PNG = "png"
SVG = "svg"
MIMETYPES = {PNG: "image/png", SVG: "image/svg+xml"}
MAX_BYTES = 512 * 1024  # an upload larger than this is refused
MAX_PIXELS = 2000  # a PNG wider or higher than this is refused
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

ELEMENTS = {
    "svg", "g", "defs", "title", "desc", "path", "rect", "circle", "ellipse", "line",
    "polyline", "polygon", "text", "tspan", "linearGradient", "radialGradient", "stop",
    "clipPath", "mask", "use", "symbol", "style",
}  # fmt: skip
# Elements that are refused outright: they run code, load something or embed content.
DANGEROUS = {
    "script", "foreignObject", "image", "iframe", "embed", "object", "audio", "video",
    "animate", "animateTransform", "animateMotion", "set", "handler", "listener", "a",
    "feImage", "pattern", "filter", "font-face-uri",
}  # fmt: skip
ATTRIBUTES = {
    "id", "class", "d", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
    "fx", "fy", "width", "height", "viewBox", "preserveAspectRatio", "points",
    "transform", "fill", "fill-rule", "fill-opacity", "stroke", "stroke-width",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
    "stroke-dashoffset", "stroke-opacity", "opacity", "clip-rule", "clip-path", "mask",
    "style", "offset", "stop-color", "stop-opacity", "gradientUnits",
    "gradientTransform", "spreadMethod", "font-family", "font-size", "font-weight",
    "font-style", "text-anchor", "dominant-baseline", "letter-spacing", "dx", "dy",
    "display", "visibility", "version", "clipPathUnits", "maskUnits", "href",
}  # fmt: skip
STYLE_PROPERTIES = {
    "fill", "fill-rule", "fill-opacity", "stroke", "stroke-width", "stroke-linecap",
    "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset",
    "stroke-opacity", "opacity", "clip-rule", "clip-path", "mask", "stop-color",
    "stop-opacity", "font-family", "font-size", "font-weight", "font-style",
    "text-anchor", "dominant-baseline", "letter-spacing", "display", "visibility",
    "color",
}  # fmt: skip
URL = re.compile(r"url\s*\(", re.IGNORECASE)
LOCAL_URL = re.compile(r"url\(\s*['\"]?#[\w.:-]+['\"]?\s*\)")


class Refused(ValidationError):
    pass


def _split(tag):
    """(namespace, local name) of an ElementTree tag or attribute name."""
    if tag.startswith("{"):
        namespace, _sep, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _check_value(name, value):
    lowered = re.sub(r"\s+", "", value).lower()
    if any(word in lowered for word in ("javascript:", "data:", "expression(", "-moz-binding")):
        raise Refused(_("Het logo bevat een verwijzing naar code (%(name)s).") % {"name": name})
    if URL.search(LOCAL_URL.sub("", value)) or "@import" in lowered:
        raise Refused(
            _("Het logo verwijst naar iets buiten het bestand (%(name)s).") % {"name": name}
        )


def _clean_style(style):
    kept = []
    for declaration in style.split(";"):
        prop, sep, value = declaration.partition(":")
        prop = prop.strip().lower()
        if not sep or prop not in STYLE_PROPERTIES:
            continue  # an editor's own property (-inkscape-font-specification) draws nothing
        _check_value("style", value)
        kept.append(f"{prop}:{value.strip()}")
    return ";".join(kept)


def _clean_element(source):
    namespace, name = _split(source.tag)
    if namespace != SVG_NS:
        return None  # metadata, sodipodi:namedview, …: dropped
    if name in DANGEROUS:
        raise Refused(
            _("Het logo bevat een niet toegestaan onderdeel: <%(name)s>.") % {"name": name}
        )
    if name not in ELEMENTS:
        return None
    target = ET.Element(f"{{{SVG_NS}}}{name}")
    for attribute, value in source.attrib.items():
        attr_namespace, attr_name = _split(attribute)
        if attr_name.lower().startswith("on"):
            raise Refused(_("Het logo bevat een script (%(name)s).") % {"name": attr_name})
        if attr_name == "href" and attr_namespace in ("", XLINK_NS):
            if not value.strip().startswith("#"):
                raise Refused(_("Het logo verwijst naar iets buiten het bestand (href)."))
            target.set(f"{{{XLINK_NS}}}href" if attr_namespace else "href", value.strip())
            continue
        if attr_namespace == XML_NS and attr_name == "space":
            target.set(attribute, value)
            continue
        if attr_namespace or attr_name not in ATTRIBUTES:
            continue  # inkscape:label, data-name, …: dropped
        _check_value(attr_name, value)
        target.set(attr_name, _clean_style(value) if attr_name == "style" else value)
    if name == "style":
        _check_value("style", source.text or "")
    target.text = source.text if name in ("text", "tspan", "title", "desc", "style") else None
    for child in source:
        cleaned = _clean_element(child)
        if cleaned is not None:
            target.append(cleaned)
        if child.tail and name in ("text", "tspan"):
            (cleaned if cleaned is not None else target).tail = child.tail
    return target


def clean_svg(data):
    """The SVG rebuilt from its allowed parts (bytes), or Refused."""
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise Refused(
            _("Het logo bevat een DTD of entiteiten; die zijn niet toegestaan.")
        ) from error
    except ET.ParseError as error:
        raise Refused(_("Het logo is geen geldig SVG-bestand.")) from error
    if root.tag != f"{{{SVG_NS}}}svg":
        raise Refused(_("Het logo is geen geldig SVG-bestand."))
    cleaned = _clean_element(root)
    if not any(cleaned.get(name) for name in ("viewBox", "width")):
        raise Refused(_("Het logo heeft geen afmetingen (viewBox of width en height)."))
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(cleaned, encoding="unicode").encode()


def clean_png(data):
    """The PNG decoded and written again (bytes), or Refused."""
    if not data.startswith(PNG_SIGNATURE):
        raise Refused(_("Het logo is geen PNG-bestand."))
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            if max(image.size) > MAX_PIXELS:
                raise Refused(
                    _("Het logo is te groot (meer dan %(pixels)s pixels breed of hoog).")
                    % {"pixels": MAX_PIXELS}
                )
            image.load()
            if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                image = image.convert("RGBA")
            output = io.BytesIO()
            image.save(output, format="PNG", optimize=True)
    except Refused:
        raise
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise Refused(_("Het logo is geen geldig PNG-bestand.")) from error
    return output.getvalue()


def clean_logo(upload):
    """(bytes, kind) of an uploaded file made safe, or Refused with a reason."""
    if upload.size > MAX_BYTES:
        raise Refused(_("Het logo is te groot (maximaal %(kb)s kB).") % {"kb": MAX_BYTES // 1024})
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise Refused(_("Het logo is te groot (maximaal %(kb)s kB).") % {"kb": MAX_BYTES // 1024})
    if data.startswith(PNG_SIGNATURE):
        return clean_png(data), PNG
    head = data[:1024].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--"):
        return clean_svg(data), SVG
    raise Refused(_("Upload een logo als PNG of SVG."))


def data_uri(content, kind):
    """The logo as a data: URI, for an <img> (an <img> never runs an SVG's scripts)."""
    if not content or kind not in MIMETYPES:
        return ""
    return f"data:{MIMETYPES[kind]};base64,{base64.b64encode(bytes(content)).decode()}"
