"""Urdu for Pakistan: day first, Urdu month names, 24-hour clock.

Django ships no Urdu formats, so every name fell back to the American defaults ("دسمبر 7, 2026",
"12/07/2026", "2:30 شام", where شام is "evening").
"""

DATE_FORMAT = "j F Y"  # 7 دسمبر 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y، H:i"  # 7 دسمبر 2026، 14:30
YEAR_MONTH_FORMAT = "F Y"  # دسمبر 2026
MONTH_DAY_FORMAT = "j F"  # 7 دسمبر
SHORT_DATE_FORMAT = "d/m/Y"  # 07/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 07/12/2026 14:30
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
