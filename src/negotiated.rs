//! What an applied offer/answer negotiated, per m-section, for applications
//! that route RTP without parsing SDP.

use crate::answer::Answer;
use crate::codec::{fmtp_param, CodecRole, RtpCodec};
use crate::dtls::DtlsRole;
use crate::remote_offer::{RemoteOffer, Transport};
use crate::transceiver::Direction;

/// A negotiated codec: the answer's (payload type, name, the local side's
/// fmtp and rtcp-fb), and what the host needs beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodecParameters {
    /// How the local side receives it (the answer's fmtp and rtcp-fb).
    pub codec: RtpCodec,
    /// How the remote side receives it, so how to send it (the offer's fmtp).
    pub remote_fmtp: String,
    /// rtx: the payload type it repairs (apt); red: the first redundant one.
    pub associated_payload_type: Option<u8>,
}

#[derive(Clone, Debug)]
pub struct NegotiatedSection {
    pub index: usize,
    pub mid: Option<String>,
    pub media: String,
    pub protocol: String,
    pub accepted: bool,
    pub reason: Option<String>,
    /// The answer's direction: the transceiver's currentDirection.
    pub direction: Direction,
    pub codecs: Vec<CodecParameters>,
    pub extensions: Vec<(u16, String)>,
    /// Simulcast layers received, each a list of alternative RIDs (rid, paused).
    pub simulcast_layers: Vec<Vec<(String, bool)>>,
    pub rids: Vec<String>,
    pub remote_ssrcs: Vec<u32>,
    pub remote_ssrc_groups: Vec<(String, Vec<u32>)>,
    pub remote_msids: Vec<(String, Option<String>)>,
    /// The m-section whose transport this one uses.
    pub transport_index: usize,
    pub bundled: bool,
    pub remote_ice_ufrag: Option<String>,
    pub remote_ice_pwd: Option<String>,
    pub remote_candidates: Vec<String>,
    pub remote_end_of_candidates: bool,
    pub remote_fingerprints: Vec<String>,
    /// The remote SCTP port and max-message-size (data channel m-sections).
    pub sctp_port: Option<u64>,
    pub max_message_size: Option<u64>,
}

#[derive(Clone, Debug)]
pub struct Negotiated {
    pub sections: Vec<NegotiatedSection>,
    pub bundle_groups: Vec<Vec<String>>,
    pub dtls_role: DtlsRole,
}

impl Negotiated {
    pub fn new(offer: &RemoteOffer, answer: &Answer) -> Negotiated {
        let sections = offer
            .sections
            .iter()
            .zip(&answer.sections)
            .map(|(o, a)| {
                let codecs = a
                    .codecs
                    .kept
                    .iter()
                    .map(|c| {
                        let assoc = match c.role() {
                            CodecRole::Rtx => {
                                fmtp_param(&c.fmtp, "apt").and_then(|v| v.parse().ok())
                            }
                            CodecRole::Red => {
                                c.fmtp.split('/').next().and_then(|v| v.trim().parse().ok())
                            }
                            _ => None,
                        };
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
                let accepted_sctp = a.accepted() && o.transport != Transport::Rtp;
                NegotiatedSection {
                    index: o.index,
                    mid: o.mid.clone(),
                    media: o.media.clone(),
                    protocol: o.proto.clone(),
                    accepted: a.accepted(),
                    reason: a.reason(),
                    direction: a.direction,
                    codecs,
                    extensions: a
                        .extensions
                        .iter()
                        .filter(|e| e.verdict.is_accepted())
                        .map(|e| (e.id, e.uri.clone()))
                        .collect(),
                    simulcast_layers: a.simulcast_recv.clone(),
                    rids: a
                        .rids
                        .iter()
                        .filter(|r| r.verdict.is_accepted())
                        .map(|r| r.id.clone())
                        .collect(),
                    remote_ssrcs: o.rtp.ssrcs.clone(),
                    remote_ssrc_groups: o.rtp.ssrc_groups.clone(),
                    remote_msids: o.rtp.msids.clone(),
                    transport_index: a.transport,
                    bundled: a.bundled,
                    remote_ice_ufrag: o.ice.ufrag.clone(),
                    remote_ice_pwd: o.ice.pwd.clone(),
                    remote_candidates: o.ice.candidates.clone(),
                    remote_end_of_candidates: o.ice.end_of_candidates,
                    remote_fingerprints: o.dtls.fingerprints.clone(),
                    sctp_port: if accepted_sctp {
                        o.sctp.port.or(Some(5000))
                    } else {
                        None
                    },
                    max_message_size: if accepted_sctp {
                        o.sctp.max_message_size.or(Some(65536))
                    } else {
                        None
                    },
                }
            })
            .collect();
        Negotiated {
            sections,
            bundle_groups: answer.bundle_groups.clone(),
            dtls_role: answer.dtls_role,
        }
    }
}
