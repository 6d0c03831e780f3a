//! The peer connection's signaling state machine, answering and offering
//! (W3C webrtc-pc section 4.4, JSEP 5.5 and 5.6). Plain data in, plain data
//! out: no threads, no I/O. Every operation checks everything before it
//! changes anything, so a failed call leaves the connection as it was.
//!
//! The state is one value, [`Exchange`], holding what it has pending; the
//! other concerns live beside this file: `offer` (the offering half),
//! `layout`, `transceivers`, `negotiation_needed`, `events`, `candidates`,
//! `identity`.

mod candidates;
mod events;
mod fragments;
pub use fragments::FragmentApplied;
mod identity;
mod layout;
mod negotiation_needed;
mod offer;
mod transceivers;

use crate::answer::{self, Answer, AnswerContext, AnswerOptions};
use crate::config::Configuration;
use crate::dtls::{Certificate, DtlsRole};
use crate::error::{Error, ErrorKind, Result};
use crate::ice::{self, IceCredentials, IceRole};
use crate::identity::RemoteIdentity;
use crate::offer::remote_answer::Answered;
use crate::offer::Slot;
use crate::record::SessionRecord;
use crate::remote::{RemoteDescription, Transport};
use crate::sdp::{self, Sdp};
use crate::transceiver::{Direction, FiredTrack, Transceiver};
pub use events::Event;
use std::collections::HashMap;
use std::sync::Arc;
use transceivers::{associate, OfferUndo};

/// Where the offer/answer exchange stands (W3C RTCSignalingState).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignalingState {
    /// stable: no exchange in progress.
    Stable,
    /// have-local-offer: a local offer is applied and awaits the answer.
    HaveLocalOffer,
    /// have-remote-offer: a remote offer is applied and awaits an answer.
    HaveRemoteOffer,
    /// have-local-pranswer: a pranswer to the remote offer is applied.
    HaveLocalPranswer,
    /// have-remote-pranswer: a remote pranswer to the local offer is applied.
    HaveRemotePranswer,
    /// closed: after close().
    Closed,
}

/// The type of a description (W3C RTCSdpType).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SdpType {
    /// An offer; only a remote one is taken.
    Offer,
    /// A provisional answer: applied, it leaves the offer pending.
    Pranswer,
    /// A final answer: applied, it ends the exchange.
    Answer,
    /// Undoes a pending remote offer.
    Rollback,
}

impl SdpType {
    /// The W3C name: "offer", "pranswer", "answer" or "rollback".
    pub fn as_str(self) -> &'static str {
        match self {
            SdpType::Offer => "offer",
            SdpType::Pranswer => "pranswer",
            SdpType::Answer => "answer",
            SdpType::Rollback => "rollback",
        }
    }
}

/// A description as applied: its type and text.
#[derive(Clone, Debug)]
pub struct Description {
    /// Its type.
    pub sdp_type: SdpType,
    /// Its SDP text.
    pub sdp: String,
}

#[derive(Clone)]
struct Remote {
    desc: Description,
    /// The description as read (an offer, or the answer to ours).
    parsed: Arc<RemoteDescription>,
}

#[derive(Clone)]
struct Local {
    desc: Description,
    answer: Arc<Answer>,
    /// The offer it answers, for the negotiation report.
    offer: Arc<RemoteDescription>,
}

/// An offer createOffer made, as text and decisions.
#[derive(Clone)]
struct LocalOffer {
    desc: Description,
    offer: Arc<crate::offer::Offer>,
}

/// The local description last applied by a completed exchange.
#[derive(Clone)]
enum Applied {
    /// We answered a remote offer.
    Answer(Local),
    /// We offered; the remote side answered, and this is what the answer
    /// came to.
    Offer(LocalOffer, Arc<Answered>),
}

impl Applied {
    fn desc(&self) -> &Description {
        match self {
            Applied::Answer(l) => &l.desc,
            Applied::Offer(o, _) => &o.desc,
        }
    }

    /// What the description states of the local side, per m-section.
    fn local_sections(&self) -> &[crate::local::LocalSection] {
        match self {
            Applied::Answer(l) => &l.answer.local,
            Applied::Offer(o, _) => &o.offer.local,
        }
    }
}

/// W3C [[LastCreatedOffer]]: the offer, what each m-line is for, and the
/// `changes` count it was made at.
struct CreatedOffer {
    local: LocalOffer,
    slots: Vec<Slot>,
    changes: u64,
}

/// A local offer applied (setLocalDescription) and awaiting the answer.
struct PendingLocalOffer {
    local: LocalOffer,
    /// The transceivers (by index) this offer gave a mid: a rollback takes it back.
    given_mids: Vec<usize>,
}

/// A remote offer being answered, and what belongs to it alone.
struct PendingRemoteOffer {
    remote: Remote,
    /// What a rollback (or a replacing offer) undoes.
    undo: OfferUndo,
    /// Fresh credentials for the transports this offer restarts, by mid.
    ice_restarts: Vec<(String, IceCredentials)>,
    /// The last answer createAnswer made for it, with the `changes` count
    /// it was made at.
    created: Option<(Local, u64)>,
}

/// Where the offer/answer exchange stands, with what that state holds:
/// one variant per W3C signaling state.
enum Exchange {
    Stable,
    /// have-remote-offer.
    RemoteOffer(Box<PendingRemoteOffer>),
    /// have-local-pranswer: the offer and the pranswer applied to it.
    LocalPranswer(Box<PendingRemoteOffer>, Local),
    /// have-local-offer.
    LocalOffer(Box<PendingLocalOffer>),
    /// have-remote-pranswer: the local offer and the remote pranswer to it.
    RemotePranswer(Box<PendingLocalOffer>, Remote),
    Closed,
}

impl PendingLocalOffer {
    /// Takes back the mids the offer gave.
    fn undo(&self, transceivers: &mut [Transceiver]) {
        for &i in &self.given_mids {
            if let Some(t) = transceivers.get_mut(i) {
                t.mid = None;
            }
        }
    }
}

impl Exchange {
    fn signaling_state(&self) -> SignalingState {
        match self {
            Exchange::Stable => SignalingState::Stable,
            Exchange::RemoteOffer(_) => SignalingState::HaveRemoteOffer,
            Exchange::LocalPranswer(..) => SignalingState::HaveLocalPranswer,
            Exchange::LocalOffer(_) => SignalingState::HaveLocalOffer,
            Exchange::RemotePranswer(..) => SignalingState::HaveRemotePranswer,
            Exchange::Closed => SignalingState::Closed,
        }
    }

    fn pending_remote_offer(&self) -> Option<&PendingRemoteOffer> {
        match self {
            Exchange::RemoteOffer(p) | Exchange::LocalPranswer(p, _) => Some(p),
            _ => None,
        }
    }

    fn pending_remote_offer_mut(&mut self) -> Option<&mut PendingRemoteOffer> {
        match self {
            Exchange::RemoteOffer(p) | Exchange::LocalPranswer(p, _) => Some(p),
            _ => None,
        }
    }

    fn pending_local_offer(&self) -> Option<&PendingLocalOffer> {
        match self {
            Exchange::LocalOffer(p) | Exchange::RemotePranswer(p, _) => Some(p),
            _ => None,
        }
    }
}

/// An RTCPeerConnection (sans-IO): descriptions in, descriptions out.
pub struct PeerConnection {
    config: Configuration,
    exchange: Exchange,
    certificate: Arc<Certificate>,
    ice: IceCredentials,
    session_id: u64,
    session_version: u64,
    cname: String,
    transceivers: Vec<Transceiver>,
    current_remote: Option<Remote>,
    current_local: Option<Applied>,
    dtls_role: Option<DtlsRole>,
    /// Credentials of transports restarted by an applied offer, by mid.
    ice_by_mid: Vec<(String, IceCredentials)>,
    /// Our a=identity value, once the provider gave an assertion.
    identity_value: Option<String>,
    /// The remote identity, once validated.
    peer_identity: Option<String>,
    /// Every mid, payload type and extension id a description used.
    record: SessionRecord,
    /// requestDataChannels: offers carry an m=application section.
    data_channels: bool,
    /// W3C [[LastCreatedOffer]], with what each of its m-lines is for;
    /// forgotten once an answer is applied.
    created_offer: Option<Box<CreatedOffer>>,
    /// How many changes the application made to what descriptions state
    /// (`changed`): a created offer or answer made at another count no
    /// longer represents the connection.
    changes: u64,
    /// W3C [[LastCreatedAnswer]] once its offer was rolled back, with that
    /// offer's text: the same offer applied again takes it (while an offer
    /// is pending, its `PendingRemoteOffer::created` is the last created answer).
    /// Forgotten once an answer is applied.
    created_answer: Option<Box<(Local, String)>>,
    /// The ICE role the first exchange gave (RFC 8445 6.1.1: the initial
    /// offerer controls); kept until an ICE restart.
    ice_role: Option<IceRole>,
    /// Events for the application, oldest first (`take_events`).
    events: Vec<Event>,
    /// W3C [[NegotiationNeeded]].
    negotiation_needed: bool,
    /// A negotiationneeded event to hand out (take_negotiation_needed_event).
    negotiation_needed_event: bool,
    /// W3C [[LocalIceCredentialsToReplace]] (their ufrags): restartIce()
    /// asked for new ones, and offers restart ICE until an answer is
    /// applied whose local description has none of them.
    ice_to_replace: Vec<String>,
    /// ICE restarts so far, by offer, answer or fragment.
    ice_generation: u64,
    /// We restarted ICE by fragment and await the peer's reply fragment.
    restart_by_fragment_pending: bool,
}

/// addTransceiver's init (W3C RTCRtpTransceiverInit).
#[derive(Clone, Debug)]
pub struct TransceiverInit {
    /// RTCRtpTransceiverInit.direction.
    pub direction: Direction,
    /// RTCRtpTransceiverInit.streams, as stream ids for a=msid.
    pub stream_ids: Vec<String>,
    /// RIDs of the send encodings (simulcast), checked as RFC 8851 rid-ids.
    pub send_rids: Vec<String>,
}

impl Default for TransceiverInit {
    fn default() -> Self {
        TransceiverInit {
            direction: Direction::SendRecv,
            stream_ids: Vec::new(),
            send_rids: Vec::new(),
        }
    }
}

fn new_ssrcs() -> (u32, u32) {
    (ice::random_u32_nonzero(), ice::random_u32_nonzero())
}

impl PeerConnection {
    /// A connection made from `config`: its certificate (else a fresh one), ICE credentials (else
    /// random ones) and a random session id. OperationError when no certificate can be made.
    pub fn new(config: Configuration) -> Result<PeerConnection> {
        let certificate = match &config.certificate {
            Some(c) => c.clone(),
            None => Certificate::generate()?,
        };
        let ice = config
            .ice_credentials
            .clone()
            .unwrap_or_else(IceCredentials::random);
        // JSEP 5.2.1: a session id of at most 63 bits.
        let session_id = u64::from_ne_bytes(ice::random_bytes::<8>()) >> 1;
        let cname = IceCredentials::random().ufrag;
        Ok(PeerConnection {
            config,
            exchange: Exchange::Stable,
            certificate,
            ice,
            session_id,
            session_version: 1,
            cname,
            transceivers: Vec::new(),
            current_remote: None,
            current_local: None,
            dtls_role: None,
            ice_by_mid: Vec::new(),
            identity_value: None,
            peer_identity: None,
            record: SessionRecord::default(),
            data_channels: false,
            created_offer: None,
            changes: 0,
            created_answer: None,
            ice_role: None,
            events: Vec::new(),
            negotiation_needed: false,
            negotiation_needed_event: false,
            ice_to_replace: Vec::new(),
            ice_generation: 0,
            restart_by_fragment_pending: false,
        })
    }

    /// RTCPeerConnection.signalingState.
    pub fn signaling_state(&self) -> SignalingState {
        self.exchange.signaling_state()
    }
    /// The transceivers, in creation order: an index here is the one the C API takes.
    pub fn transceivers(&self) -> &[Transceiver] {
        &self.transceivers
    }
    /// The DTLS certificate whose fingerprint answers carry.
    pub fn certificate(&self) -> &Arc<Certificate> {
        &self.certificate
    }
    /// The local DTLS role, fixed by the first applied answer; None before.
    pub fn dtls_role(&self) -> Option<DtlsRole> {
        self.dtls_role
    }
    /// The decisions behind the last created answer: the one for the
    /// pending offer, else the one applied last.
    pub fn last_answer(&self) -> Option<&Answer> {
        self.last_local().map(|l| &*l.answer)
    }
    fn last_local(&self) -> Option<&Local> {
        match (self.exchange.pending_remote_offer(), &self.current_local) {
            (Some(p), _) => p.created.as_ref().map(|(l, _)| l),
            (None, Some(Applied::Answer(l))) => Some(l),
            (None, _) => None,
        }
    }

    /// pendingLocalDescription: the applied pranswer (have-local-pranswer)
    /// or the applied local offer (have-local-offer, have-remote-pranswer).
    pub fn pending_local_description(&self) -> Option<&Description> {
        match &self.exchange {
            Exchange::LocalPranswer(_, l) => Some(&l.desc),
            Exchange::LocalOffer(p) | Exchange::RemotePranswer(p, _) => Some(&p.local.desc),
            _ => None,
        }
    }
    /// currentLocalDescription: the local side of the last completed exchange.
    pub fn current_local_description(&self) -> Option<&Description> {
        self.current_local.as_ref().map(Applied::desc)
    }
    /// pendingRemoteDescription: the offer being answered, or the remote pranswer.
    pub fn pending_remote_description(&self) -> Option<&Description> {
        self.pending_remote().map(|r| &r.desc)
    }
    /// currentRemoteDescription: the offer the last applied answer answered.
    pub fn current_remote_description(&self) -> Option<&Description> {
        self.current_remote.as_ref().map(|r| &r.desc)
    }
    /// localDescription: the pending one if any, else the current one.
    pub fn local_description(&self) -> Option<&Description> {
        self.pending_local_description()
            .or(self.current_local_description())
    }
    /// remoteDescription: the pending one if any, else the current one.
    pub fn remote_description(&self) -> Option<&Description> {
        self.pending_remote_description()
            .or(self.current_remote_description())
    }

    /// The pending remote description: the offer being answered, or the
    /// remote pranswer.
    fn pending_remote(&self) -> Option<&Remote> {
        match &self.exchange {
            Exchange::RemotePranswer(_, r) => Some(r),
            e => e.pending_remote_offer().map(|p| &p.remote),
        }
    }

    /// The remote description trickled candidates go to: pending, else current.
    fn remote_mut(&mut self) -> Option<&mut Remote> {
        match &mut self.exchange {
            Exchange::RemoteOffer(p) | Exchange::LocalPranswer(p, _) => Some(&mut p.remote),
            Exchange::RemotePranswer(_, r) => Some(r),
            _ => self.current_remote.as_mut(),
        }
    }

    fn check_open(&self, what: &str) -> Result<()> {
        if matches!(self.exchange, Exchange::Closed) {
            return Err(Error::invalid_state(format!(
                "{what}: the connection is closed"
            )));
        }
        Ok(())
    }

    fn parse_checked(&self, text: &str) -> Result<Sdp> {
        if text.len() > self.config.max_sdp_size {
            return Err(Error::operation(format!(
                "the SDP is {} bytes, over the limit of {} bytes",
                text.len(),
                self.config.max_sdp_size
            )));
        }
        sdp::parse(text)
    }

    /// RTCPeerConnection.getConfiguration.
    pub fn configuration(&self) -> &Configuration {
        &self.config
    }

    /// setConfiguration (W3C "set the configuration"): later descriptions use `config`.
    /// What the connection was made with and cannot change is
    /// InvalidModificationError: the bundle policy, the certificate (None
    /// keeps it), ICE lite, fixed ICE credentials (None keeps them), the
    /// peer identity, having an identity provider or not.
    pub fn set_configuration(&mut self, config: Configuration) -> Result<()> {
        self.check_open("setConfiguration")?;
        let old = &self.config;
        let fixed = |what: &str| {
            Err(Error::new(
                ErrorKind::InvalidModification,
                format!(
                    "setConfiguration: the {what} cannot change (W3C \"set the configuration\")"
                ),
            ))
        };
        let certificate = config.certificate.as_ref().map(|c| c.fingerprint_hex());
        if certificate.is_some_and(|c| c != self.certificate.fingerprint_hex()) {
            return fixed("certificate");
        }
        if config.bundle_policy != old.bundle_policy {
            return fixed("bundle policy");
        }
        if config.ice_lite != old.ice_lite {
            return fixed("ICE lite setting");
        }
        if config.ice_credentials.is_some() && config.ice_credentials != old.ice_credentials {
            return fixed("fixed ICE credentials");
        }
        if config.peer_identity != old.peer_identity {
            return fixed("peer identity");
        }
        if config.identity_provider.is_some() != old.identity_provider.is_some() {
            return fixed("identity provider");
        }
        self.config = Configuration {
            certificate: old.certificate.clone(),
            ice_credentials: old.ice_credentials.clone(),
            identity_provider: old.identity_provider.clone(),
            ..config
        };
        // Codecs, extensions, candidates: the created descriptions are stale.
        self.changes += 1;
        Ok(())
    }

    /// close(): the state becomes closed and every transceiver stops; later signaling and
    /// transceiver calls fail with InvalidStateError.
    pub fn close(&mut self) {
        self.exchange = Exchange::Closed;
        for t in &mut self.transceivers {
            t.stopped = true;
            t.stop_done = true;
        }
    }

    /// setRemoteDescription. An offer's a=identity, if any, counts as not
    /// validated; see `set_remote_description_with_identity`.
    pub fn set_remote_description(&mut self, sdp_type: SdpType, text: &str) -> Result<()> {
        let remote = match crate::identity::find_attribute(text) {
            Some(_) => RemoteIdentity::Invalid("the identity assertion was not validated".into()),
            None => RemoteIdentity::Absent,
        };
        self.set_remote_description_with_identity(sdp_type, text, remote)
    }

    /// setRemoteDescription with the outcome of validating the offer's
    /// identity assertion (done by the application's identity provider).
    pub fn set_remote_description_with_identity(
        &mut self,
        sdp_type: SdpType,
        text: &str,
        remote: RemoteIdentity,
    ) -> Result<()> {
        self.check_open("setRemoteDescription")?;
        let (before, mark) = (self.signaling_state(), self.events.len());
        match sdp_type {
            SdpType::Offer => self.set_remote_offer(text, remote),
            SdpType::Rollback => self.rollback(),
            SdpType::Answer | SdpType::Pranswer => self.apply_remote_answer(sdp_type, text),
        }?;
        let glare = sdp_type == SdpType::Offer && before == SignalingState::HaveLocalOffer;
        self.note_state_change(mark, before, glare);
        Ok(())
    }

    fn rollback(&mut self) -> Result<()> {
        let pending = match std::mem::replace(&mut self.exchange, Exchange::Stable) {
            Exchange::RemoteOffer(p) => p,
            Exchange::LocalOffer(p) => {
                p.undo(&mut self.transceivers);
                self.exchange_ended();
                return Ok(());
            }
            other => {
                self.exchange = other;
                return Err(Error::invalid_state(format!(
                    "rollback in state {:?}: only a pending offer can be rolled back",
                    self.signaling_state()
                )));
            }
        };
        // W3C rollback: a remote track the offer brought goes away.
        for (i, before) in &pending.undo.fired {
            let t = &self.transceivers[*i];
            if t.fired.receiving() && !before.receiving() {
                let mid = t.mid.clone().unwrap_or_default();
                self.events.push(Event::TrackRemoved {
                    transceiver: *i,
                    mid,
                });
            }
        }
        pending.undo.undo(&mut self.transceivers);
        self.peer_identity = pending.undo.peer_identity;
        self.session_version = pending.undo.session_version;
        // W3C: rollback keeps [[LastCreatedAnswer]].
        if let Some((created, _)) = pending.created {
            self.created_answer = Some(Box::new((created, pending.remote.desc.sdp)));
        }
        self.exchange_ended();
        Ok(())
    }

    fn set_remote_offer(&mut self, text: &str, remote: RemoteIdentity) -> Result<()> {
        // JSEP 5.6: an offer is taken in stable, or replaces a pending one.
        // W3C "perfect negotiation": an offer in have-local-offer rolls the
        // local offer back (glare), once the remote offer proves usable.
        let (replaced, glare) = match &self.exchange {
            Exchange::Stable => (None, None),
            Exchange::RemoteOffer(p) => (Some(&p.undo), None),
            Exchange::LocalOffer(p) => (None, Some(&**p)),
            _ => {
                return Err(Error::invalid_state(format!(
                    "setRemoteDescription(offer) in state {:?}",
                    self.signaling_state()
                )))
            }
        };
        let parsed = self.parse_checked(text)?;
        let mut offer = RemoteDescription::read_offer(&parsed)?;
        offer.fill_in_mids(|i, taken| self.mid_for_position(i, taken));
        // A replaced pending offer is undone first.
        let mut transceivers = self.transceivers.clone();
        if let Some(local) = glare {
            local.undo(&mut transceivers);
        }
        let (identity_before, version_before) = match replaced {
            Some(u) => {
                u.undo(&mut transceivers);
                (u.peer_identity.clone(), u.session_version)
            }
            None => (self.peer_identity.clone(), self.session_version),
        };
        // An identity once asserted stays, also across a replacing offer
        // (W3C webrtc-identity); only a rollback takes it back.
        let peer_identity =
            self.check_peer_identity(&offer, remote, self.peer_identity.as_deref())?;
        let (created, associated) = associate(&mut transceivers, &offer);
        let ice_restarts = self.ice_restarts(&offer);
        let offer = Arc::new(offer);
        self.record.remote_applied(&offer);
        self.transceivers = transceivers;
        self.peer_identity = peer_identity;
        self.session_version = version_before;
        let fired = self.remote_offer_tracks(&offer);
        self.exchange = Exchange::RemoteOffer(Box::new(PendingRemoteOffer {
            remote: Remote {
                desc: Description {
                    sdp_type: SdpType::Offer,
                    sdp: text.to_string(),
                },
                parsed: offer,
            },
            undo: OfferUndo {
                created,
                associated,
                peer_identity: identity_before,
                session_version: version_before,
                fired,
            },
            ice_restarts,
            created: None,
        }));
        Ok(())
    }

    /// W3C "process remote tracks" for a remote offer: each RTP m-section's
    /// transceiver receives what the offer sends (nothing once rejected).
    /// Gives back what track events had said before, for a rollback.
    fn remote_offer_tracks(&mut self, offer: &RemoteDescription) -> Vec<(usize, FiredTrack)> {
        let by_mid = self.index_by_mid();
        let mut fired = Vec::new();
        for sec in offer
            .sections
            .iter()
            .filter(|s| s.transport == Transport::Rtp)
        {
            let Some(&i) = by_mid.get(sec.mid_key().as_str()) else {
                continue;
            };
            let direction = match sec.rejected {
                true => Direction::Inactive,
                false => sec.direction.reversed(),
            };
            fired.push((i, self.process_remote_track(i, sec, direction)));
        }
        fired
    }

    /// The transceivers with a mid, by mid.
    fn index_by_mid(&self) -> HashMap<String, usize> {
        self.transceivers
            .iter()
            .enumerate()
            .filter_map(|(i, t)| t.mid.clone().map(|m| (m, i)))
            .collect()
    }

    /// The mid an m-line without a=mid at `index` gets (Chromium's
    /// FillInMissingRemoteMids): the one our description has there, else
    /// the one the peer's had there, else a fresh one.
    fn mid_for_position(&self, index: usize, taken: &dyn Fn(&str) -> bool) -> String {
        let ours = self
            .stated_lines(true)
            .get(index)
            .map(|l| l.mid.to_string());
        let theirs = self
            .current_remote
            .as_ref()
            .and_then(|r| r.parsed.sections.get(index).and_then(|s| s.mid.clone()));
        ours.into_iter()
            .chain(theirs)
            .find(|m| !taken(m))
            .unwrap_or_else(|| self.record.fresh_mid(taken))
    }

    /// JSEP 5.6: changed remote credentials restart ICE on that transport;
    /// the answer gets fresh local ones for it, and only for it.
    fn ice_restarts(&self, offer: &RemoteDescription) -> Vec<(String, IceCredentials)> {
        let Some(cur) = &self.current_remote else {
            return Vec::new();
        };
        offer
            .sections
            .iter()
            .filter(|s| {
                cur.parsed.section(&s.mid_key()).is_some_and(|c| {
                    c.ice.ufrag.is_some()
                        && s.ice.ufrag.is_some()
                        && (c.ice.ufrag != s.ice.ufrag || c.ice.pwd != s.ice.pwd)
                })
            })
            .map(|s| (s.mid_key(), IceCredentials::random()))
            .collect()
    }

    /// The pending offer createAnswer and setLocalDescription work on.
    fn offer_to_answer(&self, what: &str) -> Result<&PendingRemoteOffer> {
        self.check_open(what)?;
        self.exchange.pending_remote_offer().ok_or_else(|| {
            Error::invalid_state(format!(
                "{what} in state {:?}: there is no remote offer",
                self.signaling_state()
            ))
        })
    }

    /// createAnswer (JSEP 5.3.1): the answer's SDP for the pending remote offer, kept for
    /// setLocalDescription. InvalidStateError without one; NotReadableError while a configured
    /// identity provider has given no assertion.
    pub fn create_answer(&mut self, options: AnswerOptions) -> Result<String> {
        let pending = self.offer_to_answer("createAnswer")?;
        self.check_identity_ready()?;
        #[cfg(feature = "panic-test-hook")]
        if pending.remote.desc.sdp.contains("\ns=rtcpc-test-panic") {
            panic!("forced by the panic-test-hook feature");
        }
        let offer = &pending.remote.parsed;
        let by_mid: HashMap<&str, &Transceiver> = self
            .transceivers
            .iter()
            .filter_map(|t| t.mid.as_deref().map(|m| (m, t)))
            .collect();
        let transceivers = offer
            .sections
            .iter()
            .map(|s| by_mid.get(s.mid_key().as_str()).copied())
            .collect();
        let ice_by_mid: Vec<(String, IceCredentials)> = self
            .ice_by_mid
            .iter()
            .chain(&pending.ice_restarts)
            .cloned()
            .collect();
        let restarting: Vec<String> = pending
            .ice_restarts
            .iter()
            .map(|(m, _)| m.clone())
            .collect();
        let ctx = AnswerContext {
            offer,
            transceivers,
            config: &self.config,
            certificate: &self.certificate,
            ice: &self.ice,
            ice_by_mid: &ice_by_mid,
            restarting: &restarting,
            dtls_role: self.dtls_role,
            session_id: self.session_id,
            session_version: self.session_version + 1,
            cname: &self.cname,
            options,
            identity: self.identity_value.as_deref(),
        };
        let (answer, text) = answer::create(&ctx);
        let local = Local {
            desc: Description {
                sdp_type: SdpType::Answer,
                sdp: text,
            },
            answer: Arc::new(answer),
            offer: offer.clone(),
        };
        let text = local.desc.sdp.clone();
        self.session_version += 1;
        self.created_answer = None;
        let changes = self.changes;
        if let Some(p) = self.exchange.pending_remote_offer_mut() {
            p.created = Some((local, changes));
        }
        Ok(text)
    }

    /// setLocalDescription() with no description (W3C): an offer in stable,
    /// have-local-offer and have-remote-pranswer, else an answer; the last
    /// one created if it still applies, else one created now.
    pub fn set_local_description_implicit(&mut self) -> Result<()> {
        let sdp_type = match self.signaling_state() {
            SignalingState::Stable
            | SignalingState::HaveLocalOffer
            | SignalingState::HaveRemotePranswer => SdpType::Offer,
            _ => SdpType::Answer,
        };
        self.set_local_description(sdp_type, "")
    }

    /// The answer to the pending offer setLocalDescription applies: the one
    /// createAnswer made for it; else [[LastCreatedAnswer]] when it was made
    /// for the same offer (applied again after a rollback); else, for an
    /// empty `text`, one made now (W3C: implicitly created).
    fn answer_to_apply(&mut self, text: &str) -> Result<Local> {
        let pending = self
            .exchange
            .pending_remote_offer()
            .expect("checked by the caller");
        // W3C: "" names the last created answer while it still represents
        // the connection (no change since); else one is created now.
        if let Some((created, at)) = &pending.created {
            if !text.is_empty() || *at == self.changes {
                return Ok(created.clone());
            }
        }
        let offer = &pending.remote;
        let earlier = self
            .created_answer
            .as_deref()
            .filter(|(_, text)| *text == offer.desc.sdp)
            .map(|(l, _)| Local {
                offer: offer.parsed.clone(),
                ..l.clone()
            });
        match earlier {
            Some(l) => Ok(l),
            None if text.is_empty() => {
                self.create_answer(AnswerOptions::default())?;
                let pending = self.exchange.pending_remote_offer().expect("still pending");
                Ok(pending.created.clone().expect("just created").0)
            }
            None => Err(Error::new(
                ErrorKind::InvalidModification,
                "setLocalDescription: the description is not one createAnswer made for this offer (W3C [[LastCreatedAnswer]])",
            )),
        }
    }

    /// setLocalDescription with the answer or pranswer createAnswer made, or
    /// the offer createOffer made (empty `text` means that one; any other
    /// text is InvalidModificationError), or a rollback.
    pub fn set_local_description(&mut self, sdp_type: SdpType, text: &str) -> Result<()> {
        self.check_open("setLocalDescription")?;
        let (before, mark) = (self.signaling_state(), self.events.len());
        match sdp_type {
            SdpType::Rollback => self.rollback(),
            SdpType::Offer => self.apply_local_offer(text),
            SdpType::Answer | SdpType::Pranswer => self.apply_local_answer(sdp_type, text),
        }?;
        self.note_state_change(mark, before, false);
        Ok(())
    }

    /// setLocalDescription(answer or pranswer) for the pending remote offer.
    fn apply_local_answer(&mut self, sdp_type: SdpType, text: &str) -> Result<()> {
        let what = format!("setLocalDescription({})", sdp_type.as_str());
        self.offer_to_answer(&what)?;
        let mut local = self.answer_to_apply(text)?;
        // W3C setLocalDescription: an answer other than the last created one
        // is refused, so what is applied is exactly what was decided.
        if !text.is_empty() {
            check_unmodified(text, &local.desc.sdp, "createAnswer")?;
        }
        local.desc.sdp_type = sdp_type;
        let pending = match std::mem::replace(&mut self.exchange, Exchange::Stable) {
            Exchange::RemoteOffer(p) | Exchange::LocalPranswer(p, _) => p,
            _ => unreachable!("checked by offer_to_answer"),
        };
        if sdp_type == SdpType::Pranswer {
            self.answer_directions(&pending.remote.parsed, &local.answer, false);
            self.exchange = Exchange::LocalPranswer(pending, local);
            return Ok(());
        }
        self.apply_answer(*pending, local);
        Ok(())
    }

    /// W3C "set the session description" for our answer or pranswer: each
    /// accepted m-section's transceiver gets its currentDirection; a final
    /// answer stops those it rejects.
    fn answer_directions(&mut self, offer: &RemoteDescription, answer: &Answer, last: bool) {
        let by_mid = self.index_by_mid();
        let outcome: Vec<(usize, Option<Direction>)> = offer
            .sections
            .iter()
            .zip(&answer.sections)
            .filter(|(s, _)| s.transport == Transport::Rtp)
            .filter_map(|(s, a)| {
                let i = *by_mid.get(s.mid_key().as_str())?;
                Some((i, a.accepted().then_some(a.direction)))
            })
            .collect();
        // W3C, a local answer: a receiver it does not let receive loses its
        // remote track.
        for &(i, d) in &outcome {
            let t = &mut self.transceivers[i];
            let now = d.unwrap_or(Direction::Inactive);
            if !now.recvs() && t.fired.receiving() {
                t.fired.direction = Some(now);
                let mid = t.mid.clone().unwrap_or_default();
                self.events.push(Event::TrackRemoved {
                    transceiver: i,
                    mid,
                });
            }
        }
        self.set_current_directions(&outcome, last);
    }

    /// W3C "set the session description" for an answer or pranswer, ours
    /// or the peer's: each transceiver (by index) of an RTP m-section gets
    /// its negotiated direction as currentDirection; a final answer stops
    /// those whose m-section it rejects (None), which are then gone.
    fn set_current_directions(&mut self, outcome: &[(usize, Option<Direction>)], last: bool) {
        for &(i, direction) in outcome {
            let t = &mut self.transceivers[i];
            match direction {
                Some(d) => t.set_current_direction(d),
                None if last => {
                    t.stopped = true;
                    t.stop_done = true;
                    t.current_direction = None;
                }
                None => {}
            }
        }
        if last {
            self.transceivers
                .retain(|t| !(t.stopped && t.current_direction.is_none()));
        }
    }

    /// JSEP 5.5 applied to an answer: directions, stopped transceivers, ICE
    /// restarts and the DTLS role take effect; the exchange is stable.
    fn apply_answer(&mut self, pending: PendingRemoteOffer, local: Local) {
        self.answer_directions(&pending.remote.parsed, &local.answer, true);
        // W3C: an applied answer ends what the last created ones stood for.
        self.created_offer = None;
        self.created_answer = None;
        let restarted = !pending.ice_restarts.is_empty();
        for (mid, creds) in pending.ice_restarts {
            self.ice_by_mid.retain(|(m, _)| *m != mid);
            self.ice_by_mid.push((mid, creds));
        }
        self.dtls_role = Some(local.answer.dtls_role);
        self.fix_ice_role(local.answer.ice_role, restarted);
        self.current_remote = Some(pending.remote);
        self.current_local = Some(Applied::Answer(local));
        self.exchange = Exchange::Stable;
        self.forget_replaced_ice();
        self.exchange_ended();
    }

    /// RFC 8445 6.1.1: the role of the first exchange stays for the ICE
    /// session; an ICE restart starts a new one, with the new exchange's role.
    fn fix_ice_role(&mut self, role: IceRole, restarted: bool) {
        if self.ice_role.is_none() || restarted {
            self.ice_role = Some(role);
        }
        if restarted {
            self.ice_generation += 1;
            self.restart_by_fragment_pending = false;
        }
    }

    /// What the answer made last (pending or applied) does not take of the
    /// offer though the offerer did not reject it, one reason per m-line
    /// (`Answer::unanswered`): empty when it answers the offer whole (or
    /// there is none). A WHIP endpoint refuses the offer with 422 instead.
    pub fn unanswered(&self) -> Vec<String> {
        self.last_local()
            .map(|l| l.answer.unanswered(&l.offer))
            .unwrap_or_default()
    }

    /// The negotiation report, as JSON: of the answer made last (pending or
    /// applied), else of the peer's answer to our last applied offer.
    pub fn negotiation_report(&self) -> Option<String> {
        if let Some(l) = self.last_local() {
            return Some(crate::report::build(&l.offer, &l.answer));
        }
        match (&self.current_local, &self.current_remote) {
            (Some(Applied::Offer(o, answered)), Some(r))
                if self.exchange.pending_remote_offer().is_none() =>
            {
                Some(crate::report::build_for_offer(
                    &o.offer, &r.parsed, answered,
                ))
            }
            _ => None,
        }
    }

    /// What the current (applied) offer and answer negotiated.
    pub fn negotiated(&self) -> Option<crate::negotiated::Negotiated> {
        use crate::negotiated::Negotiated;
        let (remote, local) = (self.current_remote.as_ref()?, self.current_local.as_ref()?);
        let mut n = match local {
            Applied::Answer(l) => Negotiated::new(&remote.parsed, &l.answer),
            Applied::Offer(o, answered) => {
                Negotiated::from_offer(&o.offer, &remote.parsed, answered)
            }
        };
        n.ice_role = self.ice_role.unwrap_or(n.ice_role);
        n.ice_generation = self.ice_generation;
        Some(n)
    }
}

/// W3C setLocalDescription: `text` must be the description createAnswer
/// made (line endings aside); the error names the first line that differs.
fn check_unmodified(text: &str, created: &str, maker: &str) -> Result<()> {
    if text == created {
        return Ok(());
    }
    fn lines(t: &str) -> impl Iterator<Item = &str> {
        t.trim_end()
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
    }
    let (mut given, mut made) = (lines(text), lines(created));
    let mut i = 0;
    let (g, m) = loop {
        match (given.next(), made.next()) {
            (None, None) => return Ok(()),
            (g, m) if g == m => i += 1,
            pair => break pair,
        }
    };
    let what = match (g, m) {
        (Some(g), Some(m)) => format!(
            "\"{}\" where {maker} wrote \"{}\"",
            sdp::printable(g),
            sdp::printable(m)
        ),
        (Some(g), None) => format!("\"{}\" was added", sdp::printable(g)),
        (None, _) => "the description ends early".to_string(),
    };
    Err(Error::new(
        ErrorKind::InvalidModification,
        format!(
            "setLocalDescription: the description is not the one {maker} made: line {}: {what}",
            i + 1
        ),
    ))
}
