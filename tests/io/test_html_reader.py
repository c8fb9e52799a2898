"""HTML reader: a saved page's readable text, its content only, then plain-text reading."""

from __future__ import annotations

import pytest

from clientlens.errors import InputError
from clientlens.io.html import page_text
from clientlens.io.read import read_bytes, read_file

INTERVIEW = """<!DOCTYPE html><html><head><title>Entretien</title><script>var cible = 1;</script></head>
<body><nav><a href="/">Accueil</a> <a href="/c">Nos cibles</a></nav><header>Le site du commerce</header>
<main><article><h1>Paul Girard : « Nos clients sont des personnes »</h1>
<p>Rencontre avec Paul Girard, qui dirige Vellane.</p>
<p><strong>Comment décririez-vous vos clients&nbsp;?</strong></p>
<p>Des gens qui nous confient leur budget. Je lis vingt r&eacute;clamations par semaine.</p>
<p><strong>Vos concurrents parlent de « cibles ». Et vous ?</strong></p>
<p>Je déteste ce mot.<br>Chez nous, on parle de personnes.</p>
<h2>Et quand un client conteste une facture ?</h2><p>On l'écoute d'abord.</p>
<aside>Lire aussi : comment conquérir des clients</aside></article></main>
<footer>Cookies pour cibler la publicité</footer></body></html>"""


def test_page_text_keeps_the_content_only():
    assert page_text(INTERVIEW).split("\n\n") == [
        "Rencontre avec Paul Girard, qui dirige Vellane.",
        "Comment décririez-vous vos clients ?",  # &nbsp; read as a space
        "Des gens qui nous confient leur budget. Je lis vingt réclamations par semaine.",
        "Vos concurrents parlent de « cibles ». Et vous ?",
        "Je déteste ce mot.\nChez nous, on parle de personnes.",
        "Et quand un client conteste une facture ?",
        "On l'écoute d'abord.",
    ]


def test_a_printed_interview_page_leaves_its_questions_out():
    transcript = read_bytes(INTERVIEW.encode("utf-8"), "html", source="entretien.html")
    assert transcript.format == "html"
    assert [t.speaker for t in transcript.turns].count("Question") == 3
    assert transcript.questioners == {"Question"}


@pytest.mark.parametrize(
    ("html", "text"),
    [
        # no <main>: the <article>
        ("<body><p>Menu</p><article><p>Nos clients d’abord.</p></article></body>", "Nos clients d’abord."),
        # neither: the whole body, without what is never content
        ("<body><nav>Menu</nav><div>Nos clients<br/>d’abord.</div><script>x()</script></body>",
         "Nos clients\nd’abord."),
        # a page cut short is read as far as it goes
        ("<html><body><p>Nos clients <b>d’abord", "Nos clients d’abord"),
        # an empty <main> does not hide the text around it
        ("<body><main></main><p>Nos clients d’abord.</p></body>", "Nos clients d’abord."),
    ],
    ids=["article", "body", "truncated", "empty-main"],
)
def test_which_text_is_read(html, text):
    assert page_text(html) == text


def test_a_hearing_record_page_is_read_as_one():
    html = ("<html><body><main><p>Mme la présidente Claire Dumas. Vous avez la parole.</p>"
            "<p>M. Paul Girard, directeur général de Vellane. – Merci.</p>"
            "<p>Mme la présidente. Combien de réclamations ?</p><p>M. Paul Girard. Deux mille.</p>"
            "</main></body></html>")
    transcript = read_bytes(html.encode("utf-8"), "html")
    assert transcript.speakers == ["Claire Dumas (présidente de séance)", "Paul Girard (directeur général de Vellane)"]


def test_a_page_without_text_is_an_input_error():
    with pytest.raises(InputError, match="no readable text"):
        read_bytes(b"<html><head><script>x()</script></head><body><nav>Menu</nav></body></html>", "html")


@pytest.mark.parametrize("name", ["page.html", "page.htm", "PAGE.HTML"])
def test_html_files_by_extension(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(INTERVIEW.encode("cp1252", errors="ignore"))  # an 8-bit page is decoded as any text
    assert read_file(path).questioners == {"Question"}


def test_a_page_saved_as_txt_names_what_it_is(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(INTERVIEW, encoding="utf-8")
    with pytest.raises(InputError, match=r"expected plain text, found an HTML page \(read it as \.html\)"):
        read_file(path)
