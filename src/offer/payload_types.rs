//! Payload types and header extension ids an offerer chooses (JSEP 5.2.1):
//! one space per BUNDLE group (RFC 8843 9.1: a payload type names one codec
//! on a transport), kept by the connection so re-offers reuse them (JSEP
//! 5.2.2).

use crate::codec::{Codec, CodecRole, RtpCodec};
use crate::transceiver::MediaKind;
use std::sync::Arc;

/// What makes two codecs the same one here: the name (lowercased), clock
/// rate, channels and fmtp.
type CodecKey = (String, u32, Option<u32>, String);

/// The payload types given out so far, by codec.
#[derive(Clone, Debug, Default)]
pub struct PayloadTypes {
    given: Vec<(CodecKey, u8)>,
}

/// RFC 3551's static payload types for the codecs that have one.
fn static_pt(name: &str, rate: u32) -> Option<u8> {
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    match rate {
        8000 if is("PCMU") => Some(0),
        8000 if is("PCMA") => Some(8),
        8000 if is("G722") => Some(9),
        8000 if is("CN") => Some(13),
        _ => None,
    }
}

/// Dynamic payload types (RFC 3551 6): 96-127 first, then 35-63 as
/// browsers do; 64-95 stay free (RFC 5761 4: they clash with RTCP under rtcp-mux).
fn dynamic_range() -> impl Iterator<Item = u8> {
    (96..=127).chain(35..=63)
}

impl PayloadTypes {
    /// Takes a payload type the current negotiation gave this codec: later
    /// offers keep it (RFC 3264 8.3.2: a payload type keeps its codec for
    /// the session), and no other codec gets it.
    pub fn keep(&mut self, name: &str, rate: u32, channels: Option<u32>, fmtp: &str, pt: u8) {
        let key = (name.to_ascii_lowercase(), rate, channels, fmtp.to_string());
        self.given.retain(|(k, p)| *k != key && *p != pt);
        self.given.push((key, pt));
    }

    /// The payload type of this codec (name, rate, channels and fmtp), the
    /// one given before if any, else a free one; None when none is left.
    pub fn of(&mut self, name: &str, rate: u32, channels: Option<u32>, fmtp: &str) -> Option<u8> {
        let key = (name.to_ascii_lowercase(), rate, channels, fmtp.to_string());
        if let Some((_, pt)) = self.given.iter().find(|(k, _)| *k == key) {
            return Some(*pt);
        }
        let taken = |pt: u8| self.given.iter().any(|(_, p)| *p == pt);
        let pt = static_pt(name, rate)
            .filter(|p| !taken(*p))
            .or_else(|| dynamic_range().find(|p| !taken(*p)))?;
        self.given.push((key, pt));
        Some(pt)
    }
}

/// The codecs an offer of `kind` carries, with payload types: the primary
/// codecs of `local` in order, an rtx after each video one (RFC 4588, apt),
/// then red (audio red encoding the first primary twice, RFC 2198), ulpfec,
/// CN when `vad`, and telephone-event at the rates of the primaries.
pub fn offered_codecs(
    kind: MediaKind,
    local: &[Codec],
    pts: &mut PayloadTypes,
    vad: bool,
) -> Vec<RtpCodec> {
    let has = |role: CodecRole| local.iter().find(|c| CodecRole::of(&c.name) == role);
    let mut out: Vec<RtpCodec> = Vec::new();
    let mut push = |c: &Codec, fmtp: String, out: &mut Vec<RtpCodec>| {
        let Some(pt) = pts.of(&c.name, c.clock_rate, c.channels, &fmtp) else {
            log::warn!("createOffer: no payload type left for {}", c.name);
            return None;
        };
        out.push(RtpCodec {
            pt,
            name: c.name.clone(),
            clock_rate: c.clock_rate,
            channels: c.channels,
            fmtp,
            rtcp_fb: c.rtcp_fb.iter().map(|f| Arc::from(f.as_str())).collect(),
        });
        Some(pt)
    };
    let rtx = has(CodecRole::Rtx).filter(|_| kind == MediaKind::Video);
    for c in local
        .iter()
        .filter(|c| CodecRole::of(&c.name) == CodecRole::Primary)
    {
        let Some(pt) = push(c, c.fmtp.clone(), &mut out) else {
            continue;
        };
        if let Some(r) = rtx {
            push(r, format!("apt={pt}"), &mut out);
        }
    }
    let first = out.first().map(|c| (c.pt, c.clock_rate));
    let rates: Vec<u32> = out.iter().map(|c| c.clock_rate).collect();
    for c in local {
        let fmtp = match CodecRole::of(&c.name) {
            CodecRole::Red if kind == MediaKind::Audio => match first {
                Some((pt, rate)) if rate == c.clock_rate => format!("{pt}/{pt}"),
                _ => continue,
            },
            CodecRole::Red | CodecRole::Fec => c.fmtp.clone(),
            CodecRole::ComfortNoise if vad && rates.contains(&c.clock_rate) => c.fmtp.clone(),
            CodecRole::TelephoneEvent if rates.contains(&c.clock_rate) => c.fmtp.clone(),
            _ => continue,
        };
        push(c, fmtp, &mut out);
    }
    out
}

/// Header extension ids (RFC 8285 5): one id per URI for the whole
/// connection, 1-14 (one-byte headers); 15 and above only with
/// extmap-allow-mixed, which offers always carry.
#[derive(Clone, Debug, Default)]
pub struct ExtensionIds {
    given: Vec<(Arc<str>, u16)>,
}

impl ExtensionIds {
    /// Takes an id the current negotiation gave `uri` (RFC 8285 6: an id
    /// keeps its extension for the session); no other URI gets it.
    pub fn keep(&mut self, uri: &str, id: u16) {
        self.given.retain(|(u, i)| &**u != uri && *i != id);
        self.given.push((Arc::from(uri), id));
    }

    /// The id of `uri`: the one given before, else the lowest free one.
    pub fn of(&mut self, uri: &str) -> Option<(u16, Arc<str>)> {
        if let Some((u, id)) = self.given.iter().find(|(u, _)| &**u == uri) {
            return Some((*id, u.clone()));
        }
        let id = (1..=255u16).find(|id| *id != 15 && !self.given.iter().any(|(_, i)| i == id))?;
        let uri: Arc<str> = Arc::from(uri);
        self.given.push((uri.clone(), id));
        Some((id, uri))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Capabilities;

    #[test]
    fn jsep_5_2_1_payload_types_are_unique_and_stable() {
        let caps = Capabilities::default();
        let mut pts = PayloadTypes::default();
        let audio = offered_codecs(MediaKind::Audio, &caps.audio, &mut pts, true);
        let video = offered_codecs(MediaKind::Video, &caps.video, &mut pts, true);
        let mut all: Vec<u8> = audio.iter().chain(&video).map(|c| c.pt).collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "one payload type space for the bundle");
        assert!(all.iter().all(|p| !(64..=95).contains(p)));
        let pcmu = audio.iter().find(|c| c.name == "PCMU").unwrap();
        assert_eq!(pcmu.pt, 0);
        // An rtx after every video primary, naming it.
        for (i, c) in video.iter().enumerate() {
            if c.role() == CodecRole::Primary {
                assert_eq!(video[i + 1].name, "rtx");
                assert_eq!(video[i + 1].fmtp, format!("apt={}", c.pt));
            }
        }
        // Audio red encodes opus twice; CN and telephone-event only at kept rates.
        let opus = audio[0].pt;
        let red = audio.iter().find(|c| c.name == "red").unwrap();
        assert_eq!(red.fmtp, format!("{opus}/{opus}"));
        assert!(audio
            .iter()
            .all(|c| c.name != "CN" || [8000, 48000].contains(&c.clock_rate)));
        // A re-offer gets the same payload types.
        let again = offered_codecs(MediaKind::Video, &caps.video, &mut pts, true);
        assert_eq!(again, video);
        let no_vad = offered_codecs(MediaKind::Audio, &caps.audio, &mut pts, false);
        assert!(no_vad.iter().all(|c| c.name != "CN"));
    }

    #[test]
    fn rfc8285_5_one_id_per_uri_and_no_15() {
        let mut ids = ExtensionIds::default();
        let a = ids.of("urn:a").unwrap().0;
        assert_eq!(a, 1);
        assert_eq!(ids.of("urn:a").unwrap().0, 1);
        let more: Vec<u16> = (0..15)
            .map(|i| ids.of(&format!("urn:{i}")).unwrap().0)
            .collect();
        assert!(!more.contains(&15) && more.contains(&16));
    }
}
