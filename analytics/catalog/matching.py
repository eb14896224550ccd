"""Which catalog exercise a logged name means: normalisation, resolution and suggestions.

Apps name the same lift in many ways ("Romanian Deadlift (Barbell)", "RDL", "Rumänisches
Kreuzheben", "romanian deadlifts"), so a name resolves in a fixed, deterministic order and
the first step that answers wins:

1. a user alias (keyed by :func:`normalise_name`) — the user has the last word;
2. an exact catalog alias or display name;
3. the normalised text (:func:`normalise_name`: Unicode NFKC, case-folded, accents and
   invisible characters removed, punctuation read as spaces; any script is kept);
4. the same words in any order, with plurals, joined words and abbreviations folded
   ("Pull Ups" = "Pull-Up", "DB Row" = "Dumbbell Row", "Curl (Dumbbell)" = "Dumbbell Curl");
5. those words without equipment words ("barbell", "cable", "rope", a machine's brand):
   the one catalog exercise named with them, or, when the logged name gives equipment,
   the one named with most of that equipment ("Chest Press, Leverage Machine"), else the
   one named with no equipment at all; never one named only with other equipment.

Anything else stays unmapped and may get a *suggestion* for the user to confirm. A
suggestion is precise or absent: it must name every movement and body word of the logged
name (a typo of one letter in a word the catalog knows is forgiven), and may differ only in
equipment and in words that qualify a lift without changing it (grip, stance, tempo). So a
leg extension is never suggested as a back extension, an adductor machine never as hip
abduction. When two exercises fit equally well there is no suggestion.

Every lookup here is a dictionary access on indexes built once from the catalog, and
results are cached per name, so thousands of unknown names cost milliseconds.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Apostrophes vanish ("Farmer's" = "Farmers"); every other non-word character is a space.
_APOSTROPHES = str.maketrans("", "", "'\u2019\u02bc\u0060\u00b4")
_NON_WORD = re.compile(r"[\W_]+")
_LATIN_MARKS = re.compile("[\u0300-\u036f]")

# Words that carry no meaning for which lift it was (English and the articles and
# prepositions of the apps' other languages: "Squat con Bilanciere", "Rudern am Kabel").
_STOP_WORDS = frozenset({
    "a", "an", "the", "with", "on", "of", "to", "for", "in", "at", "and", "w", "x", "each",
    "male", "female", "con", "al", "alla", "allo", "ai", "su", "da", "di", "del", "della",
    "delle", "il", "la", "le", "lo", "de", "du", "des", "avec", "au", "aux", "en", "el",
    "los", "las", "com", "do", "na", "no", "mit", "am", "auf", "der", "die",
    "das", "und",
})

# Spellings folded to one token before comparing word sets (after plural stripping).
_CANONICAL: dict[str, str] = {
    "db": "dumbbell", "dumbell": "dumbbell", "dumbel": "dumbbell", "bb": "barbell",
    "kb": "kettlebell", "kettle": "kettlebell", "barbel": "barbell", "ez": "ezbar",
    "bw": "bodyweight",
    "flye": "fly", "flie": "fly", "legged": "leg", "bicep": "biceps", "tricep": "triceps",
    "ab": "abs", "ham": "hamstring", "deltoid": "delt", "dl": "deadlift",
    "hyper": "hyperextension", "lever": "machine", "leverage": "machine",
    # equipment in the apps' other languages
    "bilanciere": "barbell", "asta": "barbell", "manubri": "dumbbell", "manubrio": "dumbbell",
    "cavo": "cable", "cavi": "cable", "macchina": "machine", "disco": "plate",
    "elastico": "band", "langhantel": "barbell", "kurzhantel": "dumbbell",
    "kurzhanteln": "dumbbell", "kabel": "cable", "maschine": "machine", "barre": "barbell",
    "haltere": "dumbbell", "halteres": "dumbbell", "halter": "dumbbell", "poulie": "cable",
    "mancuerna": "dumbbell", "mancuernas": "dumbbell", "polea": "cable", "maquina": "machine",
    "cabo": "cable", "barra": "barbell",
}
# Joined words split apart, so "Pullup", "Pull-Up" and "Pull Up" read alike.
_COMPOUNDS: dict[str, tuple[str, ...]] = {
    "pullup": ("pull", "up"), "chinup": ("chin", "up"), "pushup": ("push", "up"),
    "situp": ("sit", "up"), "stepup": ("step", "up"), "pulldown": ("pull", "down"),
    "pushdown": ("push", "down"), "pullups": ("pull", "up"), "chinups": ("chin", "up"),
    "pushups": ("push", "up"), "situps": ("sit", "up"), "stepups": ("step", "up"),
    "pulldowns": ("pull", "down"), "pushdowns": ("push", "down"),
    "skullcrusher": ("skull", "crusher"), "skullcrushers": ("skull", "crusher"),
    "kickback": ("kick", "back"), "kickbacks": ("kick", "back"), "pullover": ("pull", "over"),
    "pullovers": ("pull", "over"), "pullthrough": ("pull", "through"),
    "legpress": ("leg", "press"), "benchpress": ("bench", "press"),
    "hipthrust": ("hip", "thrust"), "facepull": ("face", "pull"),
}
# Word pairs read as one token ("Hammer Strength" is a machine maker, not a hammer curl).
_BIGRAMS: dict[tuple[str, str], str] = {
    ("dead", "lift"): "deadlift", ("hammer", "strength"): "hammerstrength",
    ("life", "fitness"): "lifefitness", ("free", "motion"): "freemotion",
    ("trap", "bar"): "trapbar", ("hex", "bar"): "trapbar", ("ez", "bar"): "ezbar",
    ("smith", "machine"): "smith", ("straight", "bar"): "straightbar",
    ("v", "bar"): "vbar", ("t", "bar"): "tbar", ("plate", "loaded"): "machine",
    ("resistance", "band"): "band", ("swiss", "ball"): "stabilityball",
    ("stability", "ball"): "stabilityball", ("exercise", "ball"): "stabilityball",
    ("medicine", "ball"): "medicineball", ("pec", "deck"): "pecdeck",
    ("iso", "lateral"): "isolateral", ("leverage", "machine"): "machine",
    ("each", "side"): "each",
}
# Words that name the tool that moved the load, not the movement. Dropping them is
# resolution step 5, and they never decide a suggestion.
EQUIPMENT_WORDS = frozenset({
    "barbell", "dumbbell", "kettlebell", "cable", "machine", "band", "banded", "smith",
    "bodyweight", "weighted", "plate", "loaded", "plateloaded", "ezbar", "bar",
    "straightbar", "vbar", "rope", "handle", "handles", "attachment", "lever", "leverage",
    "selectorized",
    "hammerstrength", "lifefitness", "freemotion", "technogym", "nautilus", "cybex",
    "precor", "panatta", "gym80", "pulley", "trx", "suspension", "stabilityball",
    "medicineball", "sandbag", "multipress",
})
# Words that qualify a lift without changing what it trains. A suggestion may differ in
# these (and in equipment), never in any other word.
MODIFIER_WORDS = frozenset({
    "wide", "close", "narrow", "neutral", "grip", "overhand", "underhand", "pronated",
    "supinated", "mixed", "paused", "pause", "tempo", "slow", "eccentric", "explosive",
    "bilateral", "both", "each", "heavy", "light", "medium", "variation", "version",
    "isolateral", "strict",
    "partial", "partials", "full", "rom", "1", "left", "right", "l", "r", "stance",
    "set", "sets", "rep", "reps", "warm", "warmup", "superset", "drop", "dropset",
})
# No plural stripping for these (their final s is not a plural).
_KEEP_S = frozenset({"press", "biceps", "triceps", "abs", "plus"})
# Plural body-part words read as the singular the catalog's aliases use.
_PLURALS = {"glutes": "glute", "lats": "lat", "quads": "quad", "delts": "delt",
            "traps": "trap", "pecs": "pec", "hamstrings": "hamstring", "calves": "calf",
            "obliques": "oblique", "abdominals": "abs", "bis": "biceps", "tris": "triceps"}

MIN_TYPO_LENGTH = 5

MATCHING_RULES = 2
"""The version of these rules: raise it with any change that can map a name differently
(stores then re-match their names on opening, see :func:`analytics.catalog.fingerprint`)."""
"""Words shorter than this are never typo-corrected ("row" is not "raw")."""


def normalise_name(name: str) -> str:
    """Canonical text of an exercise name, the key of every non-exact match and of user
    aliases.

    Unicode NFKC (full-width and compatibility forms become plain ones: ``（`` is ``(``),
    case-folded (``ß`` is ``ss``), Latin accents removed (``Élévation`` = ``elevation``),
    invisible format characters (BOM, zero-width space and joiners, word joiner, soft
    hyphen, direction marks) removed, ``&`` read as "and", apostrophes dropped and every
    other non-word character turned into a space. Letters of every script are kept, so a
    Japanese or Cyrillic name keeps a non-empty key.
    """
    if name.isascii():  # most names: nothing to normalise but case (and 30x faster)
        text = name.lower()
    else:
        text = unicodedata.normalize("NFKC", name)
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
        text = text.casefold()
        text = unicodedata.normalize(
            "NFC", _LATIN_MARKS.sub("", unicodedata.normalize("NFD", text)))
    text = text.replace("&", " and ").translate(_APOSTROPHES)
    return " ".join(_NON_WORD.sub(" ", text).split())


def _fold(word: str) -> str:
    """One word without its plural ending, in its canonical spelling."""
    if word in _PLURALS:
        return _PLURALS[word]
    if word not in _KEEP_S and len(word) > 2 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-2] if word.endswith(("ches", "shes", "xes")) else word[:-1]
    return _CANONICAL.get(word, word)


@functools.lru_cache(maxsize=65_536)
def tokens(name: str) -> tuple[str, ...]:
    """The name's words as compared in steps 4-5: normalised, stop words dropped, plurals
    and joined words folded, sorted (word order does not matter)."""
    words: list[str] = []
    for word in normalise_name(name).split():
        words.extend(_COMPOUNDS.get(word, (word,)))
    joined: list[str] = []
    index = 0
    while index < len(words):
        pair = (words[index], words[index + 1]) if index + 1 < len(words) else None
        if pair in _BIGRAMS:
            joined.append(_BIGRAMS[pair])  # type: ignore[index]
            index += 2
        else:
            joined.append(words[index])
            index += 1
    joined = [word for word in joined if word not in _STOP_WORDS]
    folded = (_fold(word) for word in joined)
    return tuple(sorted({word for word in folded if word}))


def _core(words: Iterable[str]) -> frozenset[str]:
    """The movement and body words of a token list: no equipment, no qualifiers."""
    return frozenset(w for w in words if w not in EQUIPMENT_WORDS and w not in MODIFIER_WORDS)


@dataclass(frozen=True)
class Label:
    """One catalog name (display name or alias) and the exercise it belongs to."""

    text: str
    exercise_id: str


class Index:
    """Lookup tables built once from the catalog's names (see the module docstring)."""

    def __init__(self, labels: Iterable[Label]) -> None:
        self.exact: dict[str, str] = {}
        self.normalised: dict[str, str] = {}
        token_ids: dict[tuple[str, ...], set[str]] = {}
        # words without equipment -> {exercise id: the equipment words its names use,
        # "" standing for a name that gives no equipment}
        self.by_core_name: dict[tuple[str, ...], dict[str, set[str]]] = {}
        # suggestion candidates: core words -> {exercise id: equipment + qualifier words}
        self.by_core: dict[frozenset[str], dict[str, list[frozenset[str]]]] = {}
        for label in labels:
            self.exact.setdefault(label.text, label.exercise_id)
            self.normalised.setdefault(normalise_name(label.text), label.exercise_id)
            words = tokens(label.text)
            token_ids.setdefault(words, set()).add(label.exercise_id)
            without_equipment = tuple(w for w in words if w not in EQUIPMENT_WORDS)
            used = {w for w in words if w in EQUIPMENT_WORDS} or {""}  # "" = a bare name
            self.by_core_name.setdefault(without_equipment, {}).setdefault(
                label.exercise_id, set()).update(used)
            core = _core(words)
            if core:
                extra = frozenset(words) - core
                self.by_core.setdefault(core, {}).setdefault(label.exercise_id, []).append(extra)
        self.by_tokens = {k: next(iter(v)) for k, v in token_ids.items() if k and len(v) == 1}
        self.vocabulary = frozenset(w for core in self.by_core for w in core)
        # equipment words each exercise's names use, to refuse a suggestion whose
        # equipment the exercise is never done with ("Skullcrusher (Cable)")
        self.equipment: dict[str, set[str]] = {}
        for variants in self.by_core.values():
            for exercise_id, extras in variants.items():
                self.equipment.setdefault(exercise_id, set()).update(
                    w for extra in extras for w in extra if w in EQUIPMENT_WORDS)
        # one-deletion neighbourhoods of every known word, for one-typo corrections
        self._deletions: dict[str, set[str]] = {}
        for word in self.vocabulary:
            if len(word) >= MIN_TYPO_LENGTH - 1:
                for variant in _deletions(word):
                    self._deletions.setdefault(variant, set()).add(word)

    def resolve(self, name: str) -> str | None:
        """Steps 2-5 of the module docstring for one name (no user aliases)."""
        found = self.exact.get(name) or self.normalised.get(normalise_name(name))
        if found:
            return found
        words = tokens(name)
        found = self.by_tokens.get(words)
        if found:
            return found
        candidates = self.by_core_name.get(tuple(w for w in words if w not in EQUIPMENT_WORDS))
        if not candidates:
            return None
        equipment = {w for w in words if w in EQUIPMENT_WORDS}
        if not equipment:
            return next(iter(candidates)) if len(candidates) == 1 else None
        # the equipment named decides: the one exercise named with the most of it, else
        # the one named without any; never an exercise named only with other equipment
        overlap = {i: len(equipment & used) for i, used in candidates.items()}
        best = max(overlap.values())
        fitting = [i for i, n in overlap.items() if n == best] if best else [
            i for i, used in candidates.items() if "" in used]
        return fitting[0] if len(fitting) == 1 else None

    @functools.lru_cache(maxsize=65_536)  # noqa: B019 - one index per process, kept for life
    def correct(self, word: str) -> str | None:
        """The one known word ``word`` is a single typo away from, else None.

        Known words are never changed; short words and words with several close known
        words are not corrected; the first letter must agree (people rarely mistype it).
        """
        if word in self.vocabulary:
            return word
        if len(word) < MIN_TYPO_LENGTH:
            return None
        near = set(self._deletions.get(word, ()))
        for variant in _deletions(word):
            near |= {w for w in (variant, *self._deletions.get(variant, ()))
                     if w in self.vocabulary}
        near = {w for w in near if w[0] == word[0] and _one_edit(word, w)}
        return next(iter(near)) if len(near) == 1 else None

    def suggest(self, name: str) -> tuple[str, float] | None:
        """The catalog exercise an unresolved name most probably is, with a score in (0, 1].

        The candidate must have exactly the name's movement and body words (after one-typo
        corrections); equipment and qualifier words may differ, except that equipment the
        exercise is never done with rules it out. Ties between exercises give no
        suggestion. The score is 1.0 for the same words, less per typo and per
        equipment or qualifier word that differs.
        """
        words = tokens(name)
        core_words = _core(words)
        if not core_words:
            return None
        corrected = {self.correct(word) for word in core_words}
        if None in corrected:
            return None
        typos = sum(1 for word in core_words if word not in self.vocabulary)
        candidates = self.by_core.get(frozenset(corrected))  # type: ignore[arg-type]
        if not candidates:
            return None
        extra = frozenset(words) - core_words
        named = extra & EQUIPMENT_WORDS
        scored: list[tuple[float, str]] = []
        for exercise_id, variants in candidates.items():
            known = self.equipment.get(exercise_id, set())
            if named and known and not named & known:
                continue
            best = max(_extra_score(extra, variant) for variant in variants)
            scored.append((best, exercise_id))
        scored.sort(reverse=True)
        if not scored:
            return None
        if len(scored) > 1 and scored[0][0] == scored[1][0]:
            return None
        score = scored[0][0] * 0.9**typos
        return scored[0][1], round(score, 3)


def _extra_score(query_extra: frozenset[str], label_extra: frozenset[str]) -> float:
    """How well two sets of equipment / qualifier words agree: 1.0 equal, lower per
    difference; conflicting equipment (dumbbell vs barbell) costs more than a missing one."""
    differ = query_extra ^ label_extra
    if not differ:
        return 1.0
    query_equipment = query_extra & EQUIPMENT_WORDS
    label_equipment = label_extra & EQUIPMENT_WORDS
    conflict = bool(query_equipment and label_equipment and query_equipment != label_equipment)
    return max(0.5, 0.95 - 0.05 * len(differ) - (0.15 if conflict else 0.0))


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` becomes ``b`` by one insertion, deletion, substitution or swap of
    two neighbouring letters."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (len(diff) == 2 and diff[1] == diff[0] + 1
                and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def resolve_with(index: Index, names: Iterable[str],
                 user_aliases: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """Map each distinct name to a catalog id (user aliases first), or None."""
    overrides = dict(user_aliases or {})
    resolved: dict[str, str | None] = {}
    for name in names:
        if name in resolved:
            continue
        resolved[name] = (overrides.get(normalise_name(name)) if overrides else None) or (
            index.resolve(name)
        )
    return resolved
