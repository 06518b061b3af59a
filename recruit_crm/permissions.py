"""Candidate data is HR data: never visible to Guest or website users, whatever roles say.

Job Applicant is HRMS's doctype, but it holds the same people: HRMS's Employee Self Service
user type grants "select" on it (Employee links to it), which lets every employee search and
list applicants with their email addresses. These hooks narrow it to HR roles; interviewers
see the applicants of their own interviews, and a setting lets employees follow the people
they referred. Hooks, not edited permissions: uninstalling the app restores HRMS's behaviour.
"""

import frappe

from recruit_crm.domain.roles import HR_ROLES, INTERVIEWER, MANAGER_ROLES, holds_any


def _is_desk_user(user: str | None) -> bool:
	user = user or frappe.session.user
	if user == "Guest":
		return False
	return frappe.get_cached_value("User", user, "user_type") == "System User"


def candidate_query_conditions(user: str | None = None) -> str | None:
	"""List and report queries return nothing to non-desk users."""
	return None if _is_desk_user(user) else "1=0"


def candidate_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	"""Deny non-desk users outright; otherwise defer to the roles on the doctype."""
	return None if _is_desk_user(user) else False


# --- Job Applicant: HR, the applicant's interviewers, optionally the referring employee --------


def is_hr_user(user: str | None = None) -> bool:
	"""Administrator or anyone holding an HR or recruiter role (desk users only)."""
	user = user or frappe.session.user
	if user == "Administrator":
		return True
	return _is_desk_user(user) and holds_any(frappe.get_roles(user), HR_ROLES)


def _referrer_employee(user: str) -> str | None:
	if not frappe.db.get_single_value("RC Settings", "employees_see_referred_applicants"):
		return None
	return frappe.db.get_value("Employee", {"user_id": user, "status": "Active"}, "name")


def job_applicant_query_conditions(user: str | None = None) -> str | None:
	"""HR sees every applicant; interviewers their interviews' applicants; referrers (if allowed)
	the people they referred; everyone else none."""
	user = user or frappe.session.user
	if is_hr_user(user):
		return None
	u = frappe.db.escape(user)
	clauses = []
	if INTERVIEWER in frappe.get_roles(user):
		clauses.append(
			f"""`tabJob Applicant`.name in (select iv.job_applicant from `tabInterview` iv
				join `tabInterview Detail` d on d.parent = iv.name and d.parenttype = 'Interview'
				where d.interviewer = {u})"""
		)
	employee = _referrer_employee(user)
	if employee:
		e = frappe.db.escape(employee)
		clauses.append(
			f"""(`tabJob Applicant`.source_name = {e} or `tabJob Applicant`.employee_referral in
				(select er.name from `tabEmployee Referral` er where er.referrer = {e}))"""
		)
	return "(" + " or ".join(clauses) + ")" if clauses else "1=0"


def job_applicant_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	"""Deny a single applicant to anyone the list conditions would not show it to."""
	user = user or frappe.session.user
	if is_hr_user(user):
		return None
	if ptype not in (None, "read", "select", "print", "email"):
		return False
	if INTERVIEWER in frappe.get_roles(user) and frappe.db.sql(
		"""select 1 from `tabInterview` iv join `tabInterview Detail` d on d.parent = iv.name
		where iv.job_applicant = %s and d.interviewer = %s limit 1""",
		(doc.name, user),
	):
		return None
	employee = _referrer_employee(user)
	if employee and (
		doc.get("source_name") == employee
		or (
			doc.get("employee_referral")
			and frappe.db.get_value("Employee Referral", doc.employee_referral, "referrer") == employee
		)
	):
		return None
	return False


# --- talent pools: Everyone / Team (a User Group) / Only Me -----------------------------------


def _sees_every_pool(user: str) -> bool:
	return user == "Administrator" or holds_any(frappe.get_roles(user), MANAGER_ROLES)


def _visible_pools_sql(user: str) -> str:
	u = frappe.db.escape(user)
	return f"""(`tabRC Talent Pool`.visibility = 'Everyone'
		or `tabRC Talent Pool`.recruiter = {u} or `tabRC Talent Pool`.owner = {u}
		or (`tabRC Talent Pool`.visibility = 'Team' and `tabRC Talent Pool`.user_group in
			(select ugm.parent from `tabUser Group Member` ugm where ugm.user = {u})))"""


def talent_pool_query_conditions(user: str | None = None) -> str | None:
	"""HR Managers see every pool; others see pools shared with everyone, their team, or their own."""
	user = user or frappe.session.user
	if not _is_desk_user(user):
		return "1=0"
	if _sees_every_pool(user):
		return None
	return _visible_pools_sql(user)


def talent_pool_member_query_conditions(user: str | None = None) -> str | None:
	"""Membership rows and their log follow the visibility of their pool."""
	user = user or frappe.session.user
	if not _is_desk_user(user):
		return "1=0"
	if _sees_every_pool(user):
		return None
	return f"talent_pool in (select `tabRC Talent Pool`.name from `tabRC Talent Pool` where {_visible_pools_sql(user)})"


def can_see_pool(pool, user: str | None = None) -> bool:
	"""Whether the user may see this pool (doc or dict with visibility, recruiter, owner, user_group)."""
	user = user or frappe.session.user
	if not _is_desk_user(user):
		return False
	if _sees_every_pool(user):
		return True
	if isinstance(pool, str):
		pool = frappe.db.get_value(
			"RC Talent Pool", pool, ["visibility", "recruiter", "owner", "user_group"], as_dict=True
		)
		if not pool:
			return False
	if pool.get("visibility") == "Everyone" or user in (pool.get("recruiter"), pool.get("owner")):
		return True
	if pool.get("visibility") == "Team" and pool.get("user_group"):
		return bool(frappe.db.exists("User Group Member", {"parent": pool.get("user_group"), "user": user}))
	return False


def talent_pool_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	"""A pool hidden from the user is not readable or writable; otherwise roles decide."""
	return None if can_see_pool(doc, user) else False


def talent_pool_member_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	user = user or frappe.session.user
	if not _is_desk_user(user):
		return False
	if _sees_every_pool(user):
		return None
	return None if can_see_pool(doc.get("talent_pool"), user) else False
