"""`shibei bench address`: address parsing and matching — accuracy and speed.

Figures (last line of stdout, one flat JSON object):

- ``in_district_right`` / ``in_district_wrong``: over every address in the generated
  district's feeds (`shibei.synth.truth.iter_address_cases`), the share of those whose
  text identifies a house matched to that house, and the share of all addresses matched
  to a wrong house; ``confusion_<kind>_missed`` / ``_wrong`` per address noise kind.
- ``eval_entity_f1`` (conlleval, all labels), ``eval_label_accuracy`` (label → share),
  ``eval_label_f1``: the parser on ../shared/eval/address_dev.bio (or the file named by
  ``SHIBEI_ADDRESS_EVAL``), read at run time and never copied: it carries no licence.
- ``addresses_per_second``: parse + match of the in-district addresses through the batch
  entry point (`AddressMatcher.match_many`, which matches a repeated (text, hint) pair
  once: feeds repeat addresses), one process; ``unique_addresses_per_second``: one
  `match` call per distinct address (no repeat to save on — the honest per-address
  cost); ``per_call_addresses_per_second``: one `match` call per address, repeats
  included;
  ``parse_per_second`` on the eval addresses; ``cpca_addresses_per_second``: cpca's batch
  `transform` on the same in-district input, same run; and ID/USCC/phone/name rates.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shibei.progress import Progress
from shibei.standardize.address import STRUCTURAL_LABELS, parse_address

Spans = list[tuple[str, int, int]]  # label, start, end (token indices)


@dataclass(frozen=True, slots=True)
class BioAddress:
    tokens: tuple[str, ...]
    tags: tuple[str, ...]

    @property
    def text(self) -> str:
        return "".join(self.tokens)


def read_bio(path: Path) -> list[BioAddress]:
    """Addresses of a BIO file, tags lower-cased."""
    out: list[BioAddress] = []
    tokens: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if tokens:
                out.append(BioAddress(tuple(tokens), tuple(tags)))
                tokens, tags = [], []
            continue
        token, tag = line.rsplit(" ", 1)
        tokens.append(token)
        tags.append(tag.lower())
    if tokens:
        out.append(BioAddress(tuple(tokens), tuple(tags)))
    return out


def entities(tags: Sequence[str]) -> Spans:
    """Entities of a BIO sequence in the conlleval sense (an I- after another label starts
    a new entity)."""
    out: Spans = []
    label: str | None = None
    start = 0
    for i, tag in enumerate([*tags, "o"]):
        prefix, _, name = tag.partition("-")
        if label is not None and (prefix != "i" or name != label):
            out.append((label, start, i))
            label = None
        if prefix == "b" or (prefix == "i" and label is None):
            label, start = name, i
    return out


def predict_tags(address: BioAddress) -> list[str]:
    """BIO tags for the address's tokens from `parse_address` spans."""
    parsed = parse_address(address.text)
    char_label: list[tuple[str, int] | None] = [None] * len(address.text)
    for k, (label, start, end) in enumerate(parsed.original_spans()):
        for c in range(start, min(end, len(char_label))):
            if char_label[c] is None:
                char_label[c] = (label, k)
    tags: list[str] = []
    pos = 0
    prev: tuple[str, int] | None = None
    for token in address.tokens:
        cur = char_label[pos] if pos < len(char_label) else None
        if cur is None:
            tags.append("o")
        else:
            tags.append(("i-" if cur == prev else "b-") + cur[0])
        prev = cur
        pos += len(token)
    return tags


@dataclass(frozen=True, slots=True)
class EvalScore:
    entity_f1: float
    precision: float
    recall: float
    label_accuracy: dict[str, float]
    per_label_f1: dict[str, float]
    addresses: int


def score(
    addresses: Sequence[BioAddress],
    predict: Callable[[BioAddress], list[str]] = predict_tags,
) -> EvalScore:
    """Entity F1 (exact span and label, conlleval) over all labels, and per structural
    label the share of addresses with that label in gold whose predicted first entity of
    the label has the same text."""
    tp: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    acc_hit: Counter[str] = Counter()
    acc_n: Counter[str] = Counter()
    for address in addresses:
        gold = entities(address.tags)
        pred = entities(predict(address))
        gold_set, pred_set = set(gold), set(pred)
        for label, _, _ in gold:
            n_gold[label] += 1
        for label, _, _ in pred:
            n_pred[label] += 1
        for e in gold_set & pred_set:
            tp[e[0]] += 1
        for label in STRUCTURAL_LABELS:
            g = _first_text(address, gold, label)
            if g is None:
                continue
            acc_n[label] += 1
            if _first_text(address, pred, label) == g:
                acc_hit[label] += 1
    total_tp, total_gold, total_pred = sum(tp.values()), sum(n_gold.values()), sum(n_pred.values())
    precision = total_tp / total_pred if total_pred else 0.0
    recall = total_tp / total_gold if total_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    per_label = {}
    for label in sorted(n_gold):
        p = tp[label] / n_pred[label] if n_pred[label] else 0.0
        r = tp[label] / n_gold[label]
        per_label[label] = round(2 * p * r / (p + r), 4) if p + r else 0.0
    return EvalScore(
        entity_f1=round(100 * f1, 2),
        precision=round(100 * precision, 2),
        recall=round(100 * recall, 2),
        label_accuracy={k: round(acc_hit[k] / acc_n[k], 4) for k in STRUCTURAL_LABELS if acc_n[k]},
        per_label_f1=per_label,
        addresses=len(addresses),
    )


def _first_text(address: BioAddress, spans: Spans, label: str) -> str | None:
    for name, start, end in spans:
        if name == label:
            return "".join(address.tokens[start:end])
    return None


# -- the benchmark -------------------------------------------------------------------------


def eval_path() -> Path | None:
    """The eval file: $SHIBEI_ADDRESS_EVAL, else ../shared/eval/address_dev.bio beside the
    repository (or the working directory)."""
    named = os.environ.get("SHIBEI_ADDRESS_EVAL")
    if named:
        return Path(named)
    repo = Path(__file__).resolve().parents[3]
    for base in (repo, Path.cwd()):
        candidate = base.parent / "shared" / "eval" / "address_dev.bio"
        if candidate.exists():
            return candidate
    return None


def run(scale: float, progress: Progress) -> dict[str, Any]:
    figures: dict[str, Any] = {"scale": scale}
    figures |= _in_district(scale, progress)
    figures |= _eval(progress)
    figures |= _normalizer_speeds(progress)
    return figures


def _data_dir(scale: float, seed: int, progress: Progress) -> Path:
    from shibei.synth.generate import generate_district

    directory = Path(tempfile.gettempdir()) / f"shibei-bench-address-{scale}-{seed}"
    if not (directory / "feeds" / "manifest.json").exists():
        progress.log(f"生成参考辖区数据 {directory}")
        generate_district(directory, scale=scale, seed=seed, progress=progress)
    return directory


def _in_district(scale: float, progress: Progress) -> dict[str, Any]:
    from shibei.config import Settings
    from shibei.gazetteer import read_gazetteer
    from shibei.standardize.address_match import AddressMatcher
    from shibei.synth.truth import iter_address_cases

    data_dir = _data_dir(scale, Settings().seed, progress)
    matcher = AddressMatcher(read_gazetteer(data_dir / "gazetteer"))
    cases = list(iter_address_cases(data_dir))
    texts = [c.text for c in cases]
    hints = [c.street_hint for c in cases]
    matcher.match("山东省青岛市市北区")  # load the division table outside the timing
    step = progress.step("辖区地址匹配", total=len(cases))
    _clear_parse_caches()
    started = time.perf_counter()
    results = [m.house_code for m in matcher.match_many(texts, hints)]
    seconds = time.perf_counter() - started
    step.advance(len(cases))
    speeds = _per_call_speeds(matcher, texts, hints, progress)
    identifying = right = wrong = 0
    missed_by: Counter[str] = Counter()
    wrong_by: Counter[str] = Counter()
    total_by: Counter[str] = Counter()
    for case, got in zip(cases, results, strict=True):
        for kind in case.kinds:
            total_by[kind] += 1
        if case.identifies_house:
            identifying += 1
            right += got is not None and got == case.house_code
        if got is not None and got != case.house_code:
            wrong += 1
            wrong_by.update(case.kinds or {"none"})
        elif case.identifies_house and got is None:
            missed_by.update(case.kinds or {"none"})
    figures: dict[str, Any] = {
        "in_district_addresses": len(cases),
        "in_district_identifying": identifying,
        "in_district_right": round(right / identifying, 5) if identifying else None,
        "in_district_wrong": round(wrong / len(cases), 5) if cases else None,
        "in_district_right_count": right,
        "in_district_wrong_count": wrong,
        "addresses_per_second": round(len(cases) / seconds) if seconds else None,
        **speeds,
    }
    for kind in sorted(total_by):
        figures[f"confusion_{kind}_n"] = total_by[kind]
        figures[f"confusion_{kind}_missed"] = missed_by[kind]
        figures[f"confusion_{kind}_wrong"] = wrong_by[kind]
    figures["cpca_addresses_per_second"] = _cpca_speed([c.text for c in cases], progress)
    return figures


def _per_call_speeds(
    matcher: Any, texts: list[str], hints: list[str | None], progress: Progress
) -> dict[str, Any]:
    """`addresses_per_second` is the batch entry point, which matches a repeated (text,
    hint) once; these are one `match` call per address: over every address, and over
    the distinct ones only (what a feed without repeats would get)."""
    unique = list(dict.fromkeys(zip(texts, hints, strict=True)))
    progress.step("逐条匹配速度", total=len(texts) + len(unique))
    out: dict[str, Any] = {"in_district_unique_addresses": len(unique)}
    for key, pairs in (
        ("per_call_addresses_per_second", list(zip(texts, hints, strict=True))),
        ("unique_addresses_per_second", unique),
    ):
        _clear_parse_caches()  # each figure starts cold, like a fresh process
        started = time.perf_counter()
        for text, hint in pairs:
            matcher.match(text, street_hint=hint)
        seconds = time.perf_counter() - started
        out[key] = round(len(pairs) / seconds) if seconds else None
    return out


def _clear_parse_caches() -> None:
    from shibei.standardize import address_parse

    address_parse._HEAD_CACHE.clear()


def _cpca_speed(texts: list[str], progress: Progress) -> int | None:
    try:
        import cpca
    except ImportError:
        progress.log("cpca 未安装：跳过对比")
        return None
    cpca.transform(texts[:10])  # load its tables outside the timing
    progress.step("cpca 批量对比")
    started = time.perf_counter()
    cpca.transform(texts)
    seconds = time.perf_counter() - started
    return round(len(texts) / seconds) if seconds else None


def _eval(progress: Progress) -> dict[str, Any]:
    path = eval_path()
    if path is None or not path.exists():
        progress.log("没有找到 address_dev.bio：跳过公开数据评测")
        return {"eval_entity_f1": None, "eval_label_accuracy": None}
    addresses = read_bio(path)
    progress.step("公开地址数据评测", total=len(addresses))
    result = score(addresses)
    texts = [a.text for a in addresses]
    _clear_parse_caches()
    started = time.perf_counter()
    for text in texts:
        parse_address(text)
    seconds = time.perf_counter() - started
    return {
        "eval_addresses": result.addresses,
        "eval_entity_f1": result.entity_f1,
        "eval_precision": result.precision,
        "eval_recall": result.recall,
        "eval_label_accuracy": result.label_accuracy,
        "eval_label_f1": result.per_label_f1,
        "parse_per_second": round(len(texts) / seconds) if seconds else None,
    }


def _normalizer_speeds(progress: Progress) -> dict[str, Any]:
    from shibei.standardize.id_number import check_id_number, id_number_check_char
    from shibei.standardize.name import normalize_person_name, person_name_key
    from shibei.standardize.phone import normalize_phone
    from shibei.standardize.uscc import check_uscc, organization_code_check_char, uscc_check_char

    progress.step("证件、电话、姓名规范化速度")
    n = 20000
    ids = []
    for i in range(n):
        first17 = f"370203{1950 + i % 50}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
        ids.append(first17 + id_number_check_char(first17))
    usccs = []
    for i in range(n):
        org = f"MA{i:06d}"
        head = "91370203" + org + organization_code_check_char(org)
        usccs.append(head + uscc_check_char(head))
    phones = [f"138{i:08d}" if i % 2 else f"0532-8{i:07d}" for i in range(n)]
    names = [("张王李赵刘陈"[i % 6] + "小明华丽伟芳"[i // 6 % 6] + "先生" * (i % 3 == 0))
             for i in range(n)]  # fmt: skip
    figures: dict[str, Any] = {}
    for key, func, values in (
        ("id_numbers_per_second", check_id_number, ids),
        ("usccs_per_second", check_uscc, usccs),
        ("phones_per_second", normalize_phone, phones),
        ("person_names_per_second", normalize_person_name, names),
        ("person_name_keys_per_second", person_name_key, names),
    ):
        started = time.perf_counter()
        for value in values:
            func(value)
        figures[key] = round(len(values) / (time.perf_counter() - started))
    return figures
