//! The negotiation report: why each m-line, codec and extension of the last
//! answer (ours, or the peer's to our offer) was accepted or refused, as JSON. Built from the same decisions that
//! wrote the answer (never by re-reading it), and only when asked for.

use crate::answer::{Answer, ExtensionDecision as Extension, Refusal, Verdict};
use crate::dtls::DtlsRole;
use crate::offer::Offer;
use crate::remote_offer::{RemoteOffer, Transport};
use crate::transceiver::Direction;
use serde_json::{json, Value};

/// The negotiation report of `answer` to `offer`, as JSON (see rtc_pc_negotiation_report).
pub fn build(offer: &RemoteOffer, answer: &Answer) -> String {
    let m_lines: Vec<Value> = offer
        .sections
        .iter()
        .zip(&answer.sections)
        .map(|(o, a)| {
            let rejected_why = a.reason().unwrap_or_default();
            let mut codecs = Vec::new();
            if o.transport == Transport::Rtp || o.kind.is_some() {
                for c in &o.rtp.codecs {
                    let kept = a.codecs.kept.iter().find(|k| k.pt == c.pt);
                    let reason = match (kept, a.codecs.refused.iter().find(|r| r.pt == c.pt)) {
                        (Some(_), _) if a.accepted() => Value::Null,
                        (_, Some(r)) => Value::from(r.reason.clone()),
                        _ => Value::from(format!("the m-line was rejected: {rejected_why}")),
                    };
                    codecs.push(json!({
                        "pt": c.pt,
                        "name": c.name,
                        "clock_rate": c.clock_rate,
                        "channels": c.channels,
                        "accepted": a.accepted() && kept.is_some(),
                        "reason": reason,
                        "fmtp": kept.filter(|_| a.accepted()).map(|k| k.fmtp.as_str()),
                        "offered_fmtp": c.fmtp,
                        "rtcp_fb": kept.map(|k| k.rtcp_fb.iter().map(|f| f.as_ref()).collect::<Vec<_>>()).unwrap_or_default(),
                    }));
                }
                for pt in &o.rtp.unknown_pts {
                    codecs.push(json!({
                        "pt": pt, "name": null, "clock_rate": null, "channels": null,
                        "accepted": false,
                        "reason": "dynamic payload type without a=rtpmap: unknown codec",
                        "fmtp": "", "offered_fmtp": "", "rtcp_fb": [],
                    }));
                }
            }
            let extensions: Vec<Value> = o
                .rtp.extmaps
                .iter()
                .map(|e| {
                    let d = a.extensions.iter().find(|d| d.id == e.id && d.uri == e.uri);
                    let accepted = a.accepted() && d.is_some_and(|d| d.verdict.is_accepted());
                    let reason = match d {
                        _ if accepted => Value::Null,
                        Some(Extension { verdict: Verdict::Refused(why), .. }) => Value::from(why.clone()),
                        _ => Value::from(format!("the m-line was rejected: {rejected_why}")),
                    };
                    json!({"id": e.id, "uri": &*e.uri, "accepted": accepted, "reason": reason})
                })
                .collect();
            let bundle = if a.accepted() && a.bundled {
                if o.bundle_only { "bundle-only" } else { "bundled" }
            } else {
                "not bundled"
            };
            let local = match (&a.verdict, a.local_direction) {
                (_, Some(d)) => Value::from(d.as_str()),
                (Verdict::Refused(Refusal::TransceiverStopped), None) => Value::from("stopped"),
                _ if o.transport != Transport::Rtp && a.accepted() => Value::from("sendrecv"),
                _ => Value::Null,
            };
            let answered = if a.accepted() { a.direction } else { Direction::Inactive };
            json!({
                "index": o.index,
                "mid": o.mid,
                "kind": o.media,
                "protocol": o.proto,
                "accepted": a.accepted(),
                "reason": a.reason(),
                "direction": {"offered": o.direction.as_str(), "local": local, "answered": answered.as_str()},
                "codecs": codecs,
                "extensions": extensions,
                "bundle": bundle,
                "transport_index": a.transport,
                "rids": a.rids.iter().map(|r| json!({"rid": r.id, "accepted": r.verdict.is_accepted(), "reason": r.verdict.refusal()})).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "side": "answer",
        "dtls_role": answer.dtls_role.as_str(),
        "bundle_groups": answer.bundle_groups,
        "m_lines": m_lines,
    })
    .to_string()
}

/// The report of a remote answer to our offer, in the same shape: per
/// offered m-line, what the answer took of each codec and extension we
/// offered ("side": "offer"; the answering side's reports say "answer").
pub fn build_for_offer(offer: &Offer, answer: &RemoteOffer, dtls_role: DtlsRole) -> String {
    let m_lines: Vec<Value> = offer
        .sections
        .iter()
        .zip(&answer.sections)
        .map(|(o, a)| {
            let accepted = !o.rejected && !a.rejected;
            let refused = |what: &str| match (o.rejected, accepted) {
                (true, _) => Value::from("the m-line was offered with port 0 (stopped)"),
                (false, false) => Value::from("the answer rejected the m-line (port 0)"),
                (false, true) => Value::from(format!("the answer leaves the {what} out")),
            };
            let codecs: Vec<Value> = o
                .codecs
                .iter()
                .map(|c| {
                    let kept = a.rtp.codecs.iter().find(|k| k.pt == c.pt).filter(|_| accepted);
                    json!({
                        "pt": c.pt, "name": c.name, "clock_rate": c.clock_rate, "channels": c.channels,
                        "accepted": kept.is_some(),
                        "reason": if kept.is_some() { Value::Null } else { refused("payload type") },
                        "fmtp": c.fmtp,
                        "answered_fmtp": kept.map(|k| k.fmtp.as_str()),
                        "rtcp_fb": kept.map(|k| k.rtcp_fb.iter().map(|f| f.as_ref()).collect::<Vec<_>>()).unwrap_or_default(),
                    })
                })
                .collect();
            let extensions: Vec<Value> = o
                .extensions
                .iter()
                .map(|(id, uri)| {
                    let kept = accepted && a.rtp.extmaps.iter().any(|e| e.id == *id && e.uri == *uri);
                    json!({"id": id, "uri": &**uri, "accepted": kept,
                           "reason": if kept { Value::Null } else { refused("extension") }})
                })
                .collect();
            let bundled = accepted && answer.bundle_groups.iter().any(|g| g.contains(&o.mid));
            json!({
                "index": a.index,
                "mid": o.mid,
                "kind": o.media,
                "protocol": o.proto,
                "accepted": accepted,
                "reason": if accepted { Value::Null } else { refused("m-line") },
                "direction": {"offered": o.direction.as_str(), "answered": a.direction.as_str(),
                              "current": if accepted { a.direction.reversed().as_str() } else { "inactive" }},
                "codecs": codecs,
                "extensions": extensions,
                "bundle": if bundled { "bundled" } else { "not bundled" },
                "rids": o.send_rids.iter().map(|r| json!({"rid": r, "accepted": a.rtp.recv_rids.contains(r)})).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "side": "offer",
        "dtls_role": dtls_role.as_str(),
        "bundle_groups": answer.bundle_groups,
        "m_lines": m_lines,
    })
    .to_string()
}
