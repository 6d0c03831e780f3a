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
    /// SDP that does not parse.
    Syntax,
    /// OperationError: oversized SDP, refused peer identity or candidate, certificate failure.
    Operation,
    /// NotReadableError: the identity provider gave no assertion.
    NotReadable,
    /// A caught panic or a bug.
    Internal,
}

impl ErrorKind {
    /// The name an error carries: the DOMException name, or TypeError / InternalError.
    pub fn dom_name(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "TypeError",
            ErrorKind::InvalidState => "InvalidStateError",
            ErrorKind::InvalidAccess => "InvalidAccessError",
            ErrorKind::InvalidModification => "InvalidModificationError",
            ErrorKind::Syntax => "SyntaxError",
            ErrorKind::Operation => "OperationError",
            ErrorKind::NotReadable => "NotReadableError",
            ErrorKind::Internal => "InternalError",
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
}

impl Error {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
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
    /// A SyntaxError; the message should name the line.
    pub fn syntax(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Syntax, m)
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
