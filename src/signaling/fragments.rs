//! Trickle ICE and ICE restarts by fragment, after an exchange (RFC 8840
//! section 4.4 as RFC 9725 section 4.3 uses it: WHIP and WHEP PATCH
//! bodies). A restart changes no other state: both sides swap credentials
//! and candidates, and the current descriptions (their text and what was
//! read of them) say the new ones, so the snapshot reports what is in use.

use super::{Applied, Exchange, PeerConnection};
use crate::error::{Error, Result};
use crate::fragment::{self, FragmentBlock, FragmentSection, IceFragment};
use crate::ice::IceCredentials;
use crate::sdp::edit::replace_ice;
use std::sync::Arc;

/// What a fragment from the peer did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FragmentApplied {
    /// It brought new credentials: an ICE restart (RFC 9725 4.3.3); reply
    /// with `local_ice_fragment`.
    pub restarted: bool,
    /// Candidates added to the remote description.
    pub candidates: usize,
    /// Candidates left out: of another ICE generation (their ufrag is not
    /// the transport's), as RFC 8840 discards them.
    pub discarded: usize,
    /// It ended the candidates of a transport.
    pub end_of_candidates: bool,
}

impl PeerConnection {
    /// Applies a trickle or restart fragment from the peer: its candidates
    /// (and end-of-candidates) join the remote description; new ice-ufrag
    /// and ice-pwd restart ICE on the transport they name (every transport
    /// when the fragment has no m= line): the remote credentials and
    /// candidates are replaced, and ours are new unless we started the
    /// restart (`restart_ice_by_fragment`). Only after a completed exchange
    /// (InvalidStateError); a mid no m-section has is OperationError.
    pub fn apply_ice_fragment(&mut self, text: &str) -> Result<FragmentApplied> {
        self.check_fragment_state("applyIceFragment")?;
        let frag = fragment::parse(text)?;
        let targets = self.fragment_targets(&frag)?;
        let mut done = FragmentApplied::default();
        for (owner, section) in targets {
            let current = self.remote_ice(owner);
            match frag
                .credentials(section)
                .filter(|c| Some(*c) != current.as_ref())
            {
                Some(new) => {
                    self.restart_remote(owner, new.clone(), &frag, section);
                    done.restarted = true;
                }
                None => self.trickle(owner, &frag, section, &mut done)?,
            }
        }
        if done.restarted {
            self.ice_generation += 1;
            self.restart_by_fragment_pending = false;
        }
        Ok(done)
    }

    /// An ICE restart started here, without an offer (RFC 9725 4.3.3, as a
    /// WHIP client does it): new local credentials on every transport now;
    /// the fragment to send is returned (`local_ice_fragment`), and the
    /// peer's reply completes the restart (`apply_ice_fragment`).
    pub fn restart_ice_by_fragment(&mut self) -> Result<String> {
        self.check_fragment_state("restartIceByFragment")?;
        for owner in self.transport_owners() {
            self.restart_local(owner);
        }
        self.restart_by_fragment_pending = true;
        self.local_ice_fragment()
    }

    /// Our side as a fragment: for each transport, our m= line, mid,
    /// credentials and candidates, with our ICE lite and options lines and
    /// BUNDLE group. The reply to a restart (RFC 9725 4.3.3), or a trickle
    /// from our side. InvalidStateError before a completed exchange.
    pub fn local_ice_fragment(&self) -> Result<String> {
        self.check_fragment_state("localIceFragment")?;
        let n = self.negotiated().expect("a completed exchange");
        let local = self.current_local.as_ref().expect("a completed exchange");
        let m_lines: Vec<&str> = local
            .desc()
            .sdp
            .lines()
            .filter_map(|l| l.strip_prefix("m="))
            .collect();
        let blocks: Vec<FragmentBlock> = self
            .transport_owners()
            .into_iter()
            .filter_map(|i| {
                let s = &n.sections[i];
                Some(FragmentBlock {
                    m_line: m_lines.get(i)?.trim_end(),
                    mid: s.mid.as_deref()?,
                    ice: s.local.ice.as_ref()?,
                    candidates: &s.local.candidates,
                })
            })
            .collect();
        let bundle = n.bundle_groups.first().map_or(&[][..], |g| &g[..]);
        Ok(fragment::write(self.config.ice_lite, bundle, &blocks))
    }

    /// How many ICE restarts the connection has seen (by offer, answer or
    /// fragment): a host can make a strong ETag of it (RFC 9725 4.3.1).
    pub fn ice_generation(&self) -> u64 {
        self.ice_generation
    }

    fn check_fragment_state(&self, what: &str) -> Result<()> {
        self.check_open(what)?;
        let done = self.current_local.is_some() && self.current_remote.is_some();
        match (&self.exchange, done) {
            (Exchange::Stable, true) => Ok(()),
            _ => Err(Error::invalid_state(format!(
                "{what}: ICE fragments follow a completed offer/answer exchange (RFC 9725 4.3), in state {:?}",
                self.signaling_state()
            ))),
        }
    }

    /// The m-sections owning a transport, in order.
    fn transport_owners(&self) -> Vec<usize> {
        let n = self.negotiated().expect("a completed exchange");
        let mut owners: Vec<usize> = Vec::new();
        for s in n.sections.iter().filter(|s| s.accepted) {
            if !owners.contains(&s.transport_index) {
                owners.push(s.transport_index);
            }
        }
        owners
    }

    /// Each fragment section's transport (by mid, else by position among
    /// the transports), or every transport for a fragment without one.
    fn fragment_targets<'f>(
        &self,
        frag: &'f IceFragment,
    ) -> Result<Vec<(usize, Option<&'f FragmentSection>)>> {
        let owners = self.transport_owners();
        if frag.sections.is_empty() {
            return Ok(owners.into_iter().map(|o| (o, None)).collect());
        }
        let n = self.negotiated().expect("a completed exchange");
        let remote = self.current_remote.as_ref().expect("a completed exchange");
        let mut targets = Vec::with_capacity(frag.sections.len());
        for (k, s) in frag.sections.iter().enumerate() {
            let index = match &s.mid {
                Some(mid) => remote.parsed.index_of_mid(mid),
                None => owners.get(k).copied(),
            };
            let owner = index
                .map(|i| &n.sections[i])
                .filter(|sec| sec.accepted)
                .map(|sec| sec.transport_index)
                .ok_or_else(|| {
                    Error::operation(format!(
                        "line {}: the fragment names no live m-section (mid {:?})",
                        s.line, s.mid
                    ))
                })?;
            targets.push((owner, Some(s)));
        }
        Ok(targets)
    }

    /// The remote credentials of the transport owned by m-section `owner`.
    fn remote_ice(&self, owner: usize) -> Option<IceCredentials> {
        let remote = self.current_remote.as_ref()?;
        let ice = &remote.parsed.sections.get(owner)?.ice;
        Some(IceCredentials {
            ufrag: ice.ufrag.clone()?,
            pwd: ice.pwd.clone()?,
        })
    }

    /// The accepted m-sections on the transport `owner` owns.
    fn sections_on(&self, owner: usize) -> Vec<usize> {
        let n = self.negotiated().expect("a completed exchange");
        n.sections
            .iter()
            .enumerate()
            .filter(|(_, s)| s.accepted && s.transport_index == owner)
            .map(|(i, _)| i)
            .collect()
    }

    /// Candidates (and their end) for the transport `owner` owns; those
    /// of another generation are discarded.
    fn trickle(
        &mut self,
        owner: usize,
        frag: &IceFragment,
        section: Option<&FragmentSection>,
        done: &mut FragmentApplied,
    ) -> Result<()> {
        let ufrag = self.remote_ice(owner).map(|c| c.ufrag);
        let remote = self.current_remote.as_mut().expect("a completed exchange");
        for c in section.map_or(&[][..], |s| &s.candidates[..]) {
            let parsed = crate::config::LocalCandidate::parse(c, None)?;
            match (&parsed.candidate.ufrag, &ufrag) {
                (Some(u), Some(theirs)) if u != theirs => done.discarded += 1,
                _ => {
                    remote.add_candidate(owner, Some(parsed.text));
                    done.candidates += 1;
                }
            }
        }
        if frag.end_of_candidates || section.is_some_and(|s| s.end_of_candidates) {
            remote.add_candidate(owner, None);
            done.end_of_candidates = true;
        }
        Ok(())
    }

    /// The peer restarted ICE on the transport `owner` owns: its new
    /// credentials and candidates replace the old in the remote
    /// description; ours are new too, unless we started the restart.
    fn restart_remote(
        &mut self,
        owner: usize,
        ice: IceCredentials,
        frag: &IceFragment,
        section: Option<&FragmentSection>,
    ) {
        let on = self.sections_on(owner);
        let remote = self.current_remote.as_mut().expect("a completed exchange");
        remote.desc.sdp = replace_ice(&remote.desc.sdp, |i| on.contains(&i), &ice, true);
        let parsed = Arc::make_mut(&mut remote.parsed);
        for &i in &on {
            let s = &mut parsed.sections[i].ice;
            s.ufrag = Some(ice.ufrag.clone());
            s.pwd = Some(ice.pwd.clone());
            s.candidates.clear();
            s.end_of_candidates = false;
        }
        let candidates = section.map_or(&[][..], |s| &s.candidates[..]);
        for c in candidates {
            remote.add_candidate(owner, Some(c.clone()));
        }
        if frag.end_of_candidates || section.is_some_and(|s| s.end_of_candidates) {
            remote.add_candidate(owner, None);
        }
        if !self.restart_by_fragment_pending {
            self.restart_local(owner);
        }
    }

    /// New local credentials for the transport `owner` owns, in our
    /// description's text and in what it stated.
    fn restart_local(&mut self, owner: usize) {
        let on = self.sections_on(owner);
        let ice = IceCredentials::random();
        let Some(local) = self.current_local.as_mut() else {
            return;
        };
        let owner_mid = match local {
            Applied::Answer(l) => {
                l.desc.sdp = replace_ice(&l.desc.sdp, |i| on.contains(&i), &ice, false);
                let answer = Arc::make_mut(&mut l.answer);
                on.iter()
                    .for_each(|&i| answer.local[i].ice = Some(ice.clone()));
                l.offer.sections.get(owner).map(|s| s.mid_key())
            }
            Applied::Offer(o, _) => {
                o.desc.sdp = replace_ice(&o.desc.sdp, |i| on.contains(&i), &ice, false);
                let offer = Arc::make_mut(&mut o.offer);
                on.iter()
                    .for_each(|&i| offer.local[i].ice = Some(ice.clone()));
                offer.sections.get(owner).map(|s| s.mid.clone())
            }
        };
        // Later descriptions keep the credentials in use.
        if let Some(mid) = owner_mid {
            self.ice_by_mid.retain(|(m, _)| *m != mid);
            self.ice_by_mid.push((mid, ice.clone()));
        }
        if owner == 0 {
            self.ice = ice;
        }
    }
}
