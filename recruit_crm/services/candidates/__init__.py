"""One record per person: find or create by email, link every Job Applicant (`records`), merge
duplicates (`merge`), import in bulk (`bulk_import`), link what arrived unlinked (`backfill`),
and the demo data (`demo`)."""
