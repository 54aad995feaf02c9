"""`summarizer eval`: scoring rules, models side by side, unreachable servers, the cache, the reports. Fakes only."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarizer.cache import Cache
from summarizer.cli import cli
from summarizer.eval_report import render_html
from summarizer.eval_score import figure_matches, load_references, name_matches, rouge_l
from summarizer.evaluate import ModelRun, ModelSpec, evaluate, find_articles
from summarizer.testing import FakeModel, FakeServer
from tests.drafts import harbour_good

ARTICLES = Path(__file__).parent / "articles"
LOCAL = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
SUMMARY = "Dock workers at the Port of Valmora began a 72-hour strike over automation; the minister proposed mediation."


def two_of_three() -> dict:
    """The good harbour answer with two people: Elena Maris and Ana Kovac (Tomas Lindqvist left out)."""
    draft = harbour_good()
    draft["who"] = [a for a in draft["who"] if a["name"] != "Tomas Lindqvist"]
    return draft


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """One article with references: 3 names (2 in the brief), 2 figures (1 in it), 2 proposers (both)."""
    root = tmp_path / "articles"
    root.mkdir()
    shutil.copy(ARTICLES / "harbour_strike.txt", root / "harbour.txt")
    (root / "harbour.ref.txt").write_text(SUMMARY, encoding="utf-8")
    (root / "harbour.ref.json").write_text(json.dumps({
        "who": [{"name": "Elena Maris", "role": "union"}, {"name": "Kovac", "role": "minister"},
                {"name": "Tomas Lindqvist", "role": "port chief"}],
        "key_figures": [{"value": "1,200 jobs", "label": "at risk"}, {"value": "€310 million", "label": "cranes"}],
        "proposed_responses": [{"proposed_by": "Ana Kovac", "action": "mediation"},
                               {"proposed_by": "Ana Kovac", "action": "a fund"},
                               {"proposed_by": "the Chamber of Commerce", "action": "essential service"}],
        "traps": ["extra keys are ignored"],
    }), encoding="utf-8")
    return root


# --- the rules -------------------------------------------------------------------------------------------


def test_names_match_by_their_words_and_a_surname_counts() -> None:
    assert name_matches("Milena Dvořáková", "Dvořáková")  # a surname alone
    assert name_matches("Milena Dvořáková", "Governor Milena Dvorakova")  # accents and a title aside
    assert name_matches("Pavel Šimek", "Mr Šimek") and name_matches("AERLINK", "Aerlink Atlantic")
    assert name_matches("Civic Democrats", "the Civic Democrats")
    assert not name_matches("Milena Dvořáková", "Milena Novak")  # a first name is not enough
    assert not name_matches("Czech National Bank", "European Central Bank")
    assert not name_matches("Ana Kovac", "")


def test_figures_match_as_digits() -> None:
    assert figure_matches("28,000 passengers", "28000")
    assert figure_matches("£17.5m", "17.5 million pounds")  # units and multipliers are not compared
    assert figure_matches("eight kilometres", "8 km") and figure_matches("third incident since June", "3rd")
    assert figure_matches("between 8 and 12 countries", "8 to 12")
    assert not figure_matches("between 8 and 12 countries", "12 countries")  # every number is needed
    assert not figure_matches("1,150", "1,510") and not figure_matches("4.8%", "48%")
    assert figure_matches("a quarter point", "by a quarter point") and not figure_matches("a quarter point", "half")


def test_rouge_l_is_the_library_measure() -> None:
    assert rouge_l("The bank raised rates to 5.25%.", "The bank raised rates to 5.25%.") == pytest.approx(1.0)
    assert rouge_l("Dock workers strike", "Central bank raises rates") == 0.0
    assert 0.0 < rouge_l("The bank raised its rate", "The Czech bank raised the rate sharply") < 1.0
    assert rouge_l("Milena Dvořáková spoke", "Dvořáková") > 0.0  # Unicode words are words


def test_references_and_inputs(folder: Path) -> None:
    (folder / "notes.pdf").write_bytes(b"%PDF")
    (folder / ".hidden.txt").write_text("x", encoding="utf-8")
    out = folder / "eval"
    out.mkdir()
    (out / "eval.html").write_text("<html></html>", encoding="utf-8")
    assert [p.name for p in find_articles(folder, out)] == ["harbour.txt"]  # no refs, reports or other files
    refs = load_references(folder / "harbour.txt")
    assert refs.who == ["Elena Maris", "Kovac", "Tomas Lindqvist"] and refs.summary == SUMMARY
    assert refs.proposers == ["Ana Kovac", "the Chamber of Commerce"]  # a proposer with two proposals is one
    (folder / "harbour.ref.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(Exception, match=r"harbour\.ref\.json: not a reference"):
        load_references(folder / "harbour.txt")


def test_model_specs() -> None:
    assert ModelSpec.parse("qwen@http://127.0.0.1:8765/v1/") == ModelSpec("qwen", "http://127.0.0.1:8765/v1")
    assert ModelSpec.parse("gpt-4o-mini", "http://x:1/v1") == ModelSpec("gpt-4o-mini", "http://x:1/v1")
    assert ModelSpec.parse("local:/m/a@b.gguf") == ModelSpec("local:/m/a@b.gguf")  # an @ in a path is no server


# --- runs against fakes ----------------------------------------------------------------------------------


@LOCAL
def test_two_of_three_names_score_two_thirds_and_an_unreachable_model_says_so(folder: Path) -> None:
    fake = FakeModel([two_of_three()])
    with FakeServer(fake) as server:
        runs = asyncio.run(evaluate(folder, [ModelSpec("fake", server.base_url),
                                             ModelSpec("fake", "http://127.0.0.1:9/v1")],
                                    cache=False, transport_attempts=1, retries=0))
    good, gone = runs
    (row,) = good.rows
    assert row.status == "briefed" and good.unreachable is None
    assert row.who == (2, 3)  # Elena Maris and Kovac (by surname) of the three
    assert row.figures == (1, 2)  # 1,200 is a key figure; €310 million is only background
    assert row.proposers == (2, 2)
    assert row.kept == 7 and row.dropped == 0 and row.quoted + row.located == 7 and row.calls == 1
    assert 0.0 < row.rouge_l < 1.0
    totals = good.totals()
    assert totals["who"] == {"found": 2, "expected": 3, "share": pytest.approx(2 / 3)}
    assert totals["kept_share"] == 1.0 and totals["prompt_tokens"] == 100
    assert gone.unreachable and gone.unreachable.startswith("cannot reach the model server")
    assert gone.status.startswith("unreachable: ") and gone.rows[0].status == "failed"
    assert fake.calls == 1  # the unreachable model sent nothing to the fake


@LOCAL
def test_a_rerun_is_served_from_the_cache(folder: Path, tmp_path: Path) -> None:
    fake = FakeModel([two_of_three()])
    cache = tmp_path / "briefs.sqlite3"
    with FakeServer(fake) as server:
        spec = ModelSpec("fake", server.base_url)
        first = asyncio.run(evaluate(folder, [spec], cache=Cache(cache)))  # an empty Cache is still a cache
        second = asyncio.run(evaluate(folder, [spec], cache=cache))
    assert fake.calls == 1  # the second run made no model call
    assert second[0].rows[0].cached and not first[0].rows[0].cached
    keep = ("who", "figures", "proposers", "rouge_l", "kept", "calls", "prompt_tokens")
    assert [getattr(second[0].rows[0], k) for k in keep] == [getattr(first[0].rows[0], k) for k in keep]


@LOCAL
def test_the_command_prints_the_table_and_writes_self_contained_reports(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "eval"
    with FakeServer(FakeModel([two_of_three()])) as one, FakeServer(FakeModel([harbour_good()])) as two:
        result = CliRunner().invoke(cli, ["eval", str(folder), "-m", f"a@{one.base_url}", "-m", f"b@{two.base_url}",
                                          "--no-cache", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "who found" in result.stdout and "2/3 (67%)" in result.stdout and "3/3 (100%)" in result.stdout
    data = json.loads((out / "eval.json").read_text(encoding="utf-8"))
    a, b = data["models"]
    assert a["totals"]["who"]["found"] == 2 and b["totals"]["who"]["found"] == 3
    assert a["articles"][0]["article"] == "harbour" and a["articles"][0]["figures"] == [1, 2]
    page = (out / "eval.html").read_text(encoding="utf-8")
    assert_self_contained(page)
    assert "2/3 (67%)" in page and "3/3 (100%)" in page and page.count("<svg") >= 4


def test_a_missing_folder_or_no_articles_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", str(tmp_path / "nope"), "-m", "fake@http://127.0.0.1:9/v1"])
    assert result.exit_code == 1 and result.stderr.strip().count("\n") == 0 and "no such folder" in result.stderr
    result = CliRunner().invoke(cli, ["eval", str(tmp_path), "-m", "fake@http://127.0.0.1:9/v1"])
    assert result.exit_code == 1 and "no articles" in result.stderr


def test_the_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["eval", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output and "NAME[@BASE_URL]" in result.output


def assert_self_contained(page: str) -> None:
    """Nothing is fetched: no script, stylesheet link, import, or src/href to another server."""
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert not re.search(r"<script|<link|@import|<iframe|<img", page, re.I)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", page, re.I)


def test_an_unreachable_column_in_the_html() -> None:
    runs = [ModelRun(ModelSpec("x", "http://127.0.0.1:9/v1"), [], unreachable="cannot reach the model server")]
    page = render_html(runs, Path("articles"))
    assert_self_contained(page)
    assert "unreachable: cannot reach the model server" in page


def test_the_page_renders_in_a_headless_browser(tmp_path: Path) -> None:
    """Optional: a screenshot of eval.html where a headless Chromium is installed."""
    browser = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
    if browser is None:
        pytest.skip("no headless browser installed")
    import subprocess

    runs = [ModelRun(ModelSpec("x", "http://127.0.0.1:9/v1"), [], unreachable="cannot reach the model server")]
    page = tmp_path / "eval.html"
    page.write_text(render_html(runs, Path("articles")), encoding="utf-8")
    shot = tmp_path / "shot.png"
    subprocess.run([browser, "--headless", "--disable-gpu", "--no-sandbox", f"--screenshot={shot}",
                    "--window-size=1200,900", page.as_uri()], check=True, timeout=60, capture_output=True)
    assert shot.stat().st_size > 1000
