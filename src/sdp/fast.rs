//! a=rtpmap, a=rtcp-fb and a=fingerprint in the form every browser writes
//! them, read without webrtc-sdp: the first two are half the lines of a
//! typical offer, and webrtc-sdp's line parser costs ~3,400 instructions a
//! line (a fingerprint ~20,000, printed back as much). Anything not in that
//! exact form returns None and goes to webrtc-sdp, so what is accepted,
//! refused or ignored stays webrtc-sdp's decision; the tests below hold the
//! two to the same result.

use webrtc_sdp::attribute_type::{
    SdpAttributeFingerprint, SdpAttributeFingerprintHashType, SdpAttributePayloadType,
    SdpAttributeRtpmap,
};

/// ASCII digits only (no sign, no spaces), as a number that fits.
fn number<T: std::str::FromStr>(s: &str) -> Option<T> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// A codec name: a token without '/' and without whitespace or controls.
fn name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic() && b != b'/')
}

/// `<pt> <name>/<rate>[/<channels>]`, pt in 0-127, after "a=rtpmap:".
pub fn rtpmap(value: &str) -> Option<SdpAttributeRtpmap> {
    let (pt, codec) = value.split_once(' ')?;
    let pt: u8 = number(pt).filter(|p| *p <= 127)?;
    let mut parts = codec.split('/');
    let (codec_name, rate) = (parts.next()?, parts.next()?);
    let channels: Option<u32> = match parts.next() {
        Some(c) => Some(number(c)?),
        None => None,
    };
    if !name(codec_name) || parts.next().is_some() {
        return None;
    }
    Some(SdpAttributeRtpmap {
        payload_type: pt,
        codec_name: codec_name.to_string(),
        frequency: number(rate)?,
        channels,
    })
}

/// The feedback values browsers offer (RFC 4585, 5104, the goog-remb and
/// transport-cc drafts), as webrtc-sdp stores them.
const FEEDBACK: &[&str] = &["nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"];

/// `<pt>|* <feedback>` after "a=rtcp-fb:": the payload type and the value.
pub fn rtcp_fb(value: &str) -> Option<(SdpAttributePayloadType, &str)> {
    let (pt, feedback) = value.split_once(' ')?;
    let pt = match pt {
        "*" => SdpAttributePayloadType::Wildcard,
        _ => SdpAttributePayloadType::PayloadType(number(pt)?),
    };
    FEEDBACK.contains(&feedback).then_some((pt, feedback))
}

/// `sha-256 AB:CD:...` (32 octets) after "a=fingerprint:".
pub fn fingerprint(value: &str) -> Option<SdpAttributeFingerprint> {
    let octets = value.strip_prefix("sha-256 ")?.as_bytes();
    if octets.len() != 32 * 3 - 1 {
        return None;
    }
    let hex = |c: u8| (c as char).to_digit(16);
    let mut fingerprint = Vec::with_capacity(32);
    for octet in octets.chunks(3) {
        if octet.len() == 3 && octet[2] != b':' {
            return None;
        }
        fingerprint.push((hex(octet[0])? << 4 | hex(octet[1])?) as u8);
    }
    Some(SdpAttributeFingerprint {
        hash_algorithm: SdpAttributeFingerprintHashType::Sha256,
        fingerprint,
    })
}

/// A fingerprint as webrtc-sdp prints it ("sha-256 AB:CD:..."), without
/// its formatter (a format! per octet).
pub fn fingerprint_text(f: &SdpAttributeFingerprint) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = f.hash_algorithm.to_string();
    s.reserve(1 + f.fingerprint.len() * 3);
    for (i, b) in f.fingerprint.iter().enumerate() {
        s.push(if i == 0 { ' ' } else { ':' });
        s.push(HEX[usize::from(b >> 4)].into());
        s.push(HEX[usize::from(b & 15)].into());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use webrtc_sdp::attribute_type::SdpAttribute;

    fn show(r: &SdpAttributeRtpmap) -> String {
        let (pt, name, rate, ch) = (r.payload_type, &r.codec_name, r.frequency, r.channels);
        format!("{pt} {name} {rate} {ch:?}")
    }

    /// What webrtc-sdp makes of the line, in the fast path's terms; None
    /// when it fails or gives something else.
    fn slow_rtpmap(line: &str) -> Option<String> {
        match webrtc_sdp::parse_sdp_line(line, 1).ok()?.sdp_type {
            webrtc_sdp::SdpType::Attribute(SdpAttribute::Rtpmap(r)) => Some(show(&r)),
            _ => None,
        }
    }

    fn slow_rtcp_fb(line: &str) -> Option<String> {
        match webrtc_sdp::parse_sdp_line(line, 1).ok()?.sdp_type {
            webrtc_sdp::SdpType::Attribute(SdpAttribute::Rtcpfb(fb)) => {
                let mut v = fb.feedback_type.to_string();
                if !fb.parameter.is_empty() {
                    v.push(' ');
                    v.push_str(&fb.parameter);
                }
                Some(format!("{:?} {v}", fb.payload_type))
            }
            _ => None,
        }
    }

    fn slow_fingerprint(line: &str) -> Option<String> {
        match webrtc_sdp::parse_sdp_line(line, 1).ok()?.sdp_type {
            webrtc_sdp::SdpType::Attribute(SdpAttribute::Fingerprint(f)) => Some(f.to_string()),
            _ => None,
        }
    }

    /// Every line the fast path reads, webrtc-sdp reads the same.
    fn agrees(line: &str) {
        if let Some(v) = line.strip_prefix("a=fingerprint:") {
            if let Some(f) = fingerprint(v) {
                assert_eq!(
                    Some(fingerprint_text(&f)),
                    slow_fingerprint(line),
                    "{line:?}"
                );
            }
            if let Some(slow) = slow_fingerprint(line) {
                let parsed = webrtc_sdp::parse_sdp_line(line, 1).unwrap().sdp_type;
                let webrtc_sdp::SdpType::Attribute(SdpAttribute::Fingerprint(f)) = parsed else {
                    unreachable!()
                };
                assert_eq!(fingerprint_text(&f), slow, "{line:?}");
            }
        }
        if let Some(v) = line.strip_prefix("a=rtpmap:") {
            if let Some(r) = rtpmap(v) {
                assert_eq!(Some(show(&r)), slow_rtpmap(line), "{line:?}");
            }
        }
        if let Some(v) = line.strip_prefix("a=rtcp-fb:") {
            if let Some((pt, fb)) = rtcp_fb(v) {
                assert_eq!(Some(format!("{pt:?} {fb}")), slow_rtcp_fb(line), "{line:?}");
            }
        }
    }

    fn corpus_lines() -> Vec<String> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/corpus/offers");
        let mut lines = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            lines.extend(
                text.lines()
                    .filter(|l| {
                        ["a=rtpmap:", "a=rtcp-fb:", "a=fingerprint:"]
                            .iter()
                            .any(|p| l.starts_with(p))
                    })
                    .map(str::to_string),
            );
        }
        lines
    }

    #[test]
    fn the_shipped_offers_lines_read_fast_and_as_webrtc_sdp_reads_them() {
        let lines = corpus_lines();
        let fast = lines
            .iter()
            .filter(|l| {
                agrees(l);
                let (rtpmap_v, fb_v) = (l.strip_prefix("a=rtpmap:"), l.strip_prefix("a=rtcp-fb:"));
                let fp_v = l.strip_prefix("a=fingerprint:");
                rtpmap_v.and_then(rtpmap).is_some()
                    || fb_v.and_then(rtcp_fb).is_some()
                    || fp_v.and_then(fingerprint).is_some()
            })
            .count();
        // Nearly all take the fast path (the rest: goog-lntf, ccm tmmbr, ...).
        assert!(fast * 10 > lines.len() * 9, "{fast} of {}", lines.len());
    }

    #[test]
    fn edited_lines_read_fast_only_when_webrtc_sdp_agrees() {
        let edge = [
            "a=rtpmap:128 VP8/90000",
            "a=rtpmap:+96 VP8/90000",
            "a=rtpmap:96  VP8/90000",
            "a=rtpmap:96 VP8/90000 ",
            "a=rtpmap:96 VP8/",
            "a=rtpmap:96 /90000",
            "a=rtpmap:96 VP8/90000/2/1",
            "a=rtpmap:96 VP8/4294967296",
            "a=rtpmap:96 opus/48000/x",
            "a=rtpmap:96 VP8/90000 extra",
            "a=rtpmap:96 V\u{e9}P8/90000",
            "a=rtcp-fb:* nack",
            "a=rtcp-fb:256 nack",
            "a=rtcp-fb:96 nack  pli",
            "a=rtcp-fb:96 nack pli x",
            "a=rtcp-fb:96 goog-remb 1",
            "a=rtcp-fb:96 NACK",
            "a=rtcp-fb:-1 nack",
            "a=fingerprint:sha-256 ab:CD:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD",
            "a=fingerprint:SHA-256 AB:CD:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD",
            "a=fingerprint:sha-256  AB:CD:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD",
            "a=fingerprint:sha-256 AB:CD:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC",
            "a=fingerprint:sha-256 AB:CD:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:D",
            "a=fingerprint:sha-256 +B:CD:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD",
        ];
        for l in edge {
            agrees(l);
        }
        // Every one-byte edit of every shipped line: replaced by a byte that
        // matters to the grammar, or deleted.
        for line in corpus_lines() {
            for i in line.find(':').unwrap() + 1..line.len() {
                if !line.is_char_boundary(i) {
                    continue;
                }
                for c in ["", " ", "/", "0", "9", "x", "*", "-", "+", "\t"] {
                    let mut edited = line.clone();
                    let end = line[i..].chars().next().map_or(i, |ch| i + ch.len_utf8());
                    edited.replace_range(i..end, c);
                    agrees(&edited);
                }
            }
        }
    }
}
