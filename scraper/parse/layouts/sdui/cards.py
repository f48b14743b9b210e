"""Where the 2026 layout's cards are: by the suffix of their `componentkey` (or `id`),
`com.linkedin.sdui.profile.card.ref<member id><Card>`, or, on pages observed with fewer keys, each rule a
fallback for the one before: a card named by a section marker (`Profile_Top_Level_…`,
`profile_…TopLevelSection_…`, a title anchor) or by the lazy component it came in (`profileCards<Card>…`),
else by its title; a top card known by its lazy component, else around the name's verification trigger
(`ProfileVerificationTriggerRef-<vanity>`), else around the one name before the member's own
contact-info link. A marker naming another member (a card left from the profile shown before) is never
read.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlparse

from bs4 import Tag

from scraper.parse.dom import first_line, iter_tags, leaves, section_title_kind, within
from scraper.parse.layouts.sdui.markup import (
    CARD_PREFIX,
    CONTACT_INFO,
    ITEM_PREFIX,
    PROFILE_PATH_RE,
    is_control,
    is_inert,
)

# The card name ends the key; the member id before it is opaque. Both "Topcard" and "TopCard" occur;
# "CertificationTopLevel" and "VolunteerExperienceTopLevel" were recorded without "Section".
_CARD_KIND_RE = re.compile(
    r"(topcard|about|(?<!volunteer)(?<!volunteering)experience|education|(?<!top)skills?|activity"
    r"|licensesandcertifications|certifications?|languages?|projects?|volunteer(?:ing)?experiences?"
    r"|volunteering|honorsandawards|honors?)"
    r"(?:toplevelsection|toplevel|detailssection|details|section)?$",
    re.IGNORECASE,
)
# The words a key, marker or anchor names a card by, and the card they name.
_CARD_WORDS = {
    "topcard": "top",
    "skill": "skills",
    "licensesandcertifications": "certifications",
    "certification": "certifications",
    "language": "languages",
    "project": "projects",
    "volunteerexperience": "volunteering",
    "volunteerexperiences": "volunteering",
    "volunteeringexperience": "volunteering",
    "volunteeringexperiences": "volunteering",
    "honorsandawards": "honors",
    "honor": "honors",
}
# The newer sections' words in markers, as in card keys.
_MORE = (
    r"licensesandcertifications|certifications|languages|projects|volunteer(?:ing)?experiences?|volunteering"
    r"|honorsandawards|honors"
)
# A card without a card key is still named: by a section marker (`componentkey=
# "Profile_Top_Level_ExperienceTopLevelSection<vanity>"`, `data-testid="profile_ExperienceTopLevelSection_…"`),
# which can be an empty sibling of the list, by its title's anchor (`ProfileNullStateCardAnchor_Experience`),
# by the lazy component it was loaded as (`profileCardsExperienceOnly<vanity>`), or by a marker of the
# form `Profile_Top_Level_AboutSection<vanity>`. The leading "_" keeps
# "VolunteerExperienceTopLevelSection" out.
_MARKER_RE = re.compile(
    rf"(?:^|_)(?P<kind>about|experience|education|skills?|{_MORE})toplevelsection"
    rf"|^profilenullstatecardanchor_(?P<anchor>about|experience|education|skills?|{_MORE})$"
    rf"|^profilecards(?P<lazy>about|experience|education|skills|{_MORE})(?!.*activity)"
    r"|^profile_(?P<testid>about|skills)_"
    rf"|^profile_top_level_(?P<top_level>about|experience|education|skills?|{_MORE})",
    re.IGNORECASE,
)
# The member a marker names: a section left over from the previous profile (an in-app navigation)
# names someone else.
_MARKER_SUBJECT_RE = re.compile(
    r"^profile_top_level_[a-z]+?(?:toplevelsection|section)(.+)$"
    r"|^profile_[a-z]+_(.+)$"
    rf"|^profilecards(?:about|experience|education|skills|{_MORE})(?:only)?(.+)$",
    re.IGNORECASE,
)
# A top card keyed only by its lazy component ("profileCardsAboveActivityTopcardOnly<vanity>"): the word
# as LinkedIn spells it, never the lower-case "topcard" of other sites' ids.
_TOP_COMPONENT_RE = re.compile(r"Top[cC]ard")
_TRIGGER_PREFIX = "ProfileVerificationTriggerRef-"
_MEMBER_ID_RE = re.compile(r"^aco[a-z0-9_-]{20,}$")
_CONTACT_PATH_RE = re.compile(r"^/in/([^/]+)/overlay/contact-info/?$")


def card_kind(key: str) -> str | None:
    """'com.linkedin.sdui.profile.card.refACoAA…Topcard' -> 'top'; None for a card we do not read."""
    m = _CARD_KIND_RE.search(key)
    if m is None:
        return None
    word = m[1].lower()
    return _CARD_WORDS.get(word, word)


def marker_kind(tag: Tag) -> str | None:
    """'experience' for a section marker or title anchor of the Experience card, else None."""
    for attr in ("componentkey", "data-testid", "id"):
        value = tag.get(attr)
        if isinstance(value, str) and (m := _MARKER_RE.search(value)):
            word = next(w for w in m.groups() if w).lower()
            return _CARD_WORDS.get(word, word)
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
    if not PROFILE_PATH_RE.match(path):
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
    return any(text.lower().endswith(CONTACT_INFO.lower()) for text in _texts_of(card))


def _texts_of(card: Tag) -> list[str]:
    return [entry[0] for entry in leaves(card, is_control) if entry]


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
