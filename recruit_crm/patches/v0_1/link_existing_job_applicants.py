"""Link Job Applicants created while the app was not yet linking them (or before install)."""

from recruit_crm.services.candidates.backfill import link_unlinked_applicants
from recruit_crm.setup.custom_fields import create_recruit_crm_custom_fields


def execute() -> None:
	create_recruit_crm_custom_fields()
	link_unlinked_applicants()
