//! N full cycles, for instruction counts (a shared certificate, so key
//! generation is left out): `cargo build --release --example cycles`, then
//! `valgrind --tool=callgrind target/release/examples/cycles OFFER 200` for
//! the answering cycle (a third argument `report` also builds the
//! negotiation report each cycle), or `... cycles offer:A:V[:data] 200` for
//! the offering cycle of A audio and V video tracks (new, addTrack, createOffer,
//! SLD, SRD of an answer made once, free), as `cargo bench` times them.
use rtcpc::offer::OfferOptions;
use rtcpc::{AnswerOptions, Configuration, MediaKind, PeerConnection, SdpType};

#[path = "../benches/common/mod.rs"]
mod common;
use common::offerer;

fn main() {
    let what = std::env::args().nth(1).unwrap();
    let n: usize = std::env::args().nth(2).map_or(200, |v| v.parse().unwrap());
    let report = std::env::args().nth(3).as_deref() == Some("report");
    let cert = rtcpc::dtls::Certificate::generate().unwrap();
    let config = Configuration {
        certificate: Some(cert),
        ..Default::default()
    };
    let total = match what.strip_prefix("offer:") {
        Some(shape) => offer_cycles(&config, shape, n),
        None => answer_cycles(&config, &std::fs::read_to_string(what).unwrap(), n, report),
    };
    println!("{total}");
}

fn answer_cycles(config: &Configuration, offer: &str, n: usize, report: bool) -> usize {
    let mut total = 0;
    for _ in 0..n {
        let mut pc = PeerConnection::new(config.clone()).unwrap();
        pc.set_remote_description(SdpType::Offer, offer).unwrap();
        pc.add_track(MediaKind::Audio, "a", "s").unwrap();
        pc.add_track(MediaKind::Video, "v", "s").unwrap();
        let a = pc.create_answer(AnswerOptions::default()).unwrap();
        pc.set_local_description(SdpType::Answer, &a).unwrap();
        total += pc.negotiated().unwrap().sections.len();
        if report {
            total += pc.negotiation_report().unwrap().len();
        }
    }
    total
}

fn offer_cycles(config: &Configuration, shape: &str, n: usize) -> usize {
    let parts: Vec<&str> = shape.split(':').collect();
    let (audio, video) = (parts[0].parse().unwrap(), parts[1].parse().unwrap());
    let data = parts.get(2) == Some(&"data");
    // One answer fits every offer of the shape (payload types and mids do
    // not depend on the connection).
    let offer = offerer(config, audio, video, data)
        .create_offer(OfferOptions::default())
        .unwrap();
    let mut b = PeerConnection::new(config.clone()).unwrap();
    b.set_remote_description(SdpType::Offer, &offer).unwrap();
    let answer = b.create_answer(AnswerOptions::default()).unwrap();
    let mut total = 0;
    for _ in 0..n {
        let mut pc = offerer(config, audio, video, data);
        pc.create_offer(OfferOptions::default()).unwrap();
        pc.set_local_description(SdpType::Offer, "").unwrap();
        pc.set_remote_description(SdpType::Answer, &answer).unwrap();
        total += pc.transceivers().len();
    }
    total
}
