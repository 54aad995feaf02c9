"""Sources: files, text, HTML, bad input, page noise. No network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.errors import EmptyArticleError, NotAnArticleError, UnreadableSourceError
from summarizer.sources import aload, clean_text, from_bytes, from_html, from_text, load

NOISE = ["Photo: Reuters", "Advertisement:", "Support the Herald or become our patron!", "Comments are closed."]

PAGE = """<!doctype html><html><head><title>Dock strike halts Valmora port | Coastal Herald</title>
<meta property="og:site_name" content="Coastal Herald">
<meta name="author" content="Jana Novak"><meta property="article:published_time" content="2026-11-24">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Dock strike halts Valmora port</h1>
<p>Dock workers at the Port of Valmora began a 72-hour strike on Tuesday after talks with the port authority
over the introduction of automated cranes broke down, halting the loading of around 140 container ships.</p>
<p>Elena Maris, general secretary of the Valmora Dockworkers' Union, said the union had offered a phased plan
that the port authority rejected on Monday evening.</p>
<p>"We are not against machines. We are against being told on a Friday that 1,200 jobs will disappear by
spring," Maris said.</p>
<p>The regional transport minister, Ana Kovac, proposed a state-backed retraining fund of 40 million euros.</p>
</article>
<div class="comments"><h3>Comments</h3><p>Great article, totally agree with the union!</p>
<p>Comments are closed.</p></div>
<footer>Subscribe to our newsletter</footer></body></html>"""


def test_noise_lines_are_removed_and_content_kept(article_text: str) -> None:
    article = from_text(article_text)
    for line in NOISE:
        assert line not in article.text
    assert "Elena Maris, general secretary" in article.text
    assert "Source: Coastal Herald" in article.text  # attribution is content, not furniture


def test_noise_words_inside_a_paragraph_are_kept() -> None:
    paragraph = "The minister said an advertisement: campaign about photo: credits was closed. " * 3
    assert clean_text(paragraph) == paragraph.strip()


def test_seed_article_noise(seed_text: str) -> None:
    text = from_text(seed_text).text
    for noise in ["Stock photo: Getty Images", "Advertisement:", "Support UP or become our patron!", "Comments are closed."]:
        assert noise not in text
    assert "10,000 to 12,000 North Korean troops" in text


def test_html_page_body_and_metadata_without_comments() -> None:
    article = from_html(PAGE, label="page.html")
    assert "72-hour strike" in article.text
    assert "Great article" not in article.text
    assert "Comments are closed" not in article.text
    assert "Home" not in article.text.split()
    assert article.title and "Dock strike" in article.title
    assert article.outlet == "Coastal Herald"
    assert article.date == "2026-11-24"


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (b"", EmptyArticleError, "empty"),
        (b"   \n\n  ", EmptyArticleError, "empty"),
        (bytes(range(256)) * 20, UnreadableSourceError, "binary"),
        ("Grüße aus Köln, ".encode("latin-1") * 20, UnreadableSourceError, "not valid UTF-8"),
        (b"Short note.", NotAnArticleError, "too short"),
        (b"<html><body><h1>Access Denied</h1><p>You don't have permission.</p></body></html>", NotAnArticleError, "block"),
        (b"<html><body><p>Subscribe to continue reading this story. Already a subscriber? Sign in.</p></body></html>",
         NotAnArticleError, "paywall"),
    ],
)
def test_bad_input_gets_one_clear_error(data: bytes, error: type, words: str) -> None:
    with pytest.raises(error) as err:
        from_bytes(data, "input.txt")
    message = str(err.value)
    assert message.startswith("input.txt: ") and words in message and "\n" not in message


def test_files_by_path(tmp_path: Path, article_text: str) -> None:
    (tmp_path / "a.txt").write_text(article_text, encoding="utf-8")
    (tmp_path / "p.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "bom.md").write_bytes(b"\xef\xbb\xbf" + article_text.encode())
    assert load(tmp_path / "a.txt").label == str(tmp_path / "a.txt")
    assert "72-hour strike" in load(tmp_path / "p.html").text
    assert load(tmp_path / "bom.md").text.startswith("Port of Valmora")
    with pytest.raises(NotAnArticleError, match="pass Path"):  # text is never opened as a file
        load(str(tmp_path / "a.txt"))
    with pytest.raises(UnreadableSourceError, match="no such file"):
        load(tmp_path / "missing.txt")
    with pytest.raises(UnreadableSourceError, match="is a directory"):
        load(tmp_path)


def test_text_with_template_syntax_is_plain_text() -> None:
    text = "The budget line read {{ budget }} and {% if x %} stayed in the leaked file. " * 5
    assert load(text).text == text.strip()


async def test_html_detected_in_text(article_text: str) -> None:
    article = await aload(PAGE)
    assert "72-hour strike" in article.text and "<p>" not in article.text


def test_extract_json_shape(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from summarizer.cli import cli

    (tmp_path / "p.html").write_text(PAGE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(tmp_path / "p.html"), "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["outlet"] == "Coastal Herald" and "72-hour strike" in payload["text"]
    text = CliRunner().invoke(cli, ["extract", str(tmp_path / "p.html")])
    assert text.output.strip() == payload["text"].strip()


def test_legacy_encoded_html_page_is_read_by_its_meta_charset() -> None:
    body = "<p>" + "Докери порту Вальмора у вівторок розпочали 72-годинний страйк. " * 10 + "</p>"
    page = f'<html><head><meta charset="windows-1251"><title>Страйк</title></head><body><article>{body}</article></body></html>'
    article = from_bytes(page.encode("windows-1251"), "page.html", html=True)
    assert "Докери порту Вальмора" in article.text
    assert article.language == "uk"


def test_plainly_english_is_a_shortcut_the_language_model_agrees_with() -> None:
    import py3langid

    from summarizer.language import detect_language, plainly_english

    root = Path(__file__).resolve().parents[1]
    texts = {p.name: p.read_text(encoding="utf-8") for p in [*(root / "tests" / "articles").glob("*.txt"),
                                                              *(root / "examples").glob("*.txt")]}
    shortcut = {name for name, text in texts.items() if plainly_english(text[:1_500])}
    # the model is asked only when the shortcut does not answer; where it answers, the model says the same
    assert all(py3langid.classify(texts[name][:1_500])[0] == "en" for name in shortcut)
    assert {"harbour_strike.txt", "news_diplomatic_row.txt", "river_flood.txt"} <= shortcut
    assert "de_hafenstreik.txt" not in shortcut and "uk_strajk.txt" not in shortcut
    assert detect_language(texts["de_hafenstreik.txt"]) == "de" and detect_language(texts["uk_strajk.txt"]) == "uk"
    # a German story quoting an English statement at length is still the model's to decide
    german = texts["de_hafenstreik.txt"][:900]
    quoted = german + ' "The union has said that the strike will go on until the port authority returns to the table."'
    assert not plainly_english(quoted[:1_500])
    assert not plainly_english("The strike goes on. " * 20)  # 80 words: too few to be sure, the model decides
