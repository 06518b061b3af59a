"""Pure recruiting logic: no frappe imports, no clock, no database.

Everything here takes plain values and returns decisions, so it is tested without a site
(`python -m pytest recruit_crm/tests/unit`) and reused by the Frappe adapters in `services/`.
"""
