"""What a browser would post back for a rendered form: its current values, as strings."""

from django import forms


def _value(bound):
    widget = bound.field.widget
    value = bound.value()
    if isinstance(widget, forms.CheckboxInput):
        return "on" if value else None
    if isinstance(bound.field, forms.FileField):
        return None
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return "" if value is None else str(value)


def post_data(form, prefix_data=None, **overrides):
    """``form``'s values as POST data (unchecked boxes and files left out), then ``overrides``."""
    data = dict(prefix_data or {})
    for bound in form:
        value = _value(bound)
        if value is not None:
            data[bound.html_name] = value
    data.update(overrides)
    return data


def formset_data(formset):
    data = {}
    for form in [formset.management_form, *formset.forms]:
        data.update(post_data(form))
    return data


def version_of_page(client, url, form="form") -> dict:
    """The hidden version an edit page carries (core.concurrency): what a browser that
    opened ``url`` posts back beside the fields a test types in by hand."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    bound = response.context[form]["edit_version"]
    return {bound.html_name: str(bound.value())}
