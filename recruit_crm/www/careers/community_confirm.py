from frappe import _

from recruit_crm.services.portal import careers

no_cache = 1


def get_context(context):
	context.update({"title": _("Confirm your email"), "conf": careers.settings()})
	return context
