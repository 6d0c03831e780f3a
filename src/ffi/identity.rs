//! Identity providers from C (issue: W3C "Identity for WebRTC 1.0").
//! The provider's callbacks run on the calling thread with no lock held;
//! the core only sees their results.

use super::*;
use crate::identity::{IdentityProvider, ProviderReport, RemoteIdentity};
use std::ffi::c_void;
use std::ffi::CString;

/// The result a provider callback fills; valid only during that callback.
pub struct rtc_identity_result {
    kind: ResultKind,
    report: ProviderReport,
}

#[derive(PartialEq, Eq)]
enum ResultKind {
    Generate,
    Validate,
}

impl rtc_identity_result {
    fn new(kind: ResultKind) -> Self {
        rtc_identity_result {
            kind,
            report: ProviderReport::default(),
        }
    }
}

/// Asks the provider for an assertion over `contents`.
/// `result` is valid only during the call; strings are owned by rtcpc and
/// valid only during the call.
pub type rtc_identity_generate_callback = Option<
    unsafe extern "C" fn(
        contents: *const c_char,
        origin: *const c_char,
        username_hint: *const c_char,
        result: *mut rtc_identity_result,
        user_data: *mut c_void,
    ),
>;

/// Asks the provider to validate a remote assertion; it answers with
/// rtc_identity_result_set_identity (the identity and the contents the
/// assertion covers) or rtc_identity_result_fail.
pub type rtc_identity_validate_callback = Option<
    unsafe extern "C" fn(
        assertion: *const c_char,
        origin: *const c_char,
        result: *mut rtc_identity_result,
        user_data: *mut c_void,
    ),
>;

/// An identity provider (IdP). rtc_configuration_set_identity_provider copies
/// the strings; the callbacks and user_data are kept as given and must stay
/// usable while connections made from the configuration live.
#[repr(C)]
pub struct rtc_identity_provider {
    /// The IdP's domain; required.
    pub domain: *const c_char,
    /// NULL means "default".
    pub protocol: *const c_char,
    /// Handed to the IdP as the origin; NULL means "".
    pub origin: *const c_char,
    /// May be NULL.
    pub username_hint: *const c_char,
    /// Required.
    pub generate_assertion: rtc_identity_generate_callback,
    /// May be NULL: then remote assertions cannot be validated.
    pub validate_assertion: rtc_identity_validate_callback,
    /// Passed to both callbacks as is.
    pub user_data: *mut c_void,
}

/// The callbacks and strings of a configured provider, copied.
#[derive(Clone)]
pub(crate) struct IdpCallbacks {
    generate: unsafe extern "C" fn(
        *const c_char,
        *const c_char,
        *const c_char,
        *mut rtc_identity_result,
        *mut c_void,
    ),
    validate: rtc_identity_validate_callback,
    origin: CString,
    username_hint: Option<CString>,
    user_data: *mut c_void,
}

/// Sets the identity provider: every answer then carries an identity
/// assertion (a=identity), and remote assertions are validated with it.
///
/// `provider` is NULL or valid for the call.
#[no_mangle]
pub unsafe extern "C" fn rtc_configuration_set_identity_provider(
    config: *mut rtc_configuration,
    provider: *const rtc_identity_provider,
) -> rtc_error_code {
    with_builder(config, |c| {
        let p = provider
            .as_ref()
            .ok_or_else(|| Error::invalid_argument("provider is NULL"))?;
        let domain = str_arg(p.domain, "provider->domain")?;
        if domain.is_empty() {
            return Err(Error::invalid_argument("provider->domain is empty"));
        }
        let protocol = opt_str_arg(p.protocol, "provider->protocol")?.unwrap_or("default");
        let origin = opt_str_arg(p.origin, "provider->origin")?.unwrap_or("");
        let hint = opt_str_arg(p.username_hint, "provider->username_hint")?;
        let generate = p
            .generate_assertion
            .ok_or_else(|| Error::invalid_argument("provider->generate_assertion is NULL"))?;
        c.idp = Some(IdpCallbacks {
            generate,
            validate: p.validate_assertion,
            origin: c_string(origin),
            username_hint: hint.map(c_string),
            user_data: p.user_data,
        });
        c.inner.identity_provider = Some(IdentityProvider {
            domain: domain.to_string(),
            protocol: protocol.to_string(),
        });
        Ok(())
    })
}

/// RTCConfiguration.peerIdentity: setRemoteDescription refuses an offer
/// whose validated identity is not this one (or that has none).
///
/// `identity` is NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rtc_configuration_set_peer_identity(
    config: *mut rtc_configuration,
    identity: *const c_char,
) -> rtc_error_code {
    with_builder(config, |c| {
        c.inner.peer_identity = Some(str_arg(identity, "identity")?.to_string());
        Ok(())
    })
}

fn record(
    r: *mut rtc_identity_result,
    f: impl FnOnce(&mut rtc_identity_result) -> Result<(), Error>,
) -> rtc_error_code {
    let out = boundary(|| {
        // SAFETY: the pointer rtcpc handed to the running callback, or NULL.
        let res = unsafe { mut_arg(r, "result") }?;
        let outcome = f(res);
        if let Err(e) = &outcome {
            res.report.misuse.get_or_insert_with(|| e.message.clone());
        }
        outcome
    });
    code(out)
}

/// From a generate callback: the assertion (copied).
///
/// `result` is the pointer given to the running callback; `assertion` is NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rtc_identity_result_set_assertion(
    result: *mut rtc_identity_result,
    assertion: *const c_char,
) -> rtc_error_code {
    record(result, |r| {
        if r.kind != ResultKind::Generate {
            return Err(Error::invalid_state(
                "set_assertion is for generate callbacks",
            ));
        }
        r.report.assertion = Some(str_arg(assertion, "assertion")?.to_string());
        Ok(())
    })
}

/// From a validate callback: the identity ("name@domain") the assertion
/// proves and the contents it covers (the JSON the peer's IdP signed).
///
/// `result` is the pointer given to the running callback; strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rtc_identity_result_set_identity(
    result: *mut rtc_identity_result,
    identity: *const c_char,
    contents: *const c_char,
) -> rtc_error_code {
    record(result, |r| {
        if r.kind != ResultKind::Validate {
            return Err(Error::invalid_state(
                "set_identity is for validate callbacks",
            ));
        }
        r.report.identity = Some((
            str_arg(identity, "identity")?.to_string(),
            str_arg(contents, "contents")?.to_string(),
        ));
        Ok(())
    })
}

/// From either callback: the provider cannot vouch. `error_detail` is an
/// RTCErrorDetailType value ("idp-need-login", "idp-execution-failure",
/// "idp-timeout", "idp-token-invalid", ...); both strings may be NULL.
///
/// `result` is the pointer given to the running callback; strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rtc_identity_result_fail(
    result: *mut rtc_identity_result,
    error_detail: *const c_char,
    message: *const c_char,
) -> rtc_error_code {
    record(result, |r| {
        let detail = opt_str_arg(error_detail, "error_detail")?.unwrap_or("idp-execution-failure");
        let msg = opt_str_arg(message, "message")?.unwrap_or("");
        r.report.failure = Some((detail.to_string(), msg.to_string()));
        Ok(())
    })
}

impl IdpCallbacks {
    /// Runs the generate callback: the assertion, or NotReadableError.
    pub(crate) fn generate(&self, contents: &str) -> Result<String, Error> {
        let mut r = rtc_identity_result::new(ResultKind::Generate);
        let contents = c_string(contents);
        let hint = self
            .username_hint
            .as_ref()
            .map_or(std::ptr::null(), |h| h.as_ptr());
        // SAFETY: a callback the application configured; every pointer lives
        // until it returns.
        unsafe {
            (self.generate)(
                contents.as_ptr(),
                self.origin.as_ptr(),
                hint,
                &mut r,
                self.user_data,
            )
        };
        r.report.into_assertion()
    }

    /// Validates the a=identity of an offer, if it has one.
    pub(crate) fn validate(&self, sdp: &str) -> RemoteIdentity {
        let ask = self.validate.map(|validate| {
            move |assertion: &str| {
                let mut r = rtc_identity_result::new(ResultKind::Validate);
                let assertion = c_string(assertion);
                // SAFETY: as in generate.
                unsafe {
                    validate(
                        assertion.as_ptr(),
                        self.origin.as_ptr(),
                        &mut r,
                        self.user_data,
                    )
                };
                r.report
            }
        });
        crate::identity::validate_offer(sdp, ask)
    }
}

/// The validated identity of the remote peer (RTCPeerConnection.peerIdentity),
/// or NULL until one was validated. Valid until rtc_pc_free. A different
/// identity is refused; only a rollback of the offer that brought it takes
/// it back (then NULL again).
///
/// `pc` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_peer_identity(pc: *const rtc_pc) -> *const c_char {
    let Some(p) = pc.as_ref() else {
        return std::ptr::null();
    };
    boundary(|| {
        let Some(id) = p.lock().peer_identity().map(c_string) else {
            return std::ptr::null();
        };
        let mut kept = p.peer_identities.lock();
        match kept.iter().find(|k| **k == id) {
            Some(k) => k.as_ptr(),
            None => {
                kept.push(id);
                kept.last().map_or(std::ptr::null(), |k| k.as_ptr())
            }
        }
    })
}
