// Answers an offer file with the Rust API (a debugging aid; the C tool is c_examples/rtcpc-answer).
use rtcpc::{AnswerOptions, Configuration, MediaKind, PeerConnection, SdpType};

fn main() {
    let path = std::env::args().nth(1).expect("usage: answer OFFER_FILE");
    let offer = std::fs::read_to_string(path).expect("cannot read the offer");
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    if let Err(e) = pc.set_remote_description(SdpType::Offer, &offer) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
    let kinds: Vec<MediaKind> = pc.transceivers().iter().map(|t| t.kind).collect();
    for (i, k) in kinds.into_iter().enumerate() {
        pc.add_track(k, &format!("track-{i}"), "stream-0").unwrap();
    }
    let answer = pc.create_answer(AnswerOptions::default()).unwrap();
    pc.set_local_description(SdpType::Answer, "").unwrap();
    print!("{answer}");
}
