"""A demo site that looks lived-in: `bench --site SITE recruit-crm demo`.

Builds, from one seed, people with believable histories over the last months: openings posted and
closed, recruiters who own candidates, applications in every status and pipeline stage (about one
in a hundred ends in a hire), a bounded set of them worked through HRMS (interviews, offers,
employees), email, calls, meetings, portal visits and content views, a consent ledger with
evidence, talent pools, nurture campaigns with their results, and a "Join us" page. Masters are
created once; every run adds a new batch of people.

Everything at scale is set-based and goes through the product's own paths (the bulk importer, the
one touchpoint writer, the pipeline's state and stage-history tables, the consent flags, the pool
and scoring services): the cost grows with the batch's rows, never with round trips per person
nor with earlier batches; only a bounded set of applications is worked as HRMS documents. No
email is sent.
"""

import random
import time
from collections import Counter
from collections.abc import Callable

import frappe
from frappe.utils import now_datetime

from recruit_crm.domain.demo_history import person_history
from recruit_crm.services._sql import side_writer
from recruit_crm.services.candidates import (
	demo_engagement,
	demo_hrms,
	demo_masters,
	demo_nurture,
	demo_people,
	demo_pipeline,
	demo_site,
)
from recruit_crm.services.candidates.demo_people import Person, make_candidate_rows
from recruit_crm.services.candidates.records import refresh_candidates
from recruit_crm.services.engagement import scoring

__all__ = ["NoCompany", "build_demo", "make_candidate_rows", "site_summary"]

CHUNK = 5000
SCORE_CHUNK = 25_000  # candidates per recompute statement: each reads their touchpoints by index


class NoCompany(frappe.ValidationError):
	"""The site has no Company yet: job openings, offers and employees need one."""


def demo_company() -> str:
	"""The company the demo hires for: the career site's, else the default, else the only one."""
	company = (
		frappe.db.get_single_value("RC Settings", "careers_company")
		or frappe.defaults.get_global_default("company")
		or frappe.db.get_value("Company", {}, "name")
	)
	if not company or not frappe.db.exists("Company", company):
		raise NoCompany(
			"This site has no Company yet, and job openings, offers and employees belong to one. "
			"Log in to the desk as Administrator and complete ERPNext's setup wizard (it creates the "
			"Company), then run `bench --site SITE recruit-crm demo` again."
		)
	return company


def build_demo(
	candidates: int = 2000,
	seed: int = 42,
	months: int = 18,
	progress: Callable[[str], None] = print,
	commit: bool = True,
) -> dict:
	"""Add a batch of `candidates` people with `months` of history to the site; returns what it made.

	The same seed on the same site state builds the same people. Raises NoCompany when the site
	has no Company.
	"""
	company = demo_company()
	clock = _Clock(progress, commit)
	muted, frappe.flags.mute_emails = frappe.flags.mute_emails, True
	try:
		return _build(company, max(0, int(candidates)), int(seed), max(1, int(months)), clock)
	finally:
		frappe.flags.mute_emails = muted


def _build(company: str, count: int, seed: int, months: int, clock: "_Clock") -> dict:
	now = now_datetime()
	masters = demo_masters.ensure_masters(company, seed, now)
	contents = demo_site.ensure_content(_departments(company))
	page = demo_site.ensure_join_us_page(company)
	pools = demo_site.ensure_pools(masters.recruiters[0], masters.openings[3])
	campaigns = demo_nurture.ensure_campaigns(masters, contents, pools, now)
	clock.lap(f"masters: {len(masters.openings)} openings, {len(masters.recruiters)} recruiters, /{page}")

	first = demo_people.next_number()
	# Two streams: who people are (names, addresses) depends on the seed and their numbers only,
	# never on the clock or the site's openings, which shape what happened to them.
	rnd = random.Random(f"{seed}:{first}")
	who = random.Random(f"{seed}:{first}:people")
	validity = frappe.db.get_single_value("RC Settings", "consent_validity_months")
	validity = 12 if validity is None else int(validity)
	people = []
	for number in range(first, first + count):
		history = person_history(rnd, now, months, masters.windows, len(contents), validity)
		people.append(Person(number, demo_people.profile(who, number, history.persona), history))
	clock.lap(f"{count} people and their histories generated (from #{first})", commit=False)

	demo_people.import_people(people, masters.recruiters, rnd)
	clock.lap(f"people imported: {sum(1 for p in people if p.name)}")

	bulk, worked = demo_people.plan_applications(people, masters.windows, demo_hrms.subset_size(count), now)
	place = demo_pipeline.placement(now)
	# Independent tables go through a second connection, on the other core meanwhile: stays here,
	# the consent ledger beside the touchpoints (its flags are set once it is committed). It
	# commits on its own, so only a run that commits step by step uses it.
	with side_writer(enabled=clock.commit) as side:
		applicants = demo_people.write_applications(bulk, masters, place)
		stays = (
			demo_pipeline.write_stage_history(place, bulk, masters.openings, frappe.session.user, side)
			if place
			else 0
		)
		applied = demo_engagement.record_applications(applicants)
	clock.lap(
		f"applications: {len(applicants)} set-based ({applied} Applied touchpoints, {stays} stage stays)"
	)

	hrms, hires = demo_hrms.work_applications(worked, masters, rnd, now)
	clock.lap(f"worked in HRMS: {hrms}")

	with side_writer(enabled=clock.commit) as side:
		consents = demo_engagement.write_consents(people, rnd, side)
		touched = demo_engagement.record_histories(
			people, masters, contents, {(p.person.number, p.index): p.name for p in bulk}
		)
	demo_engagement.sync_consents(people)
	clock.lap(f"touchpoints: {touched}; consent ledger: {consents} entries")

	nurture = demo_nurture.write_histories(campaigns, people, rnd, now)
	clock.lap(f"campaigns: {nurture}")

	with_applications = [p.name for p in people if p.name and p.history.applications]
	for start in range(0, len(with_applications), CHUNK):
		refresh_candidates(with_applications[start : start + CHUNK])
	settled = demo_pipeline.settle_stages(people, {(p.person.number, p.index) for p in worked})
	scored = _recompute_scores([p.name for p in people if p.name])
	clock.lap(f"stages and scores: {scored}; from the pipeline: {settled}")

	members = demo_site.fill_pools(pools, people, masters.recruiters[0], rnd)
	clock.lap(f"pools: {members}")

	demo_hrms.hire(hires, hrms)  # last: each Employee saved clears the site's caches
	clock.lap(f"hired from accepted offers: {hrms['Employee']} Employees")

	return {
		"people": sum(1 for p in people if p.name),
		"first_number": first,
		"openings": len(masters.openings),
		"recruiters": masters.recruiters,
		"applications": len(applicants) + hrms["Job Applicant"],
		"hrms_documents": {k: v for k, v in hrms.items() if k != "first_error"},
		"pipeline_stages": settled,
		"touchpoints_recorded": applied + touched + nurture["touchpoints"],
		"consent_entries": consents,
		"campaigns": nurture,
		"pools": members,
		"page": f"/{page}",
		"seconds": round(clock.total(), 1),
		**site_summary(),
	}


def _recompute_scores(candidates: list[str]) -> dict:
	"""Scores and readiness of this batch from all its touchpoints (the full recompute's rules),
	in chunks: the cost follows the batch, not the site's earlier batches."""
	total = {"candidates_scored": 0, "stage_changes": 0}
	for start in range(0, len(candidates), SCORE_CHUNK):
		for key, value in scoring.recompute(candidates[start : start + SCORE_CHUNK]).items():
			total[key] += value
	return total


def _departments(company: str) -> dict[str, str]:
	return dict(
		frappe.get_all(
			"Department", filters={"company": company}, fields=["department_name", "name"], as_list=True
		)
	)


def site_summary() -> dict:
	"""The distributions a demo is judged by, over the whole site."""
	stages = dict(frappe.db.sql("select crm_stage, count(*) from `tabRC Candidate` group by crm_stage"))
	readiness = dict(
		frappe.db.sql("select readiness_stage, count(*) from `tabRC Candidate` group by readiness_stage")
	)
	people = sum(stages.values()) or 1
	flags = frappe.db.sql(
		"""select sum(has_pool_consent), sum(has_marketing_consent), sum(is_unsubscribed), sum(do_not_contact),
			sum(has_bounced) from `tabRC Candidate`"""
	)[0]
	months = frappe.db.sql(
		"""select date_format(occurred_at, '%Y-%m') m, count(*) from `tabRC Touchpoint` group by m order by m"""
	)
	consent = Counter(
		dict(
			frappe.db.sql(
				"""select case when withdrawn_at is not null then 'withdrawn'
					when expires_on < curdate() then 'expired' else 'valid' end, count(*)
				from `tabRC Consent` group by 1"""
			)
		)
	)
	return {
		"crm_stages": stages,
		"readiness": readiness,
		"consent_share": {
			key: round(float(value or 0) / people, 3)
			for key, value in zip(
				("pool", "marketing", "unsubscribed", "do_not_contact", "bounced"), flags, strict=True
			)
		},
		"consent_ledger": dict(consent),
		"touchpoints_by_month": dict(months),
	}


class _Clock:
	"""Progress lines with the time each step took; commits between steps when asked."""

	def __init__(self, progress: Callable[[str], None], commit: bool):
		self.progress = progress
		self.commit = commit
		self.start = self.last = time.perf_counter()

	def lap(self, what: str, commit: bool = True) -> None:
		if commit and self.commit:
			frappe.db.commit()  # nosemgrep: a long seeding run, committed step by step
		now = time.perf_counter()
		self.progress(f"[{now - self.start:6.1f}s +{now - self.last:5.1f}s] {what}")
		self.last = now

	def total(self) -> float:
		return time.perf_counter() - self.start
