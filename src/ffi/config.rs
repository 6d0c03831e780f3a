//! rtc_configuration: an opaque builder, copied by rtc_pc_new.

use super::*;
use crate::config::{Configuration, LocalCandidate};
use crate::dtls::Certificate;
use crate::ice;

/// Opaque configuration builder.
pub struct rtc_configuration {
    pub(crate) inner: Configuration,
    pub(crate) idp: Option<super::identity::IdpCallbacks>,
}

/// Runs `f` on the builder `config` (NULL: TypeError) and returns its code.
///
/// `config` is NULL or from rtc_configuration_new.
pub(crate) unsafe fn with_builder(
    config: *mut rtc_configuration,
    f: impl FnOnce(&mut rtc_configuration) -> Result<(), Error>,
) -> rtc_error_code {
    code(boundary(|| f(mut_arg(config, "configuration")?)))
}

/// `with_builder` for what the configuration holds.
///
/// `config` is NULL or from rtc_configuration_new.
unsafe fn with_config(
    config: *mut rtc_configuration,
    f: impl FnOnce(&mut Configuration) -> Result<(), Error>,
) -> rtc_error_code {
    with_builder(config, |c| f(&mut c.inner))
}

/// A configuration with defaults: fresh certificate and ICE credentials per
/// connection, no ICE lite, no local candidates. Free with rtc_configuration_free.
#[no_mangle]
pub extern "C" fn rtc_configuration_new() -> *mut rtc_configuration {
    boundary(|| {
        Box::into_raw(Box::new(rtc_configuration {
            inner: Configuration::default(),
            idp: None,
        }))
    })
}

/// Frees a configuration. NULL is ignored. Connections made from it keep their own copy.
///
/// `config` is NULL or from rtc_configuration_new, and not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn rtc_configuration_free(config: *mut rtc_configuration) {
    if !config.is_null() {
        boundary(|| drop(Box::from_raw(config)));
    }
}

/// A copy of `config` with everything it holds (certificate, codecs, header
/// extensions, local candidates, the identity provider), to change for one
/// connection: a server keeps one configuration (e.g. with a shared
/// certificate) and derives each session's from it. Free it with
/// rtc_configuration_free; the two change apart. NULL when config is NULL.
///
/// `config` is NULL or from rtc_configuration_new, rtc_configuration_copy or
/// rtc_pc_get_configuration.
#[no_mangle]
pub unsafe extern "C" fn rtc_configuration_copy(
    config: *const rtc_configuration,
) -> *mut rtc_configuration {
    let Some(c) = config.as_ref() else {
        return std::ptr::null_mut();
    };
    boundary(|| {
        Box::into_raw(Box::new(rtc_configuration {
            inner: c.inner.clone(),
            idp: c.idp.clone(),
        }))
    })
}

/// Answer as an ICE lite agent (adds a=ice-lite).
///
/// `config` is NULL or from rtc_configuration_new.
#[no_mangle]
pub unsafe extern "C" fn rtc_configuration_set_ice_lite(
    config: *mut rtc_configuration,
    ice_lite: bool,
) -> rtc_error_code {
    with_config(config, |c| {
        c.ice_lite = ice_lite;
        Ok(())
    })
}

/// The DTLS role answers take when the offer says a=setup:actpass (RFC 8842
/// 5.3 leaves it to the answerer): RTC_DTLS_ROLE_CLIENT (the default,
/// a=setup:active) or RTC_DTLS_ROLE_SERVER (a=setup:passive: the host's DTLS
/// stack waits for the ClientHello). An offer saying active or passive
/// fixes the role, as does an earlier answer on the connection.
///
/// `config` is NULL or from rtc_configuration_new.
#[no_mangle]
pub unsafe extern "C" fn rtc_configuration_set_dtls_role(
    config: *mut rtc_configuration,
    role: RawDtlsRole,
) -> rtc_error_code {
    with_config(config, |c| {
        c.dtls_role = rtc_dtls_role::from_raw(role)?;
        Ok(())
    })
}

/// RTCConfiguration.bundlePolicy for offers: RTC_BUNDLE_POLICY_BALANCED
/// (the default), _MAX_COMPAT or _MAX_BUNDLE (see rtc_bundle_policy). Every
/// m-section is offered in one BUNDLE group either way; m-lines already
/// negotiated keep their transport.
///
/// `config` is NULL or from rtc_configuration_new.
#[no_mangle]
pub unsafe extern "C" fn rtc_configuration_set_bundle_policy(
    config: *mut rtc_configuration,
    policy: RawBundlePolicy,
) -> rtc_error_code {
    with_config(config, |c| {
        c.bundle_policy = rtc_bundle_policy::from_raw(policy)?;
        Ok(())
    })
}

/// Uses this certificate (PEM) and private key (PEM, PKCS#8) instead of a
/// fresh one per connection: connections from this configuration share it.
/// Errors: RTC_ERROR_INVALID_ARGUMENT when either does not parse, or the key
/// is not the certificate's (its public key is not in the certificate).
///
/// The strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rtc_configuration_set_certificate_pem(
    config: *mut rtc_configuration,
    certificate_pem: *const c_char,
    private_key_pem: *const c_char,
) -> rtc_error_code {
    with_config(config, |c| {
        let cert = str_arg(certificate_pem, "certificate_pem")?;
        let key = str_arg(private_key_pem, "private_key_pem")?;
        c.certificate = Some(Certificate::from_pem(cert, key)?);
        Ok(())
    })
}

/// Generates one certificate now and uses it for every connection made from
/// this configuration, as servers do.
///
/// `config` is NULL or from rtc_configuration_new.
#[no_mangle]
pub unsafe extern "C" fn rtc_configuration_generate_shared_certificate(
    config: *mut rtc_configuration,
) -> rtc_error_code {
    with_config(config, |c| {
        c.certificate = Some(Certificate::generate()?);
        Ok(())
    })
}

/// Fixed local ICE credentials (for reproducible tests). ufrag: 4-256 and
/// pwd: 22-256 characters of ALPHA / DIGIT / "+" / "/".
///
/// The strings are NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rtc_configuration_set_ice_credentials(
    config: *mut rtc_configuration,
    ufrag: *const c_char,
    pwd: *const c_char,
) -> rtc_error_code {
    with_config(config, |c| {
        let u = str_arg(ufrag, "ufrag")?;
        let p = str_arg(pwd, "pwd")?;
        c.ice_credentials = Some(ice::validate_local(u, p)?);
        Ok(())
    })
}

/// A local ICE candidate to include in answers, as "candidate:..." (with or
/// without "a="). `mid` NULL: the first m-section of every transport.
///
/// `candidate` is NUL-terminated; `mid` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rtc_configuration_add_local_candidate(
    config: *mut rtc_configuration,
    candidate: *const c_char,
    mid: *const c_char,
) -> rtc_error_code {
    with_config(config, |c| {
        let line = str_arg(candidate, "candidate")?;
        let mid = opt_str_arg(mid, "mid")?;
        c.local_candidates.push(LocalCandidate::parse(line, mid)?);
        Ok(())
    })
}

/// The largest SDP (in bytes) a connection accepts; larger ones fail with
/// RTC_ERROR_OPERATION before parsing. Default 2 MiB.
///
/// `config` is NULL or from rtc_configuration_new.
#[no_mangle]
pub unsafe extern "C" fn rtc_configuration_set_max_sdp_size(
    config: *mut rtc_configuration,
    max_bytes: usize,
) -> rtc_error_code {
    with_config(config, |c| {
        if max_bytes == 0 {
            return Err(Error::invalid_argument("max_bytes is 0"));
        }
        c.max_sdp_size = max_bytes;
        Ok(())
    })
}

/// Replaces the codecs the connection supports for `kind`, in preference
/// order (rtx, red, ulpfec, CN and telephone-event included as wanted).
///
/// `codecs` is valid for `count` entries.
#[no_mangle]
pub unsafe extern "C" fn rtc_configuration_set_codecs(
    config: *mut rtc_configuration,
    kind: RawMediaKind,
    codecs: *const rtc_codec,
    count: usize,
) -> rtc_error_code {
    with_config(config, |c| {
        let kind = rtc_media_kind::from_raw(kind)?;
        let list = super::transceiver::codecs_arg(codecs, count)?;
        match kind {
            crate::transceiver::MediaKind::Audio => {
                std::sync::Arc::make_mut(&mut c.capabilities).audio = list
            }
            crate::transceiver::MediaKind::Video => {
                std::sync::Arc::make_mut(&mut c.capabilities).video = list
            }
        }
        Ok(())
    })
}

/// Replaces the RTP header extension URIs the connection supports for `kind`.
///
/// `uris` is valid for `count` NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn rtc_configuration_set_header_extensions(
    config: *mut rtc_configuration,
    kind: RawMediaKind,
    uris: *const *const c_char,
    count: usize,
) -> rtc_error_code {
    with_config(config, |c| {
        let kind = rtc_media_kind::from_raw(kind)?;
        let list = str_array(uris, count, "uris")?;
        match kind {
            crate::transceiver::MediaKind::Audio => {
                std::sync::Arc::make_mut(&mut c.capabilities).audio_extensions = list
            }
            crate::transceiver::MediaKind::Video => {
                std::sync::Arc::make_mut(&mut c.capabilities).video_extensions = list
            }
        }
        Ok(())
    })
}

/// RTCPeerConnection.getConfiguration: a copy of the connection's
/// configuration (after any rtc_pc_set_configuration), for the caller to
/// read or change and pass to rtc_pc_set_configuration or rtc_pc_new; free
/// it with rtc_configuration_free. NULL when pc is NULL. Its local
/// candidates include those rtc_pc_add_local_candidate added: to start
/// another connection, copy the original with rtc_configuration_copy.
///
/// `pc` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_get_configuration(pc: *const rtc_pc) -> *mut rtc_configuration {
    let Some(p) = pc.as_ref() else {
        return std::ptr::null_mut();
    };
    boundary(|| {
        Box::into_raw(Box::new(rtc_configuration {
            inner: p.lock().configuration().clone(),
            idp: p.idp.clone(),
        }))
    })
}

/// RTCPeerConnection.setConfiguration (W3C "set the configuration"): the next offers and
/// answers use `config` (codecs, header extensions, local candidates, the
/// DTLS role answers take, the SDP size limit). What the connection was
/// made with stays and is RTC_ERROR_INVALID_MODIFICATION when changed: the
/// bundle policy, the certificate (none set keeps it), ICE lite, fixed ICE
/// credentials (none set keeps them), the peer identity, having an identity
/// provider or not (the provider's callbacks stay those rtc_pc_new took).
/// RTC_ERROR_INVALID_STATE after rtc_pc_close.
///
/// `pc` is NULL or a live handle; `config` is NULL or from rtc_configuration_new
/// or rtc_pc_get_configuration.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_set_configuration(
    pc: *mut rtc_pc,
    config: *const rtc_configuration,
) -> rtc_error_code {
    code(boundary(|| {
        let config = config
            .as_ref()
            .ok_or_else(|| Error::invalid_argument("configuration is NULL"))?;
        locked(pc)?.set_configuration(config.inner.clone())
    }))
}
