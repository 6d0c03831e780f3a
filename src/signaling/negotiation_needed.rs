//! W3C webrtc-pc 4.7.3, "update the negotiation-needed flag": a change that
//! the current descriptions do not reflect sets the flag, in stable, and
//! makes one negotiationneeded event (sans-IO: taken by the caller, which
//! fires it with no lock held).

use super::{Applied, Exchange, PeerConnection};
use crate::transceiver::Direction;
use std::collections::HashMap;

/// A current local description's direction for an m-section.
enum Stated {
    /// We offered this direction.
    Offered(Direction),
    /// We answered an offered direction (the first) with the second.
    Answered(Direction, Direction),
}

impl Stated {
    /// Whether a transceiver wanting `d` needs no new negotiation: the same
    /// offer, or an answer to the same offer that comes out the same.
    fn holds(&self, d: Direction) -> bool {
        match *self {
            Stated::Offered(o) => o == d,
            Stated::Answered(offered, answered) => Direction::answer_to(offered, d) == answered,
        }
    }
}

impl PeerConnection {
    /// RTCPeerConnection's [[NegotiationNeeded]] flag.
    pub fn negotiation_needed(&self) -> bool {
        self.offer_space.negotiation_needed
    }

    /// Whether a negotiationneeded event is due; true once per event.
    pub fn take_negotiation_needed_event(&mut self) -> bool {
        std::mem::take(&mut self.offer_space.negotiation_needed_event)
    }

    /// When an exchange ends in stable (W3C "set the session description"):
    /// a need the exchange left unmet makes another event.
    pub(super) fn exchange_ended(&mut self) {
        let before = self.offer_space.negotiation_needed;
        self.update_negotiation_needed();
        if before && self.offer_space.negotiation_needed {
            self.offer_space.negotiation_needed_event = true;
        }
    }

    /// Runs after every change a negotiation could need to reflect.
    pub(super) fn update_negotiation_needed(&mut self) {
        if !matches!(self.exchange, Exchange::Stable) {
            return;
        }
        if !self.is_negotiation_needed() {
            self.offer_space.negotiation_needed = false;
            return;
        }
        if !self.offer_space.negotiation_needed {
            self.offer_space.negotiation_needed = true;
            self.offer_space.negotiation_needed_event = true;
        }
    }

    /// W3C "check if negotiation is needed", against the current
    /// descriptions: data channels asked for but absent; a transceiver
    /// without an m-section, stopped but still live, or whose direction the
    /// current local description does not state.
    fn is_negotiation_needed(&self) -> bool {
        let stated = self.stated_directions();
        if self.offer_space.data_channels && !stated.contains_key("\0data") {
            return true;
        }
        self.transceivers.iter().any(|t| {
            let Some(mid) = &t.mid else {
                return !t.stopped;
            };
            match (stated.get(mid.as_str()), t.stopped) {
                (None, stopped) => !stopped,
                (Some(_), true) => true,
                (Some(s), false) => !s.holds(t.direction),
            }
        })
    }

    /// Per live m-section of the current exchange, by mid, what its local
    /// description states of the direction; the data section under "\0data".
    fn stated_directions(&self) -> HashMap<&str, Stated> {
        let mut out = HashMap::new();
        match (&self.current_local, &self.current_remote) {
            (Some(Applied::Offer(o)), Some(r)) => {
                for (s, a) in o.offer.sections.iter().zip(&r.offer.sections) {
                    if s.rejected || a.rejected {
                        continue;
                    }
                    let key = if s.kind.is_none() {
                        "\0data"
                    } else {
                        s.mid.as_str()
                    };
                    out.insert(key, Stated::Offered(s.direction));
                }
            }
            (Some(Applied::Answer(l)), _) => {
                for (s, a) in l.offer.sections.iter().zip(&l.answer.sections) {
                    let (Some(mid), true) = (s.mid.as_deref(), a.accepted()) else {
                        continue;
                    };
                    let key = if s.kind.is_none() { "\0data" } else { mid };
                    out.insert(key, Stated::Answered(s.direction, a.direction));
                }
            }
            _ => {}
        }
        out
    }
}
