//! The C boundary. The one place that checks pointers, converts strings,
//! catches panics and turns Rust errors into C error codes.

#![allow(non_camel_case_types)]
// The docs are the C header's: each function states what its pointers must
// be in plain words (CONTRIBUTING.md), not under a Rust "# Safety" heading.
#![allow(clippy::missing_safety_doc)]

mod boundary;
mod config;
mod convert;
mod ice;
mod identity;
#[path = "log.rs"]
mod log_bridge;
mod negotiation;
mod pc;
mod transceiver;
mod types;
mod version;

pub(crate) use boundary::*;
pub use config::*;
pub use ice::*;
pub use identity::*;
pub use log_bridge::*;
pub use negotiation::*;
pub use pc::*;
pub use transceiver::*;
pub use types::*;
pub use version::*;

use crate::error::{Error, ErrorKind};
use std::ffi::c_char;

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
