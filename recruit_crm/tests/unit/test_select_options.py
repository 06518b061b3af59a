"""Every Select field of the app's doctypes offers exactly the values its domain enum defines
(the domain is the one source of truth for options, SQL literals and rules). No frappe."""

import json
import pathlib
import unittest
from enum import Enum

from recruit_crm.domain import drives, nurture
from recruit_crm.domain import pipeline as pl
from recruit_crm.domain import types as t

DOCTYPES = pathlib.Path(__file__).resolve().parents[2] / "recruit_crm" / "doctype"

# (doctype, field) -> the enum whose values it offers, in order.
OPTIONS: dict[tuple[str, str], type[Enum] | tuple[str, ...]] = {
	("RC Application Stage", "stage_kind"): pl.StageKind,
	("RC Application Stage", "source"): pl.MoveSource,
	("RC Application Stage", "sla_status"): pl.SlaLevel,
	("RC Application Stage", "alerted_level"): pl.ALERT_LEVELS,
	("RC Pipeline Automation", "trigger"): pl.AUTOMATION_TRIGGERS,
	("RC Pipeline Automation", "delay_unit"): pl.DELAY_UNITS,
	("RC Pipeline Automation", "send_window"): pl.SEND_WINDOWS,
	("RC Application Submission", "status"): t.SUBMISSION_STATUSES,
	("RC Hiring Drive", "status"): drives.DriveStatus,
	("RC Hiring Event", "event_type"): drives.EventType,
	("RC Event Registration", "status"): drives.RegistrationStatus,
	("RC Event Registration", "source"): drives.RegistrationSource,
	("RC Candidate", "crm_stage"): t.CrmStage,
	("RC Candidate", "education_level"): t.EducationLevel,
	("RC Candidate", "readiness_stage"): t.ReadinessStage,
	("RC Candidate", "email_frequency"): t.EmailFrequency,
	("RC Candidate Language", "proficiency"): t.LANGUAGE_PROFICIENCIES,
	("RC Candidate Skill", "proficiency"): t.Proficiency,
	("RC Community Signup", "status"): t.SIGNUP_STATUSES,
	("RC Consent", "purpose"): t.ConsentPurpose,
	("RC Consent", "method"): t.ConsentMethod,
	("RC Consent", "withdrawal_method"): t.ConsentMethod,
	("RC Content", "content_type"): t.CONTENT_TYPES,
	("RC Nurture Campaign", "status"): t.CAMPAIGN_STATUSES,
	("RC Nurture Campaign", "reentry_policy"): nurture.ReentryPolicy,
	("RC Nurture Campaign", "goal_stage"): t.CrmStage,
	("RC Nurture Enrollment", "status"): nurture.EnrollmentStatus,
	("RC Nurture Enrollment", "exit_reason"): nurture.ExitReason,
	("RC Nurture Enrollment", "source"): t.ENROLLMENT_SOURCES,
	("RC Nurture Message", "status"): nurture.MessageStatus,
	("RC Nurture Message", "variant"): t.VARIANTS,
	("RC Nurture Message", "lawful_basis"): t.LawfulBasis,
	("RC Nurture Step", "step_type"): nurture.StepType,
	("RC Nurture Step", "wait_unit"): t.WAIT_UNITS,
	("RC Nurture Step", "condition"): nurture.BranchCondition,
	("RC Nurture Step", "crm_stage"): t.CrmStage,
	("RC Readiness Change", "from_stage"): t.ReadinessStage,
	("RC Readiness Change", "to_stage"): t.ReadinessStage,
	("RC Settings", "talent_pool_basis"): t.LawfulBasis,
	("RC Settings", "marketing_basis"): t.LawfulBasis,
	("RC Talent Pool", "pool_type"): t.POOL_TYPES,
	("RC Talent Pool", "system_kind"): t.SYSTEM_POOL_KINDS,
	("RC Talent Pool", "visibility"): t.POOL_VISIBILITIES,
	("RC Talent Pool", "rebuild_status"): t.POOL_REBUILD_STATUSES,
	("RC Talent Pool Change", "change"): t.POOL_CHANGES,
	("RC Touchpoint", "touchpoint_type"): t.TouchpointType,
	("RC Touchpoint", "channel"): t.TouchpointChannel,
	("RC Touchpoint", "direction"): t.TouchpointDirection,
}


def select_fields() -> dict[tuple[str, str], list[str]]:
	found = {}
	for path in sorted(DOCTYPES.glob("*/*.json")):
		doc = json.loads(path.read_text())
		for field in doc.get("fields", []):
			if field.get("fieldtype") == "Select":
				found[(doc["name"], field["fieldname"])] = (field.get("options") or "").split("\n")
	return found


class TestSelectOptionsFollowTheDomain(unittest.TestCase):
	def test_every_select_field_has_a_domain_enum(self):
		self.assertEqual(sorted(set(select_fields()) - set(OPTIONS)), [], "add the enum to OPTIONS")
		self.assertEqual(sorted(set(OPTIONS) - set(select_fields())), [], "a field in OPTIONS is gone")

	def test_options_are_the_enum_values_in_order(self):
		for key, options in select_fields().items():
			with self.subTest(field=key):
				values = [o for o in options if o != ""]
				expected = OPTIONS[key]
				self.assertEqual(values, [getattr(m, "value", m) for m in expected])
