"""Every portal page's code sits where Frappe looks for it: the page name with dashes made
underscores (`www/careers/community-confirm.html` reads `community_confirm.py`). A module named
with dashes is never imported, and its page renders without its context."""

from pathlib import Path

WWW = Path(__file__).resolve().parents[2] / "www"


def test_no_page_module_is_named_with_dashes():
	dashed = sorted(str(p.relative_to(WWW)) for p in WWW.rglob("*.py") if "-" in p.name)
	assert dashed == []


def test_every_page_module_belongs_to_a_page():
	pages = {p.with_suffix("").name.replace("-", "_") for p in WWW.rglob("*.html")}
	modules = {p.stem for p in WWW.rglob("*.py") if p.stem != "__init__"}
	assert modules - pages == set()
