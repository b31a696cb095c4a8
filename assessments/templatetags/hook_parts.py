"""Rendering what other apps contribute to the core's pages through assessments/hooks.py."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def render_part(context, part):
    """A part an app contributed ({"template", "context"}), rendered in a context of its
    own holding only the part's values, as an inclusion tag renders its template."""
    part_template = context.template.engine.get_template(part["template"])
    return part_template.render(context.new(part.get("context", {})))
