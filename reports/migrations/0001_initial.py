"""The reports' models move from the portal app to their own (issue #16): state only, the tables stay.

Their tables keep their names (``db_table``: portal_dailycount, ...), indexes and constraints. The
portal app's migration 0016 removes them from its state; this one adds them to the reports' state.
"""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("portal", "0016_reports_move_to_their_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ReportBuild',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('scope_kind', models.CharField(choices=[('centre', 'Centre'), ('country', 'Country'), ('programme', 'Programme')], max_length=12, verbose_name='scope')),
                        ('suppressed', models.BooleanField(verbose_name='small cells suppressed')),
                        ('period_kind', models.CharField(max_length=10, verbose_name='period')),
                        ('period_start', models.DateField(verbose_name='first day')),
                        ('period_end', models.DateField(verbose_name='last day')),
                        ('language', models.CharField(choices=[('en', 'English'), ('de', 'German'), ('fr', 'French'), ('ar', 'Arabic'), ('sq', 'Albanian'), ('sr-latn', 'Serbian (Latin)'), ('ur', 'Urdu'), ('id', 'Indonesian')], max_length=10, verbose_name='language')),
                        ('notes', models.TextField(blank=True, verbose_name='notes')),
                        ('scheduled', models.BooleanField(default=False, verbose_name='scheduled')),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Being built'), ('done', 'Ready'), ('failed', 'Failed')], default='queued', max_length=10, verbose_name='status')),
                        ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='progress')),
                        ('file', models.FileField(blank=True, upload_to='reports/%Y/%m/', verbose_name='file')),
                        ('error', models.TextField(blank=True, verbose_name='error')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                        ('centre', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='portal.centre', verbose_name='centre')),
                        ('country', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='portal.country', verbose_name='country')),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                    ],
                    options={
                        'verbose_name': 'report build',
                        'verbose_name_plural': 'report builds',
                        'db_table': 'portal_reportbuild',
                    },
                ),
                migrations.CreateModel(
                    name='ReportNotice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sent_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='sent')),
                        ('build', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='reports.reportbuild', verbose_name='report')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                    ],
                    options={
                        'verbose_name': 'report notice',
                        'verbose_name_plural': 'report notices',
                        'db_table': 'portal_reportnotice',
                    },
                ),
                migrations.CreateModel(
                    name='DailyCount',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField(verbose_name='day')),
                        ('indicator', models.CharField(max_length=40, verbose_name='indicator')),
                        ('dimension', models.CharField(blank=True, max_length=20, verbose_name='dimension')),
                        ('value', models.CharField(blank=True, max_length=40, verbose_name='value')),
                        ('count', models.PositiveIntegerField(verbose_name='count')),
                        ('centre', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='portal.centre', verbose_name='centre')),
                    ],
                    options={
                        'verbose_name': 'daily count',
                        'verbose_name_plural': 'daily counts',
                        'db_table': 'portal_dailycount',
                        'indexes': [models.Index(fields=['day', 'indicator'], name='report_daily_day_idx')],
                        'constraints': [models.UniqueConstraint(fields=('centre', 'day', 'indicator', 'dimension', 'value'), name='report_daily_count_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='PeopleCount',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('level', models.CharField(choices=[('centre', 'Centre'), ('country', 'Country'), ('programme', 'Programme')], max_length=10, verbose_name='level')),
                        ('grain', models.CharField(max_length=5, verbose_name='grain')),
                        ('day', models.DateField(verbose_name='day')),
                        ('new_from', models.DateField(blank=True, null=True, verbose_name='new from')),
                        ('dimension', models.CharField(blank=True, max_length=20, verbose_name='dimension')),
                        ('value', models.CharField(blank=True, max_length=40, verbose_name='value')),
                        ('count', models.BigIntegerField(verbose_name='count')),
                        ('centre', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='portal.centre', verbose_name='centre')),
                        ('country', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='portal.country', verbose_name='country')),
                    ],
                    options={
                        'verbose_name': 'people count',
                        'verbose_name_plural': 'people counts',
                        'db_table': 'portal_peoplecount',
                        'indexes': [models.Index(fields=['level', 'centre', 'country', 'grain', 'day'], name='report_people_count_idx'), models.Index(condition=models.Q(('dimension', '')), fields=['level', 'centre', 'country', 'grain', 'day'], include=('new_from', 'count'), name='report_people_total_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='PeriodCount',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('level', models.CharField(choices=[('centre', 'Centre'), ('country', 'Country'), ('programme', 'Programme')], max_length=10, verbose_name='level')),
                        ('grain', models.CharField(max_length=5, verbose_name='grain')),
                        ('day', models.DateField(verbose_name='day')),
                        ('indicator', models.CharField(max_length=40, verbose_name='indicator')),
                        ('dimension', models.CharField(blank=True, max_length=20, verbose_name='dimension')),
                        ('value', models.CharField(blank=True, max_length=40, verbose_name='value')),
                        ('count', models.BigIntegerField(verbose_name='count')),
                        ('centre', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='portal.centre', verbose_name='centre')),
                        ('country', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='portal.country', verbose_name='country')),
                    ],
                    options={
                        'verbose_name': 'period count',
                        'verbose_name_plural': 'period counts',
                        'db_table': 'portal_periodcount',
                        'indexes': [models.Index(fields=['level', 'centre', 'country', 'grain', 'day'], name='report_period_count_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='PersonDay',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField(verbose_name='day')),
                        ('client_key', models.BigIntegerField(verbose_name='client number')),
                        ('sex', models.CharField(max_length=16, verbose_name='sex')),
                        ('age_band', models.CharField(max_length=16, verbose_name='age band')),
                        ('target_group', models.CharField(max_length=32, verbose_name='target group')),
                        ('centre', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='portal.centre', verbose_name='centre')),
                    ],
                    options={
                        'verbose_name': 'person counselled on a day',
                        'verbose_name_plural': 'people counselled per day',
                        'db_table': 'portal_personday',
                        'indexes': [models.Index(fields=['day', 'centre'], name='report_person_day_idx')],
                        'constraints': [models.UniqueConstraint(fields=('centre', 'day', 'client_key'), name='report_person_day_unique')],
                    },
                ),
                migrations.AddIndex(
                    model_name='reportbuild',
                    index=models.Index(fields=['scope_kind', 'centre', 'country', '-created_at'], name='report_build_scope_idx'),
                ),
                migrations.AddConstraint(
                    model_name='reportbuild',
                    constraint=models.UniqueConstraint(condition=models.Q(('status__in', ('queued', 'running'))), fields=('scope_kind', 'centre', 'country', 'suppressed', 'period_kind', 'period_start', 'period_end', 'language'), name='report_build_one_active', nulls_distinct=False),
                ),
                migrations.AddConstraint(
                    model_name='reportbuild',
                    constraint=models.UniqueConstraint(condition=models.Q(('scheduled', True)), fields=('scope_kind', 'centre', 'country', 'suppressed', 'period_kind', 'period_start', 'period_end', 'language'), name='report_build_scheduled_once', nulls_distinct=False),
                ),
                migrations.AddConstraint(
                    model_name='reportbuild',
                    constraint=models.CheckConstraint(condition=models.Q(('progress__lte', 100)), name='report_build_progress_max'),
                ),
                migrations.AddConstraint(
                    model_name='reportbuild',
                    constraint=models.CheckConstraint(condition=models.Q(('period_end__gte', models.F('period_start'))), name='report_build_period_order'),
                ),
                migrations.AddConstraint(
                    model_name='reportnotice',
                    constraint=models.UniqueConstraint(fields=('build', 'user'), name='report_notice_once'),
                ),
            ],
        ),
    ]
