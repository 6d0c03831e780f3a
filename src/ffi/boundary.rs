//! The C boundary kit: what every C function is built from (CONTRIBUTING.md
//! says which to use when). One panic boundary ([`boundary`], its value on
//! a panic chosen by the return type), one way from a Rust error to a C
//! code and the failure callback ([`code`], [`fail`]), and the argument
//! readers and writers (strings, arrays, caller buffers).

use super::*;
use crate::error::{Error, ErrorKind};
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// What a C function returns when it cannot do its work and has no error
/// code to say so with (a NULL handle, a caught panic).
pub(crate) trait Fallback {
    /// The value, given what the panic said.
    fn fallback(panic: &str) -> Self;
}

/// A call that reports its outcome: the panic becomes an internal error.
impl<T> Fallback for Result<T, Error> {
    fn fallback(panic: &str) -> Self {
        Err(Error::new(
            ErrorKind::Internal,
            format!("internal error (a bug in rtcpc): {panic}"),
        ))
    }
}

impl Fallback for rtc_error_code {
    fn fallback(_panic: &str) -> Self {
        rtc_error_code::RTC_ERROR_INTERNAL
    }
}
impl Fallback for u64 {
    fn fallback(_panic: &str) -> Self {
        0
    }
}
impl Fallback for usize {
    fn fallback(_panic: &str) -> Self {
        0
    }
}
impl<T> Fallback for Option<T> {
    fn fallback(_panic: &str) -> Self {
        None
    }
}
impl Fallback for bool {
    fn fallback(_panic: &str) -> Self {
        false
    }
}
impl Fallback for () {
    fn fallback(_panic: &str) -> Self {}
}
impl<T> Fallback for *const T {
    fn fallback(_panic: &str) -> Self {
        std::ptr::null()
    }
}
impl<T> Fallback for *mut T {
    fn fallback(_panic: &str) -> Self {
        std::ptr::null_mut()
    }
}
impl Fallback for rtc_signaling_state {
    fn fallback(_panic: &str) -> Self {
        rtc_signaling_state::RTC_SIGNALING_STATE_CLOSED
    }
}
impl Fallback for rtc_dtls_role {
    fn fallback(_panic: &str) -> Self {
        rtc_dtls_role::RTC_DTLS_ROLE_CLIENT
    }
}

/// The one panic boundary: runs `f`, and where it panics returns the
/// fallback of its return type instead of unwinding into C.
pub(crate) fn boundary<T: Fallback>(f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| T::fallback(&panic_message(&*p)))
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

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

/// Reads a pointer argument: NULL is a TypeError naming `what`.
///
/// `p` is NULL or valid for the returned lifetime.
pub(crate) unsafe fn mut_arg<'a, T>(p: *mut T, what: &str) -> Result<&'a mut T, Error> {
    p.as_mut()
        .ok_or_else(|| Error::invalid_argument(format!("{what} is NULL")))
}

/// Reads a C string argument: NULL and bad UTF-8 are TypeErrors.
///
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

/// Reads a C array of `count` items with `read` (index, item); NULL is
/// taken only with a count of 0.
///
/// `p` is NULL or valid for `count` items.
pub(crate) unsafe fn array_arg<T, U>(
    p: *const T,
    count: usize,
    what: &str,
    read: impl Fn(usize, &T) -> Result<U, Error>,
) -> Result<Vec<U>, Error> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if p.is_null() {
        return Err(Error::invalid_argument(format!(
            "{what} is NULL with a count of {count}"
        )));
    }
    (0..count).map(|i| read(i, &*p.add(i))).collect()
}

/// Reads `count` strings from a C array.
///
/// `p` is NULL or valid for `count` NUL-terminated strings.
pub(crate) unsafe fn str_array(
    p: *const *const c_char,
    count: usize,
    what: &str,
) -> Result<Vec<String>, Error> {
    array_arg(p, count, what, |i, s| {
        str_arg(*s, &format!("{what}[{i}]")).map(str::to_string)
    })
}
