"""A disposal case and its actions point at the approved assessment with a real foreign key
(they kept its id as a plain number), and the level uses the project's one vocabulary.

The ids are copied into the new column where the assessment exists; the old column goes.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


MODELS = ("DisposalCase", "DisposalAction", "HistoricalDisposalCase", "HistoricalDisposalAction")


def copy_ids(apps, schema_editor):
    assessments = apps.get_model("risklists", "Assessment").objects.values("pk")
    for name in MODELS:
        model = apps.get_model("disposal", name)
        model.objects.filter(assessment_id__in=assessments).update(
            assessment_ref_id=F("assessment_id")
        )


def copy_back(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("disposal", name)
        model.objects.update(assessment_id=F("assessment_ref_id"))


class Migration(migrations.Migration):

    dependencies = [
        ('disposal', '0006_penalties'),
        ('risklists', '0003_assessment_digest'),
    ]

    operations = [
        migrations.AddField(
            model_name='disposalaction',
            name='assessment_ref',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='disposal_actions', to='risklists.assessment', verbose_name='approved assessment'),
        ),
        migrations.AddField(
            model_name='disposalcase',
            name='assessment_ref',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='disposal_cases', to='risklists.assessment', verbose_name='approved assessment'),
        ),
        migrations.AddField(
            model_name='historicaldisposalaction',
            name='assessment_ref',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='risklists.assessment', verbose_name='approved assessment'),
        ),
        migrations.AddField(
            model_name='historicaldisposalcase',
            name='assessment_ref',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='risklists.assessment', verbose_name='approved assessment'),
        ),
        migrations.RunPython(copy_ids, copy_back),
        migrations.RemoveField(
            model_name='disposalaction',
            name='assessment_id',
        ),
        migrations.RemoveField(
            model_name='disposalcase',
            name='assessment_id',
        ),
        migrations.RemoveField(
            model_name='historicaldisposalaction',
            name='assessment_id',
        ),
        migrations.RemoveField(
            model_name='historicaldisposalcase',
            name='assessment_id',
        ),
        migrations.RenameField(
            model_name='disposalaction',
            old_name='assessment_ref',
            new_name='assessment',
        ),
        migrations.RenameField(
            model_name='disposalcase',
            old_name='assessment_ref',
            new_name='assessment',
        ),
        migrations.RenameField(
            model_name='historicaldisposalaction',
            old_name='assessment_ref',
            new_name='assessment',
        ),
        migrations.RenameField(
            model_name='historicaldisposalcase',
            old_name='assessment_ref',
            new_name='assessment',
        ),
        migrations.AlterField(
            model_name='disposalaction',
            name='level',
            field=models.CharField(choices=[('red', 'Red'), ('orange', 'Orange'), ('yellow', 'Yellow'), ('green', 'Green')], help_text='The level whose approval created this action.', max_length=8, verbose_name='required by level'),
        ),
        migrations.AlterField(
            model_name='disposalcase',
            name='level',
            field=models.CharField(choices=[('red', 'Red'), ('orange', 'Orange'), ('yellow', 'Yellow'), ('green', 'Green')], db_index=True, max_length=8, verbose_name='level'),
        ),
        migrations.AlterField(
            model_name='historicaldisposalaction',
            name='level',
            field=models.CharField(choices=[('red', 'Red'), ('orange', 'Orange'), ('yellow', 'Yellow'), ('green', 'Green')], help_text='The level whose approval created this action.', max_length=8, verbose_name='required by level'),
        ),
        migrations.AlterField(
            model_name='historicaldisposalcase',
            name='level',
            field=models.CharField(choices=[('red', 'Red'), ('orange', 'Orange'), ('yellow', 'Yellow'), ('green', 'Green')], db_index=True, max_length=8, verbose_name='level'),
        ),
    ]
