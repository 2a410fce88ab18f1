"""Static files carry their content's hash in their name wherever they were collected, so
that browsers keep them for ten years (core/staticfiles.py), also under `make run`."""

import json

import pytest

from core.staticfiles import HashedStaticFilesStorage


def collected(tmp_path, paths: dict[str, str]) -> HashedStaticFilesStorage:
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": paths, "version": "1.1", "hash": "x"}), encoding="utf-8"
    )
    return HashedStaticFilesStorage(location=tmp_path, base_url="/static/")


def test_hashed_names_under_debug_once_collected(settings, tmp_path):
    settings.DEBUG = True
    storage = collected(tmp_path, {"js/dashboard.js": "js/dashboard.0123abcd.js"})

    assert storage.url("js/dashboard.js") == "/static/js/dashboard.0123abcd.js"


def test_plain_names_under_debug_for_files_not_collected(settings, tmp_path):
    settings.DEBUG = True
    storage = collected(tmp_path, {})

    assert storage.url("js/new.js") == "/static/js/new.js"


def test_hashed_names_without_debug_and_a_missing_file_is_an_error(settings, tmp_path):
    settings.DEBUG = False
    storage = collected(tmp_path, {"js/dashboard.js": "js/dashboard.0123abcd.js"})

    assert storage.url("js/dashboard.js") == "/static/js/dashboard.0123abcd.js"
    with pytest.raises(ValueError):
        storage.url("js/new.js")


def test_production_and_make_run_use_the_hashed_compressed_storage():
    from config.settings import base, local

    for module in (base, local):
        assert (
            module.STORAGES["staticfiles"]["BACKEND"] == "core.staticfiles.HashedStaticFilesStorage"
        )
