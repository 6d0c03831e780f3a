//! Structure-aware: real offers edited line by line (lines deleted,
//! duplicated, swapped, inserted from a dictionary, values replaced).
#![no_main]
include!("../driver.rs");
include!("../mutate.rs");

libfuzzer_sys::fuzz_target!(|input: Edits| drive(apply(&input).as_bytes()));
