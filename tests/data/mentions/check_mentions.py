#!/usr/bin/env python3
"""Check the mention gold files p01.txt..p40.txt and count marks per kind.

Usage: python3 check_mentions.py [--lint]
--lint also lists, for review, gazetteer aliases and personal pronouns left unmarked.
"""
import csv, os, re, sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
KINDS = {'name', 'title', 'pronoun', 'short', 'demonym', 'capital', 'seat',
         'possessive', 'institution', 'collective', 'country', 'topic'}
MARK = re.compile(r'\{\{([^{}]*)\}\}')

with open(os.path.join(ROOT, 'models', 'actors.csv'), newline='', encoding='utf-8') as f:
    rows = list(csv.DictReader(f))
actors = {r['actor'] for r in rows}
aliases = sorted({r['alias'] for r in rows}, key=len, reverse=True)


def parse(path):
    text = open(path, encoding='utf-8').read()
    errs, marks = [], []
    if text.count('{{') != text.count('}}'):
        errs.append('unbalanced {{ }}')
    depth = 0
    for m in re.finditer(r'\{\{|\}\}', text):
        depth += 1 if m.group() == '{{' else -1
        if depth not in (0, 1):
            errs.append('nested or unbalanced mark at offset %d' % m.start())
            break
    for m in MARK.finditer(text):
        parts = m.group(1).split('|')
        if len(parts) not in (2, 3):
            errs.append('bad field count: %r' % m.group(0)); continue
        actor, surface = parts[0], parts[1]
        kind = parts[2] if len(parts) == 3 else None
        if actor != '-' and actor not in actors:
            errs.append('unknown actor: %r' % m.group(0))
        if not surface or surface != surface.strip():
            errs.append('empty or padded surface: %r' % m.group(0))
        if kind is not None and kind not in KINDS:
            errs.append('unknown kind: %r' % m.group(0))
        if (actor == '-') != (kind == 'topic'):
            errs.append('topic marks need actor "-" and kind topic: %r' % m.group(0))
        marks.append((actor, surface, kind))
    plain = MARK.sub(lambda m: m.group(1).split('|')[1] if len(m.group(1).split('|')) > 1 else '', text)
    if '{' in MARK.sub('', text) or '}' in MARK.sub('', text):
        errs.append('stray brace outside marks')
    paras = [p for p in re.split(r'\n\s*\n', plain.strip()) if p.strip()]
    if not 2 <= len(paras) <= 5:
        errs.append('%d paragraphs' % len(paras))
    return text, plain, marks, errs


def lint(text):
    """Unmarked gazetteer aliases and pronouns in the text outside marks."""
    outside = MARK.sub(lambda m: '\x00' * len(m.group(0)), text)
    hits = []
    for a in aliases:
        variants = {a, a[:1].upper() + a[1:]}
        for v in variants:
            for m in re.finditer(r'(?<![\w-])' + re.escape(v) + r'(?![\w-])', outside):
                hits.append(m.group(0))
    for m in re.finditer(r'\b(he|she|they|him|his|her|them|their|it|its|He|She|They|His|Her|Their|It|Its|we|We|our|Our)\b', outside):
        s = max(0, m.start() - 40)
        hits.append('pronoun %r in ...%s...' % (m.group(0), outside[s:m.end() + 20].replace('\x00', '#').replace('\n', ' ')))
    return hits


def main():
    files = sorted(f for f in os.listdir(HERE) if re.fullmatch(r'p\d\d\.txt', f))
    kinds, per_file, bad = Counter(), [], 0
    actors_used = Counter()
    for fn in files:
        text, plain, marks, errs = parse(os.path.join(HERE, fn))
        for e in errs:
            print('%s: %s' % (fn, e)); bad += 1
        n_actor = sum(1 for a, _, _ in marks if a != '-')
        per_file.append((fn, n_actor, len(marks) - n_actor))
        for a, s, k in marks:
            kinds[k or '(none)'] += 1
            if a != '-':
                actors_used[a] += 1
        if '--lint' in sys.argv:
            for h in lint(text):
                print('%s: unmarked %s' % (fn, h))
    print('files: %d, problems: %d' % (len(files), bad))
    print('actor mentions: %d, topic marks: %d' % (sum(x[1] for x in per_file), sum(x[2] for x in per_file)))
    print('per file (actor/topic): ' + ' '.join('%s=%d/%d' % (f[:3], a, t) for f, a, t in per_file))
    for k in sorted(kinds, key=lambda k: -kinds[k]):
        print('  %-12s %4d' % (k, kinds[k]))
    print('actors: ' + ', '.join('%s %d' % kv for kv in actors_used.most_common()))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
