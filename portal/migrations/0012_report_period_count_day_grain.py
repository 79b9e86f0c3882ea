"""MonthCount becomes PeriodCount: month rows of every level plus day rows of countries and the programme."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0011_report_period_rollups"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="monthcount", name="report_month_count_idx"),
        migrations.RenameModel(old_name="MonthCount", new_name="PeriodCount"),
        migrations.RenameField(model_name="periodcount", old_name="month", new_name="day"),
        migrations.AlterField(model_name="periodcount", name="day", field=models.DateField(verbose_name="day")),
        migrations.AddField(
            model_name="periodcount",
            name="grain",
            field=models.CharField(default="month", max_length=5, verbose_name="grain"),
            preserve_default=False,
        ),
        migrations.AlterModelOptions(
            name="periodcount", options={"verbose_name": "period count", "verbose_name_plural": "period counts"}
        ),
        migrations.AddIndex(
            model_name="periodcount",
            index=models.Index(fields=["level", "centre", "country", "grain", "day"], name="report_period_count_idx"),
        ),
    ]
