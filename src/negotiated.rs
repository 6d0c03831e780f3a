//! What an applied offer/answer negotiated, per m-section, for applications
//! that route RTP without parsing SDP.

use crate::answer::Answer;
use crate::codec::{fmtp_param, CodecRole, RtpCodec};
use crate::dtls::DtlsRole;
use crate::ice::IceRole;
use crate::local::LocalSection;
use crate::offer::remote_answer::Answered;
use crate::offer::{Offer, OfferSection};
use crate::remote::RemoteSection;
use crate::remote::{RemoteDescription, Transport};
use crate::transceiver::Direction;
use std::sync::Arc;

/// A negotiated codec: the answer's (payload type, name, the local side's
/// fmtp and rtcp-fb), and what the host needs beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodecParameters {
    /// How the local side receives it (the answer's fmtp and rtcp-fb).
    pub codec: RtpCodec,
    /// How the remote side receives it, so how to send it (the offer's fmtp).
    pub remote_fmtp: Arc<str>,
    /// rtx: the payload type it repairs (apt); red: the first redundant one.
    pub associated_payload_type: Option<u8>,
}

/// What one offered m-section negotiated (C: rtc_negotiated_section).
#[derive(Clone, Debug)]
pub struct NegotiatedSection {
    /// The m-section's 0-based index in the offer.
    pub index: usize,
    /// The mid: the offer's, or for an m-line the offer wrote none for,
    /// the one rtcpc gave it and its answer carries (as Chromium does).
    pub mid: Option<String>,
    /// "audio", "video", "application" or the offered media name.
    pub media: String,
    /// The offered protocol, e.g. "UDP/TLS/RTP/SAVPF".
    pub protocol: String,
    /// Whether the answer accepted it.
    pub accepted: bool,
    /// Why it was rejected; None when accepted.
    pub reason: Option<String>,
    /// The answer's direction: the transceiver's currentDirection.
    pub direction: Direction,
    /// The answer's codecs, in answer order; empty when rejected.
    pub codecs: Vec<CodecParameters>,
    /// The accepted header extensions: (id, URI).
    pub extensions: Vec<(u16, String)>,
    /// Simulcast layers received, each a list of alternative RIDs (rid,
    /// paused); on rtcpc's offer, the layers the answer receives.
    pub simulcast_layers: Vec<Vec<(String, bool)>>,
    /// Simulcast layers rtcpc sends (its offer's, as the answer takes them;
    /// or its answer's to an offer with a=simulcast:recv).
    pub send_simulcast_layers: Vec<Vec<(String, bool)>>,
    /// The RIDs the answer receives (accepted a=rid, RFC 8851).
    pub rids: Vec<String>,
    /// The offer's a=ssrc SSRCs.
    pub remote_ssrcs: Vec<u32>,
    /// The offer's a=ssrc-group lines: (semantics, SSRCs).
    pub remote_ssrc_groups: Vec<(String, Vec<u32>)>,
    /// The offer's a=msid values: (stream id, track id).
    pub remote_msids: Vec<(String, Option<String>)>,
    /// The m-section whose transport this one uses.
    pub transport_index: usize,
    /// Whether it is in an answered BUNDLE group (RFC 8843).
    pub bundled: bool,
    /// The remote ice-ufrag, own or inherited; None if offerer-rejected or unsupported protocol.
    pub remote_ice_ufrag: Option<String>,
    /// The remote ice-pwd, like `remote_ice_ufrag`.
    pub remote_ice_pwd: Option<String>,
    /// Remote "candidate:..." strings: in the offer, then trickled.
    pub remote_candidates: Vec<String>,
    /// Whether the remote side ended its candidates (a=end-of-candidates).
    pub remote_end_of_candidates: bool,
    /// The remote fingerprints, "sha-256 AB:CD:..." strings (RFC 8122).
    pub remote_fingerprints: Vec<String>,
    /// The remote SCTP port and max-message-size (data channel m-sections).
    pub sctp_port: Option<u64>,
    /// The remote max-message-size (65536 if absent, RFC 8841); None unless data was accepted.
    pub max_message_size: Option<u64>,
    /// What the answer states of the local side: ICE credentials and
    /// candidates, fingerprints, the sender's SSRCs, cname and msid, SCTP port.
    pub local: LocalSection,
    /// We offered simulcast and the answer did not take it (no
    /// a=simulcast:recv): one stream is sent, the first encoding's.
    pub simulcast_fallback: bool,
    /// This exchange restarted ICE on the m-section's transport (JSEP 5.4):
    /// `local_ice_restarted` or `remote_ice_restarted`.
    pub ice_restarted: bool,
    /// Our credentials on its transport are new in this exchange.
    pub local_ice_restarted: bool,
    /// The peer's credentials on its transport are new in this exchange.
    pub remote_ice_restarted: bool,
    /// What the peer's description said that rtcpc tolerated, and how it
    /// took it (an answer to our offer only).
    pub tolerated: Vec<String>,
}

/// rtx: the payload type it repairs (apt); red: the first redundant one.
fn associated(c: &RtpCodec) -> Option<u8> {
    match c.role() {
        CodecRole::Rtx => fmtp_param(&c.fmtp, "apt").and_then(|v| v.parse().ok()),
        CodecRole::Red => c.fmtp.split('/').next().and_then(|v| v.trim().parse().ok()),
        _ => None,
    }
}

impl NegotiatedSection {
    /// What the remote m-section `r` (the offer's, or the answer's to
    /// ours) says, for an m-section `accepted` or not, with our `local`
    /// side: each half fills in its decisions over this.
    fn remote(r: &RemoteSection, accepted: bool, local: LocalSection) -> NegotiatedSection {
        let sctp = accepted && r.transport != Transport::Rtp;
        NegotiatedSection {
            index: r.index,
            mid: r.mid.clone(),
            media: r.media.clone(),
            protocol: r.proto.clone(),
            accepted,
            reason: None,
            direction: Direction::Inactive,
            codecs: Vec::new(),
            extensions: Vec::new(),
            simulcast_layers: Vec::new(),
            send_simulcast_layers: Vec::new(),
            rids: Vec::new(),
            remote_ssrcs: r.rtp.ssrcs.clone(),
            remote_ssrc_groups: r.rtp.ssrc_groups.clone(),
            remote_msids: r.rtp.msids.clone(),
            transport_index: r.index,
            bundled: false,
            remote_ice_ufrag: r.ice.ufrag.clone(),
            remote_ice_pwd: r.ice.pwd.clone(),
            remote_candidates: r.ice.candidates.clone(),
            remote_end_of_candidates: r.ice.end_of_candidates,
            remote_fingerprints: r.dtls.fingerprints.clone(),
            sctp_port: sctp.then(|| r.sctp.port.unwrap_or(5000)),
            max_message_size: sctp.then(|| r.sctp.max_message_size.unwrap_or(65536)),
            local,
            simulcast_fallback: false,
            ice_restarted: false,
            local_ice_restarted: false,
            remote_ice_restarted: false,
            tolerated: Vec::new(),
        }
    }
}

/// What the applied offer and answer negotiated (C: rtc_negotiation).
#[derive(Clone, Debug)]
pub struct Negotiated {
    /// One entry per offered m-section, in offer order.
    pub sections: Vec<NegotiatedSection>,
    /// The answered BUNDLE groups, by mid.
    pub bundle_groups: Vec<Vec<String>>,
    /// The local DTLS role.
    pub dtls_role: DtlsRole,
    /// The local ICE agent's role.
    pub ice_role: IceRole,
    /// ICE restarts so far (by offer, answer or fragment): an ETag's source.
    pub ice_generation: u64,
}

impl Negotiated {
    /// Puts the offer side by side with the decisions of its answer.
    pub fn new(offer: &RemoteDescription, answer: &Answer) -> Negotiated {
        let sections = offer
            .sections
            .iter()
            .zip(answer.sections.iter().zip(&answer.local))
            .map(|(o, (a, local))| {
                let codecs = a
                    .codecs
                    .kept
                    .iter()
                    .map(|c| {
                        let assoc = associated(c);
                        CodecParameters {
                            codec: c.clone(),
                            remote_fmtp: o
                                .rtp
                                .codecs
                                .iter()
                                .find(|oc| oc.pt == c.pt)
                                .map(|oc| oc.fmtp.clone())
                                .unwrap_or_default(),
                            associated_payload_type: assoc,
                        }
                    })
                    .collect();
                // JSEP 5.4: an offer restarting a transport, answered with
                // fresh credentials: both sides restarted.
                let restarted = a.accepted()
                    && answer
                        .ice_restarts
                        .contains(&offer.sections[a.transport].mid_key());
                NegotiatedSection {
                    reason: a.reason(),
                    direction: a.direction,
                    codecs,
                    extensions: a
                        .accepted_extensions()
                        .map(|(id, uri)| (id, uri.to_string()))
                        .collect(),
                    simulcast_layers: a.simulcast_recv.clone(),
                    send_simulcast_layers: a.simulcast_send.clone(),
                    rids: a
                        .rids
                        .iter()
                        .filter(|r| r.verdict.is_accepted())
                        .map(|r| r.id.clone())
                        .collect(),
                    transport_index: a.transport,
                    bundled: a.bundled,
                    ice_restarted: restarted,
                    local_ice_restarted: restarted,
                    remote_ice_restarted: restarted,
                    ..NegotiatedSection::remote(o, a.accepted(), local.clone())
                }
            })
            .collect();
        Negotiated {
            sections,
            bundle_groups: answer.bundle_groups.clone(),
            dtls_role: answer.dtls_role,
            ice_role: answer.ice_role,
            ice_generation: 0,
        }
    }
}

impl Negotiated {
    /// What a local offer and the remote answer to it negotiated: the
    /// answer's codecs and extensions (RFC 3264 6.1: its payload types are
    /// the offered ones), our fmtp beside the answer's, our direction and
    /// what else `answered` decided, its transports and SSRCs.
    pub fn from_offer(
        offer: &Offer,
        answer: &RemoteDescription,
        answered: &Answered,
    ) -> Negotiated {
        let bundle = answered.bundle_groups.first();
        let tagged = bundle
            .and_then(|g| g.first())
            .and_then(|m| answer.index_of_mid(m));
        let sections = offer
            .sections
            .iter()
            .zip(&answer.sections)
            .zip(answered.sections.iter().zip(&offer.local))
            .map(|((o, a), (d, local))| {
                let accepted = d.accepted;
                let bundled = accepted && bundle.is_some_and(|g| g.contains(&o.mid));
                let local = match accepted {
                    true => local.clone(),
                    false => LocalSection::default(),
                };
                NegotiatedSection {
                    mid: Some(o.mid.clone()),
                    reason: (!accepted).then(|| match o.rejected {
                        true => "stopped: offered with port 0".to_string(),
                        false => "rejected by the answerer (port 0)".to_string(),
                    }),
                    direction: d.direction,
                    codecs: if accepted {
                        answered_codecs(o, a)
                    } else {
                        Vec::new()
                    },
                    extensions: match accepted {
                        true => a
                            .rtp
                            .extmaps
                            .iter()
                            .map(|e| (e.id, e.uri.to_string()))
                            .collect(),
                        false => Vec::new(),
                    },
                    simulcast_layers: d.simulcast_layers.clone(),
                    send_simulcast_layers: d.simulcast_layers.clone(),
                    rids: d
                        .simulcast_layers
                        .iter()
                        .flatten()
                        .map(|(r, _)| r.clone())
                        .collect(),
                    transport_index: match (bundled, tagged) {
                        (true, Some(t)) => t,
                        _ => a.index,
                    },
                    bundled,
                    simulcast_fallback: accepted && d.simulcast_fallback,
                    ice_restarted: d.local_ice_restarted || d.remote_ice_restarted,
                    local_ice_restarted: d.local_ice_restarted,
                    remote_ice_restarted: d.remote_ice_restarted,
                    tolerated: d.tolerated.clone(),
                    ..NegotiatedSection::remote(a, accepted, local)
                }
            })
            .collect();
        Negotiated {
            sections,
            bundle_groups: answered.bundle_groups.clone(),
            dtls_role: answered.dtls_role,
            ice_role: answered.ice_role,
            ice_generation: 0,
        }
    }
}

/// The answer's codecs, each with what we offered for its payload type.
fn answered_codecs(o: &OfferSection, a: &RemoteSection) -> Vec<CodecParameters> {
    a.rtp
        .codecs
        .iter()
        .filter_map(|ac| {
            let ours = o.codecs.iter().find(|c| c.pt == ac.pt)?;
            Some(CodecParameters {
                codec: RtpCodec {
                    rtcp_fb: ac.rtcp_fb.clone(),
                    ..ours.clone()
                },
                remote_fmtp: ac.fmtp.clone(),
                associated_payload_type: associated(ours),
            })
        })
        .collect()
}
