"""Similar experiments ("Har andre prøvet det?"): those across the network most like a given one, and why.

`similar_experiments()` takes an experiment page or the values of an experiment being written in the admin and
ranks the experiments the user may read in one SQL query, from four kinds of evidence:

- provisions: the same provision sought (1.0), the same provision under another numbering (0.9, its lineage), or a
  provision of its family (0.6: "SEL § 140" and "SEL § 140, stk. 3"), as `provision_family()` sees them;
- target groups and service areas shared;
- text: the challenge, purpose, summary, target group description and learnings, as the 'danish' text search
  configuration stems them, compared as sets of lexemes weighted by how rare each is across the visible experiments
  (an IDF-weighted cosine), so "sygedagpengemodtagere" counts for more than "borger" or "plan".

Each structured kind scores the share of the source's features the candidate has, each feature weighted by its
rarity (a provision every experiment sought says little). The weighted sum ranks the candidates. Every visible
experiment is read once per call, so the cost grows with the network (a few hundred experiments: milliseconds).
"""

import dataclasses
import json
import re
from collections.abc import Iterable

from django.db import connection
from django.utils.translation import gettext as _

from core.text import plain_number
from experiments.models import ExperimentPage, Learning, Provision, ServiceArea, TargetGroup
from experiments.references import ReferenceError, parse_reference
from experiments.selectors import visible_experiments, with_municipality

# How much each kind of evidence weighs in the score; each part is between 0 and 1.
WEIGHTS = {"provisions": 0.35, "target_groups": 0.25, "service_areas": 0.1, "text": 1.0}
# Below this, a candidate shares too little to be worth showing.
MIN_SCORE = 0.08
# Strength of a provision match: the same one, the same renumbered, one of its family.
SAME, RENUMBERED, FAMILY = 1.0, 0.9, 0.6
# Shared words named in a reason, the rarest first.
REASON_WORDS = 4

WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)


@dataclasses.dataclass
class _Source:
    text: str = ""
    provisions: list = dataclasses.field(default_factory=list)  # (key, label, law key, paragraph, end, stk, nr)
    target_groups: dict = dataclasses.field(default_factory=dict)  # id -> name
    service_areas: dict = dataclasses.field(default_factory=dict)  # id -> name
    exclude: int | None = None


def similar_experiments(page_or_values, *, user, limit: int = 5) -> list[tuple[ExperimentPage, float, list[str]]]:
    """The `limit` experiments `user` may read that are most like `page_or_values`, best first, each as
    (experiment, score, reasons): reasons are short Danish phrases ("samme bestemmelse SEL § 140", "samme
    målgruppe: …", "lignende udfordring: …"). The experiment itself is left out.

    `page_or_values` is an ExperimentPage or a mapping with any of "title", "summary", "challenge", "purpose",
    "target_group_description" (text), "target_groups", "service_areas" (ids) and "provisions" (references as
    typed, e.g. "SEL § 140, stk. 3"), as the admin's form holds them. A constant number of queries.
    """
    catalogue = list(Provision.objects.select_related("law").prefetch_related("successors"))
    if isinstance(page_or_values, ExperimentPage):
        source = _source_of_page(page_or_values, catalogue)
    else:
        source = _source_of_values(page_or_values, catalogue)
    features = _source_features(source, catalogue)
    if not source.text.strip() and not features:
        return []
    rows = _ranked(source, features, user, limit)
    if not rows:
        return []
    experiments = with_municipality(ExperimentPage.objects.filter(pk__in=[row["id"] for row in rows]))
    by_id = {experiment.pk: experiment for experiment in experiments}
    words = _words_of_lexemes(source.text)
    provision_labels = {provision.pk: provision.reference_text for provision in catalogue}
    labels = {kind: {} for kind in "pts"}
    labels["p"] = {str(key): label for key, label, *_rest in source.provisions}
    labels["t"] = {str(pk): name for pk, name in source.target_groups.items()}
    labels["s"] = {str(pk): name for pk, name in source.service_areas.items()}
    similar = []
    for row in rows:
        experiment = by_id.get(row["id"])
        if experiment is None:
            continue
        experiment.municipality_title = (experiment.municipality_info or {}).get("title", "")
        reasons = _reasons(row, labels, provision_labels, words)
        similar.append((experiment, round(float(row["score"]), 3), reasons))
    return similar


def _source_of_page(page: ExperimentPage, catalogue: list[Provision]) -> _Source:
    by_pk = {provision.pk: provision for provision in catalogue}
    provisions = []
    for exemption in page.exemption_requests.all():
        provision = by_pk.get(exemption.provision_id)
        if provision is not None and all(key != provision.pk for key, *_rest in provisions):
            provisions.append(_provision_tuple(provision))
    # The page's relations work in memory too (modelcluster), so an unsaved page in a preview has its own values.
    texts = [page.title, page.summary, page.challenge, page.purpose, page.target_group_description]
    texts += [_learning_text(learning) for learning in page.learnings.all()]
    return _Source(
        text="\n".join(text for text in texts if text),
        provisions=provisions,
        target_groups={group.pk: group.name for group in page.target_groups.all()},
        service_areas={area.pk: area.name for area in page.service_areas.all()},
        exclude=page.pk,
    )


def _source_of_values(values, catalogue: list[Provision]) -> _Source:
    texts = [str(values.get(name) or "") for name in _TEXT_FIELDS]
    provisions = []
    for text in values.get("provisions") or ():
        try:
            reference = parse_reference(str(text))
        except ReferenceError:
            continue
        key = (reference.law, reference.paragraph, reference.paragraph_end, reference.stk, reference.nr)
        stored = next((p for p in catalogue if _provision_tuple(p)[2:] == key), None)
        # A provision not in the catalogue yet is matched by its family only, under a key no stored one has.
        entry = _provision_tuple(stored) if stored else (f"new{len(provisions)}", str(text).strip(), *key)
        if all(existing[2:] != entry[2:] for existing in provisions):
            provisions.append(entry)
    exclude = values.get("exclude")
    return _Source(
        text="\n".join(text for text in texts if text),
        provisions=provisions,
        target_groups=dict(
            TargetGroup.objects.filter(pk__in=_ids(values.get("target_groups"))).values_list("pk", "name")
        ),
        service_areas=dict(
            ServiceArea.objects.filter(pk__in=_ids(values.get("service_areas"))).values_list("pk", "name")
        ),
        exclude=int(exclude) if plain_number(str(exclude or ""), max_digits=9) else None,
    )


_TEXT_FIELDS = ("title", "summary", "challenge", "purpose", "target_group_description")


def _ids(values: Iterable | None) -> list[int]:
    return [int(value) for value in values or () if plain_number(str(value), max_digits=9)]


def _learning_text(learning: Learning) -> str:
    return "\n".join(getattr(learning, name) for name, _heading in Learning.SECTIONS if getattr(learning, name))


def _provision_tuple(provision: Provision) -> tuple:
    return (
        provision.pk,
        provision.reference_text,
        provision.law.key,
        provision.paragraph,
        provision.paragraph_end,
        provision.stk,
        provision.nr,
    )


def _lineages(catalogue: list[Provision]) -> dict[int, int]:
    """Each provision's lineage (renumbered from or to one another) as the smallest pk in it."""
    parent = {provision.pk: provision.pk for provision in catalogue}

    def root(pk):
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    for provision in catalogue:
        for successor in provision.successors.all():
            if successor.pk in parent:
                a, b = root(provision.pk), root(successor.pk)
                parent[max(a, b)] = min(a, b)
    return {pk: root(pk) for pk in parent}


def _covers(broad: tuple, narrow: tuple) -> bool:
    """True when provision `broad` (law key, paragraph, end, stk, nr) includes `narrow`, as "SEL § 140" includes
    "SEL § 140, stk. 3"."""
    law, paragraph, end, stk, nr = broad
    if (law, paragraph, end) != narrow[:3]:
        return False
    if stk is None:
        return True
    return stk == narrow[3] and (nr is None or nr == narrow[4])


def _source_features(source: _Source, catalogue: list[Provision]) -> list[tuple[str, str, int, float]]:
    """(kind, key, target id, strength) rows: which stored provisions, target groups and service areas count as a
    match for each of the source's, and how strongly."""
    lineage = _lineages(catalogue)
    members: dict[int, list[tuple]] = {}
    for provision in catalogue:
        members.setdefault(lineage[provision.pk], []).append(_provision_tuple(provision)[2:])
    features = []
    for key, _label, *reference in source.provisions:
        reference = tuple(reference)
        own_lineage = members.get(lineage.get(key), [reference]) if isinstance(key, int) else [reference]
        for provision in catalogue:
            candidate = _provision_tuple(provision)[2:]
            if provision.pk == key:
                strength = SAME
            elif isinstance(key, int) and lineage[provision.pk] == lineage[key]:
                strength = RENUMBERED
            elif any(_covers(member, candidate) or _covers(candidate, member) for member in own_lineage):
                strength = FAMILY
            else:
                continue
            features.append(("p", str(key), provision.pk, strength))
    features += [("t", str(pk), pk, 1.0) for pk in source.target_groups]
    features += [("s", str(pk), pk, 1.0) for pk in source.service_areas]
    return features


_RANKING_SQL = """
WITH cand AS (
    SELECT e.page_ptr_id AS id,
           to_tsvector('danish', concat_ws(' ', p.title, e.summary, e.challenge, e.purpose, e.target_group_description,
               (SELECT string_agg(concat_ws(' ', l.target_group, l.method, l.implementation, l.effect, l.economy,
                                            l.what_worked, l.what_did_not_work, l.preconditions,
                                            l.legislation_recommendation), ' ')
                  FROM experiments_learning l WHERE l.experiment_id = e.page_ptr_id))) AS doc
      FROM experiments_experimentpage e JOIN wagtailcore_page p ON p.id = e.page_ptr_id
     WHERE e.page_ptr_id IN ({visible}) AND e.page_ptr_id <> %s
),
total AS (SELECT count(*)::float8 AS n FROM cand),
cand_lexemes AS (SELECT DISTINCT c.id, l.lexeme FROM cand c, unnest(tsvector_to_array(c.doc)) AS l(lexeme)),
lexeme_idf AS (
    SELECT l.lexeme, ln((total.n + 1) / (count(*) + 0.5)) AS w,
           count(*) <= greatest(2, total.n / 4) AS rare
      FROM cand_lexemes l, total GROUP BY l.lexeme, total.n
),
source_lexemes AS (SELECT DISTINCT lexeme FROM unnest(tsvector_to_array(to_tsvector('danish', %s))) AS lexeme),
source_norm AS (
    SELECT sqrt(sum(coalesce(i.w, ln((total.n + 1) / 0.5)) ^ 2)) AS norm
      FROM source_lexemes s CROSS JOIN total LEFT JOIN lexeme_idf i USING (lexeme)
),
cand_norm AS (
    SELECT c.id, sqrt(sum(i.w ^ 2)) AS norm FROM cand_lexemes c JOIN lexeme_idf i USING (lexeme) GROUP BY c.id
),
text_score AS (
    SELECT c.id, sum(i.w ^ 2) / nullif(n.norm * s.norm, 0) AS score,
           (array_agg(c.lexeme ORDER BY i.w DESC, c.lexeme) FILTER (WHERE i.rare))[1:12] AS lexemes
      FROM cand_lexemes c JOIN source_lexemes USING (lexeme) JOIN lexeme_idf i USING (lexeme)
           JOIN cand_norm n ON n.id = c.id CROSS JOIN source_norm s
     GROUP BY c.id, n.norm, s.norm
),
source_features AS (
    SELECT * FROM unnest(%s::text[], %s::text[], %s::bigint[], %s::float8[]) AS f(kind, key, target, strength)
),
cand_features AS (
    SELECT r.experiment_id AS id, f.kind, f.key, max(f.strength) AS strength,
           (array_agg(r.provision_id ORDER BY f.strength DESC, r.provision_id))[1] AS matched
      FROM experiments_exemptionrequest r JOIN source_features f ON f.kind = 'p' AND f.target = r.provision_id
     WHERE r.experiment_id IN (SELECT id FROM cand)
     GROUP BY r.experiment_id, f.kind, f.key
    UNION ALL
    SELECT t.experimentpage_id, f.kind, f.key, f.strength, t.targetgroup_id
      FROM experiments_experimentpage_target_groups t
      JOIN source_features f ON f.kind = 't' AND f.target = t.targetgroup_id
     WHERE t.experimentpage_id IN (SELECT id FROM cand)
    UNION ALL
    SELECT a.experimentpage_id, f.kind, f.key, f.strength, a.servicearea_id
      FROM experiments_experimentpage_service_areas a
      JOIN source_features f ON f.kind = 's' AND f.target = a.servicearea_id
     WHERE a.experimentpage_id IN (SELECT id FROM cand)
),
feature_idf AS (
    SELECT c.kind, c.key, ln((total.n + 1) / (count(*) + 0.5)) AS w
      FROM cand_features c, total GROUP BY c.kind, c.key, total.n
),
source_mass AS (
    SELECT s.kind, sum(coalesce(i.w, ln((total.n + 1) / 0.5))) AS mass
      FROM (SELECT DISTINCT kind, key FROM source_features) s CROSS JOIN total LEFT JOIN feature_idf i USING (kind, key)
     GROUP BY s.kind
),
feature_score AS (
    SELECT c.id,
           sum(c.strength * i.w / m.mass) FILTER (WHERE c.kind = 'p') AS provisions,
           sum(c.strength * i.w / m.mass) FILTER (WHERE c.kind = 't') AS target_groups,
           sum(c.strength * i.w / m.mass) FILTER (WHERE c.kind = 's') AS service_areas,
           jsonb_agg(jsonb_build_object('kind', c.kind, 'key', c.key, 'strength', c.strength, 'matched', c.matched)
                     ORDER BY c.strength * i.w DESC, c.key) AS features
      FROM cand_features c JOIN feature_idf i USING (kind, key) JOIN source_mass m USING (kind)
     GROUP BY c.id
),
scored AS (
    SELECT coalesce(f.id, t.id) AS id,
           %s * coalesce(f.provisions, 0) + %s * coalesce(f.target_groups, 0)
             + %s * coalesce(f.service_areas, 0) + %s * coalesce(t.score, 0) AS score,
           coalesce(t.score, 0) AS text_score, coalesce(f.features, '[]'::jsonb) AS features,
           coalesce(t.lexemes, '{{}}') AS lexemes
      FROM feature_score f FULL JOIN text_score t ON t.id = f.id
)
SELECT id, score, text_score, features, lexemes FROM scored WHERE score >= %s ORDER BY score DESC, id LIMIT %s
"""


def _ranked(source: _Source, features: list, user, limit: int) -> list[dict]:
    visible_sql, visible_params = visible_experiments(user).values("pk").query.sql_with_params()
    kinds, keys, targets, strengths = (
        (list(column) for column in zip(*features, strict=True)) if features else ([],) * 4
    )
    params = [
        *visible_params,
        source.exclude or -1,
        source.text,
        kinds,
        keys,
        targets,
        strengths,
        WEIGHTS["provisions"],
        WEIGHTS["target_groups"],
        WEIGHTS["service_areas"],
        WEIGHTS["text"],
        MIN_SCORE,
        limit,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_RANKING_SQL.format(visible=visible_sql), params)
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _words_of_lexemes(text: str) -> dict[str, str]:
    """Each lexeme of `text` mapped to the first word in it that stems to it, to name shared words in reasons."""
    words = list(dict.fromkeys(word.lower() for word in WORD.findall(text)))
    if not words:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, tsvector_to_array(to_tsvector('danish', word)) FROM unnest(%s::text[]) AS word", [words]
        )
        stems = dict(cursor.fetchall())
    mapping = {}
    for word in words:
        for lexeme in stems.get(word) or ():
            mapping.setdefault(lexeme, word)
    return mapping


def _reasons(row: dict, labels: dict, provision_labels: dict, words: dict) -> list[str]:
    reasons = []
    groups, areas = [], []
    # Django registers no JSON loader on its raw connection: jsonb arrives as text.
    features = json.loads(row["features"]) if isinstance(row["features"], str) else row["features"]
    for feature in features:
        kind, key, strength = feature["kind"], feature["key"], feature["strength"]
        label = labels[kind].get(key, "")
        if kind == "p":
            matched = provision_labels.get(feature["matched"], "")
            if strength >= SAME:
                reasons.append(_("samme bestemmelse %(reference)s") % {"reference": label})
            elif strength >= RENUMBERED:
                reasons.append(
                    _("samme bestemmelse %(reference)s, omnummereret (%(other)s)")
                    % {"reference": label, "other": matched}
                )
            else:
                reasons.append(
                    _("beslægtet bestemmelse %(other)s (%(reference)s)") % {"reference": label, "other": matched}
                )
        elif kind == "t":
            groups.append(label)
        else:
            areas.append(label)
    if groups:
        reasons.append(_("samme målgruppe: %(names)s") % {"names": ", ".join(groups)})
    if areas:
        reasons.append(_("samme fagområde: %(names)s") % {"names": ", ".join(areas)})
    shared = [words[lexeme] for lexeme in row["lexemes"] if lexeme in words][:REASON_WORDS]
    if shared and row["text_score"] >= 0.05:
        reasons.append(_("lignende udfordring: %(words)s") % {"words": ", ".join(shared)})
    return reasons
