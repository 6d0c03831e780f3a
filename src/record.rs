//! What a connection's descriptions have given meaning to, for the
//! connection's whole life: every mid (RFC 8843 9.1: a mid never names
//! another m-line), every payload type with its codec (RFC 3264 8.3.2, RFC
//! 8843 9.1) and every header extension id with its URI (RFC 8285 6).
//! Every applied offer adds to it, ours or the peer's (an answer only
//! repeats the numbers of its offer); offers take their new numbers from
//! it, so none is handed out twice.

use crate::codec::{CodecId, Format, RtpCodec};
use crate::offer::Offer;
use crate::remote::RemoteDescription;
use std::collections::HashSet;
use std::sync::Arc;

/// The connection's record of mids, payload types and extension ids.
#[derive(Clone, Debug, Default)]
pub struct SessionRecord {
    mids: HashSet<String>,
    payload_types: PayloadTypes,
    extension_ids: ExtensionIds,
    /// Applied descriptions not read into the above yet: reading costs, and
    /// only offers need it (a connection that only answers rarely does).
    unread: Vec<Described>,
}

/// An applied description, kept until the record reads it.
#[derive(Clone, Debug)]
enum Described {
    Remote(Arc<RemoteDescription>),
    Local(Arc<Offer>),
}

/// At most this many descriptions wait unread (their memory is bounded).
const UNREAD: usize = 4;

impl SessionRecord {
    /// Notes a remote description that was applied.
    pub fn remote_applied(&mut self, d: &Arc<RemoteDescription>) {
        self.note(Described::Remote(d.clone()));
    }

    /// Notes a local offer that was applied.
    pub fn local_applied(&mut self, o: &Arc<Offer>) {
        self.note(Described::Local(o.clone()));
    }

    fn note(&mut self, d: Described) {
        if self.unread.len() == UNREAD {
            self.read();
        }
        self.unread.push(d);
    }

    /// Reads every noted description; then the numbers below are complete.
    pub fn read(&mut self) {
        for d in std::mem::take(&mut self.unread) {
            match d {
                Described::Remote(r) => {
                    for s in &r.sections {
                        self.mids.insert(s.mid_key());
                        let extensions = s.rtp.extmaps.iter().map(|e| (e.id, &e.uri));
                        self.learn_m_line(&s.rtp.codecs, extensions);
                    }
                }
                Described::Local(o) => {
                    for s in &o.sections {
                        self.mids.insert(s.mid.clone());
                        let extensions = s.extensions.iter().map(|(id, uri)| (*id, uri));
                        self.learn_m_line(&s.codecs, extensions);
                    }
                }
            }
        }
    }

    fn learn_m_line<'a>(
        &mut self,
        codecs: &[RtpCodec],
        extensions: impl IntoIterator<Item = (u16, &'a Arc<str>)>,
    ) {
        for c in codecs {
            self.payload_types.learn(c.pt, Format::from(c));
        }
        for (id, uri) in extensions {
            self.extension_ids.learn(uri, id);
        }
    }

    /// The payload types read so far (call `read` first for all).
    pub fn payload_types(&self) -> &PayloadTypes {
        &self.payload_types
    }

    /// The extension ids read so far (call `read` first for all).
    pub fn extension_ids(&self) -> &ExtensionIds {
        &self.extension_ids
    }

    /// JSEP 5.2.1: the lowest number no description used and `taken` does
    /// not hold, as a mid.
    pub fn fresh_mid(&self, taken: impl Fn(&str) -> bool) -> String {
        self.fresh_mid_from(&mut 0, taken)
    }

    /// `fresh_mid` counting from `*next`, which it moves past the mid it
    /// gives: for several new mids in a row, each as cheap as the first.
    pub fn fresh_mid_from(&self, next: &mut u32, taken: impl Fn(&str) -> bool) -> String {
        let used = |m: &str| {
            self.mids.contains(m)
                || self.unread.iter().any(|d| match d {
                    Described::Remote(r) => r.index_of(m).is_some(),
                    Described::Local(o) => o.sections.iter().any(|s| s.mid == m),
                })
        };
        loop {
            let mid = next.to_string();
            *next += 1;
            if !used(&mid) && !taken(&mid) {
                return mid;
            }
        }
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
    meanings: Vec<(u8, CodecId)>,
}

impl PayloadTypes {
    /// Notes that `pt` named `codec` in a description.
    pub fn learn(&mut self, pt: u8, codec: Format) {
        let meaning = (pt, codec.id());
        if !self.meanings.contains(&meaning) {
            self.meanings.push(meaning);
        }
    }

    /// The payload type for `codec` in an m-line where `used_here` tells the
    /// payload types its other codecs have: one that names this codec and
    /// nothing else, else a free one (its static one first), which from now
    /// on names it; None when none is left.
    pub fn of(&mut self, codec: Format, used_here: impl Fn(u8) -> bool) -> Option<u8> {
        let id = codec.id();
        let only = |pt: u8| self.meanings.iter().all(|(p, i)| *p != pt || *i == id);
        let known = self
            .meanings
            .iter()
            .find(|(p, i)| *i == id && !used_here(*p) && only(*p));
        if let Some((pt, _)) = known {
            return Some(*pt);
        }
        let free = |pt: &u8| !used_here(*pt) && !self.meanings.iter().any(|(p, _)| p == pt);
        let pt = crate::codec::static_payload_type(&codec)
            .filter(|p| free(p))
            .or_else(|| dynamic_range().find(|p| free(p)))?;
        self.meanings.push((pt, id));
        Some(pt)
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
    pub fn learn(&mut self, uri: &Arc<str>, id: u16) {
        if !self.given.iter().any(|(u, i)| *i == id && u == uri) {
            self.given.push((uri.clone(), id));
        }
    }

    /// The id of `uri` in an m-line where `used_here` tells the ids its
    /// other extensions have: one that names `uri` and nothing else, else
    /// the lowest free one.
    pub fn of(&mut self, uri: &str, used_here: impl Fn(u16) -> bool) -> Option<(u16, Arc<str>)> {
        let only = |id: u16| self.given.iter().all(|(u, i)| *i != id || &**u == uri);
        let known = self
            .given
            .iter()
            .find(|(u, id)| &**u == uri && !used_here(*id) && only(*id));
        if let Some((u, id)) = known {
            return Some((*id, u.clone()));
        }
        let id = (1..=255u16)
            .find(|id| *id != 15 && !used_here(*id) && !self.given.iter().any(|(_, i)| i == id))?;
        let uri: Arc<str> = Arc::from(uri);
        self.given.push((uri.clone(), id));
        Some((id, uri))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f<'a>(name: &'a str, fmtp: &'a str) -> Format<'a> {
        Format::new(name, 90000, None, fmtp)
    }

    #[test]
    fn rfc3264_8_3_2_a_payload_type_given_two_codecs_is_not_reused() {
        let mut pts = PayloadTypes::default();
        pts.learn(101, f("VP8", ""));
        pts.learn(101, f("rtx", "apt=100"));
        pts.learn(127, f("VP8", ""));
        assert_eq!(pts.of(f("VP8", ""), |_| false), Some(127));
        assert_eq!(pts.of(f("VP8", ""), |p| p == 127), Some(96));
        let h264 = "packetization-mode=1;profile-level-id=42e01f";
        pts.learn(98, f("H264", h264));
        let ours = "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f";
        assert_eq!(
            pts.of(f("H264", ours), |_| false),
            Some(98),
            "the same codec"
        );
        let pcmu = Format::new("PCMU", 8000, None, "");
        assert_eq!(pts.of(pcmu, |_| false), Some(0));
    }

    #[test]
    fn rfc8285_6_an_id_keeps_its_uri() {
        let mut ids = ExtensionIds::default();
        ids.learn(&Arc::from("urn:a"), 1);
        ids.learn(&Arc::from("urn:b"), 1);
        assert_eq!(ids.of("urn:a", |_| false).unwrap().0, 2, "1 names two URIs");
        assert_eq!(ids.of("urn:a", |_| false).unwrap().0, 2);
        let more: Vec<u16> = (0..14)
            .map(|i| ids.of(&format!("urn:{i}"), |_| false).unwrap().0)
            .collect();
        assert!(!more.contains(&15) && more.contains(&16));
    }
}
