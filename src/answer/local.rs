//! The local side of an answer: the values the answer states for the host's
//! own ICE, DTLS, RTP and SCTP stacks. The writer prints these, so what the
//! negotiation reports is what the description says.

use super::{AnswerContext, AnswerSection, SCTP_PORT};
use crate::codec::CodecRole;
use crate::config::LocalCandidate;
use crate::ice::IceCredentials;
use crate::remote_offer::Transport;
use crate::transceiver::{Direction, Transceiver};
use std::collections::HashMap;

/// ICE role of the local agent (RFC 8445 section 6.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IceRole {
    /// Controlling: nominates the pair.
    Controlling,
    /// Controlled.
    Controlled,
}

impl IceRole {
    /// RFC 8445 6.1.1: the answerer is controlled, unless the offerer is a
    /// lite agent and the answerer a full one.
    pub fn of_answerer(local_lite: bool, remote_lite: bool) -> IceRole {
        match remote_lite && !local_lite {
            true => IceRole::Controlling,
            false => IceRole::Controlled,
        }
    }
}

/// What the answer's m-section says of the local sender (RFC 8830, 5576).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalSender {
    /// a=ssrc values: the primary first, then its rtx.
    pub ssrcs: Vec<u32>,
    /// a=ssrc-group lines: (semantics, SSRCs).
    pub ssrc_groups: Vec<(String, Vec<u32>)>,
    /// The a=ssrc cname: value.
    pub cname: String,
    /// a=msid: stream id and track id.
    pub msid: (String, String),
}

/// The local values of one answered m-section; all empty when rejected.
#[derive(Clone, Debug, Default)]
pub struct LocalSection {
    /// a=ice-ufrag and a=ice-pwd.
    pub ice: Option<IceCredentials>,
    /// a=candidate lines ("candidate:..."), in the m-section owning the transport.
    pub candidates: Vec<String>,
    /// a=fingerprint values, "sha-256 AB:CD:...".
    pub fingerprints: Vec<String>,
    /// The sender, when the m-section sends.
    pub sender: Option<LocalSender>,
    /// a=sctp-port (or the sctpmap port) of a data channel m-section.
    pub sctp_port: Option<u16>,
}

/// The local values of every answered m-section, in offer order.
pub(super) fn sections(ctx: &AnswerContext, answer: &[AnswerSection]) -> Vec<LocalSection> {
    let owner_of: HashMap<&str, usize> = answer
        .iter()
        .filter_map(|a| a.mid.as_deref().map(|m| (m, a.transport)))
        .collect();
    let fingerprint = format!("sha-256 {}", ctx.certificate.fingerprint_hex());
    answer
        .iter()
        .enumerate()
        .map(|(i, a)| match a.accepted() {
            false => LocalSection::default(),
            true => LocalSection {
                ice: Some(credentials(ctx, a).clone()),
                candidates: match a.transport == i {
                    true => candidates(ctx, &owner_of, i)
                        .map(|c| c.text.clone())
                        .collect(),
                    false => Vec::new(),
                },
                fingerprints: vec![fingerprint.clone()],
                sender: ctx.transceivers[i].and_then(|tr| {
                    let rtx = a.codecs.kept.iter().any(|c| c.role() == CodecRole::Rtx);
                    sender(tr, a.direction, rtx, ctx.cname)
                }),
                sctp_port: match ctx.offer.sections[i].transport {
                    Transport::Sctp | Transport::SctpLegacy => Some(SCTP_PORT),
                    _ => None,
                },
            },
        })
        .collect()
}

/// The credentials of the section's transport: restarted ones when its
/// owner was restarted (JSEP 5.3.1), else the connection's.
fn credentials<'a>(ctx: &'a AnswerContext, a: &AnswerSection) -> &'a IceCredentials {
    let owner = ctx.offer.sections[a.transport].mid_key();
    ctx.ice_by_mid
        .iter()
        .find(|(m, _)| *m == owner)
        .map(|(_, c)| c)
        .unwrap_or(ctx.ice)
}

/// The local candidates of the transport m-section `owner` carries: those
/// for any mid bundled on it, and those for no mid.
pub(super) fn candidates<'a>(
    ctx: &'a AnswerContext,
    owner_of: &'a HashMap<&str, usize>,
    owner: usize,
) -> impl Iterator<Item = &'a LocalCandidate> + 'a {
    ctx.config
        .local_candidates
        .iter()
        .filter(move |c| match &c.mid {
            None => true,
            Some(m) => owner_of.get(m.as_str()) == Some(&owner),
        })
}

/// The sender an m-section announces: when it sends and has a stream
/// (RFC 8830), its SSRC and, with rtx negotiated, the rtx SSRC paired in FID.
pub(crate) fn sender(
    tr: &Transceiver,
    direction: Direction,
    has_rtx: bool,
    cname: &str,
) -> Option<LocalSender> {
    let (stream, track) = msid(tr, direction)?;
    let (ssrcs, ssrc_groups) = match has_rtx {
        true => (
            vec![tr.ssrc, tr.rtx_ssrc],
            vec![("FID".to_string(), vec![tr.ssrc, tr.rtx_ssrc])],
        ),
        false => (vec![tr.ssrc], Vec::new()),
    };
    Some(LocalSender {
        ssrcs,
        ssrc_groups,
        cname: cname.to_string(),
        msid: (stream.to_string(), track.to_string()),
    })
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

#[cfg(test)]
mod tests {
    use super::IceRole;

    #[test]
    fn rfc8445_6_1_1_the_answerer_controls_only_a_lite_offerer() {
        assert_eq!(IceRole::of_answerer(false, false), IceRole::Controlled);
        assert_eq!(IceRole::of_answerer(false, true), IceRole::Controlling);
        assert_eq!(IceRole::of_answerer(true, false), IceRole::Controlled);
        assert_eq!(IceRole::of_answerer(true, true), IceRole::Controlled);
    }
}
