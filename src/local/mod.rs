//! What our descriptions, offers and answers alike, state of the local
//! side: the values for the host's own ICE, DTLS, RTP and SCTP stacks
//! (`LocalSection`), and the lines that print them (`lines`). The writers
//! print these, so what the negotiation reports is what the description says.

pub(crate) mod lines;

use crate::ice::IceCredentials;
use crate::transceiver::{Direction, Transceiver};

/// The local SCTP port and the largest message we take (RFC 8841).
pub const SCTP_PORT: u16 = 5000;
/// The a=max-message-size offers and answers carry.
pub const MAX_MESSAGE_SIZE: u64 = 262_144;

/// What an m-section says of the local sender (RFC 8830, 5576).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalSender {
    /// a=ssrc values: the primary first, then its rtx.
    pub ssrcs: Vec<u32>,
    /// a=ssrc-group lines: (semantics, SSRCs).
    pub ssrc_groups: Vec<(String, Vec<u32>)>,
    /// The a=ssrc cname: value.
    pub cname: String,
    /// a=msid: stream id and track id.
    pub msid: (String, String),
}

/// The local values of one m-section; all empty when rejected.
#[derive(Clone, Debug, Default)]
pub struct LocalSection {
    /// a=ice-ufrag and a=ice-pwd.
    pub ice: Option<IceCredentials>,
    /// a=candidate lines ("candidate:..."), in the m-section owning the transport.
    pub candidates: Vec<String>,
    /// a=fingerprint values, "sha-256 AB:CD:...".
    pub fingerprints: Vec<String>,
    /// The sender, when the m-section sends.
    pub sender: Option<LocalSender>,
    /// a=sctp-port (or the sctpmap port) of a data channel m-section.
    pub sctp_port: Option<u16>,
}

/// The sender an m-section announces: when it sends and has a stream
/// (RFC 8830), its SSRC and, with rtx negotiated, the rtx SSRC paired in FID.
pub(crate) fn sender(
    tr: &Transceiver,
    direction: Direction,
    has_rtx: bool,
    cname: &str,
) -> Option<LocalSender> {
    let (stream, track) = msid(tr, direction)?;
    let (ssrcs, ssrc_groups) = match has_rtx {
        true => (
            vec![tr.ssrc, tr.rtx_ssrc],
            vec![("FID".to_string(), vec![tr.ssrc, tr.rtx_ssrc])],
        ),
        false => (vec![tr.ssrc], Vec::new()),
    };
    Some(LocalSender {
        ssrcs,
        ssrc_groups,
        cname: cname.to_string(),
        msid: (stream.to_string(), track.to_string()),
    })
}

/// RFC 8830: a=msid names the stream and the sender's track, when sending.
fn msid(tr: &Transceiver, direction: Direction) -> Option<(&str, &str)> {
    match (&tr.track, tr.stream_id()) {
        _ if !direction.sends() => None,
        (Some(t), _) => Some((t.stream_id.as_str(), t.track_id.as_str())),
        (None, Some(stream)) => Some((stream, tr.sender_id.as_str())),
        (None, None) => None,
    }
}
