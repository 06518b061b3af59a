"""What the desk needs at load: the score half-life, so lists show engagement decayed to today."""

import frappe


def boot_session(bootinfo) -> None:
	if frappe.session.user == "Guest":
		return
	from recruit_crm.services.scoring import get_settings

	bootinfo.recruit_crm = {"score_half_life_days": get_settings().half_life_days}
