//! Per-stage benchmarks on fixed fixtures: the 60 held-out articles of `training-data/test`.
//!
//! Run with `cargo bench --bench pipeline`; criterion prints the median time per iteration
//! and the throughput in bytes of article text per second.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use stance::actors::Gazetteer;
use stance::article::{paragraphs, sentences, Article};
use stance::features::split_mentions;
use stance::model::Model;
use stance::report::{classify, ReportOptions};

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
    g.bench_function("tokenise, stem and build features", |b| {
        b.iter(|| {
            for (p, t, o) in &pairs {
                black_box(model.bag(p, t, o));
            }
        })
    });
    g.bench_function("vectorise", |b| {
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

criterion_group!(benches, stages);
criterion_main!(benches);
