"""The parser never raises and always yields a valid record, whatever the bytes."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.models import profile_problems
from scraper.parse import parse
from scraper.parse.classify import RECORD_STATUS, read_page
from tests.conftest import OWN_FIXTURES

_TAGS = [
    "main",
    "section",
    "div",
    "span",
    "ul",
    "li",
    "h1",
    "h2",
    "p",
    "a",
    "hr",
    "br",
    "button",
    "title",
    "img",
]
_ATTRS = [
    "",
    ' data-member-id="1"',
    ' data-view-name="profile-component-entity"',
    ' class="pvs-entity"',
    ' data-view-name="profile-top-card"',
    ' data-view-name="profile-card-experience"',
    ' id="experience"',
    ' aria-hidden="true"',
    ' class="visually-hidden"',
    ' role="presentation"',
    ' aria-label="Current company: X. Click"',
    ' data-testid="expandable-text-box"',
    ' componentkey="com.linkedin.sdui.profile.card.refACoAAxTopcard"',
    ' id="com.linkedin.sdui.profile.card.refACoAAxTopCard"',
    ' componentkey="com.linkedin.sdui.profile.card.refACoAAxExperienceTopLevelSection"',
    ' componentkey="com.linkedin.sdui.profile.card.refACoAAxEducation"',
    ' componentkey="com.linkedin.sdui.profile.card.refACoAAxSkills"',
    ' componentkey="com.linkedin.sdui.profile.card.refACoAAxAbout"',
    ' componentkey="entity-collection-item-1"',
    ' componentkey="com.linkedin.sdui.profile.skill(x,1)"',
    ' role="button"',
    ' style="display:none"',
    ' href="/in/x/overlay/contact-info/"',
    ' href="/in/x/details/experience/"',
]
_TEXTS = [
    "Show all 12 experiences",
    "500+ connections",
    "1,398,255 followers",
    "Jan 2020 - Present · 5 yrs",
    "2014 - Jun 2019",
    "Contact info",
    "Google · Full-time",
    "Experience",
    "Education",
    "Skills",
    "About",
    "Ωμέγα",
    "",
    "<",
    "&amp;",
    "· 3rd",
    "Feb 2012 - Dec 2013",
    "Present",
    "He/Him",
    "Verify in 2 minutes",
    "Full-time · 8 yrs 3 mos",
    "Skills (14)",
    "Erik and 1 other mutual connection",
    "500+",
    "connections",
]

_fragment = st.recursive(
    st.sampled_from(_TEXTS),
    lambda children: st.builds(
        lambda tag, attr, kids, close: f"<{tag}{attr}>{''.join(kids)}" + (f"</{tag}>" if close else ""),
        st.sampled_from(_TAGS),
        st.sampled_from(_ATTRS),
        st.lists(children, max_size=4),
        st.booleans(),
    ),
    max_leaves=30,
)
_SEED_PAGES = [p.read_bytes() for p in sorted(OWN_FIXTURES.glob("*/*.html"))]


def _assert_valid(html: str | bytes) -> None:
    profile = parse(html)
    assert profile_problems(profile.fields_dict()) == []
    assert all(isinstance(e, str) for e in profile.errors)
    verdict, read = read_page(html, "https://www.linkedin.com/in/x/")
    assert verdict.kind in RECORD_STATUS
    assert (read is not None) == (verdict.kind in ("profile", "details"))
    if read is not None:
        assert profile_problems(read.fields_dict()) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_fragment)
def test_random_tag_soup_never_raises(html: str) -> None:
    _assert_valid(html)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(_SEED_PAGES), st.data())
def test_mangled_real_layouts_never_raise(page: bytes, data: st.DataObject) -> None:
    """Truncated, spliced and byte-flipped copies of the layouts we know."""
    cut = data.draw(st.integers(0, len(page)))
    splice_at = data.draw(st.integers(0, len(page)))
    junk = data.draw(st.binary(max_size=64))
    _assert_valid(page[:cut] + junk + page[splice_at:])


@given(st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_arbitrary_text_and_bytes_never_raise(blob: str | bytes) -> None:
    _assert_valid(blob)


def test_non_string_input_is_recorded_not_raised() -> None:
    profile = parse(None)  # type: ignore[arg-type]
    assert profile.name is None
    assert profile.errors and profile.errors[0].startswith("document: TypeError")


def test_fixture_dir_is_present() -> None:
    assert _SEED_PAGES and Path(OWN_FIXTURES).is_dir()
