"""Deterministic synthetic people and the record a correct scrape of each must produce."""

from __future__ import annotations

import copy
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from scraper.models import (
    SECTIONS,
    Certification,
    Education,
    Experience,
    Honor,
    Language,
    Profile,
    Project,
    Volunteering,
)

LAYOUTS = ("sdui", "2025", "2024", "2022")  # "sdui" is the 2026 layout LinkedIn serves today
# What the main page shows before "Show all N": the rest only on /details/<section>/.
MAIN_PAGE_LIMITS = {
    "experiences": 3,
    "educations": 2,
    "skills": 3,
    "certifications": 2,
    "languages": 2,
    "projects": 2,
    "volunteering": 2,
    "honors": 2,
}
# A 2026 details list shows this many items, and the next as many each time it is scrolled to its end
# (LinkedIn's /details/skills/ stops near ten unless scrolled; smaller here, so the cast's lists page).
DETAILS_BATCH = 5
PEOPLE_COUNT = 30

_FIRST = [
    "Alice",
    "Bilal",
    "Chioma",
    "Dmitri",
    "Elif",
    "Farah",
    "Gustavo",
    "Hana",
    "Ingrid",
    "Jamal",
    "Kenji",
    "Léa",
    "Mateus",
    "Nadia",
    "Oskar",
    "Priya",
    "Quentin",
    "Rosa",
    "Søren",
    "Tamar",
    "Uwe",
    "Valentina",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zoë",
    "Aoife",
    "Björn",
    "Çağla",
    "Dónal",
]
_LAST = [
    "Smith",
    "Haddad",
    "Okafor",
    "Volkov",
    "Yılmaz",
    "Rahman",
    "Pereira",
    "Sato",
    "Lindqvist",
    "Bakr",
    "Tanaka",
    "Moreau",
    "Costa",
    "Benali",
    "Nowak",
    "Iyer",
    "Dubois",
    "Alvarez",
    "Kjær",
    "Levi",
    "Müller",
    "Rossi",
    "Zhang",
    "Quispe",
    "Demir",
    "Brennan",
    "Ní Bhriain",
    "Ødegård",
    "Şahin",
    "O'Neill",
]
_TITLES = [
    "Data Engineer",
    "Senior Data Engineer",
    "Analytics Engineer",
    "Platform Engineer | Data",
    "Machine Learning Engineer",
    "Head of Data",
    "Software Engineer",
    "Staff Engineer",
    "Product Analyst",
    "Engineering Manager",
    "Research Scientist",
    "Site Reliability Engineer",
]
_COMPANIES = [
    "Acme Analytics",
    "Nordlys Energi",
    "Café Olé Software",
    "Blue Harbor Logistics",
    "Quanta Labs",
    "Greenfield Health",
    "Orbital Freight",
    "Kraków Data Works",
    "Lumen Retail",
    "Tidewater Bank",
]
_TYPES = [None, "Full-time", "Full-time", "Part-time", "Contract", "Internship", "Self-employed"]
_PLACES = [
    "Berlin, Germany",
    "Lagos, Nigeria",
    "São Paulo, Brazil",
    "Oslo, Norway",
    "Greater Bengaluru Area",
    "Toronto, Ontario, Canada",
    "Kraków, Małopolskie, Poland",
    "San Francisco Bay Area",
    None,
    "Remote",
]
_SCHOOLS = [
    "University of Lagos",
    "KTH Royal Institute of Technology",
    "Universidade de São Paulo",
    "Politechnika Warszawska",
    "University of Toronto",
    "IIT Bombay",
    "École Polytechnique",
]
_DEGREES = [
    "Bachelor of Science - BS, Computer Science",
    "Master's degree, Statistics",
    None,
    "Doctor of Philosophy - PhD, Physics",
    "Bachelor's degree, Economics",
]
_SKILLS = [
    "Python (Programming Language)",
    "SQL",
    "Apache Airflow",
    "Kubernetes",
    "dbt",
    "PostgreSQL",
    "Apache Spark",
    "Terraform",
    "Data Modeling",
    "Go (Programming Language)",
    "Machine Learning",
    "Amazon Web Services (AWS)",
    "Docker",
    "Stakeholder Management",
    "C++",
]
_HEADLINES = [
    "{title} at {company}",
    "{title} · building data platforms",
    "{title} | {company} | Open source",
    "Helping teams trust their data — {title}",
]
_ABOUTS = [
    None,
    "I like pipelines that fail loudly and recover quietly.",
    "Engineer from {place}. Previously at {company}; now working on {skill} and everything around it.",
]


_CERTIFICATIONS = [
    ("AWS Certified Solutions Architect – Associate", "Amazon Web Services (AWS)"),
    ("Certified Kubernetes Administrator (CKA)", "The Linux Foundation"),
    ("Google Cloud Professional Data Engineer", "Google"),
    ("dbt Fundamentals", "dbt Labs"),
    ("Microsoft Certified: Azure Data Engineer Associate", "Microsoft"),
    ("Agile at Work: Planning with Agile User Stories", "LinkedIn"),
    ("Professional Scrum Master I (PSM I)", "Scrum.org"),
    ("HashiCorp Certified: Terraform Associate (003)", "HashiCorp"),
    ("Databricks Certified Data Engineer Associate", "Databricks"),
    ("Deep Learning Specialization", "DeepLearning.AI"),
    ("Certified Information Systems Security Professional (CISSP)", "ISC2"),
    ("PostgreSQL 15 Associate", "EDB"),
    ("Apache Airflow Fundamentals", "Astronomer"),
]
_LANGUAGES = ["English", "Spanish", "Portuguese", "German", "French", "Hindi", "Yoruba", "Japanese", "Polish"]
_PROFICIENCIES = [
    "Native or bilingual proficiency",
    "Full professional proficiency",
    "Professional working proficiency",
    "Limited working proficiency",
    "Elementary proficiency",
    None,  # the language is listed without a level
]
_PROJECT_TITLES = [
    "Warehouse migration to PostgreSQL",
    "Open-source Airflow provider for Kraków Data Works",
    "Real-time fraud scoring",
    "Data quality dashboard",
    "Thesis: Sparse matrix factorisation on GPUs",
    "Self-service analytics platform",
    "Route optimisation for last-mile delivery",
]
_PROJECT_BLURBS = [
    "Moved 40 pipelines and 3 TB of history from a legacy warehouse without downtime.",
    "Built the ingestion layer, the dbt models and the on-call runbook; cut the nightly load from 5 h to "
    "40 min. Worked with analysts in Berlin and São Paulo to agree on one definition of an active customer, "
    "then wrote the tests that keep it that way. The team still runs it today; since Mar 2022 it has "
    "served 200 daily users across Finance, Operations and Sales, with a 99.9% on-time rate over 2023 and "
    "two incidents in total, both caught by the checks before anyone downstream noticed.",
    "Python, Kafka and a feature store; 12 ms p99.",
]
_ORGANIZATIONS = [
    "Code Club",
    "Inicio",
    "Wikimedia Deutschland",
    "Lagos Food Bank Initiative",
    "Red Cross",
    "Python Software Foundation",
    "Hack Club",
]
_CAUSES = [
    "Education",
    "Science and Technology",
    "Poverty Alleviation",
    "Disaster and Humanitarian Relief",
    "Children",
    None,
]
_VOLUNTEER_ROLES = ["Mentor", "Volunteer Instructor", "Organizer", "Board Member", "Translator"]
_HONORS = [
    ("Idea Cup 2019", "Venture Cup"),
    ("Dean's List", "University of Toronto"),
    ("Best Paper Award", "VLDB"),
    ("Employee of the Year", None),  # no issuer shown
    ("Hackathon winner – Open Data Day", "Open Knowledge Foundation"),
    ("Google Summer of Code student", "Google"),
]


_NON_DECOMPOSING = str.maketrans({"ø": "o", "ı": "i", "æ": "ae", "'": ""})


ENGLISH_TITLES = {
    "about": "About",
    "experience": "Experience",
    "education": "Education",
    "skills": "Skills",
    "certifications": "Licenses & certifications",
    "languages": "Languages",
    "projects": "Projects",
    "volunteering": "Volunteering",
    "honors": "Honors & awards",
}
SPANISH_TITLES = {
    "about": "Acerca de",
    "experience": "Experiencia",
    "education": "Educación",
    "skills": "Aptitudes",
    "certifications": "Licencias y certificaciones",
    "languages": "Idiomas",
    "projects": "Proyectos",
    "volunteering": "Voluntariado",
    "honors": "Reconocimientos y premios",
}
_PRONOUNS = ("He/Him", "She/Her", "They/Them", "She/They")


@dataclass(frozen=True, slots=True)
class Variant:
    """What a 2026 page shows besides the record: badges, a promo line, card titles, attribute spelling.
    None of it may ever reach a field."""

    pronouns: str | None = None
    promo: bool = False
    mutual: bool = False
    school_badge: str | None = None  # the second top-card badge, next to the current company
    id_attribute: bool = False  # cards keyed by `id` on a <div> instead of `componentkey` on a <section>
    # A top-card redesign the parser does not read (DemoSettings.top_card_redesign_share): the
    # headline and the location are links to a search, so both come back empty.
    linked_top_lines: bool = False
    titles: dict[str, str] = field(default_factory=lambda: dict(ENGLISH_TITLES))


@dataclass(frozen=True, slots=True)
class Person:
    profile_id: str
    layout: str
    lazy: bool  # education and skills arrive only after the page is scrolled
    profile: Profile  # complete lists; section_totals/truncated as the main page shows them
    variant: Variant = field(default_factory=Variant)

    def shown(self, section: str) -> int:
        """How many entries of `section` the main page shows (whole company groups count as one item)."""
        limit = MAIN_PAGE_LIMITS[section]
        if section != "experiences":
            return min(limit, len(getattr(self.profile, section)))
        groups = group_experiences(self.profile.experiences)
        return sum(len(g) for g in groups[:limit])


def group_experiences(experiences: list[Experience]) -> list[list[Experience]]:
    """Consecutive roles at one company form a group (rendered under one company header)."""
    groups: list[list[Experience]] = []
    for exp in experiences:
        if groups and groups[-1][0].company == exp.company:
            groups[-1].append(exp)
        else:
            groups.append([exp])
    return groups


def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _experiences(rng: random.Random) -> list[Experience]:
    out: list[Experience] = []
    year, month = 2025, rng.randint(1, 12)
    current = rng.random() < 0.8
    for n in range(rng.randint(1, 7)):
        company = rng.choice(_COMPANIES)
        if out and rng.random() < 0.35:  # a promotion: same company as the previous role
            company = out[-1].company
        length = rng.randint(4, 40)
        end_total = year * 12 + month - 1
        start_total = end_total - length
        is_current = current and n == 0
        exp = Experience(
            title=rng.choice(_TITLES),
            company=company,
            employment_type=rng.choice(_TYPES),
            start=_month(start_total // 12, start_total % 12 + 1),
            end=None if is_current else _month(end_total // 12, end_total % 12 + 1),
            is_current=is_current,
            location=rng.choice(_PLACES),
        )
        if rng.random() < 0.1:  # a single-month role
            exp.start = exp.end = exp.end or exp.start
            exp.is_current = False
        out.append(exp)
        gap = start_total - rng.randint(0, 6)
        year, month = gap // 12, gap % 12 + 1
    return out


def _educations(rng: random.Random) -> list[Education]:
    out = []
    year = rng.randint(2008, 2020)
    for _ in range(rng.randint(0, 3)):
        start = year - rng.randint(2, 5)
        with_months = rng.random() < 0.3
        out.append(
            Education(
                school=rng.choice(_SCHOOLS),
                degree=rng.choice(_DEGREES),
                start=_month(start, 9) if with_months else str(start),
                end=_month(year, 6) if with_months else str(year),
            )
        )
        year = start - 1
    return out


def _maybe_month(rng: random.Random, first_year: int, last_year: int) -> str:
    return _month(rng.randint(first_year, last_year), rng.randint(1, 12))


def _certifications(rng: random.Random, count: int) -> list[Certification]:
    out = []
    for name, issuer in rng.sample(_CERTIFICATIONS, min(count, len(_CERTIFICATIONS))):
        issued = _maybe_month(rng, 2015, 2025) if rng.random() < 0.9 else None
        expires = None  # the page shows no expiry
        if issued and rng.random() < 0.5:  # expires 1-3 years on: some already have (expired), some not
            expires = _month(int(issued[:4]) + rng.randint(1, 3), int(issued[5:]))
        out.append(
            Certification(
                name=name,
                issuer=issuer,
                issued=issued,
                expires=expires,
                credential_id=f"{rng.randrange(16**8):08X}" if rng.random() < 0.5 else None,
            )
        )
    return out


def _languages(rng: random.Random, count: int) -> list[Language]:
    names = rng.sample(_LANGUAGES, min(count, len(_LANGUAGES)))
    return [Language(name=n, proficiency=rng.choice(_PROFICIENCIES)) for n in names]


def _span(rng: random.Random) -> tuple[str | None, str | None]:
    """(start, end) of a project or a volunteering role: a range, an ongoing one, one month, or none."""
    kind = rng.choice(("range", "range", "ongoing", "month", "none"))
    if kind == "none":
        return None, None
    start = _maybe_month(rng, 2012, 2024)
    if kind == "ongoing":
        return start, None
    if kind == "month":
        return start, start
    total = int(start[:4]) * 12 + int(start[5:]) - 1 + rng.randint(1, 30)
    return start, _month(total // 12, total % 12 + 1)


def _projects(rng: random.Random, count: int) -> list[Project]:
    out = []
    for title in rng.sample(_PROJECT_TITLES, min(count, len(_PROJECT_TITLES))):
        start, end = _span(rng)
        description = rng.choice([None, *_PROJECT_BLURBS])
        out.append(Project(title=title, start=start, end=end, description=description))
    return out


def _volunteering(rng: random.Random, count: int) -> list[Volunteering]:
    out = []
    for _ in range(count):
        start, end = _span(rng)
        out.append(
            Volunteering(
                role=rng.choice(_VOLUNTEER_ROLES),
                organization=rng.choice(_ORGANIZATIONS),
                cause=rng.choice(_CAUSES),
                start=start,
                end=end,
            )
        )
    return out


def _honors(rng: random.Random, count: int) -> list[Honor]:
    out = []
    for title, issuer in rng.sample(_HONORS, min(count, len(_HONORS))):
        date_ = _maybe_month(rng, 2010, 2025) if rng.random() < 0.8 else None
        out.append(Honor(title=title, issuer=issuer, date=date_))
    return out


_MORE_SECTIONS = {
    "certifications": _certifications,
    "languages": _languages,
    "projects": _projects,
    "volunteering": _volunteering,
    "honors": _honors,
}


def _add_more_sections(profile: Profile, index: int) -> None:
    """Issue 25's sections, from a stream of their own (the other fields stay as they were). The first
    ten people (every layout) show more of each than the main page does; the others vary, except that
    whoever's main page showed everything before still does (a profile that costs one page)."""
    rng = random.Random(f"demo-sections-{index}")
    counts = {
        "experiences": len(group_experiences(profile.experiences)),
        "educations": len(profile.educations),
        "skills": len(profile.skills),
    }
    showed_all = all(n <= MAIN_PAGE_LIMITS[section] for section, n in counts.items())
    for section, build in _MORE_SECTIONS.items():
        limit = MAIN_PAGE_LIMITS[section]
        if index < 10:
            count = rng.randint(limit + 1, limit + 12)
        else:
            count = rng.randint(0, limit if showed_all else limit + 2)
        setattr(profile, section, build(rng, count))


def _person(index: int) -> Person:
    rng = random.Random(f"demo-person-{index}")
    first, last = _FIRST[index % len(_FIRST)], _LAST[(index * 7) % len(_LAST)]
    ascii_name = unicodedata.normalize("NFKD", f"{first}-{last}".lower().translate(_NON_DECOMPOSING))
    profile_id = "".join(c for c in ascii_name.replace(" ", "-") if c.isascii() and (c.isalnum() or c == "-"))
    profile_id = f"{profile_id}-{index:02d}"
    layout = ("sdui", "sdui", "2022", "sdui", "2024", "sdui", "2025", "2025", "sdui", "sdui")[index % 10]
    experiences = _experiences(rng)
    educations = _educations(rng)
    skills = rng.sample(_SKILLS, rng.randint(0, 8))
    title, company = experiences[0].title, experiences[0].company
    place = rng.choice([p for p in _PLACES if p])
    connections = rng.choice([None, rng.randint(20, 499), 500])
    profile = Profile(
        name=f"{first} {last}",
        headline=rng.choice(_HEADLINES).format(title=title, company=company),
        location=place,
        current_company=company if experiences[0].is_current and rng.random() < 0.8 else None,
        connections=connections,
        connections_capped=connections == 500,
        followers=rng.choice([None, rng.randint(30, 5000), rng.randint(10_000, 2_000_000)]),
        about=(rng.choice(_ABOUTS) or "").format(place=place, company=company, skill=rng.choice(_SKILLS))
        or None,
        experiences=experiences,
        educations=educations,
        skills=skills,
        dom_generation=layout,
    )
    _add_more_sections(profile, index)
    ui = random.Random(f"demo-ui-{index}")  # a separate stream: the record data stays as it was
    variant = Variant(
        pronouns=ui.choice([None, None, *_PRONOUNS]),
        promo=ui.random() < 0.3,
        mutual=ui.random() < 0.5,
        school_badge=educations[0].school if educations and ui.random() < 0.7 else None,
        id_attribute=ui.random() < 0.3,
        titles=dict(SPANISH_TITLES if ui.random() < 0.2 else ENGLISH_TITLES),
    )
    lazy = layout in ("2025", "sdui") and index % 3 == 0
    return _with_page_totals(Person(profile_id, layout, lazy=lazy, profile=profile, variant=variant))


def _with_page_totals(person: Person) -> Person:
    """Set `section_totals` and `truncated` to what the person's main page shows."""
    profile = person.profile
    for section in SECTIONS:
        total = len(getattr(profile, section))
        hidden = person.shown(section) < total
        profile.truncated[section] = hidden
        profile.section_totals[section] = total if hidden else None
    if person.layout == "sdui" and profile.skills:  # the 2026 Skills card's title: "Skills (5)"
        profile.section_totals["skills"] = len(profile.skills)
    return person


@cache
def all_people(count: int = PEOPLE_COUNT) -> dict[str, Person]:
    """The first `count` demo people by profile id, in a stable order (the site shows 30; a test of
    months of rotation asks for hundreds)."""
    generated = [_person(i) for i in range(count)]
    return {p.profile_id: p for p in generated}


# ------------------------------------------------------------------ the demo's one job changer

JOB_CHANGER = "alice-smith-00"
_NEW_EMPLOYER = "Quanta Labs"


def people_as_of(day: date) -> dict[str, Person]:
    """`all_people()` as the site shows them on `day`: the same, except that on odd-numbered days
    (by `day.toordinal()`) JOB_CHANGER has moved to another company with the same title, so any two
    consecutive daily runs see one change of her current company (and nothing else of hers)."""
    people = dict(all_people())
    if day.toordinal() % 2:
        people[JOB_CHANGER] = _moved(people[JOB_CHANGER], day)
    return people


def _moved(person: Person, day: date) -> Person:
    profile = copy.deepcopy(person.profile)
    previous = profile.experiences[0]
    month = _month(day.year, day.month)
    previous.end, previous.is_current = month, False
    new_role = Experience(
        title=previous.title,
        company=_NEW_EMPLOYER,
        employment_type="Full-time",
        start=month,
        end=None,
        is_current=True,
        location=profile.location,
    )
    profile.experiences.insert(0, new_role)
    profile.current_company = _NEW_EMPLOYER
    return _with_page_totals(Person(person.profile_id, person.layout, person.lazy, profile, person.variant))
