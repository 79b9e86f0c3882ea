"""Date and time formats for the partner countries, where Django's own are wrong for them.

`FORMAT_MODULE_PATH` points here; Django reads a language's module from this package first and
falls back to its own (django/conf/locale/<lang>/formats.py) for every name a module here leaves out.
German, French and Serbian (Latin) need nothing: Django's formats are right for them.

Decided for every language (the table of expected renderings is tests/portal/date_formats.py):
- day before month, always: no month-first dates (Django's English, Arabic and Urdu put the month first);
- the 24-hour clock in every language: no "a.m."/"p.m." (Django renders Albanian as "2.30.PM" and Urdu
  as "2:30 شام", "evening", for the afternoon); Indonesian keeps its dot ("14.30");
- long dates with the month's name, short dates with two-digit day and month and a four-digit year;
- Western digits in Arabic and Urdu, as on the forms, the phone numbers and the codes;
- a date range is two short dates joined by " – " (reports.periods.period_label, the dashboards).
"""
