//! The C boundary. The one place that checks pointers, converts strings,
//! catches panics and turns Rust errors into C error codes.

#![allow(non_camel_case_types)]

mod config;
mod convert;
mod identity;
#[path = "log.rs"]
mod log_bridge;
mod negotiation;
mod pc;
mod transceiver;
mod types;
mod version;

pub use config::*;
pub(crate) use convert::boundary;
pub use identity::*;
pub use log_bridge::*;
pub use negotiation::*;
pub use pc::*;
pub use transceiver::*;
pub use types::*;
pub use version::*;

use crate::error::{Error, ErrorKind};
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

pub(crate) fn code_of(kind: ErrorKind) -> rtc_error_code {
    match kind {
        ErrorKind::InvalidArgument => rtc_error_code::RTC_ERROR_INVALID_ARGUMENT,
        ErrorKind::InvalidState => rtc_error_code::RTC_ERROR_INVALID_STATE,
        ErrorKind::InvalidAccess => rtc_error_code::RTC_ERROR_INVALID_ACCESS,
        ErrorKind::InvalidModification => rtc_error_code::RTC_ERROR_INVALID_MODIFICATION,
        ErrorKind::Syntax => rtc_error_code::RTC_ERROR_SYNTAX,
        ErrorKind::Operation => rtc_error_code::RTC_ERROR_OPERATION,
        ErrorKind::NotReadable => rtc_error_code::RTC_ERROR_NOT_READABLE,
        ErrorKind::Internal => rtc_error_code::RTC_ERROR_INTERNAL,
    }
}

/// The name rtcpc gives failures of `code`, as rtc_error.name has it (the
/// W3C DOMException name: "InvalidStateError", "OperationError", ...; ""
/// for RTC_OK or an unknown code), for calls that report a code alone. The
/// string is static: never free it.
#[no_mangle]
pub extern "C" fn rtc_error_name(code: std::ffi::c_int) -> *const c_char {
    ErrorKind::ALL
        .iter()
        .find(|k| code_of(**k) as std::ffi::c_int == code)
        .map_or(c"".as_ptr(), |k| k.dom_name_c().as_ptr())
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// The code of an outcome with no callback to report it; a refusal is logged.
pub(crate) fn code(r: Result<(), Error>) -> rtc_error_code {
    match r {
        Ok(()) => rtc_error_code::RTC_OK,
        Err(e) => {
            log::warn!("{e}");
            code_of(e.kind)
        }
    }
}

/// Runs `f`, turning a panic into an internal error.
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => Err(Error::new(
            ErrorKind::Internal,
            format!("internal error (a bug in rtcpc): {}", panic_message(&*p)),
        )),
    }
}

/// Reads a C string argument: NULL and bad UTF-8 are TypeErrors.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string.
pub(crate) unsafe fn str_arg<'a>(p: *const c_char, what: &str) -> Result<&'a str, Error> {
    if p.is_null() {
        return Err(Error::invalid_argument(format!("{what} is NULL")));
    }
    CStr::from_ptr(p).to_str().map_err(|e| {
        Error::invalid_argument(format!(
            "{what} is not valid UTF-8 (byte {})",
            e.valid_up_to()
        ))
    })
}

/// Like `str_arg`, but NULL gives None.
pub(crate) unsafe fn opt_str_arg<'a>(
    p: *const c_char,
    what: &str,
) -> Result<Option<&'a str>, Error> {
    if p.is_null() {
        Ok(None)
    } else {
        str_arg(p, what).map(Some)
    }
}

/// A C string for a callback; interior NULs (impossible from C input, but
/// cheap to rule out) become '?'.
pub(crate) fn c_string(s: &str) -> CString {
    CString::new(s.replace('\0', "?")).expect("no interior NUL")
}

/// Copies `s` into a caller buffer like snprintf: at most capacity-1 bytes and
/// a NUL; returns the full length of `s`.
///
/// # Safety
/// `buffer` is NULL (then `capacity` must be 0) or valid for `capacity` bytes.
pub(crate) unsafe fn write_buf(s: &str, buffer: *mut c_char, capacity: usize) -> usize {
    if !buffer.is_null() && capacity > 0 {
        let n = s.len().min(capacity - 1);
        std::ptr::copy_nonoverlapping(s.as_ptr(), buffer.cast::<u8>(), n);
        *buffer.add(n) = 0;
    }
    s.len()
}

/// Calls the failure callback with `e` and returns its code.
pub(crate) fn fail(
    e: &Error,
    on_failure: rtc_error_callback,
    user_data: *mut std::ffi::c_void,
) -> rtc_error_code {
    let code = code_of(e.kind);
    log::warn!("{e}");
    if let Some(cb) = on_failure {
        let message = c_string(&e.message);
        let detail = e.kind.error_detail().map(c_string);
        let err = rtc_error {
            code,
            name: e.kind.dom_name_c().as_ptr(),
            message: message.as_ptr(),
            error_detail: detail.as_ref().map_or(std::ptr::null(), |d| d.as_ptr()),
            sdp_line_number: e.sdp_line.map_or(0, |l| l.min(i32::MAX as usize) as i32),
        };
        // SAFETY: the caller gave this function pointer; the pointers in
        // `err` live until after it returns.
        unsafe { cb(&err, user_data) };
    }
    code
}
