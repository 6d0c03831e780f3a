//! Errors as the W3C spec names them (DOMException names), with a message that
//! says what was wrong and, for SDP, on which line.

use std::fmt;

/// The kind of failure; each maps to one C error code and one DOMException name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// NULL pointer, bad UTF-8 or an out-of-range enum value (the W3C TypeError).
    InvalidArgument,
    /// InvalidStateError: wrong signaling state, a stopped transceiver, or a closed connection.
    InvalidState,
    /// InvalidAccessError: SDP that parses but an answerer cannot use; a track added twice.
    InvalidAccess,
    /// InvalidModificationError: a changed local answer, or unsupported codec preferences.
    InvalidModification,
    /// SDP that does not parse: a W3C RTCError (its name "OperationError")
    /// with errorDetail "sdp-syntax-error" and the line.
    Syntax,
    /// OperationError: oversized SDP, refused peer identity or candidate, certificate failure.
    Operation,
    /// NotReadableError: the identity provider gave no assertion.
    NotReadable,
    /// A caught panic or a bug.
    Internal,
}

impl ErrorKind {
    /// Every kind, in the order of the C error codes (1, 2, ...).
    pub const ALL: [ErrorKind; 8] = [
        ErrorKind::InvalidArgument,
        ErrorKind::InvalidState,
        ErrorKind::InvalidAccess,
        ErrorKind::InvalidModification,
        ErrorKind::Syntax,
        ErrorKind::Operation,
        ErrorKind::NotReadable,
        ErrorKind::Internal,
    ];

    /// The name an error carries: the DOMException name, or TypeError /
    /// InternalError; an SDP syntax error is an RTCError, "OperationError".
    pub fn dom_name(self) -> &'static str {
        self.dom_name_c().to_str().expect("ASCII")
    }

    /// `dom_name` as a C string (the C API hands it out).
    pub fn dom_name_c(self) -> &'static std::ffi::CStr {
        match self {
            ErrorKind::InvalidArgument => c"TypeError",
            ErrorKind::InvalidState => c"InvalidStateError",
            ErrorKind::InvalidAccess => c"InvalidAccessError",
            ErrorKind::InvalidModification => c"InvalidModificationError",
            ErrorKind::Syntax | ErrorKind::Operation => c"OperationError",
            ErrorKind::NotReadable => c"NotReadableError",
            ErrorKind::Internal => c"InternalError",
        }
    }

    /// The W3C RTCError errorDetail of an error of this kind, if it is one.
    pub fn error_detail(self) -> Option<&'static str> {
        match self {
            ErrorKind::Syntax => Some("sdp-syntax-error"),
            _ => None,
        }
    }
}

/// A failure: its kind and a message saying what was wrong (for SDP, on which line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Which failure; picks the C error code and the DOMException name.
    pub kind: ErrorKind,
    /// What was wrong, for people.
    pub message: String,
    /// RTCError.sdpLineNumber: the 1-based line of an SDP syntax error.
    pub sdp_line: Option<usize>,
}

impl Error {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            sdp_line: None,
        }
    }
    /// A TypeError (`ErrorKind::InvalidArgument`).
    pub fn invalid_argument(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArgument, m)
    }
    /// An InvalidStateError.
    pub fn invalid_state(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidState, m)
    }
    /// An InvalidAccessError.
    pub fn invalid_access(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidAccess, m)
    }
    /// SDP that does not parse, with no line to blame (empty, no t= line).
    pub fn syntax(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Syntax, m)
    }
    /// SDP that does not parse at `line` (1-based), which the message names.
    pub fn syntax_at(line: usize, m: impl Into<String>) -> Self {
        Error {
            sdp_line: Some(line),
            ..Self::new(ErrorKind::Syntax, m)
        }
    }
    /// An OperationError.
    pub fn operation(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Operation, m)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.dom_name(), self.message)
    }
}

impl std::error::Error for Error {}

/// The result of rtcpc's operations.
pub type Result<T> = std::result::Result<T, Error>;
