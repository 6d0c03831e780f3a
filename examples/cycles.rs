//! N full answering cycles on one offer (a shared certificate, so key
//! generation is left out), for instruction counts:
//! `cargo build --release --example cycles` then
//! `valgrind --tool=callgrind target/release/examples/cycles OFFER 200`;
//! a third argument `report` also builds the negotiation report each cycle.
use rtcpc::{AnswerOptions, Configuration, MediaKind, PeerConnection, SdpType};
fn main() {
    let offer = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let n: usize = std::env::args().nth(2).map_or(200, |v| v.parse().unwrap());
    let report = std::env::args().nth(3).as_deref() == Some("report");
    let cert = rtcpc::dtls::Certificate::generate().unwrap();
    let config = Configuration {
        certificate: Some(cert),
        ..Default::default()
    };
    let mut total = 0;
    for _ in 0..n {
        let mut pc = PeerConnection::new(config.clone()).unwrap();
        pc.set_remote_description(SdpType::Offer, &offer).unwrap();
        pc.add_track(MediaKind::Audio, "a", "s").unwrap();
        pc.add_track(MediaKind::Video, "v", "s").unwrap();
        let a = pc.create_answer(AnswerOptions::default()).unwrap();
        pc.set_local_description(SdpType::Answer, &a).unwrap();
        total += pc.negotiated().unwrap().sections.len();
        if report {
            total += pc.negotiation_report().unwrap().len();
        }
    }
    println!("{total}");
}
