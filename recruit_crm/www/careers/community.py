from frappe import _

from recruit_crm.services.portal import careers

no_cache = 0


def get_context(context):
	conf = careers.settings()
	context.update(
		{
			"title": _("Join our talent community"),
			"conf": conf,
			"metatags": {
				"title": _("Join our talent community"),
				"description": _("Hear about roles that fit you, and nothing else."),
				"image": conf.hero_image or conf.logo,
				"og:type": "website",
			},
			"parents": [{"name": _("Careers"), "route": "/careers"}],
		}
	)
	return context
