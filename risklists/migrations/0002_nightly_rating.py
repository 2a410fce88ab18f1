"""The nightly re-rating of every institution (celery beat, database scheduler).

Settings are not this app's to edit, so the schedule is a django-celery-beat
``PeriodicTask`` created here: ``risklists.rate_all`` every day at 02:00 Asia/Shanghai.
The county's IT can change or disable it in the admin (Periodic tasks).
"""

from django.db import migrations

TASK_NAME = "risklists: nightly re-rating of every institution"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="2",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": "risklists.rate_all",
            "crontab": crontab,
            "enabled": True,
            "description": "区县方案 二(二)二: re-rate every institution on the registry nightly.",
        },
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("risklists", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
