"""The blocks of DEPLOYMENT.md that the deploy check performs, and the substitutions that put them in a scratch folder.

A fenced block whose info string names a `step=NAME` is a shell step (run with bash as root would run it); one
that names a `file=/absolute/path` is a file to write. Everything else in the guide is prose or an example.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^```(?P<lang>[\w-]*)(?P<attrs>[^\n]*)\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
ATTR = re.compile(r"(\w+)=(\S+)")


@dataclass(frozen=True)
class Block:
    lang: str
    step: str
    file: str
    body: str
    line: int  # where it starts in the guide, for messages


def blocks(text: str) -> list[Block]:
    found = []
    for match in FENCE.finditer(text):
        attrs = dict(ATTR.findall(match.group("attrs")))
        if "step" in attrs or "file" in attrs:
            found.append(
                Block(
                    lang=match.group("lang"),
                    step=attrs.get("step", ""),
                    file=attrs.get("file", ""),
                    body=match.group("body"),
                    line=text.count("\n", 0, match.start()) + 1,
                )
            )
    return found


@dataclass(frozen=True)
class Places:
    """Where the guide's paths and ports go on the test machine."""

    root: Path
    venv: Path
    web_port: int
    http_port: int
    https_port: int
    pg_port: int
    redis_port: int
    smtp_port: int

    def table(self) -> dict[str, str]:
        r = str(self.root)
        return {
            "/srv/portal/venv": str(self.venv),
            "/srv/portal": f"{r}/srv/portal",
            "/etc/portal": f"{r}/etc/portal",
            "/etc/systemd/system": f"{r}/etc/systemd/system",
            "/etc/nginx": f"{r}/etc/nginx",
            "/etc/letsencrypt": f"{r}/etc/letsencrypt",
            "/usr/local/bin/portal-manage": f"{r}/usr/local/bin/portal-manage",
            "127.0.0.1:8000": f"127.0.0.1:{self.web_port}",
            "127.0.0.1:5432": f"127.0.0.1:{self.pg_port}",
            "127.0.0.1:6379": f"127.0.0.1:{self.redis_port}",
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl http2;",
            "EMAIL_HOST='smtp.example.org'": "EMAIL_HOST='127.0.0.1'",
            "EMAIL_PORT='587'": f"EMAIL_PORT='{self.smtp_port}'",
            "EMAIL_USE_TLS='true'": "EMAIL_USE_TLS='false'",
        }

    def substitute(self, text: str) -> str:
        """One pass, longest match first, so that a replaced path is never replaced again."""
        table = self.table()
        text = re.sub(r"^[ \t]*listen \[::\][^\n]*\n", "", text, flags=re.MULTILINE)  # no IPv6 on every test machine
        pattern = re.compile("|".join(re.escape(key) for key in sorted(table, key=len, reverse=True)))
        return pattern.sub(lambda m: table[m.group(0)], text)

    def path(self, guide_path: str) -> Path:
        return Path(self.substitute(guide_path))
