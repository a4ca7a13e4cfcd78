//! Replays the saved fuzzing corpora (`fuzz/corpus/<target>/`) and any crash inputs kept
//! under `fuzz/artifacts/<target>/` through the same entry points the fuzz targets call, so
//! that what the fuzzer once found stays fixed on the stable toolchain.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut n = 0;
    for dir in ["corpus", "artifacts"] {
        let Ok(rd) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        let mut files: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        files.sort();
        for f in files.iter().filter(|f| f.is_file()) {
            let bytes = std::fs::read(f).unwrap();
            let r = std::panic::catch_unwind(|| run(&bytes));
            assert!(r.is_ok(), "{target}: {} panics", f.display());
            n += 1;
        }
    }
    assert!(n >= 5, "{target}: only {n} saved inputs");
}

#[test]
fn split_corpus() {
    replay("split", stance::fuzzing::split);
}

#[test]
fn actors_corpus() {
    replay("actors", stance::fuzzing::actors);
}

#[test]
fn csv_corpus() {
    replay("csv", stance::fuzzing::csv);
}

#[test]
fn jsonl_corpus() {
    replay("jsonl", stance::fuzzing::jsonl);
}

#[test]
fn model_corpus() {
    replay("model", stance::fuzzing::model);
}
