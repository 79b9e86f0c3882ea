"""Demo data for `manage.py seed_demo` (and `make run`): one module per app, each with an idempotent `seed()`.

`portal` (countries, centres, organisations, staff of every role, their TOTP secrets), `counselling`,
`referrals`, `jobfairs`, `cms` (the information site in every language; its texts in `cms_texts`).
"""
