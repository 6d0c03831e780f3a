//! What an offer says, m-section by m-section, checked for what a WebRTC
//! answerer needs (JSEP 5.6 and 5.8, RFC 8839, RFC 8842, RFC 8843).

use crate::codec::OfferedCodec;
use crate::error::{Error, Result};
use crate::ice;
use crate::sdp::{printable, Sdp};
use crate::transceiver::{Direction, MediaKind};
use std::collections::{HashMap, HashSet};
use webrtc_sdp::attribute_type::{
    SdpAttribute, SdpAttributeGroupSemantic, SdpAttributePayloadType, SdpAttributeSetup,
    SdpSingleDirection,
};
use webrtc_sdp::media_type::{SdpFormatList, SdpMediaValue, SdpProtocolValue};

/// The transport family of an m-section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// RTP over DTLS-SRTP (UDP/TLS/RTP/SAVPF and friends).
    Rtp,
    /// SCTP over DTLS, `UDP/DTLS/SCTP webrtc-datachannel` or `TCP/DTLS/SCTP`.
    Sctp,
    /// The legacy `DTLS/SCTP 5000` + `a=sctpmap` form.
    SctpLegacy,
    /// Anything a WebRTC answerer cannot take (RTP/AVP, udptl, ...).
    Unsupported,
}

#[derive(Clone, Debug)]
pub struct Extmap {
    pub id: u16,
    pub uri: String,
    pub direction: Option<Direction>,
}

/// One offered m-section.
#[derive(Clone, Debug)]
pub struct RemoteSection {
    pub index: usize,
    pub line: usize,
    /// "audio", "video", "application" or the unknown media name.
    pub media: String,
    pub kind: Option<MediaKind>,
    pub proto: String,
    pub transport: Transport,
    pub port: u32,
    pub bundle_only: bool,
    /// Rejected by the offerer: port 0 without bundle-only.
    pub rejected: bool,
    pub mid: Option<String>,
    pub direction: Direction,
    pub ice_ufrag: Option<String>,
    pub ice_pwd: Option<String>,
    pub fingerprints: Vec<String>,
    pub setup: SdpAttributeSetup,
    pub rtcp_mux: bool,
    pub rtcp_rsize: bool,
    pub codecs: Vec<OfferedCodec>,
    pub extmaps: Vec<Extmap>,
    pub extmap_allow_mixed: bool,
    /// a=extmap-allow-mixed at media level (RFC 8285 section 6).
    pub media_extmap_allow_mixed: bool,
    pub sctp_port: Option<u64>,
    pub max_message_size: Option<u64>,
    /// The offered format list, kept for rejected sections.
    pub formats: String,
    /// RIDs the offerer sends (RFC 8851), with their payload type restrictions.
    pub send_rids: Vec<(String, Vec<u16>)>,
    /// a=simulcast:send alternatives per layer (RFC 8853): (rid, paused).
    pub simulcast_send: Vec<Vec<(String, bool)>>,
    /// Remote SSRCs and their groups ("FID", "SIM", ...).
    pub ssrcs: Vec<u32>,
    pub ssrc_groups: Vec<(String, Vec<u32>)>,
    /// a=msid: stream id and track id.
    pub msids: Vec<(String, Option<String>)>,
    /// Remote ICE candidates: inline in the offer, then trickled.
    pub candidates: Vec<String>,
    pub end_of_candidates: bool,
    /// Dynamic payload types listed without an a=rtpmap.
    pub unknown_pts: Vec<u8>,
}

impl RemoteSection {
    /// The key transceivers are associated by: the mid, or the index for the
    /// rare offers without a=mid.
    pub fn mid_key(&self) -> String {
        self.mid
            .clone()
            .unwrap_or_else(|| format!("#{}", self.index))
    }
}

#[derive(Clone, Debug)]
pub struct RemoteOffer {
    pub sections: Vec<RemoteSection>,
    /// BUNDLE groups as offered, by mid.
    pub bundle_groups: Vec<Vec<String>>,
    pub extmap_allow_mixed: bool,
    pub ice_lite: bool,
    /// Section index by `mid_key`.
    by_mid: HashMap<String, usize>,
}

impl RemoteOffer {
    /// The m-section whose `mid_key` is `key`.
    pub fn section(&self, key: &str) -> Option<&RemoteSection> {
        self.index_of(key).map(|i| &self.sections[i])
    }
    /// The index of the m-section whose `mid_key` is `key`.
    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.by_mid.get(key).copied()
    }
}

fn static_codec(pt: u32) -> Option<(&'static str, u32, Option<u32>)> {
    match pt {
        0 => Some(("PCMU", 8000, None)),
        8 => Some(("PCMA", 8000, None)),
        9 => Some(("G722", 8000, None)),
        13 => Some(("CN", 8000, None)),
        _ => None,
    }
}

fn err_at(line: usize, text: impl std::fmt::Display) -> Error {
    Error::invalid_access(format!("line {line}: {text}"))
}

/// An m-section's own ICE and DTLS attributes (or the session's), with lines.
struct TransportAttrs {
    ufrag: Option<(String, usize)>,
    pwd: Option<(String, usize)>,
    setup: Option<(SdpAttributeSetup, usize)>,
}

/// RFC 8839 5.4, RFC 8842 5, RFC 8843 7: every m-section we could accept
/// needs ICE credentials and a fingerprint. One in a BUNDLE group may leave
/// them out (bundle-only ones, RFC 8843 7.2; all but the tagged one in a
/// subsequent offer, RFC 9429 5.2.2): it takes those of the group's tagged
/// m-section, the one its first mid names.
fn check_transports(
    sections: &mut [RemoteSection],
    attrs: &[TransportAttrs],
    bundle_groups: &[Vec<String>],
    sdp: &Sdp,
) -> Result<()> {
    let by_mid: std::collections::HashMap<&str, usize> = sections
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.mid.as_deref().map(|m| (m, i)))
        .collect();
    let mut tagged_of = vec![None; sections.len()];
    for group in bundle_groups {
        let tagged = group.first().and_then(|m| by_mid.get(m.as_str())).copied();
        for i in group.iter().filter_map(|m| by_mid.get(m.as_str())) {
            tagged_of[*i] = tagged_of[*i].or(tagged);
        }
    }
    for i in 0..sections.len() {
        let sec = &sections[i];
        if sec.transport == Transport::Unsupported || sec.rejected {
            continue;
        }
        let own = &attrs[i];
        let tagged = tagged_of[i].map(|t| (&attrs[t], &sections[t]));
        let inherit = |f: fn(&TransportAttrs) -> &Option<(String, usize)>| {
            f(own)
                .clone()
                .or_else(|| tagged.and_then(|(a, _)| f(a).clone()))
        };
        let missing = |what: &str| {
            let where_ = if tagged.is_some() {
                "nor at session level, nor in its BUNDLE group's tagged m-section"
            } else {
                "nor at session level"
            };
            err_at(sec.line, format!("m-section has no {what} ({where_})"))
        };
        let (u, uline) = inherit(|a| &a.ufrag).ok_or_else(|| missing("a=ice-ufrag"))?;
        ice::check_ufrag(&u).map_err(|e| err_at(uline, e))?;
        let (p, pline) = inherit(|a| &a.pwd).ok_or_else(|| missing("a=ice-pwd"))?;
        ice::check_pwd(&p).map_err(|e| err_at(pline, e))?;
        let fingerprints = match tagged {
            Some((_, t)) if sec.fingerprints.is_empty() => t.fingerprints.clone(),
            _ => sec.fingerprints.clone(),
        };
        if fingerprints.is_empty() {
            return Err(no_fingerprint(sec, sdp));
        }
        let setup = own
            .setup
            .clone()
            .or_else(|| tagged.and_then(|(a, _)| a.setup.clone()));
        if let Some((SdpAttributeSetup::Holdconn, line)) = &setup {
            return Err(err_at(
                *line,
                "a=setup:holdconn is not allowed in an offer (RFC 8842 section 5.1)",
            ));
        }
        let sec = &mut sections[i];
        sec.ice_ufrag = Some(u);
        sec.ice_pwd = Some(p);
        sec.fingerprints = fingerprints;
        sec.setup = setup.map_or(SdpAttributeSetup::Actpass, |(s, _)| s);
    }
    Ok(())
}

/// The error for an m-section without a usable fingerprint: names the
/// fingerprint line with an unsupported hash, if there is one.
fn no_fingerprint(sec: &RemoteSection, sdp: &Sdp) -> Error {
    let unusable = sdp.ignored.iter().find(|(_, m, text)| {
        (m.is_none() || *m == Some(sec.index)) && text.starts_with("a=fingerprint:")
    });
    match unusable {
        Some((line, _, text)) => err_at(
            *line,
            format!(
                "unsupported hash function in \"{}\" (sha-1, sha-224, sha-256, sha-384 and sha-512 are), and no other fingerprint",
                printable(text)
            ),
        ),
        None => err_at(
            sec.line,
            "m-section has no a=fingerprint (nor at session level): DTLS is required",
        ),
    }
}

impl RemoteOffer {
    /// Reads and checks an offer. Errors name the line.
    pub fn from_sdp(sdp: &Sdp) -> Result<RemoteOffer> {
        let s = &sdp.session;
        let mut session_ufrag = None;
        let mut session_pwd = None;
        let mut session_fp = Vec::new();
        let mut session_setup = None;
        let mut bundle_groups = Vec::new();
        let mut group_lines = Vec::new();
        let mut extmap_allow_mixed = false;
        let mut ice_lite = false;
        for (a, line) in s.attribute.iter().zip(&sdp.session_attr_lines) {
            match a {
                SdpAttribute::IceUfrag(u) => session_ufrag = Some((u.clone(), *line)),
                SdpAttribute::IcePwd(p) => session_pwd = Some((p.clone(), *line)),
                SdpAttribute::Fingerprint(f) => session_fp.push(f.to_string()),
                SdpAttribute::Setup(st) => session_setup = Some((st.clone(), *line)),
                SdpAttribute::Group(g)
                    if matches!(g.semantics, SdpAttributeGroupSemantic::Bundle) =>
                {
                    bundle_groups.push(g.tags.clone());
                    group_lines.push(*line);
                }
                SdpAttribute::ExtmapAllowMixed => extmap_allow_mixed = true,
                SdpAttribute::IceLite => ice_lite = true,
                _ => {}
            }
        }
        let mut sections = Vec::with_capacity(s.media.len());
        let mut transport_attrs = Vec::with_capacity(s.media.len());
        let mut mids = HashSet::new();
        for (index, (m, extra)) in s.media.iter().zip(&sdp.media).enumerate() {
            let media = match m.get_type() {
                SdpMediaValue::Unknown(u) => u.clone(),
                t => t.to_string(),
            };
            let kind = match m.get_type() {
                SdpMediaValue::Audio => Some(MediaKind::Audio),
                SdpMediaValue::Video => Some(MediaKind::Video),
                _ => None,
            };
            let proto = extra
                .unknown_proto
                .clone()
                .unwrap_or_else(|| m.get_proto().to_string());
            let has_sctpmap = m
                .get_attributes()
                .iter()
                .any(|a| matches!(a, SdpAttribute::Sctpmap(_)));
            let transport = if extra.unknown_proto.is_some() {
                Transport::Unsupported
            } else {
                match (m.get_type(), m.get_proto()) {
                    (
                        SdpMediaValue::Audio | SdpMediaValue::Video,
                        SdpProtocolValue::UdpTlsRtpSavpf
                        | SdpProtocolValue::TcpDtlsRtpSavpf
                        | SdpProtocolValue::UdpTlsRtpSavp
                        | SdpProtocolValue::TcpDtlsRtpSavp
                        | SdpProtocolValue::RtpSavpf
                        | SdpProtocolValue::RtpSavp,
                    ) => Transport::Rtp,
                    (
                        SdpMediaValue::Application,
                        SdpProtocolValue::UdpDtlsSctp | SdpProtocolValue::TcpDtlsSctp,
                    ) => Transport::Sctp,
                    (SdpMediaValue::Application, SdpProtocolValue::DtlsSctp) if has_sctpmap => {
                        Transport::SctpLegacy
                    }
                    _ => Transport::Unsupported,
                }
            };
            let mut sec = RemoteSection {
                index,
                line: extra.line,
                media,
                kind,
                proto,
                transport,
                port: m.get_port(),
                bundle_only: false,
                rejected: false,
                mid: None,
                direction: Direction::SendRecv,
                ice_ufrag: None,
                ice_pwd: None,
                fingerprints: Vec::new(),
                setup: SdpAttributeSetup::Actpass,
                rtcp_mux: false,
                rtcp_rsize: false,
                codecs: Vec::new(),
                extmaps: Vec::new(),
                extmap_allow_mixed,
                media_extmap_allow_mixed: false,
                sctp_port: None,
                max_message_size: None,
                formats: m.get_formats().to_string(),
                send_rids: Vec::new(),
                simulcast_send: Vec::new(),
                ssrcs: Vec::new(),
                ssrc_groups: Vec::new(),
                msids: Vec::new(),
                candidates: Vec::new(),
                end_of_candidates: false,
                unknown_pts: Vec::new(),
            };
            // An m-section webrtc-sdp could not parse keeps only its mid.
            if let Some((mid, line)) = &extra.unknown_mid {
                if !mids.insert(mid.clone()) {
                    return Err(err_at(*line, format!("duplicate mid '{}'", printable(mid))));
                }
                sec.mid = Some(mid.clone());
            }
            let mut ufrag = session_ufrag.clone();
            let mut pwd = session_pwd.clone();
            let mut setup = session_setup.clone();
            let mut rtpmaps = Vec::new();
            let mut fbs: Vec<(SdpAttributePayloadType, String)> = Vec::new();
            let mut extmap_ids = HashSet::new();
            let mut simulcast_line = None;
            let mut fmtp_lines: Vec<(u8, usize)> = Vec::new();
            for (a, line) in m.get_attributes().iter().zip(&extra.attr_lines) {
                match a {
                    SdpAttribute::Mid(mid) => {
                        if !mids.insert(mid.clone()) {
                            return Err(err_at(
                                *line,
                                format!("duplicate mid '{}'", printable(mid)),
                            ));
                        }
                        sec.mid = Some(mid.clone());
                    }
                    SdpAttribute::BundleOnly => sec.bundle_only = true,
                    SdpAttribute::Sendrecv => sec.direction = Direction::SendRecv,
                    SdpAttribute::Sendonly => sec.direction = Direction::SendOnly,
                    SdpAttribute::Recvonly => sec.direction = Direction::RecvOnly,
                    SdpAttribute::Inactive => sec.direction = Direction::Inactive,
                    SdpAttribute::IceUfrag(u) => ufrag = Some((u.clone(), *line)),
                    SdpAttribute::IcePwd(p) => pwd = Some((p.clone(), *line)),
                    SdpAttribute::Fingerprint(f) => sec.fingerprints.push(f.to_string()),
                    SdpAttribute::Setup(st) => setup = Some((st.clone(), *line)),
                    SdpAttribute::RtcpMux => sec.rtcp_mux = true,
                    SdpAttribute::RtcpRsize => sec.rtcp_rsize = true,
                    SdpAttribute::ExtmapAllowMixed => {
                        sec.extmap_allow_mixed = true;
                        sec.media_extmap_allow_mixed = true;
                    }
                    SdpAttribute::Rtpmap(r) => rtpmaps.push((r.clone(), *line)),
                    SdpAttribute::Fmtp(f) => fmtp_lines.push((f.payload_type, *line)),
                    SdpAttribute::Rtcpfb(fb) => {
                        let mut v = fb.feedback_type.to_string();
                        if !fb.parameter.is_empty() {
                            v.push(' ');
                            v.push_str(&fb.parameter);
                        }
                        fbs.push((fb.payload_type.clone(), v));
                    }
                    SdpAttribute::Extmap(e) => {
                        if !extmap_ids.insert(e.id) {
                            return Err(err_at(
                                *line,
                                format!("extmap id {} is used twice in this m-section", e.id),
                            ));
                        }
                        if e.id == 0 || e.id > 255 {
                            return Err(err_at(
                                *line,
                                format!("extmap id {} is outside 1-255", e.id),
                            ));
                        }
                        sec.extmaps.push(Extmap {
                            id: e.id,
                            uri: e.url.clone(),
                            direction: e.direction.as_ref().map(|d| match d.to_string().as_str() {
                                "sendonly" => Direction::SendOnly,
                                "recvonly" => Direction::RecvOnly,
                                _ => Direction::SendRecv,
                            }),
                        });
                    }
                    SdpAttribute::SctpPort(p) => sec.sctp_port = Some(*p),
                    SdpAttribute::Sctpmap(sm) => {
                        sec.sctp_port = sec.sctp_port.or(Some(sm.port as u64))
                    }
                    SdpAttribute::MaxMessageSize(s) => sec.max_message_size = Some(*s),
                    SdpAttribute::Rid(r) if matches!(r.direction, SdpSingleDirection::Send) => {
                        if sec.send_rids.iter().any(|(id, _)| *id == r.id) {
                            return Err(err_at(
                                *line,
                                format!("rid '{}' is declared twice", printable(&r.id)),
                            ));
                        }
                        sec.send_rids.push((r.id.clone(), r.formats.clone()));
                    }
                    SdpAttribute::Simulcast(sim) => {
                        sec.simulcast_send = sim
                            .send
                            .iter()
                            .map(|v| v.ids.iter().map(|i| (i.id.clone(), i.paused)).collect())
                            .collect();
                        simulcast_line = Some(*line);
                    }
                    SdpAttribute::Ssrc(ss) if !sec.ssrcs.contains(&ss.id) => sec.ssrcs.push(ss.id),
                    SdpAttribute::SsrcGroup(sem, ssrcs) => sec
                        .ssrc_groups
                        .push((sem.to_string(), ssrcs.iter().map(|s| s.id).collect())),
                    SdpAttribute::Candidate(c) => sec.candidates.push(format!("candidate:{c}")),
                    SdpAttribute::EndOfCandidates => sec.end_of_candidates = true,
                    SdpAttribute::Msid(ms) => sec.msids.push((ms.id.clone(), ms.appdata.clone())),
                    _ => {}
                }
            }
            // RFC 8853 section 5.1: every rid in a=simulcast needs its a=rid.
            if let Some(line) = simulcast_line {
                for (rid, _) in sec.simulcast_send.iter().flatten() {
                    if !sec.send_rids.iter().any(|(id, _)| id == rid) {
                        return Err(err_at(
                            line,
                            format!(
                                "simulcast names rid '{}' with no a=rid:{} send",
                                printable(rid),
                                printable(rid)
                            ),
                        ));
                    }
                }
            }
            sec.rejected = sec.port == 0 && !sec.bundle_only;
            if sec.fingerprints.is_empty() {
                sec.fingerprints = session_fp.clone();
            }
            transport_attrs.push(TransportAttrs { ufrag, pwd, setup });
            if let (Transport::Rtp, SdpFormatList::Integers(pts)) = (sec.transport, m.get_formats())
            {
                for pt in pts {
                    if *pt > 127 {
                        return Err(err_at(
                            sec.line,
                            format!("payload type {pt} is outside 0-127"),
                        ));
                    }
                    let pt8 = *pt as u8;
                    let (name, rate, ch) = match rtpmaps.iter().find(|(r, _)| r.payload_type == pt8)
                    {
                        Some((r, _)) => (r.codec_name.clone(), r.frequency, r.channels),
                        None => match static_codec(*pt) {
                            Some((n, r, c)) => (n.to_string(), r, c),
                            None => {
                                // A dynamic type without rtpmap: an unknown codec.
                                sec.unknown_pts.push(pt8);
                                continue;
                            }
                        },
                    };
                    sec.codecs.push(OfferedCodec {
                        pt: pt8,
                        name,
                        clock_rate: rate,
                        channels: ch,
                        fmtp: extra.fmtp(pt8).unwrap_or("").to_string(),
                        rtcp_fb: fbs
                            .iter()
                            .filter(|(p, _)| match p {
                                SdpAttributePayloadType::Wildcard => true,
                                SdpAttributePayloadType::PayloadType(p) => *p == pt8,
                            })
                            .map(|(_, v)| v.clone())
                            .collect(),
                    });
                }
                for (r, line) in &rtpmaps {
                    if r.payload_type > 127 {
                        return Err(err_at(
                            *line,
                            format!("payload type {} is outside 0-127", r.payload_type),
                        ));
                    }
                }
                // RFC 4566 6: rtpmap and fmtp describe formats the m= line lists.
                let listed = |pt: u8| pts.contains(&u32::from(pt));
                let described = rtpmaps.iter().map(|(r, l)| (r.payload_type, *l));
                for (pt, line) in described.chain(fmtp_lines.iter().copied()) {
                    if !listed(pt) {
                        return Err(err_at(
                            line,
                            format!(
                                "payload type {pt} is not listed on the m= line (line {})",
                                sec.line
                            ),
                        ));
                    }
                }
                // RFC 4588 8.6: rtx must name a payload type of this m-section.
                for c in sec
                    .codecs
                    .iter()
                    .filter(|c| c.name.eq_ignore_ascii_case("rtx"))
                {
                    let apt =
                        crate::codec::fmtp_param(&c.fmtp, "apt").and_then(|a| a.parse::<u8>().ok());
                    let line = fmtp_lines
                        .iter()
                        .find(|(p, _)| *p == c.pt)
                        .map_or(sec.line, |(_, l)| *l);
                    match apt {
                        Some(apt) if listed(apt) => {}
                        Some(apt) => return Err(err_at(line, format!("rtx payload type {} repairs payload type {apt}, which the m= line does not list", c.pt))),
                        None => return Err(err_at(line, format!("rtx payload type {} has no apt", c.pt))),
                    }
                }
            }
            sections.push(sec);
        }
        // RFC 8843: every mid a BUNDLE group names must exist, and a
        // bundle-only m-section must be in a group.
        for (group, line) in bundle_groups.iter().zip(&group_lines) {
            for tag in group {
                if !mids.contains(tag) {
                    return Err(err_at(
                        *line,
                        format!(
                            "BUNDLE group names mid '{}', which no m-section has",
                            printable(tag)
                        ),
                    ));
                }
            }
        }
        let grouped: HashSet<&String> = bundle_groups.iter().flatten().collect();
        for sec in &sections {
            if sec.bundle_only && !sec.mid.as_ref().is_some_and(|m| grouped.contains(m)) {
                return Err(err_at(
                    sec.line,
                    "m-section is bundle-only but in no BUNDLE group",
                ));
            }
        }
        check_transports(&mut sections, &transport_attrs, &bundle_groups, sdp)?;
        if !sections.is_empty()
            && sections
                .iter()
                .all(|s| s.transport == Transport::Unsupported)
        {
            let first = &sections[0];
            return Err(Error::invalid_access(format!(
                "not a WebRTC offer: no m-section uses DTLS-SRTP (UDP/TLS/RTP/SAVPF) or SCTP over DTLS (line {}: {} {})",
                first.line, first.media, first.proto
            )));
        }
        let by_mid = sections
            .iter()
            .enumerate()
            .map(|(i, s)| (s.mid_key(), i))
            .collect();
        Ok(RemoteOffer {
            by_mid,
            sections,
            bundle_groups,
            extmap_allow_mixed,
            ice_lite,
        })
    }
}
