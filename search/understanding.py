"""Query understanding shared by both engines: what the words of a Danish search mean.

`understand(text)` turns the text of a search into clauses that must all match; each clause is a set of
alternatives, any of which may match:

- a § reference ("SEL § 140", "LAB §§ 27-30", "§ 140") becomes the provisions it names, with every provision it was
  renumbered from or to (LAB §§ 27–30 ↔ LAB § 40, stk. 1), plus the reference as a phrase for articles that
  only mention it;
- a law name or abbreviation ("serviceloven", "lov om social service", "SEL") becomes the law;
- the network's abbreviations (BUF, SSI, JU, …) expand to what they stand for, and the other way round;
- every other word is stemmed with PostgreSQL's Danish Snowball stemmer and matched as a prefix, plus the
  compounds of the corpus that end with it ("indsats" → "beskæftigelsesindsats"); a compound the corpus knows
  in parts also matches its parts ("sygedagpengemodtagere" → "sygedagpenge" and "modtagere").

Which laws, references and abbreviations there are is what the content apps registered (search/registry.py).

Words and phrases of the query that are terms of the network's thesaurus (search/thesaurus.py: "arbejdsløs",
"mistet sit job", "far") get the thesaurus's alternatives as weaker alternatives ("ledig", "kontanthjælp",
"forælder"): a page with them matches the clause, but ranks only by a second, lighter score
(`Understanding.alternatives_tsquery`), so pages with the words searched for come first. A term of several words
gives its alternatives to each of its words' clauses, which is the same as (all the words) OR (an alternative).

Words that are neither in the corpus nor stop words are offered a correction from the corpus's own words by
trigram similarity ("Mente du …?"). Corrections and compound expansions come only from words of pages the reader
may see (the lexicon counts each word's public pages apart, see search/models.py LexiconWord).

Nothing from the user ever reaches a tsquery as syntax: lexemes are words of letters and digits only, quoted by
`tsquery_lexeme`.
"""

import dataclasses
import re

from django.db import connection

from core.text import fold
from search import thesaurus
from search.registry import abbreviations, legal_vocabulary

TEXT_SEARCH_CONFIG = "danish"
MAX_CLAUSES = 24
MAX_EXPANSIONS = 12
MIN_PREFIX_LENGTH = 4
LINKERS = ("s", "e")

_TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)([^\W_]+)')


def tsquery_lexeme(lexeme: str, prefix: bool = False) -> str:
    """A lexeme as tsquery syntax: quoted, so even a lexeme with an operator in it could only be a word."""
    quoted = "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + (":*" if prefix else "")


@dataclasses.dataclass
class Clause:
    """One thing the user asked for; a document matches the clause if any alternative matches."""

    label: str
    words: list[str] = dataclasses.field(default_factory=list)  # lexemes, exact
    prefixes: list[str] = dataclasses.field(default_factory=list)  # lexemes, as prefixes
    all_of: list[tuple[str, ...]] = dataclasses.field(default_factory=list)  # parts of a compound
    phrases: list[tuple[str, ...]] = dataclasses.field(default_factory=list)  # lexemes in sequence
    provisions: list[int] = dataclasses.field(default_factory=list)
    laws: list[str] = dataclasses.field(default_factory=list)
    # The same alternatives as plain words, for engines that analyse text themselves (Elasticsearch).
    texts: list[str] = dataclasses.field(default_factory=list)
    negated: bool = False
    # The thesaurus's alternatives for this word or the phrase it is part of: they match, but rank lower.
    alternatives: list[thesaurus.Alternative] = dataclasses.field(default_factory=list)

    def tsquery(self, *, exact: bool = False, alternatives: bool = True) -> str:
        """The text alternatives as tsquery syntax; `exact` leaves out prefixes, compound expansions and the
        thesaurus's alternatives, `alternatives=False` only the thesaurus's."""
        parts = [tsquery_lexeme(word) for word in self.words[:1] if exact]
        if not exact:
            parts = [tsquery_lexeme(word) for word in self.words]
            parts += [tsquery_lexeme(word, prefix=True) for word in self.prefixes]
        parts += ["(" + " & ".join(tsquery_lexeme(p) for p in group) + ")" for group in self.all_of if group]
        parts += ["(" + " <-> ".join(tsquery_lexeme(p) for p in phrase) + ")" for phrase in self.phrases]
        if alternatives and not exact:
            parts += [alternative_tsquery(alternative) for alternative in self.alternatives]
        if not parts:
            return ""
        return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"


def alternative_tsquery(alternative: thesaurus.Alternative) -> str:
    """A thesaurus alternative as tsquery syntax: a word also as a prefix ("ledig" finds "ledighed"), a phrase in
    sequence."""
    if len(alternative.lexemes) == 1:
        lexeme = alternative.lexemes[0]
        return tsquery_lexeme(lexeme, prefix=len(lexeme) >= MIN_PREFIX_LENGTH)
    return "(" + " <-> ".join(tsquery_lexeme(p) for p in alternative.lexemes) + ")"


@dataclasses.dataclass
class Understanding:
    text: str
    clauses: list[Clause]
    # Words the corpus does not know, with the closest corpus word: {"sygedagpnge": "sygedagpenge"}.
    corrections: dict[str, str] = dataclasses.field(default_factory=dict)
    only_stop_words: bool = False

    @property
    def positive(self) -> list[Clause]:
        return [clause for clause in self.clauses if not clause.negated]

    @property
    def negative(self) -> list[Clause]:
        return [clause for clause in self.clauses if clause.negated]

    @property
    def is_empty(self) -> bool:
        return not self.positive

    @property
    def suggestion(self) -> str:
        """The query text with every unknown word replaced by its correction, or ""."""
        if not self.corrections:
            return ""

        def replace(match):
            word = match.group(0)
            return self.corrections.get(fold(word), word)

        return re.sub(r"[^\W_]+", replace, self.text)

    def match_tsquery(self) -> str:
        """Every positive text clause ANDed, negative ones excluded (for ranking and engines without facets)."""
        positive = [clause.tsquery() for clause in self.positive if clause.tsquery()]
        negative = ["!" + clause.tsquery() for clause in self.negative if clause.tsquery()]
        return " & ".join(positive + negative)

    def rank_tsquery(self, *, exact: bool = False) -> str:
        """Any of the text clauses: ts_rank scores how many and how well, also for clauses met by a provision.

        The thesaurus's alternatives are left out: they score apart, lower (`alternatives_tsquery`)."""
        parts = [clause.tsquery(exact=exact, alternatives=False) for clause in self.positive]
        return " | ".join(part for part in parts if part)

    def alternatives_tsquery(self) -> str:
        """Any of the thesaurus's alternatives of the positive clauses, for the second, lighter score."""
        parts = dict.fromkeys(alternative_tsquery(a) for clause in self.positive for a in clause.alternatives)
        return " | ".join(parts)

    @property
    def also_searched(self) -> list[str]:
        """The thesaurus's alternatives as the user reads them, once each: "Søgte også efter: forælder, familie"."""
        shown = {}
        for clause in self.positive:
            for alternative in clause.alternatives:
                shown.setdefault(fold(alternative.text), alternative.text)
        return list(shown.values())


def _stems(words: list[str]) -> dict[str, list[str]]:
    """Each word's Danish stems; an empty list for stop words."""
    if not words:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, ts_lexize('danish_stem', w) FROM unnest(%s::text[]) AS w",
            [words],
        )
        return {word: list(stems or []) for word, stems in cursor.fetchall()}


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _strip_linker(part: str) -> list[str]:
    return [part] + [part[: -len(linker)] for linker in LINKERS if part.endswith(linker) and len(part) > 4]


def _lexicon_filter(reader: bool) -> tuple[str, str]:
    """The lexicon's words the reader may learn of (a condition) and how often they occur (a column): network
    readers every indexed page's words, everyone else only those of public pages."""
    return ("frequency > 0", "frequency") if reader else ("public_frequency > 0", "public_frequency")


def _lexicon_expansions(stems: list[str], *, reader: bool) -> tuple[dict, dict, set]:
    """Compounds of the corpus ending with each stem, compound stems split into known parts, and the known stems;
    only from words of pages the reader may see."""
    stems = [stem for stem in dict.fromkeys(stems) if len(stem) >= MIN_PREFIX_LENGTH]
    visible, frequency = _lexicon_filter(reader)
    if not stems:
        return {}, {}, set()
    # The candidate parts of each stem read as a compound: head + (linker) + tail, both at least 4 letters.
    split_parts = {stem: [(stem[:i], stem[i:]) for i in range(4, len(stem) - 3)] for stem in stems if len(stem) >= 8}
    with connection.cursor() as cursor:
        # Corpus words with the stem inside, after a head of three letters or more: compounds ending with it.
        patterns = " OR ".join(["word LIKE %s"] * len(stems))
        cursor.execute(
            f"SELECT word, lexeme FROM search_lexiconword WHERE ({patterns}) AND {visible} "  # noqa: S608
            f"ORDER BY {frequency} DESC, word LIMIT 2000",
            ["_%" + _escape_like(stem) + "%" for stem in stems],
        )
        compounds = []  # (stem, head, tail, lexeme of the whole word)
        for word, lexeme in cursor.fetchall():
            for stem in stems:
                at = word.find(stem, 3)
                if at >= 3:
                    compounds.append((stem, word[:at], word[at:], lexeme))
        heads = set()
        for _stem, head, _tail, _lexeme in compounds:
            heads.update(_strip_linker(head))
        for parts in split_parts.values():
            for head, tail in parts:
                heads.add(head)
                heads.update(_strip_linker(head))
                heads.add(tail)
                if tail[0] in LINKERS:
                    heads.add(tail[1:])
        candidates = sorted(heads | set(stems))
        # The words we know, and the stem of each compound's tail read as a word of its own.
        cursor.execute(
            "SELECT 'known', word, lexeme FROM search_lexiconword "  # noqa: S608 (our own conditions)
            f"WHERE (word = ANY(%s) OR lexeme = ANY(%s)) AND {visible} "
            "UNION ALL SELECT 'tail', t, (ts_lexize('danish_stem', t))[1] FROM unnest(%s::text[]) AS t",
            [candidates, candidates, sorted({tail for _s, _h, tail, _l in compounds})],
        )
        known = set()
        tail_stems = {}
        for kind, word, lexeme in cursor.fetchall():
            if kind == "known":
                known.add(word)
                known.add(lexeme)
            else:
                tail_stems[word] = lexeme

    tails: dict[str, list[str]] = {stem: [] for stem in stems}
    for stem, head, tail, lexeme in compounds:
        # "beskæftigelses|indsatsen" ends with a form of "indsats"; "medborgerskab" does not end with "borger".
        # The Snowball stemmer is not consistent across forms (indsats → indsat, indsatsen → indsats): allow that.
        tail_stem = tail_stems.get(tail) or ""
        if not tail_stem.startswith(stem) or len(tail_stem) - len(stem) > 2 or lexeme in tails[stem] or lexeme == stem:
            continue
        # A head the corpus knows as a word, or one long enough not to be a chance beginning.
        plausible = any(part in known for part in _strip_linker(head)) or (len(head) >= 5 and len(stem) >= 5)
        if plausible and len(tails[stem]) < MAX_EXPANSIONS:
            tails[stem].append(lexeme)
    splits: dict[str, list[tuple[str, str]]] = {}
    for stem, parts in split_parts.items():
        found = []
        for head, tail in parts:
            tail_options = [tail] + ([tail[1:]] if tail[0] in LINKERS and len(tail) > 4 else [])
            head_ok = head in known
            tail_ok = next((t for t in tail_options if t in known), None)
            if head_ok and tail_ok:
                found.append((head, tail_ok))
        # The longest known head first: "sygedagpenge|modtagere" rather than "syge|dagpengemodtagere".
        splits[stem] = sorted(found, key=lambda pair: -len(pair[0]))[:2]
    known_stems = {stem for stem in stems if stem in known or tails.get(stem)}
    return tails, splits, known_stems


def _corrections(words: list[str], *, reader: bool) -> dict[str, str]:
    """The closest corpus word for each unknown word, by trigram similarity, from pages the reader may see."""
    if not words:
        return {}
    visible, frequency = _lexicon_filter(reader)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT u.w, s.word FROM unnest(%s::text[]) AS u(w)
            CROSS JOIN LATERAL (
                SELECT word, {frequency} AS frequency FROM (
                    -- found through the trigram index
                    SELECT word, {frequency} FROM search_lexiconword WHERE {visible} AND word <> u.w AND word %% u.w
                    UNION
                    -- short words share few trigrams ("plna" and "plan"): same first letter, lower bar; a branch of
                    -- its own, so that for a longer word it is skipped and the index alone answers
                    SELECT word, {frequency} FROM search_lexiconword
                    WHERE length(u.w) <= 6 AND {visible} AND word <> u.w AND left(word, 1) = left(u.w, 1)
                        AND similarity(word, u.w) >= 0.2
                ) AS candidates
                ORDER BY similarity(unaccent(word), unaccent(u.w)) DESC, frequency DESC, word
                LIMIT 1
            ) AS s
            """,  # noqa: S608 (our own conditions)
            [words],
        )
        return dict(cursor.fetchall())


def _abbreviation_phrases(known: dict[str, str], stems: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """Each abbreviation's expansion as a sequence of stems (stop words dropped)."""
    phrases = {}
    for abbreviation, text in known.items():
        phrase = []
        for word in re.findall(r"[^\W_]+", fold(text)):
            phrase += stems.get(word, [])[:1]
        phrases[abbreviation] = tuple(phrase)
    return phrases


def _law_clause(law, label: str, stems: dict) -> Clause:
    abbreviation = fold(law.abbreviation)
    words = [s for w in re.findall(r"[^\W_]+", abbreviation) for s in stems.get(w, [w])[:1]]
    clause = Clause(label=label, laws=[law.key], texts=[law.abbreviation, law.name])
    if len(words) == 1:
        clause.words.append(words[0])
    elif words:
        clause.phrases.append(tuple(words))
    return clause


def _add_thesaurus_alternatives(sequence: list[Clause | None], phrase_clauses: list[Clause]) -> None:
    """Give each run of word clauses that is a term of the thesaurus, and each quoted phrase that is one, the
    term's alternatives; one query for every run of up to MAX_TERM_WORDS words."""
    spans: dict[str, list[list[Clause]]] = {}
    for start in range(len(sequence)):
        run = []
        for clause in sequence[start : start + thesaurus.MAX_TERM_WORDS]:
            if clause is None:
                break
            run.append(clause)
            spans.setdefault(" ".join(c.words[0] for c in run), []).append(list(run))
    for clause in phrase_clauses:
        for phrase in clause.phrases:
            spans.setdefault(" ".join(phrase), []).append([clause])
    # A word that is no term itself may be a compound of terms ("flygtningefamilie"): its head and tail count.
    found = thesaurus.lookup(list(spans), compounds=[c.words[0] for c in sequence if c is not None])
    for key, alternatives in found.items():
        for run in spans[key]:
            own = {tuple(c.words[:1]) for c in run} | {tuple(p) for c in run for p in c.phrases}
            new = [alternative for alternative in alternatives if alternative.lexemes not in own]
            for clause in run:
                clause.alternatives += [a for a in new if a not in clause.alternatives]


def understand(text: str, *, reader: bool = False) -> Understanding:
    """Read the text of a search into clauses; one or a few SQL queries, whatever the text.

    Compound expansions and corrections come from the words of pages the reader may see: every indexed page for
    network readers (`reader`), public pages only for everyone else.
    """
    clauses: list[Clause] = []
    folded = fold(text)
    vocabulary = legal_vocabulary()
    known_abbreviations = abbreviations()

    # § references first, so that "SEL § 140" is not also read as the words "sel" and "140".
    remaining = folded
    for reference, (start, end) in reversed(vocabulary.find_references(folded)):
        provisions = vocabulary.resolve_provisions(reference)
        law_word = fold(reference.law) if reference.law else ""
        phrase = tuple(filter(None, [law_word, re.match(r"\d+", reference.paragraph).group()]))
        clause = Clause(label=str(reference), provisions=provisions or [0], phrases=[phrase], texts=[str(reference)])
        if reference.law:
            clause.laws = []  # the law alone is too broad for a paragraph
        clauses.insert(0, clause)
        remaining = remaining[:start] + " " + remaining[end:]

    tokens = []  # (negated, text, is_phrase)
    for match in _TOKEN.finditer(remaining):
        if match.group(2) is not None:
            tokens.append((bool(match.group(1)), match.group(2), True))
        else:
            tokens.append((bool(match.group(3)), match.group(4), False))

    plain = [t for t in tokens if not t[2]]
    words = sorted({w for _neg, t, _p in tokens for w in re.findall(r"[^\W_]+", t)})
    words = [w[:60] for w in words][:200]
    abbreviation_words = {fold(w) for text in known_abbreviations.values() for w in re.findall(r"[^\W_]+", text)}
    stems = _stems(sorted(set(words) | abbreviation_words))

    # Law names that span several words ("lov om social service") and single-word ones ("serviceloven", "SEL").
    consumed = set()
    for size in range(6, 0, -1):
        for i in range(len(plain) - size + 1):
            if any(j in consumed for j in range(i, i + size)) or any(plain[j][0] for j in range(i, i + size)):
                continue
            phrase = " ".join(plain[j][1] for j in range(i, i + size))
            law = vocabulary.find_law(phrase)
            if law is not None and not (size == 1 and phrase in known_abbreviations):
                consumed.update(range(i, i + size))
                clauses.append(_law_clause(law, phrase, stems))

    abbreviation_phrases = _abbreviation_phrases(known_abbreviations, stems)
    content_tokens = [t for i, t in enumerate(plain) if i not in consumed]
    content_stems = []
    # Expansions of abbreviations written out in the query ("særlig social indsats" → also "ssi").
    token_stems = [(stems.get(t[1]) or [""])[0] for t in content_tokens]
    expanded_spans = {}
    for abbreviation, phrase in abbreviation_phrases.items():
        n = len(phrase)
        for i in range(len(token_stems) - n + 1):
            if n > 1 and tuple(token_stems[i : i + n]) == phrase:
                expanded_spans[i] = (n, abbreviation)

    sequence: list[Clause | None] = []  # the query's word clauses in order; None where a sequence breaks
    i = 0
    while i < len(content_tokens):
        negated, word, _is_phrase = content_tokens[i]
        if i in expanded_spans:
            n, abbreviation = expanded_spans[i]
            clauses.append(
                Clause(
                    label=" ".join(t[1] for t in content_tokens[i : i + n]),
                    words=[abbreviation],
                    all_of=[abbreviation_phrases[abbreviation]],
                    texts=[abbreviation, known_abbreviations[abbreviation]],
                    negated=negated,
                )
            )
            sequence.append(None)
            i += n
            continue
        i += 1
        word_stems = stems.get(word[:60], [])
        if word in known_abbreviations:
            sequence.append(None)
            clauses.append(
                Clause(
                    label=word,
                    words=list(dict.fromkeys([word, *word_stems])),
                    all_of=[abbreviation_phrases[word]] if abbreviation_phrases[word] else [],
                    texts=[word, known_abbreviations[word]],
                    negated=negated,
                )
            )
            continue
        if not word_stems:
            continue  # a stop word
        stem = word_stems[0]
        content_stems.append(stem)
        clause = Clause(
            label=word,
            words=[stem],
            prefixes=[stem] if len(stem) >= MIN_PREFIX_LENGTH and not negated else [],
            texts=[word],
            negated=negated,
        )
        clauses.append(clause)
        sequence.append(clause if not negated else None)

    for negated, phrase_text, is_phrase in tokens:
        if not is_phrase:
            continue
        lexemes = tuple(s for w in re.findall(r"[^\W_]+", phrase_text) for s in stems.get(w[:60], [])[:1])
        if lexemes:
            clauses.append(Clause(label=phrase_text, phrases=[lexemes], texts=[phrase_text], negated=negated))

    phrase_clauses = [c for c in clauses if c.phrases and not c.provisions and not c.laws and not c.negated]
    _add_thesaurus_alternatives(sequence, phrase_clauses)
    clauses = clauses[:MAX_CLAUSES]
    tails, splits, known = _lexicon_expansions(content_stems, reader=reader)
    unknown = []
    for clause in clauses:
        if clause.negated or not clause.words or clause.provisions or clause.laws or not clause.prefixes:
            continue
        stem = clause.words[0]
        clause.words += [lexeme for lexeme in tails.get(stem, []) if lexeme not in clause.words]
        clause.all_of += splits.get(stem, [])
        if stem not in known and not stem.isdigit():
            unknown.append(clause.label)
    corrections = _corrections(unknown, reader=reader) if unknown else {}

    only_stop_words = bool(text.strip()) and not clauses
    return Understanding(text=text, clauses=clauses, corrections=corrections, only_stop_words=only_stop_words)
