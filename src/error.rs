//! Errors as the W3C spec names them (DOMException names), with a message that
//! says what was wrong and, for SDP, on which line.

use std::fmt;

/// The kind of failure; each maps to one C error code and one DOMException name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// NULL pointer, bad UTF-8 or an out-of-range enum value (the W3C TypeError).
    InvalidArgument,
    InvalidState,
    InvalidAccess,
    InvalidModification,
    /// SDP that does not parse.
    Syntax,
    Operation,
    NotReadable,
    /// A caught panic or a bug.
    Internal,
}

impl ErrorKind {
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }
    pub fn invalid_argument(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArgument, m)
    }
    pub fn invalid_state(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidState, m)
    }
    pub fn invalid_access(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidAccess, m)
    }
    pub fn syntax(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Syntax, m)
    }
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

pub type Result<T> = std::result::Result<T, Error>;
