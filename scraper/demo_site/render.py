"""HTML for the demo site, one renderer per LinkedIn DOM generation.

The markup follows what the real layouts look like (see tests/fixtures): for 2022-2025, visible strings
in `aria-hidden` spans with a `visually-hidden` twin; for 2026, cards keyed by `componentkey`, `<p>`
leaves and hidden duplicates; hashed-looking class names, company groups, "Show all N" footers, and
`/details/<section>/` pages with the full lists.
"""

from __future__ import annotations

import hashlib
from functools import partial
from html import escape

from scraper.demo_site import item_text
from scraper.demo_site.item_text import ItemText
from scraper.demo_site.item_text import duration as _duration
from scraper.demo_site.item_text import month as _date
from scraper.demo_site.people import DETAILS_BATCH, ENGLISH_TITLES, Person, group_experiences
from scraper.models import DETAILS_PATHS, Education, Experience

_NOUNS = {
    "experiences": "experiences",
    "educations": "educations",
    "skills": "skills",
    "certifications": "licenses & certifications",
    "languages": "languages",
    "projects": "projects",
    "volunteering": "volunteer experiences",
    "honors": "honors & awards",
}
# The key of each section's card title in `Variant.titles` / ENGLISH_TITLES.
_TITLE_KEYS = {"experiences": "experience", "educations": "education"}
# A 2026 details list's entries are tall enough that one batch fills more than the window: the next
# batch is asked for only when the reader scrolls to the end, as on LinkedIn.
_STYLE = """<style>body{font-family:sans-serif;max-width:60rem;margin:auto}section{border:1px solid #ddd;
margin:1rem 0;padding:1rem;min-height:6rem}.visually-hidden,.a11y-text{position:absolute;left:-9999px}
hr{border:0;border-top:1px solid #eee}#details-list [componentkey]{min-height:13rem}</style>"""


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


def heading(section: str, titles: dict[str, str] = ENGLISH_TITLES) -> str:
    return titles[_TITLE_KEYS.get(section, section)]


def date_caption(start: str | None, end: str | None, is_current: bool, with_duration: bool = True) -> str:
    return item_text.span(start, None if is_current else end or start, with_duration) or ""


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


def _legacy_more_items(section: str, layout: str, items: list) -> list[str]:
    """Certifications, languages, projects, volunteering, honors: an entity with its text lines (the
    first bold, the second normal, the rest light), then its sub-components."""
    out = []
    for item in items:
        text: ItemText = item_text.TEXT[section](item)
        classes = ("t-14 t-normal", *(["t-14 t-normal t-black--light"] * len(text.lines)))
        body = _twin(text.lines[0], "div", "t-bold") + "".join(
            _twin(line, "span", cls) for line, cls in zip(text.lines[1:], classes, strict=False)
        )
        subs = []
        if text.associated:
            subs.append(_twin(text.associated, "div"))
        if text.description:
            subs.append(
                f'<div class="inline-show-more-text--is-collapsed">{_twin(text.description)}'
                '<button class="inline-show-more-text__button">…see more</button></div>'
            )
        if text.link:
            label, href = text.link
            subs.append(
                f'<a aria-label="{escape(label)} for {escape(text.lines[0])}" href="{escape(href)}">'
                f'<span class="pvs-navigation__text">{escape(label)}</span></a>'
            )
        out.append(_entity(layout, body + (_sub_list(layout, subs) if subs else "")))
    return out


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
    href = f"/in/{person.profile_id}/details/{DETAILS_PATHS[section]}/"
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


# (anchor id, item renderer) of the legacy list cards, by record field, in page order.
_LEGACY_CARDS = {
    "experiences": ("experience", _legacy_experience_items),
    "educations": ("education", _legacy_education_items),
    "certifications": ("licenses_and_certifications", partial(_legacy_more_items, "certifications")),
    "projects": ("projects", partial(_legacy_more_items, "projects")),
    "volunteering": ("volunteering_experience", partial(_legacy_more_items, "volunteering")),
    "skills": ("skills", _legacy_skill_items),
    "honors": ("honors_and_awards", partial(_legacy_more_items, "honors")),
    "languages": ("languages", partial(_legacy_more_items, "languages")),
}


def _legacy_card(person: Person, section: str) -> str:
    """A main-page card: the items the main page shows, and its "Show all N" footer."""
    if not getattr(person.profile, section):
        return ""
    anchor, items = _LEGACY_CARDS[section]
    return _legacy_section(
        person.layout,
        anchor,
        heading(section),
        items(person.layout, _shown(person, section)),
        _show_all_footer(person, section),
    )


def legacy_lower_sections(person: Person) -> str:
    """Every card below Experience: the part a lazy page loads only once scrolled to."""
    return "".join(_legacy_card(person, section) for section in _LEGACY_CARDS if section != "experiences")


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
    _, builder = _LEGACY_CARDS[section]
    items = builder(layout, getattr(person.profile, section))
    sticky = ""
    if layout == "2022":
        p = person.profile
        sticky = (
            f'<div class="pv-profile-sticky-header-v2__container"><div class="artdeco-entity-lockup__title">'
            f'{escape(p.name or "")}</div><div class="artdeco-entity-lockup__subtitle">'
            f"{escape(p.headline or '')}</div></div>"
        )
    return sticky + "<main>" + _legacy_section(layout, None, heading(section), items, paged=True) + "</main>"


# ---------------------------------------------------------------- 2026 SDUI markup
# Built from the facts in the project's reference on the 2026 layout: cards keyed by
# `componentkey="com.linkedin.sdui.profile.card.ref<member id><Card>"`, `<h2>` titles, `<p>` leaves,
# entries as `entity-collection-item-…`, hashed class names, hidden duplicates of some lines.


def _p(text: str, hidden: bool = False) -> str:
    style = ' style="display:none"' if hidden else ""
    return f'<p class="{_h("p" + text)[:8]}"{style}>{escape(text)}</p>'


def _linked(html: str, linked: bool) -> str:
    return f'<a href="/search/results/all/?origin=PROFILE_TOP_CARD">{html}</a>' if linked else html


def _member_id(person: Person) -> str:
    return "ACoAA" + _h("member" + person.profile_id)[:16] + _h(person.profile_id)[:18]


def _card_key(person: Person, card: str) -> str:
    return f"com.linkedin.sdui.profile.card.ref{_member_id(person)}{card}"


def _sdui_card(person: Person, card: str, heading: str, body: str, footer: str = "") -> str:
    # Both attribute spellings occur on live pages: `componentkey` on a <section>, `id` on a <div>.
    key = escape(_card_key(person, card))
    tag, attr = ("div", "id") if person.variant.id_attribute else ("section", "componentkey")
    return (
        f'<{tag} {attr}="{key}" class="{_h("card")[:8]}"><div class="{_h("head")[:8]}">'
        f'<h2 class="{_h("h2")[:8]}">{escape(heading)}</h2></div>{body}{footer}</{tag}>'
    )


def _entry(key: str, index: int, body: str) -> str:
    separator = '<hr role="presentation">' if index else ""
    return f'<div componentkey="entity-collection-item-{_h(key)[:10]}" class="{_h("entry")[:8]}">{separator}{body}</div>'


def _logo(company: str) -> str:
    slug = _h(company)[:6]
    return (
        f'<a href="https://www.linkedin.com/company/{slug}/"><figure><img alt="{escape(company)} logo" '
        f'src="https://media.licdn.com/dms/image/v2/{slug}/company-logo_100_100/0/1"></figure></a>'
    )


def _description(text: str) -> str:
    return (
        f'<div class="{_h("desc")[:8]}"><p><span data-testid="expandable-text-box">{escape(text)}</span>'
        '<button data-testid="expandable-text-button">…more</button></p></div>'
    )


def _sdui_role_lines(exp: Experience, in_group: bool) -> str:
    lines = [_p(exp.title or "")]
    if in_group:
        if exp.employment_type:
            lines.append(_p(exp.employment_type))
    else:
        lines.append(_p((exp.company or "") + (f" · {exp.employment_type}" if exp.employment_type else "")))
    lines.append(_p(date_caption(exp.start, exp.end, exp.is_current)))
    if exp.location:
        lines.append(_p(exp.location))
    return f"<div>{''.join(lines)}</div>"


def _sdui_experience_entries(person: Person, experiences: list[Experience], first: int = 0) -> str:
    entries = []
    for i, group in enumerate(group_experiences(experiences), first):
        company = group[0].company or ""
        href = f"https://www.linkedin.com/company/{_h(company)[:6]}/"
        if len(group) == 1:
            exp = group[0]
            # A description that holds dates and a place: never a field.
            desc = _description(
                f"Since {_date(exp.start or '2020')} - Present · Remote: data work at {company}."
            )
            body = f'{_logo(company)}<a href="{href}">{_sdui_role_lines(exp, False)}</a>{desc}'
        else:
            header = _p(company) + _p(_duration(group[-1].start or "2020", group[0].end))
            roles = "".join(
                f'<a href="/in/{person.profile_id}/details/experience/?position={j}">{_sdui_role_lines(e, True)}</a>'
                for j, e in enumerate(group)
            )
            body = f'{_logo(company)}<div><a href="{href}"><div>{header}</div></a><div>{roles}</div></div>'
        entries.append(_entry(f"{person.profile_id}-exp-{i}", i, body))
    return "".join(entries)


def _sdui_education_entries(person: Person, educations: list[Education], first: int = 0) -> str:
    entries = []
    for i, edu in enumerate(educations, first):
        lines = _p(edu.school or "") + (_p(edu.degree) if edu.degree else "")
        lines += _p(date_caption(edu.start, edu.end, False, with_duration=False))
        body = f'<a href="https://www.linkedin.com/school/{_h(edu.school or "")[:6]}/"><div>{lines}</div></a>'
        entries.append(_entry(f"{person.profile_id}-edu-{i}", i, body))
    return "".join(entries)


def _sdui_skill_entries(person: Person, skills: list[str]) -> str:
    items = []
    for i, skill in enumerate(skills):
        endorsement = (
            f'<p><a href="/in/{person.profile_id}/details/skills/endorsers/?skill={i}">{i + 2} endorsements</a></p>'
            if i % 2 == 0
            else _p(f"Endorsed by {_FRIENDS[i % len(_FRIENDS)]} and {i} others")
        )
        items.append(f'<div><p class="{_h("skill")[:8]}"><span>{escape(skill)}</span></p>{endorsement}</div>')
    return '<hr role="presentation">'.join(items)


def _sdui_skill_components(person: Person, skills: list[str], first: int = 0) -> str:
    """The details page's skills: one component per skill, the whole batch twice (one copy hidden)."""
    member = _member_id(person)
    one = "".join(
        f'<div componentkey="com.linkedin.sdui.profile.skill({member},{i})"><div>{_p(s)}</div></div>'
        for i, s in enumerate(skills, first)
    )
    return f'<div data-component-type="LazyColumn">{one}</div><div style="display:none">{one}</div>'


_FRIENDS = ("Joost de Wit", "Amara Obi", "Lena Fischer", "Rahul Menon")


def _sdui_more_entries(section: str, person: Person, items: list, first: int = 0) -> str:
    """Certifications, languages, projects, volunteering, honors: one entry each, its lines as `<p>`
    leaves (linked to the credential when there is one), then its description and button link."""
    entries = []
    for i, item in enumerate(items, first):
        text: ItemText = item_text.TEXT[section](item)
        lines = "".join(_p(line) for line in text.lines)
        if text.associated:
            lines += _p(text.associated)
        body = f"<div>{lines}</div>"
        if text.link and section == "certifications":  # the whole entry links to the credential
            body = f'<a href="{escape(text.link[1])}">{body}</a>'
        if text.description:
            body += _description(text.description)
        if text.link:
            label, href = text.link
            body += f'<div><a href="{escape(href)}"><span>{escape(label)}</span><svg aria-hidden="true"></svg></a></div>'
        entries.append(_entry(f"{person.profile_id}-{section}-{i}", i, body))
    return "".join(entries)


def _sdui_footer(person: Person, section: str) -> str:
    total = person.profile.section_totals[section]
    if not person.profile.truncated[section]:
        return ""
    href = f"/in/{person.profile_id}/details/{DETAILS_PATHS[section]}/"
    return (
        f'<div class="{_h("foot")[:8]}"><a href="{href}"><span>Show all {total} {_NOUNS[section]}</span>'
        '<svg aria-hidden="true"></svg></a></div>'
    )


def _sdui_top_card(person: Person) -> str:
    p, v = person.profile, person.variant
    pid = person.profile_id
    name_block = (
        f'<div><a href="https://www.linkedin.com/in/{pid}/"><div><div><h2 class="{_h("name")[:8]}">'
        f"{escape(p.name or '')}</h2></div></div></a>"
        + (_p(v.pronouns) if v.pronouns else "")
        + _p("· 2nd", hidden=True)
        + _p("· 2nd")
        + "</div>"
    )
    parts = [
        f'<div><img alt="" src="https://media.licdn.com/dms/image/v2/{pid}/profile-displaybackgroundimage-shrink_350_1400/0/1"></div>',
        f'<div><img alt="{escape(p.name or "")}" src="https://media.licdn.com/dms/image/v2/{pid}/profile-displayphoto-shrink_400_400/0/1"></div>',
        name_block,
    ]
    if v.promo:
        parts.append(f'<a href="https://www.linkedin.com/verify/?trk=upsell">{_p("Verify in 2 minutes")}</a>')
    parts.append(_linked(_p(p.headline or ""), v.linked_top_lines))
    badges = [b for b in (p.current_company, v.school_badge) if b] if p.current_company else []
    if badges:
        parts.append(_p(" · ".join(badges), hidden=True))
        parts.append(
            "<div>"
            + "".join(
                f'<div role="button" tabindex="0"><img alt="" src="https://media.licdn.com/company-logo_100_100/'
                f'{_h(b)[:6]}"><p><span>{escape(b)}</span></p></div>'
                for b in badges
            )
            + "</div>"
        )
    contact = f'<p><a href="https://www.linkedin.com/in/{pid}/overlay/contact-info/">Contact info</a></p>'
    location = _linked(_p(p.location or ""), v.linked_top_lines)
    parts.append(f"<div><div>{location}{_p('·')}{contact}</div></div>")
    counts = []
    if p.connections is not None:
        shown = "500+" if p.connections_capped else _count(p.connections)
        counts.append(
            f'<a href="/search/results/people/?connectionOf={pid}">{_p(f"{shown} connections")}</a>'
        )
    if p.followers is not None:
        counts.append(_p(f"{_count(p.followers)} followers"))
    if counts:
        parts.append(f"<div>{''.join(counts)}</div>")
    if v.mutual:
        parts.append(
            f'<a href="/search/results/people/?facetNetwork=F"><div>{_p(f"{_FRIENDS[0]}, {_FRIENDS[1]} and 3 other mutual connections")}</div></a>'
        )
    parts.append(
        f'<div><a href="/messaging/compose/?profileUrn={_member_id(person)}"><span>Message</span></a>'
        f'<button aria-label="Follow {escape(p.name or "")}"><span>Follow</span></button>'
        '<button aria-label="More actions"><span>More</span></button></div>'
    )
    top = "Topcard" if not v.id_attribute else "TopCard"
    key = escape(_card_key(person, top))
    tag, attr = ("div", "id") if v.id_attribute else ("section", "componentkey")
    return f'<{tag} {attr}="{key}" class="{_h("top")[:8]}"><div><div>{"".join(parts)}</div></div></{tag}>'


def _sdui_about(person: Person) -> str:
    p = person.profile
    if not p.about:
        return ""
    body = f'<div><p><span data-testid="expandable-text-box">{escape(p.about)}</span><button data-testid="expandable-text-button">…more</button></p></div>'
    if p.skills:
        body += f"<div>{_p('Top skills')}{_p(' • '.join(p.skills[:3]))}</div>"
    return _sdui_card(person, "About", person.variant.titles["about"], body)


def _sdui_activity(person: Person) -> str:
    p = person.profile
    if p.followers is None:
        return ""
    body = f"<div>{_p('Activity')}{_p(f'{_count(p.followers)} followers')}</div><div>{_p('A post about 12,000 followers of another page')}</div>"
    return _sdui_card(person, "Activity", "Activity", body)


# (card name, entry renderer) of the SDUI list cards, by record field, in page order. Card names
# observed on live pages: ExperienceTopLevelSection, EducationTopLevelSection, Skills,
# CertificationTopLevel, Projects, VolunteerExperienceTopLevel. None recorded for languages and honors:
# `Languages` is named once in the reference without a capture, `HonorsAndAwards` is made up on the
# pattern, so a reader has to find those two by their title (docs/demo-site.md).
_SDUI_CARDS = {
    "experiences": ("ExperienceTopLevelSection", _sdui_experience_entries),
    "educations": ("EducationTopLevelSection", _sdui_education_entries),
    "certifications": ("CertificationTopLevel", partial(_sdui_more_entries, "certifications")),
    "projects": ("Projects", partial(_sdui_more_entries, "projects")),
    "skills": ("Skills", _sdui_skill_entries),
    "volunteering": ("VolunteerExperienceTopLevel", partial(_sdui_more_entries, "volunteering")),
    "honors": ("HonorsAndAwards", partial(_sdui_more_entries, "honors")),
    "languages": ("Languages", partial(_sdui_more_entries, "languages")),
}


def _sdui_list_card(person: Person, section: str) -> str:
    if not getattr(person.profile, section):
        return ""
    card, entries = _SDUI_CARDS[section]
    title = heading(section, person.variant.titles)
    if section == "skills":
        title = f"{title} ({len(person.profile.skills)})"
    body = (
        f'<div data-testid="profile_{card}_{person.profile_id}" data-component-type="LazyColumn">'
        f"{entries(person, _shown(person, section))}</div>"
    )
    return _sdui_card(person, card, title, body, _sdui_footer(person, section))


def sdui_lower_cards(person: Person) -> str:
    """Every card below Experience: the part a lazy page loads only once scrolled to."""
    return "".join(_sdui_list_card(person, section) for section in _SDUI_CARDS if section != "experiences")


def _sdui_main(person: Person) -> str:
    body = _sdui_top_card(person) + _sdui_about(person) + _sdui_activity(person)
    body += _sdui_list_card(person, "experiences")
    if person.lazy:
        body += (
            f'<div id="lazy-sections" data-src="/in/{person.profile_id}/lazy-sections/" '
            'style="min-height:40rem">Loading…</div>' + _LAZY_SCRIPT
        )
    else:
        body += sdui_lower_cards(person)
    aside = (
        f'<aside><section><h2>People also viewed</h2><div><a href="/in/someone-else/">{_p(_FRIENDS[2])}'
        f"{_p('· 2nd')}{_p('Engineer at Lumen Retail')}</a><button>Connect</button></div></section></aside>"
    )
    return f'<main><div data-component-type="LazyColumn">{body}</div></main>{aside}'


# Details pages of the 2026 layout show their list only after the load event (a plain fetch of the page
# gets an empty shell), like LinkedIn's own: the request starts at once, its first batch lands after
# load. The next batch is asked for only when the reader has scrolled to the end of the list, a moment
# after the scroll (the list batches scroll events), and appended; an empty answer means the end.
_DETAILS_SCRIPT = """<script>(function(){var box=document.getElementById('details-list');
var next=0,busy=true,done=false,timer=null;
var loaded=new Promise(function(ok){if(document.readyState==='complete'){ok();}
else{window.addEventListener('load',function(){ok();});}});
function get(){return fetch(box.dataset.src+'&start='+next,{credentials:'same-origin'})
.then(function(r){return r.text();});}
function add(h){if(!h){done=true;}else{box.insertAdjacentHTML('beforeend',h);next+=__BATCH__;}busy=false;}
get().then(function(h){return loaded.then(function(){add(h);});});
function atEnd(){return window.innerHeight+window.scrollY>=document.documentElement.scrollHeight-200;}
window.addEventListener('scroll',function(){if(timer)clearTimeout(timer);timer=setTimeout(function(){
if(busy||done||!atEnd())return;busy=true;get().then(add);},150);},{passive:true});})();</script>""".replace(
    "__BATCH__", str(DETAILS_BATCH)
)


def _batch(items: list, start: int) -> list:
    return items[start : start + DETAILS_BATCH]


def sdui_details_content(person: Person, section: str, start: int = 0) -> str:
    """One batch of a 2026 details list: DETAILS_BATCH items from `start` (company groups count as one
    item), empty past the end."""
    items = getattr(person.profile, section)
    if section == "skills":
        batch = _batch(items, start)
        return _sdui_skill_components(person, batch, start) if batch else ""
    if section == "experiences":
        groups = _batch(group_experiences(items), start)
        return _sdui_experience_entries(person, [e for g in groups for e in g], start)
    _, entries = _SDUI_CARDS[section]
    return entries(person, _batch(items, start), start)


def _card_word(section: str) -> str:
    """ "experiences" -> "Experience", "volunteering" -> "VolunteeringExperiences"."""
    word = {"experiences": "experience", "educations": "education"}.get(section, DETAILS_PATHS[section])
    return word.title().replace("-", "")


def _sdui_details(person: Person, section: str) -> str:
    # Experience and Education as observed; the others on their pattern (none recorded).
    card = "SkillDetails" if section == "skills" else f"{_card_word(section)}DetailsSection"
    src = f"/in/{person.profile_id}/details/{DETAILS_PATHS[section]}/?content=1"
    body = f'<div id="details-list" data-component-type="LazyColumn" data-src="{src}"></div>'
    key = escape(_card_key(person, card))
    return (
        f'<main><section componentkey="{key}"><div><a href="/in/{person.profile_id}/" aria-label="Back">'
        f"<svg></svg></a><h2>{heading(section)}</h2></div>{body}</section></main>{_DETAILS_SCRIPT}"
    )


# ---------------------------------------------------------------- pages


def page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>{_STYLE}'
        f"</head><body>{body}</body></html>"
    )


def profile_page(person: Person, notifications: int = 0) -> str:
    prefix = f"({notifications}) " if notifications else ""
    if person.layout == "sdui":
        return page(f"{prefix}{person.profile.name} | LinkedIn", _sdui_main(person))
    return page(f"{prefix}{person.profile.name} | LinkedIn", f"<main>{_legacy_main(person)}</main>")


def details_page(person: Person, section: str) -> str:
    body = _sdui_details(person, section) if person.layout == "sdui" else _legacy_details(person, section)
    return page(f"{heading(section)} | {person.profile.name} | LinkedIn", body)


def lazy_fragment(person: Person) -> str:
    return sdui_lower_cards(person) if person.layout == "sdui" else legacy_lower_sections(person)
