//! The peer connection's signaling state machine for the answering side
//! (W3C webrtc-pc section 4.4, JSEP 5.5 and 5.6). Plain data in, plain data
//! out: no threads, no I/O. Every operation checks everything before it
//! changes anything, so a failed call leaves the connection as it was.

use crate::answer::{self, Answer, AnswerContext, AnswerOptions};
use crate::config::Configuration;
use crate::description::{RemoteOffer, Transport};
use crate::dtls::{Certificate, DtlsRole};
use crate::error::{Error, ErrorKind, Result};
use crate::ice::{self, IceCredentials};
use crate::identity::RemoteIdentity;
use crate::sdp::{self, Sdp};
use crate::transceiver::{Direction, MediaKind, Track, Transceiver};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignalingState {
    Stable,
    HaveLocalOffer,
    HaveRemoteOffer,
    HaveLocalPranswer,
    HaveRemotePranswer,
    Closed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SdpType {
    Offer,
    Pranswer,
    Answer,
    Rollback,
}

impl SdpType {
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
    pub sdp_type: SdpType,
    pub sdp: String,
}

#[derive(Clone)]
struct Remote {
    desc: Description,
    offer: Arc<RemoteOffer>,
}

#[derive(Clone)]
struct Local {
    desc: Description,
    answer: Arc<Answer>,
    /// The offer it answers, for the negotiation report.
    offer: Arc<RemoteOffer>,
}

/// What applying a remote offer changed, so that a rollback (or an offer
/// replacing it) undoes just that (W3C 4.4.1.5 "rollback"): the application's
/// later changes to transceivers stay.
#[derive(Clone, Debug, Default)]
struct OfferUndo {
    /// Transceivers the offer created (indices, ascending).
    created: Vec<usize>,
    /// Existing transceivers the offer gave a mid.
    associated: Vec<usize>,
    peer_identity: Option<String>,
    session_version: u64,
}

impl OfferUndo {
    /// Undoes the offer's effect on `transceivers`. One it created goes,
    /// unless a track was attached since: that one stays, free for a later
    /// offer like one from addTrack.
    fn undo(&self, transceivers: &mut Vec<Transceiver>) {
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

pub struct PeerConnection {
    config: Configuration,
    state: SignalingState,
    certificate: Arc<Certificate>,
    ice: IceCredentials,
    session_id: u64,
    session_version: u64,
    cname: String,
    transceivers: Vec<Transceiver>,
    pending_remote: Option<Remote>,
    current_remote: Option<Remote>,
    pending_local: Option<Local>,
    current_local: Option<Local>,
    last_answer: Option<Local>,
    dtls_role: Option<DtlsRole>,
    /// Set while a remote offer is pending.
    offer_undo: Option<OfferUndo>,
    /// Credentials of transports restarted by an applied offer, by mid.
    ice_by_mid: Vec<(String, IceCredentials)>,
    /// Fresh credentials for the transports the pending offer restarts.
    pending_ice: Vec<(String, IceCredentials)>,
    /// Our a=identity value, once the provider gave an assertion.
    identity_value: Option<String>,
    /// The remote identity, once validated.
    peer_identity: Option<String>,
}

/// addTransceiver's init (W3C RTCRtpTransceiverInit).
#[derive(Clone, Debug)]
pub struct TransceiverInit {
    pub direction: Direction,
    pub stream_ids: Vec<String>,
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
            state: SignalingState::Stable,
            certificate,
            ice,
            session_id,
            session_version: 1,
            cname,
            transceivers: Vec::new(),
            pending_remote: None,
            current_remote: None,
            pending_local: None,
            current_local: None,
            last_answer: None,
            dtls_role: None,
            offer_undo: None,
            ice_by_mid: Vec::new(),
            pending_ice: Vec::new(),
            identity_value: None,
            peer_identity: None,
        })
    }

    pub fn signaling_state(&self) -> SignalingState {
        self.state
    }
    pub fn transceivers(&self) -> &[Transceiver] {
        &self.transceivers
    }
    pub fn certificate(&self) -> &Arc<Certificate> {
        &self.certificate
    }
    pub fn dtls_role(&self) -> Option<DtlsRole> {
        self.dtls_role
    }
    /// The decisions behind the last created answer.
    pub fn last_answer(&self) -> Option<&Answer> {
        self.last_answer.as_ref().map(|l| &*l.answer)
    }

    pub fn pending_local_description(&self) -> Option<&Description> {
        self.pending_local.as_ref().map(|l| &l.desc)
    }
    pub fn current_local_description(&self) -> Option<&Description> {
        self.current_local.as_ref().map(|l| &l.desc)
    }
    pub fn pending_remote_description(&self) -> Option<&Description> {
        self.pending_remote.as_ref().map(|r| &r.desc)
    }
    pub fn current_remote_description(&self) -> Option<&Description> {
        self.current_remote.as_ref().map(|r| &r.desc)
    }
    pub fn local_description(&self) -> Option<&Description> {
        self.pending_local_description()
            .or(self.current_local_description())
    }
    pub fn remote_description(&self) -> Option<&Description> {
        self.pending_remote_description()
            .or(self.current_remote_description())
    }

    fn check_open(&self, what: &str) -> Result<()> {
        if self.state == SignalingState::Closed {
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

    pub fn close(&mut self) {
        self.state = SignalingState::Closed;
        for t in &mut self.transceivers {
            t.stopped = true;
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
        match sdp_type {
            SdpType::Offer => self.set_remote_offer(text, remote),
            SdpType::Rollback => self.rollback(),
            SdpType::Answer | SdpType::Pranswer => Err(Error::invalid_state(format!(
                "setRemoteDescription({}) in state {:?}: there is no local offer to answer",
                sdp_type.as_str(),
                self.state
            ))),
        }
    }

    fn rollback(&mut self) -> Result<()> {
        if self.state != SignalingState::HaveRemoteOffer {
            return Err(Error::invalid_state(format!(
                "rollback in state {:?}: only a pending remote offer can be rolled back",
                self.state
            )));
        }
        let undo = self.offer_undo.take().expect("set with the remote offer");
        undo.undo(&mut self.transceivers);
        self.peer_identity = undo.peer_identity;
        self.session_version = undo.session_version;
        self.pending_remote = None;
        self.pending_ice.clear();
        self.last_answer = None;
        self.state = SignalingState::Stable;
        Ok(())
    }

    fn set_remote_offer(&mut self, text: &str, remote: RemoteIdentity) -> Result<()> {
        // JSEP 5.6: an offer is taken in stable, or replaces a pending one.
        if !matches!(
            self.state,
            SignalingState::Stable | SignalingState::HaveRemoteOffer
        ) {
            return Err(Error::invalid_state(format!(
                "setRemoteDescription(offer) in state {:?}",
                self.state
            )));
        }
        let parsed = self.parse_checked(text)?;
        let offer = RemoteOffer::from_sdp(&parsed)?;
        // A replaced pending offer is undone first (JSEP 5.6).
        let mut transceivers = self.transceivers.clone();
        let before = match &self.offer_undo {
            Some(u) => {
                u.undo(&mut transceivers);
                (u.peer_identity.clone(), u.session_version)
            }
            None => (self.peer_identity.clone(), self.session_version),
        };
        let peer_identity = self.check_peer_identity(&offer, remote, before.0.as_deref())?;
        let (created, associated) = associate(&mut transceivers, &offer);
        // JSEP 5.6: changed remote credentials restart ICE on that transport;
        // the answer gets fresh local ones for it, and only for it.
        let pending_ice = match &self.current_remote {
            Some(cur) => offer
                .sections
                .iter()
                .filter(|s| {
                    cur.offer.section(&s.mid_key()).is_some_and(|c| {
                        c.ice_ufrag.is_some()
                            && s.ice_ufrag.is_some()
                            && (c.ice_ufrag != s.ice_ufrag || c.ice_pwd != s.ice_pwd)
                    })
                })
                .map(|s| (s.mid_key(), IceCredentials::random()))
                .collect(),
            None => Vec::new(),
        };
        self.pending_ice = pending_ice;
        self.offer_undo = Some(OfferUndo {
            created,
            associated,
            peer_identity: before.0,
            session_version: before.1,
        });
        self.transceivers = transceivers;
        self.pending_remote = Some(Remote {
            desc: Description {
                sdp_type: SdpType::Offer,
                sdp: text.to_string(),
            },
            offer: Arc::new(offer),
        });
        self.last_answer = None;
        self.peer_identity = peer_identity;
        self.state = SignalingState::HaveRemoteOffer;
        Ok(())
    }

    /// RFC 8827 7.4 and the W3C peerIdentity rules: what the peer identity
    /// becomes with this offer, or why the offer is refused.
    fn check_peer_identity(
        &self,
        offer: &RemoteOffer,
        remote: RemoteIdentity,
        previous: Option<&str>,
    ) -> Result<Option<String>> {
        let mut fingerprints: Vec<String> = Vec::new();
        for fp in offer.sections.iter().flat_map(|s| &s.fingerprints) {
            if !fingerprints.contains(fp) {
                fingerprints.push(fp.clone());
            }
        }
        let outcome = match remote {
            RemoteIdentity::Absent => Err("the offer carries no identity assertion".to_string()),
            RemoteIdentity::Invalid(why) => Err(why),
            RemoteIdentity::Validated {
                identity,
                contents,
                idp_domain,
            } => crate::identity::check(&identity, &contents, &idp_domain, &fingerprints)
                .map(|_| identity),
        };
        let refuse = |m: String| Error::operation(format!("setRemoteDescription: {m}"));
        match (&self.config.peer_identity, outcome) {
            (Some(required), Ok(id)) if id != *required => Err(refuse(format!(
                "the peer identity '{id}' is not the required '{required}'"
            ))),
            (Some(required), Err(why)) => Err(refuse(format!(
                "the peer identity '{required}' is required, but {why}"
            ))),
            (_, Ok(id)) => match previous {
                Some(prev) if prev != id => Err(refuse(format!(
                    "the peer identity changed from '{prev}' to '{id}'"
                ))),
                _ => Ok(Some(id)),
            },
            // Without a required identity a missing or failing assertion is
            // no error (as in Firefox): there is just no peer identity.
            (None, Err(why)) => {
                log::debug!("no peer identity: {why}");
                Ok(previous.map(str::to_string))
            }
        }
    }

    /// The validated remote identity (RTCPeerConnection.peerIdentity).
    pub fn peer_identity(&self) -> Option<&str> {
        self.peer_identity.as_deref()
    }

    /// The contents to have the identity provider sign before createAnswer:
    /// Some when a provider is configured and no assertion was obtained yet.
    /// Fails like createAnswer would in the wrong state.
    pub fn identity_request(&self) -> Result<Option<String>> {
        self.check_answer_state()?;
        if self.config.identity_provider.is_none() || self.identity_value.is_some() {
            return Ok(None);
        }
        let digest = self.certificate.fingerprint_hex();
        Ok(Some(crate::identity::contents(&[("sha-256", digest)])))
    }

    /// The provider's assertion over `identity_request`'s contents; kept for
    /// the connection, so later answers reuse it.
    pub fn set_identity_assertion(&mut self, assertion: &str) -> Result<()> {
        let Some(idp) = &self.config.identity_provider else {
            return Err(Error::invalid_state("no identity provider is configured"));
        };
        if assertion.is_empty() {
            return Err(Error::new(
                ErrorKind::NotReadable,
                "the identity provider gave an empty assertion",
            ));
        }
        self.identity_value = Some(crate::identity::encode_attribute(idp, assertion));
        Ok(())
    }

    fn check_answer_state(&self) -> Result<()> {
        self.check_open("createAnswer")?;
        if !matches!(
            self.state,
            SignalingState::HaveRemoteOffer | SignalingState::HaveLocalPranswer
        ) {
            return Err(Error::invalid_state(format!(
                "createAnswer in state {:?}: there is no remote offer",
                self.state
            )));
        }
        Ok(())
    }

    pub fn create_answer(&mut self, options: AnswerOptions) -> Result<String> {
        self.check_answer_state()?;
        if self.config.identity_provider.is_some() && self.identity_value.is_none() {
            return Err(Error::new(
                ErrorKind::NotReadable,
                "the identity provider has not provided an identity assertion",
            ));
        }
        let remote = self
            .pending_remote
            .as_ref()
            .expect("a pending remote offer");
        #[cfg(feature = "panic-test-hook")]
        if remote.desc.sdp.contains("\ns=rtcpc-test-panic") {
            panic!("forced by the panic-test-hook feature");
        }
        let offer = &remote.offer;
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
            .chain(&self.pending_ice)
            .cloned()
            .collect();
        let ctx = AnswerContext {
            offer,
            transceivers,
            config: &self.config,
            certificate: &self.certificate,
            ice: &self.ice,
            ice_by_mid: &ice_by_mid,
            dtls_role: self.dtls_role,
            session_id: self.session_id,
            session_version: self.session_version + 1,
            cname: &self.cname,
            options,
            identity: self.identity_value.as_deref(),
        };
        let answer = answer::create(&ctx);
        let text = answer.text.clone();
        self.session_version += 1;
        self.last_answer = Some(Local {
            desc: Description {
                sdp_type: SdpType::Answer,
                sdp: text.clone(),
            },
            answer: Arc::new(answer),
            offer: offer.clone(),
        });
        Ok(text)
    }

    pub fn set_local_description(&mut self, sdp_type: SdpType, text: &str) -> Result<()> {
        self.check_open("setLocalDescription")?;
        match sdp_type {
            SdpType::Rollback => return self.rollback(),
            SdpType::Offer => {
                return Err(Error::invalid_state(format!(
                    "setLocalDescription(offer) in state {:?}: this engine answers only",
                    self.state
                )))
            }
            SdpType::Answer | SdpType::Pranswer => {}
        }
        if !matches!(
            self.state,
            SignalingState::HaveRemoteOffer | SignalingState::HaveLocalPranswer
        ) {
            return Err(Error::invalid_state(format!(
                "setLocalDescription({}) in state {:?}: there is no remote offer",
                sdp_type.as_str(),
                self.state
            )));
        }
        let Some(last) = self.last_answer.clone() else {
            return Err(Error::invalid_state(
                "setLocalDescription: createAnswer was not called for this offer",
            ));
        };
        // W3C setLocalDescription: an answer other than the last created one
        // is refused, so what is applied is exactly what was decided.
        if !text.is_empty() {
            check_unmodified(text, &last.desc.sdp)?;
        }
        let sdp_text = last.desc.sdp.clone();
        let local = Local {
            desc: Description {
                sdp_type,
                sdp: sdp_text,
            },
            answer: last.answer.clone(),
            offer: last.offer.clone(),
        };
        let remote = self.pending_remote.clone().expect("a pending remote offer");
        if sdp_type == SdpType::Pranswer {
            self.pending_local = Some(local);
            self.state = SignalingState::HaveLocalPranswer;
            return Ok(());
        }
        // Apply: directions, stopped transceivers, DTLS role.
        let by_mid: HashMap<String, usize> = self
            .transceivers
            .iter()
            .enumerate()
            .filter_map(|(i, t)| t.mid.clone().map(|m| (m, i)))
            .collect();
        for (sec, a) in remote.offer.sections.iter().zip(&local.answer.sections) {
            if let Some(t) = by_mid
                .get(&sec.mid_key())
                .map(|&i| &mut self.transceivers[i])
            {
                if a.accepted {
                    t.current_direction = Some(a.direction);
                } else if sec.transport == Transport::Rtp {
                    t.stopped = true;
                    t.current_direction = None;
                }
            }
        }
        // W3C: stopped transceivers whose m-section is now rejected are gone.
        self.transceivers
            .retain(|t| !(t.stopped && t.current_direction.is_none()));
        for (mid, creds) in self.pending_ice.drain(..) {
            self.ice_by_mid.retain(|(m, _)| *m != mid);
            self.ice_by_mid.push((mid, creds));
        }
        self.dtls_role = Some(local.answer.dtls_role);
        self.current_remote = Some(remote);
        self.current_local = Some(local);
        self.pending_remote = None;
        self.pending_local = None;
        self.offer_undo = None;
        self.state = SignalingState::Stable;
        Ok(())
    }

    /// W3C addTransceiver. JSEP 5.10: on the answering side only transceivers
    /// from addTrack are matched to new offered m-sections; one added here
    /// waits for an offer that names its mid.
    pub fn add_transceiver(&mut self, kind: MediaKind, init: TransceiverInit) -> Result<usize> {
        self.check_open("addTransceiver")?;
        let mut seen = std::collections::HashSet::new();
        for rid in &init.send_rids {
            if rid.is_empty()
                || !rid
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
                || rid.len() > 255
            {
                return Err(Error::invalid_argument(format!(
                    "addTransceiver: rid '{rid}' is not a valid RID (RFC 8851)"
                )));
            }
            if !seen.insert(rid) {
                return Err(Error::invalid_argument(format!(
                    "addTransceiver: rid '{rid}' is given twice"
                )));
            }
        }
        let mut t = Transceiver::new(kind, init.direction, new_ssrcs());
        t.stream_ids = init.stream_ids;
        t.send_rids = init.send_rids;
        self.transceivers.push(t);
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
        let caps = self.config.capabilities.codecs(kind).to_vec();
        if let Some(bad) = codecs
            .iter()
            .find(|c| !crate::codec::is_supported(c, &caps))
        {
            return Err(Error::new(
                ErrorKind::InvalidModification,
                format!(
                    "setCodecPreferences: {}/{} {} is not a supported {kind} codec",
                    bad.name, bad.clock_rate, bad.fmtp
                ),
            ));
        }
        if !codecs.is_empty()
            && codecs.iter().all(|c| {
                matches!(
                    c.name.to_ascii_lowercase().as_str(),
                    "rtx" | "red" | "ulpfec" | "flexfec-03" | "cn" | "telephone-event"
                )
            })
        {
            return Err(Error::new(
                ErrorKind::InvalidModification,
                "setCodecPreferences: the list has only rtx, red, fec, CN or telephone-event",
            ));
        }
        let t = self.transceiver_mut(index, "setCodecPreferences")?;
        t.codec_preferences = (!codecs.is_empty()).then_some(codecs);
        Ok(())
    }

    /// addIceCandidate (W3C 4.4.1.x): a remote candidate for the m-section
    /// named by mid (or, without mid, by index); an empty candidate means
    /// end-of-candidates. Kept in the remote description.
    pub fn add_ice_candidate(
        &mut self,
        candidate: &str,
        mid: Option<&str>,
        index: Option<usize>,
    ) -> Result<()> {
        self.check_open("addIceCandidate")?;
        let body = candidate.trim();
        let body = body.strip_prefix("a=").unwrap_or(body);
        if mid.is_none() && index.is_none() && !body.is_empty() {
            return Err(Error::invalid_argument(
                "addIceCandidate: neither mid nor m-line index is given",
            ));
        }
        let remote = match (&mut self.pending_remote, &mut self.current_remote) {
            (Some(r), _) | (None, Some(r)) => r,
            (None, None) => {
                return Err(Error::invalid_state(
                    "addIceCandidate: there is no remote description",
                ))
            }
        };
        // W3C addIceCandidate: an empty candidate with neither mid nor index
        // ends the candidates of every m-section.
        if mid.is_none() && index.is_none() {
            let offer = Arc::make_mut(&mut remote.offer);
            let ended: Vec<bool> = offer.sections.iter().map(|s| s.end_of_candidates).collect();
            offer
                .sections
                .iter_mut()
                .for_each(|s| s.end_of_candidates = true);
            remote.desc.sdp =
                append_to_sections(&remote.desc.sdp, "a=end-of-candidates", |i| !ended[i]);
            return Ok(());
        }
        let sections = &remote.offer.sections;
        let i = match mid {
            Some(m) => sections.iter().position(|s| s.mid.as_deref() == Some(m)),
            None => index.filter(|i| *i < sections.len()),
        }
        .ok_or_else(|| {
            Error::operation(format!(
                "addIceCandidate: no m-section with {}",
                match mid {
                    Some(m) => format!("mid '{}'", sdp::printable(m)),
                    None => format!("index {}", index.unwrap_or_default()),
                }
            ))
        })?;
        let line = if body.is_empty() {
            "a=end-of-candidates".to_string()
        } else {
            let parsed = crate::config::LocalCandidate::parse(body, None)
                .map_err(|e| Error::operation(format!("addIceCandidate: {}", e.message)))?;
            let c = &parsed.candidate;
            if let (Some(u), Some(theirs)) = (&c.ufrag, &sections[i].ice_ufrag) {
                if u != theirs {
                    return Err(Error::operation(format!(
                        "addIceCandidate: the candidate's ufrag {u} is not the m-section's ({theirs})"
                    )));
                }
            }
            format!("a={}", parsed.text)
        };
        let offer = Arc::make_mut(&mut remote.offer);
        let sec = &mut offer.sections[i];
        if body.is_empty() {
            sec.end_of_candidates = true;
        } else {
            sec.candidates.push(line["a=".len()..].to_string());
        }
        remote.desc.sdp = insert_in_section(&remote.desc.sdp, i, &line);
        Ok(())
    }

    /// A local candidate learnt after creation: later answers carry it.
    pub fn add_local_candidate(&mut self, candidate: &str, mid: Option<&str>) -> Result<()> {
        self.check_open("addLocalCandidate")?;
        let c = crate::config::LocalCandidate::parse(candidate, mid)?;
        self.config.local_candidates.push(c);
        Ok(())
    }

    /// The negotiation report of the last created answer, as JSON.
    pub fn negotiation_report(&self) -> Option<String> {
        let l = self.last_answer.as_ref().or(self.current_local.as_ref())?;
        Some(crate::report::build(&l.offer, &l.answer))
    }

    /// What the current (applied) offer and answer negotiated.
    pub fn negotiated(&self) -> Option<crate::negotiated::Negotiated> {
        let (remote, local) = (self.current_remote.as_ref()?, self.current_local.as_ref()?);
        Some(crate::negotiated::Negotiated::new(
            &remote.offer,
            &local.answer,
        ))
    }

    /// W3C addTrack: reuses a transceiver of the kind the offer created that
    /// has no track and never sent, otherwise adds a transceiver.
    pub fn add_track(&mut self, kind: MediaKind, track_id: &str, stream_id: &str) -> Result<usize> {
        self.check_open("addTrack")?;
        if track_id.is_empty() {
            return Err(Error::invalid_argument("addTrack: the track id is empty"));
        }
        if self
            .transceivers
            .iter()
            .any(|t| t.track.as_ref().is_some_and(|tr| tr.track_id == track_id))
        {
            return Err(Error::invalid_access(format!(
                "addTrack: track '{track_id}' is already added"
            )));
        }
        let track = Track {
            track_id: track_id.to_string(),
            stream_id: if stream_id.is_empty() {
                "-".into()
            } else {
                stream_id.to_string()
            },
        };
        let reuse = self
            .transceivers
            .iter()
            .position(|t| t.kind == kind && !t.stopped && t.track.is_none() && !t.has_sent());
        let index = match reuse {
            Some(i) => {
                let t = &mut self.transceivers[i];
                t.direction = Direction::from_flags(true, t.direction.recvs());
                t.track = Some(track);
                i
            }
            None => {
                let mut t = Transceiver::new(kind, Direction::SendRecv, new_ssrcs());
                t.track = Some(track);
                t.from_add_track = true;
                self.transceivers.push(t);
                self.transceivers.len() - 1
            }
        };
        Ok(index)
    }
}

/// W3C setRemoteDescription, "process the addition of a remote track":
/// each offered audio/video m-section finds its transceiver by mid, else an
/// unassociated one from addTrack of its kind, else gets a new recvonly one.
/// Returns the indices of the transceivers created and of those associated.
fn associate(transceivers: &mut Vec<Transceiver>, offer: &RemoteOffer) -> (Vec<usize>, Vec<usize>) {
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
        match free.get_mut(&kind).and_then(VecDeque::pop_front) {
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

/// W3C setLocalDescription: `text` must be the description createAnswer
/// made (line endings aside); the error names the first line that differs.
fn check_unmodified(text: &str, created: &str) -> Result<()> {
    let lines = |t: &'_ str| {
        t.trim_end()
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
            .collect::<Vec<_>>()
    };
    let (given, made) = (lines(text), lines(created));
    let Some(i) = (0..given.len().max(made.len())).find(|&i| given.get(i) != made.get(i)) else {
        return Ok(());
    };
    let what = match (given.get(i), made.get(i)) {
        (Some(g), Some(m)) => format!(
            "\"{}\" where createAnswer wrote \"{}\"",
            sdp::printable(g),
            sdp::printable(m)
        ),
        (Some(g), None) => format!("\"{}\" was added", sdp::printable(g)),
        (None, _) => "the description ends early".to_string(),
    };
    Err(Error::new(
        ErrorKind::InvalidModification,
        format!(
            "setLocalDescription: the description is not the one createAnswer made: line {}: {what}",
            i + 1
        ),
    ))
}

/// Appends `line` at the end of m-section `index` of `sdp`.
fn insert_in_section(sdp: &str, index: usize, line: &str) -> String {
    append_to_sections(sdp, line, |i| i == index)
}

/// Appends `line` at the end of each m-section `chosen` picks, in one pass.
fn append_to_sections(sdp: &str, line: &str, chosen: impl Fn(usize) -> bool) -> String {
    let nl = if sdp.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::with_capacity(sdp.len() + 64);
    let mut section: Option<usize> = None;
    let close = |out: &mut String, section: Option<usize>| {
        if section.is_some_and(&chosen) {
            if !out.ends_with('\n') {
                out.push_str(nl);
            }
            out.push_str(line);
            out.push_str(nl);
        }
    };
    for l in sdp.split_inclusive('\n') {
        if l.starts_with("m=") {
            close(&mut out, section);
            section = Some(section.map_or(0, |i| i + 1));
        }
        out.push_str(l);
    }
    close(&mut out, section);
    out
}
