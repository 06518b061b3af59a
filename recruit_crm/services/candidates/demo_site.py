"""The demo's career site and talent pools: stories and videos, a "Join us" page built from the
app's Web Page blocks, smart pools with meaningful rules, a recruiter's shortlist and the system
pools. Each is created once; pools are refilled after every batch of people.
"""

import json

import frappe

from recruit_crm.services.pools import membership, smart, system
from recruit_crm.services.portal.careers import clear_careers_cache

POOL = "RC Talent Pool"
JOIN_US_ROUTE = "join-us"
# Big Buck Bunny (Blender Foundation, CC BY 3.0): real, embeddable and free to show.
VIDEO_URL = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"

CONTENT = (
	{"title": "A day with our engineering team", "content_type": "Video", "video_url": VIDEO_URL,
		"designation": "Software Engineer", "department": "Engineering",
		"summary": "Stand-up, pairing, a design review and the Friday demo: one ordinary, good day."},
	{"title": "From support desk to software engineer", "content_type": "Testimonial",
		"author_name": "Wanjiru Kamau", "author_title": "Software Engineer, Nairobi",
		"designation": "Software Engineer", "department": "Engineering",
		"summary": "Wanjiru answered customers for two years, then moved into engineering with a mentor.",
		"body": "<p>I knew our product from the customer's side. My manager paired me with a mentor and, "
		"a year of evening projects later, I shipped my first feature to the people I used to help.</p>"},
	{"title": "Why I came back", "content_type": "Testimonial", "author_name": "Jonas Becker",
		"author_title": "Senior Data Analyst, Berlin", "designation": "Data Analyst", "department": "Data & Analytics",
		"summary": "A boomerang hire on what changed, and what did not, in his two years away.",
		"body": "<p>I left for a start-up and learned a lot. What brought me back was the team: people who "
		"argue about the data, not about who is right.</p>"},
	{"title": "My first 90 days in sales", "content_type": "Testimonial", "author_name": "Camila Souza",
		"author_title": "Account Executive, São Paulo", "designation": "Sales Executive", "department": "Sales",
		"summary": "Onboarding, a first deal and the shadowing programme, told by a new account executive.",
		"body": "<p>Two weeks of shadowing, then my own accounts with a senior colleague on call. "
		"My first deal closed in week eleven.</p>"},
	{"title": "How we hire: our interview process explained", "content_type": "Article",
		"summary": "Four steps, no trick questions, and an answer within two weeks. Here is what to expect.",
		"body": "<p>A screening call, a practical exercise on a real problem, a panel with your future team "
		"and a conversation about what you want next. We answer every application.</p>"},
	{"title": "Inside our Bengaluru office", "content_type": "Video", "video_url": "https://vimeo.com/1084537",
		"department": "Engineering", "summary": "A short walk through the office, the people and the chai."},
)  # fmt: skip

SMART_POOLS = (
	("Senior Python engineers", "Engineers with advanced Python and five years or more, for backend roles.",
		{"match": "all", "conditions": [
			{"field": "skill", "operator": "has", "value": {"skill": "Python", "min_proficiency": "Advanced"}},
			{"field": "total_experience_years", "operator": ">=", "value": 5}]}),
	("Data & analytics talent", "People with data skills who agreed to stay in our talent pool.",
		{"match": "all", "conditions": [
			{"match": "any", "conditions": [
				{"field": "skill", "operator": "has", "value": {"skill": s, "min_proficiency": "Intermediate"}}
				for s in ("SQL", "Data Analysis", "Machine Learning", "Statistics")]},
			{"field": "has_pool_consent", "operator": "=", "value": 1}]}),
	("Warm past applicants", "Past applicants who are engaging with us again: worth a call for new roles.",
		{"match": "all", "conditions": [
			{"field": "crm_stage", "operator": "=", "value": "Past Applicant"},
			{"field": "readiness_stage", "operator": "in", "value": ["Warm", "Hot", "Ready"]}]}),
)  # fmt: skip
SHORTLIST = "Shortlist: Staff Software Engineer"


def ensure_content(departments: dict[str, str]) -> list[tuple[str, str]]:
	"""Published stories, videos and an article; returns (name, title) of each."""
	out = []
	for spec in CONTENT:
		name = frappe.db.get_value("RC Content", {"title": spec["title"]})
		if not name:
			values = {**spec, "doctype": "RC Content", "is_published": 1}
			if spec.get("department"):
				values["department"] = departments.get(spec["department"])
			name = frappe.get_doc(values).insert(ignore_permissions=True).name
		out.append((name, spec["title"]))
	return out


def ensure_join_us_page(company: str) -> str:
	"""A "Join us" Web Page composed of the app's blocks; returns its route."""
	if frappe.db.exists("Web Page", {"route": JOIN_US_ROUTE}):
		return JOIN_US_ROUTE
	blocks = (
		("RC Campaign Hero", {"title": f"Build what comes next at {company}",
			"subtitle": "Small teams, real ownership, and people who help each other grow.",
			"cta_label": "See open roles", "cta_url": "/careers", "campaign": "join-us"}),
		("RC Job List", {"title": "Open roles", "limit": 6, "campaign": "join-us"}),
		("RC Testimonials", {"title": "Stories from the team", "content_type": "Testimonial", "limit": 3}),
		("RC Video", {"title": "A day with the team", "video_url": VIDEO_URL,
			"caption": "Stand-up, pairing, a design review and the Friday demo."}),
		("RC Talent Community Signup", {"title": "Not the right time?",
			"subtitle": "Join our talent community and hear about roles that fit you first.",
			"button_label": "Keep me posted"}),
	)  # fmt: skip
	frappe.get_doc(
		{
			"doctype": "Web Page",
			"title": "Join us",
			"route": JOIN_US_ROUTE,
			"published": 1,
			"content_type": "Page Builder",
			"full_width": 1,
			"meta_title": f"Careers at {company}",
			"meta_description": "Open roles, stories from the team and our talent community.",
			"page_blocks": [{"web_template": t, "web_template_values": json.dumps(v)} for t, v in blocks],
		}
	).insert(ignore_permissions=True)
	return JOIN_US_ROUTE


def ensure_pools(owner: str, shortlist_opening: str) -> dict[str, str]:
	"""The smart pools and the recruiter's shortlist; {pool name: document name}."""
	pools = {}
	for pool_name, purpose, rules in SMART_POOLS:
		pools[pool_name] = frappe.db.get_value(POOL, {"pool_name": pool_name, "pool_type": "Smart"}) or (
			frappe.get_doc(
				{"doctype": POOL, "pool_name": pool_name, "pool_type": "Smart", "purpose": purpose,
					"rules": json.dumps(rules), "recruiter": owner, "visibility": "Everyone"}
			).insert(ignore_permissions=True).name
		)  # fmt: skip
	pools[SHORTLIST] = frappe.db.get_value(POOL, {"pool_name": SHORTLIST, "pool_type": "Manual"}) or (
		frappe.get_doc(
			{"doctype": POOL, "pool_name": SHORTLIST, "pool_type": "Manual", "recruiter": owner,
				"visibility": "Everyone", "purpose": "People the team wants to talk to about the Staff role.",
				"job_openings": [{"job_opening": shortlist_opening}]}
		).insert(ignore_permissions=True).name
	)  # fmt: skip
	return pools


def fill_pools(pools: dict[str, str], people, owner: str, rnd) -> dict[str, int]:
	"""Rebuild the smart pools, fill the system pools from this batch's applications (what the
	backfill would find for them: earlier batches are already in), shortlist a few engineers."""
	for pool_name, _purpose, _rules in SMART_POOLS:
		smart.rebuild_smart_pool(pools[pool_name])
	system.update_from_applications([p.name for p in people if p.name and p.history.applications])
	community = [
		p.name
		for p in people
		if p.name and p.history.persona == "community" and not p.history.do_not_contact
		and any(c.purpose == "Talent Pool" and c.withdrawn_at is None for c in p.history.consents)
	]  # fmt: skip
	for start in range(0, len(community), 5000):
		system.add_to_talent_community(community[start : start + 5000], "Signed up on the career site")
	engineers = [
		p.name
		for p in people
		if p.name and p.row["current_title"] in ("Senior Software Engineer", "Software Engineer", "Backend Developer")
		and p.history.crm_stage in ("Engaged", "Contacted") and not p.history.do_not_contact
	]  # fmt: skip
	shortlisted = rnd.sample(engineers, k=min(len(engineers), max(5, min(40, len(people) // 200))))
	membership.add_members(pools[SHORTLIST], shortlisted, "Strong backend profile, open to a chat", owner)
	clear_careers_cache()
	return dict(
		frappe.db.sql(
			f"select pool_name, member_count from `tab{POOL}` where name in %(names)s or pool_type = 'System'",
			{"names": list(pools.values())},
		)
	)
