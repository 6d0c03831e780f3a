//! What the benchmark and examples/cycles.rs both build (the example takes
//! this file with #[path]).

use rtcpc::{Configuration, MediaKind, PeerConnection};

/// A connection with `audio` and `video` tracks, and data channels with `data`.
pub fn offerer(cfg: &Configuration, audio: usize, video: usize, data: bool) -> PeerConnection {
    let mut pc = PeerConnection::new(cfg.clone()).unwrap();
    for i in 0..audio {
        pc.add_track(MediaKind::Audio, &format!("a{i}"), "s")
            .unwrap();
    }
    for i in 0..video {
        pc.add_track(MediaKind::Video, &format!("v{i}"), "s")
            .unwrap();
    }
    if data {
        pc.request_data_channels().unwrap();
    }
    pc
}
