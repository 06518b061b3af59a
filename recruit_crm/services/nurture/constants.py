"""What the nurture modules share: doctype names, batch sizes, the SQL of who may be emailed and
why not, and time-zone helpers.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from frappe.utils import get_datetime, get_system_timezone

from recruit_crm.domain.consent import MARKETING_ALLOWED_SQL
from recruit_crm.domain.nurture import EMAIL_STEPS

CAMPAIGN = "RC Nurture Campaign"
ENROLLMENT = "RC Nurture Enrollment"
MESSAGE = "RC Nurture Message"
CANDIDATE = "RC Candidate"
CHUNK = 5000
TICK_LIMIT = 20_000  # enrolments moved per tick by the Python pass
EMAIL_STEP_TYPES = tuple(s.value for s in EMAIL_STEPS)


# A person may receive marketing email: the contract every feature filters on (alias `c`).
# Consent, or legitimate interest without an objection, as RC Settings chooses (domain.consent).
SENDABLE_SQL = f"""(c.do_not_contact = 0 and c.is_unsubscribed = 0 and c.has_bounced = 0
	and {MARKETING_ALLOWED_SQL} and c.is_anonymized = 0
	and ifnull(c.email_frequency, '') != 'Important Only' and ifnull(c.email, '') != '')"""


# Why a person may not receive it, in the order the domain checks (alias `c`).
SUPPRESSION_REASON_SQL = f"""case
	when c.is_anonymized = 1 or c.do_not_contact = 1 then 'Do Not Contact'
	when c.is_unsubscribed = 1 then 'Unsubscribed'
	when c.has_bounced = 1 then 'Bounced'
	when not {MARKETING_ALLOWED_SQL} then 'Consent Lost'
	when c.email_frequency = 'Important Only' then 'Email Preferences'
	else 'Do Not Contact' end"""


# Why a person is left out of a dry run or a one-off email, for the recruiter reading it (alias
# `c`): the delivery-time reasons above, with lost consent told apart through the consent ledger
# (the latest marketing entry): never given, withdrawn, or expired. Delivery keeps using
# SUPPRESSION_REASON_SQL; a consent-free person is "Never Asked" only when the ledger is empty.
LEFT_OUT_REASON_SQL = f"""case
	when c.is_anonymized = 1 or c.do_not_contact = 1 then 'Do Not Contact'
	when c.is_unsubscribed = 1 then 'Unsubscribed'
	when c.has_bounced = 1 then 'Bounced'
	when ifnull(c.email, '') = '' then 'No Email Address'
	when not {MARKETING_ALLOWED_SQL} then coalesce((
		select case
			when k.withdrawn_at is not null then 'Consent Withdrawn'
			when k.expires_on < %(today)s or c.consent_expires_on < %(today)s then 'Consent Expired'
			else 'Consent Lost' end
		from `tabRC Consent` k where k.candidate = c.name and k.purpose = 'Marketing Email'
		order by k.given_at desc, k.creation desc limit 1), 'Never Asked')
	when c.email_frequency = 'Important Only' then 'Email Preferences'
	else 'Do Not Contact' end"""

# What each left-out reason means and what a recruiter can do about it.
LEFT_OUT_HELP = {
	"Never Asked": "No marketing consent on record: they were never asked. Ask them from the "
	"candidate list (Actions > Ask for Permission).",
	"Consent Withdrawn": "They withdrew their marketing consent. Only they can give it again.",
	"Consent Expired": "Their marketing consent ran out. Ask again to renew it (Actions > Ask for "
	"Permission).",
	"Consent Lost": "Their consent flags and the consent ledger disagree; open the candidate to check.",
	"Unsubscribed": "They unsubscribed from campaign email.",
	"Bounced": "Their address bounced; correct the email address first.",
	"No Email Address": "There is no email address on their record.",
	"Do Not Contact": "Marked Do Not Contact (or anonymised).",
	"Email Preferences": "They asked for important email only.",
}


def to_aware(value: datetime) -> datetime:
	"""A stored (system time zone) datetime as an aware one."""
	return get_datetime(value).replace(tzinfo=ZoneInfo(get_system_timezone()))


def to_naive(value: datetime) -> datetime:
	"""An aware datetime as a stored (system time zone) one."""
	return value.astimezone(ZoneInfo(get_system_timezone())).replace(tzinfo=None)


# The columns of a sent message's side rows (recording.record_sent): BOUND values come from each
# row (in order), HEX ones too, written as a hex literal; any other entry is the SQL constant
# every row gets.
BOUND, HEX = object(), object()
_ADMIN = (("owner", "'Administrator'"), ("modified_by", "'Administrator'"), ("docstatus", "0"))
COMMUNICATION_COLUMNS = (
	("name", BOUND), ("creation", BOUND), ("modified", BOUND), *_ADMIN, ("subject", BOUND), ("content", HEX),
	("communication_type", "'Communication'"), ("communication_medium", "'Email'"),
	("sent_or_received", "'Sent'"), ("status", "'Linked'"), ("delivery_status", "'Sent'"), ("sender", BOUND),
	("sender_full_name", BOUND), ("recipients", BOUND), ("reference_doctype", BOUND),
	("reference_name", BOUND), ("message_id", BOUND), ("email_account", BOUND), ("email_template", BOUND),
	("communication_date", BOUND), ("seen", "1"),
)  # fmt: skip
EMAIL_QUEUE_COLUMNS = (
	("name", BOUND), ("creation", BOUND), ("modified", BOUND), *_ADMIN, ("sender", BOUND), ("message", "''"),
	("status", "'Sent'"), ("message_id", BOUND), ("reference_doctype", BOUND), ("reference_name", BOUND),
	("communication", BOUND), ("email_account", BOUND), ("priority", "0"), ("retry", "0"),
	("add_unsubscribe_link", "0"),
)  # fmt: skip
EMAIL_QUEUE_RECIPIENT_COLUMNS = (
	("name", BOUND), ("creation", BOUND), ("modified", BOUND), *_ADMIN, ("parent", BOUND),
	("parenttype", "'Email Queue'"), ("parentfield", "'recipients'"), ("idx", "1"), ("recipient", BOUND),
	("status", "'Sent'"),
)  # fmt: skip
COMMUNICATION_LINK_COLUMNS = (
	("name", BOUND), ("creation", BOUND), ("modified", BOUND), *_ADMIN, ("parent", BOUND),
	("parenttype", "'Communication'"), ("parentfield", "'timeline_links'"), ("idx", "1"),
	("link_doctype", "'RC Candidate'"), ("link_name", BOUND),
)  # fmt: skip
