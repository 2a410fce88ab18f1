"""The project's generic list pages, found from the URL configuration."""

from django.urls import URLPattern, URLResolver, get_resolver

from core.views import ObjectListView


def list_urls():
    """Every list page routed without arguments: (name, path, the table it lists)."""
    found = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                space = pattern.namespace or namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), space)
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "view_class", None)
                kwargs = getattr(pattern.callback, "view_initkwargs", {})
                route = prefix + str(pattern.pattern)
                if (
                    view
                    and issubclass(view, ObjectListView)
                    and not kwargs.get("export")
                    and "<" not in route
                ):
                    table = view.model._meta.db_table
                    found.append((f"{namespace}:{pattern.name}", "/" + route, table))

    walk(get_resolver().url_patterns, "", "")
    return sorted(found)
