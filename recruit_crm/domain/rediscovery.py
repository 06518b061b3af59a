"""Rediscovery: rank known people against a job opening, and say why.

Pure scoring. The service narrows 100k candidates to a shortlist in SQL (people who have at
least one of the required skills or have applied for the designation, ordered by the
`shortlist_weights` of the opening), loads their facts, and hands them here.

Each component scores 0..1; components that do not apply (no required skills, no experience
requirement, no location) drop out and the remaining weights are renormalised, so a score
is always out of 100.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from recruit_crm.domain.types import PROFICIENCY_RANK

WEIGHTS: dict[str, float] = {
	"skills": 45.0,
	"designation": 20.0,
	"experience": 15.0,
	"location": 10.0,
	"engagement": 10.0,
}

# How much a required skill counts for, by the candidate's proficiency in it.
PROFICIENCY_CREDIT: dict[str, float] = {"Beginner": 0.5, "Intermediate": 0.75, "Advanced": 0.9, "Expert": 1.0}
UNKNOWN_PROFICIENCY_CREDIT = 0.75

# Each year short of the minimum costs a third of the experience component; each year over
# the maximum a tenth, down to half (over-qualified people are still worth a look).
YEARS_SHORT_PENALTY = 1 / 3
YEARS_OVER_PENALTY = 0.1
OVER_QUALIFIED_FLOOR = 0.5


@dataclass(frozen=True)
class OpeningProfile:
	"""What the opening asks for."""

	name: str
	designation: str | None = None
	required_skills: tuple[str, ...] = ()
	min_experience_years: float | None = None
	max_experience_years: float | None = None
	location: str | None = None
	country: str | None = None


@dataclass(frozen=True)
class SkillFact:
	skill: str
	proficiency: str | None = None
	years: float | None = None


@dataclass(frozen=True)
class CandidateFacts:
	"""What we know about a person, as far as ranking is concerned."""

	name: str
	full_name: str = ""
	current_title: str | None = None
	skills: tuple[SkillFact, ...] = ()
	total_experience_years: float | None = None
	location: str | None = None
	country: str | None = None
	engagement_score: float = 0.0
	designations_applied: frozenset[str] = frozenset()
	designations_interviewed: frozenset[str] = frozenset()
	pools: tuple[str, ...] = ()
	has_applied_to_opening: bool = False


@dataclass
class Explanation:
	"""Why a person ranks where they do, in terms a recruiter can check."""

	skills_matched: list[str] = field(default_factory=list)
	skills_missing: list[str] = field(default_factory=list)
	experience_fit: str = ""
	designation_fit: str = ""
	location_fit: str = ""
	engagement_fit: str = ""
	components: dict[str, float] = field(default_factory=dict)

	def as_dict(self) -> dict:
		return {
			"skills_matched": self.skills_matched,
			"skills_missing": self.skills_missing,
			"experience_fit": self.experience_fit,
			"designation_fit": self.designation_fit,
			"location_fit": self.location_fit,
			"engagement_fit": self.engagement_fit,
			"components": {k: round(v, 3) for k, v in self.components.items()},
		}


@dataclass
class RankedCandidate:
	candidate: str
	full_name: str
	score: float
	explanation: Explanation
	pools: tuple[str, ...] = ()
	has_applied_to_opening: bool = False

	def as_dict(self) -> dict:
		return {
			"candidate": self.candidate,
			"full_name": self.full_name,
			"score": round(self.score, 1),
			"explanation": self.explanation.as_dict(),
			"pools": list(self.pools),
			"has_applied_to_opening": self.has_applied_to_opening,
		}


def score_candidate(
	opening: OpeningProfile,
	candidate: CandidateFacts,
	*,
	engagement_scale: float = 20.0,
	weights: dict[str, float] | None = None,
) -> RankedCandidate:
	"""Score one person against one opening (0..100) with the explanation behind the number."""
	weights = weights or WEIGHTS
	explanation = Explanation()
	components: dict[str, float | None] = {
		"skills": _skills(opening, candidate, explanation),
		"designation": _designation(opening, candidate, explanation),
		"experience": _experience(opening, candidate, explanation),
		"location": _location(opening, candidate, explanation),
		"engagement": _engagement(candidate, engagement_scale, explanation),
	}
	applicable = {k: v for k, v in components.items() if v is not None}
	total_weight = sum(weights[k] for k in applicable)
	score = 100.0 * sum(weights[k] * v for k, v in applicable.items()) / total_weight if total_weight else 0.0
	explanation.components = dict(applicable)
	return RankedCandidate(
		candidate=candidate.name,
		full_name=candidate.full_name,
		score=score,
		explanation=explanation,
		pools=candidate.pools,
		has_applied_to_opening=candidate.has_applied_to_opening,
	)


def rank(
	opening: OpeningProfile,
	candidates: list[CandidateFacts],
	*,
	limit: int = 50,
	engagement_scale: float = 20.0,
	weights: dict[str, float] | None = None,
) -> list[RankedCandidate]:
	"""The best `limit` people for the opening, best first; ties broken by name for stable pages."""
	scored = [
		score_candidate(opening, c, engagement_scale=engagement_scale, weights=weights) for c in candidates
	]
	scored.sort(key=lambda r: (-round(r.score, 6), r.candidate))
	return scored[: max(0, limit)]


def shortlist_weights(required_skill_count: int) -> tuple[float, float, float]:
	"""Weights (per matched skill, designation match, engagement 0..1) for the SQL shortlist order.

	They are the ranking weights of the components SQL can see cheaply, so the shortlist keeps
	everyone whose skills, designation and engagement could put them near the top; experience
	and location then reorder within it.
	"""
	per_skill = WEIGHTS["skills"] / required_skill_count if required_skill_count else 0.0
	return per_skill, WEIGHTS["designation"], WEIGHTS["engagement"]


def _skills(opening: OpeningProfile, candidate: CandidateFacts, out: Explanation) -> float | None:
	required = [s for s in dict.fromkeys(opening.required_skills) if s]
	if not required:
		out.skills_matched = []
		out.skills_missing = []
		return None
	have = {s.skill.casefold(): s for s in candidate.skills}
	credit = 0.0
	for skill in required:
		fact = have.get(skill.casefold())
		if fact is None:
			out.skills_missing.append(skill)
			continue
		credit += PROFICIENCY_CREDIT.get(fact.proficiency or "", UNKNOWN_PROFICIENCY_CREDIT)
		detail = skill
		if fact.proficiency:
			detail += f" ({fact.proficiency}"
			detail += f", {fact.years:g} y)" if fact.years else ")"
		out.skills_matched.append(detail)
	return credit / len(required)


def _designation(opening: OpeningProfile, candidate: CandidateFacts, out: Explanation) -> float | None:
	if not opening.designation:
		out.designation_fit = "The opening has no designation."
		return None
	d = opening.designation
	if d in candidate.designations_interviewed:
		out.designation_fit = f"Interviewed for {d} before."
		return 1.0
	if d in candidate.designations_applied:
		out.designation_fit = f"Applied for {d} before."
		return 0.8
	if candidate.current_title and candidate.current_title.strip().casefold() == d.casefold():
		out.designation_fit = f"Currently works as {d}."
		return 0.7
	out.designation_fit = f"No history with {d}."
	return 0.0


def _experience(opening: OpeningProfile, candidate: CandidateFacts, out: Explanation) -> float | None:
	low, high = opening.min_experience_years, opening.max_experience_years
	if low is None and high is None:
		out.experience_fit = "No experience requirement."
		return None
	years = candidate.total_experience_years
	wanted = _range_text(low, high)
	if years is None or years <= 0:
		out.experience_fit = f"Experience unknown (wanted {wanted})."
		return 0.0
	if low is not None and years < low:
		short = low - years
		out.experience_fit = f"{years:g} years: {short:g} below the minimum ({wanted})."
		return max(0.0, 1.0 - short * YEARS_SHORT_PENALTY)
	if high is not None and years > high:
		over = years - high
		out.experience_fit = f"{years:g} years: {over:g} above the range ({wanted})."
		return max(OVER_QUALIFIED_FLOOR, 1.0 - over * YEARS_OVER_PENALTY)
	out.experience_fit = f"{years:g} years: within {wanted}."
	return 1.0


def _location(opening: OpeningProfile, candidate: CandidateFacts, out: Explanation) -> float | None:
	if not opening.location and not opening.country:
		out.location_fit = "The opening has no location."
		return None
	if opening.location and candidate.location:
		a, b = opening.location.casefold().strip(), candidate.location.casefold().strip()
		if a and b and (a == b or a in b or b in a):
			out.location_fit = f"Based in {candidate.location}."
			return 1.0
	if opening.country and candidate.country == opening.country:
		out.location_fit = f"Same country ({candidate.country})."
		return 0.6
	where = candidate.location or candidate.country or "an unknown place"
	out.location_fit = f"Based in {where}."
	return 0.0


def _engagement(candidate: CandidateFacts, scale: float, out: Explanation) -> float:
	score = max(0.0, candidate.engagement_score or 0.0)
	value = min(1.0, score / scale) if scale > 0 else 0.0
	out.engagement_fit = f"Engagement score {score:g}" + (" (highly engaged)." if value >= 1 else ".")
	return value


def _range_text(low: float | None, high: float | None) -> str:
	if low is not None and high is not None:
		return f"{low:g}-{high:g} years"
	if low is not None:
		return f"at least {low:g} years"
	return f"at most {high:g} years"


def proficiency_rank(proficiency: str | None) -> int:
	"""Order of a proficiency value (0 when unknown)."""
	return PROFICIENCY_RANK.get(proficiency or "", 0)
