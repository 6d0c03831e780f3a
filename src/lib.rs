//! rtcpc: a WebRTC offer/answer (JSEP, RFC 9429) engine with a C ABI.
//!
//! The core is sans-IO: [`signaling::PeerConnection`] takes descriptions and
//! returns descriptions. `ffi` is the C boundary over it.
#![warn(missing_docs)]

pub mod answer;
pub mod codec;
pub mod config;
pub mod dtls;
pub mod error;
pub mod fragment;
pub mod ice;
pub mod identity;
pub mod local;
pub mod negotiated;
pub mod offer;
pub mod record;
pub mod remote;
pub mod report;
mod sdp;
pub mod signaling;
pub mod transceiver;

pub mod ffi;

/// Parses SDP text as setRemoteDescription does, applying nothing: the
/// number of m-sections, or the SDP syntax error (an RTCError) naming the first bad line.
pub fn parse_description(text: &str) -> Result<usize> {
    sdp::parse(text).map(|s| s.media.len())
}

pub use answer::AnswerOptions;
pub use config::Configuration;
pub use error::{Error, ErrorKind, Result};
pub use signaling::{PeerConnection, SdpType, SignalingState, TransceiverInit};
pub use transceiver::{Direction, MediaKind};
