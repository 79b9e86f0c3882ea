"""Local development stack: a private PostgreSQL cluster, `make run` and `make test`.

Run as `.venv/bin/python -m devtools.devstack <command>`; `make run`, `make test`
and `make stop` call it. It uses the standard library only and never imports
Django itself: it runs before Django can be set up, and it starts Django in
child processes (`manage.py`, Celery, pytest).

The private cluster lives in `<data>/pg` (`<data>` is `$PORTAL_DATA_DIR` or
`<repo>/.data`), listens on no TCP address at all (`listen_addresses=''`)
and only on the Unix socket directory `<data>/run`, which is where
`portal.settings` connects when `DATABASE_URL` is unset. A system cluster on
127.0.0.1:5432 is never touched. When `DATABASE_URL` is set, no cluster is
managed: the external database is used as it is.

PostgreSQL refuses to run as root. When this runs as root, the server
programs run as the `postgres` system user (through `runuser`, or `su`), and
the cluster's directories are handed to that user. If `postgres` cannot reach
`<data>` (a checkout under a private home directory), the cluster lives in
`/tmp/portal-pg-<hash>` instead and `<data>/run` becomes a link to its socket
directory, so the settings need no change.

Several invocations may share one cluster: each `run` / `test` holds a shared
lock on `<data>/cluster.users` while it works. A cluster that one of them
started is stopped by whichever finishes last; one started with
`cluster-start` stays up until `cluster-stop`.

The package, along its seams: `layout` (where the cluster lives, its server programs, as whom they
run), `cluster` (start, stop, create the database, share it between invocations), `processes`
(child processes of `make run` and their supervision), `commands` (`run`, `test`, `bench` and the
command line).
"""

from __future__ import annotations

from devtools.devstack.cluster import cluster_in_use, ensure_cluster, stop_cluster
from devtools.devstack.commands import main
from devtools.devstack.layout import DevstackError, data_dir, external_database

__all__ = ["DevstackError", "cluster_in_use", "data_dir", "ensure_cluster", "external_database", "main", "stop_cluster"]
