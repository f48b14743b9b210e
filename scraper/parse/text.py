"""Pure string rules for LinkedIn profile text: dates, counts, employment types.

Everything here works on already-extracted visible text, so it is shared by every DOM generation.
"""

from __future__ import annotations

import re

# Month names and abbreviations as LinkedIn shows them in English, Spanish, Portuguese, French, German,
# Italian and Dutch ("ene. 2020", "jan. de 2020", "janv. 2020", "März 2020", "gen 2020"), dots removed:
# one line of twelve per language and form.
_MONTH_NAMES = (
    "jan feb mar apr may jun jul aug sep oct nov dec",
    "jan feb mar apr may jun jul aug sept oct nov dec",
    "january february march april may june july august september october november december",
    "ene feb mar abr may jun jul ago sep oct nov dic",
    "enero febrero marzo abril mayo junio julio agosto setiembre octubre noviembre diciembre",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "jan fev mar abr mai jun jul ago set out nov dez",
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "janv févr mars avr mai juin juil août sept oct nov déc",
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "jan feb mär apr mai jun jul aug sep okt nov dez",
    "januar februar märz april mai juni juli august september oktober november dezember",
    "gen feb mar apr mag giu lug ago set ott nov dic",
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "jan feb mrt apr mei jun jul aug sep okt nov dec",
    "januari februari maart april mei juni juli augustus september oktober november december",
)
_MONTHS = {name: month for names in _MONTH_NAMES for month, name in enumerate(names.split(), start=1)}
_MONTH = r"(?:[^\W\d_]{3,10}\.?)"
_DATE = rf"(?:{_MONTH}\s+(?:de\s+)?)?\d{{4}}"
_DASH = r"\s*[-–—]\s*"
# "Present" as the end of a range, in the same languages.
_PRESENT_TEXT = (
    "present|now|actualidad|la actualidad|presente|hoy|o momento|momento|atual|aujourd’hui|aujourd'hui"
    "|heute|oggi|attuale|heden"
)
_PRESENT_WORDS = frozenset(_PRESENT_TEXT.split("|"))
_PRESENT = "|".join(re.escape(w) for w in sorted(_PRESENT_WORDS, key=len, reverse=True))
_DATE_RANGE_RE = re.compile(
    rf"^(?P<start>{_DATE})(?:{_DASH}(?P<end>{_DATE}|{_PRESENT}))?(?:\s*·.*)?$", re.IGNORECASE
)
_YEARS = r"(?:yrs?|años?|anos?|ans?|jahre?|anni|anno|jaar)"
_MONTHS_WORD = r"(?:mos?|meses|mes|mês|mois|monate?|mesi|mese|maanden|maand)"
_DURATION_RE = re.compile(
    rf"^(?:less than a year|menos de un año|menos de um ano|moins d.un an|weniger als ein jahr"
    rf"|meno di un anno|minder dan een jaar|\d+\s+{_YEARS}(?:\s+\d+\s+{_MONTHS_WORD})?|\d+\s+{_MONTHS_WORD})$",
    re.IGNORECASE,
)
_COUNT_RE = re.compile(r"^(?P<num>\d[\d,.]*)(?P<suffix>[KkMm])?(?P<plus>\+)?$")
_COUNT = r"\d{1,3}(?: \d{3})+|\d[\d,.]*[KkMm]?\+?"  # "1 234" is how French groups thousands
# "Más de 500 contactos", "Mehr als 500 Kontakte": the localized "500+".
_OVER = r"(?:más de|mais de|plus de|mehr als|oltre|meer dan)"
_CONNECTIONS = r"(?:connections?|contactos|conexiones|conexões|kontakte|relations|collegamenti|connecties)"
_FOLLOWERS = r"(?:followers?|seguidores|abonnés|abonnes|volgers)"
# Counts are read wherever a line shows them: "500+ connections", "500+connections" (two spans with no
# space between), "500+ connections · Contact info". Mutual connections are someone else's count.
CONNECTIONS_RE = re.compile(
    rf"(?:^|[\s·(])(?P<over>{_OVER}\s+)?(?P<count>{_COUNT})\s*{_CONNECTIONS}(?!\w)", re.IGNORECASE
)
FOLLOWERS_RE = re.compile(rf"(?:^|[\s·(])(?P<count>{_COUNT})\s*{_FOLLOWERS}(?!\w)", re.IGNORECASE)
BARE_COUNT_RE = re.compile(rf"^(?:{_OVER}\s+)?(?P<count>{_COUNT})$", re.IGNORECASE)
# A line that is nothing but counts ("500+ connections", "1,024 followers · 500+ connections", or the
# noun alone when the number sits in the element before): a headline may mention followers too.
_COUNT_PART_RE = re.compile(
    rf"^(?:{_OVER}\s+)?(?:(?:{_COUNT})\s*)?(?:{_CONNECTIONS}|{_FOLLOWERS})$|^(?:{_OVER}\s+)?(?:{_COUNT})$",
    re.IGNORECASE,
)
_MUTUAL_RE = re.compile(
    r"\bmutual\b|en com[uú]n|\bgemeinsame|en commun|em comum|in comune|gemeenschappelijke", re.IGNORECASE
)
SHOW_ALL_RE = re.compile(r"Show all\s+(?P<count>\d[\d,]*)\b", re.IGNORECASE)
# "1st" and its localized forms ("2º", "3°", "2e", "1er", "2.").
_DEGREE = r"(?:·\s*)?(?:1st|2nd|3rd\+?|\d+th|[123](?:º|°|er|e|\.)\+?)(?:\s+degree(?:\s+connection)?)?"
# Pronouns as members set them, in English and as localized accounts show them ("Ella", "Er/Ihm").
_PRONOUN = (
    r"(?:he|him|his|she|her|hers|they|them|theirs|ze|zir|xe|xem|xyr|any|all"
    r"|él|ella|elle|ellas|ellos|ele|ela|dele|dela|il|iel|lui|lei|er|ihm|ihn|sie|ihr|hij|zij|hem|haar|hen)"
)
_BADGE_RE = re.compile(
    rf"^(?:{_DEGREE}|\(?\s*{_PRONOUN}(?:\s*/\s*{_PRONOUN}){{1,2}}\s*\)?|\(\s*{_PRONOUN}\s*\)|él|ella|elle|iel|ele|ela|\(?\s*any pronouns\s*\)?"
    r"|Top Voice|Verified|Premium|Hiring|Open to work|Creator|Influencer|LinkedIn Top Voice)$",
    re.IGNORECASE,
)
_PRONOUNS = rf"{_PRONOUN}(?:\s*/\s*{_PRONOUN}){{1,2}}"
# A pronoun badge written inline after a name ("Ada Lovelace (She/Her)", "Ada Lovelace She/Her").
_NAME_BADGE_RE = re.compile(
    rf"^(?P<name>.*?\S)\s*(?:\(\s*(?:{_PRONOUNS}|{_PRONOUN})\s*\)|{_PRONOUNS}|·\s*{_DEGREE})$", re.I
)
# What a description line has and a place never does: sentence words (lowercase, not a connector
# such as "de" in "Comunidad de Madrid"), a sentence's end, a label, a link.
_PLACE_CONNECTORS = frozenset(
    ("de", "del", "la", "las", "los", "el", "da", "das", "do", "dos", "e", "y", "et", "of", "the", "and")
    + ("am", "an", "der", "im", "upon", "sur", "en", "di", "du", "des", "le", "les", "à", "aan", "van")
    + ("von", "bei")
)
_SENTENCE_END_RE = re.compile(r"[^\W\d_]{3,}[.!?]$")
_NOT_A_PLACE_RE = re.compile(r":\s|https?://|www\.|\.com\b|[•|]")
# Button and link labels that sit among a profile's lines but are never a value.
_INTERFACE_RE = re.compile(
    r"^(?:…|\.\.\.)?\s*(?:see more|see less|show more|show less|more|less)$"
    r"|^show all\b|^see all\b|^show (?:credential|project|publication)\b"
    r"|^(?:connect|message|follow|following|unfollow|pending|more|more actions|endorse|endorsed"
    r"|contact info|save|save in sales navigator|send inmail|visit website|view profile|open to"
    r"|add profile section|enhance profile|resources|·)$"
    # "Show all 6 experiences" on localized accounts (Spanish, Portuguese, French, Italian; German, Dutch).
    r"|^(?:mostrar|exibir|afficher|mostra)\s+(?:(?:tod[oa]s|tutt[ei]|l[oa]s|[ao]s|les|le|i)\s+)*\d[\d,.]*\s+\S"
    r"|^alle\s+\d[\d,.]*\s+.*\s(?:anzeigen|weergeven)$",
    re.IGNORECASE,
)
_WS_RE = re.compile(r"\s+")

EMPLOYMENT_TYPES = frozenset(
    t.lower()
    for t in (
        "Full-time",
        "Part-time",
        "Self-employed",
        "Freelance",
        "Contract",
        "Internship",
        "Apprenticeship",
        "Seasonal",
        "Temporary",
        "Volunteer",
        "Permanent",
        "Permanent Full-time",
        "Permanent Part-time",
        "Trainee",
        # The same on localized accounts (Spanish, Portuguese, French, German, Italian).
        "Jornada completa",
        "Jornada parcial",
        "Media jornada",
        "Autónomo",
        "Prácticas",
        "Voluntariado",
        "Tempo integral",
        "Meio período",
        "Autônomo",
        "Estágio",
        "Temps plein",
        "Temps partiel",
        "Indépendant",
        "Alternance",
        "Vollzeit",
        "Teilzeit",
        "Selbstständig",
        "Freiberuflich",
        "Praktikum",
        "Werkstudent",
        "A tempo pieno",
        "Lavoratore autonomo",
        "Libero professionista",
        "Tirocinio",
    )
)


def clean(text: str | None) -> str | None:
    """Collapse whitespace; an empty result is None."""
    if text is None:
        return None
    out = _WS_RE.sub(" ", text).strip()
    return out or None


def normalize_date(text: str) -> str | None:
    """'Jun 2019' -> '2019-06', '2014' -> '2014'; None when the month is not a month."""
    parts = [p for p in text.replace(".", "").split() if p.lower() != "de"]
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS.get(parts[0].lower())
    if month is None:
        return None
    return f"{parts[1]}-{month:02d}"


def parse_date_range(line: str) -> tuple[str | None, str | None, bool] | None:
    """A caption like 'Jun 2021 - Present · 4 yrs' -> (start, end, is_current), or None if not dates."""
    m = _DATE_RANGE_RE.match(line.strip())
    if not m:
        return None
    start = normalize_date(m["start"])
    if start is None:
        return None
    end_text = m["end"]
    if end_text is None:  # a single date ("May 2016 · 1 mo") is both start and end
        return start, start, False
    if end_text.lower() in _PRESENT_WORDS:
        return start, None, True
    end = normalize_date(end_text)
    if end is None:
        return None
    return start, end, False


def is_duration(line: str) -> bool:
    return bool(_DURATION_RE.match(line.strip()))


def is_employment_type(text: str) -> bool:
    return text.strip().lower() in EMPLOYMENT_TYPES


def is_badge(line: str) -> bool:
    """Connection degree, pronouns and badges that sit between the name and the headline."""
    return bool(_BADGE_RE.match(line.strip()))


def strip_name_badge(name: str | None) -> str | None:
    """'Ada Lovelace (She/Her)' -> 'Ada Lovelace': a badge written inline in the name's element."""
    if name is None:
        return None
    m = _NAME_BADGE_RE.match(name)
    return clean(m["name"]) if m else name


def is_place(line: str) -> bool:
    """Whether a line can be a location ("Valencia, España · Híbrido") rather than a description
    given as a plain line ("Built the billing data model."), which entries may show under dates."""
    # A workplace type may follow the place ("· En remoto", "· Hybrid"): the place alone is judged.
    words = re.findall(r"[^\W\d_][\w'’.-]*", line.split(" · ")[0])
    sentence_words = [w for w in words if w[0].islower() and w.lower() not in _PLACE_CONNECTORS]
    return (
        len(words) <= 10
        and len(sentence_words) <= 1
        and not _SENTENCE_END_RE.search(line)
        and not _NOT_A_PLACE_RE.search(line)
    )


def is_interface_text(line: str) -> bool:
    """A button or link label ("Show all 6 experiences", "…see more", "Connect"): never a value."""
    return bool(_INTERFACE_RE.match(line.strip()))


def is_mutual(line: str) -> bool:
    """A mutual-connections line ("Ana, Luis y 3 contactos en común"): someone else's count."""
    return _MUTUAL_RE.search(line) is not None


def connections_in(line: str) -> tuple[int, bool] | None:
    """(count, capped) when `line` states the profile's own connection count."""
    if is_mutual(line):
        return None
    m = CONNECTIONS_RE.search(line)
    if m is None or (count := parse_count(m["count"])) is None:
        return None
    return count[0], count[1] or m["over"] is not None


def is_count_line(line: str) -> bool:
    """Whether `line` states only counts (a headline such as "Helping 40K followers learn SQL" does not)."""
    parts = [p.strip() for p in line.split("·")]
    parts = [p for p in parts if p and not is_interface_text(p)]
    return bool(parts) and all(_COUNT_PART_RE.match(p) for p in parts)


def followers_in(line: str) -> int | None:
    if is_mutual(line):
        return None
    m = FOLLOWERS_RE.search(line)
    parsed = parse_count(m["count"]) if m else None
    return parsed[0] if parsed else None


def counts_in(lines: list[str]) -> tuple[tuple[int, bool] | None, int | None]:
    """The first (connections, capped) and followers stated by lines that hold only counts. A count
    and its noun can be two lines ("500+" in one element, "connections" in the next); a headline may
    mention followers ("Helping 40K followers …") and is not a count line."""
    connections: tuple[int, bool] | None = None
    followers: int | None = None
    for index, line in enumerate(lines):
        if BARE_COUNT_RE.match(line) and index + 1 < len(lines):
            line = f"{line} {lines[index + 1]}"
        if not is_count_line(line):
            continue
        connections = connections or connections_in(line)
        followers = followers if followers is not None else followers_in(line)
    return connections, followers


def parse_count(text: str) -> tuple[int, bool] | None:
    """'1,398,255' -> (1398255, False); '500+' -> (500, True); '12K' -> (12000, False)."""
    m = _COUNT_RE.match(text.strip().replace(" ", ""))
    if not m:
        return None
    num = m["num"].replace(",", "")
    suffix = (m["suffix"] or "").lower()
    try:
        value = float(num) if suffix else int(num.replace(".", ""))
    except ValueError:
        return None
    if suffix:
        value *= 1_000 if suffix == "k" else 1_000_000
    return int(value), bool(m["plus"])


def split_company_line(line: str) -> tuple[str | None, str | None]:
    """'Google · Full-time' -> ('Google', 'Full-time'); a line without a known type is all company."""
    parts = [p.strip() for p in line.split(" · ")]
    parts = [p for p in parts if p and not is_duration(p)]
    if not parts:
        return None, None
    if len(parts) > 1 and is_employment_type(parts[-1]):
        return clean(" · ".join(parts[:-1])), parts[-1]
    if len(parts) == 1 and is_employment_type(parts[0]):
        return None, parts[0]
    return clean(" · ".join(parts)), None


def strip_title_suffix(title: str) -> str | None:
    """'(1) Experience | Austin O'Boyle | LinkedIn' -> "Austin O'Boyle"."""
    text = re.sub(r"^\(\d+\+?\)\s*", "", title.strip())
    parts = [p.strip() for p in text.split(" | ")]
    if parts and parts[-1].lower() == "linkedin":
        parts = parts[:-1]
    if not parts:
        return None
    return clean(parts[-1])
