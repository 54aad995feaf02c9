"""The inputs of a folder run: the walk of the folder (hidden files, earlier runs' output folders left out),
each input's name in the index and its brief's name in the output folder."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .batch_files import ERRORS_NAME, INDEX_NAME, LOCK_NAME


@dataclass(frozen=True, slots=True)
class _Input:
    """One article of the folder, made when the run comes to it (see `_Inputs`): only strings and the run's
    own two folders (three Paths each were a kilobyte per input); the Paths are made when asked for."""

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


class _Inputs(Sequence[_Input]):
    """A run's inputs, in walk order. What it holds for its whole length is each input's name in the index
    (a string the index state shares); an `_Input` is made when asked for and lives while its article is
    worked on, so a run over many articles keeps no object, and no brief name, per input."""

    def __init__(self, rels: list[str], folder: Path, out: Path):
        self.rels = rels
        self.folder, self.out = folder, out
        self._keep_suffix = _clashing(rels)  # usually empty

    def __len__(self) -> int:
        return len(self.rels)

    def __getitem__(self, order: int) -> _Input:  # type: ignore[override]  (no slices: nothing asks for one)
        if order < 0:
            order += len(self.rels)
        rel = self.rels[order]
        return _Input(order, rel, _output_name(rel, rel in self._keep_suffix), self.folder, self.out)

    def __iter__(self) -> Iterator[_Input]:
        for order in range(len(self.rels)):
            yield self[order]


def _is_output_folder(path: Path) -> bool:
    """A folder an earlier `summarizer batch` wrote: its briefs (.md beside .json) are never articles."""
    return (path / LOCK_NAME).exists() or ((path / INDEX_NAME).is_file() and (path / ERRORS_NAME).is_file())


def _walk(folder: Path, exclude: Path | None, problems: list[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """(path, path relative to `folder` in posix form) of the files under `folder`, sorted; hidden files and
    folders (.git, .DS_Store), `exclude` and the output folders of earlier runs left out (those are listed in
    `problems`).

    Strings, not Paths: pathlib interns every part of a path it parses. A Path per file sent each name of a
    big folder through the interpreter's table of interned strings, whose freed slots stay used until it is
    resized, and a top-level file's name in the index was the interned string itself, kept for the whole run.
    At 2,000 files the table had doubled (a megabyte) by the end of the warm-up; it never shrinks."""

    def onerror(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else folder
        problems.append((_rel(where, folder), f"cannot list folder: {exc.strerror or exc}"))

    top = os.fspath(folder)
    for root, dirs, files in os.walk(top, onerror=onerror):
        here = Path(root)
        kept = []
        for d in sorted(dirs):
            if d.startswith(".") or (exclude is not None and (here / d).resolve() == exclude):
                continue
            if (here / d).is_symlink():
                # not followed (a link can loop, or lead out of the folder), but said, never silently left out
                problems.append((_rel(here / d, folder) + "/", "a link to a folder, not followed: pass that folder itself"))
                continue
            if _is_output_folder(here / d):
                problems.append((_rel(here / d, folder) + "/", "output folder of an earlier `summarizer batch` run"))
                continue
            kept.append(d)
        dirs[:] = kept
        under = os.path.relpath(root, top).replace(os.sep, "/") if root != top else ""
        for name in sorted(files):
            if name.startswith("."):
                continue
            rel = f"{under}/{name}" if under else name
            if not _utf8(rel):
                # the index, the report and the brief's own name are UTF-8 text: such a name cannot be written
                problems.append((_shown(rel), "file name is not valid UTF-8: rename the file"))
                continue
            yield os.path.join(root, name), rel


def _utf8(name: str) -> bool:
    """False for a name the file system gave as bytes that are not UTF-8 (Python keeps them as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(name: str) -> str:
    """A name that is not UTF-8, with its odd bytes written as \\xff."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def suffix_and_stem(name: str) -> tuple[str, str]:
    """`PurePath(name).suffix` and `.stem` of a file name, without making a Path."""
    i = name.rfind(".")
    return (name[i:], name[:i]) if 0 < i < len(name) - 1 else ("", name)


def _rel(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.as_posix()


def _output_name(rel: str, keep_suffix: bool) -> str:
    return (rel if keep_suffix else str(PurePosixPath(rel).with_suffix(""))) + ".json"


def _clashing(rels: list[str]) -> frozenset[str]:
    """The inputs whose brief keeps its extension, `<relative path>.json` rather than `<relative path without
    extension>.json`: two inputs share that name (a.txt, a.md: a.txt.json, a.md.json, so neither overwrites
    the other), or it is reserved."""
    stem = {r: str(PurePosixPath(r).with_suffix("")) for r in rels}
    seen = Counter(s.casefold() for s in stem.values())  # casefold: macOS and Windows folders ignore case
    # a top-level "index.txt" keeps its extension too: its index.md would overwrite the batch report
    seen.update(_RESERVED_STEMS)
    return frozenset(r for r in rels if seen[stem[r].casefold()] != 1)


_RESERVED_STEMS = ("index",)
