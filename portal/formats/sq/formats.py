"""Albanian for Albania and Kosovo: day first with dots, 24-hour clock.

Django's Albanian module gives "2.30.PM" for the time, an ISO short date, and American defaults for
the date-times ("Dhj. 7, 2026, 2:30 p.m.").
"""

DATE_FORMAT = "j F Y"  # 7 Dhjetor 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y, H:i"  # 7 Dhjetor 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"  # Dhjetor 2026
MONTH_DAY_FORMAT = "j F"  # 7 Dhjetor
SHORT_DATE_FORMAT = "d.m.Y"  # 07.12.2026
SHORT_DATETIME_FORMAT = "d.m.Y H:i"  # 07.12.2026 14:30
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]
