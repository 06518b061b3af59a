"""What people do to running sequences: replies stop or pause them, auto-paused ones resume, and
an operator settles a message whose delivery is Unknown.
"""

from datetime import datetime

import frappe
from frappe import _
from frappe.utils import add_days, now_datetime

from recruit_crm.domain import nurture
from recruit_crm.domain.nurture import ExitReason, MessageStatus
from recruit_crm.services.nurture import recording
from recruit_crm.services.nurture.audience import exit_enrollments, pause_enrollments, resume_enrollments
from recruit_crm.services.nurture.constants import CAMPAIGN, ENROLLMENT, MESSAGE
from recruit_crm.services.nurture.engine import continue_after_messages


def on_reply(message: str, subject: str, headers: dict | None = None, now: datetime | None = None) -> str:
	"""A person replied to a campaign email: stop (or, for an out-of-office, pause) the sequence.

	Returns "paused", "exited" or "recorded".
	"""
	now = now or now_datetime()
	row = frappe.db.get_value(
		MESSAGE, message, ["name", "enrollment", "candidate", "nurture_campaign"], as_dict=True
	)
	if not row:
		return "unknown"
	if not row.enrollment:  # a pipeline email: there is no sequence to stop or pause
		frappe.db.sql(
			f"update `tab{MESSAGE}` set replied_at = ifnull(replied_at, %(now)s) where name = %(name)s",
			{"now": now, "name": message},
		)
		return "recorded"
	if nurture.is_auto_reply(subject, headers):
		pause_enrollments([row.enrollment], _("Automatic reply: {0}").format(subject or "")[:140])
		# resume a week later: an out-of-office is temporary
		frappe.db.set_value(
			ENROLLMENT, row.enrollment, "next_action_at", add_days(now, 7), update_modified=False
		)
		return "paused"
	# The reply itself becomes an "Email Replied" touchpoint through the Communication capture.
	frappe.db.sql(
		f"update `tab{MESSAGE}` set replied_at = ifnull(replied_at, %(now)s) where name = %(name)s",
		{"now": now, "name": message},
	)
	if frappe.db.get_value(CAMPAIGN, row.nurture_campaign, "exit_on_reply"):
		exit_enrollments([row.enrollment], ExitReason.REPLIED.value, now)
		return "exited"
	return "recorded"


def resume_auto_paused(now: datetime | None = None) -> int:
	"""Enrolments paused by an out-of-office reply resume after a week."""
	now = now or now_datetime()
	names = frappe.get_all(
		ENROLLMENT,
		filters={
			"status": "Paused",
			"paused_reason": ["like", "Automatic reply%"],
			"next_action_at": ["<=", now],
		},
		pluck="name",
	)
	if names:
		resume_enrollments(names)
	return len(names)


def resolve_unknown(message: str, outcome: str, user: str | None = None) -> None:
	"""An operator decides what happened to a message whose fate is unknown after a crash.

	"Sent": the mail server's log shows it left, so it is recorded as sent;
	"Retry": send it again (the operator accepts the risk of a duplicate);
	"Cancel": give up on it.
	"""
	row = frappe.db.get_value(MESSAGE, message, ["status", "enrollment"], as_dict=True)
	if not row or row.status != MessageStatus.UNKNOWN.value:
		frappe.throw(_("Only a message whose fate is unknown can be resolved."))
	now = now_datetime()
	user = user or frappe.session.user
	if outcome == "Sent":
		frappe.db.sql(
			f"""update `tab{MESSAGE}` set status = 'Sent', sent_at = ifnull(sent_at, claimed_at),
				resolved_by = %(user)s, resolution = %(r)s, modified = %(now)s where name = %(name)s""",
			{"user": user, "r": _("Confirmed sent by an operator"), "now": now, "name": message},
		)

		recording.record_sent([message])
	elif outcome == "Retry":
		frappe.db.sql(
			f"""update `tab{MESSAGE}` set status = 'Queued', due_at = %(now)s, claimed_by = null,
				lease_expires_at = null, resolved_by = %(user)s, resolution = %(r)s, modified = %(now)s
			where name = %(name)s""",
			{"user": user, "r": _("Re-sent by an operator"), "now": now, "name": message},
		)
	elif outcome == "Cancel":
		frappe.db.sql(
			f"""update `tab{MESSAGE}` set status = 'Cancelled', resolved_by = %(user)s, resolution = %(r)s,
				modified = %(now)s where name = %(name)s""",
			{"user": user, "r": _("Cancelled by an operator"), "now": now, "name": message},
		)
		continue_after_messages([row.enrollment], now)
	else:
		frappe.throw(_("Unknown resolution {0}").format(outcome))
