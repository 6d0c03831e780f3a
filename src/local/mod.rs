//! What our descriptions, offers and answers alike, state of the local
//! side: the values for the host's own ICE, DTLS, RTP and SCTP stacks
//! (`LocalSection`), and the lines that print them (`lines`). The writers
//! print these, so what the negotiation reports is what the description says.

pub(crate) mod lines;

use crate::codec::{CodecRole, RtpCodec};
use crate::ice::IceCredentials;
use crate::remote::Transport;
use crate::transceiver::{Direction, MediaKind, Transceiver};
use std::sync::Arc;

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
    /// The a=msid stream ids, one line each ("-": no stream, RFC 8830 2).
    pub streams: Vec<String>,
    /// a=msid's track id: the sender's id.
    pub track: String,
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

/// The sender an m-section announces: when it sends, or once it has sent
/// (JSEP 5.2.2 keeps a=msid across direction changes, as Chromium does):
/// one a=msid per stream ("-" without one: RFC 8830, WPT msid-generate), its
/// SSRC and, with rtx among `codecs`, the rtx SSRC paired in FID; none for
/// `simulcast` layers, told apart by RID (RFC 8852).
pub(crate) fn sender(
    tr: &Transceiver,
    direction: Direction,
    codecs: &[RtpCodec],
    simulcast: bool,
    cname: &str,
) -> Option<LocalSender> {
    if !direction.sends() && !tr.has_sent() {
        return None;
    }
    let has_rtx = codecs.iter().any(|c| c.role() == CodecRole::Rtx);
    let (ssrcs, ssrc_groups) = match has_rtx {
        _ if simulcast => (Vec::new(), Vec::new()),
        true => (
            vec![tr.ssrc, tr.rtx_ssrc],
            vec![("FID".to_string(), vec![tr.ssrc, tr.rtx_ssrc])],
        ),
        false => (vec![tr.ssrc], Vec::new()),
    };
    let streams = match tr.stream_ids.is_empty() {
        true => vec!["-".to_string()],
        false => tr.stream_ids.clone(),
    };
    Some(LocalSender {
        ssrcs,
        ssrc_groups,
        cname: cname.to_string(),
        streams,
        track: tr.sender_id.clone(),
    })
}

/// One m-line of a local description of ours (offer or answer), as it
/// stated it and as its exchange left it: what a subsequent offer keeps in
/// place (JSEP 5.2.2) and what the negotiation-needed check compares the
/// transceivers with (W3C 4.7.3).
#[derive(Clone, Debug)]
pub struct StatedLine<'a> {
    /// Its mid.
    pub mid: &'a str,
    /// "audio", "video", "application" or the media as written.
    pub media: &'a str,
    /// The m= line's protocol.
    pub proto: &'a str,
    /// Audio or video; None for other media.
    pub kind: Option<MediaKind>,
    /// The transport family of the m-line.
    pub transport: Transport,
    /// The m= line's formats where no codec list gives them (a rejected
    /// m-line of unknown media or protocol).
    pub formats: &'a str,
    /// Accepted by its exchange (in a pending offer: offered with a port).
    pub live: bool,
    /// The direction it states.
    pub direction: Direction,
    /// Which side stated it, and what the other side said.
    pub exchange: StatedBy,
    /// The codecs it lists (an answer's: the negotiated ones).
    pub codecs: &'a [RtpCodec],
    /// The header extensions it lists: (id, URI).
    pub extensions: Vec<(u16, Arc<str>)>,
    /// The stream ids of its a=msid lines ("-" for none); empty without a=msid.
    pub msid_streams: &'a [String],
}

/// Which side of the exchange a stated m-line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatedBy {
    /// We offered it; the answer's direction as seen from here (None while
    /// the offer is pending).
    Offer {
        /// The answer's direction, reversed.
        answered: Option<Direction>,
    },
    /// We answered it; the offered direction, as the offer wrote it.
    Answer {
        /// The offer's direction.
        offered: Direction,
    },
}

impl StatedLine<'_> {
    /// W3C 4.7.3: whether it has a=msid lines and they name exactly these
    /// streams ("-" standing for none).
    pub fn names_streams(&self, streams: &[String]) -> bool {
        if self.msid_streams.is_empty() {
            return false;
        }
        let stated = self.msid_streams.iter().filter(|s| *s != "-");
        stated.clone().count() == streams.len() && stated.into_iter().all(|s| streams.contains(s))
    }

    /// W3C 4.7.3: whether a transceiver wanting `wanted` needs no new
    /// negotiation here: an offer stating it or answered so, or an answer
    /// that would come out the same.
    pub fn holds(&self, wanted: Direction) -> bool {
        match self.exchange {
            StatedBy::Offer { answered } => self.direction == wanted || answered == Some(wanted),
            StatedBy::Answer { offered } => Direction::answer_to(offered, wanted) == self.direction,
        }
    }
}
