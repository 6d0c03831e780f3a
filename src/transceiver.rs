//! Transceivers and directions (W3C webrtc-pc section 5.4, JSEP 5.3.1).

use std::fmt;

/// The media kind of a transceiver or an RTP m-section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// Audio (m=audio).
    Audio,
    /// Video (m=video).
    Video,
}

impl fmt::Display for MediaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
        })
    }
}

/// A transceiver's or an m-section's direction (W3C RTCRtpTransceiverDirection, RFC 3264).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// sendrecv: sends and receives.
    SendRecv,
    /// sendonly: sends, does not receive.
    SendOnly,
    /// recvonly: receives, does not send.
    RecvOnly,
    /// inactive: neither sends nor receives.
    Inactive,
}

impl Direction {
    /// The direction that sends and receives as given.
    pub fn from_flags(send: bool, recv: bool) -> Self {
        match (send, recv) {
            (true, true) => Direction::SendRecv,
            (true, false) => Direction::SendOnly,
            (false, true) => Direction::RecvOnly,
            (false, false) => Direction::Inactive,
        }
    }
    /// Whether it sends (sendrecv or sendonly).
    pub fn sends(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::SendOnly)
    }
    /// Whether it receives (sendrecv or recvonly).
    pub fn recvs(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::RecvOnly)
    }
    /// The direction as seen from the other side.
    pub fn reversed(self) -> Self {
        Direction::from_flags(self.recvs(), self.sends())
    }
    /// RFC 3264 section 6.1: the answer sends only what the offer receives,
    /// and receives only what the offer sends.
    pub fn answer_to(offered: Direction, local: Direction) -> Self {
        Direction::from_flags(
            offered.recvs() && local.sends(),
            offered.sends() && local.recvs(),
        )
    }
    /// The SDP attribute name: "sendrecv", "sendonly", "recvonly" or "inactive".
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What track events last told the application about a receiver: W3C
/// [[FiredDirection]] and [[AssociatedRemoteMediaStreams]] (their ids).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FiredTrack {
    /// The direction the last track event (or its removal) reflected.
    pub direction: Option<Direction>,
    /// The remote streams the receiver's track belongs to.
    pub stream_ids: Vec<String>,
}

impl FiredTrack {
    /// Whether the application was told of a remote track being received.
    pub fn receiving(&self) -> bool {
        self.direction.is_some_and(Direction::recvs)
    }
}

/// An RTCRtpTransceiver: what the answer to its m-section is made from.
#[derive(Clone, Debug)]
pub struct Transceiver {
    /// The key of its m-section (`RemoteSection::mid_key`); None until an offer associates it.
    pub mid: Option<String>,
    /// Audio or video.
    pub kind: MediaKind,
    /// The direction the application wants.
    pub direction: Direction,
    /// The direction negotiated by the last applied answer.
    pub current_direction: Option<Direction>,
    /// What the track events last told the application about the receiver.
    pub fired: FiredTrack,
    /// Some applied answer let the sender send (W3C: "has ever been used
    /// to send"); stays true.
    pub sent: bool,
    /// The id of the track the sender sends (addTrack, replaceTrack); None
    /// when nothing is attached.
    pub track: Option<String>,
    /// The sender's id, a=msid's second part: the track id of the first
    /// addTrack, else a generated one (RFC 8830 token characters).
    pub sender_id: String,
    /// The SSRC it sends with (a=ssrc).
    pub ssrc: u32,
    /// The SSRC of its rtx stream, paired with `ssrc` in a=ssrc-group:FID.
    pub rtx_ssrc: u32,
    /// Stopped (stop() or close()): the next answer rejects its m-section
    /// (W3C [[Stopping]], or [[Stopped]]).
    pub stopped: bool,
    /// The stop took effect (W3C [[Stopped]]: close(), or the m-section
    /// rejected): currentDirection says "stopped".
    pub stop_done: bool,
    /// Created by addTrack: may be associated with a new m-line of its kind.
    pub from_add_track: bool,
    /// The sender's streams (W3C [[AssociatedMediaStreamIds]]: addTrack's,
    /// addTransceiver's, setStreams'): one a=msid line each, "-" for none.
    pub stream_ids: Vec<String>,
    /// RIDs of the send encodings given to addTransceiver.
    pub send_rids: Vec<String>,
    /// setCodecPreferences: the local codecs to use, in this order.
    pub codec_preferences: Option<Vec<crate::codec::Codec>>,
}

impl Transceiver {
    /// A transceiver of `kind` and `direction` with the SSRCs (media, rtx), no mid and no track.
    pub fn new(kind: MediaKind, direction: Direction, ssrcs: (u32, u32)) -> Self {
        Transceiver {
            mid: None,
            kind,
            direction,
            current_direction: None,
            fired: FiredTrack::default(),
            sent: false,
            track: None,
            sender_id: crate::ice::random_id(),
            ssrc: ssrcs.0,
            rtx_ssrc: ssrcs.1,
            stopped: false,
            stop_done: false,
            from_add_track: false,
            stream_ids: Vec::new(),
            send_rids: Vec::new(),
            codec_preferences: None,
        }
    }

    /// Whether the sender has ever negotiated sending (W3C addTrack step 7).
    pub fn has_sent(&self) -> bool {
        self.sent
    }

    /// W3C "set the session description": an answer or pranswer applied
    /// gives the transceiver its currentDirection.
    pub fn set_current_direction(&mut self, direction: Direction) {
        self.current_direction = Some(direction);
        self.sent |= direction.sends();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3264_6_1_direction_intersection() {
        use Direction::*;
        assert_eq!(Direction::answer_to(SendRecv, SendRecv), SendRecv);
        assert_eq!(Direction::answer_to(SendRecv, RecvOnly), RecvOnly);
        assert_eq!(Direction::answer_to(RecvOnly, SendRecv), SendOnly);
        assert_eq!(Direction::answer_to(SendOnly, SendRecv), RecvOnly);
        assert_eq!(Direction::answer_to(SendOnly, SendOnly), Inactive);
        assert_eq!(Direction::answer_to(Inactive, SendRecv), Inactive);
    }
}
