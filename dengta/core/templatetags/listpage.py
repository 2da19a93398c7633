"""Template tags of the list page (dengta.core.listpage; docs/lists.md): sortable headers, the page's header
with its actions and export button, and the empty state."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict
from django.template.base import Parser, Token
from django.utils.safestring import SafeString

from dengta.core.lists import CURSOR_PARAM

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_query(context: Any, key: str) -> str:
    """The query string for sorting by ``key``: ascending first, descending when already ascending."""
    request = context["request"]
    params: QueryDict = request.GET.copy()
    params.pop("page", None)
    params.pop(CURSOR_PARAM, None)  # a new order starts at its first page
    current = context.get("sort", "")
    params["sort"] = f"-{key}" if current == key else key
    return params.urlencode()


@register.simple_tag(takes_context=True)
def aria_sort(context: Any, key: str) -> str:
    current = context.get("sort", "")
    if current == key:
        return "ascending"
    if current == f"-{key}":
        return "descending"
    return "none"


class _WrapNode(template.Node):
    """Renders its body, then ``template_name`` with the body as ``body``: a component with a slot."""

    def __init__(self, nodelist: template.NodeList, template_name: str) -> None:
        self.nodelist = nodelist
        self.template_name = template_name

    def render(self, context: Any) -> str:
        body: SafeString = self.nodelist.render(context)  # autoescaped like any template output
        component = context.template.engine.get_template(self.template_name)
        with context.push(body=body):
            return str(component.render(context))


def _wrap(parser: Parser, token: Token, template_name: str) -> _WrapNode:
    name = token.split_contents()[0]
    nodelist = parser.parse((f"end{name}",))
    parser.delete_first_token()
    return _WrapNode(nodelist, template_name)


@register.tag
def list_header(parser: Parser, token: Token) -> _WrapNode:
    """``{% list_header %}…actions…{% endlist_header %}``: breadcrumb, the page's title, its actions and the
    export button (components/list_header.html)."""
    return _wrap(parser, token, "components/list_header.html")


@register.tag
def list_empty(parser: Parser, token: Token) -> _WrapNode:
    """``{% list_empty %}…what the page is for…{% endlist_empty %}`` inside ``{% empty %}``: the body when
    no filter is on, else "no rows match the filters" and the link that clears them
    (components/list_empty.html)."""
    return _wrap(parser, token, "components/list_empty.html")
