//! What an answer states of the local side: the values for the host's
//! own ICE, DTLS, RTP and SCTP stacks. The writer prints these, so what the
//! negotiation reports is what the description says.

use super::{AnswerContext, AnswerSection};
use crate::config::LocalCandidate;
use crate::ice::IceCredentials;
use crate::local::{sender, LocalSection, SCTP_PORT};
use crate::remote::Transport;
use std::collections::HashMap;

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
                    let simulcast = !a.simulcast_send.is_empty();
                    sender(tr, a.direction, &a.codecs.kept, simulcast, ctx.cname)
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
