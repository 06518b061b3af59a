"""Benchmarks the project ships: each figure is timed against a baseline measured in the same run.

Run with `bench --site SITE recruit-crm benchmark [--only NAME] [--candidates N]`.
Benchmarks leave the site as they found it: most run in a transaction that is rolled back or on
scratch tables; the nurture ones, whose worker processes must see committed rows, clean up after
themselves.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Figure:
	"""One measured figure: our time against its baseline's time, from the same run."""

	name: str
	ours_s: float
	baseline_s: float
	baseline: str
	target_ratio: float | None = None
	note: str = ""

	@property
	def ratio(self) -> float:
		return self.ours_s / self.baseline_s if self.baseline_s else float("inf")

	def line(self) -> str:
		target = (
			f" (target <= {self.target_ratio:g}x: {'met' if self.ratio <= self.target_ratio else 'MISSED'})"
			if self.target_ratio
			else ""
		)
		note = f" [{self.note}]" if self.note else ""
		return (
			f"{self.name}: {self.ours_s:.3f} s vs {self.baseline}: {self.baseline_s:.3f} s "
			f"-> ratio {self.ratio:.2f}x{target}{note}"
		)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
	start = time.perf_counter()
	result = fn()
	return time.perf_counter() - start, result


REGISTRY: dict[str, Callable[..., list[Figure]]] = {}


def register(name: str):
	def wrap(fn):
		REGISTRY[name] = fn
		return fn

	return wrap


def run(only: list[str] | None = None, **options) -> list[Figure]:
	"""Run the named benchmarks (all when `only` is empty) and return their figures."""
	import importlib
	import pkgutil

	import recruit_crm.benchmarks as package

	for module in pkgutil.iter_modules(package.__path__):
		importlib.import_module(f"{package.__name__}.{module.name}")  # each module registers its figures

	figures: list[Figure] = []
	for name, fn in REGISTRY.items():
		if only and name not in only:
			continue
		figures.extend(fn(**options))
	return figures
