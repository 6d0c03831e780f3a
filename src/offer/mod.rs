//! Offer generation, JSEP (RFC 9429) sections 5.2.1 and 5.2.2: the
//! m-lines of the local description in place, with what they negotiated,
//! then one per new transceiver in creation order, then one for data
//! channels when asked; every live m-section in one BUNDLE group (bundle
//! policy "balanced" with one m-section per kind is the same as max-compat
//! here; JSEP 4.1.1).

pub mod codecs;
pub mod remote_answer;

use crate::codec::RtpCodec;
use crate::config::Configuration;
use crate::dtls::Certificate;
use crate::ice::IceCredentials;
use crate::local::lines::{
    codec_lines, format_list, msid_lines, sctp_formats, sctp_lines, session_attributes,
    setup_value, ssrc_lines, transport_lines,
};
use crate::local::{sender, LocalSection, StatedLine, SCTP_PORT};
use crate::record::{ExtensionIds, PayloadTypes};
use crate::remote::Transport;
use crate::sdp::model::{MediaSection, SessionDescription};
use crate::transceiver::{Direction, MediaKind, Transceiver};
use codecs::offered_codecs;
use std::sync::Arc;

/// Options of createOffer (RTCOfferOptions).
#[derive(Clone, Copy, Debug)]
pub struct OfferOptions {
    /// Fresh ICE credentials for every transport (JSEP 5.2.1).
    pub ice_restart: bool,
    /// Offer comfort noise (CN). Default true.
    pub voice_activity_detection: bool,
    /// Legacy offerToReceiveAudio (W3C webrtc-pc 11.2); None: not given.
    pub offer_to_receive_audio: Option<bool>,
    /// Legacy offerToReceiveVideo; None: not given.
    pub offer_to_receive_video: Option<bool>,
}

impl Default for OfferOptions {
    fn default() -> Self {
        OfferOptions {
            ice_restart: false,
            voice_activity_detection: true,
            offer_to_receive_audio: None,
            offer_to_receive_video: None,
        }
    }
}

/// What one m-section of a created offer carries.
#[derive(Clone, Debug)]
pub struct OfferSection {
    /// Its mid (JSEP 5.2.1: every m-section has one).
    pub mid: String,
    /// The transceiver it is for (an index); None for data channels.
    pub transceiver: Option<usize>,
    /// "audio", "video", "application" (or the media of a rejected m-line).
    pub media: String,
    /// The m= line's protocol.
    pub proto: String,
    /// The transport family `proto` names.
    pub transport: Transport,
    /// The m= line's formats where no codec list gives them (a rejected
    /// m-line of unknown media or protocol); empty otherwise.
    pub formats: String,
    /// Audio or video; None for the other m-sections.
    pub kind: Option<MediaKind>,
    /// The offered direction: the transceiver's.
    pub direction: Direction,
    /// The offered codecs with their payload types, in preference order.
    pub codecs: Vec<RtpCodec>,
    /// The offered header extensions: (id, URI).
    pub extensions: Vec<(u16, Arc<str>)>,
    /// Port 0: its transceiver is stopped (JSEP 5.2.2).
    pub rejected: bool,
    /// Port 0 and a=bundle-only: it has no transport of its own (JSEP 4.1.1).
    pub bundle_only: bool,
    /// The RIDs it sends, one per simulcast layer (RFC 8851, 8853).
    pub send_rids: Vec<String>,
}

/// A created offer: its m-sections and what it states of the local side.
#[derive(Clone, Debug)]
pub struct Offer {
    /// In m-line order.
    pub sections: Vec<OfferSection>,
    /// The BUNDLE group's mids, the first one tagged (RFC 8843).
    pub bundle: Vec<String>,
    /// The local side of each m-section (ICE, DTLS, the sender's SSRCs).
    pub local: Vec<LocalSection>,
    /// We offered as an ICE lite agent (a=ice-lite).
    pub ice_lite: bool,
    /// It restarts ICE (fresh credentials): the answer must bring new ones.
    pub ice_restart: bool,
    /// The DTLS role it states (not actpass): the answer must leave it so.
    pub dtls_role: Option<crate::dtls::DtlsRole>,
}

/// What one m-line of an offer is for (JSEP 5.2.2: the m-lines of the
/// local description keep their place; new ones come after them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The transceiver at `index`, with `mid`; `line` is the m-line of the
    /// local description it keeps, None for a new or recycled m-line.
    Transceiver {
        /// The transceiver's index.
        index: usize,
        /// Its mid.
        mid: String,
        /// Its m-line in `OfferContext::lines`, if it has one there.
        line: Option<usize>,
    },
    /// The data channel m-section, with its mid and its m-line in
    /// `OfferContext::lines` if it has one there.
    Data(String, Option<usize>),
    /// An m-line of the local description with nothing behind it any more
    /// (its transceiver gone, or media rtcpc does not take): offered again
    /// with port 0. The index into `OfferContext::lines`.
    Rejected(usize),
}

/// Everything createOffer reads.
pub struct OfferContext<'a> {
    /// The transceivers, in creation order.
    pub transceivers: &'a [Transceiver],
    /// The offer's m-lines, in order.
    pub slots: &'a [Slot],
    /// The m-lines of the local description the offer is laid out from.
    pub lines: &'a [StatedLine<'a>],
    /// Capabilities, local candidates, ICE lite.
    pub config: &'a Configuration,
    /// Its fingerprint goes in a=fingerprint.
    pub certificate: &'a Certificate,
    /// The ICE credentials of the bundle transport.
    pub ice: &'a IceCredentials,
    /// The RTCP CNAME of the a=ssrc lines.
    pub cname: &'a str,
    /// The o= line's session id and version.
    pub session_id: u64,
    /// The o= line's session version.
    pub session_version: u64,
    /// createOffer's options.
    pub options: OfferOptions,
    /// The mids of the current description's m-lines: those keep their
    /// transport; the bundle policy places only new ones.
    pub current_mids: &'a [&'a str],
    /// The BUNDLE group the current exchange established: its m-lines use
    /// the tagged one's transport (RFC 8843).
    pub current_bundle: &'a [String],
    /// The a=identity value, when an identity provider vouches for us.
    pub identity: Option<&'a str>,
    /// The DTLS role an earlier exchange fixed: a subsequent offer states it
    /// (RFC 8842 5.5: keeps the association); None: actpass.
    pub dtls_role: Option<crate::dtls::DtlsRole>,
}

/// Decides every m-section, then writes the offer: its decisions and text.
pub fn create(
    ctx: &OfferContext,
    pts: &mut PayloadTypes,
    ids: &mut ExtensionIds,
) -> (Offer, String) {
    let mut numbering = Numbering {
        pts,
        ids,
        fresh: [None, None],
        seen: [false; 2],
    };
    let mut sections: Vec<OfferSection> = ctx
        .slots
        .iter()
        .map(|slot| match slot {
            Slot::Transceiver { index, mid, line } => {
                let line = line.map(|l| &ctx.lines[l]);
                media_section(ctx, *index, mid, line, &mut numbering)
            }
            Slot::Data(mid, line) => data_section(mid, line.map(|l| &ctx.lines[l])),
            Slot::Rejected(line) => rejected_line(&ctx.lines[*line]),
        })
        .collect();
    place_on_transports(&mut sections, ctx);
    let bundle: Vec<String> = sections
        .iter()
        .filter(|s| !s.rejected)
        .map(|s| s.mid.clone())
        .collect();
    let local = local_sections(ctx, &sections);
    let offer = Offer {
        sections,
        bundle,
        local,
        ice_lite: ctx.config.ice_lite,
        ice_restart: ctx.options.ice_restart,
        dtls_role: ctx.dtls_role,
    };
    let text = write(ctx, &offer).to_text();
    (offer, text)
}

/// The protocols offers use (JSEP 5.1.2, 5.1.3).
const RTP_PROTO: &str = "UDP/TLS/RTP/SAVPF";
const DATA_PROTO: &str = "UDP/DTLS/SCTP";

/// The data channel m-section: in the form its m-line has (RFC 8841, or
/// the legacy `DTLS/SCTP` one), else RFC 8841's.
fn data_section(mid: &str, line: Option<&StatedLine>) -> OfferSection {
    OfferSection {
        mid: mid.to_string(),
        media: "application".to_string(),
        proto: line.map_or(DATA_PROTO, |l| l.proto).to_string(),
        transport: line.map_or(Transport::Sctp, |l| l.transport),
        formats: String::new(),
        transceiver: None,
        kind: None,
        direction: Direction::SendRecv,
        codecs: Vec::new(),
        extensions: Vec::new(),
        rejected: false,
        bundle_only: false,
        send_rids: Vec::new(),
    }
}

/// An m-line of the local description with nothing behind it: port 0,
/// the codecs it listed (JSEP 5.2.2; libwebrtc keeps them, and aiortc,
/// webrtcbin and werift refuse a port-0 m-line without them).
fn rejected_line(line: &StatedLine) -> OfferSection {
    OfferSection {
        mid: line.mid.to_string(),
        media: line.media.to_string(),
        proto: line.proto.to_string(),
        transport: line.transport,
        formats: line.formats.to_string(),
        transceiver: None,
        kind: line.kind,
        direction: Direction::Inactive,
        codecs: line.codecs.to_vec(),
        extensions: Vec::new(),
        rejected: true,
        bundle_only: false,
        send_rids: Vec::new(),
    }
}

/// The payload types and extension ids an offer numbers from, and the
/// codecs and extensions of an m-line that negotiated nothing, made once
/// per kind (an offer to an SFU has dozens of such m-lines).
struct Numbering<'a> {
    pts: &'a mut PayloadTypes,
    ids: &'a mut ExtensionIds,
    fresh: [Option<Lists>; 2],
    seen: [bool; 2],
}

/// An m-line's codecs and header extensions (id, URI).
type Lists = (Vec<RtpCodec>, Vec<(u16, Arc<str>)>);

impl Numbering<'_> {
    /// The codecs and extensions of an m-line of `tr` that negotiated
    /// what `line` says (JSEP 5.2.2: those first), or nothing.
    fn lists(&mut self, ctx: &OfferContext, tr: &Transceiver, line: Option<&StatedLine>) -> Lists {
        let caps = &ctx.config.capabilities;
        let vad = ctx.options.voice_activity_detection;
        let uris = caps.extensions(tr.kind);
        // setCodecPreferences replaces what was negotiated (as libwebrtc does).
        let (local, current) = match (&tr.codec_preferences, line) {
            (Some(prefs), _) => (prefs.as_slice(), &[][..]),
            (None, Some(l)) => (caps.codecs(tr.kind), l.codecs),
            (None, None) => (caps.codecs(tr.kind), &[][..]),
        };
        let current_extensions = line.map_or(&[][..], |l| &l.extensions);
        let fresh =
            tr.codec_preferences.is_none() && current.is_empty() && current_extensions.is_empty();
        let slot = tr.kind as usize;
        if let (true, Some(lists)) = (fresh, &self.fresh[slot]) {
            return lists.clone();
        }
        let codecs = offered_codecs(tr.kind, current, local, self.pts, vad);
        let extensions = offered_extensions(current_extensions, uris, self.ids);
        // Kept from the second such m-line on: a typical offer has one per kind.
        if fresh && std::mem::replace(&mut self.seen[slot], true) {
            self.fresh[slot] = Some((codecs.clone(), extensions.clone()));
        }
        (codecs, extensions)
    }
}

fn media_section(
    ctx: &OfferContext,
    index: usize,
    mid: &str,
    line: Option<&StatedLine>,
    numbering: &mut Numbering,
) -> OfferSection {
    let tr = &ctx.transceivers[index];
    let (codecs, extensions) = numbering.lists(ctx, tr, line);
    OfferSection {
        mid: mid.to_string(),
        media: tr.kind.to_string(),
        // An m-line keeps its protocol (RTP/SAVPF from a Wowza offer).
        proto: line.map_or(RTP_PROTO, |l| l.proto).to_string(),
        transport: Transport::Rtp,
        formats: String::new(),
        transceiver: Some(index),
        kind: Some(tr.kind),
        direction: match tr.stopped {
            true => Direction::Inactive,
            false => tr.direction,
        },
        codecs,
        extensions,
        rejected: tr.stopped,
        bundle_only: false,
        // RFC 8853 5.2: simulcast is offered where the transceiver sends.
        send_rids: match tr.direction.sends() && !tr.stopped {
            true => tr.send_rids.clone(),
            false => Vec::new(),
        },
    }
}

/// The header extensions of an m-line: those it negotiated with their ids,
/// then the other local ones, numbered from the connection's record.
fn offered_extensions(
    current: &[(u16, Arc<str>)],
    uris: &[String],
    ids: &mut ExtensionIds,
) -> Vec<(u16, Arc<str>)> {
    let mut out = current.to_vec();
    for uri in uris {
        if out.iter().any(|(_, u)| **u == **uri) {
            continue;
        }
        if let Some(e) = ids.of(uri, |id| out.iter().any(|(i, _)| *i == id)) {
            out.push(e);
        }
    }
    out
}

/// JSEP 4.1.1 and 5.2.1: under balanced, a new m-section after the first
/// of its media type is bundle-only; under max-bundle every one after the
/// first; max-compat none. m-lines already negotiated keep their transport.
fn place_on_transports(sections: &mut [OfferSection], ctx: &OfferContext) {
    use crate::config::BundlePolicy;
    let mut seen: Vec<String> = Vec::new();
    for s in sections.iter_mut().filter(|s| !s.rejected) {
        let first_of_media = !seen.contains(&s.media);
        let first = seen.is_empty();
        seen.push(s.media.clone());
        if ctx.current_mids.contains(&s.mid.as_str()) {
            continue;
        }
        s.bundle_only = match ctx.config.bundle_policy {
            BundlePolicy::MaxCompat => false,
            BundlePolicy::Balanced => !first_of_media,
            BundlePolicy::MaxBundle => !first,
        };
    }
}

/// The local side each m-section states: the bundle transport's
/// credentials and fingerprint, the sender's SSRCs where it sends, and the
/// candidates in the m-line owning their transport.
fn local_sections(ctx: &OfferContext, sections: &[OfferSection]) -> Vec<LocalSection> {
    let fingerprint = format!("sha-256 {}", ctx.certificate.fingerprint_hex());
    let owners = transport_owners(ctx, sections);
    sections
        .iter()
        .enumerate()
        .map(|(i, s)| LocalSection {
            ice: Some(ctx.ice.clone()),
            candidates: match s.rejected {
                true => Vec::new(),
                false => candidates(ctx, sections, &owners, i),
            },
            fingerprints: vec![fingerprint.clone()],
            sender: s.transceiver.filter(|_| !s.rejected).and_then(|t| {
                let tr = &ctx.transceivers[t];
                let simulcast = !s.send_rids.is_empty();
                sender(tr, s.direction, &s.codecs, simulcast, ctx.cname)
            }),
            sctp_port: matches!(s.transport, Transport::Sctp | Transport::SctpLegacy)
                .then_some(SCTP_PORT),
        })
        .collect()
}

/// The m-section whose transport each live one uses (RFC 8843): the first
/// live one (the BUNDLE tag) for a bundle-only m-line and for one the
/// current exchange bundled; else its own.
fn transport_owners(ctx: &OfferContext, sections: &[OfferSection]) -> Vec<usize> {
    let tagged = sections.iter().position(|s| !s.rejected).unwrap_or(0);
    sections
        .iter()
        .enumerate()
        .map(
            |(i, s)| match s.bundle_only || ctx.current_bundle.contains(&s.mid) {
                true => tagged,
                false => i,
            },
        )
        .collect()
}

/// RFC 8839 5.1: the local candidates section `i` carries when it owns a
/// transport: those given for an m-line on it, and those for no mid in
/// the first live m-line.
fn candidates(
    ctx: &OfferContext,
    sections: &[OfferSection],
    owners: &[usize],
    i: usize,
) -> Vec<String> {
    let tagged = sections.iter().position(|s| !s.rejected);
    let owner_of = |mid: &str| {
        let at = sections.iter().position(|s| s.mid == mid && !s.rejected);
        at.map(|at| owners[at]).or(tagged)
    };
    ctx.config
        .local_candidates
        .iter()
        .filter(|c| match &c.mid {
            None => tagged == Some(i),
            Some(mid) => owner_of(mid) == Some(i),
        })
        .map(|c| c.text.clone())
        .collect()
}

fn write(ctx: &OfferContext, offer: &Offer) -> SessionDescription {
    let groups = std::slice::from_ref(&offer.bundle);
    let attributes = session_attributes(groups, true, ctx.identity, ctx.config.ice_lite);
    let media = offer
        .sections
        .iter()
        .zip(&offer.local)
        .map(|(s, l)| section_text(s, l, setup(ctx.dtls_role)))
        .collect();
    SessionDescription::new(ctx.session_id, ctx.session_version, attributes, media)
}

/// RFC 8842 5.2 and 5.5: actpass in an initial offer; afterwards the role
/// the association has, so the answerer cannot turn it around.
fn setup(role: Option<crate::dtls::DtlsRole>) -> &'static str {
    role.map_or("actpass", setup_value)
}

/// One m-section in the order browsers write them (JSEP 5.2.1).
fn section_text(s: &OfferSection, l: &LocalSection, setup: &'static str) -> MediaSection {
    let formats = match s.transport {
        Transport::Rtp if s.codecs.is_empty() => "0".to_string(),
        Transport::Rtp => format_list(&s.codecs),
        Transport::Unsupported => s.formats.clone(),
        t => sctp_formats(t),
    };
    let mut m = MediaSection {
        media: s.media.clone(),
        port: if s.rejected || s.bundle_only { 0 } else { 9 },
        proto: s.proto.clone(),
        formats,
        connection: "IN IP4 0.0.0.0".into(),
        attributes: Vec::new(),
    };
    if s.transport == Transport::Unsupported {
        m.push("mid", s.mid.clone());
        m.flag("inactive");
        return m;
    }
    if s.bundle_only {
        // RFC 8843 7.2: no transport of its own, so no candidates.
        m.flag("bundle-only");
    }
    // A rejected m-line keeps its transport and codec lines as libwebrtc
    // writes them: native stacks refuse one without (see rejected_line).
    transport_lines(&mut m, l, setup);
    m.push("mid", s.mid.clone());
    let Some(kind) = s.kind else {
        sctp_lines(&mut m, s.transport);
        return m;
    };
    for (id, uri) in &s.extensions {
        m.push("extmap", format!("{id} {uri}"));
    }
    m.flag(s.direction.as_str());
    msid_lines(&mut m, l);
    m.flag("rtcp-mux");
    m.flag("rtcp-rsize");
    codec_lines(&mut m, &s.codecs, kind);
    if !s.send_rids.is_empty() {
        for rid in &s.send_rids {
            m.push("rid", format!("{rid} send"));
        }
        m.push("simulcast", format!("send {}", s.send_rids.join(";")));
    }
    ssrc_lines(&mut m, l);
    m
}

#[cfg(test)]
mod tests;
