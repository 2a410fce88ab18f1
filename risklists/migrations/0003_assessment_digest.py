"""Each assessment keeps a digest of what the nightly rating compares (level, hits,
threshold version, compliance checks), so that rating compares digests instead of
decoding fifty thousand proposals' JSON; existing rows get theirs here."""

import hashlib
import json

from django.db import migrations, models

BATCH = 2000


def _digest(level, hits, threshold_version_id, compliance) -> str:
    # As risklists.models.result_digest when this migration was written. Should that
    # function change, stored digests only stop matching: the rating then compares the
    # stored values themselves and refreshes the digest (nothing is rated differently).
    text = json.dumps(
        [level, threshold_version_id, hits, compliance],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def fill_digests(apps, schema_editor):
    Assessment = apps.get_model("risklists", "Assessment")
    last = 0
    while True:
        rows = list(
            Assessment.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "level", "hits", "threshold_version_id", "compliance")[:BATCH]
        )
        if not rows:
            return
        Assessment.objects.bulk_update(
            [Assessment(pk=row[0], digest=_digest(*row[1:])) for row in rows], ["digest"]
        )
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("risklists", "0002_nightly_rating"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="digest",
            field=models.CharField(default="", editable=False, max_length=32),
        ),
        migrations.RunPython(fill_digests, migrations.RunPython.noop, elidable=True),
    ]
