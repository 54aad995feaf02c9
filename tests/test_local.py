"""The local model: assembly from part packages, checks, model-name parsing, and the managed server.

Everything here is small and fake: tiny part packages on a temporary sys.path stand in for the 22 wheels,
and a few lines of http.server stand in for llama-cpp-python's server. Neither llama_cpp nor the real model
is needed (conftest makes `installed()` False for every test; the tests that need it True say so).
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarizer import local, local_files, local_server
from summarizer.cli import cli
from summarizer.errors import ConfigError, ModelUnavailableError
from summarizer.llm import LLM
from summarizer.local import LocalModel, LocalServer, Parts, parse_model
from summarizer.pipeline import summarize

FAKE_SERVER = textwrap.dedent(
    """
    import http.server, json, os, signal, sys, time
    args = sys.argv[1:]
    port = int(args[args.index("--port") + 1])
    alias = args[args.index("--model_alias") + 1] if "--model_alias" in args else "fake"
    mode = os.environ.get("FAKE_SERVER_MODE", "ok")
    print("fake server loading", flush=True)
    if mode == "die":
        print("error: llama_model_load: invalid magic", flush=True)
        sys.exit(3)
    if mode == "hang":
        time.sleep(60)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps({"object": "list", "data": [{"id": alias, "object": "model", "owned_by": "me",
                                                           "created": 0}]}).encode()
            self.send_response(200 if self.path == "/v1/models" else 404)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            if mode == "segv":  # as llama.cpp built for an instruction the CPU refuses: dies mid-request
                os.kill(os.getpid(), signal.SIGSEGV)
            self.send_response(500)
            self.end_headers()

        def log_message(self, *a):
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
    """
)


@pytest.fixture
def fake_server_script(tmp_path: Path) -> Path:
    path = tmp_path / "fake_server.py"
    path.write_text(FAKE_SERVER)
    return path


@pytest.fixture(autouse=True)
def _no_servers_left():
    yield
    local.shutdown()
    local_server._servers.clear()
    local_server._announced.clear()


def make_parts(root: Path, monkeypatch: pytest.MonkeyPatch, chunks: list[bytes], *, versions: dict[int, str] | None = None,
               skip: tuple[int, ...] = (), sha256: str | None = None) -> Parts:
    """Tiny part packages `<prefix>N` (with their dist-info) on sys.path, and DEFAULT_PARTS set to them."""
    prefix = f"fakepart_{uuid.uuid4().hex[:8]}_"
    site = root / "site"
    for n, data in enumerate(chunks, 1):
        if n in skip:
            continue
        pkg = site / f"{prefix}{n}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        chunk = pkg / "data" / f"part{n:02d}.bin"
        chunk.write_bytes(data)
        dist = site / f"{prefix}{n}-{(versions or {}).get(n, '0.2.0')}.dist-info"
        dist.mkdir()
        (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {prefix}{n}\nVersion: {(versions or {}).get(n, '0.2.0')}\n")
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    whole = b"".join(chunks)
    parts = Parts(name="fake-model", quant="Q0", filename="fake-model.gguf", package=prefix + "{n}", module=prefix + "{n}",
                  chunk="data/part{n:02d}.bin", count=len(chunks), version="0.2.0", size=len(whole),
                  sha256=sha256 or hashlib.sha256(whole).hexdigest())
    # what model_file assembles; the default model keeps its name
    monkeypatch.setattr(local_files, "DEFAULT_PARTS", parts)
    return parts


CHUNKS = [b"GGUF" + b"a" * 60, b"b" * 64, b"c" * 17]


def default() -> LocalModel:
    return LocalModel(local.DEFAULT_PARTS.name)


# -- assembly and checks ----------------------------------------------------------------------------------

def test_assembles_the_default_model_from_its_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = make_parts(tmp_path, monkeypatch, CHUNKS)
    path = local.model_file(default(), quiet=True)
    assert path == local.models_dir() / parts.filename == tmp_path / "models" / "fake-model.gguf"
    assert path.read_bytes() == b"".join(CHUNKS)
    assert sorted(p.name for p in path.parent.iterdir()) == ["fake-model.gguf", "fake-model.gguf.verified.json"]


def test_models_dir_follows_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUMMARIZER_MODELS_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert local.models_dir() == tmp_path / "xdg" / "summarizer" / "models"


def test_the_stamp_spares_a_rehash_until_the_file_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_parts(tmp_path, monkeypatch, CHUNKS)
    path = local.model_file(default(), quiet=True)
    hashed: list[str] = []
    real = local_files._hash_files
    monkeypatch.setattr(local_files, "_hash_files", lambda *a, **k: hashed.append(a[2]) or real(*a, **k))
    assert local.model_file(default(), quiet=True) == path and hashed == []  # stamp matches: no re-hash
    os.utime(path, ns=(time.time_ns(), time.time_ns() - 10**9))  # touched: re-hashed once, stamp renewed
    assert local.model_file(default(), quiet=True) == path and len(hashed) == 1 and hashed[0].startswith("checking")
    assert local.model_file(default(), quiet=True) == path and len(hashed) == 1
    data = bytearray(path.read_bytes())
    data[10] ^= 1  # corrupted, same size: re-hashed, found wrong, assembled again from the parts
    path.write_bytes(bytes(data))
    assert local.model_file(default(), quiet=True).read_bytes() == b"".join(CHUNKS)
    assert hashed[1].startswith("checking") and hashed[2].startswith("assembling")


def test_a_hash_mismatch_is_an_error_and_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_parts(tmp_path, monkeypatch, CHUNKS, sha256="0" * 64)
    with pytest.raises(ConfigError, match=r"does not match its sha256.*pip install") as err:
        local.model_file(default(), quiet=True)
    assert "\n" not in str(err.value)
    assert list((tmp_path / "models").iterdir()) == []


def test_a_corrupted_part_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = make_parts(tmp_path, monkeypatch, CHUNKS)
    chunk = tmp_path / "site" / parts.module.format(n=2) / "data" / "part02.bin"
    chunk.write_bytes(b"X" * 64)  # same size, so only the hash can tell
    with pytest.raises(ConfigError, match=r"does not match its sha256: reinstall them with pip install --force"):
        local.model_file(default(), quiet=True)
    assert list((tmp_path / "models").iterdir()) == []


def test_a_missing_part_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = make_parts(tmp_path, monkeypatch, CHUNKS, skip=(2,))
    with pytest.raises(ConfigError, match=f"missing {parts.package.format(n=2)}: pip install -e"):
        local.model_file(default(), quiet=True)


def test_a_wrong_part_version_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = make_parts(tmp_path, monkeypatch, CHUNKS, versions={3: "0.3.0"})
    with pytest.raises(ConfigError, match=f"==0.2.0, found {parts.package.format(n=3)} 0.3.0"):
        local.model_file(default(), quiet=True)


def test_no_parts_at_all_says_install_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_parts(tmp_path, monkeypatch, CHUNKS, skip=(1, 2, 3))
    with pytest.raises(ConfigError, match=r"is not installed: pip install -e \"\.\[local\]\""):
        local.model_file(default(), quiet=True)


def test_a_user_gguf_must_exist_and_be_a_gguf(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such model file"):
        local.model_file(parse_model(f"local:{tmp_path / 'missing.gguf'}"))  # type: ignore[arg-type]
    text = tmp_path / "notes.gguf"
    text.write_text("not a model")
    with pytest.raises(ConfigError, match="not a GGUF model file"):
        local.model_file(parse_model(f"local:{text}"))  # type: ignore[arg-type]
    real = tmp_path / "mine.gguf"
    real.write_bytes(b"GGUF\x03\x00\x00\x00rest")
    assert local.model_file(parse_model(f"local:{real}")) == real.resolve()  # type: ignore[arg-type]


# -- choosing the model -----------------------------------------------------------------------------------

def test_model_names(monkeypatch: pytest.MonkeyPatch) -> None:
    name = local.DEFAULT_PARTS.name
    assert parse_model("local") == parse_model("local:") == parse_model(f"local:{name}") == LocalModel(name)
    assert parse_model(None) is None and parse_model("gpt-4o-mini") is None and parse_model("localish") is None
    monkeypatch.setenv("HOME", "/home/someone")
    mine = parse_model("local:~/models/Other-7B.Q4.gguf")
    assert mine == LocalModel("Other-7B.Q4", Path("/home/someone/models/Other-7B.Q4.gguf"))
    assert mine is not None and mine.label == "local:Other-7B.Q4"


def test_nothing_configured_means_the_local_model(monkeypatch: pytest.MonkeyPatch) -> None:
    assert local.choose(None, base_url=None, api_key=None) == LocalModel(local.DEFAULT_PARTS.name, implicit=True)
    assert local.choose(None, base_url=None, api_key="sk-x") is None
    assert local.choose(None, base_url="http://127.0.0.1:9/v1", api_key=None) is None
    assert local.choose("gpt-4o-mini", base_url=None, api_key=None) is None  # asked for by name: no silent swap
    assert local.choose(None, base_url=None, api_key=None, client=True) is None
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert local.choose(None, base_url=None, api_key=None) is None
    assert local.choose("local", base_url=None, api_key=None) == LocalModel(local.DEFAULT_PARTS.name)
    monkeypatch.setenv("SUMMARIZER_MODEL", "local")
    assert local.choose(None, base_url=None, api_key=None) == LocalModel(local.DEFAULT_PARTS.name)


def test_the_llm_defaults_for_the_local_model(monkeypatch: pytest.MonkeyPatch) -> None:
    llm = LLM()
    assert llm.model == "local:qwen2.5-coder-1.5b-instruct" and llm.base_url is None
    assert (llm.timeout, llm.transport_attempts, llm.throttle.max) == (900.0, 1, 1)
    monkeypatch.setenv("SUMMARIZER_LOCAL_TIMEOUT", "60")
    assert LLM(model="local", max_concurrency=3).timeout == 60.0
    assert LLM(model="local", max_concurrency=3).throttle.max == 3
    remote = LLM(base_url="https://llm.example.com/v1")
    assert remote.local is None and (remote.timeout, remote.transport_attempts, remote.throttle.max) == (120.0, 6, 8)
    # a server on this machine is not the local model, but as slow: the local timeout, the usual retries
    here = LLM(base_url="http://127.0.0.1:9/v1")
    assert here.local is None and (here.timeout, here.transport_attempts) == (60.0, 6)


def test_without_the_extra_the_error_names_every_way(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        _ = LLM().client
    message = str(err.value)
    assert "OPENAI_API_KEY" in message and "OPENAI_BASE_URL" in message and 'pip install -e ".[local]"' in message
    with pytest.raises(ConfigError, match=r'^the local model needs the local extra: pip install -e "\.\[local\]"$'):
        _ = LLM(model="local").client
    assert not (tmp_path / "models").exists()  # nothing assembled for a server that cannot run


# -- the server -------------------------------------------------------------------------------------------

def fake_command(script: Path):
    return lambda port: [str(script), "--port", str(port), "--model_alias", "fake"]


def test_the_server_starts_answers_and_stops(tmp_path: Path, fake_server_script: Path) -> None:
    server = LocalServer(fake_command(fake_server_script), log_path=tmp_path / "server.log", startup_timeout=20)
    url = server.start()
    assert url == f"http://127.0.0.1:{server.port}/v1" and local_server._answers(server.port)  # type: ignore[arg-type]
    proc = server.proc
    assert server.start() == url and server.proc is proc  # running: not started twice
    server.close()
    assert proc is not None and proc.poll() is not None and not server.running()
    assert "fake server loading" in (tmp_path / "server.log").read_text()


def test_a_server_that_dies_at_startup_says_why(tmp_path: Path, fake_server_script: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_SERVER_MODE", "die")
    server = LocalServer(fake_command(fake_server_script), log_path=tmp_path / "server.log", startup_timeout=20)
    with pytest.raises(ConfigError) as err:
        server.start()
    message = str(err.value)
    assert "exited with status 3 while starting" in message and "invalid magic" in message
    assert str(tmp_path / "server.log") in message and "\n" not in message
    assert not server.running()


def test_a_server_that_never_answers_is_stopped(tmp_path: Path, fake_server_script: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_SERVER_MODE", "hang")
    server = LocalServer(fake_command(fake_server_script), log_path=tmp_path / "server.log", startup_timeout=1)
    with pytest.raises(ConfigError, match=r"did not answer within 1 s: fake server loading"):
        server.start()
    assert server.proc is None


def test_the_server_dies_with_its_parent(tmp_path: Path, fake_server_script: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from summarizer.local import LocalServer
            s = LocalServer(lambda port: [{str(fake_server_script)!r}, "--port", str(port)],
                            log_path=Path({str(tmp_path / 'server.log')!r}), startup_timeout=20)
            s.start()
            print(s.proc.pid, flush=True)
            time.sleep(60)
        """)],
        stdout=subprocess.PIPE, text=True,
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)  # no atexit, no handler: only the pipe tells the child
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the server outlived its parent")


def test_the_llm_serves_the_local_model_once_for_all_threads(tmp_path: Path, fake_server_script: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF\x03\x00\x00\x00")
    monkeypatch.setattr(local_server, "installed", lambda: True)
    monkeypatch.setattr(local_server, "server_command", lambda path, alias, port, **_: [
        str(fake_server_script), "--port", str(port), "--model_alias", alias])
    llm = LLM(model=f"local:{gguf}")
    assert llm.model == "local:mine"
    urls: list[str] = []
    threads = [threading.Thread(target=lambda: urls.append(str(llm.client.base_url))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(urls)) == 1 and urls[0].startswith("http://127.0.0.1:")
    assert (tmp_path / "models" / "server.log").read_text().count("--- pid") == 1
    client = LLM(model=f"local:{gguf}").client.with_options(timeout=5)

    async def ids() -> list[str]:
        return [m.id async for m in client.models.list()]

    assert asyncio.run(ids()) == ["local:mine"]  # the alias the server answers to is the model's label
    err = capsys.readouterr().err
    assert err.count("using local model mine from") == 1 and "OPENAI_API_KEY or OPENAI_BASE_URL" in err
    server = local_server._servers[LocalModel("mine", gguf)]
    proc = server.proc
    local.shutdown()
    assert proc is not None and proc.poll() is not None


def test_a_server_that_crashes_mid_request_is_named_with_the_fix(tmp_path: Path, fake_server_script: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF\x03\x00\x00\x00")
    monkeypatch.setattr(local_server, "installed", lambda: True)
    monkeypatch.setattr(local_server, "server_command", lambda path, alias, port, **_: [
        str(fake_server_script), "--port", str(port), "--model_alias", alias])
    monkeypatch.setenv("FAKE_SERVER_MODE", "segv")
    article = "The harbour strike entered its third day on Monday, the union said, as talks stalled. " * 3
    with pytest.raises(ModelUnavailableError) as caught:
        summarize(article, model=f"local:{gguf}", cache=False)
    message = str(caught.value)
    # not "cannot reach the model server: Connection error": the server it reached has crashed, and how to fix it
    assert "was killed by SIGSEGV while answering" in message and "Connection error" not in message
    assert 'CMAKE_ARGS="-DGGML_NATIVE=OFF"' in message and str(tmp_path / "models" / "server.log") in message
    assert local.stopped(LocalModel("mine", gguf)) == message
    local.shutdown()


# -- the command line -------------------------------------------------------------------------------------

def test_model_path_prints_the_checked_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_parts(tmp_path, monkeypatch, CHUNKS)
    result = CliRunner().invoke(cli, ["model", "path"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(tmp_path / "models" / "fake-model.gguf")
    bad = CliRunner().invoke(cli, ["model", "path", f"local:{tmp_path / 'nope.gguf'}"])
    assert bad.exit_code == 1 and "no such model file" in bad.stderr


def test_model_help_has_examples() -> None:
    for args in (["model"], ["model", "path"], ["model", "serve"]):
        result = CliRunner().invoke(cli, [*args, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output


def test_batch_defaults_to_one_at_a_time_for_the_local_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    class Stop:
        def __init__(self, *args: object, **kwargs: object) -> None:
            seen.update(kwargs)

        def scan(self) -> None:
            raise ConfigError("stop here")

    monkeypatch.setattr("summarizer.batch.FolderBatch", Stop)  # cli_batch imports it when a batch runs
    out = str(tmp_path / "out")
    CliRunner().invoke(cli, ["batch", str(tmp_path), "--out", out, "--no-cache"])
    assert seen["concurrency"] == 1 and seen["article_timeout"] is None
    assert seen["summarizer"].llm.throttle.max == 1  # type: ignore[attr-defined]
    CliRunner().invoke(cli, ["batch", str(tmp_path), "--out", out, "--no-cache", "--model", "local", "-c", "2"])
    assert seen["concurrency"] == 2 and seen["summarizer"].llm.throttle.max == 2  # type: ignore[attr-defined]
    CliRunner().invoke(cli, ["batch", str(tmp_path), "--out", out, "--base-url", "http://127.0.0.1:9/v1"])
    assert seen["concurrency"] == 4 and seen["article_timeout"] == 600.0
