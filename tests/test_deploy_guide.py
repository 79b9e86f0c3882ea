"""DEPLOYMENT.md and `make deploy-check` say the same thing.

`make deploy-check` (devtools/deploycheck) reads the guide's commands, environment file, systemd units and nginx
configuration from DEPLOYMENT.md itself, runs them in a scratch folder with its own PostgreSQL cluster, Redis and
ports, and checks health, static files, the client's address behind nginx, an invitation e-mail, a sign-in with
TOTP, a PDF build, a backup and a restore, and an upgrade without a failed request. It takes 10 to 15 minutes
on two cores and needs nginx, so it is run by `make deploy-check`, not by `make test` (the suite stays under
15 minutes); these tests keep the parts it relies on honest: every step it performs is in the guide, and the
guide's paths and units are read as the check and systemd read them.
"""

from __future__ import annotations

from pathlib import Path

from devtools.deploycheck.guide import Places, blocks
from devtools.deploycheck.stand_ins import command_line, read_environment_file

ROOT = Path(__file__).resolve().parents[1]


def test_the_guide_names_every_step_the_check_performs() -> None:
    guide = blocks((ROOT / "DEPLOYMENT.md").read_text())
    steps = [block.step for block in guide if block.step]
    files = {block.file for block in guide if block.file}
    assert steps == [
        "packages", "account", "code", "secrets", "database", "migrate", "services", "certificate", "nginx",
        "first-run", "backup-timer", "restore", "upgrade",
    ]  # fmt: skip
    assert {
        "/etc/portal/env",
        "/usr/local/bin/portal-manage",
        "/etc/systemd/system/portal-web.service",
        "/etc/systemd/system/portal-worker@.service",
        "/etc/systemd/system/portal-beat.service",
        "/etc/systemd/system/portal-backup.service",
        "/etc/systemd/system/portal-backup.timer",
        "/etc/nginx/sites-available/portal",
    } <= files


def test_substitutions_never_touch_a_path_twice() -> None:
    places = Places(
        root=Path("/scratch/dc/srv-root"), venv=Path("/cache/venv"), web_port=1, http_port=2, https_port=3,
        pg_port=4, redis_port=5, smtp_port=6,
    )  # fmt: skip
    assert places.substitute("/srv/portal/venv/bin/pip install /srv/portal/app") == (
        "/cache/venv/bin/pip install /scratch/dc/srv-root/srv/portal/app"
    )
    assert places.substitute("    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n") == (
        "    listen 127.0.0.1:3 ssl http2;\n"
    )


def test_units_are_expanded_as_systemd_expands_them(tmp_path) -> None:
    """What the stand-in systemctl runs must be what systemd would run: else the check proves nothing."""
    env_file = tmp_path / "env"
    env_file.write_text(
        "# a comment\nDEFAULT_FROM_EMAIL='Counselling portal <no-reply@example.org>'\n"
        'QUOTED="a \\"b\\" c"\nWORKER_OPTIONS=\'--concurrency 1 --max-memory-per-child 600000\'\n'
    )
    values = read_environment_file(env_file)
    assert values["DEFAULT_FROM_EMAIL"] == "Counselling portal <no-reply@example.org>"
    assert values["QUOTED"] == 'a "b" c'
    argv = command_line("/venv/bin/celery -A portal worker -Q %i -n %i@host -l INFO $WORKER_OPTIONS", "reports", values)
    assert argv == [
        "/venv/bin/celery", "-A", "portal", "worker", "-Q", "reports", "-n", "reports@host", "-l", "INFO",
        "--concurrency", "1", "--max-memory-per-child", "600000",
    ]  # fmt: skip
    assert command_line("/bin/kill -HUP $MAINPID", "", {"MAINPID": "42"}) == ["/bin/kill", "-HUP", "42"]
    assert command_line("/bin/echo ${FROM}", "", {"FROM": "a b"}) == ["/bin/echo", "a b"]  # ${VAR}: one word
