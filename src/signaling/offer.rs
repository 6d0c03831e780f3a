//! The offering side of the state machine (JSEP 5.2, 5.5, 5.7; W3C
//! webrtc-pc 4.4.1): createOffer, setLocalDescription(offer), the remote
//! answer or pranswer, and the mids an offer gives.

use super::{
    new_ssrcs, Applied, CreatedOffer, Description, Exchange, LocalOffer, PeerConnection,
    PendingLocalOffer, Remote, SdpType,
};
use crate::error::{Error, ErrorKind, Result};
use crate::ice::IceCredentials;
use crate::local::StatedLine;
use crate::offer::remote_answer::{self, Answered, Established};
use crate::offer::{self, Offer, OfferContext, OfferOptions, Slot};
use crate::remote::{RemoteDescription, Transport};
use crate::transceiver::{Direction, MediaKind, Transceiver};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

impl PeerConnection {
    /// The host will open data channels: offers carry one m=application
    /// UDP/DTLS/SCTP section (RFC 8841); rtcpc does no SCTP itself.
    pub fn request_data_channels(&mut self) -> Result<()> {
        self.check_open("requestDataChannels")?;
        self.data_channels = true;
        self.changed();
        Ok(())
    }

    /// createOffer (JSEP 5.2.1, 5.2.2), in stable or have-local-offer: the
    /// m-lines of the local description in place, then one per new
    /// transceiver in creation order, and one for data channels when
    /// requested. Kept for setLocalDescription (W3C [[LastCreatedOffer]]).
    pub fn create_offer(&mut self, options: OfferOptions) -> Result<String> {
        self.check_can_offer()?;
        self.check_identity_ready()?;
        self.legacy_offer_to_receive(MediaKind::Audio, options.offer_to_receive_audio);
        self.legacy_offer_to_receive(MediaKind::Video, options.offer_to_receive_video);
        self.record.read();
        let restart = options.ice_restart || !self.ice_to_replace.is_empty();
        let (offer, text, slots) = self.make_offer(OfferOptions {
            ice_restart: restart,
            ..options
        });
        self.session_version += 1;
        let local = LocalOffer {
            desc: Description {
                sdp_type: SdpType::Offer,
                sdp: text.clone(),
            },
            offer: Arc::new(offer),
        };
        self.created_offer = Some(Box::new(CreatedOffer {
            local,
            slots,
            changes: self.changes,
        }));
        Ok(text)
    }

    /// The offer's decisions, text and m-line slots, changing nothing.
    fn make_offer(&self, options: OfferOptions) -> (Offer, String, Vec<Slot>) {
        let lines = self.stated_lines(true);
        let slots = self.offer_slots(&lines);
        let pending = self.exchange.pending_local_offer().is_some();
        let current = match pending {
            true => self.stated_lines(false),
            false => Vec::new(),
        };
        let current_mids: Vec<&str> = match pending {
            true => current.iter().map(|l| l.mid).collect(),
            false => lines.iter().map(|l| l.mid).collect(),
        };
        let ice = self.offer_credentials(&slots, options.ice_restart);
        let mut pts = self.record.payload_types().clone();
        self.number_capabilities(&slots, &mut pts);
        let mut ids = self.record.extension_ids().clone();
        let ctx = OfferContext {
            transceivers: &self.transceivers,
            slots: &slots,
            lines: &lines,
            config: &self.config,
            certificate: &self.certificate,
            ice: &ice,
            cname: &self.cname,
            session_id: self.session_id,
            session_version: self.session_version + 1,
            options,
            current_mids: &current_mids,
            current_bundle: self.current_bundle(),
            identity: self.identity_value.as_deref(),
            dtls_role: self.dtls_role,
        };
        let (offer, text) = offer::create(&ctx, &mut pts, &mut ids);
        (offer, text, slots)
    }

    /// With codec preferences, gives every local codec of the kinds offered
    /// its payload type, in capability order, before any m-line picks from
    /// them: a codec gets the number it would have without them.
    fn number_capabilities(&self, slots: &[Slot], pts: &mut crate::record::PayloadTypes) {
        let mut kinds: Vec<MediaKind> = Vec::with_capacity(2);
        let mut preferences = false;
        for slot in slots {
            if let Slot::Transceiver { index, .. } = slot {
                let t = &self.transceivers[*index];
                preferences |= t.codec_preferences.is_some();
                if !kinds.contains(&t.kind) {
                    kinds.push(t.kind);
                }
            }
        }
        if !preferences {
            return;
        }
        let caps = &self.config.capabilities;
        for kind in kinds {
            offer::codecs::offered_codecs(kind, &[], caps.codecs(kind), pts, true);
        }
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
    /// `text`, or the same text; with none since the last applied answer,
    /// empty `text` makes one); its mids become the transceivers'.
    pub(super) fn apply_local_offer(&mut self, text: &str) -> Result<()> {
        if !matches!(self.exchange, Exchange::Stable | Exchange::LocalOffer(_)) {
            return Err(Error::invalid_state(format!(
                "setLocalDescription(offer) in state {:?}",
                self.signaling_state()
            )));
        }
        // W3C: "" names the last created offer while it still represents
        // the connection (no change since); else one is created now.
        let current = self
            .created_offer
            .as_ref()
            .map(|c| c.changes == self.changes);
        if text.is_empty() && current != Some(true) {
            self.create_offer(OfferOptions::default())?;
        } else if current.is_none() {
            return Err(Error::new(
                ErrorKind::InvalidModification,
                "setLocalDescription(offer): the description is not one createOffer made since the last applied answer (W3C [[LastCreatedOffer]])",
            ));
        }
        let created = self.created_offer.as_ref().expect("made above");
        if !text.is_empty() {
            super::check_unmodified(text, &created.local.desc.sdp, "createOffer")?;
        }
        let (created, slots) = (created.local.clone(), created.slots.clone());
        if let Exchange::LocalOffer(p) = &self.exchange {
            p.undo(&mut self.transceivers);
        }
        self.record.local_applied(&created.offer);
        let mut given_mids = Vec::new();
        for slot in &slots {
            let Slot::Transceiver { index, mid, .. } = slot else {
                continue;
            };
            let Some(t) = self.transceivers.get_mut(*index) else {
                continue;
            };
            if t.mid.is_none() {
                t.mid = Some(mid.clone());
                given_mids.push(*index);
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
        let mut read = RemoteDescription::read_answer(&self.parse_checked(text)?)?;
        let offer = &pending.local.offer;
        // RFC 3264 position matching for an answer without a=mid.
        read.fill_in_mids(|i, taken| match offer.sections.get(i) {
            Some(s) if !taken(&s.mid) => s.mid.clone(),
            _ => self.record.fresh_mid(taken),
        });
        let answered = remote_answer::check(offer, &read, &self.established())?;
        // W3C "process remote tracks", before rejected ones are stopped.
        let offer = offer.clone();
        for ((o, d), sec) in offer
            .sections
            .iter()
            .zip(&answered.sections)
            .zip(&read.sections)
        {
            if let (Some(i), Transport::Rtp) = (o.transceiver, o.transport) {
                if i < self.transceivers.len() {
                    self.process_remote_track(i, sec, d.direction);
                }
            }
        }
        let remote = Remote {
            desc: Description {
                sdp_type,
                sdp: text.to_string(),
            },
            parsed: Arc::new(read),
        };
        let pending = match std::mem::replace(&mut self.exchange, Exchange::Stable) {
            Exchange::LocalOffer(p) | Exchange::RemotePranswer(p, _) => p,
            _ => unreachable!("checked above"),
        };
        self.answered_directions(&pending.local.offer, &answered, false);
        if sdp_type == SdpType::Pranswer {
            self.exchange = Exchange::RemotePranswer(pending, remote);
            return Ok(());
        }
        self.apply_remote_answer_to(*pending, remote, answered);
        Ok(())
    }

    /// What the current exchange established that an answer must keep: its
    /// BUNDLE group and the peer's ICE credentials.
    fn established(&self) -> Established<'_> {
        let remote_ice = self
            .current_remote
            .iter()
            .flat_map(|r| r.parsed.sections.iter())
            .filter_map(|s| {
                Some((
                    s.mid.as_deref()?,
                    s.ice.ufrag.as_deref()?,
                    s.ice.pwd.as_deref()?,
                ))
            })
            .collect();
        Established {
            bundle: self.current_bundle(),
            remote_ice,
        }
    }

    /// The BUNDLE group the current exchange agreed on (mids).
    fn current_bundle(&self) -> &[String] {
        let groups = match &self.current_local {
            Some(Applied::Answer(l)) => &l.answer.bundle_groups,
            Some(Applied::Offer(_, answered)) => &answered.bundle_groups,
            None => return &[],
        };
        groups.first().map_or(&[], Vec::as_slice)
    }

    /// W3C "set the session description" for the peer's answer or
    /// pranswer to our offer: see `set_current_directions`.
    fn answered_directions(&mut self, offer: &Offer, answered: &Answered, last: bool) {
        let outcome: Vec<(usize, Option<Direction>)> = offer
            .sections
            .iter()
            .zip(&answered.sections)
            .filter(|(o, _)| o.transport == Transport::Rtp)
            .filter_map(|(o, a)| Some((o.transceiver?, a.accepted.then_some(a.direction))))
            .filter(|(i, _)| *i < self.transceivers.len())
            .collect();
        self.set_current_directions(&outcome, last);
    }

    /// JSEP 5.8 for an answer to our offer: currentDirection from it,
    /// rejected m-sections stop their transceivers, the DTLS role is fixed.
    fn apply_remote_answer_to(
        &mut self,
        pending: PendingLocalOffer,
        remote: Remote,
        answered: Answered,
    ) {
        let offer = pending.local.offer.clone();
        self.answered_directions(&offer, &answered, true);
        // Our credentials from now on: the offer's (new ones after a restart).
        if let Some(ice) = offer.local.iter().find_map(|l| l.ice.clone()) {
            if ice != self.ice {
                self.ice = ice;
                self.ice_by_mid.clear();
            }
        }
        self.dtls_role = Some(answered.dtls_role);
        let ice_role = answered.ice_role;
        let restarted = answered
            .sections
            .iter()
            .any(|s| s.local_ice_restarted || s.remote_ice_restarted);
        self.fix_ice_role(ice_role, restarted);
        self.current_remote = Some(remote);
        self.current_local = Some(Applied::Offer(pending.local, Arc::new(answered)));
        // W3C: an applied answer ends what the last created ones stood for.
        self.created_offer = None;
        self.created_answer = None;
        self.forget_replaced_ice();
        self.exchange_ended();
    }

    /// W3C webrtc-pc legacy offerToReceiveAudio/Video: false stops the
    /// kind's transceivers receiving; true adds a recvonly one when none of
    /// the kind receives (without negotiationneeded: this offer has it).
    fn legacy_offer_to_receive(&mut self, kind: MediaKind, wanted: Option<bool>) {
        let Some(wanted) = wanted else { return };
        let of_kind = |t: &Transceiver| t.kind == kind && !t.stopped;
        if !wanted {
            for t in self.transceivers.iter_mut().filter(|t| of_kind(t)) {
                t.direction = Direction::from_flags(t.direction.sends(), false);
            }
            return;
        }
        if !self
            .transceivers
            .iter()
            .any(|t| of_kind(t) && t.direction.recvs())
        {
            let t = Transceiver::new(kind, Direction::RecvOnly, new_ssrcs());
            self.transceivers.push(t);
        }
    }

    /// The bundle transport's credentials: fresh ones for an ICE restart
    /// (JSEP 5.2.1), else the ones its first m-line uses now.
    fn offer_credentials(&self, slots: &[Slot], restart: bool) -> IceCredentials {
        if restart {
            return IceCredentials::random();
        }
        let first = slots.iter().find_map(|s| match s {
            Slot::Transceiver { mid, .. } | Slot::Data(mid, _) => Some(mid),
            Slot::Rejected(_) => None,
        });
        first
            .and_then(|mid| self.ice_by_mid.iter().find(|(m, _)| m == mid))
            .map_or_else(|| self.ice.clone(), |(_, c)| c.clone())
    }

    /// The offer's m-lines (JSEP 5.2.2): those of the local description in
    /// place; a rejected one recycled for a new transceiver of its media
    /// type, a rejected data one offered again when data channels are
    /// wanted (as Chromium); then the other new transceivers (none for one
    /// stopped before it had a mid), then data channels when requested and
    /// not there yet. New mids are the lowest numbers no description used.
    fn offer_slots(&self, lines: &[StatedLine]) -> Vec<Slot> {
        let by_mid: HashMap<&str, usize> = self
            .transceivers
            .iter()
            .enumerate()
            .filter_map(|(i, t)| t.mid.as_deref().map(|m| (m, i)))
            .collect();
        let mut placed = vec![false; self.transceivers.len()];
        let mut slots = Vec::with_capacity(lines.len() + self.transceivers.len() + 1);
        let mut have_data = false;
        for (at, line) in lines.iter().enumerate() {
            let data = matches!(line.transport, Transport::Sctp | Transport::SctpLegacy)
                && (line.live || self.data_channels);
            match by_mid.get(line.mid) {
                Some(&i) if !placed[i] => {
                    placed[i] = true;
                    let mid = line.mid.to_string();
                    slots.push(Slot::Transceiver {
                        index: i,
                        mid,
                        line: Some(at),
                    });
                }
                _ if data && !have_data => {
                    have_data = true;
                    slots.push(Slot::Data(line.mid.to_string(), Some(at)));
                }
                _ => slots.push(Slot::Rejected(at)),
            }
        }
        let mut taken: HashSet<String> = lines
            .iter()
            .map(|l| l.mid.to_string())
            .chain(self.transceivers.iter().filter_map(|t| t.mid.clone()))
            .collect();
        let mut next = 0;
        let mut fresh = |taken: &mut HashSet<String>| {
            let mid = self.record.fresh_mid_from(&mut next, |m| taken.contains(m));
            taken.insert(mid.clone());
            mid
        };
        for (i, t) in self.transceivers.iter().enumerate() {
            if placed[i] || (t.stopped && t.mid.is_none()) {
                continue;
            }
            let mid = t.mid.clone().unwrap_or_else(|| fresh(&mut taken));
            // JSEP 5.2.2: a new transceiver may take the place of a rejected
            // m-line of its media type, with a new mid; else it goes last.
            let kind = t.kind.to_string();
            let free = slots.iter().position(|s| match s {
                Slot::Rejected(at) => {
                    t.mid.is_none() && !lines[*at].live && lines[*at].media == kind
                }
                _ => false,
            });
            let slot = Slot::Transceiver {
                index: i,
                mid,
                line: None,
            };
            match free {
                Some(at) => slots[at] = slot,
                None => slots.push(slot),
            }
        }
        if self.data_channels && !have_data {
            slots.push(Slot::Data(fresh(&mut taken), None));
        }
        slots
    }
}
