"""The ``load`` benchmark (docs/performance.md): township staff at work, against gunicorn.

Started by ``manage.py bench`` (never by hand: it starts gunicorn, writes the users file and
reads the figures). Each simulated user is one synthetic township's staff and, with
a pause of one to three seconds between actions, opens the registry list, an institution's
page, the risk list, and now and then records a screening visit (saved as a draft, as at the
door before the visit is finished). The users are locust's ``FastHttpUser`` (geventhttpclient),
not ``HttpUser`` (requests): the simulated phones share the server's two cores here, and
requests costs about four times geventhttpclient's CPU per request (docs/performance.md,
"load"). A page that redirects (to the login page: a session the
server does not know) is a failure, not a quick success. ``BENCH_LOAD_USERS`` names a
JSON file:
``[{"username": "syn_t0", "session": "<session key>", "institutions": [12, ...]}, ...]``.
"""

import itertools
import json
import os
import random
from html.parser import HTMLParser
from http.cookiejar import Cookie

from locust import FastHttpUser, between, task

with open(os.environ["BENCH_LOAD_USERS"], encoding="utf-8") as handle:
    ACCOUNTS = json.load(handle)
NEXT_ACCOUNT = itertools.cycle(ACCOUNTS)


class Forms(HTMLParser):
    """The POST forms of a page and the fields a browser would send for each, as filled in."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[dict, dict[str, str]]] = []
        self.fields: dict[str, str] | None = None
        self.select: str | None = None
        self.textarea: str | None = None
        self.template = 0  # fields inside <template> are not sent

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.fields = {}
            self.forms.append((attrs, self.fields))
        elif tag == "template":
            self.template += 1
        if self.fields is None or self.template:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "file", "button"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields[name] = attrs.get("value", "on")
            else:
                self.fields[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self.select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self.select:
            # The selected option, else the first one, as a browser sends it.
            if "selected" in attrs or self.fields[self.select] == "":
                self.fields[self.select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "template":
            self.template -= 1
        elif tag == "form":
            self.fields = None

    def handle_data(self, data):
        if self.textarea and self.fields is not None:
            self.fields[self.textarea] += data


def form_fields(html: str, form_id: str | None = None) -> dict[str, str]:
    """The fields of the form ``form_id``, else of the page's largest POST form (not the
    language switcher or the logout button)."""
    parser = Forms()
    parser.feed(html)
    if form_id is not None:
        return next(fields for attrs, fields in parser.forms if attrs.get("id") == form_id)
    return max((fields for _attrs, fields in parser.forms), key=len, default={})


def session_cookie(host: str, key: str) -> Cookie:
    """The session the bench made for an account, as the server set it for ``host``."""
    domain = host.split("//", 1)[-1].split(":", 1)[0]
    return Cookie(
        version=0,
        name="sessionid",
        value=key,
        port=None,
        port_specified=False,
        domain=domain,
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=None,
        discard=False,
        comment=None,
        comment_url=None,
        rest={"HttpOnly": None},
    )


class TownshipStaff(FastHttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        # Already logged in: the bench made a session for each account (a login costs a
        # deliberately slow password hash, once a day; the load is about the pages).
        account = next(NEXT_ACCOUNT)
        self.institutions = account["institutions"]
        self.client.cookiejar.set_cookie(session_cookie(self.host, account["session"]))

    def page(self, url: str, name: str):
        """GET a page as the logged-in user: a redirect (to the login page) is a failure."""
        with self.client.get(
            url, name=name, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} instead of the page")
            return response

    @task(4)
    def institution_list(self):
        self.page("/institutions/", "/institutions/")

    @task(1)
    def institution_list_search(self):
        self.page("/institutions/?q=养老", "/institutions/?q=")

    @task(4)
    def institution_detail(self):
        pk = random.choice(self.institutions)
        self.page(f"/institutions/{pk}/", "/institutions/<pk>/")

    @task(2)
    def risk_list(self):
        self.page("/risk/", "/risk/")

    @task(1)
    def record_visit(self):
        pk = random.choice(self.institutions)
        url = f"/screening/visits/new/?institution={pk}"
        page = self.page(url, "/screening/visits/new/")
        fields = form_fields(page.text, "visit-form")
        fields.update(
            findings="入户排查，未发现异常（压力测试）",
            marketing_methods="口碑介绍",
            action="draft",
        )
        with self.client.post(
            url, data=fields, name="/screening/visits/new/ POST", catch_response=True
        ) as response:
            if "/screening/visits/new/" in response.url:
                response.failure("visit not saved")
