//! Our local description's m-lines as it stated them (`StatedLine`): what
//! a subsequent offer keeps in place (JSEP 5.2.2) and what the
//! negotiation-needed check compares with (W3C 4.7.3).

use super::{Applied, PeerConnection};
use crate::answer::Answer;
use crate::local::{LocalSection, StatedBy, StatedLine};
use crate::offer::remote_answer::Answered;
use crate::offer::Offer;
use crate::remote::RemoteDescription;
use crate::transceiver::Direction;

impl PeerConnection {
    /// The m-lines of our local description: with `pending`, the pending
    /// local offer when there is one (JSEP 5.2.2: a second offer is laid
    /// out from it), else the current local description.
    pub(super) fn stated_lines(&self, pending: bool) -> Vec<StatedLine<'_>> {
        if let Some(p) = self.exchange.pending_local_offer().filter(|_| pending) {
            return offer_lines(&p.local.offer, None);
        }
        match &self.current_local {
            Some(Applied::Answer(l)) => answer_lines(&l.offer, &l.answer),
            Some(Applied::Offer(o, answered)) => offer_lines(&o.offer, Some(answered)),
            None => Vec::new(),
        }
    }
}

/// Our offer's m-lines, with what the answer (if applied) made of them.
fn offer_lines<'a>(offer: &'a Offer, answered: Option<&'a Answered>) -> Vec<StatedLine<'a>> {
    offer
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let a = answered.map(|a| &a.sections[i]);
            StatedLine {
                mid: &s.mid,
                media: &s.media,
                proto: &s.proto,
                kind: s.kind,
                transport: s.transport,
                formats: &s.formats,
                live: !s.rejected && a.is_none_or(|a| a.accepted),
                direction: s.direction,
                exchange: StatedBy::Offer {
                    answered: a.filter(|a| a.accepted).map(|a| a.direction),
                },
                codecs: &s.codecs,
                extensions: s.extensions.clone(),
                msid_streams: streams(&offer.local[i]),
            }
        })
        .collect()
}

/// Our answer's m-lines: what it took of the offer.
fn answer_lines<'a>(offer: &'a RemoteDescription, answer: &'a Answer) -> Vec<StatedLine<'a>> {
    offer
        .sections
        .iter()
        .zip(&answer.sections)
        .zip(&answer.local)
        .map(|((s, a), l)| StatedLine {
            mid: s.mid.as_deref().unwrap_or_default(),
            media: &s.media,
            proto: &s.proto,
            kind: s.kind,
            transport: s.transport,
            formats: &s.formats,
            live: a.accepted(),
            direction: match a.accepted() {
                true => a.direction,
                false => Direction::Inactive,
            },
            exchange: StatedBy::Answer {
                offered: s.direction,
            },
            codecs: &a.codecs.kept,
            extensions: a
                .accepted_extensions()
                .map(|(id, uri)| (id, uri.clone()))
                .collect(),
            msid_streams: streams(l),
        })
        .collect()
}

/// The a=msid stream ids an m-section states of our sender.
fn streams(l: &LocalSection) -> &[String] {
    l.sender.as_ref().map_or(&[], |s| &s.streams)
}
