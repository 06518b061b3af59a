"""What the desk needs at load: the score half-life, so lists show engagement decayed to today."""

import frappe

from recruit_crm.services.engagement.scoring import get_settings


def boot_session(bootinfo) -> None:
	if frappe.session.user == "Guest":
		return

	bootinfo.recruit_crm = {"score_half_life_days": get_settings().half_life_days}
