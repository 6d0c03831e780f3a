//! The answer as a description value (`sdp::model`), written from the
//! decisions: JSEP 5.3.1 for what each m-section carries, and in what order.

use super::{AnswerContext, AnswerSection, MAX_MESSAGE_SIZE, SCTP_PORT};
use crate::codec::CodecRole;
use crate::config::LocalCandidate;
use crate::dtls::DtlsRole;
use crate::ice::IceCredentials;
use crate::remote_offer::{RemoteSection, Transport};
use crate::sdp::model::{Attribute, MediaSection, SessionDescription};
use crate::transceiver::{Direction, MediaKind, Transceiver};
use std::collections::HashMap;
use webrtc_sdp::address::Address;

pub(super) fn answer(
    ctx: &AnswerContext,
    sections: &[AnswerSection],
    bundle_groups: &[Vec<String>],
    role: DtlsRole,
) -> SessionDescription {
    let offer = ctx.offer;
    let mut attributes: Vec<Attribute> = bundle_groups
        .iter()
        .map(|g| Attribute::new("group", format!("BUNDLE {}", g.join(" "))))
        .collect();
    if offer.extmap_allow_mixed {
        attributes.push(Attribute::flag("extmap-allow-mixed"));
    }
    attributes.push(Attribute::new("msid-semantic", " WMS"));
    if let Some(identity) = ctx.identity {
        attributes.push(Attribute::new("identity", identity));
    }
    if ctx.config.ice_lite {
        attributes.push(Attribute::flag("ice-lite"));
    }
    let transport = TransportLines::new(ctx, role, sections);
    let media = offer
        .sections
        .iter()
        .zip(sections)
        .enumerate()
        .map(|(i, (sec, a))| match a.accepted() {
            true => accepted(ctx, &transport, sec, a, i),
            false => rejected(sec),
        })
        .collect();
    SessionDescription {
        session_id: ctx.session_id,
        session_version: ctx.session_version,
        attributes,
        media,
    }
}

/// What every accepted m-section repeats of its transport (RFC 8839, 8842).
struct TransportLines<'a> {
    fingerprint: String,
    setup: &'static str,
    /// The latest credentials per restarted transport.
    restarted: HashMap<&'a str, &'a IceCredentials>,
    ice: &'a IceCredentials,
    /// The m-section whose transport each mid uses (RFC 8843: the tagged one).
    owner_of: HashMap<&'a str, usize>,
}

impl<'a> TransportLines<'a> {
    fn new(ctx: &'a AnswerContext, role: DtlsRole, sections: &'a [AnswerSection]) -> Self {
        TransportLines {
            fingerprint: format!("sha-256 {}", ctx.certificate.fingerprint_hex()),
            setup: match role {
                DtlsRole::Client => "active",
                DtlsRole::Server => "passive",
            },
            restarted: ctx
                .ice_by_mid
                .iter()
                .map(|(m, c)| (m.as_str(), c))
                .collect(),
            ice: ctx.ice,
            owner_of: sections
                .iter()
                .filter_map(|a| a.mid.as_deref().map(|m| (m, a.transport)))
                .collect(),
        }
    }

    /// The local candidates of the transport m-section `owner` carries: those
    /// for any mid bundled on it, and those for no mid.
    fn candidates(
        &'a self,
        ctx: &'a AnswerContext,
        owner: usize,
    ) -> impl Iterator<Item = &'a LocalCandidate> + 'a {
        ctx.config
            .local_candidates
            .iter()
            .filter(move |c| match &c.mid {
                None => true,
                Some(m) => self.owner_of.get(m.as_str()) == Some(&owner),
            })
    }
}

fn accepted(
    ctx: &AnswerContext,
    t: &TransportLines,
    sec: &RemoteSection,
    a: &AnswerSection,
    i: usize,
) -> MediaSection {
    let owner = &ctx.offer.sections[a.transport];
    let (connection, port) = default_address(t.candidates(ctx, a.transport))
        .unwrap_or_else(|| ("IN IP4 0.0.0.0".into(), 9));
    let formats = match sec.transport {
        Transport::Rtp => {
            let pts: Vec<String> = a.codecs.kept.iter().map(|c| c.pt.to_string()).collect();
            pts.join(" ")
        }
        Transport::SctpLegacy => SCTP_PORT.to_string(),
        _ => "webrtc-datachannel".to_string(),
    };
    let mut m = MediaSection {
        media: sec.media.clone(),
        port,
        proto: sec.proto.clone(),
        formats,
        connection,
        attributes: Vec::with_capacity(attribute_count(a)),
    };
    // Candidates once per transport, on the m-section that owns it.
    if a.transport == i {
        for c in t.candidates(ctx, i) {
            let body = c.text.strip_prefix("candidate:").unwrap_or(&c.text);
            m.push("candidate", body);
        }
    }
    let ice = t
        .restarted
        .get(owner.mid_key().as_str())
        .copied()
        .unwrap_or(t.ice);
    m.push("ice-ufrag", ice.ufrag.clone());
    m.push("ice-pwd", ice.pwd.clone());
    m.push("ice-options", "trickle");
    m.push("fingerprint", t.fingerprint.clone());
    m.push("setup", t.setup);
    if let Some(mid) = &sec.mid {
        m.push("mid", mid.clone());
    }
    match sec.transport {
        Transport::Rtp => rtp(&mut m, ctx, sec, a, i),
        Transport::SctpLegacy => {
            m.push("sctpmap", format!("{SCTP_PORT} webrtc-datachannel 1024"));
            m.push("max-message-size", MAX_MESSAGE_SIZE.to_string());
        }
        _ => {
            m.push("sctp-port", SCTP_PORT.to_string());
            m.push("max-message-size", MAX_MESSAGE_SIZE.to_string());
        }
    }
    m
}

/// About how many attributes an accepted m-section gets, to size it once.
fn attribute_count(a: &AnswerSection) -> usize {
    let codecs: usize = a.codecs.kept.iter().map(|c| 2 + c.rtcp_fb.len()).sum();
    16 + a.extensions.len() + a.rids.len() + codecs
}

/// JSEP 5.3.1: a rejected m-section keeps its media, protocol and mid,
/// with port 0 and a format that needs no rtpmap.
fn rejected(sec: &RemoteSection) -> MediaSection {
    let formats = match sec.transport {
        Transport::Rtp => "0".to_string(),
        Transport::Sctp => "webrtc-datachannel".to_string(),
        Transport::SctpLegacy => SCTP_PORT.to_string(),
        Transport::Unsupported => sec.formats.clone(),
    };
    let mut m = MediaSection {
        media: sec.media.clone(),
        port: 0,
        proto: sec.proto.clone(),
        formats,
        connection: "IN IP4 0.0.0.0".into(),
        attributes: Vec::new(),
    };
    if let Some(mid) = &sec.mid {
        m.push("mid", mid.clone());
    }
    m.flag("inactive");
    m
}

/// The RTP part of an accepted m-section: extensions, direction, msid,
/// RIDs and simulcast, mux, codecs, and the sender's SSRCs.
fn rtp(
    m: &mut MediaSection,
    ctx: &AnswerContext,
    sec: &RemoteSection,
    a: &AnswerSection,
    i: usize,
) {
    let offered_ext = |id: u16| sec.rtp.extmaps.iter().find(|e| e.id == id);
    for e in a.extensions.iter().filter(|e| e.verdict.is_accepted()) {
        let dir = offered_ext(e.id)
            .and_then(|x| x.direction)
            .filter(|d| *d != Direction::SendRecv)
            .map(|d| format!("/{}", d.reversed()))
            .unwrap_or_default();
        m.push("extmap", format!("{}{dir} {}", e.id, e.uri));
    }
    m.flag(a.direction.as_str());
    let tr = ctx.transceivers[i].expect("accepted RTP sections have a transceiver");
    let msid = msid(tr, a.direction);
    if let Some((stream, track)) = msid {
        m.push("msid", format!("{stream} {track}"));
    }
    simulcast(m, a);
    // RFC 8285 section 6: answered where it was offered.
    if sec.rtp.media_extmap_allow_mixed && !ctx.offer.extmap_allow_mixed {
        m.flag("extmap-allow-mixed");
    }
    if sec.rtp.rtcp_mux {
        m.flag("rtcp-mux");
    }
    if sec.rtp.rtcp_rsize {
        m.flag("rtcp-rsize");
    }
    for c in &a.codecs.kept {
        let ch = match (tr.kind, c.channels) {
            // Mirror the offer: Firefox writes G722/8000/1 and expects it back.
            (MediaKind::Audio, Some(ch)) => format!("/{ch}"),
            _ => String::new(),
        };
        m.push(
            "rtpmap",
            format!("{} {}/{}{ch}", c.pt, c.name, c.clock_rate),
        );
        for fb in &c.rtcp_fb {
            m.push("rtcp-fb", pt_value(c.pt, fb));
        }
        if !c.fmtp.is_empty() {
            m.push("fmtp", pt_value(c.pt, &c.fmtp));
        }
    }
    if let Some((stream, track)) = msid {
        let has_rtx = a.codecs.kept.iter().any(|c| c.role() == CodecRole::Rtx);
        let ssrcs: &[u32] = if has_rtx {
            m.push("ssrc-group", format!("FID {} {}", tr.ssrc, tr.rtx_ssrc));
            &[tr.ssrc, tr.rtx_ssrc]
        } else {
            &[tr.ssrc]
        };
        for s in ssrcs {
            m.push("ssrc", format!("{s} cname:{}", ctx.cname));
            m.push("ssrc", format!("{s} msid:{stream} {track}"));
        }
    }
}

/// "PT REST", as rtcp-fb and fmtp lines begin; written without the
/// formatting machinery, as an answer has a hundred of them.
fn pt_value(pt: u8, rest: &str) -> String {
    let mut v = String::with_capacity(4 + rest.len());
    if pt >= 100 {
        v.push(char::from(b'0' + pt / 100));
    }
    if pt >= 10 {
        v.push(char::from(b'0' + pt / 10 % 10));
    }
    v.push(char::from(b'0' + pt % 10));
    v.push(' ');
    v.push_str(rest);
    v
}

/// RFC 8830: a=msid names the stream and the sender's track, when sending.
fn msid(tr: &Transceiver, direction: Direction) -> Option<(&str, &str)> {
    match (&tr.track, tr.stream_id()) {
        _ if !direction.sends() => None,
        (Some(t), _) => Some((t.stream_id.as_str(), t.track_id.as_str())),
        (None, Some(stream)) => Some((stream, tr.sender_id.as_str())),
        (None, None) => None,
    }
}

/// RFC 8851 4 and RFC 8853 5.3: the RIDs received, and a=simulcast:recv.
fn simulcast(m: &mut MediaSection, a: &AnswerSection) {
    for r in a.rids.iter().filter(|r| r.verdict.is_accepted()) {
        let value = match r.formats.is_empty() {
            true => format!("{} recv", r.id),
            false => {
                let pts: Vec<String> = r.formats.iter().map(|p| p.to_string()).collect();
                format!("{} recv pt={}", r.id, pts.join(","))
            }
        };
        m.push("rid", value);
    }
    if !a.simulcast_recv.is_empty() {
        let layers: Vec<String> = a
            .simulcast_recv
            .iter()
            .map(|alts| {
                alts.iter()
                    .map(|(id, paused)| format!("{}{id}", if *paused { "~" } else { "" }))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        m.push("simulcast", format!("recv {}", layers.join(";")));
    }
}

/// RFC 8839 5.1: c= and the port carry the first component-1 candidate.
fn default_address<'a>(
    mut candidates: impl Iterator<Item = &'a LocalCandidate>,
) -> Option<(String, u32)> {
    candidates
        .find(|c| c.candidate.component == 1)
        .and_then(|c| match &c.candidate.address {
            Address::Ip(ip) => Some((
                format!("IN {} {ip}", if ip.is_ipv4() { "IP4" } else { "IP6" }),
                c.candidate.port,
            )),
            Address::Fqdn(_) => None,
        })
}

#[cfg(test)]
mod tests {
    use super::pt_value;

    #[test]
    fn pt_value_writes_the_payload_type_and_the_rest() {
        assert_eq!(pt_value(0, "nack"), "0 nack");
        assert_eq!(pt_value(96, "nack pli"), "96 nack pli");
        assert_eq!(pt_value(127, "apt=126"), "127 apt=126");
    }
}
