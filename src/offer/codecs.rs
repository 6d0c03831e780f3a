//! The codecs an offer lists in each m-line (JSEP 5.2.1, 5.2.2): in a
//! subsequent offer first those the m-line negotiated, with their payload
//! types and in their order (libwebrtc does the same), then the other local
//! codecs, numbered from the connection's record so that no payload type
//! ever names two codecs (RFC 3264 8.3.2, RFC 8843 9.1).

use crate::codec::{Codec, CodecId, CodecRole, Format, RtpCodec};
use crate::record::PayloadTypes;
use crate::transceiver::MediaKind;
use std::sync::Arc;

/// The codecs an offer of `kind` lists: `current` (what the m-line
/// negotiated; CN left out without `vad`), then each primary codec of
/// `local` it lacks with an rtx after each video one (RFC 4588, apt), then
/// red (audio red encoding the first primary twice, RFC 2198), ulpfec, CN
/// when `vad`, and telephone-event at the rates of the primaries.
pub fn offered_codecs(
    kind: MediaKind,
    current: &[RtpCodec],
    local: &[Codec],
    pts: &mut PayloadTypes,
    vad: bool,
) -> Vec<RtpCodec> {
    let mut out: Vec<RtpCodec> = current
        .iter()
        .filter(|c| vad || c.role() != CodecRole::ComfortNoise)
        .cloned()
        .collect();
    let mut push = |c: &Codec, fmtp: String, out: &mut Vec<RtpCodec>| {
        let format = Format::new(&c.name, c.clock_rate, c.channels, &fmtp);
        let Some(pt) = pts.of(format, |pt| out.iter().any(|c| c.pt == pt)) else {
            log::warn!("createOffer: no payload type left for {}", c.name);
            return None;
        };
        out.push(RtpCodec {
            pt,
            name: c.name.as_str().into(),
            clock_rate: c.clock_rate,
            channels: c.channels,
            fmtp: fmtp.into(),
            rtcp_fb: c.rtcp_fb.iter().map(|f| Arc::from(f.as_str())).collect(),
        });
        Some(pt)
    };
    let role_of = |c: &Codec| CodecRole::of(&c.name);
    let rtx = local
        .iter()
        .find(|c| role_of(c) == CodecRole::Rtx)
        .filter(|_| kind == MediaKind::Video);
    let negotiated: Vec<CodecId> = current
        .iter()
        .filter(|c| c.role() == CodecRole::Primary)
        .map(|c| Format::from(c).id())
        .collect();
    for c in local.iter().filter(|c| role_of(c) == CodecRole::Primary) {
        if !negotiated.is_empty() && negotiated.contains(&Format::from(c).id()) {
            continue;
        }
        let Some(pt) = push(c, c.fmtp.clone(), &mut out) else {
            continue;
        };
        if let Some(r) = rtx {
            push(r, format!("apt={pt}"), &mut out);
        }
    }
    let primaries: Vec<(u8, u32)> = out
        .iter()
        .filter(|c| c.role() == CodecRole::Primary)
        .map(|c| (c.pt, c.clock_rate))
        .collect();
    let first = primaries.first().copied();
    let has_rate = |rate: u32| primaries.iter().any(|(_, r)| *r == rate);
    for c in local {
        let role = role_of(c);
        let listed = out
            .iter()
            .any(|o| o.role() == role && o.clock_rate == c.clock_rate);
        let fmtp = match role {
            _ if listed => continue,
            CodecRole::Red if kind == MediaKind::Audio => match first {
                Some((pt, rate)) if rate == c.clock_rate => format!("{pt}/{pt}"),
                _ => continue,
            },
            CodecRole::Red | CodecRole::Fec => c.fmtp.clone(),
            CodecRole::ComfortNoise if vad && has_rate(c.clock_rate) => c.fmtp.clone(),
            CodecRole::TelephoneEvent if has_rate(c.clock_rate) => c.fmtp.clone(),
            _ => continue,
        };
        push(c, fmtp, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Capabilities;

    #[test]
    fn jsep_5_2_1_payload_types_are_unique_and_stable() {
        let caps = Capabilities::default();
        let mut pts = PayloadTypes::default();
        let audio = offered_codecs(MediaKind::Audio, &[], &caps.audio, &mut pts, true);
        let video = offered_codecs(MediaKind::Video, &[], &caps.video, &mut pts, true);
        let mut all: Vec<u8> = audio.iter().chain(&video).map(|c| c.pt).collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "one payload type space for the bundle");
        assert!(all.iter().all(|p| !(64..=95).contains(p)));
        let pcmu = audio.iter().find(|c| &*c.name == "PCMU").unwrap();
        assert_eq!(pcmu.pt, 0);
        // An rtx after every video primary, naming it.
        for (i, c) in video.iter().enumerate() {
            if c.role() == CodecRole::Primary {
                assert_eq!(&*video[i + 1].name, "rtx");
                assert_eq!(*video[i + 1].fmtp, format!("apt={}", c.pt));
            }
        }
        // Audio red encodes opus twice; CN and telephone-event only at kept rates.
        let opus = audio[0].pt;
        let red = audio.iter().find(|c| &*c.name == "red").unwrap();
        assert_eq!(*red.fmtp, format!("{opus}/{opus}"));
        assert!(audio
            .iter()
            .all(|c| &*c.name != "CN" || [8000, 48000].contains(&c.clock_rate)));
        // A re-offer gets the same payload types, from the record or from
        // what the m-line negotiated.
        let again = offered_codecs(MediaKind::Video, &[], &caps.video, &mut pts, true);
        assert_eq!(again, video);
        let negotiated = &video[2..4];
        let again = offered_codecs(MediaKind::Video, negotiated, &caps.video, &mut pts, true);
        assert_eq!(again[..2], *negotiated, "what was negotiated leads");
        let mut rest = again[2..].to_vec();
        rest.sort_by_key(|c| c.pt);
        let mut all = video.clone();
        all.sort_by_key(|c| c.pt);
        all.retain(|c| !negotiated.contains(c));
        assert_eq!(rest, all);
        let no_vad = offered_codecs(MediaKind::Audio, &[], &caps.audio, &mut pts, false);
        assert!(no_vad.iter().all(|c| &*c.name != "CN"));
    }
}
