"""Accuracy of person links against a truth mapping (for benchmarks; resolution itself
never reads truth).

Pairwise: precision = true pairs found / pairs predicted, recall = true pairs found /
true pairs, over all mention pairs put in one person. B-cubed: per mention, the share of
its predicted cluster that truly belongs with it (precision) and the share of its true
cluster that was found with it (recall), averaged over mentions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from math import comb
from typing import Any


def _links(links_table: Any) -> list[tuple[str, str]]:
    if hasattr(links_table, "column"):  # a pyarrow Table with mention_id, person_id
        ids = links_table.column("mention_id").to_pylist()
        key = "person_id" if "person_id" in links_table.column_names else "cluster_id"
        people = links_table.column(key).to_pylist()
        return [(str(m), str(p)) for m, p in zip(ids, people, strict=True)]
    return [(str(m), str(p)) for m, p in links_table]


def evaluate_person_links(
    links_table: Any | Iterable[tuple[str, str]], truth: Mapping[str, str]
) -> dict[str, float | int]:
    """Pairwise and B-cubed precision/recall/F1, and the share of true persons whose
    mentions form exactly one predicted cluster. Only mentions present in both `links_table`
    (a table with `mention_id`, `person_id`, or (mention_id, cluster) pairs) and `truth`
    (mention_id → true person id) count.

    >>> links = [("a", "1"), ("b", "1"), ("c", "2")]
    >>> evaluate_person_links(links, {"a": "x", "b": "x", "c": "y"})["f1"]
    1.0
    """
    pairs = [(m, p, truth[m]) for m, p in _links(links_table) if m in truth]
    cell = Counter((p, t) for _, p, t in pairs)
    predicted = Counter(p for _, p, _ in pairs)
    true = Counter(t for _, _, t in pairs)
    tp = sum(comb(n, 2) for n in cell.values())
    pred_pairs = sum(comb(n, 2) for n in predicted.values())
    true_pairs = sum(comb(n, 2) for n in true.values())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    n = len(pairs)
    b_precision = sum(c * c / predicted[p] for (p, _), c in cell.items()) / n if n else 1.0
    b_recall = sum(c * c / true[t] for (_, t), c in cell.items()) / n if n else 1.0
    clusters_of_true: Counter[str] = Counter(t for (_, t) in cell)
    exact = sum(1 for (p, t), c in cell.items() if clusters_of_true[t] == 1 and predicted[p] == c)
    return {
        "mentions": n,
        "true_persons": len(true),
        "predicted_persons": len(predicted),
        "true_pairs": true_pairs,
        "predicted_pairs": pred_pairs,
        "true_positive_pairs": tp,
        "precision": round(precision, 6),
        "recall": round(recall, 6),
        "f1": round(_f1(precision, recall), 6),
        "bcubed_precision": round(b_precision, 6),
        "bcubed_recall": round(b_recall, 6),
        "bcubed_f1": round(_f1(b_precision, b_recall), 6),
        "exact_cluster_share": round(exact / len(true), 6) if true else 1.0,
    }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


EVIDENCE_FIELDS = ("id_number_std", "phone_std", "house_code", "address_code", "birth_date")
"""Fields of a person mention that are evidence on their own when two mentions share them
(`missed_pairs_without_evidence`)."""


def missed_pairs_without_evidence(
    mentions: Iterable[Mapping[str, Any]],
    truth: Mapping[str, str],
    links_table: Any | Iterable[tuple[str, str]],
) -> dict[str, float | int]:
    """How many of the true pairs the links missed had nothing to link them: mentions of
    one true person are *linkable* when a chain of shared evidence joins them — a valid ID
    number, the first 17 characters of an 18-character number as written, a phone, house,
    address or birth date (`EVIDENCE_FIELDS`), or a name (as written or its pinyin key)
    that no other true person's mention carries. A generous test: a linker needs more
    than one shared field. Pairs left in different evidence components are
    `missed_pairs_without_evidence`; `share` is their part of `missed_pairs`.

    `mentions`: dicts with `mention_id`, `name_std`, `name_key`, `id_number_raw` and the
    evidence fields; only those in `truth` and `links_table` count."""
    clusters = dict(_links(links_table))
    rows = [m for m in mentions if m["mention_id"] in truth and m["mention_id"] in clusters]
    holders: dict[tuple[str, str], set[str]] = {}
    for m in rows:
        for field in ("name_std", "name_key"):
            if m.get(field):
                holders.setdefault((field, m[field]), set()).add(truth[m["mention_id"]])
    by_person: dict[str, list[Mapping[str, Any]]] = {}
    for m in rows:
        by_person.setdefault(truth[m["mention_id"]], []).append(m)
    missed = unlinkable = 0
    for people in by_person.values():
        predicted = [clusters[m["mention_id"]] for m in people]
        if len(set(predicted)) == 1:
            continue  # nothing missed
        component = _evidence_components(people, holders)
        both = Counter(zip(component, predicted, strict=True))
        pairs = comb(len(people), 2)
        same_pred = sum(comb(n, 2) for n in Counter(predicted).values())
        same_evidence = sum(comb(n, 2) for n in Counter(component).values())
        missed += pairs - same_pred
        unlinkable += pairs - same_pred - same_evidence + sum(comb(n, 2) for n in both.values())
    return {
        "missed_pairs": missed,
        "missed_pairs_without_evidence": unlinkable,
        "share": round(unlinkable / missed, 6) if missed else 0.0,
    }


def _evidence_components(
    people: list[Mapping[str, Any]], holders: Mapping[tuple[str, str], set[str]]
) -> list[int]:
    """Component index of each mention of one true person under shared evidence."""
    parent = list(range(len(people)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, Any], int] = {}
    for i, m in enumerate(people):
        keys: list[tuple[str, Any]] = [(f, m[f]) for f in EVIDENCE_FIELDS if m.get(f)]
        for number in (m.get("id_number_std"), m.get("id_number_raw")):
            digits = "".join(c for c in str(number or "") if c.isalnum()).upper()
            if len(digits) == 18:
                keys.append(("id_body", digits[:17]))
        keys += [
            (f, m[f]) for f in ("name_std", "name_key") if m.get(f) and len(holders[(f, m[f])]) == 1
        ]
        for key in keys:
            if key in first:
                parent[find(i)] = find(first[key])
            else:
                first[key] = i
    return [find(i) for i in range(len(people))]
