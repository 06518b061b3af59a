"""The "Can't make it?" page of a registrant's signed cancel link (/careers/event-cancel?t=...).

The GET only shows the event and a button; the button's POST (`cancel_event_registration`)
cancels, so link scanners and previews cancel nothing. Rendered per request: the token is in the
query string and Frappe's page cache keys on the path alone.
"""

import frappe
from frappe import _

from recruit_crm.domain import drives
from recruit_crm.services.drives import events
from recruit_crm.services.portal import careers

no_cache = 1
sitemap = 0


def get_context(context):
	row = events.registration_to_cancel(frappe.form_dict.get("t"))
	outcome = drives.cancel_outcome(row.status, row.ends_at, frappe.utils.now_datetime()) if row else None
	context.update(
		{
			"title": _("Cancel my place"),
			"conf": careers.settings(),
			"registration": row,
			"cancelled": outcome == drives.CancelOutcome.ALREADY,
			"too_late": outcome == drives.CancelOutcome.TOO_LATE,
		}
	)
	return context
