//! ICE candidates: remote ones trickled in (W3C addIceCandidate, RFC 8839
//! 4.2) and local ones learnt after creation; restartIce.

use super::{PeerConnection, Remote};
use crate::error::{Error, Result};
use crate::sdp;
use crate::sdp::edit::{append_to_sections, insert_in_section};
use std::sync::Arc;

impl PeerConnection {
    /// RTCPeerConnection.restartIce (W3C): the next offer (createOffer or
    /// the implicit one) restarts ICE on every transport, and negotiation
    /// is needed until an answer is applied whose local description has
    /// none of the credentials the local descriptions have now. Nothing
    /// before any local description, or once closed.
    pub fn restart_ice(&mut self) {
        if self.check_open("restartIce").is_err() {
            return;
        }
        self.ice_to_replace = self.local_ufrags();
        self.changed();
    }

    /// The ice-ufrag values of the current and pending local descriptions.
    fn local_ufrags(&self) -> Vec<String> {
        let pending = self.exchange.pending_local_offer();
        let current = self.current_local.as_ref().map(|a| a.local_sections());
        let sections = current
            .into_iter()
            .flatten()
            .chain(pending.into_iter().flat_map(|p| &p.local.offer.local));
        let mut ufrags: Vec<String> = Vec::new();
        for ice in sections.filter_map(|s| s.ice.as_ref()) {
            if !ufrags.contains(&ice.ufrag) {
                ufrags.push(ice.ufrag.clone());
            }
        }
        ufrags
    }

    /// After an answer is applied: credentials restartIce asked to
    /// replace that the local description no longer has are replaced.
    pub(super) fn forget_replaced_ice(&mut self) {
        if self.ice_to_replace.is_empty() {
            return;
        }
        let now = self.local_ufrags();
        if !now.iter().any(|u| self.ice_to_replace.contains(u)) {
            self.ice_to_replace.clear();
        }
    }

    /// RTCPeerConnection.addIceCandidate (W3C): a remote candidate for the m-section
    /// named by mid (or, without mid, by index); an empty candidate means
    /// end-of-candidates. Kept in the remote description.
    pub fn add_ice_candidate(
        &mut self,
        candidate: &str,
        mid: Option<&str>,
        index: Option<usize>,
    ) -> Result<()> {
        self.add_ice_candidate_with_ufrag(candidate, mid, index, None)
    }

    /// addIceCandidate with RTCIceCandidateInit.usernameFragment: it must be
    /// the ice-ufrag of the m-section in the pending or the current remote
    /// description (W3C: else OperationError).
    pub fn add_ice_candidate_with_ufrag(
        &mut self,
        candidate: &str,
        mid: Option<&str>,
        index: Option<usize>,
        ufrag: Option<&str>,
    ) -> Result<()> {
        self.check_open("addIceCandidate")?;
        if let Some(u) = ufrag {
            self.check_remote_ufrag(u, mid, index)?;
        }
        let body = candidate.trim();
        let body = body.strip_prefix("a=").unwrap_or(body);
        if mid.is_none() && index.is_none() && !body.is_empty() {
            return Err(Error::invalid_argument(
                "addIceCandidate: neither mid nor m-line index is given",
            ));
        }
        let Some(remote) = self.remote_mut() else {
            return Err(Error::invalid_state(
                "addIceCandidate: there is no remote description",
            ));
        };
        // W3C addIceCandidate: an empty candidate with neither mid nor index
        // ends the candidates of every m-section.
        if mid.is_none() && index.is_none() {
            remote.end_all_candidates();
            return Ok(());
        }
        let i = remote.section_for(mid, index)?;
        let candidate = match body.is_empty() {
            true => None,
            false => Some(remote.candidate_of(i, body)?),
        };
        remote.add_candidate(i, candidate);
        Ok(())
    }

    /// W3C addIceCandidate: `ufrag` names the credentials of the m-section
    /// (by mid, else index; any m-section with neither) in the pending or
    /// the current remote description.
    fn check_remote_ufrag(
        &self,
        ufrag: &str,
        mid: Option<&str>,
        index: Option<usize>,
    ) -> Result<()> {
        let descriptions = [self.pending_remote(), self.current_remote.as_ref()];
        let known = descriptions.into_iter().flatten().any(|r| {
            let at = match mid {
                Some(m) => r.parsed.index_of_mid(m),
                None => index,
            };
            r.parsed
                .sections
                .iter()
                .enumerate()
                .filter(|(i, _)| at.is_none_or(|a| a == *i))
                .any(|(_, s)| s.ice.ufrag.as_deref() == Some(ufrag))
        });
        match known {
            true => Ok(()),
            false => Err(Error::operation(format!(
                "addIceCandidate: usernameFragment '{}' is in neither remote description",
                sdp::printable(ufrag)
            ))),
        }
    }

    /// A local candidate learnt after creation: later answers carry it.
    pub fn add_local_candidate(&mut self, candidate: &str, mid: Option<&str>) -> Result<()> {
        self.check_open("addLocalCandidate")?;
        let c = crate::config::LocalCandidate::parse(candidate, mid)?;
        self.config.local_candidates.push(c);
        Ok(())
    }
}

/// Trickled candidates change the remote description's text and what was
/// read of it together.
impl Remote {
    /// The m-section a candidate names: by mid, else by index.
    pub(super) fn section_for(&self, mid: Option<&str>, index: Option<usize>) -> Result<usize> {
        let at = match mid {
            Some(m) => self.parsed.index_of_mid(m),
            None => index.filter(|i| *i < self.parsed.sections.len()),
        };
        at.ok_or_else(|| {
            Error::operation(format!(
                "addIceCandidate: no m-section with {}",
                match mid {
                    Some(m) => format!("mid '{}'", sdp::printable(m)),
                    None => format!("index {}", index.unwrap_or_default()),
                }
            ))
        })
    }

    /// A candidate for m-section `i`, as it will be written ("candidate:..."):
    /// it parses, and its ufrag, if it has one, is the m-section's.
    pub(super) fn candidate_of(&self, i: usize, body: &str) -> Result<String> {
        let parsed = crate::config::LocalCandidate::parse(body, None)
            .map_err(|e| Error::operation(format!("addIceCandidate: {}", e.message)))?;
        let theirs = &self.parsed.sections[i].ice.ufrag;
        if let (Some(u), Some(theirs)) = (&parsed.candidate.ufrag, theirs) {
            if u != theirs {
                return Err(Error::operation(format!(
                    "addIceCandidate: the candidate's ufrag {u} is not the m-section's ({theirs})"
                )));
            }
        }
        Ok(parsed.text)
    }

    /// Adds `candidate` to m-section `i`, or ends its candidates when None.
    pub(super) fn add_candidate(&mut self, i: usize, candidate: Option<String>) {
        let sec = &mut Arc::make_mut(&mut self.parsed).sections[i];
        let line = match candidate {
            Some(c) => {
                let line = format!("a={c}");
                sec.ice.candidates.push(c);
                line
            }
            None => {
                sec.ice.end_of_candidates = true;
                "a=end-of-candidates".to_string()
            }
        };
        self.desc.sdp = insert_in_section(&self.desc.sdp, i, &line);
    }

    /// Ends the candidates of every m-section that had not ended them.
    pub(super) fn end_all_candidates(&mut self) {
        let parsed = Arc::make_mut(&mut self.parsed);
        let ended: Vec<bool> = parsed
            .sections
            .iter()
            .map(|s| s.ice.end_of_candidates)
            .collect();
        parsed
            .sections
            .iter_mut()
            .for_each(|s| s.ice.end_of_candidates = true);
        self.desc.sdp = append_to_sections(&self.desc.sdp, "a=end-of-candidates", |i| !ended[i]);
    }
}
