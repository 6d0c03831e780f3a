//! Answer generation, JSEP (RFC 9429) section 5.3.1: one answer m-section per
//! offered m-section, same order and mids; what cannot be taken is rejected
//! with port 0 instead of failing the whole answer.

use crate::codec::{self, CodecNegotiation, CodecOptions};
use crate::config::Configuration;
use crate::dtls::{Certificate, DtlsRole, Setup};
use crate::ice::{IceCredentials, IceRole};
use crate::local::LocalSection;
use crate::remote::{RemoteDescription, RemoteSection, Transport};
use crate::transceiver::{Direction, MediaKind, Transceiver};

use std::collections::HashMap;

pub(crate) mod stated;
pub(crate) mod write;

/// Options of createAnswer (RTCAnswerOptions).
#[derive(Clone, Copy, Debug)]
pub struct AnswerOptions {
    /// Keep comfort noise (CN) when offered; false leaves it out. Default true.
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
    /// Taken.
    Accepted,
    /// Refused, and why.
    Refused(R),
}

impl<R> Verdict<R> {
    /// Whether it was taken.
    pub fn is_accepted(&self) -> bool {
        matches!(self, Verdict::Accepted)
    }
    /// Why it was refused; None when taken.
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
    /// A protocol a WebRTC answerer cannot take (the offered one).
    UnsupportedProtocol(String),
    /// A media type other than audio, video and application.
    UnknownMedia(String),
    /// A data channel m-section after the first: one SCTP association only.
    SecondDataChannel,
    /// No transceiver is associated with the m-section.
    NoTransceiver,
    /// Its transceiver is stopped.
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
    /// The offered extmap id, kept in the answer.
    pub id: u16,
    /// The extension URI.
    pub uri: std::sync::Arc<str>,
    /// Refused: an unknown URI, the other media kind's, or an id conflict in a BUNDLE group.
    pub verdict: Verdict,
}

/// The decision for one RID the offerer sends (RFC 8851).
#[derive(Clone, Debug)]
pub struct RidDecision {
    /// The RID (rid-id).
    pub id: String,
    /// Refused when the answer does not receive or none of its payload types was kept.
    pub verdict: Verdict,
    /// Payload types the RID is restricted to, among the kept ones.
    pub formats: Vec<u16>,
}

/// The decisions for one offered m-section; the answer text is written from these.
#[derive(Clone, Debug)]
pub struct AnswerSection {
    /// The offered mid, which the answer repeats.
    pub mid: Option<String>,
    /// Accepted, or why the m-section is answered with port 0.
    pub verdict: Verdict<Refusal>,
    /// The answer's direction (RFC 3264 section 6.1); inactive when refused.
    pub direction: Direction,
    /// The codec decisions; empty for non-RTP m-sections and those refused earlier.
    pub codecs: CodecNegotiation,
    /// One decision per offered a=extmap.
    pub extensions: Vec<ExtensionDecision>,
    /// One decision per offered send RID (RFC 8851).
    pub rids: Vec<RidDecision>,
    /// The answer's a=simulcast:recv layers: alternatives of (rid, paused).
    pub simulcast_recv: Vec<Vec<(String, bool)>>,
    /// The answer's a=simulcast:send layers (the offer asks to receive
    /// simulcast and the answer sends): alternatives of (rid, paused).
    pub simulcast_send: Vec<Vec<(String, bool)>>,
    /// The local transceiver's direction when the answer was made.
    pub local_direction: Option<Direction>,
    /// Index of the m-section whose transport this one uses (itself if not bundled).
    pub transport: usize,
    /// Whether it is in an answered BUNDLE group (RFC 8843).
    pub bundled: bool,
}

/// The decisions behind a created answer (its text is the description's).
#[derive(Clone, Debug)]
pub struct Answer {
    /// One per offered m-section, in offer order.
    pub sections: Vec<AnswerSection>,
    /// The local DTLS role the answer's a=setup states (RFC 8842 section 5.3).
    pub dtls_role: DtlsRole,
    /// The answered BUNDLE groups, by mid: the accepted members, the tagged one first.
    pub bundle_groups: Vec<Vec<String>>,
    /// What the answer states of the local side, per m-section.
    pub local: Vec<LocalSection>,
    /// The local ICE agent's role.
    pub ice_role: IceRole,
    /// The transports (by the mid of the m-section owning each) this answer
    /// restarts ICE on (JSEP 5.3.1, 5.4).
    pub ice_restarts: Vec<String>,
}

impl Answer {
    /// The m-sections of `offer` this answer rejects though the offerer did
    /// not, each as "m-line N (media, mid M): why". An endpoint that must
    /// take an offer whole refuses it instead (RFC 9725 4.2: 422 rather
    /// than a partial answer), in these words.
    pub fn unanswered(&self, offer: &RemoteDescription) -> Vec<String> {
        offer
            .sections
            .iter()
            .zip(&self.sections)
            .filter(|(o, a)| !a.accepted() && !o.rejected)
            .map(|(o, a)| {
                let mid = o.mid.as_deref().unwrap_or("none");
                let why = a.reason().unwrap_or_default();
                format!("m-line {} ({}, mid {mid}): {why}", o.index, o.media)
            })
            .collect()
    }
}

/// Everything createAnswer reads.
pub struct AnswerContext<'a> {
    /// The offer being answered.
    pub offer: &'a RemoteDescription,
    /// The transceiver associated with each offered m-section, if any.
    pub transceivers: Vec<Option<&'a Transceiver>>,
    /// The connection's configuration: capabilities, ICE lite, local candidates.
    pub config: &'a Configuration,
    /// The DTLS certificate; its fingerprint goes in a=fingerprint.
    pub certificate: &'a Certificate,
    /// The connection's ICE credentials, for transports not restarted.
    pub ice: &'a IceCredentials,
    /// Credentials of transports restarted since (JSEP 5.3.1: ICE restart), by mid.
    pub ice_by_mid: &'a [(String, IceCredentials)],
    /// The transports (owner mids) the offer being answered restarts.
    pub restarting: &'a [String],
    /// The role an earlier answer fixed; None: chosen from the offer's a=setup.
    pub dtls_role: Option<DtlsRole>,
    /// The o= line's session id (JSEP 5.2.1).
    pub session_id: u64,
    /// The o= line's session version.
    pub session_version: u64,
    /// The RTCP CNAME of the a=ssrc cname: lines.
    pub cname: &'a str,
    /// createAnswer's options.
    pub options: AnswerOptions,
    /// The a=identity value, when an identity provider vouches for us.
    pub identity: Option<&'a str>,
}

impl AnswerSection {
    /// Whether the m-section is accepted.
    pub fn accepted(&self) -> bool {
        self.verdict.is_accepted()
    }
    /// Why it was refused, as text.
    pub fn reason(&self) -> Option<String> {
        self.verdict.refusal().map(Refusal::to_string)
    }
    /// The header extensions the answer takes: (id, URI).
    pub fn accepted_extensions(&self) -> impl Iterator<Item = (u16, &std::sync::Arc<str>)> {
        self.extensions
            .iter()
            .filter(|e| e.verdict.is_accepted())
            .map(|e| (e.id, &e.uri))
    }
}

/// A section with nothing but its verdict (a data channel starts from it).
fn reject(sec: &RemoteSection, reason: Refusal) -> AnswerSection {
    AnswerSection {
        mid: sec.mid.clone(),
        verdict: Verdict::Refused(reason),
        direction: Direction::Inactive,
        codecs: CodecNegotiation::default(),
        extensions: Vec::new(),
        rids: Vec::new(),
        simulcast_recv: Vec::new(),
        simulcast_send: Vec::new(),
        local_direction: None,
        transport: sec.index,
        bundled: false,
    }
}

/// Decides every m-section, then writes the answer.
/// Returns the decisions and the answer's text.
pub fn create(ctx: &AnswerContext) -> (Answer, String) {
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
            .filter_map(|mid| offer.index_of_mid(mid))
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
        // RFC 8842 section 5.3: to actpass the answerer picks (active unless
        // the host prefers passive); to active it is passive, to passive active.
        match offered {
            Setup::Active => DtlsRole::Server,
            Setup::Actpass => ctx.config.dtls_role,
            Setup::Passive | Setup::Holdconn => DtlsRole::Client,
        }
    });
    log::debug!(
        "answer: (mid, outcome) {:?}, BUNDLE {bundle_groups:?}, DTLS {dtls_role:?}",
        sections
            .iter()
            .map(|s| (&s.mid, s.reason().unwrap_or_else(|| "accepted".into())))
            .collect::<Vec<_>>()
    );
    let local = stated::sections(ctx, &sections);
    let text = write::answer(ctx, &sections, &local, &bundle_groups, dtls_role).to_text();
    let answer = Answer {
        sections,
        dtls_role,
        bundle_groups,
        local,
        ice_role: IceRole::of_answerer(ctx.config.ice_lite, offer.ice_lite),
        ice_restarts: ctx.restarting.to_vec(),
    };
    (answer, text)
}

/// JSEP 5.3.1 for one offered m-section: rejected, a data channel, or an
/// RTP m-section decided by `decide_rtp`.
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
            let reason = match sec.kind.is_some() || sec.application {
                true => Refusal::UnsupportedProtocol(sec.proto.clone()),
                false => Refusal::UnknownMedia(sec.media.clone()),
            };
            reject(sec, reason)
        }
        Transport::Sctp | Transport::SctpLegacy => {
            if *have_data {
                return reject(sec, Refusal::SecondDataChannel);
            }
            *have_data = true;
            AnswerSection {
                verdict: Verdict::Accepted,
                direction: Direction::SendRecv,
                ..reject(sec, Refusal::NoTransceiver)
            }
        }
        Transport::Rtp => match tr {
            None => reject(sec, Refusal::NoTransceiver),
            Some(tr) if tr.stopped => reject(sec, Refusal::TransceiverStopped),
            Some(tr) => decide_rtp(ctx, sec, tr),
        },
    }
}

/// An RTP m-section with a live transceiver: codecs (with the
/// transceiver's preferences), extensions, direction, RIDs and simulcast.
fn decide_rtp(ctx: &AnswerContext, sec: &RemoteSection, tr: &Transceiver) -> AnswerSection {
    let kind = sec.kind.expect("RTP sections are audio or video");
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
    let extensions = decide_extensions(sec, caps, kind);
    let direction = Direction::answer_to(sec.direction, tr.direction);
    let (rids, simulcast_recv) = decide_rids(sec, &codecs, direction);
    let simulcast_send = simulcast_to_send(sec, &extensions, direction);
    AnswerSection {
        mid: sec.mid.clone(),
        verdict: Verdict::Accepted,
        direction,
        codecs,
        extensions,
        rids,
        simulcast_recv,
        simulcast_send,
        local_direction: Some(tr.direction),
        transport: sec.index,
        bundled: false,
    }
}

/// RFC 8285: the offered extensions the local side knows for `kind`.
fn decide_extensions(
    sec: &RemoteSection,
    caps: &crate::codec::Capabilities,
    kind: MediaKind,
) -> Vec<ExtensionDecision> {
    let other = match kind {
        MediaKind::Audio => MediaKind::Video,
        MediaKind::Video => MediaKind::Audio,
    };
    let knows = |k: MediaKind, uri: &str| caps.extensions(k).iter().any(|u| **u == *uri);
    sec.rtp
        .extmaps
        .iter()
        .map(|e| {
            let verdict = if knows(kind, &e.uri) {
                Verdict::Accepted
            } else if knows(other, &e.uri) {
                Verdict::Refused(format!(
                    "not allowed for this media kind: a {other}-only extension in a {kind} m-line"
                ))
            } else {
                Verdict::Refused(format!("unknown URI for {kind}"))
            };
            ExtensionDecision {
                id: e.id,
                uri: e.uri.clone(),
                verdict,
            }
        })
        .collect()
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
    let layers = simulcast_layers_among(&sec.rtp.simulcast_send, ok);
    (rids, layers)
}

/// RFC 8853 5.3 and W3C (the answerer's send encodings from the offer's
/// RIDs): an offer with a=simulcast:recv, answered sending, is sent the
/// layers it names with an a=rid:... recv, when the rtp-stream-id extension
/// is taken (RFC 8852: else the layers cannot be told apart).
fn simulcast_to_send(
    sec: &RemoteSection,
    extensions: &[ExtensionDecision],
    direction: Direction,
) -> Vec<Vec<(String, bool)>> {
    let rid_extension = extensions
        .iter()
        .any(|e| e.verdict.is_accepted() && &*e.uri == crate::codec::ext::RID);
    if !direction.sends() || !rid_extension {
        return Vec::new();
    }
    let declared = |id: &str| sec.rtp.recv_rids.iter().any(|r| r == id);
    simulcast_layers_among(&sec.rtp.simulcast_recv, declared)
}

/// RFC 8853 5.3: the a=simulcast layers (alternatives of (rid, paused))
/// with only the RIDs `keep` takes; a layer left with none goes.
pub(crate) fn simulcast_layers_among(
    layers: &[Vec<(String, bool)>],
    keep: impl Fn(&str) -> bool,
) -> Vec<Vec<(String, bool)>> {
    layers
        .iter()
        .map(|alts| {
            alts.iter()
                .filter(|(id, _)| keep(id))
                .cloned()
                .collect::<Vec<_>>()
        })
        .filter(|alts| !alts.is_empty())
        .collect()
}

/// RFC 8843 section 9.1: inside one BUNDLE group an extmap id means one URI.
fn refuse_conflicting_extmaps(sections: &mut [AnswerSection]) {
    let mut seen: HashMap<(usize, u16), std::sync::Arc<str>> = HashMap::new();
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
