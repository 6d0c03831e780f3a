//! Codec capabilities and codec negotiation for one m-section (JSEP 5.3.1,
//! RFC 3264 section 6.1): match by name, clock rate, channels and the format
//! parameters that define the codec; keep the offerer's payload types and order.

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
/// an answer keeps it (with the offerer's payload type).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RtpCodec {
    /// The payload type (0-127).
    pub pt: u8,
    /// Encoding name, as in a=rtpmap.
    pub name: String,
    /// RTP clock rate in Hz.
    pub clock_rate: u32,
    /// Channels as a=rtpmap gives them; None when not given.
    pub channels: Option<u32>,
    /// Format parameters (a=fmtp); "" when none.
    pub fmtp: String,
    /// a=rtcp-fb values for this payload type (an answer keeps the local ones).
    pub rtcp_fb: Vec<Arc<str>>,
}

impl RtpCodec {
    /// What the codec is for, by its name.
    pub fn role(&self) -> CodecRole {
        CodecRole::of(&self.name)
    }
    /// The codec without its payload type.
    pub fn to_codec(&self) -> Codec {
        Codec {
            name: self.name.clone(),
            clock_rate: self.clock_rate,
            channels: self.channels,
            fmtp: self.fmtp.clone(),
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
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        if is("rtx") {
            CodecRole::Rtx
        } else if is("red") {
            CodecRole::Red
        } else if is("ulpfec") || is("flexfec-03") {
            CodecRole::Fec
        } else if is("telephone-event") {
            CodecRole::TelephoneEvent
        } else if is("cn") {
            CodecRole::ComfortNoise
        } else {
            CodecRole::Primary
        }
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

/// Looks up `key` in a `k=v;k=v` fmtp string (keys are case-insensitive).
/// It runs ~150 times per answer (every pair of codecs compared): a byte
/// loop, cheaper than str::split's char searcher.
pub fn fmtp_param<'a>(fmtp: &'a str, key: &str) -> Option<&'a str> {
    let bytes = fmtp.as_bytes();
    let mut start = 0;
    while start <= bytes.len() {
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b';')
            .map_or(bytes.len(), |i| start + i);
        let kv = &fmtp[start..end];
        if let Some(eq) = kv.bytes().position(|b| b == b'=') {
            if kv[..eq].trim().eq_ignore_ascii_case(key) {
                return Some(kv[eq + 1..].trim());
            }
        }
        start = end + 1;
    }
    None
}

fn replace_fmtp_param(fmtp: &str, key: &str, value: &str) -> String {
    fmtp.split(';')
        .map(|kv| match kv.split_once('=') {
            Some((k, _)) if k.trim().eq_ignore_ascii_case(key) => format!("{}={value}", k.trim()),
            _ => kv.to_string(),
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// H.264 profiles from profile-level-id (RFC 6184 section 8.1, table 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum H264Profile {
    /// Constrained Baseline (profile_idc 0x42, 0x4D or 0x58 with constraint flags).
    ConstrainedBaseline,
    /// Baseline (profile_idc 0x42 or 0x58).
    Baseline,
    /// Main (profile_idc 0x4D).
    Main,
    /// Extended (profile_idc 0x58).
    Extended,
    /// High (profile_idc 0x64).
    High,
    /// Constrained High (profile_idc 0x64 with constraint_set4 and 5).
    ConstrainedHigh,
    /// High 10 (profile_idc 0x6E).
    High10,
    /// High 4:2:2 (profile_idc 0x7A).
    High422,
    /// High 4:4:4 Predictive (profile_idc 0xF4).
    High444,
}

/// A parsed H.264 profile-level-id.
pub struct H264ProfileLevel {
    /// The profile.
    pub profile: H264Profile,
    /// level_idc: ten times the level (31 is 3.1); level 1b reads as 10, like level 1.
    pub level: u8,
}

/// Parses profile-level-id (6 hex digits). Unknown combinations give None.
pub fn h264_profile_level(fmtp: &str) -> Option<H264ProfileLevel> {
    let plid = fmtp_param(fmtp, "profile-level-id").unwrap_or("42000a");
    if plid.len() != 6 {
        return None;
    }
    let v = u32::from_str_radix(plid, 16).ok()?;
    let (idc, iop, level) = ((v >> 16) as u8, (v >> 8) as u8, v as u8);
    // (profile_idc, mask over profile-iop, value under the mask, profile):
    // a pattern like x1xx0000 has mask 0b0100_1111 and value 0b0100_0000.
    const PATTERNS: &[(u8, u8, u8, H264Profile)] = &[
        (
            0x42,
            0b0100_1111,
            0b0100_0000,
            H264Profile::ConstrainedBaseline,
        ),
        (
            0x4d,
            0b1000_1111,
            0b1000_0000,
            H264Profile::ConstrainedBaseline,
        ),
        (
            0x58,
            0b1100_1111,
            0b1100_0000,
            H264Profile::ConstrainedBaseline,
        ),
        (0x42, 0b0100_1111, 0b0000_0000, H264Profile::Baseline),
        (0x58, 0b1100_1111, 0b1000_0000, H264Profile::Baseline),
        (0x4d, 0b1010_1111, 0b0000_0000, H264Profile::Main),
        (0x58, 0b1100_1111, 0b0000_0000, H264Profile::Extended),
        (0x64, 0b1111_1111, 0b0000_0000, H264Profile::High),
        (0x64, 0b1111_1111, 0b0000_1100, H264Profile::ConstrainedHigh),
        (0x6e, 0b1111_1111, 0b0000_0000, H264Profile::High10),
        (0x7a, 0b1111_1111, 0b0000_0000, H264Profile::High422),
        (0xf4, 0b1111_1111, 0b0000_0000, H264Profile::High444),
    ];
    let profile = PATTERNS
        .iter()
        .find(|(p, mask, val, _)| *p == idc && iop & mask == *val)
        .map(|(.., prof)| *prof)?;
    // Level 1b is level_idc 11 with constraint_set3 in the baseline profiles.
    let level = if level == 11 && iop & 0x10 != 0 && matches!(idc, 0x42 | 0x4d | 0x58) {
        10 // treat 1b like level 1.0 for ordering; below 1.1
    } else {
        level
    };
    Some(H264ProfileLevel { profile, level })
}

fn packetization_mode(fmtp: &str) -> &str {
    fmtp_param(fmtp, "packetization-mode").unwrap_or("0")
}

/// The codecs whose format parameters tell variants apart, by name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Variants {
    H264,
    Vp9,
    Av1,
    None,
}

impl Variants {
    fn of(name: &str) -> Variants {
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        match () {
            _ if is("h264") => Variants::H264,
            _ if is("vp9") => Variants::Vp9,
            _ if is("av1") => Variants::Av1,
            _ => Variants::None,
        }
    }
}

/// Checks the format parameters that make two codecs of one name the same
/// codec. Err holds a reason naming the parameter and both values.
fn fmtp_compatible(name: &str, offered: &str, local: &str) -> Result<(), String> {
    match Variants::of(name) {
        Variants::H264 => {
            let (o, l) = (h264_profile_level(offered), h264_profile_level(local));
            let (o, l) = match (o, l) {
                (Some(o), Some(l)) => (o, l),
                (None, _) => {
                    return Err(format!(
                        "H264 profile-level-id {} is not a known profile",
                        fmtp_param(offered, "profile-level-id").unwrap_or("42000a")
                    ))
                }
                (_, None) => return Err("local H264 profile-level-id is invalid".into()),
            };
            if o.profile != l.profile {
                return Err(format!(
                    "H264 profile {:?} (profile-level-id {}) differs from local {:?}",
                    o.profile,
                    fmtp_param(offered, "profile-level-id").unwrap_or("42000a"),
                    l.profile
                ));
            }
            let (om, lm) = (packetization_mode(offered), packetization_mode(local));
            if om != lm {
                return Err(format!(
                    "H264 packetization-mode {om} offered, local has packetization-mode {lm}"
                ));
            }
            Ok(())
        }
        Variants::Vp9 => {
            let o = fmtp_param(offered, "profile-id").unwrap_or("0");
            let l = fmtp_param(local, "profile-id").unwrap_or("0");
            (o == l)
                .then_some(())
                .ok_or_else(|| format!("VP9 profile-id {o} offered, local has profile-id {l}"))
        }
        Variants::Av1 => {
            let o = fmtp_param(offered, "profile").unwrap_or("0");
            let l = fmtp_param(local, "profile").unwrap_or("0");
            (o == l)
                .then_some(())
                .ok_or_else(|| format!("AV1 profile {o} offered, local has profile {l}"))
        }
        _ => Ok(()),
    }
}

/// The parameters that tell one variant of a codec from another.
fn describe(name: &str, fmtp: &str) -> String {
    match Variants::of(name) {
        Variants::H264 => {
            let profile = h264_profile_level(fmtp).map_or_else(
                || "unknown profile".to_string(),
                |p| format!("{:?}", p.profile),
            );
            format!("{profile} packetization-mode {}", packetization_mode(fmtp))
        }
        Variants::Vp9 => format!(
            "profile-id {}",
            fmtp_param(fmtp, "profile-id").unwrap_or("0")
        ),
        Variants::Av1 => format!("profile {}", fmtp_param(fmtp, "profile").unwrap_or("0")),
        Variants::None => fmtp.to_string(),
    }
}

/// The fmtp the answer carries for a matched primary codec.
fn answer_fmtp(offered: &RtpCodec, local: &Codec) -> String {
    // The answer states how the local side wants to receive opus.
    if offered.name.eq_ignore_ascii_case("opus") {
        return local.fmtp.clone();
    }
    match Variants::of(&offered.name) {
        Variants::H264 => {
            // RFC 6184 8.2.2: the answer's level is at most the offered one,
            // unless both sides allow level asymmetry.
            let (Some(o), Some(l)) = (
                h264_profile_level(&offered.fmtp),
                h264_profile_level(&local.fmtp),
            ) else {
                return offered.fmtp.clone();
            };
            let asym = |f: &str| fmtp_param(f, "level-asymmetry-allowed") == Some("1");
            let level = if asym(&offered.fmtp) && asym(&local.fmtp) {
                l.level
            } else {
                o.level.min(l.level)
            };
            let plid = fmtp_param(&offered.fmtp, "profile-level-id").unwrap_or("42000a");
            let new_plid = format!("{}{:02x}", &plid[..4], level);
            if fmtp_param(&offered.fmtp, "profile-level-id").is_some() {
                replace_fmtp_param(&offered.fmtp, "profile-level-id", &new_plid)
            } else {
                offered.fmtp.clone()
            }
        }
        Variants::Av1 => av1_answer_fmtp(&offered.fmtp, &local.fmtp),
        Variants::Vp9 | Variants::None => offered.fmtp.clone(),
    }
}

/// AV1 RTP payload format, SDP parameters: level-idx (default 5) and tier
/// (default 0) give the highest level and tier the side receives; the
/// answer takes the lower of the offered and the local ones, written when
/// offered or when not the default.
fn av1_answer_fmtp(offered: &str, local: &str) -> String {
    let num = |f: &str, key: &str, default: u8| {
        fmtp_param(f, key)
            .and_then(|v| v.parse::<u8>().ok())
            .unwrap_or(default)
    };
    let mut fmtp = offered.to_string();
    for (key, default) in [("level-idx", 5), ("tier", 0)] {
        let value = num(offered, key, default).min(num(local, key, default));
        fmtp = if fmtp_param(&fmtp, key).is_some() {
            replace_fmtp_param(&fmtp, key, &value.to_string())
        } else if value != default {
            let sep = if fmtp.is_empty() { "" } else { ";" };
            format!("{fmtp}{sep}{key}={value}")
        } else {
            fmtp
        };
    }
    fmtp
}

fn same_codec(o: &RtpCodec, l: &Codec, kind: MediaKind) -> bool {
    let ch = |c: Option<u32>| c.unwrap_or(1);
    o.name.eq_ignore_ascii_case(&l.name)
        && o.clock_rate == l.clock_rate
        && (kind == MediaKind::Video || ch(o.channels) == ch(l.channels))
}

/// Options that change codec choice.
#[derive(Clone, Copy, Debug)]
pub struct CodecOptions {
    /// RTCAnswerOptions.voiceActivityDetection: false refuses CN.
    pub voice_activity_detection: bool,
    /// List kept codecs in local order (codec preferences) instead of offer order.
    pub local_order: bool,
}

/// The outcome of codec negotiation for one m-section.
#[derive(Clone, Default, Debug)]
pub struct CodecNegotiation {
    /// The codecs the answer keeps, with the offerer's payload types, in answer order.
    pub kept: Vec<RtpCodec>,
    /// The offered codecs not kept, in offer order, each with why.
    pub refused: Vec<RefusedCodec>,
}

/// Intersects the offered codecs with the local ones (JSEP 5.3.1): primary
/// codecs first, then the codecs that only make sense next to a kept primary
/// (red, fec, telephone-event, CN), then rtx. The answer lists them in offer
/// order (or, with codec preferences, in local order).
pub fn negotiate(
    kind: MediaKind,
    offered: &[RtpCodec],
    local: &[Codec],
    opts: CodecOptions,
) -> CodecNegotiation {
    let mut d = Decisions {
        kind,
        offered,
        local,
        kept: vec![None; offered.len()],
        reasons: vec![None; offered.len()],
    };
    d.primary();
    d.dependent(opts);
    d.rtx();
    d.finish(opts)
}

/// The decision for each offered codec while the passes run.
struct Decisions<'a> {
    kind: MediaKind,
    offered: &'a [RtpCodec],
    local: &'a [Codec],
    kept: Vec<Option<RtpCodec>>,
    reasons: Vec<Option<String>>,
}

/// The answer's codec: the offered one, with its rtcp-fb narrowed to the local ones.
fn keep(o: &RtpCodec, l: &Codec, fmtp: String) -> RtpCodec {
    let mut rtcp_fb: Vec<_> = o
        .rtcp_fb
        .iter()
        .filter(|fb| l.rtcp_fb.iter().any(|lf| lf.eq_ignore_ascii_case(fb)))
        .cloned()
        .collect();
    rtcp_fb.shrink_to_fit();
    RtpCodec {
        pt: o.pt,
        name: o.name.clone(),
        clock_rate: o.clock_rate,
        channels: o.channels,
        fmtp,
        rtcp_fb,
    }
}

impl Decisions<'_> {
    fn kept_primaries(&self) -> impl Iterator<Item = &RtpCodec> {
        self.kept
            .iter()
            .flatten()
            .filter(|k| !k.role().is_secondary())
    }

    fn local_match(&self, o: &RtpCodec) -> Option<&Codec> {
        self.local.iter().find(|l| same_codec(o, l, self.kind))
    }

    /// Primary codecs: same name, rate and channels, and the format
    /// parameters that define the codec (RFC 6184, VP9, AV1).
    fn primary(&mut self) {
        let kind = self.kind;
        for (i, o) in self.offered.iter().enumerate() {
            if o.role().is_secondary() {
                continue;
            }
            let candidates: Vec<&Codec> = self
                .local
                .iter()
                .filter(|l| same_codec(o, l, kind))
                .collect();
            if candidates.is_empty() {
                self.reasons[i] = Some(format!(
                    "no local {kind} codec {}/{}{}",
                    o.name,
                    o.clock_rate,
                    o.channels.map(|c| format!("/{c}")).unwrap_or_default()
                ));
                continue;
            }
            let mut why: Vec<String> = Vec::new();
            for l in &candidates {
                match fmtp_compatible(&o.name, &o.fmtp, &l.fmtp) {
                    Ok(()) => {
                        self.kept[i] = Some(keep(o, l, answer_fmtp(o, l)));
                        why.clear();
                        break;
                    }
                    Err(e) => why.push(e),
                }
            }
            self.reasons[i] = match why.len() {
                0 => None,
                1 => why.pop(),
                // Name every local variant it was compared with.
                _ => Some(format!(
                    "{}; no local {} matches (local: {})",
                    why[0],
                    o.name,
                    candidates
                        .iter()
                        .map(|l| describe(&l.name, &l.fmtp))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
        }
    }

    /// red, fec, telephone-event and CN: kept only next to a kept primary
    /// (RFC 2198 for audio red's encodings, RFC 4733 and RFC 3389 at a kept rate).
    fn dependent(&mut self, opts: CodecOptions) {
        for (i, o) in self.offered.iter().enumerate() {
            let role = o.role();
            if matches!(role, CodecRole::Primary | CodecRole::Rtx) {
                continue;
            }
            let Some(l) = self.local_match(o) else {
                self.reasons[i] = Some(format!(
                    "no local {} codec {}/{}",
                    self.kind, o.name, o.clock_rate
                ));
                continue;
            };
            let result = match role {
                CodecRole::Red if self.kind == MediaKind::Audio => {
                    let pts: Vec<u8> = o
                        .fmtp
                        .split('/')
                        .filter_map(|p| p.trim().parse().ok())
                        .collect();
                    let kept = |pt: &u8| self.kept_primaries().any(|k| k.pt == *pt);
                    if !pts.is_empty() && pts.iter().all(kept) {
                        Ok(())
                    } else {
                        Err(format!("red encodes {} whose codec was refused", o.fmtp))
                    }
                }
                CodecRole::ComfortNoise if !opts.voice_activity_detection => {
                    Err("CN dropped because voice activity detection is off".into())
                }
                CodecRole::TelephoneEvent | CodecRole::ComfortNoise => {
                    if self.kept_primaries().any(|k| k.clock_rate == o.clock_rate) {
                        Ok(())
                    } else {
                        Err(format!("no audio codec at {} Hz was kept", o.clock_rate))
                    }
                }
                _ => {
                    if self.kept_primaries().next().is_some() {
                        Ok(())
                    } else {
                        Err("no primary codec was kept".into())
                    }
                }
            };
            match result {
                Ok(()) => self.kept[i] = Some(keep(o, l, o.fmtp.clone())),
                Err(e) => self.reasons[i] = Some(e),
            }
        }
    }

    /// rtx goes with the codec its apt names (RFC 4588 section 8.6).
    fn rtx(&mut self) {
        for (i, o) in self.offered.iter().enumerate() {
            if o.role() != CodecRole::Rtx {
                continue;
            }
            let Some(l) = self.local_match(o) else {
                self.reasons[i] =
                    Some(format!("no local {} codec rtx/{}", self.kind, o.clock_rate));
                continue;
            };
            match fmtp_param(&o.fmtp, "apt").and_then(|a| a.parse::<u8>().ok()) {
                Some(apt) if self.kept.iter().flatten().any(|k| k.pt == apt) => {
                    self.kept[i] = Some(keep(o, l, o.fmtp.clone()))
                }
                Some(apt) => {
                    self.reasons[i] = Some(format!("rtx for payload type {apt}, which was refused"))
                }
                None => self.reasons[i] = Some("rtx without apt".into()),
            }
        }
    }

    fn finish(self, opts: CodecOptions) -> CodecNegotiation {
        let mut out = CodecNegotiation::default();
        let decided = self.kept.into_iter().zip(self.reasons);
        for ((k, reason), o) in decided.zip(self.offered) {
            match k {
                Some(k) => out.kept.push(k),
                None => out.refused.push(RefusedCodec {
                    pt: o.pt,
                    reason: reason.unwrap_or_else(|| "not supported".into()),
                }),
            }
        }
        if opts.local_order {
            out.kept = order_by_local(out.kept, self.local);
        }
        out.kept.shrink_to_fit();
        out.refused.shrink_to_fit();
        out
    }
}

/// Primary codecs in the order of `local`, each followed by its rtx; then
/// the other secondary codecs in offer order.
fn order_by_local(kept: Vec<RtpCodec>, local: &[Codec]) -> Vec<RtpCodec> {
    let rank = |k: &RtpCodec| {
        local
            .iter()
            .position(|l| {
                l.name.eq_ignore_ascii_case(&k.name)
                    && l.clock_rate == k.clock_rate
                    && fmtp_compatible(&k.name, &k.fmtp, &l.fmtp).is_ok()
            })
            .unwrap_or(usize::MAX)
    };
    let mut primaries: Vec<&RtpCodec> = kept.iter().filter(|k| !k.role().is_secondary()).collect();
    primaries.sort_by_cached_key(|k| rank(k));
    let is_rtx_of = |r: &RtpCodec, pt: u8| {
        r.role() == CodecRole::Rtx
            && fmtp_param(&r.fmtp, "apt").and_then(|a| a.parse().ok()) == Some(pt)
    };
    let mut out: Vec<RtpCodec> = Vec::with_capacity(kept.len());
    for p in primaries {
        out.push(p.clone());
        out.extend(kept.iter().filter(|r| is_rtx_of(r, p.pt)).cloned());
    }
    let rest: Vec<RtpCodec> = kept
        .iter()
        .filter(|k| k.role().is_secondary() && !out.iter().any(|o| o.pt == k.pt))
        .cloned()
        .collect();
    out.extend(rest);
    out
}

/// The codec of `local` that `c` names (for setCodecPreferences, which
/// chooses and orders capabilities: the capability's fmtp and rtcp-fb
/// count). W3C "codec dictionary match": name (any case), clock rate,
/// channels and the fmtp line, whose parameters may come in any order.
pub fn capability_for<'a>(c: &Codec, local: &'a [Codec]) -> Option<&'a Codec> {
    let params = |f: &str| {
        let mut p: Vec<String> = f
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => format!("{}={}", k.trim().to_ascii_lowercase(), v.trim()),
                None => p.to_ascii_lowercase(),
            })
            .collect();
        p.sort();
        p
    };
    let wanted = params(&c.fmtp);
    local.iter().find(|l| {
        l.name.eq_ignore_ascii_case(&c.name)
            && l.clock_rate == c.clock_rate
            && l.channels.unwrap_or(1) == c.channels.unwrap_or(1)
            && params(&l.fmtp) == wanted
    })
}

/// RFC 3551 6: the static payload types rtcpc knows (name, clock rate),
/// which an offer may list without a=rtpmap and which offers use.
const STATIC_PAYLOAD_TYPES: [(u8, &str, u32); 4] = [
    (0, "PCMU", 8000),
    (8, "PCMA", 8000),
    (9, "G722", 8000),
    (13, "CN", 8000),
];

/// The codec (name, clock rate) of a static payload type.
pub fn static_codec(pt: u8) -> Option<(&'static str, u32)> {
    STATIC_PAYLOAD_TYPES
        .iter()
        .find(|(p, _, _)| *p == pt)
        .map(|(_, name, rate)| (*name, *rate))
}

/// The static payload type of a codec, if it has one.
pub fn static_payload_type(f: &Format) -> Option<u8> {
    STATIC_PAYLOAD_TYPES
        .iter()
        .find(|(_, name, rate)| *rate == f.clock_rate && f.name.eq_ignore_ascii_case(name))
        .map(|(pt, _, _)| *pt)
}

/// A codec as SDP describes it, without payload type or feedback: what
/// [`Format::same_codec`] compares.
#[derive(Clone, Copy, Debug)]
pub struct Format<'a> {
    /// Encoding name, any case.
    pub name: &'a str,
    /// RTP clock rate in Hz.
    pub clock_rate: u32,
    /// Channels; None when not given (one).
    pub channels: Option<u32>,
    /// Format parameters ("" when none).
    pub fmtp: &'a str,
}

impl<'a> From<&'a Codec> for Format<'a> {
    fn from(c: &'a Codec) -> Self {
        Format {
            name: &c.name,
            clock_rate: c.clock_rate,
            channels: c.channels,
            fmtp: &c.fmtp,
        }
    }
}

impl<'a> From<&'a RtpCodec> for Format<'a> {
    fn from(c: &'a RtpCodec) -> Self {
        Format {
            name: &c.name,
            clock_rate: c.clock_rate,
            channels: c.channels,
            fmtp: &c.fmtp,
        }
    }
}

impl Format<'_> {
    /// Whether both describe one codec (RFC 3264 8.3.2: what a payload type
    /// must keep naming): name, clock rate and channels, the parameters that
    /// tell a codec's variants apart (H.264 profile and packetization-mode,
    /// VP9 profile-id, AV1 profile), and for rtx and red what they carry.
    pub fn same_codec(&self, other: &Format) -> bool {
        if !self.name.eq_ignore_ascii_case(other.name)
            || self.clock_rate != other.clock_rate
            || self.channels.unwrap_or(1) != other.channels.unwrap_or(1)
        {
            return false;
        }
        let role = CodecRole::of(self.name);
        if self.fmtp == other.fmtp {
            return true;
        }
        // A capability's rtx or red ("" fmtp) binds no payload type yet.
        if role != CodecRole::Primary && (self.fmtp.is_empty() || other.fmtp.is_empty()) {
            return true;
        }
        match role {
            CodecRole::Primary => fmtp_compatible(self.name, self.fmtp, other.fmtp).is_ok(),
            CodecRole::Rtx => fmtp_param(self.fmtp, "apt") == fmtp_param(other.fmtp, "apt"),
            CodecRole::Red => red_encodings(self.fmtp).eq(red_encodings(other.fmtp)),
            _ => true,
        }
    }
}

/// A codec's identity, as [`Format::same_codec`] tells codecs apart (a
/// hash of it): what the connection's record keeps for each payload type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CodecId(u64);

impl Format<'_> {
    /// The identity `same_codec` compares: name (any case), clock rate,
    /// channels, and the parameters that tell variants apart, hashed once.
    pub fn id(&self) -> CodecId {
        let mut h = Fnv::default();
        self.name
            .bytes()
            .for_each(|b| h.byte(b.to_ascii_lowercase()));
        h.byte(0xff);
        h.word(u64::from(self.clock_rate) << 8 | u64::from(self.channels.unwrap_or(1)));
        let param =
            |key: &str, default: &'static str| fmtp_param(self.fmtp, key).unwrap_or(default);
        let is = |n: &str| self.name.eq_ignore_ascii_case(n);
        if is("rtx") {
            h.text(param("apt", ""));
        } else if is("red") {
            red_encodings(self.fmtp).for_each(|e| h.text(e));
        } else if is("h264") {
            match h264_profile_level(self.fmtp) {
                Some(p) => h.word(p.profile as u64),
                None => h.text(param("profile-level-id", "42000a")),
            }
            h.text(packetization_mode(self.fmtp));
        } else if is("vp9") {
            h.text(param("profile-id", "0"));
        } else if is("av1") {
            h.text(param("profile", "0"));
        }
        CodecId(h.0)
    }
}

/// FNV-1a, 64 bits: a stable hash of a few short fields.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    const PRIME: u64 = 0x0100_0000_01b3;
    fn byte(&mut self, b: u8) {
        self.0 = (self.0 ^ u64::from(b)).wrapping_mul(Self::PRIME);
    }
    /// A number, mixed in whole.
    fn word(&mut self, w: u64) {
        self.0 = (self.0 ^ w).wrapping_mul(Self::PRIME).rotate_left(29);
    }
    /// A field: its bytes, then a separator no field has.
    fn text(&mut self, t: &str) {
        t.trim().bytes().for_each(|b| self.byte(b));
        self.byte(0xff);
    }
}

/// The payload types an RFC 2198 red fmtp ("111/111") names.
fn red_encodings(fmtp: &str) -> impl Iterator<Item = &str> {
    fmtp.split('/').map(str::trim).filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    /// fmtp_param reads a parameter as `split(';')` then `split_once('=')` would.
    #[test]
    fn fmtp_param_finds_what_split_finds() {
        let by_split = |fmtp: &str, key: &str| {
            fmtp.split(';').find_map(|kv| {
                let (k, v) = kv.split_once('=')?;
                k.trim()
                    .eq_ignore_ascii_case(key)
                    .then(|| v.trim().to_string())
            })
        };
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/corpus/offers");
        let mut values: Vec<String> = [
            "",
            ";",
            "=",
            "a",
            "a=",
            "=1",
            " apt = 96 ;x=1",
            "x=1;;APT=7;apt=8",
            "\u{e9}=1;apt=\u{e9}",
        ]
        .map(String::from)
        .to_vec();
        for e in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            values.extend(
                text.lines()
                    .filter_map(|l| l.strip_prefix("a=fmtp:"))
                    .map(|v| v.split_once(' ').map_or(v, |(_, p)| p).to_string()),
            );
        }
        for v in &values {
            for key in [
                "apt",
                "profile-level-id",
                "packetization-mode",
                "profile-id",
                "x",
                "",
                "level-asymmetry-allowed",
            ] {
                assert_eq!(
                    super::fmtp_param(v, key).map(str::to_string),
                    by_split(v, key),
                    "{v:?} {key}"
                );
            }
        }
    }

    use super::*;

    /// One codec identity: `id()` is equal exactly where `same_codec` says
    /// two codecs are one, on every codec the shipped offers describe (an rtx
    /// or red without parameters, a capability, matches any: left out).
    #[test]
    fn codec_id_is_same_codec() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/corpus/offers");
        let mut codecs: Vec<(String, u32, Option<u32>, String)> = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            for map in text.lines().filter_map(|l| l.strip_prefix("a=rtpmap:")) {
                let Some((pt, enc)) = map.split_once(' ') else {
                    continue;
                };
                let mut parts = enc.trim().split('/');
                let name = parts.next().unwrap_or("").to_string();
                let Some(rate) = parts.next().and_then(|r| r.parse().ok()) else {
                    continue;
                };
                let channels = parts.next().and_then(|c| c.parse().ok());
                let fmtp = text
                    .lines()
                    .find_map(|l| l.strip_prefix(&format!("a=fmtp:{pt} ")))
                    .unwrap_or("")
                    .trim()
                    .to_string();
                codecs.push((name, rate, channels, fmtp));
            }
        }
        codecs.sort();
        codecs.dedup();
        codecs.retain(|c| CodecRole::of(&c.0) == CodecRole::Primary || !c.3.is_empty());
        assert!(codecs.len() > 80, "{} codecs", codecs.len());
        fn f(c: &(String, u32, Option<u32>, String)) -> Format<'_> {
            Format {
                name: &c.0,
                clock_rate: c.1,
                channels: c.2,
                fmtp: &c.3,
            }
        }
        for a in &codecs {
            for b in &codecs {
                let (fa, fb) = (f(a), f(b));
                assert_eq!(fa.same_codec(&fb), fa.id() == fb.id(), "{a:?} {b:?}");
            }
        }
    }

    fn oc(pt: u8, name: &str, rate: u32, ch: Option<u32>, fmtp: &str) -> RtpCodec {
        RtpCodec {
            pt,
            name: name.into(),
            clock_rate: rate,
            channels: ch,
            fmtp: fmtp.into(),
            rtcp_fb: vec!["nack".into(), "goog-lntf".into()],
        }
    }
    const OPTS: CodecOptions = CodecOptions {
        voice_activity_detection: true,
        local_order: false,
    };

    #[test]
    fn rfc6184_h264_profile_must_match_and_level_is_narrowed() {
        let caps = Capabilities::default();
        let offered = vec![
            oc(
                102,
                "H264",
                90000,
                None,
                "level-asymmetry-allowed=0;packetization-mode=1;profile-level-id=640c34",
            ),
            oc(
                103,
                "H264",
                90000,
                None,
                "packetization-mode=1;profile-level-id=42e034",
            ),
            oc(104, "rtx", 90000, None, "apt=102"),
            oc(105, "rtx", 90000, None, "apt=103"),
        ];
        let n = negotiate(MediaKind::Video, &offered, &caps.video, OPTS);
        let pts: Vec<u8> = n.kept.iter().map(|k| k.pt).collect();
        // 640c34 is Constrained High, which the defaults do not have.
        assert_eq!(pts, vec![103, 105]);
        // Level narrowed to the local 3.1 (1f) since the offer does not allow asymmetry.
        assert_eq!(
            n.kept[0].fmtp,
            "packetization-mode=1;profile-level-id=42e01f"
        );
        assert!(n
            .refused
            .iter()
            .any(|r| r.pt == 104 && r.reason.contains("102")));
        // Unknown feedback is not answered.
        assert_eq!(n.kept[0].rtcp_fb, vec![Arc::from("nack")]);
    }

    #[test]
    fn rfc6184_packetization_mode_must_be_equal() {
        let local = vec![Codec::new(
            "H264",
            90000,
            None,
            "packetization-mode=1;profile-level-id=42e01f",
            &[],
        )];
        let offered = vec![oc(96, "H264", 90000, None, "profile-level-id=42e01f")];
        let n = negotiate(MediaKind::Video, &offered, &local, OPTS);
        assert!(n.kept.is_empty());
        assert!(
            n.refused[0].reason.contains("packetization-mode 0"),
            "{}",
            n.refused[0].reason
        );
    }

    #[test]
    fn vp9_profile_and_opus_fmtp() {
        let caps = Capabilities::default();
        let n = negotiate(
            MediaKind::Video,
            &[oc(98, "VP9", 90000, None, "profile-id=1")],
            &caps.video,
            OPTS,
        );
        assert!(n.kept.is_empty());
        let n = negotiate(
            MediaKind::Audio,
            &[oc(
                109,
                "opus",
                48000,
                Some(2),
                "maxplaybackrate=48000;stereo=1;useinbandfec=1",
            )],
            &caps.audio,
            OPTS,
        );
        assert_eq!(n.kept[0].fmtp, "minptime=10;useinbandfec=1");
    }

    /// Issue 12.8: AV1 level-idx and tier are the lower of offer and local.
    #[test]
    fn av1_level_and_tier_are_negotiated_against_the_local_ones() {
        let local = "level-idx=5;profile=0;tier=0";
        assert_eq!(
            av1_answer_fmtp("level-idx=8;profile=0;tier=1", local),
            "level-idx=5;profile=0;tier=0"
        );
        assert_eq!(
            av1_answer_fmtp("level-idx=2;profile=0;tier=0", local),
            "level-idx=2;profile=0;tier=0"
        );
        assert_eq!(av1_answer_fmtp("", local), "");
        assert_eq!(
            av1_answer_fmtp("profile=0", "level-idx=4"),
            "profile=0;level-idx=4"
        );
        let local = [Codec::new("AV1", 90000, None, local, &[])];
        let n = negotiate(
            MediaKind::Video,
            &[oc(45, "AV1", 90000, None, "level-idx=12;profile=0;tier=1")],
            &local,
            CodecOptions {
                voice_activity_detection: true,
                local_order: false,
            },
        );
        assert_eq!(n.kept[0].fmtp, "level-idx=5;profile=0;tier=0");
    }

    #[test]
    fn telephone_event_and_cn_follow_kept_rates() {
        let caps = Capabilities::default();
        let offered = vec![
            oc(111, "opus", 48000, Some(2), ""),
            oc(126, "telephone-event", 8000, None, "0-15"),
            oc(110, "telephone-event", 48000, None, "0-15"),
            oc(13, "CN", 8000, None, ""),
            oc(63, "red", 48000, Some(2), "111/111"),
        ];
        let n = negotiate(MediaKind::Audio, &offered, &caps.audio, OPTS);
        let pts: Vec<u8> = n.kept.iter().map(|k| k.pt).collect();
        assert_eq!(pts, vec![111, 110, 63]);
    }
}
