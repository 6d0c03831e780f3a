//! A plain benchmark harness printing medians (release build), for the
//! answering and the offering side:
//! `cargo bench --bench answer`. Not a test: it asserts nothing about speed.

use rtcpc::offer::OfferOptions;
use rtcpc::{AnswerOptions, Configuration, MediaKind, PeerConnection, SdpType};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

mod common;
use common::offerer;

/// Counts live heap bytes, to measure what one negotiated connection holds.
struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size() as isize, Relaxed);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size() as isize, Relaxed);
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        LIVE.fetch_add(new as isize - l.size() as isize, Relaxed);
        System.realloc(p, l, new)
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

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
    drop(negotiated(cfg, offer));
}

fn negotiated(cfg: &Configuration, offer: &str) -> PeerConnection {
    let mut pc = PeerConnection::new(cfg.clone()).unwrap();
    pc.set_remote_description(SdpType::Offer, offer).unwrap();
    let kinds: Vec<MediaKind> = pc.transceivers().iter().map(|t| t.kind).collect();
    for (i, k) in kinds.into_iter().enumerate() {
        pc.add_track(k, &format!("t{i}"), "s").unwrap();
    }
    let answer = pc.create_answer(AnswerOptions::default()).unwrap();
    pc.set_local_description(SdpType::Answer, &answer).unwrap();
    // What a C caller's connection holds: the boundary hands the events out.
    pc.take_events();
    pc
}

/// The offering side's shapes: (label, audio tracks, video tracks, data).
const OFFER_SHAPES: &[(&str, usize, usize, bool)] = &[
    ("typical: audio, video, data", 1, 1, true),
    ("1 audio + 50 video", 1, 50, false),
];

/// The offer cycle: new, addTrack per track, createOffer, SLD, SRD(answer), free.
fn offer_cycle(cfg: &Configuration, shape: (usize, usize, bool), answer: &str) {
    let mut pc = offerer(cfg, shape.0, shape.1, shape.2);
    pc.create_offer(OfferOptions::default()).unwrap();
    pc.set_local_description(SdpType::Offer, "").unwrap();
    pc.set_remote_description(SdpType::Answer, answer).unwrap();
}

/// An answer (by rtcpc's answerer) that fits every offer of this shape:
/// payload types, extension ids and mids do not depend on the connection.
fn answer_for(cfg: &Configuration, shape: (usize, usize, bool)) -> String {
    let offer = offerer(cfg, shape.0, shape.1, shape.2)
        .create_offer(OfferOptions::default())
        .unwrap();
    negotiated(cfg, &offer)
        .current_local_description()
        .unwrap()
        .sdp
        .clone()
}

fn offering_side(fresh: &Configuration, shared: &Configuration) {
    for &(label, audio, video, data) in OFFER_SHAPES {
        let shape = (audio, video, data);
        let iters = if video > 10 { 50 } else { 2000 };
        let answer = answer_for(shared, shape);
        let m_lines = audio + video + usize::from(data);
        println!("-- offer, {label}: {m_lines} m-lines");
        let mut pc = offerer(shared, audio, video, data);
        measure("  createOffer", iters, || {
            pc.create_offer(OfferOptions::default()).unwrap();
        });
        let f = measure("  offer cycle, fresh certificate", iters, || {
            offer_cycle(fresh, shape, &answer)
        });
        let s = measure("  offer cycle, shared certificate", iters, || {
            offer_cycle(shared, shape, &answer)
        });
        println!(
            "  per m-line: fresh {:.1} us, shared {:.1} us",
            f.as_secs_f64() * 1e6 / m_lines as f64,
            s.as_secs_f64() * 1e6 / m_lines as f64
        );
    }
}

/// Full cycles per second on `threads` threads, each with its own connections.
fn throughput(cfg: &Configuration, offer: &str, threads: usize) -> f64 {
    let per_thread = 3000;
    let t = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..per_thread {
                    full_cycle(cfg, offer);
                }
            });
        }
    });
    (threads * per_thread) as f64 / t.elapsed().as_secs_f64()
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
            rtcpc::parse_description(offer).unwrap();
        });
        let mut pc = PeerConnection::new(shared.clone()).unwrap();
        measure("  setRemoteDescription", iters, || {
            pc.set_remote_description(SdpType::Offer, offer).unwrap();
        });
        measure("  createAnswer", iters, || {
            pc.create_answer(AnswerOptions::default()).unwrap();
        });
        // Only when asked for: createAnswer keeps the decisions either way.
        measure("  negotiation report (JSON), on demand", iters, || {
            pc.negotiation_report().unwrap();
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
    offering_side(&fresh, &shared);
    // Memory held by one negotiated connection (typical offer, shared certificate
    // so the certificate itself is not counted per connection).
    let mut kept = Vec::new();
    let before = LIVE.load(Relaxed);
    for _ in 0..100 {
        kept.push(negotiated(&shared, TYPICAL));
    }
    let per_conn = (LIVE.load(Relaxed) - before) / 100;
    drop(kept);
    let before = LIVE.load(Relaxed);
    let one = negotiated(&fresh, TYPICAL);
    let per_conn_fresh = LIVE.load(Relaxed) - before;
    drop(one);
    println!("memory held per negotiated connection (typical): {:.1} KiB shared certificate, {:.1} KiB own certificate",
        per_conn as f64 / 1024.0, per_conn_fresh as f64 / 1024.0);
    let one = throughput(&shared, TYPICAL, 1);
    let two = throughput(&shared, TYPICAL, 2);
    println!(
        "throughput, typical offer: 1 thread {one:.0}/s, 2 threads {two:.0}/s, scaling {:.2}x",
        two / one
    );
}
