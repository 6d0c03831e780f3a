//! What the W3C fires as events while descriptions are applied, queued by
//! the sans-IO core for its caller to deliver with no lock held, in the
//! order the spec fires them: signalingstatechange (twice for an implicit
//! rollback), then track (W3C "process the addition of a remote track") and
//! its removal ("process the removal of a remote track").

use super::{PeerConnection, SignalingState};
use crate::remote_offer::RemoteSection;
use crate::transceiver::Direction;

/// An event for the application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// signalingstatechange, with the new state.
    SignalingStateChange(SignalingState),
    /// track: the receiver of a transceiver started receiving a remote
    /// track, with the streams and the track id the peer's a=msid names.
    Track {
        /// The transceiver's index when the event was made.
        transceiver: usize,
        /// Its mid.
        mid: String,
        /// The remote stream ids (a=msid), each once.
        stream_ids: Vec<String>,
        /// The remote track id (the first a=msid's second part), if any.
        track_id: Option<String>,
    },
    /// The receiver's remote track went away (its m-section no longer
    /// receives, was rejected, or the offer that brought it rolled back).
    TrackRemoved {
        /// The transceiver's index when the event was made.
        transceiver: usize,
        /// Its mid.
        mid: String,
    },
}

impl PeerConnection {
    /// The events the calls made since the last take, oldest first.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// After a description was applied: a signalingstatechange for the new
    /// state, preceded by one for stable when a remote offer rolled our
    /// pending offer back (W3C: both transitions fire).
    pub(super) fn note_state_change(&mut self, before: SignalingState, implicit_rollback: bool) {
        let now = self.signaling_state();
        if implicit_rollback {
            self.events
                .push(Event::SignalingStateChange(SignalingState::Stable));
        }
        if now != before || implicit_rollback {
            self.events.push(Event::SignalingStateChange(now));
        }
    }

    /// W3C "process remote tracks" for one applied remote m-section whose
    /// transceiver is `index`: `receiving` says whether the exchange lets
    /// it receive; a change from [[FiredDirection]] fires track or its
    /// removal. Gives back the fired direction it replaced.
    pub(super) fn process_remote_track(
        &mut self,
        index: usize,
        sec: &RemoteSection,
        direction: Direction,
    ) -> Option<Direction> {
        let t = &mut self.transceivers[index];
        let before = t.fired_direction.replace(direction);
        let was = before.is_some_and(Direction::recvs);
        let mid = sec.mid_key();
        match (was, direction.recvs()) {
            (false, true) => {
                let mut stream_ids: Vec<String> = Vec::new();
                for (stream, _) in &sec.rtp.msids {
                    if stream != "-" && !stream_ids.contains(stream) {
                        stream_ids.push(stream.clone());
                    }
                }
                let track_id = sec.rtp.msids.first().and_then(|(_, t)| t.clone());
                self.events.push(Event::Track {
                    transceiver: index,
                    mid,
                    stream_ids,
                    track_id,
                });
            }
            (true, false) => self.events.push(Event::TrackRemoved {
                transceiver: index,
                mid,
            }),
            _ => {}
        }
        before
    }
}
