"""A stand-in for OpenAI's Files and Batches endpoints, for tests and benchmarks (no network, no key).

It speaks the wire format the `openai` client expects (multipart upload, batch objects, JSONL output and
error files) and answers every line of a batch with a `FakeModel`, like the real service runs each line
as a chat completion. Knobs make the cases a real service shows only now and then: a job held until
released, one that expires part-way, a creation whose answer is lost, failed lines, cancellation.
Everything it answers is written by us: a fake, never a recording.
"""

from __future__ import annotations

import json
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .testing import FakeModel, _QuietServer

__all__ = ["FakeBatchServer", "comparable_briefs", "comparable_report"]


class FakeBatchServer:
    """Files, Batches and chat completions on 127.0.0.1.

    `hold`: batches stay `in_progress` until `release()`. `expire_after`: a batch expires after running
    that many of its lines (the rest are reported `batch_expired`); only the first `expire_batches`
    batches do. `lose_creates`: that many batch creations succeed but answer 500, as when a response is
    lost on the way back. `batch_api=False`: only chat completions, 404 for the rest, like llama.cpp.
    """

    def __init__(self, model: FakeModel, *, hold: bool = False, expire_after: int | None = None,
                 expire_batches: int = 1, lose_creates: int = 0, workers: int = 8, batch_api: bool = True):
        self.model = model
        self.batch_api = batch_api
        self.files: dict[str, dict[str, Any]] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.expire_after = expire_after
        self.expire_batches = expire_batches
        self.lose_creates = lose_creates
        self.workers = workers
        self._released = threading.Event()
        if not hold:
            self._released.set()
        self._lock = threading.Lock()
        self._seq = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self) -> None:  # noqa: N802
                outer._dispatch(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                outer._dispatch(self, "POST")

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    # --- the test's side ----------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def release(self) -> None:
        """Let held batches run."""
        self._released.set()

    def wait_until(self, predicate: Any, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError("the stand-in did not reach the expected state")
            time.sleep(0.02)

    def lines(self, batch_id: str) -> list[dict[str, Any]]:
        """The request lines of a batch, as uploaded."""
        data = self.files[self.batches[batch_id]["input_file_id"]]["data"]
        return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]

    def __enter__(self) -> FakeBatchServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._released.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- HTTP ---------------------------------------------------------------------------------------------

    def _dispatch(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(handler.path)
        parts = [p for p in url.path.split("/") if p][1:]  # without the leading "v1"
        length = int(handler.headers.get("content-length") or 0)
        body = handler.rfile.read(length) if length else b""
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        try:
            status, payload = self._route(method, parts, body, handler.headers.get("content-type", ""), query)
        except KeyError as exc:
            status, payload = 404, _error(f"no such object: {exc}", "not_found")
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("content-type", "application/octet-stream" if isinstance(payload, bytes)
                            else "application/json")
        handler.send_header("content-length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _route(self, method: str, parts: list[str], body: bytes, ctype: str,
               query: dict[str, str]) -> tuple[int, Any]:
        if method == "POST" and parts == ["chat", "completions"]:
            status, _, payload = self.model.respond(json.loads(body or b"{}"))
            return status, payload
        if not self.batch_api:  # a chat-only server (llama.cpp, most local ones)
            return 404, _error("File Not Found", "not_found_error")
        if parts[:1] == ["files"]:
            if method == "POST" and len(parts) == 1:
                return 200, self._upload(body, ctype)
            if method == "GET" and len(parts) == 1:
                return 200, {"object": "list", "data": [_file_view(f) for f in self.files.values()], "has_more": False}
            if method == "GET" and len(parts) == 3 and parts[2] == "content":
                return 200, self.files[parts[1]]["data"]
            if method == "GET" and len(parts) == 2:
                return 200, _file_view(self.files[parts[1]])
        if parts[:1] == ["batches"]:
            if method == "POST" and len(parts) == 1:
                return self._create(json.loads(body or b"{}"))
            if method == "GET" and len(parts) == 1:
                return 200, self._list(query)
            if method == "GET" and len(parts) == 2:
                return 200, self._view(self.batches[parts[1]])
            if method == "POST" and len(parts) == 3 and parts[2] == "cancel":
                return 200, self._cancel(self.batches[parts[1]])
        return 404, _error(f"unknown route {method} /{'/'.join(parts)}", "not_found")

    def _new_id(self, prefix: str) -> str:
        with self._lock:
            self._seq += 1
            return f"{prefix}-{self._seq:06d}"

    def _upload(self, body: bytes, ctype: str) -> dict[str, Any]:
        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body)
        fields: dict[str, Any] = {}
        filename = "upload"
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if part.get_filename():
                filename = part.get_filename()
            fields[name] = part.get_payload(decode=True)
        return _file_view(self._store(filename, fields["file"], fields["purpose"].decode()))

    def _store(self, filename: str, data: bytes, purpose: str) -> dict[str, Any]:
        record = {"id": self._new_id("file"), "filename": filename, "data": data, "purpose": purpose,
                  "created_at": int(time.time())}
        self.files[record["id"]] = record
        return record

    def _create(self, request: dict[str, Any]) -> tuple[int, Any]:
        source = self.files.get(request.get("input_file_id", ""))
        if source is None or source["purpose"] != "batch":
            return 400, _error("input_file_id is not a file uploaded for batch", "invalid_request_error")
        now = int(time.time())
        batch = {"id": self._new_id("batch"), "object": "batch", "endpoint": request["endpoint"],
                 "input_file_id": source["id"], "completion_window": request["completion_window"],
                 "status": "validating", "created_at": now, "expires_at": now + 86400,
                 "metadata": request.get("metadata"), "request_counts": {"total": 0, "completed": 0, "failed": 0},
                 "errors": None, "output_file_id": None, "error_file_id": None, "cancel": threading.Event(),
                 "order": len(self.batches)}
        self.batches[batch["id"]] = batch
        threading.Thread(target=self._work, args=(batch,), daemon=True).start()
        if self.lose_creates > 0:
            self.lose_creates -= 1
            return 500, _error("the server had an error while processing your request", "server_error")
        return 200, self._view(batch)

    def _list(self, query: dict[str, str]) -> dict[str, Any]:
        newest = sorted(self.batches.values(), key=lambda b: b["order"], reverse=True)
        if "after" in query:
            ids = [b["id"] for b in newest]
            newest = newest[ids.index(query["after"]) + 1:] if query["after"] in ids else []
        limit = int(query.get("limit", 20))
        page = newest[:limit]
        return {"object": "list", "data": [self._view(b) for b in page], "has_more": len(newest) > limit,
                "first_id": page[0]["id"] if page else None, "last_id": page[-1]["id"] if page else None}

    def _view(self, batch: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in batch.items() if k not in ("cancel", "order")}

    def _cancel(self, batch: dict[str, Any]) -> dict[str, Any]:
        if batch["status"] in ("validating", "in_progress", "finalizing"):
            batch["status"], batch["cancelling_at"] = "cancelling", int(time.time())
            batch["cancel"].set()
        return self._view(batch)

    # --- running a batch ----------------------------------------------------------------------------------

    def _work(self, batch: dict[str, Any]) -> None:
        lines, problems = [], []
        for n, raw in enumerate(self.files[batch["input_file_id"]]["data"].decode("utf-8").splitlines(), 1):
            if not raw.strip():
                continue
            try:
                line = json.loads(raw)
                assert line["method"] == "POST" and line["url"] == batch["endpoint"] and line["custom_id"]
                lines.append(line)
            except (ValueError, KeyError, AssertionError, TypeError):
                problems.append({"code": "invalid_request", "message": f"line {n} is not a valid request", "line": n})
        if len({line["custom_id"] for line in lines}) != len(lines):
            problems.append({"code": "duplicate_custom_id", "message": "custom_id values must be unique", "line": None})
        if problems:
            batch.update(status="failed", failed_at=int(time.time()), errors={"object": "list", "data": problems})
            return
        batch["request_counts"]["total"] = len(lines)
        batch.update(status="in_progress", in_progress_at=int(time.time()))
        while not self._released.wait(0.05):
            if batch["cancel"].is_set():
                break
        expires = self.expire_after if batch["order"] < self.expire_batches else None
        outputs: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        ran = self._run_lines(batch, lines, expires, outputs, errors)
        stop = "cancelled" if batch["cancel"].is_set() else "expired" if ran < len(lines) else "completed"
        code = {"cancelled": "batch_cancelled", "expired": "batch_expired"}.get(stop)
        if code:
            done = {o["custom_id"] for o in outputs + errors}
            for line in lines:
                if line["custom_id"] not in done:
                    errors.append({"id": self._new_id("batch_req"), "custom_id": line["custom_id"], "response": None,
                                   "error": {"code": code, "message": f"This request was not run ({stop})."}})
        batch.update(status="finalizing", finalizing_at=int(time.time()))
        if outputs:
            batch["output_file_id"] = self._store(f"{batch['id']}_output.jsonl", _jsonl(outputs), "batch_output")["id"]
        if errors:
            batch["error_file_id"] = self._store(f"{batch['id']}_error.jsonl", _jsonl(errors), "batch_output")["id"]
        batch.update(status=stop, **{f"{stop}_at": int(time.time())})

    def _run_lines(self, batch: dict[str, Any], lines: list[dict[str, Any]], expires: int | None,
                   outputs: list[dict[str, Any]], errors: list[dict[str, Any]]) -> int:
        """Run the lines on a few threads, like the service runs many at once; returns how many ran."""
        from concurrent.futures import ThreadPoolExecutor

        todo = lines[:expires] if expires is not None else lines
        lock = threading.Lock()

        def one(line: dict[str, Any]) -> None:
            if batch["cancel"].is_set():
                return
            status, _, payload = self.model.respond(line["body"])
            record = {"id": self._new_id("batch_req"), "custom_id": line["custom_id"],
                      "response": {"status_code": status, "request_id": self._new_id("req"), "body": payload},
                      "error": None}
            with lock:
                (outputs if status == 200 else errors).append(record)
                batch["request_counts"]["completed" if status == 200 else "failed"] += 1

        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            list(pool.map(one, todo))
        return len(todo) if not batch["cancel"].is_set() else len(outputs) + len(errors)


def _file_view(record: dict[str, Any]) -> dict[str, Any]:
    return {"id": record["id"], "object": "file", "bytes": len(record["data"]), "created_at": record["created_at"],
            "filename": record["filename"], "purpose": record["purpose"], "status": "processed"}


def _jsonl(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode("utf-8")


def _error(message: str, kind: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "code": None, "param": None}}


# What differs between two runs of the same folder however they ran: when, how long, and (at batch prices) cost.
_VOLATILE = {"created_at", "duration_s", "cost_usd"}


def comparable_briefs(out: Path) -> dict[str, Any]:
    """Every brief of an output folder by file name, less the provenance fields that differ from run to run."""
    found = {}
    for path in sorted(Path(out).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["provenance"] = {k: v for k, v in data["provenance"].items() if k not in _VOLATILE}
        found[path.name] = data
    return found


def comparable_report(out: Path) -> str:
    """OUT/index.md less its last-run line and cost."""
    lines = (Path(out) / "index.md").read_text(encoding="utf-8").splitlines()
    return "\n".join(ln for ln in lines if not ln.startswith(("- **Last run", "- **Estimated cost")))
