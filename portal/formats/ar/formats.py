"""Arabic for Egypt, Iraq, Jordan, Morocco and Tunisia: day first, Arabic month names, 24-hour clock.

Django's Arabic module sets only a few names; the rest fell back to the American defaults
("ديسمبر 7, 2026, 2:30 م", "12/07/2026"). Short dates carry no right-to-left marks: the digits and
slashes stay one left-to-right run (07/12/2026), as on forms and printed papers in these countries.
"""

DATE_FORMAT = "j F Y"  # 7 ديسمبر 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y، H:i"  # 7 ديسمبر 2026، 14:30
YEAR_MONTH_FORMAT = "F Y"  # ديسمبر 2026
MONTH_DAY_FORMAT = "j F"  # 7 ديسمبر
SHORT_DATE_FORMAT = "d/m/Y"  # 07/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 07/12/2026 14:30
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
