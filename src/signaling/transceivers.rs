//! Transceivers (W3C webrtc-pc 5.4): addTrack, addTransceiver, direction,
//! stop, codec preferences, and their association with offered m-sections
//! (JSEP 5.10), with what undoes it on rollback.

use super::{new_ssrcs, PeerConnection, TransceiverInit};
use crate::error::{Error, ErrorKind, Result};
use crate::remote::{RemoteDescription, Transport};
use crate::transceiver::{Direction, FiredTrack, MediaKind, Transceiver};
use std::collections::{HashMap, HashSet, VecDeque};

/// What applying a remote offer changed, so that a rollback (or an offer
/// replacing it) undoes just that (W3C "set the session description", rollback): the application's
/// later changes to transceivers stay.
#[derive(Clone, Debug, Default)]
pub(super) struct OfferUndo {
    /// Transceivers the offer created (indices, ascending).
    pub(super) created: Vec<usize>,
    /// Existing transceivers the offer gave a mid.
    pub(super) associated: Vec<usize>,
    pub(super) peer_identity: Option<String>,
    pub(super) session_version: u64,
    /// What each transceiver's track events said before the offer (by index).
    pub(super) fired: Vec<(usize, FiredTrack)>,
}

impl OfferUndo {
    /// Undoes the offer's effect on `transceivers`. One it created goes,
    /// unless a track was attached since: that one stays, free for a later
    /// offer like one from addTrack.
    pub(super) fn undo(&self, transceivers: &mut Vec<Transceiver>) {
        for (i, fired) in &self.fired {
            transceivers[*i].fired = fired.clone();
        }
        for &i in &self.associated {
            transceivers[i].mid = None;
        }
        for &i in self.created.iter().rev() {
            if transceivers[i].track.is_some() {
                transceivers[i].mid = None;
                transceivers[i].from_add_track = true;
            } else {
                transceivers.remove(i);
            }
        }
    }
}

impl PeerConnection {
    /// W3C addTransceiver. JSEP 5.10: on the answering side only transceivers
    /// from addTrack are matched to new offered m-sections; one added here
    /// waits for an offer that names its mid.
    pub fn add_transceiver(&mut self, kind: MediaKind, init: TransceiverInit) -> Result<usize> {
        self.check_open("addTransceiver")?;
        let mut seen = std::collections::HashSet::new();
        for rid in &init.send_rids {
            // As Chromium (and the WPT) take them: 1-16 alphanumerics.
            if rid.is_empty() || rid.len() > 16 || !rid.bytes().all(|c| c.is_ascii_alphanumeric()) {
                return Err(Error::invalid_argument(format!(
                    "addTransceiver: rid '{}' is not 1-16 letters and digits",
                    crate::sdp::printable(rid)
                )));
            }
            if !seen.insert(rid) {
                return Err(Error::invalid_argument(format!(
                    "addTransceiver: rid '{rid}' is given twice"
                )));
            }
        }
        let streams: Vec<&str> = init.stream_ids.iter().map(String::as_str).collect();
        let mut t = Transceiver::new(kind, init.direction, new_ssrcs());
        t.stream_ids = stream_ids("addTransceiver", &streams)?;
        t.send_rids = init.send_rids;
        self.transceivers.push(t);
        self.changed();
        Ok(self.transceivers.len() - 1)
    }

    fn transceiver_mut(&mut self, index: usize, what: &str) -> Result<&mut Transceiver> {
        self.check_open(what)?;
        let t = self
            .transceivers
            .get_mut(index)
            .ok_or_else(|| Error::invalid_argument(format!("{what}: no transceiver {index}")))?;
        if t.stopped {
            return Err(Error::invalid_state(format!(
                "{what}: transceiver {index} is stopped"
            )));
        }
        Ok(t)
    }

    /// RTCRtpTransceiver.direction: used by the next answer.
    pub fn set_direction(&mut self, index: usize, direction: Direction) -> Result<()> {
        self.transceiver_mut(index, "setDirection")?.direction = direction;
        self.changed();
        Ok(())
    }

    /// RTCRtpTransceiver.stop(): the next answer rejects its m-section.
    pub fn stop_transceiver(&mut self, index: usize) -> Result<()> {
        self.check_open("stop")?;
        let t = self
            .transceivers
            .get_mut(index)
            .ok_or_else(|| Error::invalid_argument(format!("stop: no transceiver {index}")))?;
        t.stopped = true;
        self.changed();
        Ok(())
    }

    /// setCodecPreferences: each codec must be one the connection supports
    /// (W3C: InvalidModificationError otherwise); an empty list resets.
    pub fn set_codec_preferences(
        &mut self,
        index: usize,
        codecs: Vec<crate::codec::Codec>,
    ) -> Result<()> {
        let kind = self
            .transceivers
            .get(index)
            .map(|t| t.kind)
            .ok_or_else(|| {
                Error::invalid_argument(format!("setCodecPreferences: no transceiver {index}"))
            })?;
        let caps = self.config.capabilities.codecs(kind);
        let mut chosen = Vec::with_capacity(codecs.len());
        for c in &codecs {
            let Some(cap) = crate::codec::capability_for(c, caps) else {
                return Err(Error::new(
                    ErrorKind::InvalidModification,
                    format!(
                        "setCodecPreferences: {}/{} {} is not a supported {kind} codec",
                        c.name, c.clock_rate, c.fmtp
                    ),
                ));
            };
            chosen.push(cap.clone());
        }
        if !codecs.is_empty()
            && codecs
                .iter()
                .all(|c| crate::codec::CodecRole::of(&c.name).is_secondary())
        {
            return Err(Error::new(
                ErrorKind::InvalidModification,
                "setCodecPreferences: the list has only rtx, red, fec, CN or telephone-event",
            ));
        }
        let t = self.transceiver_mut(index, "setCodecPreferences")?;
        t.codec_preferences = (!chosen.is_empty()).then_some(chosen);
        self.changed();
        Ok(())
    }

    /// W3C addTrack with one stream ("" for none): see `add_track_with_streams`.
    pub fn add_track(&mut self, kind: MediaKind, track_id: &str, stream_id: &str) -> Result<usize> {
        let streams: &[&str] = match stream_id.is_empty() {
            true => &[],
            false => &[stream_id],
        };
        self.add_track_with_streams(kind, track_id, streams)
    }

    /// W3C addTrack: reuses a free transceiver of the kind (no track, never
    /// sent, not stopped; from an offer or addTransceiver), else adds one.
    /// The track id and stream ids are RFC 8830 msid-ids (1-64 token
    /// characters), else TypeError; a track added already is
    /// InvalidAccessError.
    pub fn add_track_with_streams(
        &mut self,
        kind: MediaKind,
        track_id: &str,
        streams: &[&str],
    ) -> Result<usize> {
        self.check_open("addTrack")?;
        check_msid_id("addTrack", "track id", track_id)?;
        let streams = stream_ids("addTrack", streams)?;
        if self
            .transceivers
            .iter()
            .any(|t| t.track.as_deref() == Some(track_id))
        {
            return Err(Error::invalid_access(format!(
                "addTrack: track '{track_id}' is already added"
            )));
        }
        let reuse = self
            .transceivers
            .iter()
            .position(|t| t.kind == kind && !t.stopped && t.track.is_none() && !t.has_sent());
        let index = match reuse {
            Some(i) => {
                let t = &mut self.transceivers[i];
                t.direction = Direction::from_flags(true, t.direction.recvs());
                i
            }
            None => {
                let mut t = Transceiver::new(kind, Direction::SendRecv, new_ssrcs());
                t.from_add_track = true;
                self.transceivers.push(t);
                self.transceivers.len() - 1
            }
        };
        let t = &mut self.transceivers[index];
        t.track = Some(track_id.to_string());
        t.sender_id = track_id.to_string();
        t.stream_ids = streams;
        self.changed();
        Ok(index)
    }

    /// W3C removeTrack: the sender of transceiver `index` sends nothing any
    /// more: no track, its direction without send (sendrecv becomes
    /// recvonly, sendonly inactive), negotiationneeded. Nothing for a
    /// stopped transceiver or one without a track.
    pub fn remove_track(&mut self, index: usize) -> Result<()> {
        self.check_open("removeTrack")?;
        let t = self.transceivers.get_mut(index).ok_or_else(|| {
            Error::invalid_access(format!("removeTrack: no sender {index} on this connection"))
        })?;
        if t.stopped || t.track.is_none() {
            return Ok(());
        }
        t.track = None;
        t.direction = Direction::from_flags(false, t.direction.recvs());
        self.changed();
        Ok(())
    }

    /// W3C replaceTrack: another track (or none) for the sender of
    /// transceiver `index`, without renegotiation: a=msid keeps the
    /// sender's id. TypeError for a track of another kind, InvalidStateError
    /// for a stopped transceiver.
    pub fn replace_track(
        &mut self,
        index: usize,
        kind: MediaKind,
        track_id: Option<&str>,
    ) -> Result<()> {
        if let Some(id) = track_id {
            check_msid_id("replaceTrack", "track id", id)?;
        }
        let t = self.transceiver_mut(index, "replaceTrack")?;
        if t.kind != kind {
            return Err(Error::invalid_argument(format!(
                "replaceTrack: a {kind} track for a {} sender",
                t.kind
            )));
        }
        t.track = track_id.map(str::to_string);
        Ok(())
    }

    /// W3C RTCRtpSender.setStreams: the streams the sender's a=msid lines
    /// name from the next exchange on (negotiationneeded); duplicates count once.
    pub fn set_streams(&mut self, index: usize, streams: &[&str]) -> Result<()> {
        let streams = stream_ids("setStreams", streams)?;
        let t = self.transceiver_mut(index, "setStreams")?;
        t.stream_ids = streams;
        self.changed();
        Ok(())
    }
}

/// RFC 8830 2: an msid-id is 1-64 token characters (RFC 4566); anything
/// else would make the description unreadable: TypeError.
fn check_msid_id(call: &str, what: &str, id: &str) -> Result<()> {
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`{|}~".contains(&b);
    if id.is_empty() || id.len() > 64 || !id.bytes().all(token) {
        return Err(Error::invalid_argument(format!(
            "{call}: {what} '{}' is not 1-64 token characters (RFC 8830 2)",
            crate::sdp::printable(id)
        )));
    }
    Ok(())
}

/// The stream ids of a sender, checked, each once (W3C).
fn stream_ids(call: &str, streams: &[&str]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(streams.len());
    for s in streams {
        check_msid_id(call, "stream id", s)?;
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    Ok(out)
}

/// W3C setRemoteDescription, "process the addition of a remote track":
/// each offered audio/video m-section finds its transceiver by mid, else an
/// unassociated one from addTrack of its kind, else gets a new recvonly one.
/// Returns the indices of the transceivers created and of those associated.
pub(super) fn associate(
    transceivers: &mut Vec<Transceiver>,
    offer: &RemoteDescription,
) -> (Vec<usize>, Vec<usize>) {
    let (mut created, mut associated) = (Vec::new(), Vec::new());
    let mut with_mid: HashSet<String> = transceivers.iter().filter_map(|t| t.mid.clone()).collect();
    // Free transceivers from addTrack, per kind, in creation order.
    let mut free: HashMap<MediaKind, VecDeque<usize>> = HashMap::new();
    for (i, t) in transceivers.iter().enumerate() {
        if t.mid.is_none() && !t.stopped && t.from_add_track {
            free.entry(t.kind).or_default().push_back(i);
        }
    }
    for sec in &offer.sections {
        let (Some(kind), Transport::Rtp) = (sec.kind, sec.transport) else {
            continue;
        };
        if sec.rejected {
            continue;
        }
        let key = sec.mid_key();
        if !with_mid.insert(key.clone()) {
            continue;
        }
        // JSEP 5.10: a free addTrack transceiver only for an m-line the
        // offerer receives on; a sendonly or inactive one gets a new one.
        let reuse = match sec.direction.recvs() {
            true => free.get_mut(&kind).and_then(VecDeque::pop_front),
            false => None,
        };
        match reuse {
            Some(i) => {
                transceivers[i].mid = Some(key);
                associated.push(i);
            }
            None => {
                let mut t = Transceiver::new(kind, Direction::RecvOnly, new_ssrcs());
                t.mid = Some(key);
                created.push(transceivers.len());
                transceivers.push(t);
            }
        }
    }
    (created, associated)
}
