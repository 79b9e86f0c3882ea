"""English as written in Ghana, Nigeria, the Gambia and Pakistan: day first, 24-hour clock.

Django's English formats are American ("Dec. 7, 2026", "12/07/2026", "2:30 p.m."), which readers in
the partner countries take for 12 July.
"""

DATE_FORMAT = "j F Y"  # 7 December 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y, H:i"  # 7 December 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 7 December
SHORT_DATE_FORMAT = "d/m/Y"  # 07/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 07/12/2026 14:30
FIRST_DAY_OF_WEEK = 1  # Monday
# ISO first: a plain date input shows its value in the first format, and the browser's date picker sends ISO.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M",
]
