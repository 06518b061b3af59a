"""Adapters for events the app does not own: one module per source doctype (grouped by the app
that owns it), each function named after its event and doing nothing but hand the document to
services. Failures that must not block the user's save are isolated (`isolation.py`).

- `hrms/`: Job Applicant, Interview, Interview Feedback, Job Offer, Employee, Exit Interview,
  Job Opening.
- `frappe/`: Communication, Error Log, personal data requests, web requests (before and after).
- `recruit_crm/`: events of the app's own doctypes that other capabilities react to
  (a candidate's Do Not Contact and pools, settings, content, merges).
"""
