//! Prints an offer for an audio track, a video track and data channels (a
//! debugging aid while the offering side is built; issue 15).
use rtcpc::offer::OfferOptions;
use rtcpc::{Configuration, MediaKind, PeerConnection};

fn main() {
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    pc.add_track(MediaKind::Audio, "mic", "stream-0").unwrap();
    pc.add_track(MediaKind::Video, "cam", "stream-0").unwrap();
    pc.request_data_channels().unwrap();
    print!("{}", pc.create_offer(OfferOptions::default()).unwrap());
}
