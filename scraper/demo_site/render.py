"""HTML for the demo site, one renderer per LinkedIn DOM generation.

The markup follows what the real layouts look like (see tests/fixtures and ../shared/fixtures):
visible strings in `aria-hidden` spans with a `visually-hidden` twin, hashed-looking class names,
company groups, "Show all N" footers, and `/details/<section>/` pages with the full lists.
"""

from __future__ import annotations

import hashlib
from html import escape

from scraper.demo_site.people import Person, group_experiences
from scraper.models import Education, Experience

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SECTION_PATHS = {"experiences": "experience", "educations": "education", "skills": "skills"}
_NOUNS = {"experiences": "experiences", "educations": "educations", "skills": "skills"}
_STYLE = """<style>body{font-family:sans-serif;max-width:60rem;margin:auto}section{border:1px solid #ddd;
margin:1rem 0;padding:1rem;min-height:6rem}.visually-hidden,.a11y-text{position:absolute;left:-9999px}
hr{border:0;border-top:1px solid #eee}</style>"""


def _h(seed: str) -> str:
    """A stable class name that looks hashed, like LinkedIn's (the parser must never rely on them)."""
    return hashlib.sha1(seed.encode()).hexdigest()[:20]


def _twin(text: str, wrapper: str = "span", cls: str = "") -> str:
    """A visible string and its screen-reader twin, as LinkedIn renders almost every string."""
    t = escape(text)
    cls_attr = f' class="{cls}"' if cls else ""
    return (
        f'<{wrapper}{cls_attr}><span aria-hidden="true">{t}</span>'
        f'<span class="visually-hidden">{t}</span></{wrapper}>'
    )


def _date(value: str) -> str:
    if len(value) == 7:
        return f"{_MONTHS[int(value[5:7]) - 1]} {value[:4]}"
    return value


def _duration(start: str, end: str | None) -> str:
    def months(v: str) -> int:
        return int(v[:4]) * 12 + (int(v[5:7]) if len(v) == 7 else 1)

    total = max(1, (months(end) if end else months("2025-11")) - months(start) + 1)
    years, rest = divmod(total, 12)
    parts = ([f"{years} yr{'s' if years > 1 else ''}"] if years else []) + (
        [f"{rest} mo{'s' if rest > 1 else ''}"] if rest else []
    )
    return " ".join(parts)


def date_caption(start: str | None, end: str | None, is_current: bool, with_duration: bool = True) -> str:
    if start is None:
        return ""
    if not is_current and end == start:
        text = _date(start)
    else:
        text = f"{_date(start)} - {'Present' if is_current else _date(end or start)}"
    return f"{text} · {_duration(start, end)}" if with_duration else text


def _count(value: int) -> str:
    return f"{value:,}"


# ---------------------------------------------------------------- legacy (2022, 2024, 2025) markup


def _entity(layout: str, body: str) -> str:
    if layout == "2022":
        return f'<div class="pvs-entity pvs-entity--padded">{body}</div>'
    return f'<div class="{_h("entity" + layout)}" data-view-name="profile-component-entity">{body}</div>'


def _sub_list(layout: str, items: list[str]) -> str:
    lis = "".join(f"<li>{i}</li>" for i in items)
    if layout == "2022":
        return f'<div class="pvs-list__outer-container"><ul class="pvs-list">{lis}</ul></div>'
    return f'<div class="pvs-entity__sub-components"><ul class="{_h("sub" + layout)}">{lis}</ul></div>'


def _role_lines(exp: Experience, in_group: bool) -> str:
    parts = [_twin(exp.title or "", "div", "t-bold")]
    if in_group:
        if exp.employment_type:
            parts.append(_twin(exp.employment_type, "span", "t-14 t-normal"))
    else:
        line = exp.company or ""
        if exp.employment_type:
            line += f" · {exp.employment_type}"
        parts.append(_twin(line, "span", "t-14 t-normal"))
    parts.append(
        _twin(date_caption(exp.start, exp.end, exp.is_current), "span", "t-14 t-normal t-black--light")
    )
    if exp.location:
        parts.append(_twin(exp.location, "span", "t-14 t-normal t-black--light"))
    return "".join(parts)


def _legacy_experience_items(layout: str, experiences: list[Experience]) -> list[str]:
    items = []
    for group in group_experiences(experiences):
        if len(group) == 1:
            exp = group[0]
            desc = _sub_list(layout, [_twin(f"Worked on data at {exp.company}.", "div")])
            items.append(_entity(layout, _role_lines(exp, in_group=False) + desc))
        else:
            first, last = group[-1], group[0]
            header = _twin(group[0].company or "", "div", "t-bold") + _twin(
                _duration(first.start or "2020", last.end), "span", "t-14 t-normal"
            )
            roles = [_entity(layout, _role_lines(exp, in_group=True)) for exp in group]
            items.append(_entity(layout, header + _sub_list(layout, roles)))
    return items


def _legacy_education_items(layout: str, educations: list[Education]) -> list[str]:
    items = []
    for edu in educations:
        body = _twin(edu.school or "", "div", "t-bold")
        if edu.degree:
            body += _twin(edu.degree, "span", "t-14 t-normal")
        body += _twin(
            date_caption(edu.start, edu.end, False, with_duration=False),
            "span",
            "t-14 t-normal t-black--light",
        )
        items.append(_entity(layout, body))
    return items


def _legacy_skill_items(layout: str, skills: list[str]) -> list[str]:
    items = []
    for i, skill in enumerate(skills):
        body = _twin(skill, "div", "t-bold")
        if layout == "2022":
            body += _twin(f"· {3 + i}", "span", "pvs-entity__supplementary-info")
        body += _sub_list(layout, [_twin(f"{2 + i} endorsements", "div")])
        items.append(_entity(layout, body))
    return items


def _legacy_section(
    layout: str, anchor: str | None, heading: str, items: list[str], footer: str = "", paged: bool = False
) -> str:
    li_class = "pvs-list__paged-list-item artdeco-list__item" if paged else "artdeco-list__item"
    lis = "".join(f'<li class="{li_class}">{item}</li>' for item in items)
    anchor_div = f'<div id="{anchor}" class="pv-profile-card__anchor"></div>' if anchor else ""
    view = "" if layout == "2022" else ' data-view-name="profile-card"'
    return (
        f'<section class="artdeco-card {_h(heading)}"{view}>{anchor_div}'
        f'<div class="pvs-header__container"><h2 class="pvs-header__title">'
        f'<span aria-hidden="true">{escape(heading)}</span><span class="visually-hidden">{escape(heading)}'
        f'</span></h2></div><div class="pvs-list__outer-container"><ul class="pvs-list">{lis}</ul></div>'
        f"{footer}</section>"
    )


def _show_all_footer(person: Person, section: str) -> str:
    total = person.profile.section_totals[section]
    if total is None:
        return ""
    href = f"/in/{person.profile_id}/details/{SECTION_PATHS[section]}/"
    return (
        f'<div class="pvs-list__footer-wrapper"><a href="{href}" id="navigation-index-Show-all-{total}">'
        f'<span class="pvs-navigation__text">Show all {total} {_NOUNS[section]}</span></a></div>'
    )


def _legacy_top_card(person: Person) -> str:
    p, layout = person.profile, person.layout
    name = escape(p.name or "")
    h1_class = "text-heading-xlarge inline t-24" if layout in ("2022", "2024") else f"{_h('h1')} inline t-24"
    company = ""
    if p.current_company and layout == "2022":
        company = (
            f'<ul class="pv-text-details__right-panel"><li><a href="#experience"><h2><div '
            f'aria-label="Current company">{escape(p.current_company)}</div></h2></a></li></ul>'
        )
    elif p.current_company:
        company = (
            f'<button aria-label="Current company: {escape(p.current_company)}. Click to skip to '
            f'experience card"><span>{escape(p.current_company)}</span></button>'
        )
    counts = []
    if p.followers is not None and layout == "2025":
        counts.append(
            f'<li class="text-body-small"><span class="t-bold">{_count(p.followers)}</span> followers</li>'
        )
    if p.connections is not None:
        shown = "500+" if p.connections_capped else _count(p.connections)
        counts.append(
            f'<li class="text-body-small"><span class="t-black--light"><span class="t-bold">{shown}'
            f"</span> connections</span></li>"
        )
    top_class = "artdeco-card pv-top-card" if layout == "2022" else f"artdeco-card {_h('top')}"
    badge = '<span class="dist-value" aria-hidden="true">2nd</span>' if layout == "2022" else ""
    return (
        f'<section class="{top_class}" data-member-id="{int(_h(person.profile_id)[:7], 16)}">'
        f'<div class="ph5 pb5"><div class="mt2 relative"><div class="{_h("left")}">'
        f'<a href="/in/{person.profile_id}/overlay/about-this-profile/"><h1 class="{h1_class}">{name}</h1></a>'
        f'{badge}<div class="text-body-medium break-words">{escape(p.headline or "")}</div></div>{company}'
        f'<div class="{_h("loc")}"><span class="text-body-small inline">{escape(p.location or "")}</span> '
        f'<span><a href="/in/{person.profile_id}/overlay/contact-info/">Contact info</a></span></div></div>'
        f'<ul class="{_h("counts")}">{"".join(counts)}</ul>'
        '<div><button aria-label="More actions"><span>More</span></button></div></div></section>'
    )


def _legacy_about(person: Person) -> str:
    if not person.profile.about:
        return ""
    view = "" if person.layout == "2022" else ' data-view-name="profile-card"'
    return (
        f'<section class="artdeco-card {_h("about")}"{view}><div id="about"></div>'
        f'<h2 class="pvs-header__title"><span aria-hidden="true">About</span></h2>'
        f'<div class="display-flex ph5 pv3">{_twin(person.profile.about, "div", "inline-show-more-text")}'
        f'<button class="inline-show-more-text__button">…see more</button></div></section>'
    )


def _legacy_activity(person: Person) -> str:
    p = person.profile
    if p.followers is None or person.layout == "2025":
        return ""
    view = "" if person.layout == "2022" else ' data-view-name="profile-card"'
    return (
        f'<section class="artdeco-card"{view}><div id="content_collections"></div>'
        f'<h2 class="pvs-header__title"><span aria-hidden="true">Activity</span></h2>'
        f'<p class="pvs-header__subtitle">{_twin(f"{_count(p.followers)} followers")}</p>'
        f'<ul><li><span aria-hidden="true">A post mentioning 12,000 followers of another page</span></li></ul>'
        f"</section>"
    )


def _shown(person: Person, section: str) -> list:
    return getattr(person.profile, section)[: person.shown(section)]


# (anchor id, heading, item renderer) of the legacy list cards, by record field.
_LEGACY_CARDS = {
    "experiences": ("experience", "Experience", _legacy_experience_items),
    "educations": ("education", "Education", _legacy_education_items),
    "skills": ("skills", "Skills", _legacy_skill_items),
}


def _legacy_card(person: Person, section: str) -> str:
    """A main-page card: the items the main page shows, and its "Show all N" footer."""
    if not getattr(person.profile, section):
        return ""
    anchor, heading, items = _LEGACY_CARDS[section]
    return _legacy_section(
        person.layout,
        anchor,
        heading,
        items(person.layout, _shown(person, section)),
        _show_all_footer(person, section),
    )


def legacy_lower_sections(person: Person) -> str:
    """Education and skills: the part a lazy page loads only once scrolled to."""
    return _legacy_card(person, "educations") + _legacy_card(person, "skills")


def _legacy_main(person: Person) -> str:
    body = _legacy_top_card(person) + _legacy_about(person) + _legacy_activity(person)
    body += _legacy_card(person, "experiences")
    if person.lazy:
        body += (
            f'<div id="lazy-sections" data-src="/in/{person.profile_id}/lazy-sections/" '
            'style="min-height:40rem">Loading…</div>' + _LAZY_SCRIPT
        )
    else:
        body += legacy_lower_sections(person)
    return body


# Loads the lower sections once the reader scrolls near them, like LinkedIn's deferred cards.
_LAZY_SCRIPT = """<script>(function(){var box=document.getElementById('lazy-sections');var started=false;
function near(){return window.innerHeight+window.scrollY>=box.offsetTop-100;}
function load(){if(started||!near())return;started=true;fetch(box.dataset.src,{credentials:'same-origin'})
.then(function(r){return r.text();}).then(function(h){box.outerHTML=h;});}
window.addEventListener('scroll',load,{passive:true});})();</script>"""


def _legacy_details(person: Person, section: str) -> str:
    layout = person.layout
    _, heading, builder = _LEGACY_CARDS[section]
    items = builder(layout, getattr(person.profile, section))
    sticky = ""
    if layout == "2022":
        p = person.profile
        sticky = (
            f'<div class="pv-profile-sticky-header-v2__container"><div class="artdeco-entity-lockup__title">'
            f'{escape(p.name or "")}</div><div class="artdeco-entity-lockup__subtitle">'
            f"{escape(p.headline or '')}</div></div>"
        )
    return sticky + "<main>" + _legacy_section(layout, None, heading, items, paged=True) + "</main>"


# ---------------------------------------------------------------- 2026 SDUI markup


def _p(text: str, cls: str = "") -> str:
    return f'<p class="{cls or _h(text)[:8]}">{escape(text)}</p>'


def _sdui_card(kind: str, heading: str, chunks: list[str], footer: str = "") -> str:
    joined = '<hr role="presentation">'.join(chunks)
    return (
        f'<section componentkey="com.linkedin.sdui.profile.card.{kind}" data-view-name="profile-card-{kind}">'
        f'<h2><span aria-hidden="true">{escape(heading)}</span></h2><div class="{_h(kind)}">{joined}</div>'
        f"{footer}</section>"
    )


def _sdui_role(exp: Experience, in_group: bool) -> str:
    lines = [_p(exp.title or "")]
    if in_group:
        if exp.employment_type:
            lines.append(_p(exp.employment_type))
    else:
        lines.append(_p((exp.company or "") + (f" · {exp.employment_type}" if exp.employment_type else "")))
    lines.append(_p(date_caption(exp.start, exp.end, exp.is_current)))
    if exp.location:
        lines.append(_p(exp.location))
    return "".join(lines)


def _sdui_experience_chunks(experiences: list[Experience]) -> list[str]:
    chunks = []
    for i, group in enumerate(group_experiences(experiences)):
        if len(group) == 1:
            chunks.append(
                f'<div componentkey="exp-{i}">{_sdui_role(group[0], False)}'
                f"<ul><li>{_p('Shipped the nightly batch.')}</li></ul></div>"
            )
        else:
            roles = "".join(
                f'<li componentkey="exp-{i}-{j}">{_sdui_role(e, True)}</li>' for j, e in enumerate(group)
            )
            chunks.append(
                f'<div componentkey="exp-{i}">{_p(group[0].company or "")}'
                f"{_p(_duration(group[-1].start or '2020', group[0].end))}<ul>{roles}</ul></div>"
            )
    return chunks


def _sdui_education_chunks(educations: list[Education]) -> list[str]:
    return [
        f'<div componentkey="edu-{i}">{_p(e.school or "")}{_p(e.degree) if e.degree else ""}'
        f"{_p(date_caption(e.start, e.end, False, with_duration=False))}</div>"
        for i, e in enumerate(educations)
    ]


def _sdui_skill_chunks(skills: list[str]) -> list[str]:
    return [
        f'<div componentkey="skill-{i}">{_p(s)}<ul><li>{_p(f"{i + 1} endorsements")}</li></ul></div>'
        for i, s in enumerate(skills)
    ]


def _sdui_footer(person: Person, section: str) -> str:
    total = person.profile.section_totals[section]
    if total is None:
        return ""
    href = f"/in/{person.profile_id}/details/{SECTION_PATHS[section]}/"
    return f'<div><a href="{href}"><span>Show all {total} {_NOUNS[section]}</span></a></div>'


# (record field, card kind, heading, item renderer) of the SDUI list cards, in page order.
_SDUI_CARDS = (
    ("experiences", "experience", "Experience", _sdui_experience_chunks),
    ("educations", "education", "Education", _sdui_education_chunks),
    ("skills", "skills", "Skills", _sdui_skill_chunks),
)


def _sdui_main(person: Person) -> str:
    p = person.profile
    top = [
        f'<a href="/in/{person.profile_id}/">{_p(p.name or "")}</a>',
        _p("· 2nd"),
        _p(p.headline or ""),
        f'<div>{_p(p.location or "")}<p><a href="/in/{person.profile_id}/overlay/contact-info/">Contact info</a>'
        "</p></div>",
    ]
    if p.current_company:
        top.append(
            f'<button aria-label="Current company: {escape(p.current_company)}. Click to skip to experience'
            f' card">{_p(p.current_company)}</button>'
        )
    if p.followers is not None:
        top.append(_p(f"{_count(p.followers)} followers"))
    if p.connections is not None:
        top.append(_p(f"{'500+' if p.connections_capped else _count(p.connections)} connections"))
    body = (
        f'<section componentkey="com.linkedin.sdui.profile.topcard" data-view-name="profile-top-card">'
        f"{''.join(top)}</section>"
    )
    if p.about:
        body += (
            f'<section data-view-name="profile-card-about"><h2>About</h2>'
            f'<div data-testid="expandable-text-box">{escape(p.about)}</div><button>…see more</button></section>'
        )
    for section, kind, heading, chunks in _SDUI_CARDS:
        if getattr(p, section):
            body += _sdui_card(kind, heading, chunks(_shown(person, section)), _sdui_footer(person, section))
    return body


def _sdui_details(person: Person, section: str) -> str:
    _, kind, heading, chunks = next(card for card in _SDUI_CARDS if card[0] == section)
    return "<main>" + _sdui_card(kind, heading, chunks(getattr(person.profile, section))) + "</main>"


# ---------------------------------------------------------------- pages


def page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>{_STYLE}'
        f"</head><body>{body}</body></html>"
    )


def profile_page(person: Person, notifications: int = 0) -> str:
    prefix = f"({notifications}) " if notifications else ""
    main = _sdui_main(person) if person.layout == "sdui" else _legacy_main(person)
    return page(f"{prefix}{person.profile.name} | LinkedIn", f"<main>{main}</main>")


def details_page(person: Person, section: str) -> str:
    heading = {"experiences": "Experience", "educations": "Education", "skills": "Skills"}[section]
    body = _sdui_details(person, section) if person.layout == "sdui" else _legacy_details(person, section)
    return page(f"{heading} | {person.profile.name} | LinkedIn", body)


def lazy_fragment(person: Person) -> str:
    return legacy_lower_sections(person)
