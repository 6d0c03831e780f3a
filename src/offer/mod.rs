//! Offer generation, JSEP (RFC 9429) section 5.2.1: one m-section per
//! transceiver in creation order, then one for data channels when asked;
//! every live m-section in one BUNDLE group (bundle policy "balanced" with
//! one m-section per kind is the same as max-compat here; JSEP 4.1.1).
//!
//! Work in progress (issue 15): the offer is made and checked against
//! rtcpc's own answerer; applying it (SLD) and the remote answer (SRD) come
//! next.

pub mod payload_types;

use crate::answer::local::{sender, IceRole};
use crate::answer::write::{codec_lines, ssrc_lines, transport_lines};
use crate::answer::{LocalSection, MAX_MESSAGE_SIZE, SCTP_PORT};
use crate::codec::{CodecRole, RtpCodec};
use crate::config::Configuration;
use crate::dtls::Certificate;
use crate::ice::IceCredentials;
use crate::sdp::model::{Attribute, MediaSection, SessionDescription};
use crate::transceiver::{Direction, MediaKind, Transceiver};
use payload_types::{offered_codecs, ExtensionIds, PayloadTypes};
use std::sync::Arc;

/// Options of createOffer (RTCOfferOptions).
#[derive(Clone, Copy, Debug)]
pub struct OfferOptions {
    /// Fresh ICE credentials for every transport (JSEP 5.2.1).
    pub ice_restart: bool,
    /// Offer comfort noise (CN). Default true.
    pub voice_activity_detection: bool,
}

impl Default for OfferOptions {
    fn default() -> Self {
        OfferOptions {
            ice_restart: false,
            voice_activity_detection: true,
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
    /// Audio or video; None for data channels.
    pub kind: Option<MediaKind>,
    /// The offered direction: the transceiver's.
    pub direction: Direction,
    /// The offered codecs with their payload types, in preference order.
    pub codecs: Vec<RtpCodec>,
    /// The offered header extensions: (id, URI).
    pub extensions: Vec<(u16, Arc<str>)>,
    /// Port 0: its transceiver is stopped (JSEP 5.2.2).
    pub rejected: bool,
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
    /// The local ICE role: controlling (RFC 8445 6.1.1), unless ice-lite.
    pub ice_role: IceRole,
}

/// Everything createOffer reads.
pub struct OfferContext<'a> {
    /// The transceivers, in creation order.
    pub transceivers: &'a [Transceiver],
    /// The mid of each transceiver (given or chosen for this offer).
    pub mids: &'a [String],
    /// The data channel m-section's mid, when data channels were asked for.
    pub data_mid: Option<&'a str>,
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
}

/// Decides every m-section, then writes the offer: its decisions and text.
pub fn create(
    ctx: &OfferContext,
    pts: &mut PayloadTypes,
    ids: &mut ExtensionIds,
) -> (Offer, String) {
    let mut sections: Vec<OfferSection> = ctx
        .transceivers
        .iter()
        .zip(ctx.mids)
        .enumerate()
        .map(|(i, (tr, mid))| media_section(ctx, i, tr, mid, pts, ids))
        .collect();
    if let Some(mid) = ctx.data_mid {
        sections.push(OfferSection {
            mid: mid.to_string(),
            transceiver: None,
            kind: None,
            direction: Direction::SendRecv,
            codecs: Vec::new(),
            extensions: Vec::new(),
            rejected: false,
        });
    }
    let bundle: Vec<String> = sections
        .iter()
        .filter(|s| !s.rejected)
        .map(|s| s.mid.clone())
        .collect();
    let local = local_sections(ctx, &sections);
    let ice_role = match ctx.config.ice_lite {
        true => IceRole::Controlled,
        false => IceRole::Controlling,
    };
    let offer = Offer {
        sections,
        bundle,
        local,
        ice_role,
    };
    let text = write(ctx, &offer).to_text();
    (offer, text)
}

fn media_section(
    ctx: &OfferContext,
    index: usize,
    tr: &Transceiver,
    mid: &str,
    pts: &mut PayloadTypes,
    ids: &mut ExtensionIds,
) -> OfferSection {
    let caps = &ctx.config.capabilities;
    let local = tr
        .codec_preferences
        .as_deref()
        .unwrap_or(caps.codecs(tr.kind));
    let vad = ctx.options.voice_activity_detection;
    OfferSection {
        mid: mid.to_string(),
        transceiver: Some(index),
        kind: Some(tr.kind),
        direction: tr.direction,
        codecs: offered_codecs(tr.kind, local, pts, vad),
        extensions: caps
            .extensions(tr.kind)
            .iter()
            .filter_map(|uri| ids.of(uri))
            .collect(),
        rejected: tr.stopped,
    }
}

/// The local side each m-section states: every live one the bundle
/// transport's credentials and fingerprint; the candidates in the first.
fn local_sections(ctx: &OfferContext, sections: &[OfferSection]) -> Vec<LocalSection> {
    let fingerprint = format!("sha-256 {}", ctx.certificate.fingerprint_hex());
    let tagged = sections.iter().position(|s| !s.rejected);
    sections
        .iter()
        .enumerate()
        .map(|(i, s)| match s.rejected {
            true => LocalSection::default(),
            false => LocalSection {
                ice: Some(ctx.ice.clone()),
                candidates: match Some(i) == tagged {
                    true => ctx
                        .config
                        .local_candidates
                        .iter()
                        .map(|c| c.text.clone())
                        .collect(),
                    false => Vec::new(),
                },
                fingerprints: vec![fingerprint.clone()],
                sender: s.transceiver.and_then(|t| {
                    let rtx = s.codecs.iter().any(|c| c.role() == CodecRole::Rtx);
                    sender(&ctx.transceivers[t], s.direction, rtx, ctx.cname)
                }),
                sctp_port: s.kind.is_none().then_some(SCTP_PORT),
            },
        })
        .collect()
}

fn write(ctx: &OfferContext, offer: &Offer) -> SessionDescription {
    let mut attributes = Vec::new();
    if !offer.bundle.is_empty() {
        attributes.push(Attribute::new(
            "group",
            format!("BUNDLE {}", offer.bundle.join(" ")),
        ));
    }
    attributes.push(Attribute::flag("extmap-allow-mixed"));
    attributes.push(Attribute::new("msid-semantic", " WMS"));
    if ctx.config.ice_lite {
        attributes.push(Attribute::flag("ice-lite"));
    }
    let media = offer
        .sections
        .iter()
        .zip(&offer.local)
        .map(|(s, l)| section_text(s, l))
        .collect();
    SessionDescription {
        session_id: ctx.session_id,
        session_version: ctx.session_version,
        attributes,
        media,
    }
}

/// One m-section in the order browsers write them (JSEP 5.2.1).
fn section_text(s: &OfferSection, l: &LocalSection) -> MediaSection {
    let (media, proto, formats) = match s.kind {
        // A rejected m-section needs no rtpmap: "0", as answers write it.
        Some(kind) if s.rejected => (kind.to_string(), "UDP/TLS/RTP/SAVPF", "0".to_string()),
        Some(kind) => {
            let pts: Vec<String> = s.codecs.iter().map(|c| c.pt.to_string()).collect();
            (kind.to_string(), "UDP/TLS/RTP/SAVPF", pts.join(" "))
        }
        None => (
            "application".to_string(),
            "UDP/DTLS/SCTP",
            "webrtc-datachannel".to_string(),
        ),
    };
    let mut m = MediaSection {
        media,
        port: if s.rejected { 0 } else { 9 },
        proto: proto.to_string(),
        formats,
        connection: "IN IP4 0.0.0.0".into(),
        attributes: Vec::new(),
    };
    if s.rejected {
        m.push("mid", s.mid.clone());
        m.flag("inactive");
        return m;
    }
    transport_lines(&mut m, l, "actpass");
    m.push("mid", s.mid.clone());
    let Some(kind) = s.kind else {
        m.push("sctp-port", SCTP_PORT.to_string());
        m.push("max-message-size", MAX_MESSAGE_SIZE.to_string());
        return m;
    };
    for (id, uri) in &s.extensions {
        m.push("extmap", format!("{id} {uri}"));
    }
    m.flag(s.direction.as_str());
    if let Some(sender) = &l.sender {
        m.push("msid", format!("{} {}", sender.msid.0, sender.msid.1));
    }
    m.flag("rtcp-mux");
    m.flag("rtcp-rsize");
    codec_lines(&mut m, &s.codecs, kind);
    ssrc_lines(&mut m, l);
    m
}

#[cfg(test)]
mod tests;
