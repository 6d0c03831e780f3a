//! Arbitrary bytes as the offer, through the C API.
#![no_main]
include!("../driver.rs");

libfuzzer_sys::fuzz_target!(|data: &[u8]| drive(data));
