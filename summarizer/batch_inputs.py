"""The inputs of a folder run: the walk of the folder (hidden files, earlier runs' output folders left out),
each input's name in the index and its brief's name in the output folder."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .batch_files import ERRORS_NAME, INDEX_NAME, LOCK_NAME


@dataclass(frozen=True, slots=True)
class _Input:
    """One article of the folder. A run holds one per input for its whole length, so only strings are kept
    (three Paths each were a kilobyte per input); the Paths are made when asked for."""

    order: int
    rel: str  # posix path relative to the folder: the input's name in the index
    name: str  # its brief's path relative to the output folder
    folder: Path  # the run's own (shared by every input)
    out: Path

    @property
    def path(self) -> Path:
        return self.folder / self.rel

    @property
    def output(self) -> Path:
        return self.out / self.name

    @property
    def markdown(self) -> Path:
        return self.output.with_suffix(".md")


def _is_output_folder(path: Path) -> bool:
    """A folder an earlier `summarizer batch` wrote: its briefs (.md beside .json) are never articles."""
    return (path / LOCK_NAME).exists() or ((path / INDEX_NAME).is_file() and (path / ERRORS_NAME).is_file())


def _walk(folder: Path, exclude: Path | None, problems: list[tuple[str, str]]) -> Iterator[Path]:
    """Files under `folder`, sorted; hidden files and folders (.git, .DS_Store), `exclude` and the output
    folders of earlier runs left out (those are listed in `problems`)."""

    def onerror(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else folder
        problems.append((_rel(where, folder), f"cannot list folder: {exc.strerror or exc}"))

    for root, dirs, files in os.walk(folder, onerror=onerror):
        here = Path(root)
        kept = []
        for d in sorted(dirs):
            if d.startswith(".") or (exclude is not None and (here / d).resolve() == exclude):
                continue
            if _is_output_folder(here / d):
                problems.append((_rel(here / d, folder) + "/", "output folder of an earlier `summarizer batch` run"))
                continue
            kept.append(d)
        dirs[:] = kept
        for name in sorted(files):
            if not name.startswith("."):
                yield here / name


def _rel(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.as_posix()


def _outputs(rels: list[str]) -> dict[str, str]:
    """`<relative path without extension>.json`; when two inputs share that name (a.txt, a.md) both keep
    their extension (a.txt.json, a.md.json) so neither overwrites the other."""
    stem = {r: str(PurePosixPath(r).with_suffix("")) for r in rels}
    seen = Counter(s.casefold() for s in stem.values())  # casefold: macOS and Windows folders ignore case
    # a top-level "index.txt" keeps its extension too: its index.md would overwrite the batch report
    seen.update(_RESERVED_STEMS)
    return {r: (stem[r] if seen[stem[r].casefold()] == 1 else r) + ".json" for r in rels}


_RESERVED_STEMS = ("index",)
