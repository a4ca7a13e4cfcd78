//! Per-stage benchmarks on fixed fixtures: the 68 held-out articles of `training-data/test`,
//! and the actor matcher on 1, 4 and 16 copies of them (its time must grow linearly).
//!
//! Run with `cargo bench --bench pipeline`; criterion prints the median time per iteration
//! and the throughput in bytes of article text per second.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use stance::actors::Gazetteer;
use stance::article::{paragraphs, sentences, Article};
use stance::features::split_mentions;
use stance::model::ColumnCache;
use stance::model::Model;
use stance::report::{classify, prevailing, ReportOptions};
use stance::resolve::resolve;

fn articles() -> Vec<Article> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/training-data/test/articles");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            Article::new(
                p.file_stem().unwrap().to_string_lossy(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

fn stages(c: &mut Criterion) {
    let arts = articles();
    let bytes: u64 = arts.iter().map(|a| a.text.len() as u64).sum();
    let gaz = Gazetteer::builtin();
    let model = Model::builtin().unwrap();
    let paras: Vec<&str> = arts
        .iter()
        .flat_map(|a| {
            paragraphs(&a.text)
                .into_iter()
                .map(move |p| &a.text[p.span])
        })
        .collect();
    // (paragraph, target spans, other spans) for every actor found
    let pairs: Vec<_> = paras
        .iter()
        .flat_map(|p| {
            let ms = gaz.mentions(p);
            let mut actors: Vec<usize> = ms.iter().map(|m| m.actor).collect();
            actors.sort_unstable();
            actors.dedup();
            actors
                .into_iter()
                .map(|a| {
                    let (t, o) = split_mentions(&ms, a);
                    (*p, t, o)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let bags: Vec<_> = pairs.iter().map(|(p, t, o)| model.bag(p, t, o)).collect();
    let rows: Vec<_> = bags.iter().map(|b| model.vectorizer.transform(b)).collect();

    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("split paragraphs and sentences", |b| {
        b.iter(|| {
            for a in &arts {
                for p in paragraphs(&a.text) {
                    black_box(sentences(&a.text[p.span]));
                }
            }
        })
    });
    g.bench_function("match actors", |b| {
        b.iter(|| {
            for p in &paras {
                black_box(gaz.mentions(p));
            }
        })
    });
    g.bench_function("resolve actors (names, topics, pronouns)", |b| {
        b.iter(|| {
            for a in &arts {
                let ps: Vec<&str> = paragraphs(&a.text)
                    .into_iter()
                    .map(|p| &a.text[p.span])
                    .collect();
                black_box(resolve(&gaz, &ps));
            }
        })
    });
    g.bench_function("tokenise and stem once per paragraph", |b| {
        b.iter(|| {
            for p in &paras {
                let ms = gaz.mentions(p);
                black_box(
                    model.analyzer().prepare(
                        p,
                        ms.iter()
                            .map(|m| (m.span.clone(), m.actor as u32))
                            .collect(),
                    ),
                );
            }
        })
    });
    let prepared: Vec<_> = paras
        .iter()
        .map(|p| {
            let ms = gaz.mentions(p);
            let mut actors: Vec<u32> = ms.iter().map(|m| m.actor as u32).collect();
            actors.sort_unstable();
            actors.dedup();
            let pr = model.analyzer().prepare(
                p,
                ms.iter()
                    .map(|m| (m.span.clone(), m.actor as u32))
                    .collect(),
            );
            (pr, actors)
        })
        .collect();
    g.bench_function(
        "features, columns and both models per actor (classify's path)",
        |b| {
            let mut cache = ColumnCache::default();
            b.iter(|| {
                for (pr, actors) in &prepared {
                    cache.reset(pr.len());
                    for &a in actors {
                        black_box(model.predict_prepared(pr, a, &mut cache));
                    }
                }
            })
        },
    );
    let probs: Vec<Vec<f64>> = rows
        .iter()
        .map(|r| model.stance.as_ref().unwrap().probabilities(r))
        .collect();
    g.bench_function("aggregate per actor", |b| {
        // every pair's probabilities folded as one actor's article-level decision, in
        // groups of 4 paragraphs (a typical actor's share of an article)
        b.iter(|| {
            for chunk in probs.chunks(4) {
                black_box(prevailing(chunk, 0, 1));
            }
        })
    });
    g.bench_function("build named features per actor (training's path)", |b| {
        b.iter(|| {
            for (p, t, o) in &pairs {
                black_box(model.bag(p, t, o));
            }
        })
    });
    g.bench_function("vectorise (training's path: named features)", |b| {
        b.iter(|| {
            for bag in &bags {
                black_box(model.vectorizer.transform(bag));
            }
        })
    });
    g.bench_function("predict both models", |b| {
        let (s, m) = (
            model.stance.as_ref().unwrap(),
            model.sentiment.as_ref().unwrap(),
        );
        b.iter(|| {
            for r in &rows {
                black_box(s.probabilities(r));
                black_box(m.probabilities(r));
            }
        })
    });
    g.bench_function("classify end to end (report)", |b| {
        let opts = ReportOptions::default();
        b.iter(|| {
            for a in &arts {
                black_box(classify(&model, &gaz, a, &opts));
            }
        })
    });
    g.finish();
}

fn matcher_scaling(c: &mut Criterion) {
    let arts = articles();
    let one: String = arts
        .iter()
        .map(|a| a.text.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    let gaz = Gazetteer::builtin();
    let mut g = c.benchmark_group("match actors by text size");
    for k in [1usize, 4, 16] {
        let text = vec![one.as_str(); k].join("\n\n");
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(format!("{k}x held-out ({} KB)", text.len() / 1000), |b| {
            b.iter(|| black_box(gaz.mentions(&text)))
        });
    }
    g.finish();
}

criterion_group!(benches, stages, matcher_scaling);
criterion_main!(benches);
