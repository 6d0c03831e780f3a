//! createOffer on the connection (JSEP 5.2.1). Work in progress (issue 15):
//! the offer is made; applying it and the remote answer come next.

use super::{Exchange, PeerConnection};
use crate::error::{Error, Result};
use crate::offer::{self, OfferContext, OfferOptions};
use std::collections::HashSet;

impl PeerConnection {
    /// The host will open data channels: offers carry one m=application
    /// UDP/DTLS/SCTP section (RFC 8841); rtcpc does no SCTP itself.
    pub fn request_data_channels(&mut self) -> Result<()> {
        self.check_open("requestDataChannels")?;
        self.offer_space.data_channels = true;
        Ok(())
    }

    /// createOffer in stable: an m-section per transceiver, in creation
    /// order, and one for data channels when requested.
    pub fn create_offer(&mut self, options: OfferOptions) -> Result<String> {
        self.check_open("createOffer")?;
        if !matches!(self.exchange, Exchange::Stable) {
            return Err(Error::invalid_state(format!(
                "createOffer in state {:?}: rtcpc offers only in stable for now",
                self.signaling_state()
            )));
        }
        let mids = self.offer_mids();
        let (transceiver_mids, data_mid) = mids.split_at(self.transceivers.len());
        let ctx = OfferContext {
            transceivers: &self.transceivers,
            mids: transceiver_mids,
            data_mid: data_mid.first().map(String::as_str),
            config: &self.config,
            certificate: &self.certificate,
            ice: &self.ice,
            cname: &self.cname,
            session_id: self.session_id,
            session_version: self.session_version,
            options,
        };
        let space = &mut *self.offer_space;
        let (_offer, text) = offer::create(&ctx, &mut space.pts, &mut space.ids);
        Ok(text)
    }

    /// A mid per transceiver (its own, else the lowest number not in use)
    /// and, with data channels requested, one more (JSEP 5.2.1).
    fn offer_mids(&self) -> Vec<String> {
        let mut used: HashSet<String> = self
            .transceivers
            .iter()
            .filter_map(|t| t.mid.clone())
            .collect();
        let mut next = 0u32;
        let mut fresh = |used: &mut HashSet<String>| loop {
            let m = next.to_string();
            next += 1;
            if used.insert(m.clone()) {
                return m;
            }
        };
        let mut mids: Vec<String> = self
            .transceivers
            .iter()
            .map(|t| t.mid.clone().unwrap_or_else(|| fresh(&mut used)))
            .collect();
        if self.offer_space.data_channels {
            mids.push(fresh(&mut used));
        }
        mids
    }
}
