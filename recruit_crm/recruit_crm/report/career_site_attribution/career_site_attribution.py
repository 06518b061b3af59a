# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

"""Which channels, campaigns and sharers bring visits, applications and hires."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate, today

from recruit_crm.domain.careers import OTHER_CHANNEL, channel_of


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	from_date = getdate(filters.get("from_date") or add_days(today(), -90))
	to_date = getdate(filters.get("to_date") or today())
	params = {"from": from_date, "to": add_days(to_date, 1), "opening": filters.get("job_opening")}
	opening_visit = "and job_opening = %(opening)s" if params["opening"] else ""
	opening_app = "and ja.job_title = %(opening)s" if params["opening"] else ""
	rows: dict[tuple, dict] = {}

	extra = frozenset(
		line.strip().lower()
		for line in (frappe.db.get_single_value("RC Settings", "extra_channels") or "").splitlines()
		if line.strip()
	)

	def row(source, campaign, sharer):
		# Untrusted query strings never become channels of their own: unknown ones are "other".
		channel = channel_of(source, extra)
		key = (_(channel), campaign if channel != OTHER_CHANNEL else "", sharer or "")
		return rows.setdefault(
			key,
			{
				"channel": key[0],
				"campaign": key[1],
				"sharer": key[2],
				"visits": 0,
				"applications": 0,
				"hires": 0,
			},
		)

	for channel, campaign, sharer, count in frappe.db.sql(
		f"""select utm_source, utm_campaign, referrer_employee, count(*) from `tabRC Career Visit`
		where visited_at >= %(from)s and visited_at < %(to)s {opening_visit}
		group by utm_source, utm_campaign, referrer_employee""",
		params,
	):
		row(channel, campaign, sharer)["visits"] += count
	for channel, campaign, sharer, applications, hires in frappe.db.sql(
		f"""select ja.rc_utm_source, ja.rc_utm_campaign,
			if(ja.source = 'Employee Referral', ja.source_name, null),
			count(distinct ja.name), count(distinct e.name)
		from `tabJob Applicant` ja left join `tabEmployee` e on e.job_applicant = ja.name
		where ja.creation >= %(from)s and ja.creation < %(to)s {opening_app}
		group by 1, 2, 3""",
		params,
	):
		r = row(channel, campaign, sharer)
		r["applications"] += applications
		r["hires"] += hires
	data = sorted(rows.values(), key=lambda r: (-r["applications"], -r["visits"]))
	for r in data:
		r["conversion"] = (100.0 * r["applications"] / r["visits"]) if r["visits"] else None
	columns = [
		{"fieldname": "channel", "label": _("Channel"), "fieldtype": "Data", "width": 140},
		{"fieldname": "campaign", "label": _("Campaign"), "fieldtype": "Data", "width": 140},
		{
			"fieldname": "sharer",
			"label": _("Shared By"),
			"fieldtype": "Link",
			"options": "Employee",
			"width": 160,
		},
		{"fieldname": "visits", "label": _("Visits"), "fieldtype": "Int", "width": 90},
		{"fieldname": "applications", "label": _("Applications"), "fieldtype": "Int", "width": 110},
		{"fieldname": "hires", "label": _("Hires"), "fieldtype": "Int", "width": 80},
		{
			"fieldname": "conversion",
			"label": _("Visit → Application %"),
			"fieldtype": "Percent",
			"width": 150,
		},
	]
	chart = {
		"data": {
			"labels": [r["channel"] for r in data[:10]],
			"datasets": [
				{"name": _("Visits"), "values": [r["visits"] for r in data[:10]]},
				{"name": _("Applications"), "values": [r["applications"] for r in data[:10]]},
			],
		},
		"type": "bar",
	}
	return columns, data, None, chart
