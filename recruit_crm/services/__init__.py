"""Use cases: load facts (set-based), ask `recruit_crm.domain` what to do, write the outcome.

One package per capability; a new piece of code goes where the capability it serves lives:

- `candidates/`: one record per person: records and linking, merge, bulk import, backfill, demo.
- `pools/`: talent pools: membership, smart pools, system pools, insights, Find Candidates.
- `engagement/`: touchpoints (recorded, captured, tracked) and the engagement score.
- `compliance/`: consent, export, erasure, retention and consent renewal.
- `nurture/`: campaigns: audience, the step engine, claiming, rendering, delivery, operator
  actions and reports.
- `portal/`: the career site and candidate portal: pages, applications, community, preferences,
  signed links, and the request guards of the app's routes.
- `_sql.py`: the multi-row writers every capability uses.

Services import the domain and each other, never adapters (`api`, `integrations`, `tasks`,
`www`, doctype controllers); `.ci/run` checks it with import-linter.
"""
