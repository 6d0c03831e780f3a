//! What makes two codecs one: the codec's family read from its name once
//! ([`Family`], [`Format`]), the format parameters that tell variants apart
//! (H.264, H.265, VP9, AV1), and [`Format::same_codec`], the one match that
//! answers, offers' payload types, the connection's record and remote
//! answers use.

use super::{Codec, CodecRole, RtpCodec};

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

pub(super) fn replace_fmtp_param(fmtp: &str, key: &str, value: &str) -> String {
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
    h264_plid(fmtp_param(fmtp, "profile-level-id").unwrap_or("42000a"))
}

/// Parses a profile-level-id value.
fn h264_plid(plid: &str) -> Option<H264ProfileLevel> {
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

/// A codec's family, from its encoding name (any case): what decides how
/// its format parameters are compared and answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// H.264 (RFC 6184): profile and packetization-mode tell variants apart.
    H264,
    /// H.265 (RFC 7798): profile, tier and tx-mode tell variants apart.
    H265,
    /// VP9: profile-id.
    Vp9,
    /// AV1: profile.
    Av1,
    /// rtx (RFC 4588): apt names the codec it repairs.
    Rtx,
    /// red (RFC 2198): the fmtp names the encodings.
    Red,
    /// ulpfec (RFC 5109) or flexfec-03.
    Fec,
    /// telephone-event (RFC 4733).
    TelephoneEvent,
    /// CN (RFC 3389).
    ComfortNoise,
    /// Any other codec, compared by name, rate and channels.
    Other,
}

impl Family {
    /// The family of an encoding name (it runs for every codec compared:
    /// names are told apart by length first).
    pub fn of(name: &str) -> Family {
        let candidates: &[(&str, Family)] = match name.len() {
            2 => &[("CN", Family::ComfortNoise)],
            3 => &[
                ("rtx", Family::Rtx),
                ("red", Family::Red),
                ("VP9", Family::Vp9),
                ("AV1", Family::Av1),
            ],
            4 => &[("H264", Family::H264), ("H265", Family::H265)],
            6 => &[("ulpfec", Family::Fec)],
            10 => &[("flexfec-03", Family::Fec)],
            15 => &[("telephone-event", Family::TelephoneEvent)],
            _ => &[],
        };
        candidates
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or(Family::Other, |(_, f)| *f)
    }

    /// Whether format parameters tell its variants apart.
    pub fn has_variants(self) -> bool {
        matches!(
            self,
            Family::H264 | Family::H265 | Family::Vp9 | Family::Av1
        )
    }

    /// What a codec of this family is for.
    pub fn role(self) -> CodecRole {
        match self {
            Family::Rtx => CodecRole::Rtx,
            Family::Red => CodecRole::Red,
            Family::Fec => CodecRole::Fec,
            Family::TelephoneEvent => CodecRole::TelephoneEvent,
            Family::ComfortNoise => CodecRole::ComfortNoise,
            _ => CodecRole::Primary,
        }
    }
}

/// A codec as SDP describes it, without payload type or feedback, its
/// name read once: the one identity answers, offers' payload types, the
/// connection's record and remote answers compare with [`Format::same_codec`].
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
    /// The family the name gives.
    pub family: Family,
    /// The parameters that tell its variants apart, read once.
    variant: Variant<'a>,
}

/// The parameters that make a codec's variant, with their defaults applied.
#[derive(Clone, Copy, Debug)]
enum Variant<'a> {
    /// No parameter tells variants apart.
    None,
    /// H.264: the profile (None: not a known one), profile-level-id as
    /// written and packetization-mode.
    H264(Option<H264Profile>, &'a str, &'a str),
    /// The values of the family's `variant_keys`, in order.
    Params([&'a str; 4]),
}

impl<'a> From<&'a Codec> for Format<'a> {
    fn from(c: &'a Codec) -> Self {
        Format::new(&c.name, c.clock_rate, c.channels, &c.fmtp)
    }
}

impl<'a> From<&'a RtpCodec> for Format<'a> {
    fn from(c: &'a RtpCodec) -> Self {
        Format::new(&c.name, c.clock_rate, c.channels, &c.fmtp)
    }
}

/// Why two codecs of one encoding are different variants: the parameter
/// and both values (formatted only when a reason is wanted).
#[derive(Clone, Copy, Debug)]
pub enum Diff<'a> {
    /// The offered H.264 profile-level-id names no known profile.
    UnknownH264Profile(&'a str),
    /// The local H.264 profile-level-id names no known profile.
    LocalH264Invalid,
    /// Two H.264 profiles.
    H264Profile(H264Profile, &'a str, H264Profile),
    /// A parameter that must be equal: codec, key, offered and local value.
    Param(&'static str, &'static str, &'a str, &'a str),
}

impl std::fmt::Display for Diff<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Diff::UnknownH264Profile(plid) => {
                write!(f, "H264 profile-level-id {plid} is not a known profile")
            }
            Diff::LocalH264Invalid => f.write_str("local H264 profile-level-id is invalid"),
            Diff::H264Profile(o, plid, l) => write!(
                f,
                "H264 profile {o:?} (profile-level-id {plid}) differs from local {l:?}"
            ),
            Diff::Param(codec, key, o, l) => {
                write!(f, "{codec} {key} {o} offered, local has {key} {l}")
            }
        }
    }
}

impl<'a> Format<'a> {
    /// A codec's format, its family read from the name and its variant
    /// from the fmtp.
    pub fn new(name: &'a str, clock_rate: u32, channels: Option<u32>, fmtp: &'a str) -> Self {
        let family = Family::of(name);
        let param = |key: &str, default: &'static str| fmtp_param(fmtp, key).unwrap_or(default);
        let variant = match family {
            Family::H264 => {
                let plid = param("profile-level-id", "42000a");
                let profile = h264_plid(plid).map(|p| p.profile);
                Variant::H264(profile, plid, param("packetization-mode", "0"))
            }
            _ => {
                let keys = variant_keys(family);
                if keys.is_empty() {
                    Variant::None
                } else {
                    let mut values = [""; 4];
                    for (v, (key, default)) in values.iter_mut().zip(keys) {
                        *v = param(key, default);
                    }
                    Variant::Params(values)
                }
            }
        };
        Format {
            name,
            clock_rate,
            channels,
            fmtp,
            family,
            variant,
        }
    }

    /// Same encoding: name (any case), clock rate and channels (none is one).
    pub fn same_encoding(&self, other: &Format) -> bool {
        self.name.eq_ignore_ascii_case(other.name)
            && self.clock_rate == other.clock_rate
            && self.channels.unwrap_or(1) == other.channels.unwrap_or(1)
    }

    /// For two codecs of one encoding (`self` offered, `other` local), the
    /// parameter that makes them different variants, if one does (RFC 6184
    /// profile and packetization-mode, RFC 7798 profile, tier and tx-mode,
    /// VP9 profile-id, AV1 profile).
    pub fn variant_diff(&self, other: &Format<'a>) -> Option<Diff<'a>> {
        match (self.variant, other.variant) {
            (Variant::H264(o, plid, om), Variant::H264(l, _, lm)) => {
                let Some(o) = o else {
                    return Some(Diff::UnknownH264Profile(plid));
                };
                let Some(l) = l else {
                    return Some(Diff::LocalH264Invalid);
                };
                if o != l {
                    return Some(Diff::H264Profile(o, plid, l));
                }
                (om != lm).then_some(Diff::Param("H264", "packetization-mode", om, lm))
            }
            (Variant::Params(o), Variant::Params(l)) => {
                let codec = match self.family {
                    Family::H265 => "H265",
                    Family::Vp9 => "VP9",
                    _ => "AV1",
                };
                let keys = variant_keys(self.family).iter();
                keys.zip(o.iter().zip(&l))
                    .find(|(_, (o, l))| !o.eq_ignore_ascii_case(l))
                    .map(|((key, _), (o, l))| Diff::Param(codec, key, o, l))
            }
            _ => None,
        }
    }

    /// Whether both describe one codec (RFC 3264 8.3.2: what a payload type
    /// must keep naming): the same encoding, the same variant, and for rtx
    /// and red what they carry. A capability's rtx or red ("" fmtp) binds
    /// no payload type yet and matches any.
    pub fn same_codec(&self, other: &Format) -> bool {
        if !self.same_encoding(other) {
            return false;
        }
        if self.fmtp == other.fmtp {
            return true;
        }
        let role = self.family.role();
        if role != CodecRole::Primary && (self.fmtp.is_empty() || other.fmtp.is_empty()) {
            return true;
        }
        match self.family {
            Family::Rtx => fmtp_param(self.fmtp, "apt") == fmtp_param(other.fmtp, "apt"),
            Family::Red => red_encodings(self.fmtp).eq(red_encodings(other.fmtp)),
            _ if role == CodecRole::Primary => self.variant_diff(other).is_none(),
            _ => true,
        }
    }

    /// W3C "codec dictionary match" (setCodecPreferences): the same
    /// encoding and the same fmtp line, its parameters in any order.
    pub fn same_capability(&self, other: &Format) -> bool {
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
        self.same_encoding(other) && params(self.fmtp) == params(other.fmtp)
    }

    /// The parameters that tell this variant from others, for messages.
    pub fn describe(&self) -> String {
        match self.variant {
            Variant::H264(profile, _, mode) => {
                let profile =
                    profile.map_or_else(|| "unknown profile".into(), |p| format!("{p:?}"));
                format!("{profile} packetization-mode {mode}")
            }
            Variant::Params(values) => variant_keys(self.family)
                .iter()
                .zip(values)
                .map(|((key, _), v)| format!("{key} {v}"))
                .collect::<Vec<_>>()
                .join(" "),
            Variant::None => self.fmtp.to_string(),
        }
    }

    /// The identity `same_codec` compares, hashed once: name (any case),
    /// clock rate, channels, and the parameters that tell variants apart.
    pub fn id(&self) -> CodecId {
        let mut h = Fnv::default();
        self.name
            .bytes()
            .for_each(|b| h.byte(b.to_ascii_lowercase()));
        h.byte(0xff);
        h.word(u64::from(self.clock_rate) << 8 | u64::from(self.channels.unwrap_or(1)));
        match (self.family, self.variant) {
            (Family::Rtx, _) => h.text(fmtp_param(self.fmtp, "apt").unwrap_or("")),
            (Family::Red, _) => red_encodings(self.fmtp).for_each(|e| h.text(e)),
            (_, Variant::H264(profile, plid, mode)) => {
                match profile {
                    Some(p) => h.word(p as u64),
                    None => h.text(plid),
                }
                h.text(mode);
            }
            (_, Variant::Params(values)) => {
                let n = variant_keys(self.family).len();
                values[..n]
                    .iter()
                    .for_each(|v| h.text(&v.to_ascii_uppercase()));
            }
            _ => {}
        }
        CodecId(h.0)
    }
}

/// The format parameters (key, default) that tell a family's variants
/// apart, H.264 aside.
fn variant_keys(family: Family) -> &'static [(&'static str, &'static str)] {
    match family {
        Family::H265 => &H265_IDENTITY,
        Family::Vp9 => &[("profile-id", "0")],
        Family::Av1 => &[("profile", "0")],
        _ => &[],
    }
}

/// RFC 7798 7.2.2: the H.265 parameters used symmetrically, with their
/// defaults (section 7.1), as libwebrtc compares them (and profile-space,
/// which no browser writes); level-id is answered as the lower level
/// instead. interop-constraints and profile-compatibility-indicator, also
/// symmetric, are left out: no browser writes them either.
const H265_IDENTITY: [(&str, &str); 4] = [
    ("profile-space", "0"),
    ("profile-id", "1"),
    ("tier-flag", "0"),
    ("tx-mode", "SRST"),
];

/// A codec's identity, as [`Format::same_codec`] tells codecs apart (a
/// hash of it): what the connection's record keeps for each payload type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CodecId(u64);

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
        // H.265 as Chrome and Safari write it, and variants (RFC 7798).
        for fmtp in [
            "",
            "level-id=180;profile-id=1;tier-flag=0;tx-mode=SRST",
            "level-id=93;profile-id=1;tier-flag=0;tx-mode=srst",
            "level-id=180;profile-id=2;tier-flag=0;tx-mode=SRST",
            "profile-id=1;tier-flag=1",
            "tx-mode=MRST",
        ] {
            codecs.push(("H265".into(), 90000, None, fmtp.into()));
        }
        codecs.sort();
        codecs.dedup();
        codecs.retain(|c| CodecRole::of(&c.0) == CodecRole::Primary || !c.3.is_empty());
        assert!(codecs.len() > 80, "{} codecs", codecs.len());
        fn f(c: &(String, u32, Option<u32>, String)) -> Format<'_> {
            Format::new(&c.0, c.1, c.2, &c.3)
        }
        for a in &codecs {
            for b in &codecs {
                let (fa, fb) = (f(a), f(b));
                assert_eq!(fa.same_codec(&fb), fa.id() == fb.id(), "{a:?} {b:?}");
            }
        }
    }
}
