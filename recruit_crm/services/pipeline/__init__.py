"""The hiring pipeline: the Workflow on Job Applicant, its history, moves, emails and alarms."""
