"""`make deploy-check`: perform DEPLOYMENT.md on this machine, in a scratch folder, and check the site through nginx.

The guide's `step=` blocks run with bash in document order and its `file=` blocks are written, after the
substitutions of `guide.Places` (scratch paths, own ports). Stand-ins (`stand_ins.py`) take the place of systemd,
certbot, the second account and the package manager. PostgreSQL is a private cluster (password authentication on
127.0.0.1, as on a server), Redis a private server, the SMTP server a catcher in this process. Then, through nginx
with a self-signed certificate: /healthz, static files, the Host and X-Forwarded-* headers, the client's real
address in the audit log, the invitation e-mail of `manage.py setup`, a sign-in with password and TOTP, a PDF built
by the reports worker, the processes' memory, a backup and the guide's restore (identical row counts, the site
healthy after), the guide's upgrade without a failed request, and a code folder left untouched at run time.

Each check prints PASS or FAIL; the exit status is 1 if any failed. Everything started is stopped at the end and
the scratch folder removed (`--keep` keeps it, with the logs).
"""

# ruff: noqa: S105, S603, S607, S608 - a test harness that runs fixed programs (the guide's, nginx, psql) by design
from __future__ import annotations

import argparse
import base64
import email
import email.policy
import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import socket
import socketserver
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from devtools.deploycheck.guide import Block, Places, blocks
from devtools.deploycheck.stand_ins import read_environment_file

PROJECT = Path(__file__).resolve().parents[2]
GUIDE = PROJECT / "DEPLOYMENT.md"
STAND_INS = Path(__file__).with_name("stand_ins.py")
COMMANDS = ("systemctl", "journalctl", "runuser", "useradd", "chown", "install", "apt-get", "git", "certbot")
SHIMS = (*COMMANDS, "python3", "nginx")
LATER_STEPS = ("restore", "upgrade")  # run after the site checks, not in document order
UNITS = ("portal-web", "portal-worker@default", "portal-worker@email", "portal-worker@reports", "portal-beat")
HOST = "portal.example.org"
CLIENT_IP = "127.0.0.23"  # the visitor: another loopback address than nginx's own 127.0.0.1
SPOOFED_IP = "203.0.113.66"  # what the visitor claims in its own X-Forwarded-For: never believed
PASSWORD = "a deploy-check passphrase of 2026"
CLEAN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class CheckFailed(Exception):
    pass


# --- reporting --------------------------------------------------------------------------------------------------


@dataclass
class Report:
    failures: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    @contextmanager
    def check(self, name: str, *, fatal: bool = False) -> Iterator[list[str]]:
        """A check: PASS with its time and notes, or FAIL with the reason; a fatal failure stops the run."""
        notes: list[str] = []
        began = time.monotonic()
        try:
            yield notes
        except (CheckFailed, subprocess.SubprocessError, OSError, AssertionError, ValueError, KeyError) as exc:
            self.failures.append(name)
            print(f"FAIL  {name} ({time.monotonic() - began:.1f} s): {exc}", flush=True)
            if fatal:
                raise CheckFailed(f"stopped after: {name}") from exc
            return
        detail = f": {'; '.join(notes)}" if notes else ""
        print(f"PASS  {name} ({time.monotonic() - began:.1f} s){detail}", flush=True)


# --- services of the test machine -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """A private PostgreSQL cluster: trust on its socket (for `runuser -u postgres`), passwords on 127.0.0.1."""

    def __init__(self, folder: Path, port: int) -> None:
        from devtools.devstack.layout import find_bindir

        self.bindir = find_bindir()
        self.data, self.socket_dir, self.log = folder / "data", folder / "run", folder / "postgres.log"
        self.port = port
        self.folder = folder
        self.as_postgres = ["/usr/sbin/runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def start(self) -> None:
        self.folder.mkdir(parents=True)
        self.socket_dir.mkdir()
        if self.as_postgres:
            for path in (self.folder, self.socket_dir):
                shutil.chown(path, "postgres", "postgres")
        initdb = [str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-E", "UTF8", "--no-locale"]
        subprocess.run(
            [*self.as_postgres, *initdb, "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"],
            check=True,
            capture_output=True,
        )
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            [
                *self.as_postgres,
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-w",
                "-o",
                options,
                "start",
            ],
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [*self.as_postgres, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
                capture_output=True,
                check=False,
            )

    def query(self, sql: str, database: str = "portal") -> list[list[str]]:
        result = subprocess.run(
            [
                *("psql", "-h", str(self.socket_dir), "-p", str(self.port), "-U", "postgres", "-d", database),
                *("-AtX", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise CheckFailed(f"psql: {result.stderr.strip()}")
        return [line.split("\t") for line in result.stdout.splitlines() if line]

    def row_counts(self, database: str) -> dict[str, int]:
        tables = [row[0] for row in self.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", database)]
        union = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in sorted(tables))
        return {name: int(count) for name, count in self.query(union, database)}


class SmtpCatcher(socketserver.ThreadingTCPServer):
    """Enough of an SMTP server for Django's SMTP backend (EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int) -> None:
        self.messages: list[email.message.EmailMessage] = []
        super().__init__(("127.0.0.1", port), SmtpHandler)


class SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        server = self.server
        assert isinstance(server, SmtpCatcher)
        self.reply("220 deploy-check SMTP catcher")
        while line := self.rfile.readline():
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250-deploy-check\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n")
            elif verb == "AUTH":
                if "LOGIN" in line.decode().upper():
                    for _prompt in ("VXNlcm5hbWU6", "UGFzc3dvcmQ6"):
                        self.reply(f"334 {_prompt}")
                        self.rfile.readline()
                self.reply("235 accepted")
            elif verb == "DATA":
                self.reply("354 go ahead")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                message = email.message_from_bytes(data, policy=email.policy.default)
                assert isinstance(message, email.message.EmailMessage)
                server.messages.append(message)
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


# --- the visitor's browser --------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    path: str

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    def csrf(self) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.text)
        if not match:
            raise CheckFailed(f"no CSRF token on {self.path}")
        return match.group(1)


class Browser:
    """HTTPS to nginx from CLIENT_IP, with the public host name, cookies and redirects."""

    def __init__(self, port: int, *, tls: bool = True, timeout: float = 30) -> None:
        self.port, self.tls, self.timeout = port, tls, timeout
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, *, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        if self.tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                "127.0.0.1", self.port, context=context, source_address=(CLIENT_IP, 0), timeout=self.timeout
            )
        else:
            conn = http.client.HTTPConnection(
                "127.0.0.1", self.port, source_address=(CLIENT_IP, 0), timeout=self.timeout
            )
        sent = {"Host": HOST, "X-Forwarded-For": SPOOFED_IP, "User-Agent": "deploy-check", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            origin = f"https://{HOST}"
            sent.update(
                {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin, "Referer": origin + path}
            )
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _eq, cookie = pair.partition("=")
                if cookie in ("", '""') or "max-age=0" in value.lower():
                    self.cookies.pop(key.strip(), None)
                else:
                    self.cookies[key.strip()] = cookie
        headers_seen = {name.lower(): value for name, value in response.getheaders()}
        return Answer(response.status, headers_seen, content, path)

    def go(self, method: str, path: str, data: dict[str, str] | None = None) -> Answer:
        answer = self.request(method, path, data=data)
        for _hop in range(10):
            if answer.status not in (301, 302, 303, 307, 308):
                return answer
            target = urlsplit(answer.headers["location"])
            if target.netloc and target.netloc != HOST:
                raise CheckFailed(f"{path} redirects off the site, to {answer.headers['location']}")
            path = (target.path or "/") + (f"?{target.query}" if target.query else "")
            answer = self.request("GET", path)
        raise CheckFailed(f"too many redirects from {path}")

    def submit(self, page: Answer, fields: dict[str, str]) -> Answer:
        return self.go("POST", page.path, {"csrfmiddlewaretoken": page.csrf(), **fields})


def totp(secret: str, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows (RFC 6238: SHA-1, 6 digits, 30 s)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int(time.time()) // 30 + steps_ahead
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


# --- the run ----------------------------------------------------------------------------------------------------


class DeployCheck:
    def __init__(self, *, keep: bool, verbose: bool) -> None:
        self.keep, self.verbose = keep, verbose
        self.report = Report()
        self.scratch = Path(tempfile.mkdtemp(prefix="portal-deploycheck-"))
        self.scratch.chmod(0o755)  # the postgres account must reach its cluster inside
        python = Path(getattr(sys, "_base_executable", sys.executable))
        key = hashlib.sha256((PROJECT / "pyproject.toml").read_bytes() + sys.version.encode()).hexdigest()[:12]
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "portal-deploycheck"
        self.venv_key, self.python = key, python
        self.places = Places(
            root=self.scratch / "root",
            venv=cache / f"venv-{key}",
            web_port=free_port(),
            http_port=free_port(),
            https_port=free_port(),
            pg_port=free_port(),
            redis_port=free_port(),
            smtp_port=free_port(),
        )
        self.state = self.scratch / "state"
        self.cluster = Cluster(self.scratch / "pg", self.places.pg_port)
        self.redis: subprocess.Popen[bytes] | None = None
        self.smtp: SmtpCatcher | None = None
        self.guide = blocks(GUIDE.read_text())
        self.admin_email = ""
        self.app_snapshot: dict[str, tuple[int, int]] = {}

    # -- environment

    @property
    def app_dir(self) -> Path:
        return self.places.path("/srv/portal/app")

    def shell_env(self) -> dict[str, str]:
        root = self.places.root
        passed = {k: v for k, v in os.environ.items() if k.startswith("PIP_") or k.lower().endswith("_proxy")}
        return {
            **passed,
            "PATH": f"{root}/usr/local/bin:{self.scratch / 'fakebin'}:{CLEAN_PATH}",
            "HOME": str(self.scratch / "home"),
            "LANG": "C.UTF-8",
            "DC_ROOT": str(root),
            "DC_STATE": str(self.state),
            "DC_SOURCE": str(PROJECT),
            "DC_PYTHON": str(self.python),
            "DC_VENV_STAMP": self.venv_key,
            "DC_PGHOST": str(self.cluster.socket_dir),
            "DC_PGPORT": str(self.places.pg_port),
            "DC_NGINX_CONF": str(root / "etc/nginx/nginx.conf"),
            "DC_MAX_STOP_SECONDS": "60",
        }

    def bash(self, name: str, script: str, *, timeout: float = 600) -> str:
        path = self.scratch / "steps" / f"{name}.sh"
        path.parent.mkdir(exist_ok=True)
        # Each command traced with the seconds since the step began, into the step's log.
        path.write_text("PS4='+ [${SECONDS}s] '\nset -x\n" + script)
        result = subprocess.run(
            ["/bin/bash", "-euo", "pipefail", str(path)],
            env=self.shell_env(),
            cwd=self.scratch / "home",
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        output = result.stdout + result.stderr
        (self.scratch / "steps" / f"{name}.log").write_text(output)
        if self.verbose:
            print(output)
        if result.returncode:
            last = "\n      ".join(output.strip().splitlines()[-25:])
            raise CheckFailed(f"exit status {result.returncode}:\n      {last}")
        return output

    def prepare(self) -> None:
        root = self.places.root
        for folder in (
            "etc/nginx/sites-available",
            "etc/nginx/sites-enabled",
            "etc/systemd/system",
            "usr/local/bin",
            "srv",
        ):
            (root / folder).mkdir(parents=True, exist_ok=True)
        (self.scratch / "home").mkdir()
        (self.state / "units").mkdir(parents=True)
        (self.state / "logs").mkdir()
        self.places.venv.parent.mkdir(parents=True, exist_ok=True)
        fakebin = self.scratch / "fakebin"
        fakebin.mkdir()
        for name in SHIMS:
            shim = fakebin / name
            shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{STAND_INS}" {name} "$@"\n')
            shim.chmod(0o755)
        nginx_tmp = self.state / "nginx"
        nginx_tmp.mkdir()
        # Debian's /etc/nginx/nginx.conf, reduced to what a scratch folder needs: it includes sites-enabled/*.
        (root / "etc/nginx/nginx.conf").write_text(
            f"""worker_processes 1;
pid {self.state}/units/nginx.pid;
error_log {self.state}/logs/nginx-error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {self.state}/logs/nginx-access.log;
    client_body_temp_path {nginx_tmp}/body;
    proxy_temp_path {nginx_tmp}/proxy;
    fastcgi_temp_path {nginx_tmp}/fastcgi;
    uwsgi_temp_path {nginx_tmp}/uwsgi;
    scgi_temp_path {nginx_tmp}/scgi;
    include {root}/etc/nginx/sites-enabled/*;
}}
"""
        )

    def start_machine(self) -> None:
        """What the packages bring on a server: PostgreSQL, Redis, an SMTP server (here, a catcher)."""
        self.cluster.start()
        redis_dir = self.scratch / "redis"
        redis_dir.mkdir()
        self.redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.places.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(redis_dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.smtp = SmtpCatcher(self.places.smtp_port)
        threading.Thread(target=self.smtp.serve_forever, daemon=True).start()
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.places.redis_port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise CheckFailed("redis-server did not start") from None
                time.sleep(0.1)

    # -- the guide

    def run_block(self, block: Block) -> None:
        if block.file:
            target = self.places.path(block.file)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.places.substitute(block.body))
            return
        self.bash(block.step, self.places.substitute(block.body))

    def install(self) -> None:
        for block in self.guide:
            if block.step in LATER_STEPS:
                continue
            if block.step == "services":
                self.app_snapshot = self.snapshot()
            what = f"guide step '{block.step}'" if block.step else f"guide file {block.file}"
            with self.report.check(f"{what} (DEPLOYMENT.md line {block.line})", fatal=True) as notes:
                self.run_block(block)
                if block.step == "code":
                    (self.places.venv / ".deploycheck-stamp").write_text(self.venv_key)
                if block.file == "/etc/portal/env":
                    notes.append("written")
            if block.step == "first-run":
                match = re.search(r"--email (\S+)", block.body)
                self.admin_email = match.group(1) if match else ""

    def step(self, name: str) -> Block:
        for block in self.guide:
            if block.step == name:
                return block
        raise CheckFailed(f"DEPLOYMENT.md has no block with step={name}")

    # -- checks through nginx

    def https(self) -> Browser:
        return Browser(self.places.https_port)

    def health(self) -> tuple[int, dict[str, str]]:
        answer = self.https().request("GET", "/healthz")
        return answer.status, json.loads(answer.body or b"{}")

    def wait_healthy(self, timeout: float = 120) -> dict[str, str]:
        deadline = time.monotonic() + timeout
        last: dict[str, str] = {}
        while time.monotonic() < deadline:
            try:
                status, last = self.health()
            except (OSError, ValueError, http.client.HTTPException) as exc:
                last = {"error": str(exc)}
            else:
                parts_ok = all(v == "ok" for k, v in last.items() if k != "status" and not k.endswith("_since"))
                if (
                    status == 200
                    and last.get("status") == "ok"
                    and parts_ok
                    and not any(k.endswith("_since") for k in last)
                ):
                    return last
            time.sleep(2)
        raise CheckFailed(f"/healthz not ok within {timeout:.0f} s: {last}")

    def checks(self) -> None:
        with self.report.check("environment file reads the same in systemd and in sh (set -a; . file)") as notes:
            for path in sorted(self.places.path("/etc/portal").glob("*env")):
                notes.append(f"{path.name}: {self.compare_env(path)} values")

        with self.report.check("/healthz through nginx (https): every part ok", fatal=True) as notes:
            health = self.wait_healthy()
            notes.append(json.dumps(health))

        with self.report.check("port 80: /healthz answered, everything else redirected to https") as notes:
            plain = Browser(self.places.http_port, tls=False)
            answer = plain.request("GET", "/healthz")
            assert answer.status == 200, f"http /healthz answered {answer.status}: {answer.text[:200]}"
            answer = plain.request("GET", "/en/")
            assert answer.status == 301 and answer.headers["location"].startswith(f"https://{HOST}/"), answer.headers
            notes.append("200, 301")

        with self.report.check("static file through nginx: Host passed, compressed, immutable") as notes:
            browser = self.https()
            page = browser.go("GET", "/")
            assert page.status == 200, f"home page answered {page.status}"
            found = re.search(r'(/static/[^"\']+\.css)', page.text)
            assert found, "no stylesheet on the home page"
            answer = browser.request("GET", found.group(1), headers={"Accept-Encoding": "gzip, br"})
            assert answer.status == 200, f"{found.group(1)} answered {answer.status}"
            cache_control = answer.headers.get("cache-control", "")
            assert "immutable" in cache_control, f"Cache-Control: {cache_control!r}"
            assert answer.headers.get("content-encoding") in ("gzip", "br"), answer.headers
            notes.append(f"{found.group(1)}: {cache_control}, {answer.headers['content-encoding']}")

        with self.report.check(
            "invitation e-mail of `setup` delivered through the outbox and the email worker", fatal=True
        ) as notes:
            message = self.wait_for_mail(self.admin_email)
            body = message.get_body(("plain",))
            assert body is not None
            link = re.search(rf"https://{re.escape(HOST)}(/\S+/invitation/\S+/)", body.get_content())
            assert link, "no invitation link in the e-mail"
            self.invitation = link.group(1)
            notes.append(f"to {self.admin_email}: {message['subject']}")

        with self.report.check("invitation accepted: password chosen, authenticator app set up", fatal=True) as notes:
            self.secret = self.accept_invitation(notes)

        with self.report.check(
            "sign-in with password and TOTP through nginx lands on the staff area", fatal=True
        ) as notes:
            self.signed_in = self.sign_in(notes)

        with self.report.check(
            "audit log has the visitor's real address (X-Forwarded-For), not nginx's or a forged one"
        ) as notes:
            rows = self.cluster.query(
                "SELECT host(ip_address), count(*) FROM portal_auditevent WHERE ip_address IS NOT NULL GROUP BY 1"
            )
            addresses = {address: int(count) for address, count in rows}
            assert addresses and set(addresses) == {CLIENT_IP}, f"addresses in the audit log: {addresses}"
            notes.append(f"{sum(addresses.values())} audit lines from {CLIENT_IP}")

        with self.report.check("PDF report built by the reports worker") as notes:
            notes.append(self.pdf_build())

        with self.report.check("memory: resident size of the portal's processes") as notes:
            notes.append(self.memory())

    def compare_env(self, path: Path) -> int:
        systemd = read_environment_file(path)
        result = subprocess.run(
            ["env", "-i", "/bin/bash", "-c", 'set -a; . "$1"; env -0', "_", str(path)],
            capture_output=True,
            check=True,
        )
        shell = dict(item.split("=", 1) for item in result.stdout.decode().split("\0") if "=" in item)
        differ = [key for key, value in systemd.items() if shell.get(key) != value]
        if differ:
            raise CheckFailed(f"{path.name}: systemd and sh read different values for {', '.join(differ)}")
        return len(systemd)

    def wait_for_mail(self, address: str, timeout: float = 90) -> email.message.EmailMessage:
        assert self.smtp is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.smtp.messages:
                if address.lower() in str(message["to"]).lower():
                    return message
            time.sleep(1)
        raise CheckFailed(f"no e-mail to {address} within {timeout:.0f} s (outbox, email worker, SMTP)")

    def accept_invitation(self, notes: list[str]) -> str:
        browser = self.https()
        form = browser.go("GET", self.invitation)
        assert form.status == 200, f"invitation page answered {form.status}"
        page = browser.submit(form, {"password1": PASSWORD, "password2": PASSWORD})
        secret = ""
        for _round in range(4):
            if 'id="authenticator_secret"' in page.text:
                tag = re.search(r'<input[^>]*id="authenticator_secret"[^>]*>', page.text)
                value = re.search(r'value="([A-Z2-7]+)"', tag.group(0)) if tag else None
                assert value, "the authenticator secret is not on the page"
                secret = value.group(1)
                page = browser.submit(page, {"code": totp(secret)})
                notes.append(f"second factor set up on {page.path}")
                break
            if 'name="password"' in page.text and "reauthenticate" in page.path:
                page = browser.submit(page, {"password": PASSWORD})
                continue
            page = browser.go("GET", page.path)
        assert secret, f"never reached the authenticator set-up page (last: {page.path} {page.status})"
        assert page.status == 200, f"after the second factor: {page.path} answered {page.status}"
        return secret

    def sign_in(self, notes: list[str]) -> Browser:
        browser = self.https()
        form = browser.go("GET", "/accounts/login/")
        assert form.status == 200, f"sign-in page {form.path} answered {form.status}"
        page = browser.submit(form, {"login": self.admin_email, "password": PASSWORD})
        assert 'name="code"' in page.text, f"no second-factor form after the password ({page.path}, {page.status})"
        # The code of the next 30-second step (accepted: MFA_TOTP_TOLERANCE) differs from the one just used.
        page = browser.submit(page, {"code": totp(self.secret, steps_ahead=1)})
        assert page.status == 200 and "/staff" in page.path, f"after the code: {page.path} answered {page.status}"
        notes.append(f"landed on {page.path}")
        countries = browser.go("GET", "/en/staff/countries/")  # the administrator's screens of `setup`'s next steps
        assert countries.status == 200, f"{countries.path} answered {countries.status}"
        notes.append(f"{countries.path} 200")
        return browser

    def pdf_build(self) -> str:
        snippet = (
            "from django.utils import timezone\n"
            "from portal.access import Role, get_access, unscoped\n"
            "from portal.models import Membership, User\n"
            "from reports.services import request_report\n"
            f"user = User.objects.get(email__iexact={self.admin_email!r})\n"
            "with unscoped():\n"
            "    Membership.objects.get_or_create(\n"
            "        user=user, role=Role.PROGRAMME_ANALYST, defaults={'is_active': True})\n"
            "user = User.objects.get(pk=user.pk)\n"
            "today = timezone.localdate()\n"
            "build = request_report(access=get_access(user), actor=user, scope_kind='programme', period_kind='month',\n"
            "    start=today.replace(day=1), end=today, language='ar')\n"
            "print('BUILD', build.pk)\n"
        )
        (self.scratch / "home" / "pdf.py").write_text(snippet)
        output = self.bash("pdf-request", 'portal-manage shell -c "$(cat pdf.py)"')
        found = re.search(r"BUILD (\d+)", output)
        assert found, f"no build requested: {output[-500:]}"
        deadline = time.monotonic() + 180
        row: list[str] = []
        while time.monotonic() < deadline:
            [row] = self.cluster.query(
                f"SELECT status, file, error FROM portal_reportbuild WHERE id = {found.group(1)}"
            )
            if row[0] in ("done", "failed"):
                break
            time.sleep(2)
        assert row and row[0] == "done", f"build status {row}"
        pdf = self.places.path("/srv/portal/data/media") / row[1]
        assert pdf.read_bytes()[:5] == b"%PDF-", f"{pdf} is no PDF"
        return f"{row[1]} ({pdf.stat().st_size // 1024} KiB, Arabic)"

    def memory(self) -> str:
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        self.rss_total = 0
        parts = []
        for unit in UNITS:
            pid = int((self.state / "units" / f"{unit}.service.pid").read_text())
            tree, kib = [pid], 0
            while tree:
                current = tree.pop()
                tree.extend(children.get(current, []))
                status = Path(f"/proc/{current}/status")
                try:
                    found = re.search(r"VmRSS:\s+(\d+) kB", status.read_text())
                except OSError:
                    continue
                kib += int(found.group(1)) if found else 0
            self.rss_total += kib
            parts.append(f"{unit} {kib // 1024} MB")
        return f"total {self.rss_total // 1024} MB ({', '.join(parts)})"

    # -- backup, restore, upgrade

    def backup_and_restore(self) -> None:
        with self.report.check("backup (portal-backup.service, run by hand)") as notes:
            self.bash("backup-now", "systemctl start portal-backup")
            backups = sorted(self.places.path("/srv/portal/backups").glob("backup-*"))
            assert backups, "no backup folder"
            manifest = json.loads((backups[-1] / "manifest.json").read_text())
            assert manifest["field_keys"], "the manifest lists no field keys"
            self.counts = self.cluster.row_counts("portal")
            notes.append(f"{backups[-1].name}, {len(self.counts)} tables, field keys {manifest['field_keys']}")

        with self.report.check("guide step 'restore': same row counts, tables owned by portal, site healthy") as notes:
            self.run_block(self.step("restore"))
            restored = self.cluster.row_counts("portal")
            before = self.cluster.row_counts("portal_before_restore")
            assert restored == before, f"row counts differ: {[t for t in before if before[t] != restored.get(t)]}"
            owners = self.cluster.query("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
            assert owners == [["portal"]], f"tables owned by {owners}"
            self.wait_healthy()
            answer = self.signed_in.go("GET", "/en/staff/")
            assert answer.status == 200, f"signed-in page after the restore answered {answer.status} ({answer.path})"
            notes.append(f"{sum(restored.values())} rows in {len(restored)} tables, the same as before")

    def upgrade(self) -> None:
        with self.report.check("guide step 'upgrade' (reload, not restart): no failed request meanwhile") as notes:
            statuses: list[int] = []
            errors: list[str] = []
            slowest = [0.0]
            done = threading.Event()

            def hammer() -> None:
                # A request waits as long as nginx would wait for the portal (proxy_read_timeout 60s): one that
                # arrives while the new gunicorn workers load the code waits for them, it does not fail.
                browser = Browser(self.places.http_port, tls=False, timeout=65)
                while not done.is_set():
                    began = time.monotonic()
                    try:
                        statuses.append(browser.request("GET", "/healthz").status)
                        slowest[0] = max(slowest[0], time.monotonic() - began)
                    except (OSError, http.client.HTTPException) as exc:
                        statuses.append(0)
                        errors.append(f"{time.strftime('%H:%M:%S')} {exc!r}")
                    time.sleep(0.05)

            thread = threading.Thread(target=hammer, daemon=True)
            thread.start()
            try:
                self.run_block(self.step("upgrade"))
                time.sleep(3)  # the reloaded workers take over
            finally:
                done.set()
                thread.join()
            failed = [s for s in statuses if s not in (200,)]
            upstream = [line for line in self.log_lines("nginx-error.log") if "upstream" in line][-3:]
            assert not failed, (
                f"{len(failed)} of {len(statuses)} requests failed during the upgrade: {sorted(set(failed))} "
                f"{errors[:3]} {upstream}"
            )
            self.wait_healthy()
            notes.append(
                f"{len(statuses)} requests to /healthz during the upgrade, all 200 (slowest {slowest[0]:.1f} s)"
            )

    def log_lines(self, name: str) -> list[str]:
        try:
            return (self.state / "logs" / name).read_text(errors="replace").splitlines()
        except OSError:
            return []

    # -- the code folder

    def snapshot(self) -> dict[str, tuple[int, int]]:
        files = {}
        for path in self.app_dir.rglob("*"):
            if path.is_file():
                stat = path.stat()
                files[str(path.relative_to(self.app_dir))] = (stat.st_size, stat.st_mtime_ns)
        return files

    def app_untouched(self) -> None:
        with self.report.check(
            "nothing written into the code's folder while the site ran (PORTAL_DATA_DIR used)"
        ) as notes:
            now = self.snapshot()
            changed = sorted(
                name for name in set(now) | set(self.app_snapshot) if now.get(name) != self.app_snapshot.get(name)
            )
            assert not changed, f"{len(changed)} file(s) created or changed: {changed[:10]}"
            notes.append(f"{len(now)} files unchanged")

    # -- clean-up

    def stop_everything(self) -> None:
        try:
            if (self.state / "units").exists():
                self.bash("stop", "systemctl stop nginx " + " ".join(UNITS), timeout=120)
        except (CheckFailed, subprocess.SubprocessError) as exc:
            print(f"note: stopping the units: {exc}")
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait(timeout=10)
        if self.smtp is not None:
            self.smtp.shutdown()
            self.smtp.server_close()
        self.cluster.stop()
        if self.keep:
            print(f"kept: {self.scratch} (logs in {self.state / 'logs'}, step output in {self.scratch / 'steps'})")
        else:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def run(self) -> int:
        print(f"deploy-check: performing {GUIDE.name} in {self.scratch} (https on 127.0.0.1:{self.places.https_port})")
        try:
            with self.report.check(
                "test machine: private PostgreSQL, Redis, SMTP catcher, nginx 1.2x", fatal=True
            ) as notes:
                self.prepare()
                self.start_machine()
                version = subprocess.run(["/usr/sbin/nginx", "-v"], capture_output=True, text=True, check=True)
                notes.append(version.stderr.strip())
            self.install()
            self.checks()
            self.app_untouched()
            self.backup_and_restore()
            self.upgrade()
        except CheckFailed as exc:
            print(f"STOP  {exc}")
        finally:
            self.stop_everything()
        took = time.monotonic() - self.report.started
        if self.report.failures:
            failed = "; ".join(self.report.failures)
            print(f"deploy-check FAILED in {took:.0f} s: {len(self.report.failures)} check(s): {failed}")
            return 1
        print(f"deploy-check passed in {took:.0f} s")
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.deploycheck", description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder and its logs")
    parser.add_argument("--verbose", action="store_true", help="print every step's output")
    options = parser.parse_args(argv)
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        print("deploy-check needs nginx (apt-get install nginx)", file=sys.stderr)
        return 2
    return DeployCheck(keep=options.keep, verbose=options.verbose).run()
