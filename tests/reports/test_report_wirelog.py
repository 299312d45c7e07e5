"""The wire log's pretty JSON: same text as json.dumps(indent=2), coloured without letting data become markup."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from reports.render import environment, render_report
from reports.wirelog import MARKS, json_block, json_html, pretty_json

HOSTILE: Any = {"text": "\x01k<b>bold</b>\x02 & \"quotes\" \x01s", "<key>": [1, 2.5, None, True, "\u2028"],
                "nested": {"empty": {}, "list": []}}
SPANS = environment().get_template("macros.html").module.json_spans  # type: ignore[attr-defined]


def _text(html: str) -> str:
    """The text a browser shows: tags dropped, entities kept (compared with escape())."""
    return re.sub(r"</?span[^>]*>", "", html)


def test_pretty_json_is_json_dumps_indent_2() -> None:
    assert pretty_json(HOSTILE) == json.dumps(HOSTILE, indent=2, ensure_ascii=False)


def test_a_string_holding_json_is_shown_parsed_and_any_other_string_as_it_is() -> None:
    assert json_block('{"a": 1}').marked and pretty_json('{"a": 1}') == '{\n  "a": 1\n}'
    block = json_block("not json \x01k")
    assert not block.marked and block.text == "not json \x01k"


def test_marks_in_data_never_become_markup() -> None:
    html = json_html(json_block(HOSTILE).text, SPANS)
    assert isinstance(html, Markup)
    # Every span is one the template asked for, around a key, string, number or literal...
    assert html.count("<span") == html.count("</span>") == 11  # 5 keys, 6 values
    assert "<b>" not in html and "\x01" not in html and "\x02" not in html
    # ...and without the spans, the text is the escaped pretty JSON.
    assert _text(html) == escape(json.dumps(HOSTILE, indent=2, ensure_ascii=False))


def test_json_html_escapes_even_without_marks() -> None:
    assert json_html("<script>", SPANS) == "&lt;script&gt;"
    assert set(SPANS) == set(MARKS.values())


def test_a_long_body_is_cut_once(tmp_path: Path) -> None:
    deep = {"a": {"b": {"c": ["x" * 500] * 100}}}
    text = pretty_json(deep)
    assert text.count("… cut at 20000 characters") == 1
    assert len(text) < 25_000


def test_the_page_shows_hostile_marks_as_text(results: dict[str, Any], tmp_path: Path) -> None:
    result = results["results"][0]
    entry = next(e for e in result["journal"] if e["kind"] == "delivery")
    entry["body"] = HOSTILE
    entry["raw"] = "\x01k<script>alert(1)</script>\x02"
    render_report(results, tmp_path)
    page = next((tmp_path / "scenarios").glob(f"{result['id']}--{result['mode']}.html")).read_text()
    assert "<script" not in page and "<b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert '<span class="jkey">&#34;&lt;key&gt;&#34;</span>' in page
