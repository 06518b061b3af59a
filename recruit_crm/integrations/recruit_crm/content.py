"""RC Content events: stories and videos on cached career pages."""

from recruit_crm.services.portal.careers import clear_careers_cache


def on_update(doc, method=None) -> None:
	clear_careers_cache()


def on_trash(doc, method=None) -> None:
	clear_careers_cache()
