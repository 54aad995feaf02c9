"""What keeps a folder run's memory flat however many articles it has, as behaviour: no result or record
outlives the write of its index line, an input's previous record is read back from the index on disk, and
the index, errors and report are streamed from the file. (Memory itself is measured by bench/batch_memory.py,
not here.)"""

from __future__ import annotations

import gc
import json
import os
import weakref
from pathlib import Path
from typing import Any

from summarizer.batch import FolderBatch, read_index
from summarizer.batch_files import Journal
from summarizer.batch_report import html_lines, markdown_lines, to_html, to_markdown, write_report
from summarizer.batch_state import IndexRecords, IndexState
from summarizer.testing import FakeModel
from tests.test_batch import make_summarizer, quoting_answer, run, write_folder


def test_no_result_outlives_its_index_line(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 12)
    (src / "empty.txt").write_text("")  # a failure too: its error must not be kept either
    seen: list[weakref.ref[Any]] = []
    job = FolderBatch(src, out, summarizer=make_summarizer(FakeModel(quoting_answer)), concurrency=3)
    report = run(job, lambda result: seen.append(weakref.ref(result)))
    gc.collect()
    assert (report.ok, report.failed, len(seen)) == (12, 1, 13)
    assert [r for r in seen if r() is not None] == []  # the job and its report still alive, every result gone


def test_the_run_keeps_where_each_line_is_not_the_records(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 6)
    (src / "notes.xyz").write_text("x")  # skipped: its line is one of the index's too
    job = FolderBatch(src, out, summarizer=make_summarizer(FakeModel(quoting_answer)))
    run(job)
    assert job.inputs is not None
    where = job._state._where
    # per input, its name (the very string the inputs hold) and two machine integers in one array
    assert where.paths() == sorted([*job.inputs.rels, "notes.xyz"])
    assert all(any(p is r for r in job.inputs.rels) for p in where._slot if p != "notes.xyz")
    assert where._at.typecode == "q" and len(where._at) == 14 and not where._other
    # and they say where each line of the compacted index is
    data = (out / "index.jsonl").read_bytes()
    for rel in where.paths():
        offset, length = where.get(rel) or (0, 0)
        line = data[offset : offset + length]
        assert line.endswith(b"\n") and json.loads(line)["path"] == rel
    assert sum((where.get(rel) or (0, 0))[1] for rel in where.paths()) == len(data)
    # an input is made when the run comes to it, of strings and the run's own two folders, not Paths of its own
    assert job.inputs[0] is not job.inputs[0] and job.inputs[-1].rel == job.inputs.rels[-1]
    assert all(i.folder is job.folder and i.out is job.out for i in job.inputs)
    assert not hasattr(job.inputs[0], "__dict__")


def test_a_previous_record_is_read_back_from_the_index_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.jsonl").write_text(
        json.dumps({"path": "a.txt", "status": "failed", "error": "old"}) + "\n"
        + json.dumps({"path": "gone.txt", "status": "ok"}) + "\n"  # no longer in the folder: dropped
        + json.dumps({"path": "a.txt", "status": "ok", "who": ["Zoë (maire)"]}) + "\n"  # the latest wins
        + '{"path": "b.txt", "status": "ok", "key": "torn',  # what a kill mid-line leaves
        encoding="utf-8",
    )
    state = IndexState(out)
    done = state.start(["a.txt", "b.txt", "c.txt"], [("notes.xyz", "unsupported file type .xyz")])
    assert done == 1 and "a.txt" in state and "b.txt" not in state
    assert state.previous("a.txt") == {"path": "a.txt", "status": "ok", "who": ["Zoë (maire)"]}
    state.append({"path": "c.txt", "status": "failed", "error": "boom"})
    assert state.previous("c.txt") == {"path": "c.txt", "status": "failed", "error": "boom"}
    state.append({"path": "a.txt", "status": "unchanged"})
    state.append({"path": "b2.txt", "status": "ok"})  # a path `start` was not told of is kept all the same
    assert state.previous("b2.txt") == {"path": "b2.txt", "status": "ok"} and "b2.txt" in state
    records = state.finish()
    assert [r["path"] for r in records] == ["a.txt", "b2.txt", "c.txt", "notes.xyz"]
    assert list(records) == list(read_index(out / "index.jsonl").values())
    assert list(records)[0] == {"path": "a.txt", "status": "unchanged"}
    assert [json.loads(line)["path"] for line in (out / "errors.jsonl").read_text().splitlines()] == ["c.txt"]


def test_a_journal_line_is_where_write_says(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.jsonl")
    first = journal.write({"path": "a", "status": "ok"})
    second = journal.write({"path": "é", "status": "ok"})  # offsets in bytes, not characters
    journal.close()
    data = (tmp_path / "j.jsonl").read_bytes()
    assert first == (0, second[0]) and second[0] + second[1] == len(data)
    assert json.loads(data[second[0]:second[0] + second[1]]) == {"path": "é", "status": "ok"}


def test_the_report_streamed_from_the_index_is_the_report_of_its_records(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 5)
    (src / "empty.txt").write_text("")
    (src / "notes.xyz").write_text("x")
    run(FolderBatch(src, out, summarizer=make_summarizer(FakeModel(quoting_answer))))
    records = IndexRecords(out / "index.jsonl")
    listed = list(records)
    assert {r["status"] for r in listed} == {"ok", "failed", "skipped"}
    # read again at every section, so it is never held whole; the same text as from the list
    assert "".join(markdown_lines(records, "run")) == to_markdown(listed, "run")
    assert "".join(html_lines(records, "run")) == to_html(listed, "run")
    md = (out / "index.md").read_text(encoding="utf-8")
    run_line = next(line for line in md.splitlines() if line.startswith("- **Last run:**"))
    write_report(tmp_path, records, run_line.removeprefix("- **Last run:** ").replace("\\", ""))
    assert (tmp_path / "index.md").read_text(encoding="utf-8") == md


def test_the_index_is_compacted_as_read_index_reads_it(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 4, nested=False)
    fake = FakeModel(quoting_answer)
    run(FolderBatch(src, out, summarizer=make_summarizer(fake)))
    index = out / "index.jsonl"
    lines = index.read_bytes().splitlines(keepends=True)
    # a hand-edited index: CRLF line ends, a stray line, a duplicate, a torn tail
    index.write_bytes(b"".join(line.rstrip(b"\n") + b"\r\n" for line in lines) + b"not json\n" + lines[1]
                      + b'{"path": "story3.txt", "sta')
    expected = read_index(index)
    os.remove(out / "story2.json")  # one brief lost: redone, the others unchanged
    report = run(FolderBatch(src, out, summarizer=make_summarizer(fake)))
    assert (report.unchanged, report.cached + report.ok) == (3, 1)
    after = read_index(index)
    assert list(after) == sorted(expected) and after["story0.txt"]["sha256"] == expected["story0.txt"]["sha256"]
    assert len(index.read_bytes().splitlines()) == 4


def test_the_gates_caches_are_emptied_every_cache_life_briefs(tmp_path: Path, monkeypatch: Any) -> None:
    import itertools

    from summarizer import batch_run
    from summarizer.schemas.text import locator

    src, out = tmp_path / "in", tmp_path / "out"
    write_folder(src, 10)
    emptied: list[int] = []

    def counting() -> None:
        emptied.append(locator.cache_info().currsize)  # whole articles held just before
        batch_run.clear_caches.__wrapped__()  # type: ignore[attr-defined]

    counting.__wrapped__ = batch_run.clear_caches  # type: ignore[attr-defined]
    monkeypatch.setattr(batch_run, "CACHE_LIFE", 4)
    monkeypatch.setattr(batch_run, "_briefs_begun", itertools.count(1))
    monkeypatch.setattr(batch_run, "clear_caches", counting)
    report = run(FolderBatch(src, out, summarizer=make_summarizer(FakeModel(quoting_answer)), concurrency=2))
    assert report.ok == 10 and len(emptied) == 2  # at the 4th and the 8th brief
    assert all(n >= 1 for n in emptied) and locator.cache_info().currsize <= 4


def test_the_gate_leaves_no_reference_cycle_behind() -> None:
    """An article's Locator, Passages and sentences are freed when the caches let go of them, not at the
    collector's next full pass (a Locator that held its Passages made each article a cycle)."""
    from summarizer.schemas import ground
    from summarizer.schemas.draft import salvage
    from summarizer.schemas.text import clear_caches
    from summarizer.sources import from_text

    root = Path(__file__).resolve().parent
    record = json.loads((root / "real_answers" / "news_diplomatic_row.json").read_text(encoding="utf-8"))
    text = from_text((root.parent / record["article"]).read_text(encoding="utf-8")).text
    draft, lost = salvage(record["answer"])
    ground(draft, text, dropped=lost)
    clear_caches()
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        kept = ground(draft, text, dropped=lost)
        clear_caches()
        gc.collect()
        left = list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was:
            gc.enable()
    assert kept.kept >= 5 and left == []
