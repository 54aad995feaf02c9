"""llama-cpp-python's OpenAI-compatible server for a local model, as a child process on a free loopback port:
started on first use, one per model per process, stopped at exit, and gone by itself when this process dies
(it watches a pipe from us). Calls still go through an OpenAI client over HTTP, so retries, scrubbing and
cassette recording work as with any server.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .local_files import MODEL_LOCK, model_file
from .local_model import DEFAULT_PARTS, INSTALL, NO_MODEL, LocalModel, models_dir

__all__ = ["N_CTX", "STARTUP_TIMEOUT_S", "LocalServer", "check", "installed", "serve", "server_command", "shutdown",
           "stopped"]

N_CTX = 16384
STARTUP_TIMEOUT_S = 300.0
# Seen on a VM that advertises AMX but faults on its first tile instruction: llama.cpp built with
# -march=native dies on the first request. A portable build avoids it.
REBUILD = ('if it crashes again, rebuild llama-cpp-python for this CPU without -march=native: CMAKE_ARGS='
           '"-DGGML_NATIVE=OFF" pip install --force-reinstall --no-cache-dir --no-deps llama-cpp-python')


def installed() -> bool:
    """Is llama-cpp-python importable (the local extra)?"""
    return importlib.util.find_spec("llama_cpp") is not None


def check(model: LocalModel) -> Path:
    """What serving `model` needs: llama-cpp-python installed, and the checked GGUF (see `model_file`)."""
    if not installed():
        raise ConfigError(NO_MODEL if model.implicit else f"the local model needs the local extra: {INSTALL}")
    return model_file(model)


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
                 startup_timeout: float = STARTUP_TIMEOUT_S) -> None:
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

    def stopped(self, wait: float = 0.0) -> str | None:
        """Why the server that was started is gone ("was killed by SIGSEGV ..."), or None while it runs;
        `wait`: seconds to give a server that may be dying (a crash mid-request reaches the client as a reset
        connection, or even as the reply it was writing, a moment before the process is gone)."""
        proc = self.proc
        if proc is not None and wait > 0:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(wait)
        code = None if proc is None else proc.poll()
        if code is None:
            return None
        return f"{self.what} {_ended(code)} while answering (log: {self.log_path}){_hint(code)}"

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
                raise ConfigError(f"{self.what} {_ended(code)} while starting: {self._tail(offset)} "
                                  f"(log: {self.log_path}){_hint(code)}")
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


def _ended(code: int) -> str:
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with status {code}"


def _hint(code: int) -> str:
    # a crash in llama.cpp's native code, not a Python error the log explains
    crashes = {signal.SIGSEGV, signal.SIGILL, signal.SIGBUS, signal.SIGABRT}
    return f"; {REBUILD}" if code < 0 and -code in crashes else ""


def stopped(model: LocalModel, wait: float = 0.0) -> str | None:
    """Why this process's server for `model` stopped, if it was started and has since died; else None (after
    giving a dying one `wait` seconds)."""
    server = _servers.get(LocalModel(model.name, model.path))
    return server.stopped(wait) if server is not None else None


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
    with MODEL_LOCK:
        server = _servers.get(key)
        if server is not None and server.running():
            return server.base_url
        gguf = check(model)
        if gguf not in _announced:
            _announced.add(gguf)
            what = f"{model.name} ({DEFAULT_PARTS.quant})" if model.path is None else model.name
            print(f"using local model {what} from {gguf}; set OPENAI_API_KEY or OPENAI_BASE_URL to use another "
                  "server", file=sys.stderr, flush=True)
        if server is None:
            server = LocalServer(lambda port: server_command(gguf, model.label, port), log_path=models_dir() / "server.log")
            _servers[key] = server
        return server.start()


def shutdown() -> None:
    """Stop every server this process started (also run at exit and on SIGTERM / SIGHUP)."""
    with MODEL_LOCK:
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
