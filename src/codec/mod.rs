//! Codecs: the local capabilities, codecs as descriptions carry them, what
//! makes two codecs one (`identity`) and the negotiation of one m-section
//! (`negotiate`).

mod identity;
mod negotiate;

pub use identity::{
    fmtp_param, h264_profile_level, static_codec, static_payload_type, CodecId, Diff, Family,
    Format, H264Profile, H264ProfileLevel,
};
pub use negotiate::{capability_for, negotiate, CodecNegotiation, CodecOptions};

use crate::transceiver::MediaKind;
use std::sync::Arc;

/// A codec the local side can receive, as written in SDP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Codec {
    /// Encoding name as in a=rtpmap ("opus", "VP8", "rtx", ...); compared case-insensitively.
    pub name: String,
    /// RTP clock rate in Hz.
    pub clock_rate: u32,
    /// Audio channels; None when not given (1 for audio).
    pub channels: Option<u32>,
    /// Format parameters the local side receives with ("" when none).
    pub fmtp: String,
    /// rtcp-fb values, e.g. "nack", "nack pli", "transport-cc".
    pub rtcp_fb: Vec<String>,
}

impl Codec {
    /// A codec from its name, clock rate, channels, fmtp and rtcp-fb values.
    pub fn new(
        name: &str,
        clock_rate: u32,
        channels: Option<u32>,
        fmtp: &str,
        fb: &[&str],
    ) -> Self {
        Codec {
            name: name.to_string(),
            clock_rate,
            channels,
            fmtp: fmtp.to_string(),
            rtcp_fb: fb.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// RTP header extension URIs (a=extmap, RFC 8285) of the default capabilities.
pub mod ext {
    /// The m-section's mid (RFC 8843), for BUNDLE demultiplexing.
    pub const MID: &str = "urn:ietf:params:rtp-hdrext:sdes:mid";
    /// RtpStreamId: the RID of a simulcast stream (RFC 8852).
    pub const RID: &str = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    /// RepairedRtpStreamId: the RID an rtx stream repairs (RFC 8852).
    pub const REPAIRED_RID: &str = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
    /// Client-to-mixer audio level (RFC 6464).
    pub const AUDIO_LEVEL: &str = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    /// Absolute send time (a webrtc.org experiment), for bandwidth estimation.
    pub const ABS_SEND_TIME: &str = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    /// Transport-wide sequence numbers, for transport-wide congestion control.
    pub const TRANSPORT_CC: &str =
        "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    /// Coordination of video orientation (3GPP TS 26.114).
    pub const VIDEO_ORIENTATION: &str = "urn:3gpp:video-orientation";
    /// Transmission time offset (RFC 5450).
    pub const TOFFSET: &str = "urn:ietf:params:rtp-hdrext:toffset";
}

/// What the local side supports: codecs in preference order and header extensions.
#[derive(Clone, Debug)]
pub struct Capabilities {
    /// Audio codecs, most preferred first.
    pub audio: Vec<Codec>,
    /// Video codecs, most preferred first.
    pub video: Vec<Codec>,
    /// Header extension URIs accepted in audio m-sections.
    pub audio_extensions: Vec<String>,
    /// Header extension URIs accepted in video m-sections.
    pub video_extensions: Vec<String>,
}

const VIDEO_FB: &[&str] = &["goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"];

impl Default for Capabilities {
    /// Comparable to a desktop browser.
    fn default() -> Self {
        let mut video = Vec::new();
        let mut push_video = |name: &str, fmtp: &str| {
            video.push(Codec::new(name, 90000, None, fmtp, VIDEO_FB));
        };
        push_video("VP8", "");
        push_video("VP9", "profile-id=0");
        push_video("VP9", "profile-id=2");
        for profile in ["42001f", "42e01f", "4d001f"] {
            for mode in [1, 0] {
                push_video(
                    "H264",
                    &format!(
                        "level-asymmetry-allowed=1;packetization-mode={mode};profile-level-id={profile}"
                    ),
                );
            }
        }
        push_video("AV1", "level-idx=5;profile=0;tier=0");
        video.push(Codec::new("rtx", 90000, None, "", &[]));
        video.push(Codec::new("red", 90000, None, "", &[]));
        video.push(Codec::new("ulpfec", 90000, None, "", &[]));
        let mut audio = vec![
            Codec::new(
                "opus",
                48000,
                Some(2),
                "minptime=10;useinbandfec=1",
                &["transport-cc"],
            ),
            Codec::new("red", 48000, Some(2), "", &[]),
            Codec::new("G722", 8000, None, "", &["transport-cc"]),
            Codec::new("PCMU", 8000, None, "", &["transport-cc"]),
            Codec::new("PCMA", 8000, None, "", &["transport-cc"]),
        ];
        for rate in [8000, 16000, 32000, 48000] {
            audio.push(Codec::new("CN", rate, None, "", &[]));
        }
        for rate in [48000, 32000, 16000, 8000] {
            audio.push(Codec::new("telephone-event", rate, None, "0-16", &[]));
        }
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Capabilities {
            audio,
            video,
            audio_extensions: s(&[
                ext::AUDIO_LEVEL,
                ext::ABS_SEND_TIME,
                ext::TRANSPORT_CC,
                ext::MID,
            ]),
            video_extensions: s(&[
                ext::TOFFSET,
                ext::ABS_SEND_TIME,
                ext::VIDEO_ORIENTATION,
                ext::TRANSPORT_CC,
                ext::MID,
                ext::RID,
                ext::REPAIRED_RID,
            ]),
        }
    }
}

impl Capabilities {
    /// The codecs for `kind`.
    pub fn codecs(&self, kind: MediaKind) -> &[Codec] {
        match kind {
            MediaKind::Audio => &self.audio,
            MediaKind::Video => &self.video,
        }
    }
    /// The header extension URIs for `kind`.
    pub fn extensions(&self, kind: MediaKind) -> &[String] {
        match kind {
            MediaKind::Audio => &self.audio_extensions,
            MediaKind::Video => &self.video_extensions,
        }
    }
}

/// An RTP codec with its payload type: as an offer describes it, or as
/// an answer keeps it (with the offerer's payload type). The texts are
/// shared: an answer's codec points at the offer's name and fmtp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RtpCodec {
    /// The payload type (0-127).
    pub pt: u8,
    /// Encoding name, as in a=rtpmap.
    pub name: CodecName,
    /// RTP clock rate in Hz.
    pub clock_rate: u32,
    /// Channels as a=rtpmap gives them; None when not given.
    pub channels: Option<u32>,
    /// Format parameters (a=fmtp); "" when none.
    pub fmtp: Arc<str>,
    /// a=rtcp-fb values for this payload type (an answer keeps the local ones).
    pub rtcp_fb: Vec<Arc<str>>,
}

/// An encoding name as an `RtpCodec` holds it: the names browsers write
/// are static text (no allocation, however many connections a server
/// holds), any other is shared text. Reads as a `str`.
#[derive(Clone)]
pub struct CodecName(NameText);

#[derive(Clone)]
enum NameText {
    /// An index in KNOWN_NAMES (16 bytes in all, as an Arc<str> alone).
    Known(u8),
    Other(Arc<str>),
}

/// The encoding names browsers and common stacks write, as written.
const KNOWN_NAMES: [&str; 16] = [
    "opus",
    "red",
    "G722",
    "PCMU",
    "PCMA",
    "CN",
    "telephone-event",
    "VP8",
    "rtx",
    "VP9",
    "H264",
    "AV1",
    "H265",
    "ulpfec",
    "flexfec-03",
    "ILBC",
];

impl From<&str> for CodecName {
    fn from(name: &str) -> CodecName {
        CodecName(match KNOWN_NAMES.iter().position(|k| *k == name) {
            Some(i) => NameText::Known(i as u8),
            None => NameText::Other(name.into()),
        })
    }
}

impl std::ops::Deref for CodecName {
    type Target = str;
    fn deref(&self) -> &str {
        match &self.0 {
            NameText::Known(i) => KNOWN_NAMES[usize::from(*i)],
            NameText::Other(s) => s,
        }
    }
}

impl PartialEq for CodecName {
    fn eq(&self, other: &CodecName) -> bool {
        **self == **other
    }
}

impl Eq for CodecName {}

impl std::fmt::Debug for CodecName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl std::fmt::Display for CodecName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

impl RtpCodec {
    /// What the codec is for, by its name.
    pub fn role(&self) -> CodecRole {
        CodecRole::of(&self.name)
    }
    /// Whether both are one codec ([`Format::same_codec`]); written alike,
    /// they are without reading the parameters.
    pub fn same_codec(&self, other: &RtpCodec) -> bool {
        let alike = self.fmtp == other.fmtp
            && self.clock_rate == other.clock_rate
            && self.channels.unwrap_or(1) == other.channels.unwrap_or(1)
            && self.name.eq_ignore_ascii_case(&other.name);
        alike || Format::from(self).same_codec(&Format::from(other))
    }
    /// The codec without its payload type.
    pub fn to_codec(&self) -> Codec {
        Codec {
            name: self.name.to_string(),
            clock_rate: self.clock_rate,
            channels: self.channels,
            fmtp: self.fmtp.to_string(),
            rtcp_fb: self.rtcp_fb.iter().map(|f| f.to_string()).collect(),
        }
    }
}

/// What a codec is for: media of its own, or something that only makes
/// sense next to a primary codec (JSEP 5.3.1, RFC 4588, RFC 2198, RFC 5109,
/// RFC 4733, RFC 3389).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodecRole {
    /// A media codec of its own (opus, VP8, H264, ...).
    Primary,
    /// rtx: retransmission (RFC 4588).
    Rtx,
    /// red: redundant coding (RFC 2198).
    Red,
    /// ulpfec (RFC 5109) or flexfec-03: forward error correction.
    Fec,
    /// telephone-event: DTMF (RFC 4733).
    TelephoneEvent,
    /// CN: comfort noise (RFC 3389).
    ComfortNoise,
}

impl CodecRole {
    /// The role of a codec name (case-insensitive); unknown names are Primary.
    pub fn of(name: &str) -> CodecRole {
        Family::of(name).role()
    }

    /// Whether it only makes sense next to a primary codec.
    pub fn is_secondary(self) -> bool {
        self != CodecRole::Primary
    }
}

/// Why an offered codec was not kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusedCodec {
    /// The offered payload type.
    pub pt: u8,
    /// Why, naming the parameter and both values where the fmtp differs.
    pub reason: String,
}
