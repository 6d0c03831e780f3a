//! Per-connection configuration (what rtc_configuration builds).

use crate::codec::Capabilities;
use crate::dtls::{Certificate, DtlsRole};
use crate::error::{Error, Result};
use crate::ice::IceCredentials;
use crate::sdp::printable;
use std::sync::Arc;
use webrtc_sdp::attribute_type::{SdpAttribute, SdpAttributeCandidate};
use webrtc_sdp::{parse_sdp_line, SdpType};

/// A local ICE candidate the application knows of, to put in descriptions.
#[derive(Clone)]
pub struct LocalCandidate {
    /// The m-section (by mid) it belongs to; None: the first m-section of each transport.
    pub mid: Option<String>,
    /// Parsed, for the default address; the text is what SDP carries, as given.
    pub(crate) candidate: SdpAttributeCandidate,
    /// The candidate line without a leading `a=`, as answers carry it.
    pub text: String,
}

impl LocalCandidate {
    /// Takes `candidate:...` with or without the leading `a=`.
    pub fn parse(line: &str, mid: Option<&str>) -> Result<LocalCandidate> {
        let body = line.trim().strip_prefix("a=").unwrap_or(line.trim());
        let parsed = parse_sdp_line(&format!("a={body}"), 0).map_err(|e| {
            Error::invalid_argument(format!(
                "candidate \"{}\" does not parse: {e}",
                printable(body)
            ))
        })?;
        match parsed.sdp_type {
            SdpType::Attribute(SdpAttribute::Candidate(c)) => Ok(LocalCandidate {
                mid: mid.map(str::to_string),
                candidate: c,
                text: body.to_string(),
            }),
            _ => Err(Error::invalid_argument(format!(
                "\"{}\" is not a candidate line",
                printable(body)
            ))),
        }
    }
}

/// A connection's configuration: RTCConfiguration and rtcpc's own settings.
#[derive(Clone)]
pub struct Configuration {
    /// Answer as an ICE lite agent: answers carry a=ice-lite (RFC 8839).
    pub ice_lite: bool,
    /// None: a fresh certificate per connection.
    pub certificate: Option<Arc<Certificate>>,
    /// None: random credentials per connection.
    pub ice_credentials: Option<IceCredentials>,
    /// Local candidates to put in answers.
    pub local_candidates: Vec<LocalCandidate>,
    /// Shared by the connections made from this configuration.
    pub capabilities: Arc<Capabilities>,
    /// Descriptions larger than this are refused before parsing.
    pub max_sdp_size: usize,
    /// With a provider, every answer carries an identity assertion (a=identity).
    pub identity_provider: Option<crate::identity::IdentityProvider>,
    /// The remote peer must prove this identity (RTCConfiguration.peerIdentity).
    pub peer_identity: Option<String>,
    /// The role answers take when the offer says actpass (RFC 8842 5.3).
    pub dtls_role: DtlsRole,
    /// RTCConfiguration.bundlePolicy: which new m-sections of an offer are
    /// bundle-only (JSEP 4.1.1).
    pub bundle_policy: BundlePolicy,
}

/// RTCBundlePolicy (JSEP 4.1.1): how an initial offer's m-sections gather
/// on transports. Every m-section is in one BUNDLE group; the policy says
/// which ones may stand on their own if the answerer does not bundle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BundlePolicy {
    /// The first m-section of each media type has its own transport; the
    /// others are bundle-only.
    #[default]
    Balanced,
    /// Every m-section has its own transport.
    MaxCompat,
    /// Only the first m-section has a transport; the others are bundle-only.
    MaxBundle,
}

/// The default `max_sdp_size`: 2 MiB.
pub const DEFAULT_MAX_SDP_SIZE: usize = 2 * 1024 * 1024;

impl Default for Configuration {
    fn default() -> Self {
        Configuration {
            ice_lite: false,
            certificate: None,
            ice_credentials: None,
            local_candidates: Vec::new(),
            capabilities: Arc::new(Capabilities::default()),
            max_sdp_size: DEFAULT_MAX_SDP_SIZE,
            identity_provider: None,
            peer_identity: None,
            dtls_role: DtlsRole::Client,
            bundle_policy: BundlePolicy::default(),
        }
    }
}
