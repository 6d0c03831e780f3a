//! rtc_set_log_callback: the `log` crate's records, handed to a C callback.
//!
//! One global logger is installed with `log::set_logger` on the first call;
//! it forwards to the callback currently registered. `log::set_max_level`
//! follows the registered level, so the `log` macros skip a record below it
//! before its arguments are evaluated or formatted.
//!
//! Replacement guarantee: the registered callback lives in a read-write lock.
//! Forwarding a record holds the read lock for the whole callback call;
//! `rtc_set_log_callback` takes the write lock to swap it, so it waits for
//! every call of the old callback in flight on other threads, and once it
//! returns no thread can still see the old one.

use super::*;
use log::{Level, LevelFilter, Log, Metadata, Record};
use once_cell::sync::OnceCell;
use parking_lot::RwLock;
use std::cell::{Cell, RefCell};
use std::ffi::{c_char, c_int, c_void};

/// Severity of a log record, and the most verbose level a callback receives.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum rtc_log_level {
    /// As max_level: no records at all.
    RTC_LOG_LEVEL_OFF = 0,
    /// Errors; rtcpc reports refused input at WARN.
    RTC_LOG_LEVEL_ERROR = 1,
    /// Refused input (the message the failure callback carries).
    RTC_LOG_LEVEL_WARN = 2,
    /// Informational records.
    RTC_LOG_LEVEL_INFO = 3,
    /// Negotiation decisions.
    RTC_LOG_LEVEL_DEBUG = 4,
    /// The most detailed records (e.g. SDP lines ignored while parsing).
    RTC_LOG_LEVEL_TRACE = 5,
}

/// Receives one log record. `target` (the Rust module, e.g. "rtcpc::ffi")
/// and `message` are NUL-terminated UTF-8, valid only during the call.
pub type rtc_log_callback = Option<
    unsafe extern "C" fn(
        level: rtc_log_level,
        target: *const c_char,
        message: *const c_char,
        user_data: *mut c_void,
    ),
>;

/// The max_level argument arrives as a C int and is checked (see RawMediaKind).
pub type RawLogLevel = c_int;

#[derive(Clone, Copy)]
struct Sink {
    callback: unsafe extern "C" fn(rtc_log_level, *const c_char, *const c_char, *mut c_void),
    user_data: *mut c_void,
    max_level: LevelFilter,
}

// SAFETY: the caller of rtc_set_log_callback promises that the callback may
// be called from any thread with this user_data (the documented contract).
unsafe impl Send for Sink {}
unsafe impl Sync for Sink {}

static SINK: RwLock<Option<Sink>> = RwLock::new(None);
static LOGGER: Bridge = Bridge;
/// Whether our logger is the process's `log` logger (set once).
static INSTALLED: OnceCell<bool> = OnceCell::new();

thread_local! {
    /// Set while this thread runs the log callback.
    static IN_CALLBACK: Cell<bool> = const { Cell::new(false) };
    /// How many handle locks this thread holds: records wait in DEFERRED
    /// until the last is released, so the callback never runs under a lock.
    static LOCKS_HELD: Cell<u32> = const { Cell::new(0) };
    static DEFERRED: RefCell<Vec<Pending>> = const { RefCell::new(Vec::new()) };
}

/// A record formatted while a lock was held.
struct Pending {
    level: Level,
    target: String,
    message: String,
}

/// Held next to a handle's lock guard, and dropped after it: while any is
/// alive on this thread, records are kept; the last one delivers them.
pub(crate) struct DeferLogs(());

impl DeferLogs {
    pub(crate) fn new() -> Self {
        let _ = LOCKS_HELD.try_with(|n| n.set(n.get() + 1));
        DeferLogs(())
    }
}

impl Drop for DeferLogs {
    fn drop(&mut self) {
        let last = LOCKS_HELD
            .try_with(|n| {
                n.set(n.get().saturating_sub(1));
                n.get() == 0
            })
            .unwrap_or(false);
        if last {
            let records = DEFERRED
                .try_with(|d| std::mem::take(&mut *d.borrow_mut()))
                .unwrap_or_default();
            for r in records {
                deliver(r.level, &r.target, &r.message);
            }
        }
    }
}

fn locks_held() -> bool {
    LOCKS_HELD.try_with(|n| n.get() > 0).unwrap_or(false)
}

struct InCallback;
impl InCallback {
    fn enter() -> Self {
        let _ = IN_CALLBACK.try_with(|c| c.set(true));
        InCallback
    }
}
impl Drop for InCallback {
    fn drop(&mut self) {
        let _ = IN_CALLBACK.try_with(|c| c.set(false));
    }
}

fn in_callback() -> bool {
    IN_CALLBACK.try_with(|c| c.get()).unwrap_or(true)
}

struct Bridge;

/// Hands one record to the registered callback (no lock of a handle held).
fn deliver(level: Level, target: &str, message: &str) {
    let _flag = InCallback::enter();
    // Logging never changes an outcome: a panic in here drops the record.
    boundary(|| {
        // A waiting rtc_set_log_callback goes before new readers, so
        // steady logging on other threads cannot starve it.
        let sink = SINK.read();
        let Some(s) = *sink else { return };
        if level > s.max_level {
            return;
        }
        let target = c_string(target);
        let message = c_string(message);
        // SAFETY: a callback the application registered; the strings live
        // until it returns. The read lock is held across the call.
        unsafe { (s.callback)(level.into(), target.as_ptr(), message.as_ptr(), s.user_data) };
    })
}

impl Log for Bridge {
    fn enabled(&self, metadata: &Metadata) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record) {
        // A record from an rtcpc call made inside the log callback (or while
        // formatting a record) is dropped: no recursion into the callback.
        if in_callback() {
            return;
        }
        // Formatting never changes an outcome: a panic in it drops the record.
        let formatted = {
            let _flag = InCallback::enter();
            boundary(|| {
                Some(Pending {
                    level: record.level(),
                    target: record.target().to_string(),
                    message: record.args().to_string(),
                })
            })
        };
        let Some(p) = formatted else { return };
        if locks_held() {
            let _ = DEFERRED.try_with(|d| d.borrow_mut().push(p));
        } else {
            deliver(p.level, &p.target, &p.message);
        }
    }

    fn flush(&self) {}
}

/// Routes rtcpc's log records to `callback`: process-wide, callable at any
/// time from any thread; a later call replaces the earlier one.
/// Records more verbose than `max_level` are skipped before they are
/// formatted. `RTC_LOG_LEVEL_OFF` or a NULL callback stops logging (the
/// default). Refused input is logged at WARN as "<name>: <message>", the
/// rtc_error the failure callback receives; negotiation decisions at DEBUG.
///
/// The callback may run on any thread that calls into rtcpc, concurrently
/// on several threads; it must not unwind. It never runs with a handle's
/// lock held: records made while a call holds one are delivered when the
/// lock is released, before the call's own callbacks run, so the log
/// callback may call any rtc_pc_* function on the same handle. Once this function has returned,
/// the callback it replaced is never called again (it waits for calls of
/// the old callback still running on other threads). Records produced by
/// rtcpc calls made from inside the callback are dropped, and calling
/// rtc_set_log_callback from inside it fails with RTC_ERROR_INVALID_STATE.
/// Errors: RTC_ERROR_INVALID_ARGUMENT for a max_level out of range,
/// RTC_ERROR_INVALID_STATE when another `log` logger is installed in the
/// process (a Rust program linking rtcpc; never the case from C).
#[no_mangle]
pub extern "C" fn rtc_set_log_callback(
    max_level: RawLogLevel,
    callback: rtc_log_callback,
    user_data: *mut c_void,
) -> rtc_error_code {
    let r = boundary(|| {
        let level = rtc_log_level::from_raw(max_level)?;
        if in_callback() {
            return Err(Error::new(
                ErrorKind::InvalidState,
                "rtc_set_log_callback called from inside the log callback",
            ));
        }
        let new = match callback {
            Some(callback) if level != LevelFilter::Off => Some(Sink {
                callback,
                user_data,
                max_level: level,
            }),
            _ => None,
        };
        let installed = *INSTALLED.get_or_init(|| log::set_logger(&LOGGER).is_ok());
        if !installed {
            return if new.is_none() {
                Ok(())
            } else {
                Err(Error::new(
                    ErrorKind::InvalidState,
                    "another logger is installed for the log crate in this process",
                ))
            };
        }
        let mut sink = SINK.write();
        *sink = new;
        log::set_max_level(new.map_or(LevelFilter::Off, |s| s.max_level));
        Ok(())
    });
    match r {
        Ok(()) => rtc_error_code::RTC_OK,
        Err(e) => code_of(e.kind),
    }
}
