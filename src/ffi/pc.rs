//! rtc_pc: the peer connection handle.

use super::*;
use crate::answer::AnswerOptions;
use crate::offer::OfferOptions;
use crate::signaling::{Event, PeerConnection, SdpType};
use parking_lot::Mutex;
use std::ffi::{c_void, CString};

/// Opaque peer connection. Create with rtc_pc_new, release with rtc_pc_free.
pub struct rtc_pc {
    inner: Mutex<PeerConnection>,
    /// The identity provider's callbacks: called with no lock held.
    pub(crate) idp: Option<super::identity::IdpCallbacks>,
    /// Every string rtc_pc_peer_identity returned: each stays valid until
    /// rtc_pc_free (a rollback can take an identity back, another can follow).
    pub(crate) peer_identities: Mutex<Vec<CString>>,
    /// rtc_pc_set_negotiation_needed_callback's callback and user_data.
    negotiation_needed: Registered<unsafe extern "C" fn(*mut c_void)>,
    /// rtc_pc_set_signaling_state_callback's callback and user_data.
    signaling_state: Registered<SignalingStateFn>,
    /// rtc_pc_set_track_callback's callback and user_data.
    track: Registered<TrackFn>,
}

type SignalingStateFn = unsafe extern "C" fn(rtc_signaling_state, *mut c_void);

/// A callback and its user_data, as a handle keeps it.
type Registered<C> = Mutex<Option<(C, usize)>>;

/// Stores `callback` and `user_data` where `slot` says (NULL removes it).
///
/// `pc` is NULL or a live handle.
unsafe fn register<C>(
    pc: *mut rtc_pc,
    callback: Option<C>,
    user_data: *mut c_void,
    slot: fn(&rtc_pc) -> &Registered<C>,
) -> rtc_error_code {
    code(boundary(|| {
        *slot(pc_ref(pc)?).lock() = callback.map(|cb| (cb, user_data as usize));
        Ok(())
    }))
}
type TrackFn = unsafe extern "C" fn(*const rtc_track_event, *mut c_void);

/// A handle's core, locked. Log records made meanwhile are delivered when
/// it is dropped, after the lock is released (`_logs` drops after `core`).
pub(crate) struct Locked<'a> {
    core: parking_lot::MutexGuard<'a, PeerConnection>,
    _logs: super::log_bridge::DeferLogs,
}

impl std::ops::Deref for Locked<'_> {
    type Target = PeerConnection;
    fn deref(&self) -> &PeerConnection {
        &self.core
    }
}

impl std::ops::DerefMut for Locked<'_> {
    fn deref_mut(&mut self) -> &mut PeerConnection {
        &mut self.core
    }
}

impl rtc_pc {
    /// Delivers the events the call made (W3C order: signalingstatechange,
    /// track), then a due negotiationneeded: after the call's own callbacks,
    /// with no lock held (each callback may call back into this handle).
    pub(crate) fn deliver_events(&self) {
        let events = self.lock().take_events();
        for e in events {
            match e {
                Event::SignalingStateChange(s) => {
                    // Copied out: the callback may register another.
                    let callback = *self.signaling_state.lock();
                    if let Some((cb, user)) = callback {
                        // SAFETY: a callback the application registered.
                        unsafe { cb(s.into(), user as *mut c_void) };
                    }
                }
                track => self.track_event(track),
            }
        }
        self.negotiation_needed_event();
    }

    fn track_event(&self, e: Event) {
        let Some((cb, user)) = *self.track.lock() else {
            return;
        };
        let (removed, index, mid, streams, track) = match e {
            Event::Track {
                transceiver,
                mid,
                stream_ids,
                track_id,
            } => (false, transceiver, mid, stream_ids, track_id),
            Event::TrackRemoved { transceiver, mid } => (true, transceiver, mid, Vec::new(), None),
            Event::SignalingStateChange(_) => return,
        };
        let mid = c_string(&mid);
        let streams: Vec<CString> = streams.iter().map(|s| c_string(s)).collect();
        let pointers: Vec<*const c_char> = streams.iter().map(|s| s.as_ptr()).collect();
        let track = track.map(|t| c_string(&t));
        let event = rtc_track_event {
            removed,
            transceiver_index: index,
            mid: mid.as_ptr(),
            stream_ids: pointers.as_ptr(),
            stream_id_count: pointers.len(),
            track_id: track.as_ref().map_or(std::ptr::null(), |t| t.as_ptr()),
        };
        // SAFETY: a callback the application registered; `event` and what
        // it points to live until it returns.
        unsafe { cb(&event, user as *mut c_void) };
    }

    /// Fires a due negotiationneeded event: after the call's own callbacks,
    /// with no lock held (the callback may call back into this handle).
    pub(crate) fn negotiation_needed_event(&self) {
        let due = self.lock().take_negotiation_needed_event();
        let callback = *self.negotiation_needed.lock();
        if let (true, Some((cb, user_data))) = (due, callback) {
            // SAFETY: a callback the application registered, with its user_data.
            unsafe { cb(user_data as *mut c_void) };
        }
    }

    /// Has the identity provider sign `contents` (when the core asked and
    /// a provider is configured) and gives the core the assertion. The
    /// caller holds no lock (bind `contents` first: a guard in the argument
    /// would live through the call).
    fn assert_identity(&self, contents: Option<String>) -> Result<(), Error> {
        if let (Some(contents), Some(idp)) = (contents, &self.idp) {
            let assertion = idp.generate(&contents)?;
            self.lock().set_identity_assertion(&assertion)?;
        }
        Ok(())
    }

    /// Locks the core. Every access goes through here, so that no log
    /// callback runs while the lock is held.
    pub(crate) fn lock(&self) -> Locked<'_> {
        let logs = super::log_bridge::DeferLogs::new();
        Locked {
            core: self.inner.lock(),
            _logs: logs,
        }
    }
}

/// `pc` is NULL or a live handle.
pub(crate) unsafe fn pc_ref<'a>(pc: *const rtc_pc) -> Result<&'a rtc_pc, Error> {
    pc.as_ref()
        .ok_or_else(|| Error::invalid_argument("pc is NULL"))
}

/// A handle's locked core: how every call reaches it.
///
/// `pc` is NULL or a live handle.
pub(crate) unsafe fn locked<'a>(pc: *const rtc_pc) -> Result<Locked<'a>, Error> {
    Ok(pc_ref(pc)?.lock())
}

/// Writes the text `text` gives (None: none) into a caller's buffer like
/// snprintf, returning its full length; 0 when there is none or pc is NULL.
///
/// `pc` is NULL or a live handle; `buffer` is NULL (with `capacity` 0) or
/// valid for `capacity` bytes.
pub(crate) unsafe fn text_out(
    pc: *const rtc_pc,
    buffer: *mut c_char,
    capacity: usize,
    text: impl FnOnce(&PeerConnection) -> Option<String>,
) -> usize {
    let Some(p) = pc.as_ref() else { return 0 };
    boundary(|| {
        let t = text(&p.lock());
        t.map_or(0, |t| write_buf(&t, buffer, capacity))
    })
}

/// Reads a description argument. The type is read as a raw int.
///
/// `d` is NULL or points to an rtc_session_description.
unsafe fn description_arg<'a>(
    d: *const rtc_session_description,
) -> Result<(SdpType, &'a str), Error> {
    if d.is_null() {
        return Err(Error::invalid_argument("description is NULL"));
    }
    let raw = std::ptr::addr_of!((*d).r#type).cast::<RawSdpType>().read();
    let t = rtc_sdp_type::from_raw(raw)?;
    let sdp = if t == SdpType::Rollback && (*d).sdp.is_null() {
        ""
    } else {
        str_arg((*d).sdp, "description->sdp")?
    };
    Ok((t, sdp))
}

/// A local description: as `description_arg`, but a NULL `sdp` is "" (W3C
/// RTCLocalSessionDescriptionInit: sdp defaults to the empty string).
unsafe fn local_description_arg<'a>(
    d: *const rtc_session_description,
) -> Result<(SdpType, &'a str), Error> {
    let raw = std::ptr::addr_of!((*d).r#type).cast::<RawSdpType>().read();
    let t = rtc_sdp_type::from_raw(raw)?;
    match (*d).sdp.is_null() {
        true => Ok((t, "")),
        false => Ok((t, str_arg((*d).sdp, "description->sdp")?)),
    }
}

pub(crate) fn finish_void(
    r: Result<(), Error>,
    on_success: rtc_void_callback,
    on_failure: rtc_error_callback,
    user_data: *mut c_void,
) -> rtc_error_code {
    match r {
        Ok(()) => {
            if let Some(cb) = on_success {
                // SAFETY: a callback the caller gave.
                unsafe { cb(user_data) };
            }
            rtc_error_code::RTC_OK
        }
        Err(e) => fail(&e, on_failure, user_data),
    }
}

/// Creates a peer connection. `config` NULL means defaults; the configuration
/// is copied, so it may be freed right after. Returns NULL only on failure
/// (the certificate could not be made).
///
/// `config` is NULL or from rtc_configuration_new.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_new(config: *const rtc_configuration) -> *mut rtc_pc {
    let r = boundary(|| {
        let cfg = config.as_ref().map(|c| c.inner.clone()).unwrap_or_default();
        Ok(Box::into_raw(Box::new(rtc_pc {
            inner: Mutex::new(PeerConnection::new(cfg)?),
            idp: config.as_ref().and_then(|c| c.idp.clone()),
            peer_identities: Mutex::new(Vec::new()),
            negotiation_needed: Mutex::new(None),
            signaling_state: Mutex::new(None),
            track: Mutex::new(None),
        })))
    });
    r.unwrap_or_else(|e| {
        log::warn!("rtc_pc_new: {e}");
        std::ptr::null_mut()
    })
}

/// Closes the connection (W3C close()): every later call fails with
/// RTC_ERROR_INVALID_STATE. NULL is ignored. The handle still needs rtc_pc_free.
///
/// `pc` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_close(pc: *mut rtc_pc) {
    if let Some(p) = pc.as_ref() {
        boundary(|| p.lock().close());
    }
}

/// Frees the handle. NULL is ignored. No other thread may be using it, and it
/// must not be called from inside a callback of the same handle.
///
/// `pc` is NULL or a live handle not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_free(pc: *mut rtc_pc) {
    if !pc.is_null() {
        boundary(|| drop(Box::from_raw(pc)));
    }
}

/// The signaling state; CLOSED for a NULL handle.
///
/// `pc` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_signaling_state(pc: *const rtc_pc) -> rtc_signaling_state {
    use rtc_signaling_state::*;
    let Some(p) = pc.as_ref() else {
        return RTC_SIGNALING_STATE_CLOSED;
    };
    boundary(|| p.lock().signaling_state().into())
}

/// setRemoteDescription. An offer is accepted in stable (or replaces a pending
/// remote offer; in have-local-offer it rolls the local offer back first:
/// glare); an answer or pranswer in have-local-offer or have-remote-pranswer,
/// checked against the local offer; rollback undoes a pending offer.
/// Errors: RTC_ERROR_SYNTAX (does not parse; the message names the line),
/// RTC_ERROR_INVALID_ACCESS (not usable by a WebRTC peer: no ICE credentials,
/// no fingerprint, not DTLS-SRTP, ...; for an answer also: m-lines not the
/// offer's, a payload type or extension not offered, a=setup not active or
/// passive), RTC_ERROR_INVALID_STATE, RTC_ERROR_OPERATION (over the size limit).
///
/// `pc` is NULL or a live handle; `description` is NULL or valid for the call.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_set_remote_description(
    pc: *mut rtc_pc,
    description: *const rtc_session_description,
    on_success: rtc_void_callback,
    on_failure: rtc_error_callback,
    user_data: *mut c_void,
) -> rtc_error_code {
    let r = boundary(|| {
        let p = pc_ref(pc)?;
        let (t, sdp) = description_arg(description)?;
        // The provider validates an offer's assertion before the lock is taken.
        let r = match (&p.idp, t) {
            (Some(idp), SdpType::Offer) => {
                let remote = idp.validate(sdp);
                p.lock()
                    .set_remote_description_with_identity(t, sdp, remote)
            }
            _ => p.lock().set_remote_description(t, sdp),
        };
        r
    });
    let rc = finish_void(r, on_success, on_failure, user_data);
    after_change(pc);
    rc
}

/// Fills `options` with the defaults (voice_activity_detection = true).
///
/// `options` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn rtc_answer_options_init(options: *mut rtc_answer_options) {
    if let Some(o) = options.as_mut() {
        *o = rtc_answer_options {
            voice_activity_detection: true,
            ice_restart: false,
            offer_to_receive_audio: 0,
            offer_to_receive_video: 0,
        };
    }
}

/// createAnswer, in the legacy callback form (success, failure, options).
/// `options` may be NULL (defaults). The description handed to on_success is
/// valid only during the callback.
///
/// Errors: RTC_ERROR_INVALID_STATE without a remote offer or after close;
/// RTC_ERROR_NOT_READABLE ("NotReadableError") when an identity provider is
/// configured and cannot provide an assertion: its generate callback failed
/// (the message names the error detail and message it gave), reported
/// nothing, or gave an empty assertion. Nothing changes in the connection
/// then, and the next createAnswer asks the provider again. This follows
/// MDN's createAnswer page; the current W3C tests expect OperationError there.
/// The provider is asked once per connection; later answers reuse the assertion.
///
/// `pc` is NULL or a live handle; `options` is NULL or valid for the call.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_create_answer(
    pc: *mut rtc_pc,
    on_success: rtc_session_description_callback,
    on_failure: rtc_error_callback,
    options: *const rtc_answer_options,
    user_data: *mut c_void,
) -> rtc_error_code {
    let r = boundary(|| {
        let p = pc_ref(pc)?;
        let opts = match options.as_ref() {
            Some(o) => AnswerOptions {
                voice_activity_detection: o.voice_activity_detection,
            },
            None => AnswerOptions::default(),
        };
        // W3C: state errors first, then the identity provider, then the answer.
        let contents = p.lock().identity_request()?;
        p.assert_identity(contents)?;
        let r = p.lock().create_answer(opts);
        r
    });
    let made = rtc_sdp_type::RTC_SDP_TYPE_ANSWER;
    finish_description(r, made, on_success, on_failure, user_data)
}

/// Hands a created description to on_success, or the error to on_failure.
fn finish_description(
    r: Result<String, Error>,
    sdp_type: rtc_sdp_type,
    on_success: rtc_session_description_callback,
    on_failure: rtc_error_callback,
    user_data: *mut c_void,
) -> rtc_error_code {
    match r {
        Ok(sdp) => {
            if let Some(cb) = on_success {
                let text = c_string(&sdp);
                let d = rtc_session_description {
                    r#type: sdp_type,
                    sdp: text.as_ptr(),
                };
                // SAFETY: a callback the caller gave; `d` lives until it returns.
                unsafe { cb(&d, user_data) };
            }
            rtc_error_code::RTC_OK
        }
        Err(e) => fail(&e, on_failure, user_data),
    }
}

/// Fills `options` with the defaults (voice_activity_detection = true,
/// offer_to_receive_audio/video = -1: not given).
///
/// `options` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn rtc_offer_options_init(options: *mut rtc_offer_options) {
    if let Some(o) = options.as_mut() {
        *o = rtc_offer_options {
            ice_restart: false,
            voice_activity_detection: true,
            offer_to_receive_audio: -1,
            offer_to_receive_video: -1,
        };
    }
}

/// createOffer (JSEP 5.2), in the legacy callback form (success, failure,
/// options) like rtc_pc_create_answer: an m-section per transceiver (the
/// current description's m-lines kept in place), one for data channels
/// after rtc_pc_request_data_channels. Apply it with
/// rtc_pc_set_local_description (type offer, "" for this one), then the
/// peer's answer with rtc_pc_set_remote_description (type answer or
/// pranswer). `options` may be NULL (defaults). The description handed to
/// on_success is valid only during the callback.
/// Errors: RTC_ERROR_INVALID_STATE outside stable and have-local-offer, and
/// after close; RTC_ERROR_NOT_READABLE when a configured identity provider
/// cannot provide an assertion (as for rtc_pc_create_answer; with one, the
/// offer carries a=identity).
///
/// `pc` is NULL or a live handle; `options` is NULL or valid for the call.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_create_offer(
    pc: *mut rtc_pc,
    on_success: rtc_session_description_callback,
    on_failure: rtc_error_callback,
    options: *const rtc_offer_options,
    user_data: *mut c_void,
) -> rtc_error_code {
    let r = boundary(|| {
        let legacy = |v: i32| (v >= 0).then_some(v > 0);
        let opts = match options.as_ref() {
            Some(o) => OfferOptions {
                ice_restart: o.ice_restart,
                voice_activity_detection: o.voice_activity_detection,
                offer_to_receive_audio: legacy(o.offer_to_receive_audio),
                offer_to_receive_video: legacy(o.offer_to_receive_video),
            },
            None => OfferOptions::default(),
        };
        let p = pc_ref(pc)?;
        // As for answers: state first, the identity provider, then the offer.
        let contents = p.lock().offer_identity_request()?;
        p.assert_identity(contents)?;
        let r = p.lock().create_offer(opts);
        r
    });
    let made = rtc_sdp_type::RTC_SDP_TYPE_OFFER;
    finish_description(r, made, on_success, on_failure, user_data)
}

/// The host will open data channels (rtcpc does no SCTP): from now on
/// offers carry one m=application UDP/DTLS/SCTP webrtc-datachannel section
/// with a=sctp-port and a=max-message-size (RFC 8841).
/// Errors: RTC_ERROR_INVALID_STATE after close.
///
/// `pc` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_request_data_channels(pc: *mut rtc_pc) -> rtc_error_code {
    let rc = code(boundary(|| locked(pc)?.request_data_channels()));
    after_change(pc);
    rc
}

/// RTCPeerConnection.restartIce (W3C): the next offer (rtc_pc_create_offer,
/// or the implicit one of rtc_pc_set_local_description) restarts ICE on
/// every transport, as rtc_offer_options.ice_restart does, and
/// negotiation is needed (the negotiationneeded callback runs, in stable)
/// until an answer is applied whose local description has new
/// credentials everywhere. Does nothing before any local description or
/// after rtc_pc_close. Errors: RTC_ERROR_INVALID_ARGUMENT for a NULL pc.
///
/// `pc` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_restart_ice(pc: *mut rtc_pc) -> rtc_error_code {
    let rc = code(boundary(|| {
        locked(pc)?.restart_ice();
        Ok(())
    }));
    after_change(pc);
    rc
}

/// A call that may have changed what needs negotiating: fires a due
/// negotiationneeded event (none for a NULL handle).
///
/// `pc` is NULL or a live handle.
pub(crate) unsafe fn after_change(pc: *const rtc_pc) {
    if let Some(p) = pc.as_ref() {
        boundary(|| p.deliver_events());
    }
}

/// Registers the signalingstatechange callback (W3C onsignalingstatechange),
/// replacing an earlier one; NULL removes it. It runs once per change made
/// by rtc_pc_set_local_description and rtc_pc_set_remote_description, on
/// that call's thread, after its own callbacks, with no lock held; a remote
/// offer in have-local-offer gives two (stable, then have-remote-offer: the
/// implicit rollback). rtc_pc_close gives none (W3C). Errors:
/// RTC_ERROR_INVALID_ARGUMENT for a NULL pc.
///
/// `pc` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_set_signaling_state_callback(
    pc: *mut rtc_pc,
    callback: rtc_signaling_state_callback,
    user_data: *mut c_void,
) -> rtc_error_code {
    register(pc, callback, user_data, |p| &p.signaling_state)
}

/// Registers the track callback (W3C RTCPeerConnection.ontrack, and "process the
/// removal of a remote track"), replacing an earlier one; NULL removes it.
/// A description that lets a transceiver's receiver receive (a remote
/// offer sending, the peer's answer), or puts its track in a stream it was
/// not in (the peer's setStreams), gives an event with the peer's stream
/// and track ids; one that stops it (the peer no longer sends, the
/// m-section rejected, a local answer not receiving, the offer that
/// brought it rolled back) gives one with `removed`. It runs like the
/// signaling state callback, after it.
///
/// `pc` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_set_track_callback(
    pc: *mut rtc_pc,
    callback: rtc_track_callback,
    user_data: *mut c_void,
) -> rtc_error_code {
    register(pc, callback, user_data, |p| &p.track)
}

/// Registers the negotiationneeded callback (W3C onnegotiationneeded),
/// replacing an earlier one; NULL removes it. It runs on the thread of the
/// call that made negotiation needed (rtc_pc_add_track, _add_transceiver,
/// _transceiver_set_direction, _transceiver_stop, _request_data_channels,
/// or the description call that ended an exchange leaving a need unmet),
/// after that call's own callbacks, with no lock held, once per need: W3C
/// "update the negotiation-needed flag" (only in stable; setCodecPreferences
/// needs no negotiation). Call rtc_pc_create_offer from it, or later.
/// Errors: RTC_ERROR_INVALID_ARGUMENT for a NULL pc.
///
/// `pc` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_set_negotiation_needed_callback(
    pc: *mut rtc_pc,
    callback: rtc_void_callback,
    user_data: *mut c_void,
) -> rtc_error_code {
    register(pc, callback, user_data, |p| &p.negotiation_needed)
}

/// RTCPeerConnection's [[NegotiationNeeded]] flag: whether changes wait for
/// an offer/answer exchange. false for a NULL handle.
///
/// `pc` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_negotiation_needed(pc: *const rtc_pc) -> bool {
    pc.as_ref()
        .is_some_and(|p| boundary(|| p.lock().negotiation_needed()))
}

/// RTCPeerConnection.setLocalDescription (W3C) with an answer or pranswer, an offer,
/// or rollback. An empty (or NULL) `sdp` uses the answer createAnswer (or
/// the offer createOffer) made last, and creates one when none was made
/// since the last applied answer, or when a call since (a track,
/// transceiver, direction, stream, codec preference, data channel or ICE
/// restart change) means it no longer represents the connection; any other
/// text must be that description (line endings aside), else
/// RTC_ERROR_INVALID_MODIFICATION naming the first line that differs, so
/// what rtc_pc_negotiation reports is what the peer was sent. `description`
/// NULL is setLocalDescription() with no argument: an offer in stable,
/// have-local-offer and have-remote-pranswer, else an answer. An offer is taken in stable and have-local-offer, an
/// answer in have-remote-offer and have-local-pranswer (else
/// RTC_ERROR_INVALID_STATE). A description created here asks a configured
/// identity provider first, with no lock held, as rtc_pc_create_offer does.
///
/// `pc` is NULL or a live handle; `description` is NULL or valid for the call.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_set_local_description(
    pc: *mut rtc_pc,
    description: *const rtc_session_description,
    on_success: rtc_void_callback,
    on_failure: rtc_error_callback,
    user_data: *mut c_void,
) -> rtc_error_code {
    let r = boundary(|| {
        let p = pc_ref(pc)?;
        let local = match description.is_null() {
            true => None,
            false => Some(local_description_arg(description)?),
        };
        if local.is_none_or(|(t, sdp)| t != SdpType::Rollback && sdp.is_empty()) {
            let contents = p.lock().pending_identity_contents();
            p.assert_identity(contents)?;
        }
        let r = match local {
            Some((t, sdp)) => p.lock().set_local_description(t, sdp),
            None => p.lock().set_local_description_implicit(),
        };
        r
    });
    let rc = finish_void(r, on_success, on_failure, user_data);
    after_change(pc);
    rc
}

/// addTrack: after setRemoteDescription it reuses a transceiver of `kind`
/// that the offer created and that has no track (recvonly becomes sendrecv);
/// otherwise it adds a transceiver. `stream_id` may be NULL (no stream).
///
/// `pc` is NULL or a live handle; strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_add_track(
    pc: *mut rtc_pc,
    kind: RawMediaKind,
    track_id: *const c_char,
    stream_id: *const c_char,
) -> rtc_error_code {
    let rc = code(boundary(|| {
        let kind = rtc_media_kind::from_raw(kind)?;
        let track = str_arg(track_id, "track_id")?;
        let stream = opt_str_arg(stream_id, "stream_id")?.unwrap_or("");
        let r = locked(pc)?.add_track(kind, track, stream).map(|_| ());
        r
    }));
    after_change(pc);
    rc
}

/// Writes the connection's DTLS certificate and its private key, both PEM,
/// certificate first ("-----BEGIN CERTIFICATE-----" ... then "-----BEGIN
/// PRIVATE KEY-----" ..., PKCS#8 for a generated key, as given for an
/// imported one), for the host's DTLS stack (OpenSSL reads both from one
/// buffer). snprintf contract: at most capacity-1 bytes and a NUL; returns
/// the full length (0 when pc is NULL); `buffer` may be NULL when capacity is
/// 0. The key is secret: the buffer is the caller's to keep safe and wipe.
///
/// `pc` is NULL or a live handle; `buffer` is valid for `capacity` bytes.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_certificate_pem(
    pc: *const rtc_pc,
    buffer: *mut c_char,
    capacity: usize,
) -> usize {
    let Some(p) = pc.as_ref() else { return 0 };
    boundary(|| write_buf(&p.lock().certificate().pem(), buffer, capacity))
}

/// Copies a description's SDP into `buffer` like snprintf (at most
/// capacity-1 bytes and a NUL) and returns its full length, so a caller can
/// size the buffer; returns 0 when there is no such description or pc is
/// NULL. `type_out` (may be NULL) receives its type. `buffer` may be NULL
/// when `capacity` is 0.
///
/// `pc` is NULL or a live handle; `buffer` is valid for `capacity` bytes.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_description(
    pc: *const rtc_pc,
    slot: RawDescriptionSlot,
    type_out: *mut rtc_sdp_type,
    buffer: *mut c_char,
    capacity: usize,
) -> usize {
    let Some(p) = pc.as_ref() else { return 0 };
    boundary(|| {
        let g = p.lock();
        use rtc_description_slot::*;
        let d = match rtc_description_slot::from_raw(slot) {
            Some(RTC_DESCRIPTION_LOCAL) => g.local_description(),
            Some(RTC_DESCRIPTION_REMOTE) => g.remote_description(),
            Some(RTC_DESCRIPTION_CURRENT_LOCAL) => g.current_local_description(),
            Some(RTC_DESCRIPTION_PENDING_LOCAL) => g.pending_local_description(),
            Some(RTC_DESCRIPTION_CURRENT_REMOTE) => g.current_remote_description(),
            Some(RTC_DESCRIPTION_PENDING_REMOTE) => g.pending_remote_description(),
            None => None,
        };
        let Some(d) = d else { return 0 };
        if let Some(t) = type_out.as_mut() {
            *t = d.sdp_type.into();
        }
        write_buf(&d.sdp, buffer, capacity)
    })
}

/// How many transceivers the connection has (from addTrack and from offers).
///
/// `pc` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_transceiver_count(pc: *const rtc_pc) -> usize {
    let Some(p) = pc.as_ref() else { return 0 };
    boundary(|| p.lock().transceivers().len())
}

/// The media kind of transceiver `index`.
///
/// `pc` is NULL or a live handle; `kind_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_transceiver_kind(
    pc: *const rtc_pc,
    index: usize,
    kind_out: *mut rtc_media_kind,
) -> rtc_error_code {
    code(boundary(|| {
        let out = kind_out
            .as_mut()
            .ok_or_else(|| Error::invalid_argument("kind_out is NULL"))?;
        *out = super::transceiver::with_transceiver(pc, index, |t| t.kind.into())?;
        Ok(())
    }))
}

/// Copies the mid of transceiver `index` like snprintf and returns its length;
/// 0 when it has no mid yet, index is out of range or pc is NULL.
///
/// `pc` is NULL or a live handle; `buffer` is valid for `capacity` bytes.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_transceiver_mid(
    pc: *const rtc_pc,
    index: usize,
    buffer: *mut c_char,
    capacity: usize,
) -> usize {
    boundary(
        || match super::transceiver::with_transceiver(pc, index, |t| t.mid.clone()) {
            Ok(Some(mid)) => write_buf(&mid, buffer, capacity),
            _ => 0,
        },
    )
}
