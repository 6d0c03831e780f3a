//! The remote description, offer or answer: what it says, m-section by
//! m-section, checked for what a WebRTC peer needs (JSEP 5.6 and 5.8, RFC
//! 8839, RFC 8842, RFC 8843). [`RemoteDescription::read_offer`] and
//! [`RemoteDescription::read_answer`] read it in named steps, one rule
//! each; what only an offer must satisfy is checked only in offers (an
//! answer is checked against our offer in `offer::remote_answer`).

use crate::codec::RtpCodec;
use crate::dtls::Setup;
use crate::error::{Error, Result};
use crate::ice;
use crate::sdp::{fast, printable, MediaExtra, Sdp};
use crate::transceiver::{Direction, MediaKind};
use std::collections::{HashMap, HashSet};
use webrtc_sdp::attribute_type::{
    SdpAttribute, SdpAttributeDirection, SdpAttributeExtmap, SdpAttributeGroupSemantic,
    SdpAttributePayloadType, SdpAttributeRtpmap, SdpAttributeSetup, SdpSingleDirection,
};
use webrtc_sdp::media_type::{SdpFormatList, SdpMedia, SdpMediaValue, SdpProtocolValue};

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

/// An offered a=extmap header extension (RFC 8285).
#[derive(Clone, Debug)]
pub struct Extmap {
    /// The extension id, 1-255.
    pub id: u16,
    /// The extension URI.
    pub uri: std::sync::Arc<str>,
    /// The offered direction: sendonly, recvonly, else SendRecv; None when not given.
    pub direction: Option<Direction>,
}

/// An m-section's ICE parameters (RFC 8839).
#[derive(Clone, Debug, Default)]
pub struct IceParams {
    /// Set on every m-section that can be accepted (inherited from the
    /// session or the BUNDLE group's tagged m-section where left out).
    pub ufrag: Option<String>,
    /// The ice-pwd, set and inherited like `ufrag`.
    pub pwd: Option<String>,
    /// Remote ICE candidates: inline in the offer, then trickled.
    pub candidates: Vec<String>,
    /// Whether the offerer ended its candidates (a=end-of-candidates).
    pub end_of_candidates: bool,
}

/// An m-section's DTLS parameters (RFC 8842).
#[derive(Clone, Debug)]
pub struct DtlsParams {
    /// a=fingerprint values, "sha-256 AB:CD:...": own, else the session's or the tagged one's.
    pub fingerprints: Vec<String>,
    /// The offered a=setup; actpass when not given.
    pub setup: Setup,
}

/// What an RTP m-section offers.
#[derive(Clone, Debug, Default)]
pub struct RtpParams {
    /// a=rtcp-mux (RFC 5761).
    pub rtcp_mux: bool,
    /// a=rtcp-rsize (RFC 5506).
    pub rtcp_rsize: bool,
    /// The offered codecs, in m= line order (with an rtpmap or a static payload type).
    pub codecs: Vec<RtpCodec>,
    /// Dynamic payload types listed without an a=rtpmap.
    pub unknown_pts: Vec<u8>,
    /// The offered header extensions.
    pub extmaps: Vec<Extmap>,
    /// a=extmap-allow-mixed at session or media level.
    pub extmap_allow_mixed: bool,
    /// a=extmap-allow-mixed at media level (RFC 8285 section 6).
    pub media_extmap_allow_mixed: bool,
    /// RIDs the offerer sends (RFC 8851), with their payload type restrictions.
    pub send_rids: Vec<(String, Vec<u16>)>,
    /// a=simulcast:send alternatives per layer (RFC 8853): (rid, paused).
    pub simulcast_send: Vec<Vec<(String, bool)>>,
    /// RIDs it receives (a=rid:... recv; an answer to a simulcast offer).
    pub recv_rids: Vec<String>,
    /// a=simulcast:recv alternatives per layer, like `simulcast_send`.
    pub simulcast_recv: Vec<Vec<(String, bool)>>,
    /// Remote SSRCs and their groups ("FID", "SIM", ...).
    pub ssrcs: Vec<u32>,
    /// a=ssrc-group lines: (semantics, SSRCs).
    pub ssrc_groups: Vec<(String, Vec<u32>)>,
    /// a=msid: stream id and track id.
    pub msids: Vec<(String, Option<String>)>,
}

/// What a data channel m-section offers (RFC 8841).
#[derive(Clone, Debug, Default)]
pub struct SctpParams {
    /// a=sctp-port, or the a=sctpmap port of the legacy form; None when not given.
    pub port: Option<u64>,
    /// a=max-message-size; None when not given.
    pub max_message_size: Option<u64>,
}

/// One offered m-section.
#[derive(Clone, Debug)]
pub struct RemoteSection {
    /// 0-based index in the offer.
    pub index: usize,
    /// 1-based line of its m= line, for error messages.
    pub line: usize,
    /// "audio", "video", "application" or the unknown media name.
    pub media: String,
    /// Audio or video; None for other media.
    pub kind: Option<MediaKind>,
    /// The media type is "application" (data channels, whatever the protocol).
    pub application: bool,
    /// The m= line's protocol, as written.
    pub proto: String,
    /// The transport family `proto` names.
    pub transport: Transport,
    /// The m= line's port.
    pub port: u32,
    /// a=bundle-only (RFC 8843).
    pub bundle_only: bool,
    /// Rejected by the offerer: port 0 without bundle-only.
    pub rejected: bool,
    /// a=mid; None when the description gives none, until
    /// [`RemoteDescription::fill_in_mids`] gives it one.
    pub mid: Option<String>,
    /// The description has no a=mid here: `mid` is the one rtcpc gave it.
    pub mid_assigned: bool,
    /// The offered direction; sendrecv when not given.
    pub direction: Direction,
    /// The offered format list, kept for rejected sections.
    pub formats: String,
    /// ICE parameters (RFC 8839).
    pub ice: IceParams,
    /// DTLS parameters (RFC 8842).
    pub dtls: DtlsParams,
    /// RTP parameters (empty for other transports).
    pub rtp: RtpParams,
    /// SCTP parameters (data channel m-sections).
    pub sctp: SctpParams,
}

impl RemoteSection {
    /// Gives back what the lists grew beyond their length: a connection
    /// keeps its offer for as long as it lives.
    fn shrink(&mut self) {
        let rtp = &mut self.rtp;
        rtp.codecs.shrink_to_fit();
        rtp.extmaps.shrink_to_fit();
        rtp.ssrcs.shrink_to_fit();
        rtp.ssrc_groups.shrink_to_fit();
        rtp.msids.shrink_to_fit();
        self.ice.candidates.shrink_to_fit();
    }

    /// The key transceivers are associated by: the mid (written, or given
    /// by [`RemoteDescription::fill_in_mids`]), else the index.
    pub fn mid_key(&self) -> String {
        self.mid
            .clone()
            .unwrap_or_else(|| format!("#{}", self.index))
    }
}

/// A remote offer or answer, read and checked: its m-sections and
/// session-level facts.
#[derive(Clone, Debug)]
pub struct RemoteDescription {
    /// The m-sections, in order.
    pub sections: Vec<RemoteSection>,
    /// BUNDLE groups as written, by mid.
    pub bundle_groups: Vec<Vec<String>>,
    /// Session-level a=extmap-allow-mixed (RFC 8285 section 6).
    pub extmap_allow_mixed: bool,
    /// Session-level a=ice-lite: the offerer is an ICE lite agent.
    pub ice_lite: bool,
    /// Section index by `mid_key`.
    by_mid: HashMap<String, usize>,
}

impl RemoteDescription {
    /// The m-section whose `mid_key` is `key`.
    pub fn section(&self, key: &str) -> Option<&RemoteSection> {
        self.index_of(key).map(|i| &self.sections[i])
    }
    /// The index of the m-section whose `mid_key` is `key`.
    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.by_mid.get(key).copied()
    }
    /// The index of the m-section with `a=mid:<mid>` (not a `#index` key).
    pub fn index_of_mid(&self, mid: &str) -> Option<usize> {
        self.index_of(mid)
            .filter(|&i| self.sections[i].mid.is_some())
    }

    /// Interop with legacy end points (RFC 3264 position matching), as
    /// Chromium does it: each m-section without a=mid gets
    /// `mid_for(index, taken)`, `taken` telling the mids already in use here.
    pub(crate) fn fill_in_mids(
        &mut self,
        mut mid_for: impl FnMut(usize, &dyn Fn(&str) -> bool) -> String,
    ) {
        if self.sections.iter().all(|s| s.mid.is_some()) {
            return;
        }
        let mut taken: HashSet<String> =
            self.sections.iter().filter_map(|s| s.mid.clone()).collect();
        for s in self.sections.iter_mut().filter(|s| s.mid.is_none()) {
            let mid = mid_for(s.index, &|m| taken.contains(m));
            taken.insert(mid.clone());
            s.mid = Some(mid);
            s.mid_assigned = true;
        }
        self.by_mid = self
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| (s.mid_key(), i))
            .collect();
    }

    /// Reads and checks an offer: also that it is a WebRTC offer (JSEP
    /// 5.8). Errors name the line.
    pub(crate) fn read_offer(sdp: &Sdp) -> Result<RemoteDescription> {
        let read = Self::read(sdp)?;
        check_webrtc(&read.sections)?;
        Ok(read)
    }

    /// Reads and checks an answer, before it is checked against the offer.
    pub(crate) fn read_answer(sdp: &Sdp) -> Result<RemoteDescription> {
        Self::read(sdp)
    }

    /// What offers and answers alike must satisfy. Errors name the line.
    fn read(sdp: &Sdp) -> Result<RemoteDescription> {
        let session = Session::read(sdp);
        let mut mids = HashSet::new();
        let mut sections = Vec::with_capacity(sdp.media.len());
        let mut transport_attrs = Vec::with_capacity(sdp.media.len());
        let media = sdp.session.media.iter().zip(&sdp.media);
        for (index, (m, extra)) in media.enumerate() {
            let mut sec = RemoteSection::new(index, m, extra, &session);
            let attrs = read_attributes(&mut sec, m, extra, &session, &mut mids)?;
            check_simulcast(&sec, attrs.simulcast_line)?;
            if let (Transport::Rtp, SdpFormatList::Integers(pts)) = (sec.transport, m.get_formats())
            {
                read_codecs(&mut sec, pts, &attrs, extra)?;
            }
            transport_attrs.push(attrs.transport);
            sec.shrink();
            sections.push(sec);
        }
        check_bundle(&session, &mids, &sections)?;
        check_transports(&mut sections, &transport_attrs, &session.bundle_groups, sdp)?;
        let by_mid = sections
            .iter()
            .enumerate()
            .map(|(i, s)| (s.mid_key(), i))
            .collect();
        Ok(RemoteDescription {
            by_mid,
            sections,
            bundle_groups: session.bundle_groups,
            extmap_allow_mixed: session.extmap_allow_mixed,
            ice_lite: session.ice_lite,
        })
    }
}

fn err_at(line: usize, text: impl std::fmt::Display) -> Error {
    Error::invalid_access(format!("line {line}: {text}"))
}

/// Session-level attributes: the defaults m-sections inherit (RFC 8839 5.4,
/// RFC 8842 5), BUNDLE groups (RFC 8843 7), extmap-allow-mixed (RFC 8285 6)
/// and ice-lite.
struct Session {
    transport: TransportAttrs,
    fingerprints: Vec<String>,
    bundle_groups: Vec<Vec<String>>,
    group_lines: Vec<usize>,
    extmap_allow_mixed: bool,
    ice_lite: bool,
}

impl Session {
    fn read(sdp: &Sdp) -> Session {
        let mut s = Session {
            transport: TransportAttrs::default(),
            fingerprints: Vec::new(),
            bundle_groups: Vec::new(),
            group_lines: Vec::new(),
            extmap_allow_mixed: false,
            ice_lite: false,
        };
        for (a, line) in sdp.session.attribute.iter().zip(&sdp.session_attr_lines) {
            match a {
                SdpAttribute::Fingerprint(f) => s.fingerprints.push(fast::fingerprint_text(f)),
                SdpAttribute::Group(g)
                    if matches!(g.semantics, SdpAttributeGroupSemantic::Bundle) =>
                {
                    s.bundle_groups.push(g.tags.clone());
                    s.group_lines.push(*line);
                }
                SdpAttribute::ExtmapAllowMixed => s.extmap_allow_mixed = true,
                SdpAttribute::IceLite => s.ice_lite = true,
                a => s.transport.read(a, *line),
            }
        }
        s
    }
}

/// RFC 8841 and RFC 5764: the transport family from media type and protocol.
fn transport_of(m: &SdpMedia, extra: &MediaExtra) -> Transport {
    if extra.unknown_proto.is_some() {
        return Transport::Unsupported;
    }
    let has_sctpmap = m
        .get_attributes()
        .iter()
        .any(|a| matches!(a, SdpAttribute::Sctpmap(_)));
    use SdpProtocolValue as P;
    match (m.get_type(), m.get_proto()) {
        (
            SdpMediaValue::Audio | SdpMediaValue::Video,
            P::UdpTlsRtpSavpf
            | P::TcpDtlsRtpSavpf
            | P::UdpTlsRtpSavp
            | P::TcpDtlsRtpSavp
            | P::RtpSavpf
            | P::RtpSavp,
        ) => Transport::Rtp,
        (SdpMediaValue::Application, P::UdpDtlsSctp | P::TcpDtlsSctp) => Transport::Sctp,
        (SdpMediaValue::Application, P::DtlsSctp) if has_sctpmap => Transport::SctpLegacy,
        _ => Transport::Unsupported,
    }
}

impl RemoteSection {
    /// The m= line's facts, before any attribute is read.
    fn new(index: usize, m: &SdpMedia, extra: &MediaExtra, session: &Session) -> RemoteSection {
        let kind = match m.get_type() {
            SdpMediaValue::Audio => Some(MediaKind::Audio),
            SdpMediaValue::Video => Some(MediaKind::Video),
            _ => None,
        };
        RemoteSection {
            index,
            line: extra.line,
            media: match m.get_type() {
                SdpMediaValue::Unknown(u) => u.clone(),
                t => t.to_string(),
            },
            kind,
            application: matches!(m.get_type(), SdpMediaValue::Application),
            proto: extra
                .unknown_proto
                .clone()
                .unwrap_or_else(|| m.get_proto().to_string()),
            transport: transport_of(m, extra),
            port: m.get_port(),
            bundle_only: false,
            rejected: false,
            mid: None,
            mid_assigned: false,
            direction: Direction::SendRecv,
            formats: m.get_formats().to_string(),
            ice: IceParams::default(),
            dtls: DtlsParams {
                fingerprints: Vec::new(),
                setup: Setup::Actpass,
            },
            rtp: RtpParams {
                extmap_allow_mixed: session.extmap_allow_mixed,
                ..Default::default()
            },
            sctp: SctpParams::default(),
        }
    }
}

/// An m-section's own ICE and DTLS attributes (or the session's), with lines.
#[derive(Clone, Default)]
struct TransportAttrs {
    ufrag: Option<(String, usize)>,
    pwd: Option<(String, usize)>,
    setup: Option<(Setup, usize)>,
}

impl TransportAttrs {
    fn read(&mut self, a: &SdpAttribute, line: usize) {
        match a {
            SdpAttribute::IceUfrag(u) => self.ufrag = Some((u.clone(), line)),
            SdpAttribute::IcePwd(p) => self.pwd = Some((p.clone(), line)),
            SdpAttribute::Setup(s) => self.setup = Some((Setup::from(s), line)),
            _ => {}
        }
    }
}

impl From<&SdpAttributeSetup> for Setup {
    fn from(s: &SdpAttributeSetup) -> Setup {
        match s {
            SdpAttributeSetup::Active => Setup::Active,
            SdpAttributeSetup::Passive => Setup::Passive,
            SdpAttributeSetup::Actpass => Setup::Actpass,
            SdpAttributeSetup::Holdconn => Setup::Holdconn,
        }
    }
}

/// What the attribute pass leaves for the later steps.
struct MediaAttrs<'a> {
    transport: TransportAttrs,
    /// In line order, as every list here.
    rtpmaps: Vec<(&'a SdpAttributeRtpmap, usize)>,
    fmtp_lines: Vec<(u8, usize)>,
    /// Each value allocated once, shared by the codecs it applies to.
    rtcp_fb: Vec<(SdpAttributePayloadType, std::sync::Arc<str>, usize)>,
    simulcast_line: Option<usize>,
}

/// One pass over an m-section's attributes (RFC 8866 and the RFCs of each
/// attribute): mids unique across the offer (RFC 8843 7.2.1), extmap ids
/// unique and in 1-255 (RFC 8285 5), rids declared once (RFC 8851 4).
fn read_attributes<'a>(
    sec: &mut RemoteSection,
    m: &'a SdpMedia,
    extra: &'a MediaExtra,
    session: &Session,
    mids: &mut HashSet<String>,
) -> Result<MediaAttrs<'a>> {
    let mut out = MediaAttrs {
        transport: session.transport.clone(),
        rtpmaps: extra.rtpmaps.iter().map(|(r, l)| (r, *l)).collect(),
        fmtp_lines: extra.fmtp_raw.iter().map(|(pt, _, l)| (*pt, *l)).collect(),
        rtcp_fb: extra.rtcp_fb.clone(),
        simulcast_line: None,
    };
    let mut take_mid = |mid: &String, line: usize, sec: &mut RemoteSection| {
        if !mids.insert(mid.clone()) {
            return Err(err_at(line, format!("duplicate mid '{}'", printable(mid))));
        }
        sec.mid = Some(mid.clone());
        Ok(())
    };
    // An m-section webrtc-sdp could not parse keeps only its mid.
    if let Some((mid, line)) = &extra.unknown_mid {
        take_mid(mid, *line, sec)?;
    }
    let mut extmap_ids = HashSet::new();
    for (a, &line) in m.get_attributes().iter().zip(&extra.attr_lines) {
        match a {
            SdpAttribute::Mid(mid) => take_mid(mid, line, sec)?,
            SdpAttribute::BundleOnly => sec.bundle_only = true,
            SdpAttribute::Sendrecv => sec.direction = Direction::SendRecv,
            SdpAttribute::Sendonly => sec.direction = Direction::SendOnly,
            SdpAttribute::Recvonly => sec.direction = Direction::RecvOnly,
            SdpAttribute::Inactive => sec.direction = Direction::Inactive,
            SdpAttribute::Fingerprint(f) => sec.dtls.fingerprints.push(fast::fingerprint_text(f)),
            SdpAttribute::SctpPort(p) => sec.sctp.port = Some(*p),
            SdpAttribute::Sctpmap(sm) => sec.sctp.port = sec.sctp.port.or(Some(sm.port as u64)),
            SdpAttribute::MaxMessageSize(s) => sec.sctp.max_message_size = Some(*s),
            SdpAttribute::Candidate(c) => {
                let raw = extra.candidates_raw.get(sec.ice.candidates.len()).cloned();
                sec.ice
                    .candidates
                    .push(raw.unwrap_or_else(|| format!("candidate:{c}")))
            }
            SdpAttribute::EndOfCandidates => sec.ice.end_of_candidates = true,
            a => {
                if !read_rtp_attribute(&mut sec.rtp, &mut out, a, line, &mut extmap_ids)? {
                    out.transport.read(a, line)
                }
            }
        }
    }
    // The lines sdp::fast read and those webrtc-sdp read, merged.
    out.rtpmaps.sort_by_key(|(_, line)| *line);
    out.rtcp_fb.sort_by_key(|(_, _, line)| *line);
    sec.rejected = sec.port == 0 && !sec.bundle_only;
    if sec.dtls.fingerprints.is_empty() {
        sec.dtls.fingerprints = session.fingerprints.clone();
    }
    Ok(out)
}

/// An RTP attribute of an m-section (codecs, feedback, extensions, RIDs,
/// simulcast, SSRCs, msid): whether `a` was one.
fn read_rtp_attribute<'a>(
    rtp: &mut RtpParams,
    out: &mut MediaAttrs<'a>,
    a: &'a SdpAttribute,
    line: usize,
    extmap_ids: &mut HashSet<u16>,
) -> Result<bool> {
    match a {
        SdpAttribute::RtcpMux => rtp.rtcp_mux = true,
        SdpAttribute::RtcpRsize => rtp.rtcp_rsize = true,
        SdpAttribute::ExtmapAllowMixed => {
            rtp.extmap_allow_mixed = true;
            rtp.media_extmap_allow_mixed = true;
        }
        SdpAttribute::Rtpmap(r) => out.rtpmaps.push((r, line)),
        SdpAttribute::Rtcpfb(fb) => {
            let mut v = fb.feedback_type.to_string();
            if !fb.parameter.is_empty() {
                v.push(' ');
                v.push_str(&fb.parameter);
            }
            out.rtcp_fb.push((fb.payload_type.clone(), v.into(), line));
        }
        SdpAttribute::Extmap(e) => rtp.extmaps.push(extmap(e, line, extmap_ids)?),
        SdpAttribute::Rid(r) if matches!(r.direction, SdpSingleDirection::Send) => {
            if rtp.send_rids.iter().any(|(id, _)| *id == r.id) {
                let why = format!("rid '{}' is declared twice", printable(&r.id));
                return Err(err_at(line, why));
            }
            rtp.send_rids.push((r.id.clone(), r.formats.clone()));
        }
        SdpAttribute::Rid(r) => rtp.recv_rids.push(r.id.clone()),
        SdpAttribute::Simulcast(sim) => {
            let layers = |v: &[webrtc_sdp::attribute_type::SdpAttributeSimulcastVersion]| {
                v.iter()
                    .map(|v| v.ids.iter().map(|i| (i.id.clone(), i.paused)).collect())
                    .collect()
            };
            rtp.simulcast_send = layers(&sim.send);
            rtp.simulcast_recv = layers(&sim.receive);
            out.simulcast_line = Some(line);
        }
        SdpAttribute::Ssrc(ss) => {
            if !rtp.ssrcs.contains(&ss.id) {
                rtp.ssrcs.push(ss.id)
            }
        }
        SdpAttribute::SsrcGroup(sem, ssrcs) => rtp
            .ssrc_groups
            .push((sem.to_string(), ssrcs.iter().map(|s| s.id).collect())),
        SdpAttribute::Msid(ms) => rtp.msids.push((ms.id.clone(), ms.appdata.clone())),
        _ => return Ok(false),
    }
    Ok(true)
}

/// An a=extmap: its id unique in the m-section and in 1-255 (RFC 8285 5).
fn extmap(e: &SdpAttributeExtmap, line: usize, ids: &mut HashSet<u16>) -> Result<Extmap> {
    if !ids.insert(e.id) {
        let why = format!("extmap id {} is used twice in this m-section", e.id);
        return Err(err_at(line, why));
    }
    if e.id == 0 || e.id > 255 {
        return Err(err_at(line, format!("extmap id {} is outside 1-255", e.id)));
    }
    Ok(Extmap {
        id: e.id,
        uri: e.url.as_str().into(),
        direction: e.direction.as_ref().map(|d| match d {
            SdpAttributeDirection::Sendonly => Direction::SendOnly,
            SdpAttributeDirection::Recvonly => Direction::RecvOnly,
            SdpAttributeDirection::Sendrecv => Direction::SendRecv,
        }),
    })
}

/// RFC 8853 section 5.1: every rid in a=simulcast needs its a=rid.
fn check_simulcast(sec: &RemoteSection, line: Option<usize>) -> Result<()> {
    let Some(line) = line else { return Ok(()) };
    let declared = |rid: &str| sec.rtp.send_rids.iter().any(|(id, _)| id == rid);
    match sec
        .rtp
        .simulcast_send
        .iter()
        .flatten()
        .find(|(rid, _)| !declared(rid))
    {
        Some((rid, _)) => Err(err_at(
            line,
            format!(
                "simulcast names rid '{}' with no a=rid:{} send",
                printable(rid),
                printable(rid)
            ),
        )),
        None => Ok(()),
    }
}

/// The offered codecs of an RTP m-section, in m= line order (RFC 8866 5.14,
/// RFC 4566 6): payload types in 0-127, rtpmap and fmtp only for listed
/// ones, rtx naming a listed payload type (RFC 4588 8.6).
fn read_codecs(
    sec: &mut RemoteSection,
    pts: &[u32],
    attrs: &MediaAttrs,
    extra: &MediaExtra,
) -> Result<()> {
    let rtpmap = |pt: u8| attrs.rtpmaps.iter().find(|(r, _)| r.payload_type == pt);
    for &pt in pts {
        let pt8 = u8::try_from(pt)
            .ok()
            .filter(|p| *p <= 127)
            .ok_or_else(|| err_at(sec.line, format!("payload type {pt} is outside 0-127")))?;
        if sec.rtp.rtcp_mux && (64..=95).contains(&pt8) {
            let why = format!(
                "payload type {pt} is in 64-95, which RTCP packet types use once RTP and RTCP share a port (a=rtcp-mux; RFC 5761 4)"
            );
            return Err(err_at(sec.line, why));
        }
        let (name, rate, ch) = match (rtpmap(pt8), crate::codec::static_codec(pt8)) {
            (Some((r, _)), _) => (r.codec_name.clone(), r.frequency, r.channels),
            (None, Some((n, r))) => (n.to_string(), r, None),
            (None, None) => {
                // A dynamic type without rtpmap: an unknown codec.
                sec.rtp.unknown_pts.push(pt8);
                continue;
            }
        };
        let mut rtcp_fb: Vec<_> = attrs
            .rtcp_fb
            .iter()
            .filter(|(p, _, _)| match p {
                SdpAttributePayloadType::Wildcard => true,
                SdpAttributePayloadType::PayloadType(p) => *p == pt8,
            })
            .map(|(_, v, _)| v.clone())
            .collect();
        rtcp_fb.shrink_to_fit();
        sec.rtp.codecs.push(RtpCodec {
            pt: pt8,
            name: name.as_str().into(),
            clock_rate: rate,
            channels: ch,
            fmtp: extra.fmtp(pt8).unwrap_or("").into(),
            rtcp_fb,
        });
    }
    if let Some((r, line)) = attrs.rtpmaps.iter().find(|(r, _)| r.payload_type > 127) {
        let why = format!("payload type {} is outside 0-127", r.payload_type);
        return Err(err_at(*line, why));
    }
    let listed = |pt: u8| pts.contains(&u32::from(pt));
    let described = attrs.rtpmaps.iter().map(|(r, l)| (r.payload_type, *l));
    if let Some((pt, line)) = described
        .chain(attrs.fmtp_lines.iter().copied())
        .find(|(pt, _)| !listed(*pt))
    {
        let why = format!(
            "payload type {pt} is not listed on the m= line (line {})",
            sec.line
        );
        return Err(err_at(line, why));
    }
    check_rtx(sec, attrs, listed)
}

/// RFC 4588 8.6: rtx must name a payload type of this m-section.
fn check_rtx(sec: &RemoteSection, attrs: &MediaAttrs, listed: impl Fn(u8) -> bool) -> Result<()> {
    let rtx = sec
        .rtp
        .codecs
        .iter()
        .filter(|c| c.role() == crate::codec::CodecRole::Rtx);
    for c in rtx {
        let apt = crate::codec::fmtp_param(&c.fmtp, "apt").and_then(|a| a.parse::<u8>().ok());
        let line = attrs
            .fmtp_lines
            .iter()
            .find(|(p, _)| *p == c.pt)
            .map_or(sec.line, |(_, l)| *l);
        let why = match apt {
            Some(apt) if listed(apt) => continue,
            Some(apt) => format!(
                "rtx payload type {} repairs payload type {apt}, which the m= line does not list",
                c.pt
            ),
            None => format!("rtx payload type {} has no apt", c.pt),
        };
        return Err(err_at(line, why));
    }
    Ok(())
}

/// RFC 8843: every mid a BUNDLE group names must exist, and a bundle-only
/// m-section must be in a group.
fn check_bundle(
    session: &Session,
    mids: &HashSet<String>,
    sections: &[RemoteSection],
) -> Result<()> {
    for (group, line) in session.bundle_groups.iter().zip(&session.group_lines) {
        if let Some(tag) = group.iter().find(|t| !mids.contains(*t)) {
            let why = format!(
                "BUNDLE group names mid '{}', which no m-section has",
                printable(tag)
            );
            return Err(err_at(*line, why));
        }
    }
    let grouped: HashSet<&String> = session.bundle_groups.iter().flatten().collect();
    let loose = sections
        .iter()
        .find(|s| s.bundle_only && !s.mid.as_ref().is_some_and(|m| grouped.contains(m)));
    match loose {
        Some(s) => Err(err_at(
            s.line,
            "m-section is bundle-only but in no BUNDLE group",
        )),
        None => Ok(()),
    }
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
    let by_mid: HashMap<&str, usize> = sections
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
            Some((_, t)) if sec.dtls.fingerprints.is_empty() => t.dtls.fingerprints.clone(),
            _ => sec.dtls.fingerprints.clone(),
        };
        if fingerprints.is_empty() {
            return Err(no_fingerprint(sec, sdp));
        }
        let setup = own.setup.or_else(|| tagged.and_then(|(a, _)| a.setup));
        if let Some((Setup::Holdconn, line)) = setup {
            return Err(err_at(
                line,
                "a=setup:holdconn is not allowed (RFC 8842 section 5.1)",
            ));
        }
        let sec = &mut sections[i];
        sec.ice.ufrag = Some(u);
        sec.ice.pwd = Some(p);
        sec.dtls.fingerprints = fingerprints;
        sec.dtls.setup = setup.map_or(Setup::Actpass, |(s, _)| s);
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

/// The protocols of WebRTC m-sections (JSEP 5.1.2, 5.1.3), whatever the media.
const WEBRTC_PROTOCOLS: [&str; 9] = [
    "UDP/TLS/RTP/SAVPF",
    "TCP/DTLS/RTP/SAVPF",
    "UDP/TLS/RTP/SAVP",
    "TCP/DTLS/RTP/SAVP",
    "RTP/SAVPF",
    "RTP/SAVP",
    "UDP/DTLS/SCTP",
    "TCP/DTLS/SCTP",
    "DTLS/SCTP",
];

/// JSEP 5.8: an offer in which no m-section is DTLS-SRTP or SCTP over DTLS
/// is not a WebRTC offer at all. One whose m-sections are of media types
/// rtcpc does not know, over WebRTC protocols, is: each is answered with
/// port 0 (JSEP 5.3.1; WPT protocol/unknown-mediatypes, as Chromium).
fn check_webrtc(sections: &[RemoteSection]) -> Result<()> {
    let webrtc = |s: &RemoteSection| {
        s.transport != Transport::Unsupported
            || (s.kind.is_none()
                && !s.application
                && WEBRTC_PROTOCOLS
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(&s.proto)))
    };
    match sections.first() {
        Some(first) if !sections.iter().any(webrtc) => {
            Err(Error::invalid_access(format!(
                "not a WebRTC offer: no m-section uses DTLS-SRTP (UDP/TLS/RTP/SAVPF) or SCTP over DTLS (line {}: {} {})",
                first.line, first.media, first.proto
            )))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
    const ICE: &str = "a=ice-ufrag:abcd\r\na=ice-pwd:0123456789abcdefghijkl\r\n";
    const FP: &str = "a=fingerprint:sha-256 3F:A5:58:39:47:D7:0B:FF:65:D1:9D:9E:D9:03:BA:AA:CD:1B:03:F0:51:0D:97:51:CE:ED:9F:0B:80:71:13:3C\r\n";

    fn offer(body: &str) -> Result<RemoteDescription> {
        RemoteDescription::read_offer(&crate::sdp::parse(&format!("{HEAD}{body}")).unwrap())
    }

    #[test]
    fn rfc8839_session_level_credentials_are_inherited() {
        let o = offer(&format!(
            "{ICE}{FP}m=audio 9 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n"
        ))
        .unwrap();
        assert_eq!(o.sections[0].ice.ufrag.as_deref(), Some("abcd"));
        assert_eq!(o.sections[0].dtls.fingerprints.len(), 1);
        assert_eq!(o.sections[0].dtls.setup, Setup::Actpass);
    }

    #[test]
    fn rfc3551_static_payload_types_need_no_rtpmap() {
        let o = offer(&format!(
            "{ICE}{FP}m=audio 9 UDP/TLS/RTP/SAVPF 0 8 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n"
        ))
        .unwrap();
        let names: Vec<&str> = o.sections[0].rtp.codecs.iter().map(|c| &*c.name).collect();
        assert_eq!(names, ["PCMU", "PCMA"]);
        assert_eq!(o.sections[0].rtp.unknown_pts, [96]);
    }

    #[test]
    fn rfc4588_rtx_must_repair_a_listed_payload_type() {
        let e = offer(&format!(
            "{ICE}{FP}m=video 9 UDP/TLS/RTP/SAVPF 97\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"
        ))
        .unwrap_err();
        assert!(
            e.message
                .starts_with("line 11: rtx payload type 97 repairs payload type 96"),
            "{}",
            e.message
        );
    }

    #[test]
    fn rfc8853_simulcast_rids_must_be_declared() {
        let e = offer(&format!(
            "{ICE}{FP}m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:96 VP8/90000\r\na=rid:h send\r\na=simulcast:send h;l\r\n"
        ))
        .unwrap_err();
        assert!(
            e.message.contains("rid 'l' with no a=rid:l send"),
            "{}",
            e.message
        );
    }

    #[test]
    fn rfc8843_bundle_checks() {
        let e = offer(&format!("a=group:BUNDLE 0 7\r\n{ICE}{FP}m=audio 9 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n")).unwrap_err();
        assert!(
            e.message.starts_with("line 5: BUNDLE group names mid '7'"),
            "{}",
            e.message
        );
        let e = offer(&format!("{ICE}{FP}m=audio 0 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=bundle-only\r\n")).unwrap_err();
        assert!(
            e.message.contains("bundle-only but in no BUNDLE group"),
            "{}",
            e.message
        );
    }

    #[test]
    fn jsep_5_8_an_offer_without_webrtc_m_sections_is_refused() {
        let e = offer("m=audio 9 RTP/AVP 0\r\nc=IN IP4 0.0.0.0\r\n").unwrap_err();
        assert!(e.message.starts_with("not a WebRTC offer"), "{}", e.message);
    }
}
