//! rtc_version: the library's version, for comparing with the header's
//! RTCPC_VERSION_MAJOR/MINOR/PATCH at run time.

use std::ffi::c_char;

/// The version of the loaded library, "MAJOR.MINOR.PATCH" (the same numbers
/// as RTCPC_VERSION_MAJOR/MINOR/PATCH in the header it was built with). The
/// string is static: never free it.
#[no_mangle]
pub extern "C" fn rtc_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
