"""LinkedIn's 2026 server-driven ("SDUI") profile layout.

Cards are found by the suffix of their `componentkey` (or `id`):
`com.linkedin.sdui.profile.card.ref<member id><Card>`; entries are `entity-collection-item…` elements;
every line is a `<p>` leaf. Class names are hashed and change with each release, so nothing here reads
them: only componentkey prefixes and suffixes, element roles, link targets and text patterns.

Pages observed with fewer keys are read too, each rule a fallback for the one before: a card named by
a section marker (`Profile_Top_Level_…`, `profile_…TopLevelSection_…`, a title anchor) or by the lazy
component it came in (`profileCards<Card>…`), else by its title; a top card known by its lazy
component, else around the name's verification trigger (`ProfileVerificationTriggerRef-<vanity>`),
else around the one name before the member's own contact-info link. A marker naming another member
(a card left from the profile shown before) is never read.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlparse

from bs4 import Tag

from scraper.models import Profile
from scraper.parse.dom import first_line, is_hidden, iter_tags, leaves, section_title_kind
from scraper.parse.sections import Item
from scraper.parse.text import (
    clean,
    counts_in,
    is_badge,
    is_count_line,
    is_duration,
    is_employment_type,
    is_interface_text,
    is_mutual,
    parse_count,
    parse_date_range,
    strip_name_badge,
)

CARD_PREFIX = "com.linkedin.sdui.profile.card."
ITEM_PREFIX = "entity-collection-item"
SKILL_PREFIX = "com.linkedin.sdui.profile.skill("
# The card name ends the key; the member id before it is opaque. Both "Topcard" and "TopCard" occur.
_CARD_KIND_RE = re.compile(
    r"(topcard|about|(?<!volunteer)(?<!volunteering)experience|education|(?<!top)skills?|activity)"
    r"(?:toplevelsection|detailssection|details|section)?$",
    re.IGNORECASE,
)
# "500+" alone: the capped connection count whose noun the card left out (or put in an icon's label).
_CAPPED_COUNT_RE = re.compile(r"^\d[\d,]*\+$")
_TITLE_COUNT_RE = re.compile(r"\((?P<count>\d[\d,]*)\)\s*$")
_SHOW_ALL_COUNT_RE = re.compile(r"(?P<count>\d[\d,]*)")
_ENDORSEMENT_RE = re.compile(
    r"^\d[\d,]*\+?\s+endorsements?$|^endorsed by\b|\bexperiences? (?:across|at)\b|^passed linkedin skill",
    re.IGNORECASE,
)
_DETAILS_LINK_RE = re.compile(r"/details/[a-z-]+/?$")
_DETAILS_PATH_RE = re.compile(r"/details/(?P<section>experience|education|skills)\b")
_DETAILS_SECTIONS = frozenset({"experience", "education", "skills"})
_CONTACT_INFO = "Contact info"
# The About card's "Top skills" label, as English and localized accounts show it.
_TOP_SKILLS_LABELS = frozenset(
    ("top skills", "aptitudes principales", "principais competências", "compétences principales")
    + ("top-kenntnisse", "competenze principali", "topvaardigheden")
)
_PROFILE_PATH_RE = re.compile(r"^/in/[^/]+/?$")
# A card without a card key is still named: by a section marker (`componentkey=
# "Profile_Top_Level_ExperienceTopLevelSection<vanity>"`, `data-testid="profile_ExperienceTopLevelSection_…"`),
# which can be an empty sibling of the list, by its title's anchor (`ProfileNullStateCardAnchor_Experience`),
# by the lazy component it was loaded as (`profileCardsExperienceOnly<vanity>`), or by a marker of the
# form `Profile_Top_Level_AboutSection<vanity>`. The leading "_" keeps
# "VolunteerExperienceTopLevelSection" out.
_MARKER_RE = re.compile(
    r"(?:^|_)(?P<kind>about|experience|education|skills?)toplevelsection"
    r"|^profilenullstatecardanchor_(?P<anchor>about|experience|education|skills?)$"
    r"|^profilecards(?P<lazy>about|experience|education|skills)(?!.*activity)"
    r"|^profile_(?P<testid>about|skills)_"
    r"|^profile_top_level_(?P<top_level>about|experience|education|skills?)",
    re.IGNORECASE,
)
# The member a marker names: a section left over from the previous profile (an in-app navigation)
# names someone else.
_MARKER_SUBJECT_RE = re.compile(
    r"^profile_top_level_[a-z]+?(?:toplevelsection|section)(.+)$"
    r"|^profile_[a-z]+_(.+)$"
    r"|^profilecards(?:about|experience|education|skills)(?:only)?(.+)$",
    re.IGNORECASE,
)
# A top card keyed only by its lazy component ("profileCardsAboveActivityTopcardOnly<vanity>"): the word
# as LinkedIn spells it, never the lower-case "topcard" of other sites' ids.
_TOP_COMPONENT_RE = re.compile(r"Top[cC]ard")
_TRIGGER_PREFIX = "ProfileVerificationTriggerRef-"
_MEMBER_ID_RE = re.compile(r"^aco[a-z0-9_-]{20,}$")
_CONTACT_PATH_RE = re.compile(r"^/in/([^/]+)/overlay/contact-info/?$")
_OVERLAY_LINK_RE = re.compile(r"/overlay/|/skill-associations-details/")


def is_inert(tag: Tag) -> bool:
    """A copy nobody sees: hidden, or inside a `<template>`/`<noscript>` (a hydration or fallback copy)."""
    return is_hidden(tag) or any(p.name in ("template", "noscript") or is_hidden(p) for p in tag.parents)


def card_kind(key: str) -> str | None:
    """'com.linkedin.sdui.profile.card.refACoAA…Topcard' -> 'top'; None for a card we do not read."""
    m = _CARD_KIND_RE.search(key)
    if m is None:
        return None
    word = m[1].lower()
    return {"topcard": "top", "skill": "skills"}.get(word, word)


def marker_kind(tag: Tag) -> str | None:
    """'experience' for a section marker or title anchor of the Experience card, else None."""
    for attr in ("componentkey", "data-testid", "id"):
        value = tag.get(attr)
        if isinstance(value, str) and (m := _MARKER_RE.search(value)):
            word = next(w for w in m.groups() if w).lower()
            return "skills" if word == "skill" else word
    return None


def marker_subject(tag: Tag) -> str | None:
    """The member a section marker names ('ada-lovelace' in "Profile_Top_Level_AboutSectionada-lovelace")."""
    for attr in ("componentkey", "data-testid", "id"):
        value = tag.get(attr)
        if isinstance(value, str) and (m := _MARKER_SUBJECT_RE.match(value)):
            return unquote(next(g for g in m.groups() if g)).lower()
    return None


def url_vanity(url: str | None) -> str | None:
    """'ada-lovelace' for a profile URL `/in/ada-lovelace/`; None for any other."""
    path = urlparse(url or "").path
    if not _PROFILE_PATH_RE.match(path):
        return None
    vanity = unquote(path.strip("/").split("/")[-1]).lower()
    return None if _MEMBER_ID_RE.match(vanity) else vanity  # "/in/ACoAA…/" names no vanity


def card_vanity(top: Tag) -> str | None:
    """The member a top card names: its name's verification trigger, else its contact-info link."""
    for tag in iter_tags(top):
        key = tag.get("componentkey")
        if isinstance(key, str) and key.startswith(_TRIGGER_PREFIX):
            return unquote(key.removeprefix(_TRIGGER_PREFIX)).lower() or None
        href = tag.get("href") if tag.name == "a" else None
        if isinstance(href, str) and (m := _CONTACT_PATH_RE.search(urlparse(href).path)):
            return unquote(m[1]).lower()
    return None


def marked_card(marker: Tag, top: Tag) -> Tag | None:
    """The card around a section marker: the marker when it holds the title, else the nearest
    `<section>` or element holding a title; never one holding the top card (a wrapper of the whole
    profile)."""
    for tag in [marker, *marker.parents]:
        if tag.name in ("main", "body", "html", "[document]") or tag is top or within(top, tag):
            return None
        if tag.name == "section" or tag.find(("h2", "h3")) is not None:
            return tag
    return None


def is_name_trigger(tag: Tag) -> bool:
    """The verification link around a member's name (`componentkey="ProfileVerificationTriggerRef-<vanity>"`)."""
    key = tag.get("componentkey")
    return isinstance(key, str) and key.startswith(_TRIGGER_PREFIX) and tag.find("h2") is not None


def keyless_top(triggers: list[Tag], url: str | None) -> Tag | None:
    """A top card that carries no key at all, around a member's name: the one whose verification
    trigger names the profile in the URL (`/in/<vanity>/`), else the only one offering the contact
    info, so another member's name on the page never is."""
    candidates = [t for t in triggers if not is_inert(t) and t.find_parent("aside") is None]
    vanity = url_vanity(url)
    if vanity:
        named = [
            t for t in candidates if str(t["componentkey"]).removeprefix(_TRIGGER_PREFIX).lower() == vanity
        ]
        if named:
            return _card_around(named[0].find("h2"))
    cards = [card for card in (_card_around(t.find("h2")) for t in candidates) if card is not None]
    with_contact = [card for card in cards if _offers_contact_info(card)]
    return with_contact[0] if len(with_contact) == 1 else None


def contact_top(main: Tag, url: str | None) -> Tag | None:
    """A top card with neither key nor trigger: around the one name heading that precedes the
    member's own contact-info link (`/in/<vanity>/overlay/contact-info/`)."""
    vanity = url_vanity(url)
    for link in iter_tags(main):
        href = link.get("href") if link.name == "a" else None
        if not isinstance(href, str) or not (m := _CONTACT_PATH_RE.search(urlparse(href).path)):
            continue
        if is_inert(link) or link.find_parent("aside") is not None:
            continue
        if vanity and unquote(m[1]).lower() != vanity:
            continue
        for tag in link.parents:
            if tag.name in ("main", "body", "html", "[document]"):
                break
            headings = [h for h in tag.find_all(("h1", "h2", "h3")) if not is_inert(h)]
            if len(headings) > 1:
                break
            if headings:
                return _card_around(headings[0])
    return None


def titled_card(heading: Tag, top: Tag) -> Tag | None:
    """The card a section title ("Experience") heads when nothing keys it: the nearest `<section>`,
    or element holding entries or lines beside the title; never one holding another card's title or
    the top card."""
    for tag in heading.parents:
        if tag.name in ("main", "body", "html", "[document]") or tag is top or within(top, tag):
            return None
        titles = [h for h in tag.find_all(("h2", "h3")) if section_title_kind(first_line(h) or "")]
        if len(titles) > 1:
            return None
        if tag.name == "section" or tag.find(
            attrs={"componentkey": lambda k: isinstance(k, str) and k.startswith(ITEM_PREFIX)}
        ):
            return tag
        if any(
            isinstance(child, Tag) and child is not heading and not within(heading, child) and child.find("p")
            for child in tag.children
        ):
            return tag
    return None


def _card_around(heading: Tag) -> Tag | None:
    """The widest element around the name that holds no other title and no list entry: the card's
    lines sit beside the name, several wrappers up."""
    card = None
    for tag in heading.parents:
        if tag.name in ("main", "body", "html", "[document]"):
            break
        if any(h is not heading for h in tag.find_all(("h1", "h2", "h3"))) or tag.find(
            attrs={"componentkey": lambda k: isinstance(k, str) and k.startswith(ITEM_PREFIX)}
        ):
            break
        card = tag
        if tag.name == "section":
            break
    return card


def _offers_contact_info(card: Tag) -> bool:
    if any("contact-info" in (a.get("href") or "") for a in card.find_all("a")):
        return True
    return any(text.lower().endswith(_CONTACT_INFO.lower()) for text in _texts_of(card))


def _texts_of(card: Tag) -> list[str]:
    return [entry[0] for entry in leaves(card, _is_control) if entry]


def is_top_component(tag: Tag) -> bool:
    """A top card known only by its lazy component's key, holding the name's heading."""
    for attr in ("componentkey", "id"):
        value = tag.get(attr)
        if (
            isinstance(value, str)
            and _TOP_COMPONENT_RE.search(value)
            and "profile" in value.lower()  # a profile's component, not another page's top card
            and tag.find("h2") is not None
        ):
            return not value.startswith(CARD_PREFIX)
    return False


def _is_control(tag: Tag) -> bool:
    return is_hidden(tag) or tag.name == "button" or tag.get("role") == "button"


def _skip_line(tag: Tag) -> bool:
    """Hidden duplicates, descriptions, buttons and overlay links are never a field's line.

    An entry's skill chip ("IFRS", "Budgeting and Forecasting") links to its skill-associations
    overlay; with one or two skills nothing in its text says it is not a location."""
    return (
        is_hidden(tag)
        or tag.name == "button"
        or tag.get("role") == "button"
        or tag.get("data-testid") in ("expandable-text-box", "expandable-text-button")
        or (tag.name == "a" and _OVERLAY_LINK_RE.search(tag.get("href") or "") is not None)
    )


def _texts(root: Tag) -> list[str]:
    return [entry[0] for entry in leaves(root, _skip_line) if entry and not is_interface_text(entry[0])]


# ------------------------------------------------------------------ top card


def _link_href(block: Tag, text: str, card: Tag) -> str | None:
    """The href of the link this line is (an `<a>` around the block, or one holding all its text).

    The member's own profile link is not one: it may wrap the name and the lines under it."""
    for parent in [block, *block.parents]:
        if parent is card or parent is None:
            break
        if parent.name == "a" and not _is_profile_link(parent):
            return parent.get("href") or ""
    for link in block.find_all("a"):
        if clean(link.get_text(" ")) == text and not _is_profile_link(link):
            return link.get("href") or ""
    return None


def _is_profile_link(link: Tag) -> bool:
    return _PROFILE_PATH_RE.match(urlparse(link.get("href") or "").path) is not None


def _badges(card: Tag) -> list[str]:
    """Names on the top card's badge buttons (current company, then school): each shows the
    organisation's logo, which a promotional button ("Verify in 2 minutes") does not."""
    out = []
    for tag in iter_tags(card):
        if tag.get("role") != "button" or tag.name == "button" or is_hidden(tag):
            continue
        text = first_line(tag)
        if text and not is_interface_text(text) and tag.find("img") is not None:
            out.append(text)
    return out


def read_top(card: Tag, top: Profile) -> None:
    """Name, headline, location, current company and counts from the top card, into `top`."""
    heading = next((t for t in iter_tags(card) if t.name in ("h1", "h2") and not is_hidden(t)), None)
    top.name = strip_name_badge(first_line(heading)) if heading is not None else None
    entries = [e for e in leaves(card, lambda t: is_hidden(t) or t.name == "button") if e]
    texts = [text for text, _ in entries]
    connections, top.followers = counts_in(texts)
    if connections is None:
        connections = next((parse_count(t) for t in texts if _CAPPED_COUNT_RE.match(t)), None)
    if connections is not None:
        top.connections, top.connections_capped = connections
    if top.name is None:
        return
    badges = _badges(card)
    start = next(
        (i + 1 for i, (_, block) in enumerate(entries) if block is heading or within(block, heading)),
        0,
    )
    lines: list[tuple[str, Tag]] = []
    for text, block in entries[start:]:
        inner = next((a for a in block.find_all("a") if "contact-info" in (a.get("href") or "")), None)
        contact = inner is not None or "contact-info" in (_link_href(block, text, card) or "")
        # The label as plain text (its link dropped by a copy of the page): "City · Contact info".
        plain_label = not contact and text.lower().endswith(_CONTACT_INFO.lower())
        if plain_label:
            rest = clean(text[: -len(_CONTACT_INFO)].strip(" ·"))
            lines.extend([(rest, block)] if rest else [])
            lines.append((_CONTACT_INFO, block))
            continue
        if not contact and (
            text == top.name
            or is_badge(text)
            or is_interface_text(text)
            or text in badges
            or any(t.get("role") == "button" for t in [block, *_parents_until(block, card)])
        ):
            continue  # badges, labels and whatever sits on a button are never the headline or place
        if contact:  # the link's text may be localized; a location can share its line
            rest = clean(text.replace(clean(inner.get_text(" ")) or "", "").strip(" ·")) if inner else None
            lines.extend([(rest, block)] if rest else [])
            text = _CONTACT_INFO
        lines.append((text, block))
    badge_line = " · ".join(badges)

    def plain(index: int) -> bool:  # could be the headline: not a count, a link or the badges line
        text, block = lines[index]
        return not _is_counter(text) and _link_href(block, text, card) is None and text != badge_line

    def place(index: int) -> bool:  # could be the location: a plain line that is not "A · B"
        return plain(index) and " · " not in lines[index][0]

    contact_at = next((i for i, (text, _) in enumerate(lines) if text == _CONTACT_INFO), None)
    location_at: int | None = None
    if contact_at is not None and (places := [i for i in range(contact_at) if place(i)]):
        last = places[-1]
        # The only plain line before "Contact info" is the headline when nothing but the whole
        # card holds both it and the link (the location sits in a small box with the link).
        contact = next(
            (t for t in iter_tags(card) if t.name == "a" and "contact-info" in (t.get("href") or "")),
            None,
        )
        if any(plain(i) for i in range(last)) or not _near_name(lines[last][1], contact, heading):
            location_at = last
            top.location = lines[last][0]
    end = contact_at if contact_at is not None else len(lines)
    headline_at = next((i for i in range(end) if i != location_at and plain(i)), None)
    if headline_at is not None:
        top.headline = lines[headline_at][0]
    if contact_at is None and headline_at is not None:
        top.location = next((lines[i][0] for i in range(headline_at + 1, len(lines)) if place(i)), None)
    top.current_company = badges[0] if badges else _badge_line_company(lines, top, card)


def _near_name(block: Tag, contact: Tag | None, heading: Tag) -> bool:
    """Whether the smallest element holding both `block` and the contact link also holds the name."""
    if contact is None:
        return True
    around_block = {id(p) for p in block.parents}
    common = next((p for p in contact.parents if id(p) in around_block), None)
    return common is not None and within(heading, common)


def _is_counter(text: str) -> bool:
    return is_count_line(text) or is_mutual(text) or _CAPPED_COUNT_RE.match(text) is not None


def _badge_line_company(lines: list[tuple[str, Tag]], top: Profile, card: Tag) -> str | None:
    """Without badge buttons, the "Company · School" line after the headline names the company."""
    seen_headline = False
    for text, block in lines:
        if text == top.headline:
            seen_headline = True
        elif text == top.location or text.endswith(_CONTACT_INFO):
            break
        elif (
            seen_headline
            and " · " in text
            and not _is_counter(text)
            and _link_href(block, text, card) is None
        ):
            return clean(text.split(" · ")[0])
    return None


# ------------------------------------------------------------------ about


def read_about(card: Tag) -> str | None:
    box = next((t for t in iter_tags(card) if t.get("data-testid") == "expandable-text-box"), None)
    if box is not None:  # its "…more" button can sit inside it
        return clean(" ".join(entry[0] for entry in leaves(box, _is_control) if entry))
    heading = next((t for t in iter_tags(card) if t.name in ("h2", "h3")), None)
    title = first_line(heading) if heading is not None else None
    body = [text for text in _texts(card) if text != title]
    if heading is None and body and section_title_kind(body[0]) == "about":
        body = body[1:]  # the title as a plain line
    # "Top skills" and its "A • B • C" line close the card; the text itself may use bullets too.
    label = next((i for i, text in enumerate(body) if text.lower() in _TOP_SKILLS_LABELS), None)
    if label is not None:
        body = body[:label]
    elif len(body) > 1 and " • " in body[-1]:
        body = body[:-1]
    return clean(" ".join(body))


# ------------------------------------------------------------------ list cards


def top_items(root: Tag) -> list[Tag]:
    """`entity-collection-item…` elements of `root` that are not inside another one."""
    out: list[Tag] = []
    found: set[int] = set()
    for tag in iter_tags(root):
        key = tag.get("componentkey")
        if not (isinstance(key, str) and key.startswith(ITEM_PREFIX)):
            continue
        chain = _parents_until(tag, root)
        if any(id(parent) in found for parent in chain):
            continue
        found.add(id(tag))
        # A hidden copy of a list (another breakpoint's) would repeat every entry; an aside ("People
        # also viewed") lists other people.
        if not is_hidden(tag) and not any(is_hidden(parent) or parent.name == "aside" for parent in chain):
            out.append(tag)
    return out


def within(tag: Tag, ancestor: Tag) -> bool:
    """Whether `ancestor` is one of `tag`'s ancestors (by identity: bs4's `==` compares markup)."""
    return any(parent is ancestor for parent in tag.parents)


def _parents_until(tag: Tag, stop: Tag) -> list[Tag]:
    chain = []
    parent = tag.parent
    while parent is not None and parent is not stop:
        chain.append(parent)
        parent = parent.parent
    return chain


def item_of(element: Tag) -> Item:
    """One entry: its own lines, or for a company group its header and one line list per role.

    A role is the largest element holding exactly one date line, so nested links, lists or plain
    `<div>`s all work; an entry with a single date line is one role.
    """
    found = [e for e in leaves(element, _skip_line) if e and not is_interface_text(e[0])]
    # When the entry's lines sit inside its company or school link, a line outside every link is a
    # description, never a location or a title.
    if found and _in_link(found[0][1], element):
        found = [e for e in found if _in_link(e[1], element)]
    # A line repeated at once is a twin (a copy for screen readers or another breakpoint), not a value.
    entries = [e for i, e in enumerate(found) if i == 0 or e[0] != found[i - 1][0]]
    texts = [text for text, _ in entries]
    dated = [i for i, text in enumerate(texts) if i > 0 and parse_date_range(text)]
    if len(dated) < 2:
        return Item(texts)
    chains = [_parents_until(block, element.parent) for _, block in entries]
    chains = [[block, *chain] for (_, block), chain in zip(entries, chains, strict=True)]
    holding: dict[int, int] = {}
    for i in dated:
        for tag in chains[i]:
            holding[id(tag)] = holding.get(id(tag), 0) + 1
    roles: list[Tag] = []
    for i in dated:
        single = [tag for tag in chains[i] if holding[id(tag)] == 1 and tag is not element]
        if not single:
            return _split_by_dates(texts, dated)
        roles.append(single[-1])
    role_ids = {id(tag): n for n, tag in enumerate(roles)}
    header: list[str] = []
    children: list[list[str]] = [[] for _ in roles]
    for (text, _), chain in zip(entries, chains, strict=True):
        owner = next((role_ids[id(tag)] for tag in chain if id(tag) in role_ids), None)
        if owner is not None:
            children[owner].append(text)
        elif not any(children):
            header.append(text)
    if any(not role or parse_date_range(role[0]) for role in children) or not header:
        return _split_by_dates(texts, dated)  # a role without its title: the markup is flatter than that
    return Item(header, children)


def _in_link(block: Tag, stop: Tag) -> bool:
    return any(t.name == "a" for t in [block, *_parents_until(block, stop)])


def _split_by_dates(texts: list[str], dated: list[int]) -> Item:
    """Flat markup: a group when the second line is the group's total ("Full-time · 8 yrs 3 mos")."""
    second = [part.strip() for part in texts[1].split(" · ")] if len(texts) > 1 else []
    if not second or not all(is_duration(p) or is_employment_type(p) for p in second):
        return Item(texts)
    starts = [d - 2 if d >= 2 and is_employment_type(texts[d - 1]) else d - 1 for d in dated]
    if starts[0] < 1:
        return Item(texts)
    bounds = [*starts, len(texts)]
    return Item(texts[: starts[0]], [texts[a:b] for a, b in zip(bounds, bounds[1:], strict=False)])


def chunk_items(card: Tag) -> list[Item]:
    """Entries separated only by `<hr>`: each chunk of lines is one entry (the title is not)."""
    heading = next((t for t in iter_tags(card) if t.name in ("h2", "h3")), None)
    chunks: list[list[str]] = [[]]
    for entry in leaves(card, _skip_line):
        if entry is None:
            chunks.append([])
            continue
        text, block = entry
        if heading is not None and (block is heading or within(block, heading)):
            continue
        if not is_interface_text(text):
            chunks[-1].append(text)
    return [Item(chunk) for chunk in chunks if chunk]


def link_items(card: Tag, groups: bool) -> list[Item]:
    """Entries that are each one link holding the entry's lines (a card without entry components or
    separators). With `groups`, an entry without dates followed by dated ones is a company header."""
    heading = next((t for t in iter_tags(card) if t.name in ("h2", "h3")), None)
    linked: list[tuple[int, list[str]]] = []
    for entry in leaves(card, _skip_line):
        if entry is None:
            continue
        text, block = entry
        if is_interface_text(text) or (heading is not None and (block is heading or within(block, heading))):
            continue
        link = next((t for t in [block, *_parents_until(block, card)] if t.name == "a"), None)
        if link is None:
            continue  # text outside any entry link: a description
        if linked and linked[-1][0] == id(link):
            linked[-1][1].append(text)
        else:
            linked.append((id(link), [text]))
    items: list[Item] = []
    for _, texts in linked:
        if groups and _role_shaped(texts) and items and _is_header(items[-1]):
            items[-1].children.append(texts)
        else:
            items.append(Item(texts))
    return [i for i in items if i.children or not (groups and _is_header(i))] or items


def _is_header(item: Item) -> bool:
    return not any(parse_date_range(t) for t in item.header[1:])


def _role_shaped(texts: list[str]) -> bool:
    """A grouped role's lines: title, then its dates (or its employment type, then its dates); a
    standalone entry has "Company · type" before its dates."""
    if len(texts) > 1 and parse_date_range(texts[1]):
        return True
    return len(texts) > 2 and is_employment_type(texts[1]) and parse_date_range(texts[2]) is not None


def list_items(root: Tag, groups: bool = False) -> list[Item]:
    elements = top_items(root)
    if elements:
        return [item_of(e) for e in elements]
    chunks = chunk_items(root)
    if len(chunks) > 1:
        return chunks
    linked = link_items(root, groups)
    if len(linked) > 1:
        return linked
    boxed = boxed_items(root)
    return boxed if len(boxed) > 1 else chunks


def boxed_items(root: Tag) -> list[Item]:
    """Entries that are each one plain box of lines (no entry components, separators or links): the
    children of the smallest element holding every line, when each holds several lines."""
    groups: list[list[str]] = []
    last: int | None = None
    for child, text in _lines_by_child(root):
        if child is None:
            return []
        if id(child) != last:
            groups.append([])
        groups[-1].append(text)
        last = id(child)
    return [Item(g) for g in groups] if all(len(g) > 1 for g in groups) else []


def _lines_by_child(root: Tag) -> list[tuple[Tag | None, str]]:
    """Each line of `root` (its title and buttons aside) with the child, of the smallest element
    holding every line, that holds it (None for a line directly in that element)."""
    heading = next((t for t in iter_tags(root) if t.name in ("h2", "h3")), None)

    def skip(tag: Tag) -> bool:  # and the card's own "Show all" link, whatever its language
        path = urlparse(tag.get("href") or "").path if tag.name == "a" else ""
        return _skip_line(tag) or bool(path and _DETAILS_LINK_RE.search(path))

    entries: list[tuple[str, list[Tag]]] = []
    for entry in leaves(root, skip):
        if entry is None or is_interface_text(entry[0]):
            continue
        text, block = entry
        if heading is not None and (block is heading or within(block, heading)):
            continue
        entries.append((text, [block, *_parents_until(block, root)]))
    if not entries:
        return []
    shared = {id(t) for t in entries[0][1]}
    for _, chain in entries[1:]:
        shared &= {id(t) for t in chain}
    common = next((t for t in entries[0][1] if id(t) in shared), root)
    out: list[tuple[Tag | None, str]] = []
    for text, chain in entries:
        below = [t for t in chain if within(t, common)]
        out.append((below[-1] if below else None, text))
    return out


def skill_names(root: Tag, skill_tags: list[Tag]) -> list[str]:
    """Skill names: one per skill component (each may appear twice), else the first line per entry."""
    names: list[str] = []
    if skill_tags:
        candidates = [next(iter(_texts(tag)), None) for tag in skill_tags]
    else:
        elements = top_items(root)
        if elements:
            candidates = [next(iter(_texts(e)), None) for e in elements]
        else:
            chunks = chunk_items(root)
            candidates = _first_line_per_entry(root) if len(chunks) == 1 else [c.header[0] for c in chunks]
    for name in candidates:
        if name and not _ENDORSEMENT_RE.search(name) and name not in names:
            names.append(name)
    return names


def _first_line_per_entry(root: Tag) -> list[str]:
    """Without separators or entry components, the entries are the children of the smallest element
    holding every line; each entry's first line is its name (the rest: endorsements, context)."""
    names: list[str] = []
    last: int | None = None
    for child, text in _lines_by_child(root):
        # A line directly in the common element has no entry structure to go by: it is a name.
        if child is None or id(child) != last:
            names.append(text)
        last = id(child) if child is not None else None
    return names


def show_all(card: Tag) -> tuple[int | None, bool]:
    """(section total, truncated) from the card's link to its details page, or a title "Skills (14)".

    A details link inside one entry (a company group's own "Show all 6 experiences") marks the card
    truncated but is not the section's total."""
    total: int | None = None
    truncated = False
    for link in iter_tags(card):
        text = clean(link.get_text(" ")) or ""
        show_all = text.lower().startswith("show all")
        # The label can also sit on a button or a plain line the page's script makes clickable.
        if link.name != "a" and not (show_all and link.find("a") is None and not is_hidden(link)):
            continue
        in_item = any(
            isinstance(p.get("componentkey"), str) and p["componentkey"].startswith(ITEM_PREFIX)
            for p in _parents_until(link, card)
        )
        # The card's own link to its details page (localized text, same target); links inside an
        # entry (a role, a company) or to endorsers and edit forms are not it.
        to_details = bool(_DETAILS_LINK_RE.search(urlparse(link.get("href") or "").path))
        if not show_all and (in_item or not to_details):
            continue
        truncated = True
        if total is None and not in_item and (m := _SHOW_ALL_COUNT_RE.search(text)):
            count = parse_count(m["count"])
            total = count[0] if count else None
    if total is None:
        heading = next((t for t in iter_tags(card) if t.name in ("h2", "h3")), None)
        if heading is not None and (m := _TITLE_COUNT_RE.search(first_line(heading) or "")):
            count = parse_count(m["count"])
            total = count[0] if count else None
    return total, truncated


def details_list(main: Tag, section: str) -> Tag | None:
    """A `/details/<section>/` page's list container (`data-testid="profile_ExperienceDetailsSection_…"`)
    when its card carries no key: the rest of `<main>` may hold other people ("People also viewed")."""
    for tag in iter_tags(main):
        testid = tag.get("data-testid")
        if isinstance(testid, str) and testid.startswith("profile_"):
            kind = testid.split("_")[1].lower()
            if kind.startswith(section) and "details" in kind:
                return tag
    return None


def details_section(
    cards: dict[str, Tag], skill_tags: list[Tag], url: str | None, title: str | None
) -> str | None:
    """Which list a `/details/<section>/` page holds: its URL, its card's key, skill components, title."""
    if url and (m := _DETAILS_PATH_RE.search(url)):
        return m["section"]
    for kind in ("experience", "education", "skills"):
        if kind in cards:
            return kind
    if skill_tags:
        return "skills"
    first = (title or "").split("|")[0].strip().lower()
    first = re.sub(r"^\(\d+\+?\)\s*", "", first)
    return first if first in _DETAILS_SECTIONS else None
