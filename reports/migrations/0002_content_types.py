"""The content types of the moved models follow them (portal.* -> reports.*), with their permissions.

On a new database there are none yet (they are created after the migrations); on an existing one the
rows are renamed rather than left stale next to new ones.
"""

from django.db import migrations

MODELS = ("dailycount", "personday", "periodcount", "peoplecount", "reportbuild", "reportnotice")


def _move(apps, schema_editor, source: str, target: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    taken = set(
        content_type.objects.using(db).filter(app_label=target, model__in=MODELS).values_list("model", flat=True)
    )
    content_type.objects.using(db).filter(app_label=source, model__in=set(MODELS) - taken).update(app_label=target)


def forwards(apps, schema_editor) -> None:
    _move(apps, schema_editor, "portal", "reports")


def backwards(apps, schema_editor) -> None:
    _move(apps, schema_editor, "reports", "portal")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
