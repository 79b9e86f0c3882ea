"""Stand-ins for the system commands DEPLOYMENT.md uses that a test machine must not (or cannot) run for real.

`python stand_ins.py <command> ARGS...` is what the shims in the scratch folder's `fakebin/` run, ahead of the
real programs on PATH, while the deploy check runs the guide's blocks. Standard library only: it runs before (and
outside) Django, from the check's own interpreter.

- `systemctl` runs a unit's `ExecStart` as systemd would: its `EnvironmentFile`s and `Environment=` lines over a
  clean environment, `%i`/`%H`/`%%` specifiers, `$VAR` split into words and `${VAR}` kept whole, the working
  directory, output to a log file that `journalctl -u` prints; `reload` runs `ExecReload` with `$MAINPID`; `stop`
  sends `KillSignal` (to the main process with `KillMode=mixed`, else to the whole group) and waits; a
  `Type=oneshot` unit runs to its end. `nginx` runs the real nginx with the scratch configuration.
- `runuser -u portal --` runs the command as the invoking account (no second account on a test machine);
  `runuser -u postgres --` points psql at the check's private cluster.
- `useradd` and `chown` only create the home folder / do nothing; `install -o/-g` drops the owner; `apt-get`
  checks that the programs the guide installs are there; `git clone` copies the working tree; `certbot` makes a
  self-signed certificate; `python3` is a Python 3.12+.

Settings come from the environment the check sets: DC_ROOT (the scratch root), DC_STATE, DC_SOURCE (the
project), DC_PYTHON, DC_VENV_STAMP, DC_PGHOST, DC_PGPORT, DC_NGINX_CONF, DC_MAX_STOP_SECONDS.
"""

# ruff: noqa: S603, S607 - a test harness that runs fixed programs (the guide's, nginx, psql) by design
from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

CLEAN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        sys.exit(f"deploy-check stand-in: {name} is not set")
    return value


def state_dir() -> Path:
    path = Path(env("DC_STATE"))
    (path / "units").mkdir(parents=True, exist_ok=True)
    (path / "logs").mkdir(parents=True, exist_ok=True)
    return path


# --- systemd ---------------------------------------------------------------------------------------------------


def unit_name(name: str) -> str:
    return name if name.endswith((".service", ".timer")) else f"{name}.service"


def unit_file(name: str) -> tuple[Path, str]:
    """The unit file of `name` and its instance (`portal-worker@email.service` -> template, "email")."""
    name = unit_name(name)
    units = Path(env("DC_ROOT")) / "etc/systemd/system"
    stem, _dot, kind = name.rpartition(".")
    if "@" in stem:
        template, instance = stem.split("@", 1)
        return units / f"{template}@.{kind}", instance
    return units / name, ""


def parse_unit(path: Path) -> dict[str, list[str]]:
    """The [Service] (or [Timer]) keys of a unit file, each a list of values; continuation lines joined."""
    keys: dict[str, list[str]] = {}
    section = ""
    pending = ""
    for raw in path.read_text().splitlines():
        line = pending + raw.strip()
        pending = ""
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        if section in ("Service", "Timer") and "=" in line:
            key, value = line.split("=", 1)
            keys.setdefault(key.strip(), []).append(value.strip())
    return keys


def read_environment_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd reads them: quotes removed ('…' as is, "…" with backslash escapes)."""
    values: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")) or "=" not in line:
            continue
        key, value = line.split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == "'":
            value = value[1:-1]
        elif len(value) >= 2 and value[0] == value[-1] == '"':
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        values[key.strip()] = value
    return values


def specifiers(text: str, instance: str) -> str:
    return re.sub(
        r"%(.)",
        lambda m: {"i": instance, "I": instance, "H": socket.gethostname(), "%": "%"}.get(m.group(1), m.group(0)),
        text,
    )


def command_line(value: str, instance: str, variables: dict[str, str]) -> list[str]:
    """An Exec line as argv: specifiers, then `$VAR` split into words and `${VAR}` kept as one word."""
    words: list[str] = []
    for word in shlex.split(specifiers(value.lstrip("-@+!:"), instance)):
        whole = re.fullmatch(r"\$(\w+)", word)
        if whole:
            words.extend(variables.get(whole.group(1), "").split())
            continue
        words.append(re.sub(r"\$\{(\w+)\}", lambda m: variables.get(m.group(1), ""), word))
    return words


def unit_environment(keys: dict[str, list[str]], instance: str) -> dict[str, str]:
    variables = {"PATH": CLEAN_PATH, "LANG": "C.UTF-8", "HOME": str(Path(env("DC_ROOT")) / "srv/portal")}
    for value in keys.get("Environment", []):
        for item in shlex.split(specifiers(value, instance)):
            name, _eq, text = item.partition("=")
            variables[name] = text
    for value in keys.get("EnvironmentFile", []):
        optional = value.startswith("-")
        path = Path(specifiers(value.lstrip("-"), instance))
        if not path.is_file():
            if optional:
                continue
            sys.exit(f"systemctl (stand-in): EnvironmentFile {path} is missing")
        variables.update(read_environment_file(path))
    return variables


def pid_file(name: str) -> Path:
    return state_dir() / "units" / f"{unit_name(name)}.pid"


def log_file(name: str) -> Path:
    return state_dir() / "logs" / f"{unit_name(name)}.log"


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def main_pid(name: str) -> int | None:
    try:
        pid = int(pid_file(name).read_text())
    except (OSError, ValueError):
        return None
    return pid if alive(pid) else None


def start(name: str) -> int:
    if unit_name(name) in ("nginx.service",):
        return start_nginx()
    if unit_name(name) in ("postgresql.service", "redis-server.service"):
        return 0  # started by the check itself
    if name.endswith(".timer"):
        print(f"systemctl (stand-in): {name} enabled; the check runs its service by hand")
        return 0
    if main_pid(name):
        return 0
    path, instance = unit_file(name)
    if not path.is_file():
        print(f"systemctl (stand-in): unit {unit_name(name)} not found ({path})", file=sys.stderr)
        return 5
    keys = parse_unit(path)
    variables = unit_environment(keys, instance)
    argv = command_line(keys["ExecStart"][-1], instance, variables)
    cwd = specifiers(keys.get("WorkingDirectory", ["/"])[-1], instance)
    log = log_file(name).open("ab")
    log.write(f"--- {time.strftime('%H:%M:%S')} start: {shlex.join(argv)}\n".encode())
    log.flush()
    oneshot = keys.get("Type", [""])[-1] == "oneshot"
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        env=variables,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    if oneshot:
        code = process.wait()
        if code:
            print(f"systemctl (stand-in): {unit_name(name)} failed with exit code {code}", file=sys.stderr)
            print(tail(log_file(name), 30), file=sys.stderr)
        return code
    pid_file(name).write_text(str(process.pid))
    time.sleep(0.5)
    if process.poll() is not None:
        print(f"systemctl (stand-in): {unit_name(name)} exited at once ({process.returncode})", file=sys.stderr)
        print(tail(log_file(name), 30), file=sys.stderr)
        return 1
    return 0


def stop(name: str) -> int:
    if unit_name(name) == "nginx.service":
        return stop_nginx()
    pid = main_pid(name)
    if pid is None:
        return 0
    path, _instance = unit_file(name)
    keys = parse_unit(path)
    sig = getattr(signal, keys.get("KillSignal", ["SIGTERM"])[-1])
    mixed = keys.get("KillMode", ["control-group"])[-1] == "mixed"
    try:
        if mixed:
            os.kill(pid, sig)
        else:
            os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    limit = min(
        float(keys.get("TimeoutStopSec", ["90"])[-1].rstrip("s")), float(os.environ.get("DC_MAX_STOP_SECONDS", "60"))
    )
    deadline = time.monotonic() + limit
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    try:
        os.killpg(pid, signal.SIGKILL)  # what is left of the group, as systemd does after the main process ended
    except ProcessLookupError:
        pass
    pid_file(name).unlink(missing_ok=True)
    return 0


def reload(name: str) -> int:
    if unit_name(name) == "nginx.service":
        return subprocess.call([*nginx_argv(), "-s", "reload"])
    pid = main_pid(name)
    if pid is None:
        print(f"systemctl (stand-in): {unit_name(name)} is not running", file=sys.stderr)
        return 7
    path, instance = unit_file(name)
    keys = parse_unit(path)
    if "ExecReload" not in keys:
        print(f"systemctl (stand-in): {unit_name(name)} has no ExecReload", file=sys.stderr)
        return 1
    variables = {**unit_environment(keys, instance), "MAINPID": str(pid)}
    return subprocess.call(command_line(keys["ExecReload"][-1], instance, variables))


def nginx_argv() -> list[str]:
    # -e: the error log before the configuration is read (else /var/log/nginx/error.log, not writable unless root)
    return ["/usr/sbin/nginx", "-e", f"{env('DC_STATE')}/logs/nginx-error.log", "-c", env("DC_NGINX_CONF")]


def start_nginx() -> int:
    pid = state_dir() / "units" / "nginx.pid"
    if pid.exists() and alive(int(pid.read_text() or 0)):
        return 0
    return subprocess.call(nginx_argv())


def stop_nginx() -> int:
    pid = state_dir() / "units" / "nginx.pid"
    if not pid.exists():
        return 0
    subprocess.call([*nginx_argv(), "-s", "quit"], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while pid.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return 0


def tail(path: Path, lines: int) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def systemctl(args: list[str]) -> int:
    args = [arg for arg in args if arg not in ("--quiet", "-q", "--no-block")]
    if not args:
        return 0
    verb, names = args[0], [arg for arg in args[1:] if not arg.startswith("-")]
    if verb == "daemon-reload":
        return 0
    if verb == "enable":
        return max([start(name) for name in names] or [0]) if "--now" in args else 0
    if verb == "start":
        return max([start(name) for name in names] or [0])
    if verb == "stop":
        return max([stop(name) for name in names] or [0])
    if verb == "restart":
        return max([stop(name) or start(name) for name in names] or [0])
    if verb == "reload":
        return max([reload(name) for name in names] or [0])
    if verb == "is-active":
        return 0 if all(main_pid(name) for name in names) else 3
    print(f"systemctl (stand-in): {verb} is not supported", file=sys.stderr)
    return 1


def journalctl(args: list[str]) -> int:
    names = [args[i + 1] for i, arg in enumerate(args) if arg == "-u" and i + 1 < len(args)]
    lines = int(args[args.index("-n") + 1]) if "-n" in args else 50
    for name in names:
        print(tail(log_file(name), lines))
    return 0


# --- accounts, packages, files ---------------------------------------------------------------------------------


def runuser(args: list[str]) -> int:
    if "--" not in args or "-u" not in args:
        sys.exit("runuser (stand-in): only `runuser -u ACCOUNT -- COMMAND` is supported")
    account = args[args.index("-u") + 1]
    command = args[args.index("--") + 1 :]
    variables = dict(os.environ)
    if account == "postgres":  # the check's private cluster, as the postgres superuser
        variables.update(PGHOST=env("DC_PGHOST"), PGPORT=env("DC_PGPORT"), PGUSER="postgres")
    os.execvpe(command[0], command, variables)  # noqa: S606


def useradd(args: list[str]) -> int:
    if "--create-home" in args or "-m" in args:
        for flag in ("--home-dir", "-d"):
            if flag in args:
                Path(args[args.index(flag) + 1]).mkdir(parents=True, exist_ok=True)
    print(f"useradd (stand-in): account {args[-1]} not created; the check runs as {os.environ.get('USER', 'itself')}")
    return 0


def install(args: list[str]) -> int:
    kept: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in ("-o", "-g", "--owner", "--group"):
            skip = True
            continue
        kept.append(arg)
    return subprocess.call(["/usr/bin/install", *kept])


def apt_get(args: list[str]) -> int:
    if args and args[0] == "install":
        needed = {
            "nginx": "/usr/sbin/nginx",
            "redis-server": "redis-server",
            "postgresql": "psql",
            "openssl": "openssl",
        }
        missing = [pkg for pkg, program in needed.items() if pkg in args and not shutil.which(program)]
        if missing:
            print(f"apt-get (stand-in): not installed on this machine: {', '.join(missing)}", file=sys.stderr)
            return 100
        print("apt-get (stand-in): the programs the guide installs are present")
    return 0


def git(args: list[str]) -> int:
    if args[:1] == ["clone"]:
        target = Path(args[-1])
        source = Path(env("DC_SOURCE"))
        listed = subprocess.run(
            ["git", "-C", str(source), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True,
            check=True,
        ).stdout.decode()
        for name in filter(None, listed.split("\0")):
            origin = source / name
            if not origin.is_file():
                continue  # deleted in the working tree
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target / name)
        print(f"git clone (stand-in): copied the working tree of {source}")
        return 0
    if "pull" in args:
        print("git pull (stand-in): already up to date")
        return 0
    return subprocess.call(["/usr/bin/git", *args])


def certbot(args: list[str]) -> int:
    domain = args[args.index("-d") + 1]
    folder = Path(env("DC_ROOT")) / "etc/letsencrypt/live" / domain
    folder.mkdir(parents=True, exist_ok=True)
    return subprocess.call(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={domain}",
            "-addext",
            f"subjectAltName=DNS:{domain}",
            "-keyout",
            str(folder / "privkey.pem"),
            "-out",
            str(folder / "fullchain.pem"),
        ],
        stderr=subprocess.DEVNULL,
    )


def python3(args: list[str]) -> int:
    if args[:2] == ["-m", "venv"]:
        target = Path(args[-1])
        stamp = target / ".deploycheck-stamp"
        if stamp.is_file() and stamp.read_text() == env("DC_VENV_STAMP"):
            print(f"python3 -m venv (stand-in): {target} kept from an earlier run (same pyproject.toml)")
            return 0
        shutil.rmtree(target, ignore_errors=True)
    os.execv(env("DC_PYTHON"), [env("DC_PYTHON"), *args])  # noqa: S606


def nginx(args: list[str]) -> int:
    return subprocess.call([*nginx_argv(), *args])


def ignore(name: str) -> Callable[[list[str]], int]:
    def run(args: list[str]) -> int:
        print(f"{name} (stand-in): {shlex.join(args)} skipped on the test machine")
        return 0

    return run


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "systemctl": systemctl,
    "journalctl": journalctl,
    "runuser": runuser,
    "useradd": useradd,
    "chown": ignore("chown"),
    "install": install,
    "apt-get": apt_get,
    "git": git,
    "certbot": certbot,
    "python3": python3,
    "nginx": nginx,
}


if __name__ == "__main__":
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
