"""`bench --site SITE recruit-crm ...` commands: demo data, benchmarks, bulk import."""

import json

import click

import frappe
from frappe.commands import get_site, pass_context


def _connect(context) -> str:
	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	frappe.set_user("Administrator")
	return site


@click.group("recruit-crm")
def recruit_crm():
	"""Recruit CRM: demo data, benchmarks and bulk imports."""


@recruit_crm.command("seed-demo")
@click.option(
	"--candidates", default=1000, show_default=True, help="How many synthetic candidates to create."
)
@click.option("--openings", default=30, show_default=True, help="Open Job Openings to ensure.")
@click.option("--seed", default=42, show_default=True, help="Random seed (same seed, same people).")
@pass_context
def seed_demo(context, candidates: int, openings: int, seed: int):
	"""Fill the site with realistic synthetic candidates, skills, openings and applications."""
	from recruit_crm.services import demo

	_connect(context)
	try:
		result = demo.seed_demo(candidates=candidates, openings=openings, seed=seed, progress=click.echo)
		click.echo(json.dumps(result))
	finally:
		frappe.destroy()


@recruit_crm.command("benchmark")
@click.option("--only", multiple=True, help="Run only these benchmarks (repeatable), e.g. --only import.")
@click.option("--candidates", default=100_000, show_default=True, help="Rows / people per benchmark.")
@pass_context
def benchmark(context, only: tuple[str, ...], candidates: int):
	"""Print each figure with its baseline measured in the same run, as a ratio."""
	from recruit_crm.benchmarks import run

	_connect(context)
	try:
		for figure in run(list(only), candidates=candidates):
			click.echo(figure.line())
	finally:
		frappe.db.rollback()
		frappe.destroy()


@recruit_crm.command("import-candidates")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--source", default=None, help="Job Applicant Source for rows that name none.")
@pass_context
def import_candidates(context, path: str, source: str | None):
	"""Bulk-import candidates from a CSV file; prints counts and every rejected row."""
	from recruit_crm.services import candidate_import

	_connect(context)
	try:
		with open(path, encoding="utf-8-sig") as f:
			rows = candidate_import.read_csv(f.read())
		report = candidate_import.import_candidates(rows, source=source)
		frappe.db.commit()  # nosemgrep: CLI import
		click.echo(json.dumps(report.as_dict(), default=str, indent=1))
	finally:
		frappe.destroy()


commands = [recruit_crm]
