"""Facts a page reads once and shows in several of its parts.

The institution page is put together from panels of several apps (template tags: a lower
app's page cannot import a higher app's panels). Some facts appear in more than one panel
(the refund ledger's totals, the findings that stay found): the panel that reads a fact
first keeps it here for the rest of the request, and the others take it instead of reading
it again. Each fact still has one selector; this only keeps its result for the request.
"""


def request_facts(request) -> dict:
    """The facts kept for ``request`` (a new, unshared dict without a request)."""
    if request is None:
        return {}
    facts = getattr(request, "_page_facts", None)
    if facts is None:
        facts = request._page_facts = {}
    return facts
