//! What the W3C fires as events while descriptions are applied, queued by
//! the sans-IO core for its caller to deliver with no lock held, in the
//! order the spec fires them: signalingstatechange (twice for an implicit
//! rollback), then track (W3C "process the addition of a remote track") and
//! its removal ("process the removal of a remote track").

use super::{PeerConnection, SignalingState};
use crate::remote::RemoteSection;
use crate::transceiver::{Direction, FiredTrack};

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
    /// The events the calls made since the last take, oldest first. They
    /// accumulate until taken: take them after each description call, as
    /// the C boundary does before it returns.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// After a description was applied: a signalingstatechange for the new
    /// state, preceded by one for stable when a remote offer rolled our
    /// pending offer back (W3C: both transitions fire), placed before the
    /// track events the call queued from `mark` on (W3C fires
    /// signalingstatechange first).
    pub(super) fn note_state_change(
        &mut self,
        mark: usize,
        before: SignalingState,
        implicit_rollback: bool,
    ) {
        let now = self.signaling_state();
        let mut states = Vec::with_capacity(2);
        if implicit_rollback {
            states.push(Event::SignalingStateChange(SignalingState::Stable));
        }
        if now != before || implicit_rollback {
            states.push(Event::SignalingStateChange(now));
        }
        self.events.splice(mark..mark, states);
    }

    /// W3C "process remote tracks" for one applied remote m-section whose
    /// transceiver is `index`, which the exchange makes receive in
    /// `direction`: a track event when it starts receiving or its track
    /// joins a stream it was not in (W3C "set the associated remote
    /// streams" grew addList), its removal when it stops. Gives back what
    /// the events had said before.
    pub(super) fn process_remote_track(
        &mut self,
        index: usize,
        sec: &RemoteSection,
        direction: Direction,
    ) -> FiredTrack {
        let t = &mut self.transceivers[index];
        let mut now = FiredTrack {
            direction: Some(direction),
            stream_ids: t.fired.stream_ids.clone(),
        };
        if direction.recvs() {
            now.stream_ids = remote_stream_ids(sec);
        }
        let before = std::mem::replace(&mut t.fired, now);
        let joined = t
            .fired
            .stream_ids
            .iter()
            .any(|s| !before.stream_ids.contains(s));
        let mid = sec.mid_key();
        match (before.receiving(), direction.recvs()) {
            (was, true) if !was || joined => {
                let track_id = sec.rtp.msids.first().and_then(|(_, t)| t.clone());
                self.events.push(Event::Track {
                    transceiver: index,
                    mid,
                    stream_ids: t.fired.stream_ids.clone(),
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

/// The streams a remote m-section's a=msid lines name, each once ("-" is none).
fn remote_stream_ids(sec: &RemoteSection) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for (stream, _) in &sec.rtp.msids {
        if stream != "-" && !ids.contains(stream) {
            ids.push(stream.clone());
        }
    }
    ids
}
