"""The ``load`` benchmark (issue #7): township staff at work, against gunicorn.

Started by ``manage.py bench`` (never by hand: it starts gunicorn, writes the users file and
reads the figures). Each simulated user logs in as one synthetic township's staff and, with
a pause of one to three seconds between actions, opens the registry list, an institution's
page, the risk list, and now and then records a screening visit (saved as a draft, as at the
door before the visit is finished). ``BENCH_LOAD_USERS`` names a JSON file:
``[{"username": "syn_t0", "institutions": [12, 13, ...]}, ...]``.
"""

import itertools
import json
import os
import random
from html.parser import HTMLParser

from locust import HttpUser, between, task

PASSWORD = os.environ.get("BENCH_LOAD_PASSWORD", "Yanglao@2026")
with open(os.environ["BENCH_LOAD_USERS"], encoding="utf-8") as handle:
    ACCOUNTS = json.load(handle)
NEXT_ACCOUNT = itertools.cycle(ACCOUNTS)


class FormFields(HTMLParser):
    """The fields a browser would send for the first POST form of a page, as filled in."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.in_form = False
        self.done = False
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.done:
            return
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "file", "button"):
            kind = attrs.get("type")
            if kind in ("checkbox", "radio"):
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
        elif tag == "form" and self.in_form:
            self.in_form, self.done = False, True

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data


def form_fields(html: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(html)
    return parser.fields


class TownshipStaff(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        account = next(NEXT_ACCOUNT)
        self.institutions = account["institutions"]
        page = self.client.get("/login/", name="/login/")
        fields = form_fields(page.text)
        fields.update(username=account["username"], password=PASSWORD)
        with self.client.post(
            "/login/", data=fields, name="/login/ POST", catch_response=True
        ) as response:
            if "/login/" in response.url:
                response.failure("login refused")

    @task(4)
    def institution_list(self):
        self.client.get("/institutions/", name="/institutions/")

    @task(1)
    def institution_list_search(self):
        self.client.get("/institutions/?q=养老&page=2", name="/institutions/?q&page")

    @task(4)
    def institution_detail(self):
        pk = random.choice(self.institutions)
        self.client.get(f"/institutions/{pk}/", name="/institutions/<pk>/")

    @task(2)
    def risk_list(self):
        self.client.get("/risk/", name="/risk/")

    @task(1)
    def record_visit(self):
        pk = random.choice(self.institutions)
        url = f"/screening/visits/new/?institution={pk}"
        page = self.client.get(url, name="/screening/visits/new/")
        fields = form_fields(page.text)
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
