//! The answer as a description value (`sdp::model`), written from the
//! decisions: JSEP 5.3.1 for what each m-section carries, and in what order.

use super::stated;
use super::{AnswerContext, AnswerSection};
use crate::dtls::DtlsRole;
use crate::local::lines::{
    codec_lines, format_list, msid_lines, sctp_formats, sctp_lines, session_attributes,
    setup_value, ssrc_lines, transport_lines,
};
use crate::local::LocalSection;
use crate::remote::{RemoteSection, Transport};
use crate::sdp::model::{MediaSection, SessionDescription};
use crate::transceiver::Direction;
use std::collections::HashMap;
use webrtc_sdp::address::Address;

pub(super) fn answer(
    ctx: &AnswerContext,
    sections: &[AnswerSection],
    local: &[LocalSection],
    bundle_groups: &[Vec<String>],
    role: DtlsRole,
) -> SessionDescription {
    let offer = ctx.offer;
    let attributes = session_attributes(
        bundle_groups,
        offer.extmap_allow_mixed,
        ctx.identity,
        ctx.config.ice_lite,
    );
    let setup = setup_value(role);
    let owner_of: HashMap<&str, usize> = sections
        .iter()
        .filter_map(|a| a.mid.as_deref().map(|m| (m, a.transport)))
        .collect();
    let media = offer
        .sections
        .iter()
        .zip(sections.iter().zip(local))
        .enumerate()
        .map(|(i, (sec, (a, l)))| match a.accepted() {
            true => {
                let address = default_address(ctx, &owner_of, a.transport);
                accepted(ctx, (sec, a, l), address, setup, i)
            }
            false => rejected(sec),
        })
        .collect();
    SessionDescription::new(ctx.session_id, ctx.session_version, attributes, media)
}

fn accepted(
    ctx: &AnswerContext,
    (sec, a, l): (&RemoteSection, &AnswerSection, &LocalSection),
    address: Option<(String, u32)>,
    setup: &'static str,
    i: usize,
) -> MediaSection {
    let (connection, port) = address.unwrap_or_else(|| ("IN IP4 0.0.0.0".into(), 9));
    let formats = match sec.transport {
        Transport::Rtp => format_list(&a.codecs.kept),
        t => sctp_formats(t),
    };
    let mut m = MediaSection {
        media: sec.media.clone(),
        port,
        proto: sec.proto.clone(),
        formats,
        connection,
        attributes: Vec::with_capacity(attribute_count(a)),
    };
    transport_lines(&mut m, l, setup);
    if let Some(mid) = &sec.mid {
        m.push("mid", mid.clone());
    }
    match sec.transport {
        Transport::Rtp => rtp(&mut m, ctx, (sec, a, l), i),
        t => sctp_lines(&mut m, t),
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
        Transport::Unsupported => sec.formats.clone(),
        t => sctp_formats(t),
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
    (sec, a, l): (&RemoteSection, &AnswerSection, &LocalSection),
    i: usize,
) {
    let offered_ext = |id: u16| sec.rtp.extmaps.iter().find(|e| e.id == id);
    for (id, uri) in a.accepted_extensions() {
        let dir = offered_ext(id)
            .and_then(|x| x.direction)
            .filter(|d| *d != Direction::SendRecv)
            .map(|d| format!("/{}", d.reversed()))
            .unwrap_or_default();
        m.push("extmap", format!("{id}{dir} {uri}"));
    }
    m.flag(a.direction.as_str());
    msid_lines(m, l);
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
    let tr = ctx.transceivers[i].expect("accepted RTP sections have a transceiver");
    codec_lines(m, &a.codecs.kept, tr.kind);
    ssrc_lines(m, l);
}

/// RFC 8851 4 and RFC 8853 5.3: the RIDs received and sent, and one
/// a=simulcast line for both directions.
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
    for (rid, _) in a.simulcast_send.iter().flatten() {
        m.push("rid", format!("{rid} send"));
    }
    let mut value = Vec::with_capacity(2);
    for (dir, layers) in [("send", &a.simulcast_send), ("recv", &a.simulcast_recv)] {
        if !layers.is_empty() {
            value.push(format!("{dir} {}", simulcast_layers(layers)));
        }
    }
    if !value.is_empty() {
        m.push("simulcast", value.join(" "));
    }
}

/// RFC 8853 5.1: layers separated by ";", alternatives by ",", "~" for paused.
fn simulcast_layers(layers: &[Vec<(String, bool)>]) -> String {
    let layers: Vec<String> = layers
        .iter()
        .map(|alts| {
            alts.iter()
                .map(|(id, paused)| format!("{}{id}", if *paused { "~" } else { "" }))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    layers.join(";")
}

/// RFC 8839 5.1: c= and the port carry the first component-1 candidate
/// of the transport.
fn default_address(
    ctx: &AnswerContext,
    owner_of: &HashMap<&str, usize>,
    owner: usize,
) -> Option<(String, u32)> {
    stated::candidates(ctx, owner_of, owner)
        .find(|c| c.candidate.component == 1)
        .and_then(|c| match &c.candidate.address {
            Address::Ip(ip) => Some((
                format!("IN {} {ip}", if ip.is_ipv4() { "IP4" } else { "IP6" }),
                c.candidate.port,
            )),
            Address::Fqdn(_) => None,
        })
}
