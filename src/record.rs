//! What a connection's descriptions have given meaning to, for the
//! connection's whole life: every mid (RFC 8843 9.1: a mid never names
//! another m-line), every payload type with its codec (RFC 3264 8.3.2, RFC
//! 8843 9.1) and every header extension id with its URI (RFC 8285 6).
//! Every applied description adds to it, local or remote, offer or answer;
//! offers take their new numbers from it, so none is handed out twice.

use crate::codec::{Codec, Format, RtpCodec};
use std::collections::HashSet;
use std::sync::Arc;

/// The connection's record of mids, payload types and extension ids.
#[derive(Clone, Debug, Default)]
pub struct SessionRecord {
    mids: HashSet<String>,
    /// Payload types and their codecs.
    pub payload_types: PayloadTypes,
    /// Header extension ids and their URIs.
    pub extension_ids: ExtensionIds,
}

impl SessionRecord {
    /// Notes a mid some description used.
    pub fn learn_mid(&mut self, mid: &str) {
        if !self.mids.contains(mid) {
            self.mids.insert(mid.to_string());
        }
    }

    /// Notes the codecs and extensions of one m-line of an applied description.
    pub fn learn_m_line<'a>(
        &mut self,
        codecs: &[RtpCodec],
        extensions: impl IntoIterator<Item = (u16, &'a str)>,
    ) {
        for c in codecs {
            self.payload_types.learn(c.pt, Format::from(c));
        }
        for (id, uri) in extensions {
            self.extension_ids.learn(uri, id);
        }
    }

    /// JSEP 5.2.1: the lowest number no description used and `taken` does
    /// not hold, as a mid.
    pub fn fresh_mid(&self, taken: impl Fn(&str) -> bool) -> String {
        (0u32..)
            .map(|n| n.to_string())
            .find(|m| !self.mids.contains(m) && !taken(m))
            .expect("a free mid")
    }
}

/// RFC 3551's static payload types for the codecs that have one.
fn static_pt(f: &Format) -> Option<u8> {
    let is = |n: &str| f.name.eq_ignore_ascii_case(n);
    match f.clock_rate {
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

/// Every payload type a description gave, with the codec it named there.
/// A peer may have given one payload type two codecs in different m-lines
/// (an SFU numbering each m-line on its own): then both are kept, and
/// neither is chosen for a codec added later.
#[derive(Clone, Debug, Default)]
pub struct PayloadTypes {
    meanings: Vec<(u8, Codec)>,
}

impl PayloadTypes {
    /// Notes that `pt` named `codec` in a description.
    pub fn learn(&mut self, pt: u8, codec: Format) {
        let known = self
            .meanings
            .iter()
            .any(|(p, c)| *p == pt && same_text(&Format::from(c), &codec));
        if !known {
            self.meanings.push((pt, owned(codec)));
        }
    }

    /// The payload type for `codec` in an m-line whose other codecs use
    /// `used_here`: one that names this codec and nothing else, else a free
    /// one (its static one first), which from now on names it; None when
    /// none is left.
    pub fn of(&mut self, codec: Format, used_here: &[u8]) -> Option<u8> {
        let usable = |pt: u8, this: &Self| !used_here.contains(&pt) && this.names_only(pt, &codec);
        let exact = self
            .meanings
            .iter()
            .find(|(p, c)| same_text(&Format::from(c), &codec) && usable(*p, self));
        let known = exact.or_else(|| {
            self.meanings
                .iter()
                .find(|(p, c)| Format::from(c).same_codec(&codec) && usable(*p, self))
        });
        if let Some((pt, _)) = known {
            return Some(*pt);
        }
        let free = |pt: &u8| !used_here.contains(pt) && !self.meanings.iter().any(|(p, _)| p == pt);
        let pt = static_pt(&codec)
            .filter(|p| free(p))
            .or_else(|| dynamic_range().find(|p| free(p)))?;
        self.meanings.push((pt, owned(codec)));
        Some(pt)
    }

    /// Whether every codec `pt` was given is `codec`.
    fn names_only(&self, pt: u8, codec: &Format) -> bool {
        self.meanings
            .iter()
            .filter(|(p, _)| *p == pt)
            .all(|(_, c)| same_text(&Format::from(c), codec) || Format::from(c).same_codec(codec))
    }
}

/// The same codec written the same way: the cheap test before `same_codec`.
fn same_text(a: &Format, b: &Format) -> bool {
    a.clock_rate == b.clock_rate
        && a.channels == b.channels
        && a.fmtp == b.fmtp
        && a.name.eq_ignore_ascii_case(b.name)
}

fn owned(f: Format) -> Codec {
    Codec {
        name: f.name.to_string(),
        clock_rate: f.clock_rate,
        channels: f.channels,
        fmtp: f.fmtp.to_string(),
        rtcp_fb: Vec::new(),
    }
}

/// Every header extension id a description gave, with its URI (RFC 8285 5:
/// 1-14 for one-byte headers; 16 and above only with extmap-allow-mixed,
/// which rtcpc's offers carry).
#[derive(Clone, Debug, Default)]
pub struct ExtensionIds {
    given: Vec<(Arc<str>, u16)>,
}

impl ExtensionIds {
    /// Notes that `id` named `uri` in a description.
    pub fn learn(&mut self, uri: &str, id: u16) {
        if !self.given.iter().any(|(u, i)| *i == id && &**u == uri) {
            self.given.push((Arc::from(uri), id));
        }
    }

    /// The id of `uri` in an m-line whose other extensions use `used_here`:
    /// one that names `uri` and nothing else, else the lowest free one.
    pub fn of(&mut self, uri: &str, used_here: &[u16]) -> Option<(u16, Arc<str>)> {
        let only = |id: u16| self.given.iter().all(|(u, i)| *i != id || &**u == uri);
        let known = self
            .given
            .iter()
            .find(|(u, id)| &**u == uri && !used_here.contains(id) && only(*id));
        if let Some((u, id)) = known {
            return Some((*id, u.clone()));
        }
        let id = (1..=255u16).find(|id| {
            *id != 15 && !used_here.contains(id) && !self.given.iter().any(|(_, i)| i == id)
        })?;
        let uri: Arc<str> = Arc::from(uri);
        self.given.push((uri.clone(), id));
        Some((id, uri))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f<'a>(name: &'a str, fmtp: &'a str) -> Format<'a> {
        Format {
            name,
            clock_rate: 90000,
            channels: None,
            fmtp,
        }
    }

    #[test]
    fn rfc3264_8_3_2_a_payload_type_given_two_codecs_is_not_reused() {
        let mut pts = PayloadTypes::default();
        pts.learn(101, f("VP8", ""));
        pts.learn(101, f("rtx", "apt=100"));
        pts.learn(127, f("VP8", ""));
        assert_eq!(pts.of(f("VP8", ""), &[]), Some(127));
        assert_eq!(pts.of(f("VP8", ""), &[127]), Some(96));
        let h264 = "packetization-mode=1;profile-level-id=42e01f";
        pts.learn(98, f("H264", h264));
        let ours = "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f";
        assert_eq!(pts.of(f("H264", ours), &[]), Some(98), "the same codec");
        let pcmu = Format {
            name: "PCMU",
            clock_rate: 8000,
            channels: None,
            fmtp: "",
        };
        assert_eq!(pts.of(pcmu, &[]), Some(0));
    }

    #[test]
    fn rfc8285_6_an_id_keeps_its_uri() {
        let mut ids = ExtensionIds::default();
        ids.learn("urn:a", 1);
        ids.learn("urn:b", 1);
        assert_eq!(ids.of("urn:a", &[]).unwrap().0, 2, "1 names two URIs");
        assert_eq!(ids.of("urn:a", &[]).unwrap().0, 2);
        let more: Vec<u16> = (0..14)
            .map(|i| ids.of(&format!("urn:{i}"), &[]).unwrap().0)
            .collect();
        assert!(!more.contains(&15) && more.contains(&16));
    }
}
