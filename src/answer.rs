//! Answer generation, JSEP (RFC 9429) section 5.3.1: one answer m-section per
//! offered m-section, same order and mids; what cannot be taken is rejected
//! with port 0 instead of failing the whole answer.

use crate::codec::{self, CodecNegotiation, CodecOptions, CodecRole};
use crate::config::Configuration;
use crate::dtls::{Certificate, DtlsRole, Setup};
use crate::ice::IceCredentials;
use crate::remote_offer::{RemoteOffer, RemoteSection, Transport};
use crate::transceiver::{Direction, MediaKind, Transceiver};
use std::collections::HashMap;
use std::fmt::Write;
use webrtc_sdp::address::Address;

/// The local SCTP port and the largest message we take (RFC 8841).
pub const SCTP_PORT: u16 = 5000;
pub const MAX_MESSAGE_SIZE: u64 = 262_144;

/// Options of createAnswer (RTCAnswerOptions).
#[derive(Clone, Copy, Debug)]
pub struct AnswerOptions {
    pub voice_activity_detection: bool,
}

impl Default for AnswerOptions {
    fn default() -> Self {
        AnswerOptions {
            voice_activity_detection: true,
        }
    }
}

/// A decision: taken, or refused for a reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict<R = String> {
    Accepted,
    Refused(R),
}

impl<R> Verdict<R> {
    pub fn is_accepted(&self) -> bool {
        matches!(self, Verdict::Accepted)
    }
    pub fn refusal(&self) -> Option<&R> {
        match self {
            Verdict::Accepted => None,
            Verdict::Refused(r) => Some(r),
        }
    }
}

/// Why an offered m-section is answered with port 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Port 0 in the offer, without bundle-only.
    ByOfferer,
    UnsupportedProtocol(String),
    UnknownMedia(String),
    SecondDataChannel,
    NoTransceiver,
    TransceiverStopped,
    /// Every offered codec refused; the text says why for each.
    NoCodecInCommon(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::ByOfferer => f.write_str("rejected by the offerer (port 0)"),
            Refusal::UnsupportedProtocol(p) => write!(f, "unsupported protocol {p}"),
            Refusal::UnknownMedia(m) => write!(f, "unknown media type {m}"),
            Refusal::SecondDataChannel => {
                f.write_str("only one data channel m-section is supported")
            }
            Refusal::NoTransceiver => f.write_str("no transceiver"),
            Refusal::TransceiverStopped => f.write_str("transceiver stopped"),
            Refusal::NoCodecInCommon(why) => write!(f, "no codec in common: {why}"),
        }
    }
}

/// The decision for one offered header extension.
#[derive(Clone, Debug)]
pub struct ExtensionDecision {
    pub id: u16,
    pub uri: String,
    pub verdict: Verdict,
}

/// The decision for one RID the offerer sends (RFC 8851).
#[derive(Clone, Debug)]
pub struct RidDecision {
    pub id: String,
    pub verdict: Verdict,
    /// Payload types the RID is restricted to, among the kept ones.
    pub formats: Vec<u16>,
}

/// The decisions for one offered m-section; the answer text is written from these.
#[derive(Clone, Debug)]
pub struct AnswerSection {
    pub mid: Option<String>,
    pub verdict: Verdict<Refusal>,
    pub direction: Direction,
    pub codecs: CodecNegotiation,
    pub extensions: Vec<ExtensionDecision>,
    pub rids: Vec<RidDecision>,
    /// The answer's a=simulcast:recv layers: alternatives of (rid, paused).
    pub simulcast_recv: Vec<Vec<(String, bool)>>,
    /// The local transceiver's direction when the answer was made.
    pub local_direction: Option<Direction>,
    /// Index of the m-section whose transport this one uses (itself if not bundled).
    pub transport: usize,
    pub bundled: bool,
}

/// A created answer: its text and the decisions behind it.
#[derive(Clone, Debug)]
pub struct Answer {
    pub text: String,
    pub sections: Vec<AnswerSection>,
    pub dtls_role: DtlsRole,
    pub bundle_groups: Vec<Vec<String>>,
}

/// Everything createAnswer reads.
pub struct AnswerContext<'a> {
    pub offer: &'a RemoteOffer,
    /// The transceiver associated with each offered m-section, if any.
    pub transceivers: Vec<Option<&'a Transceiver>>,
    pub config: &'a Configuration,
    pub certificate: &'a Certificate,
    pub ice: &'a IceCredentials,
    /// Credentials of transports restarted since (JSEP 5.3.1: ICE restart), by mid.
    pub ice_by_mid: &'a [(String, IceCredentials)],
    pub dtls_role: Option<DtlsRole>,
    pub session_id: u64,
    pub session_version: u64,
    pub cname: &'a str,
    pub options: AnswerOptions,
    /// The a=identity value, when an identity provider vouches for us.
    pub identity: Option<&'a str>,
}

impl AnswerSection {
    pub fn accepted(&self) -> bool {
        self.verdict.is_accepted()
    }
    /// Why it was refused, as text.
    pub fn reason(&self) -> Option<String> {
        self.verdict.refusal().map(Refusal::to_string)
    }
}

fn reject(sec: &RemoteSection, reason: Refusal) -> AnswerSection {
    AnswerSection {
        mid: sec.mid.clone(),
        verdict: Verdict::Refused(reason),
        direction: Direction::Inactive,
        codecs: CodecNegotiation::default(),
        extensions: Vec::new(),
        rids: Vec::new(),
        simulcast_recv: Vec::new(),
        local_direction: None,
        transport: sec.index,
        bundled: false,
    }
}

/// Decides every m-section, then writes the answer.
pub fn create(ctx: &AnswerContext) -> Answer {
    let offer = ctx.offer;
    let mut sections: Vec<AnswerSection> = Vec::with_capacity(offer.sections.len());
    let mut have_data = false;
    for (sec, tr) in offer.sections.iter().zip(&ctx.transceivers) {
        sections.push(decide_section(ctx, sec, *tr, &mut have_data));
    }
    // BUNDLE (RFC 8843 section 7.3): each offered group is answered with the
    // mids accepted; the first accepted one carries the transport.
    let mut bundle_groups = Vec::new();
    for group in &offer.bundle_groups {
        let members: Vec<usize> = group
            .iter()
            .filter_map(|mid| offer.index_of(mid))
            .filter(|i| offer.sections[*i].mid.is_some())
            .filter(|i| sections[*i].accepted())
            .collect();
        if let Some(&tagged) = members.first() {
            for &i in &members {
                sections[i].transport = tagged;
                sections[i].bundled = true;
            }
            bundle_groups.push(
                members
                    .iter()
                    .map(|i| sections[*i].mid.clone().unwrap_or_default())
                    .collect(),
            );
        }
    }
    refuse_conflicting_extmaps(&mut sections);
    let dtls_role = ctx.dtls_role.unwrap_or_else(|| {
        let offered = offer
            .sections
            .iter()
            .zip(&sections)
            .find(|(_, a)| a.accepted())
            .map(|(s, _)| s.dtls.setup)
            .unwrap_or(Setup::Actpass);
        // RFC 8842 section 5.3: the answerer is active unless the offerer is.
        match offered {
            Setup::Active => DtlsRole::Server,
            _ => DtlsRole::Client,
        }
    });
    log::debug!(
        "answer: (mid, outcome) {:?}, BUNDLE {bundle_groups:?}, DTLS {dtls_role:?}",
        sections
            .iter()
            .map(|s| (&s.mid, s.reason().unwrap_or_else(|| "accepted".into())))
            .collect::<Vec<_>>()
    );
    let text = write_answer(ctx, &sections, &bundle_groups, dtls_role);
    Answer {
        text,
        sections,
        dtls_role,
        bundle_groups,
    }
}

fn decide_section(
    ctx: &AnswerContext,
    sec: &RemoteSection,
    tr: Option<&Transceiver>,
    have_data: &mut bool,
) -> AnswerSection {
    if sec.rejected {
        return reject(sec, Refusal::ByOfferer);
    }
    match sec.transport {
        Transport::Unsupported => {
            let reason = match (sec.media.as_str(), sec.kind) {
                (_, Some(_)) | ("application", _) => {
                    Refusal::UnsupportedProtocol(sec.proto.clone())
                }
                (m, None) => Refusal::UnknownMedia(m.to_string()),
            };
            reject(sec, reason)
        }
        Transport::Sctp | Transport::SctpLegacy => {
            if *have_data {
                return reject(sec, Refusal::SecondDataChannel);
            }
            *have_data = true;
            AnswerSection {
                mid: sec.mid.clone(),
                verdict: Verdict::Accepted,
                direction: Direction::SendRecv,
                codecs: CodecNegotiation::default(),
                extensions: Vec::new(),
                rids: Vec::new(),
                simulcast_recv: Vec::new(),
                local_direction: None,
                transport: sec.index,
                bundled: false,
            }
        }
        Transport::Rtp => {
            let kind = sec.kind.expect("RTP sections are audio or video");
            let Some(tr) = tr else {
                return reject(sec, Refusal::NoTransceiver);
            };
            if tr.stopped {
                return reject(sec, Refusal::TransceiverStopped);
            }
            let caps = &ctx.config.capabilities;
            // setCodecPreferences narrows and orders the local codecs (W3C 5.4).
            let prefs = tr.codec_preferences.as_deref();
            let codecs = codec::negotiate(
                kind,
                &sec.rtp.codecs,
                prefs.unwrap_or(caps.codecs(kind)),
                CodecOptions {
                    voice_activity_detection: ctx.options.voice_activity_detection,
                    local_order: prefs.is_some(),
                },
            );
            if codecs.kept.is_empty() {
                let why: Vec<String> = codecs
                    .refused
                    .iter()
                    .map(|r| format!("{}: {}", r.pt, r.reason))
                    .collect();
                let mut a = reject(sec, Refusal::NoCodecInCommon(why.join("; ")));
                a.codecs = codecs;
                a.local_direction = Some(tr.direction);
                return a;
            }
            let extensions = sec
                .rtp.extmaps
                .iter()
                .map(|e| {
                    let known = caps.extensions(kind).iter().any(|u| u == &e.uri);
                    let other = match kind {
                        MediaKind::Audio => MediaKind::Video,
                        MediaKind::Video => MediaKind::Audio,
                    };
                    let verdict = if known {
                        Verdict::Accepted
                    } else if caps.extensions(other).iter().any(|u| u == &e.uri) {
                        Verdict::Refused(format!("not allowed for this media kind: a {other}-only extension in a {kind} m-line"))
                    } else {
                        Verdict::Refused(format!("unknown URI for {kind}"))
                    };
                    ExtensionDecision {
                        id: e.id,
                        uri: e.uri.clone(),
                        verdict,
                    }
                })
                .collect();
            let direction = Direction::answer_to(sec.direction, tr.direction);
            let (rids, simulcast_recv) = decide_rids(sec, &codecs, direction);
            AnswerSection {
                mid: sec.mid.clone(),
                verdict: Verdict::Accepted,
                direction,
                codecs,
                extensions,
                rids,
                simulcast_recv,
                local_direction: Some(tr.direction),
                transport: sec.index,
                bundled: false,
            }
        }
    }
}

/// RFC 8851 section 4 and RFC 8853 section 5.3: receive the offered RIDs whose
/// payload types survive, and answer a=simulcast:send with a=simulcast:recv.
fn decide_rids(
    sec: &RemoteSection,
    codecs: &CodecNegotiation,
    direction: Direction,
) -> (Vec<RidDecision>, Vec<Vec<(String, bool)>>) {
    let rids: Vec<RidDecision> = sec
        .rtp
        .send_rids
        .iter()
        .map(|(id, formats)| {
            let kept: Vec<u16> = formats
                .iter()
                .copied()
                .filter(|pt| codecs.kept.iter().any(|c| u16::from(c.pt) == *pt))
                .collect();
            let verdict = if !direction.recvs() {
                Verdict::Refused(format!("the answer does not receive ({direction})"))
            } else if !formats.is_empty() && kept.is_empty() {
                Verdict::Refused("none of its payload types was kept".to_string())
            } else {
                Verdict::Accepted
            };
            RidDecision {
                id: id.clone(),
                verdict,
                formats: kept,
            }
        })
        .collect();
    let ok = |id: &str| rids.iter().any(|r| r.verdict.is_accepted() && r.id == id);
    let layers = sec
        .rtp
        .simulcast_send
        .iter()
        .map(|alts| {
            alts.iter()
                .filter(|(id, _)| ok(id))
                .cloned()
                .collect::<Vec<_>>()
        })
        .filter(|alts| !alts.is_empty())
        .collect();
    (rids, layers)
}

/// RFC 8843 section 9.1: inside one BUNDLE group an extmap id means one URI.
fn refuse_conflicting_extmaps(sections: &mut [AnswerSection]) {
    let mut seen: HashMap<(usize, u16), String> = HashMap::new();
    for s in sections.iter_mut().filter(|s| s.accepted() && s.bundled) {
        for e in s.extensions.iter_mut().filter(|e| e.verdict.is_accepted()) {
            match seen.get(&(s.transport, e.id)) {
                Some(uri) if *uri != e.uri => {
                    e.verdict = Verdict::Refused(format!(
                        "id conflict inside the BUNDLE group: {} already means {uri}",
                        e.id
                    ));
                }
                Some(_) => {}
                None => {
                    seen.insert((s.transport, e.id), e.uri.clone());
                }
            }
        }
    }
}

fn default_address(ctx: &AnswerContext, sec: &RemoteSection) -> Option<(String, u32)> {
    candidates_for(ctx, sec)
        .map(|c| &c.candidate)
        .find(|c| c.component == 1)
        .and_then(|c| match &c.address {
            Address::Ip(ip) => Some((
                format!("IN {} {ip}", if ip.is_ipv4() { "IP4" } else { "IP6" }),
                c.port,
            )),
            Address::Fqdn(_) => None,
        })
}

fn candidates_for<'a>(
    ctx: &'a AnswerContext,
    sec: &'a RemoteSection,
) -> impl Iterator<Item = &'a crate::config::LocalCandidate> + 'a {
    ctx.config
        .local_candidates
        .iter()
        .filter(move |c| c.mid.is_none() || c.mid == sec.mid)
}

fn write_answer(
    ctx: &AnswerContext,
    sections: &[AnswerSection],
    bundle_groups: &[Vec<String>],
    role: DtlsRole,
) -> String {
    let offer = ctx.offer;
    let mut out = String::with_capacity(1024 + 1024 * sections.len());
    let _ = write!(
        out,
        "v=0\r\no=- {} {} IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n",
        ctx.session_id, ctx.session_version
    );
    for g in bundle_groups {
        let _ = write!(out, "a=group:BUNDLE {}\r\n", g.join(" "));
    }
    if offer.extmap_allow_mixed {
        out.push_str("a=extmap-allow-mixed\r\n");
    }
    out.push_str("a=msid-semantic: WMS\r\n");
    if let Some(identity) = ctx.identity {
        let _ = write!(out, "a=identity:{identity}\r\n");
    }
    if ctx.config.ice_lite {
        out.push_str("a=ice-lite\r\n");
    }
    let fingerprint = ctx.certificate.fingerprint_hex();
    // The latest credentials per restarted transport.
    let ice_by_mid: HashMap<&str, &IceCredentials> = ctx
        .ice_by_mid
        .iter()
        .map(|(m, c)| (m.as_str(), c))
        .collect();
    for (i, (sec, a)) in offer.sections.iter().zip(sections).enumerate() {
        if !a.accepted() {
            write_rejected(&mut out, sec);
            continue;
        }
        let owner = &offer.sections[a.transport];
        let (conn, port) =
            default_address(ctx, owner).unwrap_or_else(|| ("IN IP4 0.0.0.0".into(), 9));
        match sec.transport {
            Transport::Rtp => {
                let pts: Vec<String> = a.codecs.kept.iter().map(|c| c.pt.to_string()).collect();
                let _ = write!(
                    out,
                    "m={} {port} {} {}\r\n",
                    sec.media,
                    sec.proto,
                    pts.join(" ")
                );
            }
            Transport::SctpLegacy => {
                let _ = write!(out, "m=application {port} {} {SCTP_PORT}\r\n", sec.proto);
            }
            _ => {
                let _ = write!(
                    out,
                    "m=application {port} {} webrtc-datachannel\r\n",
                    sec.proto
                );
            }
        }
        let _ = write!(out, "c={conn}\r\n");
        if a.transport == i {
            for c in candidates_for(ctx, owner) {
                let _ = write!(out, "a={}\r\n", c.text);
            }
        }
        let ice = ice_by_mid
            .get(owner.mid_key().as_str())
            .copied()
            .unwrap_or(ctx.ice);
        let _ = write!(
            out,
            "a=ice-ufrag:{}\r\na=ice-pwd:{}\r\na=ice-options:trickle\r\na=fingerprint:sha-256 {fingerprint}\r\na=setup:{}\r\n",
            ice.ufrag,
            ice.pwd,
            if role == DtlsRole::Client { "active" } else { "passive" }
        );
        if let Some(mid) = &sec.mid {
            let _ = write!(out, "a=mid:{mid}\r\n");
        }
        match sec.transport {
            Transport::Rtp => write_rtp(&mut out, ctx, sec, a, i),
            Transport::SctpLegacy => {
                let _ = write!(
                    out,
                    "a=sctpmap:{SCTP_PORT} webrtc-datachannel 1024\r\na=max-message-size:{MAX_MESSAGE_SIZE}\r\n"
                );
            }
            _ => {
                let _ = write!(
                    out,
                    "a=sctp-port:{SCTP_PORT}\r\na=max-message-size:{MAX_MESSAGE_SIZE}\r\n"
                );
            }
        }
    }
    out
}

fn write_rejected(out: &mut String, sec: &RemoteSection) {
    // A format that needs no rtpmap keeps the rejected section valid SDP.
    let formats = match sec.transport {
        Transport::Rtp => "0".to_string(),
        Transport::Sctp => "webrtc-datachannel".to_string(),
        Transport::SctpLegacy => SCTP_PORT.to_string(),
        Transport::Unsupported => sec.formats.clone(),
    };
    let _ = write!(
        out,
        "m={} 0 {} {}\r\nc=IN IP4 0.0.0.0\r\n",
        sec.media, sec.proto, formats
    );
    if let Some(mid) = &sec.mid {
        let _ = write!(out, "a=mid:{mid}\r\n");
    }
    out.push_str("a=inactive\r\n");
}

fn write_rtp(
    out: &mut String,
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
        let _ = write!(out, "a=extmap:{}{dir} {}\r\n", e.id, e.uri);
    }
    let _ = write!(out, "a={}\r\n", a.direction);
    let tr = ctx.transceivers[i].expect("accepted RTP sections have a transceiver");
    // RFC 8830: a=msid names the stream and the sender's track.
    let msid = match (&tr.track, tr.stream_id()) {
        _ if !a.direction.sends() => None,
        (Some(t), _) => Some((t.stream_id.as_str(), t.track_id.as_str())),
        (None, Some(stream)) => Some((stream, tr.sender_id.as_str())),
        (None, None) => None,
    };
    if let Some((stream, track)) = msid {
        let _ = write!(out, "a=msid:{stream} {track}\r\n");
    }
    for r in a.rids.iter().filter(|r| r.verdict.is_accepted()) {
        let _ = write!(out, "a=rid:{} recv", r.id);
        if !r.formats.is_empty() {
            let pts: Vec<String> = r.formats.iter().map(|p| p.to_string()).collect();
            let _ = write!(out, " pt={}", pts.join(","));
        }
        out.push_str("\r\n");
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
        let _ = write!(out, "a=simulcast:recv {}\r\n", layers.join(";"));
    }
    // RFC 8285 section 6: answered where it was offered.
    if sec.rtp.media_extmap_allow_mixed && !ctx.offer.extmap_allow_mixed {
        out.push_str("a=extmap-allow-mixed\r\n");
    }
    if sec.rtp.rtcp_mux {
        out.push_str("a=rtcp-mux\r\n");
    }
    if sec.rtp.rtcp_rsize {
        out.push_str("a=rtcp-rsize\r\n");
    }
    for c in &a.codecs.kept {
        let ch = match (tr.kind, c.channels) {
            // Mirror the offer: Firefox writes G722/8000/1 and expects it back.
            (MediaKind::Audio, Some(ch)) => format!("/{ch}"),
            _ => String::new(),
        };
        let _ = write!(out, "a=rtpmap:{} {}/{}{ch}\r\n", c.pt, c.name, c.clock_rate);
        for fb in &c.rtcp_fb {
            let _ = write!(out, "a=rtcp-fb:{} {fb}\r\n", c.pt);
        }
        if !c.fmtp.is_empty() {
            let _ = write!(out, "a=fmtp:{} {}\r\n", c.pt, c.fmtp);
        }
    }
    if let Some((stream, track)) = msid {
        let has_rtx = a.codecs.kept.iter().any(|c| c.role() == CodecRole::Rtx);
        if has_rtx {
            let _ = write!(out, "a=ssrc-group:FID {} {}\r\n", tr.ssrc, tr.rtx_ssrc);
        }
        let ssrcs: &[u32] = if has_rtx {
            &[tr.ssrc, tr.rtx_ssrc]
        } else {
            &[tr.ssrc]
        };
        for s in ssrcs {
            let _ = write!(
                out,
                "a=ssrc:{s} cname:{}\r\na=ssrc:{s} msid:{stream} {track}\r\n",
                ctx.cname
            );
        }
    }
}
