from urllib.parse import urlencode

import frappe
from frappe import _

from recruit_crm.services.portal import careers

no_cache = 0
sitemap = 1


def get_context(context):
	filters = careers.clean_filters(frappe.form_dict)
	conf = careers.settings()
	result = careers.list_openings(filters)
	context.update(
		{
			"title": _("Careers"),
			"conf": conf,
			"filters": filters,
			"result": result,
			"page_links": [
				(p, "/careers?" + urlencode({**{k: v for k, v in filters.items() if k != "page"}, "page": p}))
				for p in range(1, result.pages + 1)
			],
			"stories": careers.content_for(names=conf.featured)
			if conf.featured
			else careers.content_for(limit=3),
			"metatags": {
				"title": _("Careers") + (f" · {conf.company}" if conf.company else ""),
				"description": conf.hero_subtitle or conf.hero_title,
				"image": conf.hero_image or conf.logo,
				"og:type": "website",
			},
		}
	)
	return context
