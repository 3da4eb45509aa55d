"""Company-name normalisation and scoring, one normaliser for every source and for the query.

Rules follow shared/sources/names_and_matching.md: unescape until stable, strip tags, fold accents and
case, punctuation to spaces, legal forms kept as a separate canonical token (never silently deleted),
and a fallback to the folded original when nothing else would be left.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

# Legal-form words across jurisdictions, mapped to one canonical token each. Only a trailing run of
# these is treated as a legal form ("KKR Traviata Co-Invest L.P." keeps "co" inside the name).
LEGAL_FORMS: dict[str, str] = {
    "inc": "inc",
    "incorporated": "inc",
    "corp": "corp",
    "corporation": "corp",
    "co": "co",
    "company": "co",
    "cos": "co",
    "companies": "co",
    "llc": "llc",
    "lc": "llc",
    "llp": "llp",
    "lllp": "lllp",
    "lp": "lp",
    "ltd": "ltd",
    "limited": "ltd",
    "plc": "plc",
    "pllc": "pllc",
    "pc": "pc",
    "pa": "pa",
    "gmbh": "gmbh",
    "mbh": "gmbh",
    "ag": "ag",
    "kg": "kg",
    "kgaa": "kgaa",
    "ohg": "ohg",
    "aktiengesellschaft": "ag",
    "ug": "ug",
    "se": "se",
    "sa": "sa",
    "sas": "sas",
    "sasu": "sas",
    "sarl": "sarl",
    "srl": "srl",
    "spa": "spa",
    "sapa": "sapa",
    "scsp": "scsp",
    "scs": "scs",
    "sca": "sca",
    "sl": "sl",
    "slu": "sl",
    "sau": "sa",
    "bv": "bv",
    "nv": "nv",
    "cv": "cv",
    "pty": "pty",
    "pvt": "pvt",
    "pte": "pte",
    "oy": "oy",
    "oyj": "oyj",
    "ab": "ab",
    "publ": "publ",
    "asa": "asa",
    "as": "as",
    "aps": "aps",
    "a/s": "as",
    "kk": "kk",
    "ulc": "ulc",
    "lda": "lda",
    "ltda": "ltda",
    "sro": "sro",
    "spzoo": "spzoo",
    "zrt": "zrt",
    "kft": "kft",
    "doo": "doo",
    "dac": "dac",
}
# Words that never identify a company on their own: used to avoid blocking on them.
GENERIC_WORDS = frozenset(
    "the and of group holdings holding capital partners international global fund management "
    "investments investment services systems technologies technology industries enterprises "
    "trust bank financial solutions america american us usa north south east west new groupe societe".split()
)

# Words that, following a query's words, name another legal person: a country subsidiary or an investment
# vehicle ("Shell UK", "Starboard Value and Opportunity Fund"). The leading-part rule does not cross them.
PREFIX_BLOCKERS = frozenset(
    "uk us usa america americas north europe european international global germany deutschland france japan china "
    "canada india australia italia italy espana spain nederland netherlands brasil brazil mexico asia pacific emea "
    "fund funds partners investors investment investments aggregator invest coinvest opportunity opportunities "
    "capital ventures".split()
)
_TAG = re.compile(r"<[^>]+>")
_SARL = re.compile(r"\bs\s?a\s?r\s?l\b")
_SPZOO = re.compile(r"\bsp\s?z\s?o\s?o\b")
_AMP_INNER = re.compile(r"(?<=\w)&(?=\w)")
_NONWORD = re.compile(r"[^\w]+")
_SPECIAL = str.maketrans({"æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})
# Legacy FTC residue that is not part of a company's name.
_RESIDUE = re.compile(r"\s+-\s+debtor-in-possession\s*$", re.I)


@dataclass(frozen=True, slots=True)
class NormalisedName:
    key: str  # the name without its legal form: what names are matched on
    legal_form: str  # canonical legal-form tokens, space separated ("" when none)
    # The key's distinct words as the name-token index holds them (cut to its column's 80 characters); made once
    # per name here, where the result is cached, rather than once per party stored.
    index_tokens: tuple[str, ...] = ()

    @property
    def tokens(self) -> list[str]:
        return self.key.split()


def clean_text(value: str) -> str:
    """Unescape entities until stable (``&amp;amp;``), strip tags, collapse whitespace."""
    if "&" in value or "<" in value:  # most names have neither: skip the unescape loop and the tag pattern
        prev = None
        while prev != value:
            prev, value = value, html.unescape(value)
        value = _TAG.sub(" ", value)
    return " ".join(value.split())


def fold(value: str) -> str:
    if value.isascii():  # nothing to decompose or translate: casefolding is all
        return value.casefold()
    value = value.casefold().translate(_SPECIAL)
    value = unicodedata.normalize("NFKD", value)
    return "".join(c for c in value if not unicodedata.combining(c))


# 16,384 names: the working set of a batch (a company recurs within a few pages); 262,144 held 25 MB more at the
# peak of a 30,000-notice ingest for no speed (benchmarks/bench_ingest.py).
@lru_cache(maxsize=1 << 14)
def normalise_name(name: str) -> NormalisedName:
    # The guards skip patterns that cannot match: most names have no "&", no " - " and no "z".
    text = clean_text(name)
    if " - " in text:
        text = _RESIDUE.sub("", text)
    text = fold(text).replace(".", "")  # "L.P." -> "lp", "S.à r.l." -> "sa rl"
    if "&" in text:
        text = _AMP_INNER.sub("", text)  # AT&T -> att
        text = text.replace("&", " and ")
    if not (text.isascii() and "  " not in text and text.replace(" ", "").isalnum()):  # else nothing to replace
        text = _NONWORD.sub(" ", text).replace("_", " ")
    if "rl" in text or "r l" in text:  # what _SARL needs to match (the only whitespace left is " ")
        text = _SARL.sub("sarl", text)
    if "z" in text:
        text = _SPZOO.sub("spzoo", text)
    tokens = text.split()
    if tokens and tokens[0] == "the" and len(tokens) > 1:
        tokens = tokens[1:]
    forms: list[str] = []
    # Peel the trailing run of legal-form words ("gmbh and co kgaa and co kg").
    while len(tokens) > 1:
        last = tokens[-1]
        if last in LEGAL_FORMS:
            canon = LEGAL_FORMS[last]
            if canon:
                forms.insert(0, canon)
            tokens.pop()
        elif last == "and" and forms:
            tokens.pop()
        else:
            break
    if tokens and tokens[-1] == "and":
        tokens.pop()
    key = " ".join(tokens)
    if not key:
        # Nothing but legal words ("Company Limited"): keep the folded original rather than nothing.
        key = " ".join(text.split()) or name.strip().casefold()
        words = index_tokens_of(key)
    else:  # index_tokens_of(key) without splitting the key again
        words = tuple(dict.fromkeys(tokens)) if len(key) <= 80 else index_tokens_of(key)
    return NormalisedName(key=key, legal_form=" ".join(forms), index_tokens=words)


def index_tokens_of(key: str) -> tuple[str, ...]:
    """A normalised name's words as the name index holds them: distinct, each cut to 80 characters. The store
    finds a party's entries again from its stored key (parties.norm) with this when the party changes."""
    if len(key) <= 80:  # no word to cut
        return tuple(dict.fromkeys(key.split()))
    return tuple({t[:80]: None for t in key.split()})


def blocking_tokens(key: str) -> list[str]:
    """Tokens worth looking up in the index: distinctive ones first, generic ones only as a last resort."""
    toks = [t for t in key.split() if len(t) >= 2]
    distinctive = [t for t in toks if t not in GENERIC_WORDS]
    return distinctive or toks


@dataclass(frozen=True, slots=True)
class NameMatch:
    score: float
    kind: str  # "exact", "alias", "fuzzy"
    reason: str


# Cut-offs: a token-sort ratio this high is a spelling variant; a full subset (token-set 100) needs a
# decent token-sort ratio as well so "America" does not match "Bank of America".
SORT_CUTOFF = 88.0
SUBSET_SORT_FLOOR = 70.0
MIN_FUZZY_LEN = 4
MIN_PREFIX_LEN = 3
_NUMBERING = re.compile(r"(?:[ivx]{1,5}|\d{1,4}|[a-z]\d?)")


_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def person_tokens(name: NormalisedName) -> list[str] | None:
    """The name's words when it reads as a natural person ("Carl C. Icahn", "Charles W. Ergen"): no legal form,
    two to four alphabetic words with a middle initial. Without the initial a two-word name may as well be a
    company, so only the initial (or a Jr./Sr. suffix) makes it a person here."""
    if name.legal_form:
        return None
    toks = name.key.split()
    core = toks[:-1] if toks and toks[-1] in _SUFFIXES else toks
    if not 3 <= len(core) <= 4 or not all(t.isalpha() for t in core) or len(core[0]) < 2 or len(core[-1]) < 2:
        return None
    if not any(len(t) == 1 for t in core[1:-1]) and core is toks:
        return None
    return core


def _person_match(query: list[str], person: list[str]) -> NameMatch | None:
    """A person matches by surname, or by first name and surname with or without middle initials or names;
    never by a first name alone, and never a company by a shared word."""
    first, surname, middles = person[0], person[-1], person[1:-1]
    q = [t for t in query if t not in _SUFFIXES]
    if q == [surname]:
        return NameMatch(85.0, "fuzzy", f"'{surname}' is the surname of the person '{' '.join(person)}'")
    if len(q) >= 2 and q[0] == first and q[-1] == surname:
        mid = q[1:-1]
        if all(any(m[0] == pm[0] for pm in middles) for m in mid) and len(mid) <= len(middles):
            return NameMatch(95.0, "fuzzy", f"first name and surname of '{' '.join(person)}' (middle names aside)")
    return None


# Words that lead a company's name in French prose ("groupe Transarc", "la société Kampexport") without being part
# of what it is called elsewhere: a name that differs from another by them alone is the same company.
LEADING_DESCRIPTORS = frozenset("groupe societe la le les l".split())


def _unled(tokens: list[str]) -> list[str]:
    i = 0
    while i < len(tokens) - 1 and tokens[i] in LEADING_DESCRIPTORS:
        i += 1
    return tokens[i:]


def score_names(query: NormalisedName, candidate: NormalisedName) -> NameMatch | None:
    q, c = query.key, candidate.key
    if not q or not c:
        return None
    if q != c:
        person = person_tokens(candidate)
        if person is not None:
            return _person_match(q.split(), person)
    if q == c:
        note = ""
        if query.legal_form and candidate.legal_form and query.legal_form != candidate.legal_form:
            note = f" (legal forms differ: {query.legal_form} / {candidate.legal_form})"
            return NameMatch(90.0, "exact", f"same name key '{q}'{note}")
        return NameMatch(100.0, "exact", f"same name key '{q}'")
    qt, ct = q.split(), c.split()
    if any(_NUMBERING.fullmatch(tok) for tok in set(qt) ^ set(ct)):
        return None  # "Fund IV" vs "Fund V", "Holdings" vs "Holdings II": numbered entities are distinct
    qs, cs = _unled(qt), _unled(ct)
    if (qs, cs) != (qt, ct) and qs and qs == cs:
        # "groupe Transarc", "la société Kampexport": the French decisions name a company with a descriptor first
        return NameMatch(95.0, "fuzzy", f"'{q}' and '{c}' differ only by a leading '{(ct if cs != ct else qt)[0]}'")
    if (
        len(q) >= MIN_PREFIX_LEN
        and len(qt) < len(ct)
        and ct[: len(qt)] == qt
        and not set(qt) <= GENERIC_WORDS
        and not set(ct[len(qt) :]) & PREFIX_BLOCKERS
    ):
        # The query is the leading words of the name ("Navitas" -> "Navitas Semiconductor"); a subset that
        # is not leading ("America" in "Bank of America") needs a high token-sort ratio instead.
        share = 100.0 * len(q) / len(c)
        return NameMatch(max(75.0, min(95.0, 60.0 + share)), "fuzzy", f"'{q}' is the leading part of '{c}'")
    if len(q) < MIN_FUZZY_LEN:
        return None
    sort = fuzz.token_sort_ratio(q, c)
    if sort >= SORT_CUTOFF and len(qt) == len(ct):  # a spelling variant keeps the number of words
        return NameMatch(sort, "fuzzy", f"fuzzy token-sort {sort:.0f} '{q}' ~ '{c}'")
    if (
        set(qt) <= set(ct)
        and sort >= SUBSET_SORT_FLOOR
        and not set(qt) <= GENERIC_WORDS
        and not (set(ct) - set(qt)) & PREFIX_BLOCKERS
    ):
        setr = fuzz.token_set_ratio(q, c)
        return NameMatch(min(setr, 95.0) * sort / 100, "fuzzy", f"all words of '{q}' in '{c}' (token-sort {sort:.0f})")
    return None
