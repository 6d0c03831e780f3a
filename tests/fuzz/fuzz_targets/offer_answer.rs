//! Arbitrary bytes as the remote answer to an rtcpc offer (audio, video,
//! data), through the C API; see drive_offer_answer for the first byte.
#![no_main]
include!("../driver.rs");

libfuzzer_sys::fuzz_target!(|data: &[u8]| drive_offer_answer(data));
