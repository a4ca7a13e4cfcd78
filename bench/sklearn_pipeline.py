#!/usr/bin/env python3
"""The pipeline a user would otherwise write with scikit-learn, doing the same job as
`stance` for the benchmark in scripts/bench-throughput:

- paragraphs: blank-line separated (each non-blank line when there is no blank line);
- actors: one regular expression over the aliases of models/actors.csv (longest alias
  first, `ignore` rows block their phrase), lower-case aliases also match capitalised;
- per (paragraph, actor) pair: the actor's mentions become `@actor`, others `@other`,
  lower-cased, \\w+ tokens, NLTK Snowball stems (memoised, as anyone would), unigrams and
  bigrams, TfidfVectorizer(min_df=2, sublinear_tf=True), multinomial LogisticRegression;
- C chosen from {0.3, 1, 3} by 5-fold grouped cross-validation (stance's default does the
  same with its alphas), one model per task (stance, sentiment);
- classify: JSON lines, per article and actor the mean probabilities over paragraphs.

  sklearn_pipeline.py train --data training-data --out m.pkl [--no-cv]
  sklearn_pipeline.py train --flat rows.csv --out m.pkl [--no-cv]
  sklearn_pipeline.py classify --model m.pkl corpus.jsonl > out.jsonl
  sklearn_pipeline.py evaluate --model m.pkl --data training-data/test
"""
import argparse
import csv
import functools
import json
import os
import pickle
import re
import sys
import time

import numpy as np
from nltk.stem.snowball import SnowballStemmer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GroupKFold

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STANCE = ["favor", "against", "neutral"]
SENTIMENT = ["positive", "negative", "neutral"]
_stem = functools.lru_cache(maxsize=None)(SnowballStemmer("english").stem)
WORD = re.compile(r"@actor|@other|\w+")


def paragraphs(text):
    lines = re.split(r"\r\n|\r|\n", text)
    nonblank = [i for i, l in enumerate(lines) if l.strip()]
    if not nonblank:
        return []
    inner = lines[nonblank[0]: nonblank[-1] + 1]
    if any(not l.strip() for l in inner):
        return [p.strip() for p in re.split(r"(?:\r\n|\r|\n)[ \t]*(?:\r\n|\r|\n)", text) if p.strip()]
    return [l.strip() for l in lines if l.strip()]


class Matcher:
    def __init__(self, path=os.path.join(ROOT, "models", "actors.csv")):
        pats = []
        self.actor_of = {}
        with open(path, encoding="utf-8") as f:
            for r in csv.DictReader(f):
                alias, actor = r["alias"].strip(), r["actor"].strip()
                forms = {alias}
                if alias[:1].islower():
                    forms.add(alias[:1].upper() + alias[1:])
                for form in forms:
                    self.actor_of[form] = None if r.get("kind") == "ignore" else actor
                    pats.append(form)
        pats.sort(key=len, reverse=True)
        self.rx = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in pats) + r")(?!\w)")

    def mentions(self, text):
        out = []
        for m in self.rx.finditer(text):
            actor = self.actor_of.get(m.group(0))
            if actor is not None:
                out.append((m.start(), m.end(), actor))
        return out


def tokens(text, mentions, target):
    parts, pos = [], 0
    for s, e, a in mentions:
        parts.append(text[pos:s])
        parts.append(" @actor " if a == target else " @other ")
        pos = e
    parts.append(text[pos:])
    return [_stem(w) if w[0] != "@" else w for w in WORD.findall("".join(parts).lower())]


def identity(x):
    return x


def read_corpus(folder):
    texts = {}
    art = os.path.join(folder, "articles")
    for name in sorted(os.listdir(art)):
        if name.endswith(".txt"):
            with open(os.path.join(art, name), encoding="utf-8") as f:
                texts[name[:-4]] = paragraphs(f.read())
    rows = []
    with open(os.path.join(folder, "labels.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["paragraph"].strip():
                rows.append((r["article"], r["actor"], texts[r["article"]][int(r["paragraph"]) - 1],
                             r["stance"], r["sentiment"]))
    return rows


def read_flat(path):
    with open(path, encoding="utf-8") as f:
        return [(r["id"], r["actor"], r["text"], r["stance"], r["sentiment"]) for r in csv.DictReader(f)]


def featurize(rows, matcher):
    return [tokens(text, matcher.mentions(text), actor) for _, actor, text, _, _ in rows]


def fit_task(docs, y, groups, cv):
    def fit(c, d, yy):
        vec = TfidfVectorizer(analyzer=identity, min_df=2, sublinear_tf=True)
        # the analyzer gets token lists: build the n-grams here, as TfidfVectorizer would
        x = vec.fit_transform([ngrams(t) for t in d])
        return vec, LogisticRegression(C=c, max_iter=2000).fit(x, yy)

    best_c = 1.0
    if cv:
        scores = {}
        for c in (0.3, 1.0, 3.0):
            pred = np.empty(len(y), dtype=object)
            for tr, te in GroupKFold(n_splits=5).split(docs, y, groups):
                vec, m = fit(c, [docs[i] for i in tr], [y[i] for i in tr])
                pred[te] = m.predict(vec.transform([ngrams(docs[i]) for i in te]))
            scores[c] = f1_score(y, list(pred), average="macro")
        best_c = max(scores, key=lambda c: (scores[c], -c))
        print("  5-fold grouped CV macro-F1 by C: " + ", ".join(f"{c}: {s:.3f}" for c, s in scores.items()), file=sys.stderr)
    return fit(best_c, docs, y), best_c


def ngrams(toks):
    return toks + [a + " " + b for a, b in zip(toks, toks[1:])]


def cmd_train(a):
    t0 = time.perf_counter()
    rows = read_corpus(a.data) if a.data else read_flat(a.flat)
    matcher = Matcher()
    docs = featurize(rows, matcher)
    groups = [r[0] for r in rows]
    model = {}
    for task, col in (("stance", 3), ("sentiment", 4)):
        (vec, clf), c = fit_task(docs, [r[col] for r in rows], groups, not a.no_cv)
        model[task] = (vec, clf)
        print(f"{task}: {len(rows)} rows, C={c}", file=sys.stderr)
    with open(a.out, "wb") as f:
        pickle.dump(model, f)
    print(f"trained in {time.perf_counter() - t0:.2f} s", file=sys.stderr)


def cmd_classify(a):
    with open(a.model, "rb") as f:
        model = pickle.load(f)
    matcher = Matcher()
    out = sys.stdout
    src = sys.stdin if a.input == "-" else open(a.input, encoding="utf-8")
    for line in src:
        if not line.strip():
            continue
        art = json.loads(line)
        pairs = []
        for p in paragraphs(art["text"]):
            ms = matcher.mentions(p)
            for actor in sorted({m[2] for m in ms}):
                pairs.append((actor, tokens(p, ms, actor)))
        actors = {}
        if pairs:
            probs = {}
            for task in ("stance", "sentiment"):
                vec, clf = model[task]
                probs[task] = (clf.classes_, clf.predict_proba(vec.transform([ngrams(t) for _, t in pairs])))
            for i, (actor, _) in enumerate(pairs):
                d = actors.setdefault(actor, {"n": 0, "stance": 0, "sentiment": 0})
                d["n"] += 1
                d["stance"] = d["stance"] + probs["stance"][1][i]
                d["sentiment"] = d["sentiment"] + probs["sentiment"][1][i]
        rep = []
        for actor, d in actors.items():
            row = {"actor": actor}
            for task in ("stance", "sentiment"):
                classes, _ = probs[task]
                mean = d[task] / d["n"]
                row[task] = str(classes[int(np.argmax(mean))])
                row[task + "_probabilities"] = {str(c): float(p) for c, p in zip(classes, mean)}
            rep.append(row)
        out.write(json.dumps({"article": art["id"], "actors": rep}) + "\n")


def cmd_evaluate(a):
    with open(a.model, "rb") as f:
        model = pickle.load(f)
    rows = read_corpus(a.data)
    docs = featurize(rows, Matcher())
    res = {}
    for task, col in (("stance", 3), ("sentiment", 4)):
        vec, clf = model[task]
        pred = clf.predict(vec.transform([ngrams(t) for t in docs]))
        gold = [r[col] for r in rows]
        res[task] = {"macro_f1": f1_score(gold, pred, average="macro"), "accuracy": accuracy_score(gold, pred)}
    print(json.dumps(res))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    g = t.add_mutually_exclusive_group(required=True)
    g.add_argument("--data")
    g.add_argument("--flat")
    t.add_argument("--out", required=True)
    t.add_argument("--no-cv", action="store_true")
    c = sub.add_parser("classify")
    c.add_argument("--model", required=True)
    c.add_argument("input")
    e = sub.add_parser("evaluate")
    e.add_argument("--model", required=True)
    e.add_argument("--data", required=True)
    a = ap.parse_args()
    {"train": cmd_train, "classify": cmd_classify, "evaluate": cmd_evaluate}[a.cmd](a)


if __name__ == "__main__":
    main()
