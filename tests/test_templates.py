"""Template source rules Django does not enforce: a ``{# #}`` comment ends on the line it starts
(across lines Django prints it as text on every page)."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def test_it_keeps_every_short_comment_on_one_line():
    open_comments = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if line.count("{#") > line.count("#}")
    ]
    assert open_comments == [], "use {% comment %} for a comment over several lines"


def test_it_renders_no_template_syntax_as_text(client, manager, practice, client_for):
    page = client_for(manager).get(f"/practices/{practice.pk}/").content.decode()
    assert "{#" not in page and "{%" not in page
