"""A campaign as the engine reads it: its steps, goals, caps and send window, cached per tick."""

import time as _time
from datetime import time, timedelta

import frappe
from frappe.utils import add_days, get_system_timezone, getdate

from recruit_crm.domain import nurture, send_rules
from recruit_crm.domain.nurture import Step, StepType
from recruit_crm.services.nurture.constants import CAMPAIGN, to_aware


def steps_of(campaign) -> list[Step]:
	"""The campaign's steps as domain values."""
	out = []
	for s in campaign.steps:
		out.append(
			Step(
				idx=s.idx,
				step_type=StepType(s.step_type),
				key=s.step_key or "",
				wait_amount=s.wait_amount or 0,
				wait_unit=s.wait_unit or "Days",
				wait_until=to_aware(s.wait_until_at) if s.wait_until_at else None,
				condition=nurture.BranchCondition(s.condition) if s.condition else None,
				condition_value=s.condition_value or "",
				yes_step=s.yes_step or 0,
				no_step=s.no_step or 0,
				ab_split_percent=(s.ab_split_percent or 0) if s.variant_email_template else 0,
			)
		)
	return out


def goals_of(campaign) -> nurture.Goals:
	return nurture.Goals(
		exit_on_apply=bool(campaign.exit_on_apply),
		exit_on_reply=bool(campaign.exit_on_reply),
		exit_on_hire=bool(campaign.exit_on_hire),
		goal_stage=campaign.goal_stage or "",
	)


def caps_of(campaign) -> send_rules.Caps:
	return send_rules.Caps(
		per_sender_per_day=campaign.per_sender_daily_cap or 0,
		per_campaign_per_hour=campaign.per_campaign_hourly_cap or 0,
	)


def holiday_list_of(campaign) -> str | None:
	if campaign.holiday_list:
		return campaign.holiday_list
	company = frappe.defaults.get_global_default("company") or frappe.db.get_value("Company", {}, "name")
	return frappe.db.get_value("Company", company, "default_holiday_list") if company else None


def window_of(campaign) -> send_rules.SendWindow:
	"""Business hours, weekdays and the company's holidays for the next 400 days."""

	def as_time(value, default):
		if value is None or value == "":
			return default
		if isinstance(value, timedelta):
			seconds = int(value.total_seconds())
			return time(seconds // 3600 % 24, seconds // 60 % 60)
		parts = [int(float(p)) for p in str(value).split(":")]
		return time(parts[0] % 24, parts[1] if len(parts) > 1 else 0)

	holidays: frozenset = frozenset()
	holiday_list = holiday_list_of(campaign)
	if holiday_list:
		today = getdate()
		holidays = frozenset(
			getdate(d)
			for d in frappe.get_all(
				"Holiday",
				filters={
					"parent": holiday_list,
					"holiday_date": ["between", [add_days(today, -1), add_days(today, 400)]],
					# a Holiday List also lists weekly offs; those are covered by the weekdays
					"weekly_off": 0,
				},
				pluck="holiday_date",
			)
		)
	return send_rules.SendWindow(
		start=as_time(campaign.send_start_time, time(9)),
		end=as_time(campaign.send_end_time, time(17)),
		weekdays=frozenset(range(7)) if campaign.send_on_weekends else frozenset(range(5)),
		holidays=holidays,
		default_tz=campaign.default_timezone or get_system_timezone() or "UTC",
	)


campaign_cache: dict[str, tuple[str, float, object]] = {}


CAMPAIGN_RECHECK_SECONDS = 2.0


def campaign_doc(name: str):
	"""A campaign document, cached per process; re-validated against `modified` every 2 seconds,
	so a pause or an edit reaches running workers almost at once without a query per message."""
	cached = campaign_cache.get(name)
	now = _time.monotonic()
	if cached and now - cached[1] < CAMPAIGN_RECHECK_SECONDS:
		return cached[2]
	modified = str(frappe.db.get_value(CAMPAIGN, name, "modified"))
	if cached and cached[0] == modified:
		campaign_cache[name] = (modified, now, cached[2])
		return cached[2]
	doc = frappe.get_doc(CAMPAIGN, name)
	campaign_cache[name] = (modified, now, doc)
	return doc


def step_by_key(campaign, step_key: str):
	for s in campaign.steps:
		if s.step_key == step_key:
			return s
	return None


def first_step_idx(campaign) -> int:
	return min((s.idx for s in campaign.steps), default=1)
