"""Development tools, not product code: the local stack (`make run`, `make test`), the demo seeds
(`manage.py seed_demo`), the scale generator and the benchmark (`manage.py seed_scale`, `manage.py bench`).

devtools sits above every app and may import any of them; no product module imports devtools.
This package imports nothing itself: `python -m devtools.devstack` runs before Django is set up.
"""
