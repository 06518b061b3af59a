"""Leave HRMS as it was: remove our fields, permissions and role."""

import frappe

from recruit_crm.setup import pipeline
from recruit_crm.setup.custom_fields import delete_recruit_crm_custom_fields
from recruit_crm.setup.global_search import remove_candidates_from_global_search
from recruit_crm.setup.permissions import remove_app_permissions


def before_uninstall() -> None:
	pipeline.uninstall()
	delete_recruit_crm_custom_fields()
	remove_app_permissions()
	remove_candidates_from_global_search()
	frappe.clear_cache()
