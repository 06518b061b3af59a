"""What the nurture modules share: doctype names, batch sizes, the SQL of who may be emailed and
why not, and time-zone helpers.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from frappe.utils import get_datetime, get_system_timezone

from recruit_crm.domain.nurture import EMAIL_STEPS

CAMPAIGN = "RC Nurture Campaign"
ENROLLMENT = "RC Nurture Enrollment"
MESSAGE = "RC Nurture Message"
CANDIDATE = "RC Candidate"
CHUNK = 5000
TICK_LIMIT = 20_000  # enrolments moved per tick by the Python pass
EMAIL_STEP_TYPES = tuple(s.value for s in EMAIL_STEPS)


# A person may receive marketing email: the contract every feature filters on (alias `c`).
SENDABLE_SQL = """(c.do_not_contact = 0 and c.is_unsubscribed = 0 and c.has_bounced = 0
	and c.has_marketing_consent = 1 and c.is_anonymized = 0
	and (c.consent_expires_on is null or c.consent_expires_on >= %(today)s)
	and ifnull(c.email_frequency, '') != 'Important Only' and ifnull(c.email, '') != '')"""


# Why a person may not receive it, in the order the domain checks (alias `c`).
SUPPRESSION_REASON_SQL = """case
	when c.is_anonymized = 1 or c.do_not_contact = 1 then 'Do Not Contact'
	when c.is_unsubscribed = 1 then 'Unsubscribed'
	when c.has_bounced = 1 then 'Bounced'
	when c.has_marketing_consent = 0 or c.consent_expires_on < %(today)s then 'Consent Lost'
	when c.email_frequency = 'Important Only' then 'Email Preferences'
	else 'Do Not Contact' end"""


def to_aware(value: datetime) -> datetime:
	"""A stored (system time zone) datetime as an aware one."""
	return get_datetime(value).replace(tzinfo=ZoneInfo(get_system_timezone()))


def to_naive(value: datetime) -> datetime:
	"""An aware datetime as a stored (system time zone) one."""
	return value.astimezone(ZoneInfo(get_system_timezone())).replace(tzinfo=None)
