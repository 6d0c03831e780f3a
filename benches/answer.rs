//! A plain benchmark harness printing medians (release build):
//! `cargo bench --bench answer`. Not a test: it asserts nothing about speed.

use rtcpc::{AnswerOptions, Configuration, MediaKind, PeerConnection, SdpType};
use std::time::{Duration, Instant};

const TYPICAL: &str = include_str!("../tests/data/chrome-156-audio-video-data.sdp");
const CONFERENCE: &str = include_str!("../tests/data/chrome-156-1audio-50video.sdp");
const FIREFOX: &str = include_str!(
    "../tests/data/corpus/offers/medooze-semantic-sdp__firefox-59-17-mlines-bundle-only.sdp"
);

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn measure(name: &str, iters: usize, mut f: impl FnMut()) -> Duration {
    for _ in 0..iters.min(50) {
        f();
    }
    let samples: Vec<Duration> = (0..iters)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    let m = median(samples);
    println!("{name:<48} median {:>10.1} us", m.as_secs_f64() * 1e6);
    m
}

fn full_cycle(cfg: &Configuration, offer: &str) {
    let mut pc = PeerConnection::new(cfg.clone()).unwrap();
    pc.set_remote_description(SdpType::Offer, offer).unwrap();
    let kinds: Vec<MediaKind> = pc.transceivers().iter().map(|t| t.kind).collect();
    for (i, k) in kinds.into_iter().enumerate() {
        pc.add_track(k, &format!("t{i}"), "s").unwrap();
    }
    let answer = pc.create_answer(AnswerOptions::default()).unwrap();
    pc.set_local_description(SdpType::Answer, &answer).unwrap();
}

fn main() {
    let fresh = Configuration::default();
    let shared = Configuration {
        certificate: Some(rtcpc::dtls::Certificate::generate().unwrap()),
        ..Default::default()
    };
    println!("rtcpc benchmark (medians)");
    measure("certificate generation (ECDSA P-256)", 2000, || {
        rtcpc::dtls::Certificate::generate().unwrap();
    });
    for (label, offer, iters) in [
        ("typical Chromium offer", TYPICAL, 2000),
        ("Firefox 17 m-line offer", FIREFOX, 1000),
        ("Chromium 1 audio + 50 video offer", CONFERENCE, 50),
    ] {
        let lines = offer.lines().count();
        println!("-- {label}: {} bytes, {lines} lines", offer.len());
        measure("  parse only", iters, || {
            rtcpc::sdp::parse(offer).unwrap();
        });
        let mut pc = PeerConnection::new(shared.clone()).unwrap();
        measure("  setRemoteDescription", iters, || {
            pc.set_remote_description(SdpType::Offer, offer).unwrap();
        });
        measure("  createAnswer", iters, || {
            pc.create_answer(AnswerOptions::default()).unwrap();
        });
        let f = measure("  full cycle, fresh certificate", iters, || {
            full_cycle(&fresh, offer)
        });
        let s = measure("  full cycle, shared certificate", iters, || {
            full_cycle(&shared, offer)
        });
        println!(
            "  per line: fresh {:.2} us, shared {:.2} us",
            f.as_secs_f64() * 1e6 / lines as f64,
            s.as_secs_f64() * 1e6 / lines as f64
        );
    }
}
