"""Workflow events: when an admin changes the pipeline's states or days, every application's
waiting flag and due time are recomputed (in the background: one UPDATE per state)."""

import frappe

from recruit_crm.services.pipeline.workflow import APPLICANT


def on_update(doc, method=None) -> None:
	if doc.document_type != APPLICANT or not doc.is_active:
		return
	frappe.enqueue(
		"recruit_crm.tasks.pipeline.recompute_flags",
		job_id="rc-sla-recompute",
		deduplicate=True,
		enqueue_after_commit=True,
	)
