//! W3C webrtc-pc 4.7.3, "update the negotiation-needed flag": a change that
//! the current descriptions do not reflect sets the flag, in stable, and
//! makes one negotiationneeded event (sans-IO: taken by the caller, which
//! fires it with no lock held).

use super::{Exchange, PeerConnection};
use crate::remote::Transport;

impl PeerConnection {
    /// RTCPeerConnection's [[NegotiationNeeded]] flag.
    pub fn negotiation_needed(&self) -> bool {
        self.negotiation_needed
    }

    /// Whether a negotiationneeded event is due; true once per event.
    pub fn take_negotiation_needed_event(&mut self) -> bool {
        std::mem::take(&mut self.negotiation_needed_event)
    }

    /// After the application changed what descriptions state (tracks,
    /// transceivers, data channels, codec preferences, restartIce): the
    /// offer or answer created before no longer represents the connection
    /// (W3C setLocalDescription creates another), and negotiation may be
    /// needed.
    pub(super) fn changed(&mut self) {
        self.changes += 1;
        self.update_negotiation_needed();
    }

    /// When an exchange ends in stable (W3C "set the session description"):
    /// a need the exchange left unmet makes another event.
    pub(super) fn exchange_ended(&mut self) {
        let before = self.negotiation_needed;
        self.update_negotiation_needed();
        if before && self.negotiation_needed {
            self.negotiation_needed_event = true;
        }
    }

    /// Runs after every change a negotiation could need to reflect.
    pub(super) fn update_negotiation_needed(&mut self) {
        if !matches!(self.exchange, Exchange::Stable) {
            return;
        }
        if !self.is_negotiation_needed() {
            self.negotiation_needed = false;
            return;
        }
        if !self.negotiation_needed {
            self.negotiation_needed = true;
            self.negotiation_needed_event = true;
        }
    }

    /// W3C "check if negotiation is needed", against the current
    /// descriptions: data channels asked for but not negotiated; a
    /// transceiver without an m-section, stopped but still live, or whose
    /// direction the current exchange does not give.
    fn is_negotiation_needed(&self) -> bool {
        let lines = self.stated_lines(false);
        let live = |mid: &str| lines.iter().find(|l| l.live && l.mid == mid);
        let data = |l: &&crate::local::StatedLine| {
            l.live && matches!(l.transport, Transport::Sctp | Transport::SctpLegacy)
        };
        if self.data_channels && !lines.iter().any(|l| data(&l)) {
            return true;
        }
        if !self.ice_to_replace.is_empty() {
            return true;
        }
        self.transceivers.iter().any(|t| {
            let Some(mid) = &t.mid else {
                return !t.stopped;
            };
            match (live(mid), t.stopped) {
                (None, stopped) => !stopped,
                (Some(_), true) => true,
                // W3C 4.7.3: and a sender's a=msid lines name its streams.
                (Some(l), false) => {
                    !l.holds(t.direction)
                        || (t.direction.sends() && !l.names_streams(&t.stream_ids))
                }
            }
        })
    }
}
