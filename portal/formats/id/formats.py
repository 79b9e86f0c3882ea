"""Indonesian: the month written out ("7 Desember 2026"), as in letters and notices; Django abbreviates
it with a full stop ("7 Des. 2026"). Times keep Indonesian's dot (14.30), with two-digit hours."""

DATE_FORMAT = "j F Y"  # 7 Desember 2026
TIME_FORMAT = "H.i"  # 14.30
DATETIME_FORMAT = "j F Y, H.i"  # 7 Desember 2026, 14.30
SHORT_DATETIME_FORMAT = "d-m-Y H.i"  # 07-12-2026 14.30
