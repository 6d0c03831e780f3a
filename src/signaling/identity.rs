//! Identity (W3C webrtc-identity, RFC 8827): the remote peer's assertion
//! checked on each offer, and ours asked of the application's provider.

use super::PeerConnection;
use crate::error::{Error, ErrorKind, Result};
use crate::identity::RemoteIdentity;
use crate::remote::RemoteDescription;

impl PeerConnection {
    /// RFC 8827 7.4 and the W3C peerIdentity rules: what the peer identity
    /// becomes with this offer, or why the offer is refused.
    pub(super) fn check_peer_identity(
        &self,
        offer: &RemoteDescription,
        remote: RemoteIdentity,
        previous: Option<&str>,
    ) -> Result<Option<String>> {
        let mut fingerprints: Vec<String> = Vec::new();
        for fp in offer.sections.iter().flat_map(|s| &s.dtls.fingerprints) {
            if !fingerprints.contains(fp) {
                fingerprints.push(fp.clone());
            }
        }
        let outcome = match remote {
            RemoteIdentity::Absent => Err("the offer carries no identity assertion".to_string()),
            RemoteIdentity::Invalid(why) => Err(why),
            RemoteIdentity::Validated {
                identity,
                contents,
                idp_domain,
            } => crate::identity::check(&identity, &contents, &idp_domain, &fingerprints)
                .map(|_| identity),
        };
        let refuse = |m: String| Error::operation(format!("setRemoteDescription: {m}"));
        match (&self.config.peer_identity, outcome) {
            (Some(required), Ok(id)) if id != *required => Err(refuse(format!(
                "the peer identity '{id}' is not the required '{required}'"
            ))),
            (Some(required), Err(why)) => Err(refuse(format!(
                "the peer identity '{required}' is required, but {why}"
            ))),
            (_, Ok(id)) => match previous {
                Some(prev) if prev != id => Err(refuse(format!(
                    "the peer identity changed from '{prev}' to '{id}'"
                ))),
                _ => Ok(Some(id)),
            },
            // Without a required identity a missing or failing assertion is
            // no error (as in Firefox): there is just no peer identity.
            (None, Err(why)) => {
                log::debug!("no peer identity: {why}");
                Ok(previous.map(str::to_string))
            }
        }
    }

    /// The validated remote identity (RTCPeerConnection.peerIdentity).
    pub fn peer_identity(&self) -> Option<&str> {
        self.peer_identity.as_deref()
    }

    /// The contents to have the identity provider sign before createAnswer:
    /// Some when a provider is configured and no assertion was obtained yet.
    /// Fails like createAnswer would in the wrong state.
    pub fn identity_request(&self) -> Result<Option<String>> {
        self.offer_to_answer("createAnswer")?;
        Ok(self.identity_contents())
    }

    /// Like `identity_request`, before createOffer.
    pub fn offer_identity_request(&self) -> Result<Option<String>> {
        self.check_can_offer()?;
        Ok(self.identity_contents())
    }

    /// What the identity provider must sign before an offer or answer can
    /// be made: Some while a provider is configured and has given no
    /// assertion (setLocalDescription may create one implicitly).
    pub fn pending_identity_contents(&self) -> Option<String> {
        self.identity_contents()
    }

    fn identity_contents(&self) -> Option<String> {
        if self.config.identity_provider.is_none() || self.identity_value.is_some() {
            return None;
        }
        let digest = self.certificate.fingerprint_hex();
        Some(crate::identity::contents(&[("sha-256", digest)]))
    }

    /// NotReadableError while a configured provider has given no assertion.
    pub(super) fn check_identity_ready(&self) -> Result<()> {
        if self.config.identity_provider.is_some() && self.identity_value.is_none() {
            return Err(Error::new(
                ErrorKind::NotReadable,
                "the identity provider has not provided an identity assertion",
            ));
        }
        Ok(())
    }

    /// The provider's assertion over `identity_request`'s contents; kept for
    /// the connection, so later answers reuse it.
    pub fn set_identity_assertion(&mut self, assertion: &str) -> Result<()> {
        let Some(idp) = &self.config.identity_provider else {
            return Err(Error::invalid_state("no identity provider is configured"));
        };
        if assertion.is_empty() {
            return Err(Error::new(
                ErrorKind::NotReadable,
                "the identity provider gave an empty assertion",
            ));
        }
        self.identity_value = Some(crate::identity::encode_attribute(idp, assertion));
        Ok(())
    }
}
