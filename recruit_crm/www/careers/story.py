import frappe
from frappe import _

from recruit_crm.domain.content import embed_url
from recruit_crm.services.portal import careers

no_cache = 0


def get_context(context):
	route = frappe.form_dict.get("story")
	name = frappe.db.get_value("RC Content", {"route": route, "is_published": 1}, "name") if route else None
	if not name:
		# The career renderer answers this with a plain 404 page.
		raise frappe.PageDoesNotExistError(_("This story does not exist."))
	story = frappe.get_doc("RC Content", name)
	conf = careers.settings()
	context.update(
		{
			"title": story.title,
			"conf": conf,
			"story": story,
			"embed": embed_url(story.video_url),
			"body_html": frappe.utils.html_utils.sanitize_html(story.body or ""),
			"metatags": {
				"title": story.title,
				"description": story.summary or story.title,
				"image": story.image or conf.logo,
				"og:type": "article",
			},
			"parents": [{"name": _("Careers"), "route": "/careers"}],
		}
	)
	return context
