//! The offering side of the state machine (JSEP 5.2, 5.5, 5.7; W3C
//! webrtc-pc 4.4.1): createOffer, setLocalDescription(offer), the remote
//! answer or pranswer, and the mids an offer gives.

use super::{
    Applied, Description, Exchange, LocalOffer, PeerConnection, PendingLocalOffer, Remote, SdpType,
};
use crate::codec::{capability_for, CodecRole};
use crate::error::{Error, Result};
use crate::ice::IceCredentials;
use crate::offer::{self, remote_answer, OfferContext, OfferOptions, Slot};
use crate::remote_offer::{RemoteOffer, Transport};
use crate::transceiver::{Direction, MediaKind};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

impl PeerConnection {
    /// The host will open data channels: offers carry one m=application
    /// UDP/DTLS/SCTP section (RFC 8841); rtcpc does no SCTP itself.
    pub fn request_data_channels(&mut self) -> Result<()> {
        self.check_open("requestDataChannels")?;
        self.offer_space.data_channels = true;
        self.update_negotiation_needed();
        Ok(())
    }

    /// createOffer (JSEP 5.2.1), in stable or have-local-offer: an
    /// m-section per transceiver in creation order, and one for data
    /// channels when requested. Kept for setLocalDescription.
    pub fn create_offer(&mut self, options: OfferOptions) -> Result<String> {
        self.check_can_offer()?;
        self.check_identity_ready()?;
        self.keep_negotiated_payload_types();
        self.legacy_offer_to_receive(MediaKind::Audio, options.offer_to_receive_audio);
        self.legacy_offer_to_receive(MediaKind::Video, options.offer_to_receive_video);
        let slots = self.offer_slots();
        let current_mids: Vec<String> = self.current_layout().into_iter().map(|l| l.0).collect();
        let ice = self.offer_credentials(&slots, options.ice_restart);
        let ctx = OfferContext {
            transceivers: &self.transceivers,
            slots: &slots,
            config: &self.config,
            certificate: &self.certificate,
            ice: &ice,
            cname: &self.cname,
            session_id: self.session_id,
            session_version: self.session_version + 1,
            options,
            current_mids: &current_mids,
            identity: self.identity_value.as_deref(),
            dtls_role: self.dtls_role,
        };
        let space = &mut *self.offer_space;
        let (offer, text) = offer::create(&ctx, &mut space.pts, &mut space.ids);
        self.session_version += 1;
        let local = LocalOffer {
            desc: Description {
                sdp_type: SdpType::Offer,
                sdp: text.clone(),
            },
            offer: Arc::new(offer),
        };
        self.offer_space.created = Some((local, slots));
        Ok(text)
    }

    /// createOffer's state check: open, in stable or have-local-offer.
    pub(super) fn check_can_offer(&self) -> Result<()> {
        self.check_open("createOffer")?;
        if !matches!(self.exchange, Exchange::Stable | Exchange::LocalOffer(_)) {
            return Err(Error::invalid_state(format!(
                "createOffer in state {:?}",
                self.signaling_state()
            )));
        }
        Ok(())
    }

    /// setLocalDescription(offer): the offer createOffer made last (empty
    /// `text`, or the same text); its mids become the transceivers'.
    pub(super) fn apply_local_offer(&mut self, text: &str) -> Result<()> {
        if !matches!(self.exchange, Exchange::Stable | Exchange::LocalOffer(_)) {
            return Err(Error::invalid_state(format!(
                "setLocalDescription(offer) in state {:?}",
                self.signaling_state()
            )));
        }
        let Some((created, mids)) = &self.offer_space.created else {
            return Err(Error::invalid_state(
                "setLocalDescription(offer): createOffer was not called",
            ));
        };
        if !text.is_empty() {
            super::check_unmodified(text, &created.desc.sdp, "createOffer")?;
        }
        let (created, slots) = (created.clone(), mids.clone());
        if let Exchange::LocalOffer(p) = &self.exchange {
            p.undo(&mut self.transceivers);
        }
        let mut given_mids = Vec::new();
        for mid in created.offer.sections.iter().map(|s| &s.mid) {
            if !self.offer_space.used_mids.contains(mid) {
                self.offer_space.used_mids.push(mid.clone());
            }
        }
        for slot in &slots {
            match slot {
                Slot::Transceiver(i, mid) => {
                    let Some(t) = self.transceivers.get_mut(*i) else {
                        continue;
                    };
                    if t.mid.is_none() {
                        t.mid = Some(mid.clone());
                        given_mids.push(*i);
                    }
                }
                Slot::Data(mid) => self.offer_space.data_mid = Some(mid.clone()),
                Slot::Rejected { .. } => {}
            }
        }
        self.exchange = Exchange::LocalOffer(Box::new(PendingLocalOffer {
            local: created,
            given_mids,
        }));
        Ok(())
    }

    /// setRemoteDescription(answer or pranswer) to the local offer (JSEP
    /// 5.8): checked against it; an answer ends the exchange.
    pub(super) fn apply_remote_answer(&mut self, sdp_type: SdpType, text: &str) -> Result<()> {
        let Some(pending) = self.exchange.pending_local_offer() else {
            return Err(Error::invalid_state(format!(
                "setRemoteDescription({}) in state {:?}: there is no local offer to answer",
                sdp_type.as_str(),
                self.signaling_state()
            )));
        };
        let read = RemoteOffer::from_sdp(&self.parse_checked(text)?)?;
        let role = remote_answer::check(&pending.local.offer, &read)?;
        if pending.local.offer.ice_restart {
            self.check_restarted(&read)?;
        }
        let remote = Remote {
            desc: Description {
                sdp_type,
                sdp: text.to_string(),
            },
            offer: Arc::new(read),
        };
        let pending = match std::mem::replace(&mut self.exchange, Exchange::Stable) {
            Exchange::LocalOffer(p) | Exchange::RemotePranswer(p, _) => p,
            _ => unreachable!("checked above"),
        };
        if sdp_type == SdpType::Pranswer {
            self.exchange = Exchange::RemotePranswer(pending, remote);
            return Ok(());
        }
        self.apply_remote_answer_to(*pending, remote, role);
        Ok(())
    }

    /// JSEP 5.4 (ICE restart): the answer to a restarting offer brings new
    /// remote credentials.
    fn check_restarted(&self, answer: &RemoteOffer) -> Result<()> {
        let old: HashSet<&str> = self
            .current_remote
            .iter()
            .flat_map(|r| r.offer.sections.iter())
            .filter_map(|s| s.ice.ufrag.as_deref())
            .collect();
        match answer
            .sections
            .iter()
            .find(|s| !s.rejected && s.ice.ufrag.as_deref().is_some_and(|u| old.contains(u)))
        {
            Some(s) => Err(Error::invalid_access(format!(
                "line {}: the answer to an ICE restart keeps the old a=ice-ufrag",
                s.line
            ))),
            None => Ok(()),
        }
    }

    /// JSEP 5.8 for an answer to our offer: currentDirection from it,
    /// rejected m-sections stop their transceivers, the DTLS role is fixed.
    fn apply_remote_answer_to(
        &mut self,
        pending: PendingLocalOffer,
        remote: Remote,
        role: crate::dtls::DtlsRole,
    ) {
        let offer = pending.local.offer.clone();
        for (o, a) in offer.sections.iter().zip(&remote.offer.sections) {
            let Some(t) = o.transceiver.and_then(|i| self.transceivers.get_mut(i)) else {
                continue;
            };
            if !a.rejected && !o.rejected {
                t.current_direction = Some(a.direction.reversed());
            } else if a.transport == Transport::Rtp {
                t.stopped = true;
                t.current_direction = None;
            }
        }
        self.transceivers
            .retain(|t| !(t.stopped && t.current_direction.is_none()));
        // Our credentials from now on: the offer's (new ones after a restart).
        if let Some(ice) = pending.local.offer.local.iter().find_map(|l| l.ice.clone()) {
            if ice != self.ice {
                self.ice = ice;
                self.ice_by_mid.clear();
            }
        }
        self.dtls_role = Some(role);
        let ice_role = match remote.offer.ice_lite {
            true => crate::ice::IceRole::Controlling,
            false => offer.ice_role,
        };
        self.fix_ice_role(ice_role, offer.ice_restart);
        self.current_remote = Some(remote);
        self.current_local = Some(Applied::Offer(pending.local));
        self.exchange_ended();
    }

    /// W3C webrtc-pc 11.2, legacy offerToReceiveAudio/Video: true makes
    /// the kind's transceivers receive (adding a recvonly one when there is
    /// none); false stops them receiving.
    fn legacy_offer_to_receive(&mut self, kind: MediaKind, wanted: Option<bool>) {
        let Some(wanted) = wanted else { return };
        let mut any = false;
        for t in self
            .transceivers
            .iter_mut()
            .filter(|t| t.kind == kind && !t.stopped)
        {
            any = true;
            t.direction = Direction::from_flags(t.direction.sends(), wanted);
        }
        if wanted && !any {
            let init = super::TransceiverInit {
                direction: Direction::RecvOnly,
                ..Default::default()
            };
            let _ = self.add_transceiver(kind, init);
        }
    }

    /// The bundle transport's credentials: fresh ones for an ICE restart
    /// (JSEP 5.2.1), else the ones its first m-line uses now.
    fn offer_credentials(&self, slots: &[Slot], restart: bool) -> IceCredentials {
        if restart {
            return IceCredentials::random();
        }
        let first = slots.iter().find_map(|s| match s {
            Slot::Transceiver(_, mid) | Slot::Data(mid) => Some(mid),
            Slot::Rejected { .. } => None,
        });
        first
            .and_then(|mid| self.ice_by_mid.iter().find(|(m, _)| m == mid))
            .map_or_else(|| self.ice.clone(), |(_, c)| c.clone())
    }

    /// After answering a remote offer, its payload types and extension ids
    /// stay with their codecs and URIs in our offers (RFC 3264 8.3.2, RFC
    /// 8285 6): those it offered are reserved, the negotiated ones kept by
    /// the capability our offers key them by. Our own offers' are kept already.
    fn keep_negotiated_payload_types(&mut self) {
        let Some(Applied::Answer(l)) = &self.current_local else {
            return;
        };
        let caps = &self.config.capabilities;
        let space = &mut *self.offer_space;
        for (sec, a) in l.offer.sections.iter().zip(&l.answer.sections) {
            let Some(kind) = sec.kind else { continue };
            for c in &sec.rtp.codecs {
                space
                    .pts
                    .keep(&c.name, c.clock_rate, c.channels, &c.fmtp, c.pt);
            }
            for e in &sec.rtp.extmaps {
                space.ids.keep(&e.uri, e.id);
            }
            for c in &a.codecs.kept {
                // Keyed as offers key them: the capability's name, rate,
                // channels and fmtp; rtx by its apt and red by what it encodes.
                let cap = capability_for(&c.to_codec(), caps.codecs(kind));
                let fmtp = match (c.role(), cap) {
                    (CodecRole::Rtx | CodecRole::Red, _) | (_, None) => c.fmtp.clone(),
                    (_, Some(l)) => l.fmtp.clone(),
                };
                match cap {
                    Some(l) => space
                        .pts
                        .keep(&l.name, l.clock_rate, l.channels, &fmtp, c.pt),
                    None => space
                        .pts
                        .keep(&c.name, c.clock_rate, c.channels, &fmtp, c.pt),
                }
            }
            for e in a.extensions.iter().filter(|e| e.verdict.is_accepted()) {
                space.ids.keep(&e.uri, e.id);
            }
        }
    }

    /// The offer's m-lines (JSEP 5.2.2): those of the current local
    /// description in place, a rejected one recycled for a new transceiver
    /// of its media type, then the other new transceivers, then data
    /// channels when requested and not there yet. New mids are the lowest
    /// numbers not in use (JSEP 5.2.1): a recycled m-line gets a new one.
    fn offer_slots(&self) -> Vec<Slot> {
        let layout = self.current_layout();
        let mut used: HashSet<String> = self
            .transceivers
            .iter()
            .filter_map(|t| t.mid.clone())
            .chain(layout.iter().map(|l| l.0.clone()))
            .chain(self.offer_space.data_mid.clone())
            .chain(self.offer_space.used_mids.iter().cloned())
            .collect();
        let by_mid: HashMap<&str, usize> = self
            .transceivers
            .iter()
            .enumerate()
            .filter_map(|(i, t)| t.mid.as_deref().map(|m| (m, i)))
            .collect();
        let mut placed = vec![false; self.transceivers.len()];
        let mut slots = Vec::with_capacity(layout.len() + self.transceivers.len() + 1);
        let mut have_data = false;
        for (mid, media, proto, live) in &layout {
            match by_mid.get(mid.as_str()) {
                Some(&i) if !placed[i] => {
                    placed[i] = true;
                    slots.push(Slot::Transceiver(i, mid.clone()));
                }
                _ if *live && media == "application" && !have_data && proto.contains("SCTP") => {
                    have_data = true;
                    slots.push(Slot::Data(mid.clone()));
                }
                _ => slots.push(Slot::Rejected {
                    mid: mid.clone(),
                    media: media.clone(),
                    proto: proto.clone(),
                }),
            }
        }
        let mut next = 0u32;
        let mut fresh = |used: &mut HashSet<String>| loop {
            let m = next.to_string();
            next += 1;
            if used.insert(m.clone()) {
                return m;
            }
        };
        for (i, t) in self.transceivers.iter().enumerate() {
            if placed[i] {
                continue;
            }
            let mid = t.mid.clone().unwrap_or_else(|| fresh(&mut used));
            // JSEP 5.2.2: a new transceiver may take the place of a rejected
            // m-line of its media type, with a new mid; else it goes last.
            let kind = t.kind.to_string();
            let free = slots.iter().position(|s| {
                matches!(s, Slot::Rejected { media, .. } if *media == kind) && t.mid.is_none()
            });
            match free {
                Some(at) => slots[at] = Slot::Transceiver(i, mid),
                None => slots.push(Slot::Transceiver(i, mid)),
            }
        }
        if self.offer_space.data_channels && !have_data {
            let data = self.offer_space.data_mid.clone();
            slots.push(Slot::Data(data.unwrap_or_else(|| fresh(&mut used))));
        }
        slots
    }

    /// The current local description's m-lines: (mid, media, protocol,
    /// whether the exchange accepted it).
    fn current_layout(&self) -> Vec<(String, String, String, bool)> {
        match (&self.current_local, &self.current_remote) {
            (Some(Applied::Answer(l)), _) => l
                .offer
                .sections
                .iter()
                .zip(&l.answer.sections)
                .filter_map(|(s, a)| {
                    Some((
                        s.mid.clone()?,
                        s.media.clone(),
                        s.proto.clone(),
                        a.accepted(),
                    ))
                })
                .collect(),
            (Some(Applied::Offer(o)), Some(answer)) => o
                .offer
                .sections
                .iter()
                .zip(&answer.offer.sections)
                .map(|(s, a)| {
                    let live = !s.rejected && !a.rejected;
                    (s.mid.clone(), s.media.clone(), s.proto.clone(), live)
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}
