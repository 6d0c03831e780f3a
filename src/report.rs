//! The negotiation report: why each m-line, codec and extension of the last
//! answer (ours, or the peer's to our offer) was accepted or refused, as JSON. Built from the same decisions that
//! wrote the answer (never by re-reading it), and only when asked for.
//!
//! The report is a tree of borrowed structs serialized in one pass: building
//! a `serde_json::Value` first (a map and a key string per field) cost more
//! than the whole answering cycle.

use crate::answer::{Answer, AnswerSection, ExtensionDecision as Extension, Refusal, Verdict};
use crate::codec::RtpCodec;
use crate::offer::remote_answer::{Answered, AnsweredSection};
use crate::offer::{Offer, OfferSection};
use crate::remote::{RemoteDescription, RemoteSection, Transport};
use crate::transceiver::Direction;
use serde::Serialize;
use std::borrow::Cow;

type Reason<'a> = Option<Cow<'a, str>>;

#[derive(Serialize)]
struct Report<'a, M> {
    side: &'static str,
    dtls_role: &'static str,
    bundle_groups: &'a [Vec<String>],
    /// An answer's: whether it takes every m-line the offerer did not
    /// reject, and what it does not take (RFC 9725 4.2: a WHIP endpoint
    /// answers 422 instead, with these).
    #[serde(skip_serializing_if = "Option::is_none")]
    answered_whole: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_answered: Option<Vec<String>>,
    m_lines: Vec<M>,
}

/// One offered m-line and the answer's decisions about it.
#[derive(Serialize)]
struct MLine<'a, D, C, R> {
    index: usize,
    mid: Option<&'a str>,
    kind: &'a str,
    protocol: &'a str,
    accepted: bool,
    reason: Reason<'a>,
    direction: D,
    codecs: Vec<C>,
    extensions: Vec<ExtensionEntry<'a>>,
    bundle: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    transport_index: Option<usize>,
    rids: Vec<R>,
    local_ice_restarted: bool,
    remote_ice_restarted: bool,
    tolerated: &'a [String],
    /// The simulcast layers rtcpc sends, by RID.
    send_rids: Vec<&'a str>,
}

#[derive(Serialize)]
struct ExtensionEntry<'a> {
    id: u16,
    uri: &'a str,
    accepted: bool,
    reason: Reason<'a>,
}

#[derive(Serialize)]
struct AnswerDirection {
    offered: &'static str,
    local: Option<&'static str>,
    answered: &'static str,
}

#[derive(Serialize)]
struct OfferDirection {
    offered: &'static str,
    answered: &'static str,
    current: &'static str,
}

/// A codec of a remote offer (name None: a payload type without a=rtpmap).
#[derive(Serialize)]
struct AnsweredCodec<'a> {
    pt: u8,
    name: Option<&'a str>,
    clock_rate: Option<u32>,
    channels: Option<u32>,
    accepted: bool,
    reason: Reason<'a>,
    fmtp: Option<&'a str>,
    offered_fmtp: &'a str,
    rtcp_fb: Vec<&'a str>,
}

/// A codec of our offer.
#[derive(Serialize)]
struct OfferedCodec<'a> {
    pt: u8,
    name: &'a str,
    clock_rate: u32,
    channels: Option<u32>,
    accepted: bool,
    reason: Reason<'a>,
    fmtp: &'a str,
    answered_fmtp: Option<&'a str>,
    rtcp_fb: Vec<&'a str>,
}

#[derive(Serialize)]
struct AnsweredRid<'a> {
    rid: &'a str,
    accepted: bool,
    reason: Option<&'a str>,
}

#[derive(Serialize)]
struct OfferedRid<'a> {
    rid: &'a str,
    accepted: bool,
}

/// The RIDs of simulcast layers, layer by layer.
fn layer_rids(layers: &[Vec<(String, bool)>]) -> Vec<&str> {
    layers.iter().flatten().map(|(r, _)| r.as_str()).collect()
}

fn json<T: Serialize>(report: &T) -> String {
    serde_json::to_string(report).expect("the report has string keys only")
}

fn rtcp_fb(codec: Option<&RtpCodec>) -> Vec<&str> {
    codec.map_or_else(Vec::new, |k| k.rtcp_fb.iter().map(|f| f.as_ref()).collect())
}

/// The negotiation report of `answer` to `offer`, as JSON (see rtc_pc_negotiation_report).
pub fn build(offer: &RemoteDescription, answer: &Answer) -> String {
    let not_answered = answer.unanswered(offer);
    json(&Report {
        side: "answer",
        dtls_role: answer.dtls_role.as_str(),
        bundle_groups: &answer.bundle_groups,
        answered_whole: Some(not_answered.is_empty()),
        not_answered: Some(not_answered),
        m_lines: offer
            .sections
            .iter()
            .zip(&answer.sections)
            .map(|(o, a)| {
                let restarted = a.accepted()
                    && answer
                        .ice_restarts
                        .contains(&offer.sections[a.transport].mid_key());
                answered_line(o, a, restarted)
            })
            .collect(),
    })
}

type AnsweredLine<'a> = MLine<'a, AnswerDirection, AnsweredCodec<'a>, AnsweredRid<'a>>;

fn answered_line<'a>(
    o: &'a RemoteSection,
    a: &'a AnswerSection,
    ice_restarted: bool,
) -> AnsweredLine<'a> {
    let reason = a.reason();
    let rejected = || {
        Some(Cow::Owned(format!(
            "the m-line was rejected: {}",
            reason.as_deref().unwrap_or_default()
        )))
    };
    let mut codecs = Vec::new();
    if o.transport == Transport::Rtp || o.kind.is_some() {
        codecs.extend(o.rtp.codecs.iter().map(|c| answered_codec(c, a, &rejected)));
        codecs.extend(o.rtp.unknown_pts.iter().map(|&pt| AnsweredCodec {
            pt,
            name: None,
            clock_rate: None,
            channels: None,
            accepted: false,
            reason: Some(Cow::Borrowed(
                "dynamic payload type without a=rtpmap: unknown codec",
            )),
            fmtp: Some(""),
            offered_fmtp: "",
            rtcp_fb: Vec::new(),
        }));
    }
    let extensions = o.rtp.extmaps.iter().map(|e| {
        let d = a.extensions.iter().find(|d| d.id == e.id && d.uri == e.uri);
        let accepted = a.accepted() && d.is_some_and(|d| d.verdict.is_accepted());
        let reason = match d {
            _ if accepted => None,
            Some(Extension {
                verdict: Verdict::Refused(why),
                ..
            }) => Some(Cow::Borrowed(why.as_str())),
            _ => rejected(),
        };
        ExtensionEntry {
            id: e.id,
            uri: &e.uri,
            accepted,
            reason,
        }
    });
    let bundle = match (a.accepted() && a.bundled, o.bundle_only) {
        (true, true) => "bundle-only",
        (true, false) => "bundled",
        (false, _) => "not bundled",
    };
    let local = match (&a.verdict, a.local_direction) {
        (_, Some(d)) => Some(d.as_str()),
        (Verdict::Refused(Refusal::TransceiverStopped), None) => Some("stopped"),
        _ if o.transport != Transport::Rtp && a.accepted() => Some("sendrecv"),
        _ => None,
    };
    let answered = if a.accepted() {
        a.direction
    } else {
        Direction::Inactive
    };
    let rids = a.rids.iter().map(|r| AnsweredRid {
        rid: &r.id,
        accepted: r.verdict.is_accepted(),
        reason: r.verdict.refusal().map(String::as_str),
    });
    MLine {
        index: o.index,
        mid: o.mid.as_deref(),
        kind: &o.media,
        protocol: &o.proto,
        accepted: a.accepted(),
        direction: AnswerDirection {
            offered: o.direction.as_str(),
            local,
            answered: answered.as_str(),
        },
        codecs,
        extensions: extensions.collect(),
        bundle,
        transport_index: Some(a.transport),
        rids: rids.collect(),
        reason: reason.map(Cow::Owned),
        local_ice_restarted: ice_restarted,
        remote_ice_restarted: ice_restarted,
        tolerated: &[],
        send_rids: layer_rids(&a.simulcast_send),
    }
}

fn answered_codec<'a>(
    c: &'a RtpCodec,
    a: &'a AnswerSection,
    rejected: &dyn Fn() -> Reason<'a>,
) -> AnsweredCodec<'a> {
    let kept = a.codecs.kept.iter().find(|k| k.pt == c.pt);
    let reason = match (kept, a.codecs.refused.iter().find(|r| r.pt == c.pt)) {
        (Some(_), _) if a.accepted() => None,
        (_, Some(r)) => Some(Cow::Borrowed(r.reason.as_str())),
        _ => rejected(),
    };
    AnsweredCodec {
        pt: c.pt,
        name: Some(&c.name),
        clock_rate: Some(c.clock_rate),
        channels: c.channels,
        accepted: a.accepted() && kept.is_some(),
        reason,
        fmtp: kept.filter(|_| a.accepted()).map(|k| &*k.fmtp),
        offered_fmtp: &c.fmtp,
        rtcp_fb: rtcp_fb(kept),
    }
}

/// The report of a remote answer to our offer, in the same shape: per
/// offered m-line, what the answer took of each codec and extension we
/// offered ("side": "offer"; the answering side's reports say "answer").
pub fn build_for_offer(offer: &Offer, answer: &RemoteDescription, answered: &Answered) -> String {
    json(&Report {
        side: "offer",
        dtls_role: answered.dtls_role.as_str(),
        bundle_groups: &answered.bundle_groups,
        answered_whole: None,
        not_answered: None,
        m_lines: offer
            .sections
            .iter()
            .zip(&answer.sections)
            .zip(&answered.sections)
            .map(|((o, a), d)| offered_line(o, a, d, &answered.bundle_groups))
            .collect(),
    })
}

type OfferedLine<'a> = MLine<'a, OfferDirection, OfferedCodec<'a>, OfferedRid<'a>>;

fn offered_line<'a>(
    o: &'a OfferSection,
    a: &'a RemoteSection,
    d: &'a AnsweredSection,
    groups: &[Vec<String>],
) -> OfferedLine<'a> {
    let accepted = d.accepted;
    let refused = |what: &str| match (o.rejected, accepted) {
        (true, _) => Some(Cow::Borrowed(
            "the m-line was offered with port 0 (stopped)",
        )),
        (false, false) => Some(Cow::Borrowed("the answer rejected the m-line (port 0)")),
        (false, true) => Some(Cow::Owned(format!("the answer leaves the {what} out"))),
    };
    let codecs = o.codecs.iter().map(|c| {
        let kept = a
            .rtp
            .codecs
            .iter()
            .find(|k| k.pt == c.pt)
            .filter(|_| accepted);
        OfferedCodec {
            pt: c.pt,
            name: &c.name,
            clock_rate: c.clock_rate,
            channels: c.channels,
            accepted: kept.is_some(),
            reason: if kept.is_some() {
                None
            } else {
                refused("payload type")
            },
            fmtp: &c.fmtp,
            answered_fmtp: kept.map(|k| &*k.fmtp),
            rtcp_fb: rtcp_fb(kept),
        }
    });
    let extensions = o.extensions.iter().map(|(id, uri)| {
        let kept = accepted && a.rtp.extmaps.iter().any(|e| e.id == *id && e.uri == *uri);
        ExtensionEntry {
            id: *id,
            uri,
            accepted: kept,
            reason: if kept { None } else { refused("extension") },
        }
    });
    let bundled = accepted && groups.iter().any(|g| g.contains(&o.mid));
    MLine {
        index: a.index,
        mid: Some(&o.mid),
        kind: &o.media,
        protocol: &o.proto,
        accepted,
        reason: if accepted { None } else { refused("m-line") },
        direction: OfferDirection {
            offered: o.direction.as_str(),
            answered: a.direction.as_str(),
            current: d.direction.as_str(),
        },
        codecs: codecs.collect(),
        extensions: extensions.collect(),
        bundle: if bundled { "bundled" } else { "not bundled" },
        transport_index: None,
        rids: o
            .send_rids
            .iter()
            .map(|r| OfferedRid {
                rid: r,
                accepted: d.simulcast_layers.iter().flatten().any(|(l, _)| l == r),
            })
            .collect(),
        local_ice_restarted: d.local_ice_restarted,
        remote_ice_restarted: d.remote_ice_restarted,
        tolerated: &d.tolerated,
        send_rids: layer_rids(&d.simulcast_layers),
    }
}
