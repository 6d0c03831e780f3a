//! Replays every input the fuzzers found a problem with
//! (tests/data/fuzz-regressions/), plus the seed offers, through the fuzz
//! driver: each must now pass its checks.

include!("fuzz/driver.rs");

#[test]
fn fuzz_findings_and_seeds_pass_the_driver() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut n = 0;
    for dir in ["fuzz-regressions", "corpus/offers"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) == Some("md") {
                continue;
            }
            drive(&std::fs::read(&path).unwrap());
            n += 1;
        }
    }
    assert!(n >= 73, "only {n} inputs");
}
