//! C enums and their core twins, both ways, from one table each.

use super::*;
use crate::config::BundlePolicy;
use crate::dtls::DtlsRole;
use crate::ice::IceRole;
use crate::signaling::{SdpType, SignalingState};
use crate::transceiver::{Direction, MediaKind};
use log::{Level, LevelFilter};
use std::ffi::c_int;

/// `c_enum!(CType <=> CoreType, "what" { C_VARIANT = n <=> Core::Variant, ... })`:
/// `CType::from_raw(int)` checks a C int (an out-of-range value is a
/// TypeError, never undefined behaviour) and `CType::from(core)` converts back.
macro_rules! c_enum {
    ($c:ident <=> $core:ty, $what:literal { $($cv:ident = $n:literal <=> $corev:path),* $(,)? }) => {
        impl $c {
            #[allow(dead_code)] // some are only reported
            pub(crate) fn from_raw(raw: c_int) -> Result<$core, Error> {
                match raw {
                    $($n => Ok($corev),)*
                    v => Err(Error::invalid_argument(format!("{v} is not {}", $what))),
                }
            }
        }
        impl From<$core> for $c {
            fn from(v: $core) -> $c {
                match v {
                    $($corev => $c::$cv,)*
                }
            }
        }
    };
}

c_enum!(rtc_sdp_type <=> SdpType, "an rtc_sdp_type" {
    RTC_SDP_TYPE_OFFER = 0 <=> SdpType::Offer,
    RTC_SDP_TYPE_PRANSWER = 1 <=> SdpType::Pranswer,
    RTC_SDP_TYPE_ANSWER = 2 <=> SdpType::Answer,
    RTC_SDP_TYPE_ROLLBACK = 3 <=> SdpType::Rollback,
});

c_enum!(rtc_media_kind <=> MediaKind, "an rtc_media_kind" {
    RTC_MEDIA_KIND_AUDIO = 0 <=> MediaKind::Audio,
    RTC_MEDIA_KIND_VIDEO = 1 <=> MediaKind::Video,
});

// RTC_DIRECTION_STOPPED and _NONE are reported, never set.
c_enum!(rtc_direction <=> Direction, "a settable rtc_direction" {
    RTC_DIRECTION_SENDRECV = 0 <=> Direction::SendRecv,
    RTC_DIRECTION_SENDONLY = 1 <=> Direction::SendOnly,
    RTC_DIRECTION_RECVONLY = 2 <=> Direction::RecvOnly,
    RTC_DIRECTION_INACTIVE = 3 <=> Direction::Inactive,
});

c_enum!(rtc_signaling_state <=> SignalingState, "an rtc_signaling_state" {
    RTC_SIGNALING_STATE_STABLE = 0 <=> SignalingState::Stable,
    RTC_SIGNALING_STATE_HAVE_LOCAL_OFFER = 1 <=> SignalingState::HaveLocalOffer,
    RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER = 2 <=> SignalingState::HaveRemoteOffer,
    RTC_SIGNALING_STATE_HAVE_LOCAL_PRANSWER = 3 <=> SignalingState::HaveLocalPranswer,
    RTC_SIGNALING_STATE_HAVE_REMOTE_PRANSWER = 4 <=> SignalingState::HaveRemotePranswer,
    RTC_SIGNALING_STATE_CLOSED = 5 <=> SignalingState::Closed,
});

c_enum!(rtc_dtls_role <=> DtlsRole, "an rtc_dtls_role" {
    RTC_DTLS_ROLE_CLIENT = 0 <=> DtlsRole::Client,
    RTC_DTLS_ROLE_SERVER = 1 <=> DtlsRole::Server,
});

c_enum!(rtc_bundle_policy <=> BundlePolicy, "an rtc_bundle_policy" {
    RTC_BUNDLE_POLICY_BALANCED = 0 <=> BundlePolicy::Balanced,
    RTC_BUNDLE_POLICY_MAX_COMPAT = 1 <=> BundlePolicy::MaxCompat,
    RTC_BUNDLE_POLICY_MAX_BUNDLE = 2 <=> BundlePolicy::MaxBundle,
});

c_enum!(rtc_ice_role <=> IceRole, "an rtc_ice_role" {
    RTC_ICE_ROLE_CONTROLLING = 0 <=> IceRole::Controlling,
    RTC_ICE_ROLE_CONTROLLED = 1 <=> IceRole::Controlled,
});

c_enum!(rtc_log_level <=> LevelFilter, "an rtc_log_level" {
    RTC_LOG_LEVEL_OFF = 0 <=> LevelFilter::Off,
    RTC_LOG_LEVEL_ERROR = 1 <=> LevelFilter::Error,
    RTC_LOG_LEVEL_WARN = 2 <=> LevelFilter::Warn,
    RTC_LOG_LEVEL_INFO = 3 <=> LevelFilter::Info,
    RTC_LOG_LEVEL_DEBUG = 4 <=> LevelFilter::Debug,
    RTC_LOG_LEVEL_TRACE = 5 <=> LevelFilter::Trace,
});

impl From<Level> for rtc_log_level {
    fn from(l: Level) -> rtc_log_level {
        l.to_level_filter().into()
    }
}

impl From<Option<Direction>> for rtc_direction {
    /// currentDirection: NONE before an answer was applied.
    fn from(d: Option<Direction>) -> rtc_direction {
        d.map_or(rtc_direction::RTC_DIRECTION_NONE, Into::into)
    }
}

impl rtc_description_slot {
    const ALL: [rtc_description_slot; 6] = [
        rtc_description_slot::RTC_DESCRIPTION_LOCAL,
        rtc_description_slot::RTC_DESCRIPTION_REMOTE,
        rtc_description_slot::RTC_DESCRIPTION_CURRENT_LOCAL,
        rtc_description_slot::RTC_DESCRIPTION_PENDING_LOCAL,
        rtc_description_slot::RTC_DESCRIPTION_CURRENT_REMOTE,
        rtc_description_slot::RTC_DESCRIPTION_PENDING_REMOTE,
    ];

    /// The slot a C int names, if any.
    pub(crate) fn from_raw(raw: c_int) -> Option<rtc_description_slot> {
        Self::ALL.into_iter().find(|s| *s as c_int == raw)
    }
}
