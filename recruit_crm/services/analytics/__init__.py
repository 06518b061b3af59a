"""Recruitment analytics: the recruiter home's numbers and the decision reports.

One module per report family, each a handful of set-based, read-only queries with bound
parameters; the arithmetic (medians, conversion, drop-off) lives in `recruit_crm.domain.analytics`.
See docs/analytics.md for what every number means.
"""
