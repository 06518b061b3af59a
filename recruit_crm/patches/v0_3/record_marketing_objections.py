"""People who unsubscribed or withdrew their marketing consent before `marketing_objection`
existed have objected: a site that later sends on legitimate interest must not write to them."""

import frappe


def execute():
	frappe.db.sql(
		"""update `tabRC Candidate` c set c.marketing_objection = 1
		where c.marketing_objection = 0 and c.has_marketing_consent = 0 and (c.is_unsubscribed = 1
			or exists (select 1 from `tabRC Consent` k where k.candidate = c.name
				and k.purpose = 'Marketing Email' and k.withdrawn_at is not null))"""
	)
