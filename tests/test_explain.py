"""`citebot explain` as a maintainer runs it: which rule found a person, why a line is a caption, where the
outlet came from, what was rejected and why."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "dev" / "articles"

PAGE = """ date 2024-03-05
Home | World | Business | Contact
Kestrel Holdings and Varna Energy sign turbine supply contract
March 5, 2024 - 10:20
By Mira Okonjo
Workers assemble a turbine at the Varna Energy plant on Monday. (Photo: VNA)
HANOI, March 5 (Reuters) - Kestrel Holdings chief executive Tomas Ferreira said on Tuesday the company had signed a supply contract worth $1.2 billion with Varna Energy.
the weather in the port city was mild and dry for most of the week, residents said.
The deal could be extended to 2030, Ferreira said.
Share this article
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["explain", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_sentence_names_the_rule_that_found_each_person(capsys) -> None:
    code, out, _ = run(capsys, "Deputy Foreign Minister Anatoly Verkhov met Sunline Power chief executive Rina Tadesse in Hanoi.")
    assert code == 0
    assert "person: Anatoly Verkhov  rule 'title-name'  role 'Deputy Foreign Minister'" in out
    assert "person: Rina Tadesse  rule 'org-title-name'  role 'Sunline Power chief executive'  organisation 'Sunline Power'" in out
    assert "[TITLE Deputy Foreign Minister] [NAME Anatoly Verkhov]" in out  # the items the rules matched over
    assert "places: Hanoi (place)" in out


def test_the_words_of_an_unquoted_sentence_are_joined(capsys) -> None:
    code, out, _ = run(capsys, "Minister", "Olu", "Bakare", "said", "so.")
    assert code == 0
    assert "person: Olu Bakare  rule 'title-name'" in out


def test_a_rule_that_matched_but_kept_nothing_is_shown_as_such(capsys) -> None:
    _, out, _ = run(capsys, "Chairman Ivan Dorokhov, who chaired the panel, spoke.")
    assert "name-apposition  'Ivan Dorokhov,'   (matched; made no candidate)" in out


def test_small_words_show_no_tags_but_other_words_show_all(capsys) -> None:
    _, out, _ = run(capsys, "MotoRex engine assembly doubled last year.")
    assert "assembly/not_name," in out  # why the camel-case name before it still counts as a company
    _, out, _ = run(capsys, "The output of Kestrel Holdings rose.")
    assert " of " in out and "of/" not in out


def test_rejections_say_why(capsys) -> None:
    _, out, _ = run(capsys, "The plant expanded TerraVolt vehicle production last year.")
    assert "rejected: brand-shape-modifier 'TerraVolt'" in out
    assert "product or model" in out
    assert "organisation:" not in out
    _, out, _ = run(capsys, "The commission reached agreement on the need to expand flights.")
    assert "rejected: near-miss 'agreement'" in out
    assert "document:" not in out


def test_a_document_shows_its_status_and_the_cue_that_set_it(capsys) -> None:
    _, out, _ = run(capsys, "A memorandum on grain exports could be signed in May, the ministry said.")
    assert "document: memorandum 'Memorandum on grain exports'  status planned (cue 'could be signed')" in out
    _, out, _ = run(capsys, "Officials from both sides signed an agreement on visa-free travel on Friday.")
    assert "status signed (cue 'signed')" in out


def test_figures_and_the_numbers_that_are_not_figures(capsys) -> None:
    _, out, _ = run(capsys, "The VVER-1200 unit will add 1,200 MW by 2031, worth $6 billion.")
    assert "figure: 1,200 MW  unit capacity" in out
    assert "figure: $6 billion  unit money" in out
    assert "numbers not taken as figures: VVER-1200, 2031" in out


def test_a_credit_line_is_read_as_one_when_its_kind_says_so(capsys) -> None:
    code, out, _ = run(capsys, "--kind", "byline", "By Mira Okonjo and Tal Brenner")
    assert code == 0
    assert "person: Mira Okonjo  rule 'byline-by'  role 'reporter'" in out
    assert "person: Tal Brenner  rule 'byline-by'" in out


def test_json_for_machines(capsys) -> None:
    code, out, _ = run(capsys, "--json", "Deputy Foreign Minister Anatoly Verkhov met Sunline Power chief executive Rina Tadesse.")
    assert code == 0
    report = json.loads(out)
    tadesse = [p for p in report["people"] if p["name"] == "Rina Tadesse" and p["rule"] == "org-title-name"]
    assert tadesse and tadesse[0]["organization"] == "Sunline Power"
    assert {"rule": "title-name", "text": "Deputy Foreign Minister Anatoly Verkhov", "outcome": "kept"} in report["rules"]
    assert report["fired"] is True
    assert any(item["types"] == ["NAME"] and item["text"] == "Anatoly Verkhov" for item in report["items"])


def test_a_file_shows_each_line_kind_and_why_the_outlet_and_the_title(tmp_path: Path, capsys) -> None:
    page = tmp_path / "701_page.txt"
    page.write_text(PAGE, encoding="utf-8")
    code, out, _ = run(capsys, str(page))
    assert code == 0
    layout = {line.split(maxsplit=1)[0]: line for line in out.splitlines() if line.startswith("  ") and line.split()[0].isdigit()}
    assert layout["2"].split()[1] == "chrome" and "menu" in layout["2"]
    assert layout["3"].split()[1] == "headline"
    assert layout["5"].split()[1:3] == ["byline", "byline"]
    assert layout["6"].split()[1] == "caption" and "caption with a photo credit" in layout["6"]
    assert layout["7"].split()[1] == "paragraph" and "dateline 'HANOI, March 5 (Reuters) -' agency Reuters" in layout["7"]
    assert "Outlet: Reuters  (from the agency in the dateline, line 7)" in out
    assert "Title: Kestrel Holdings and Varna Energy sign turbine supply contract  (from the page's headline (line 3))" in out
    assert "Date: 2024-03-05" in out
    assert "person: Tomas Ferreira  rule 'org-title-name'" in out
    assert "document: contract 'Supply contract worth $1.2 billion with Varna Energy'  status signed" in out
    assert "the weather in the port city" not in out[out.index("Sentences (") :]  # nothing fired there: only with --all
    resolved = out[out.index("Resolved in this article:") :]
    assert "person: Tomas Ferreira  role 'Kestrel Holdings chief executive'  organisation 'Kestrel Holdings'" in resolved
    assert "person: Mira Okonjo  role 'reporter'" in resolved
    assert "agreement: contract" in resolved and "status signed" in resolved


def test_all_shows_every_sentence(tmp_path: Path, capsys) -> None:
    page = tmp_path / "701_page.txt"
    page.write_text(PAGE, encoding="utf-8")
    _, out, _ = run(capsys, "--all", str(page))
    sentences = out[out.index("Sentences (") :]
    assert "paragraph: the weather in the port city was mild and dry for most of the week, residents said." in sentences
    assert "nothing found" in sentences


def test_a_dev_file_with_a_signature_and_a_caption(capsys) -> None:
    code, out, _ = run(capsys, str(DEV / "503_vns-napas-nspk-card-payment-mou.txt"))
    assert code == 0
    assert "Outlet: VNS  (from the article's closing signature, line 22)" in out
    assert any(line.split()[1:2] == ["caption"] for line in out.splitlines() if line.startswith("     5 "))
    assert "[signature VNS]" in out


def test_file_json_keeps_the_layout_and_the_sentences_that_fired(tmp_path: Path, capsys) -> None:
    page = tmp_path / "701_page.txt"
    page.write_text(PAGE, encoding="utf-8")
    code, out, _ = run(capsys, "--json", str(page))
    assert code == 0
    report = json.loads(out)
    kinds = {line["number"]: (line["kind"], line["why"]) for line in report["lines"]}
    assert kinds[6] == ("caption", "caption with a photo credit")
    assert report["outlet"] == "Reuters" and report["outlet_clue"] == {"name": "Reuters", "how": "dateline", "line": 7}
    assert all(sentence["fired"] for sentence in report["sentences"])
    assert "Tomas Ferreira" in {p["name"] for p in report["people"]}


def test_a_missing_file_and_a_file_that_is_not_an_article(tmp_path: Path, capsys) -> None:
    code, out, err = run(capsys, str(tmp_path / "nowhere.txt"))
    assert code == 1 and out == ""
    assert err.strip() == f"citebot: no such file: {tmp_path / 'nowhere.txt'}"
    notes = tmp_path / "notes.txt"
    notes.write_text("no header here\n", encoding="utf-8")
    code, _, err = run(capsys, str(notes))
    assert code == 1
    assert "is not an article: no ' date YYYY-MM-DD' header" in err


def test_an_unknown_kind_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["explain", "--kind", "sidebar", "Some sentence."])
    assert stop.value.code == 2
    assert "--kind must be one of" in capsys.readouterr().err


def test_python_dash_m_bot_explain() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "explain", "Russian Energy Minister Pavel Zorin said the talks went well."],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "person: Pavel Zorin  rule 'title-name'  role 'Russian Energy Minister'  country 'Russia'" in done.stdout
