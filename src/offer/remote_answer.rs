//! The remote answer to a local offer, checked against it (RFC 3264 6 and
//! 8, JSEP 5.8: what an answer may say in reply to what was offered), and
//! what it comes to: decided once, when it is applied, for the snapshot,
//! the report and the next offer alike.
//!
//! Where Chromium and Firefox differ on taking an answer, rtcpc takes
//! Chromium's side unless the session cannot work, clamps what the peer
//! claimed to what was offered, and says what it tolerated (in the log and
//! in `AnsweredSection::tolerated`).

use super::{Offer, OfferSection};
use crate::codec::{ext, Format, RtpCodec};
use crate::dtls::{DtlsRole, Setup};
use crate::error::{Error, Result};
use crate::ice::IceRole;
use crate::remote::{RemoteDescription, RemoteSection, Transport};
use crate::transceiver::Direction;

fn refuse(sec: &RemoteSection, why: impl std::fmt::Display) -> Error {
    Error::invalid_access(format!("line {}: {why}", sec.line))
}

/// What the current exchange established that a later answer must keep.
#[derive(Default)]
pub struct Established<'a> {
    /// The BUNDLE group the current exchange agreed on, by mid (RFC 9143 7.3.2).
    pub bundle: &'a [String],
    /// The peer's current ICE credentials: (mid, ufrag, pwd).
    pub remote_ice: Vec<(&'a str, &'a str, &'a str)>,
}

/// What an answer to our offer came to, m-section by m-section.
#[derive(Clone, Debug)]
pub struct Answered {
    /// One per offered m-section, in order.
    pub sections: Vec<AnsweredSection>,
    /// The local DTLS role its a=setup states (RFC 8842 5.3).
    pub dtls_role: DtlsRole,
    /// Its BUNDLE groups as taken: mids of accepted m-sections only.
    pub bundle_groups: Vec<Vec<String>>,
    /// Our ICE role in this exchange (RFC 8445 6.1.1).
    pub ice_role: IceRole,
}

/// What one m-section of an answer to our offer came to.
#[derive(Clone, Debug)]
pub struct AnsweredSection {
    /// Both sides gave it a port.
    pub accepted: bool,
    /// Our direction: the answer's reversed, within what we offered
    /// (RFC 3264 6.1); inactive when rejected.
    pub direction: Direction,
    /// The simulcast layers the answer receives of those we offered
    /// (RFC 8853 5.3): alternatives of (rid, paused).
    pub simulcast_layers: Vec<Vec<(String, bool)>>,
    /// We offered simulcast and the answer took none of it: one stream.
    pub simulcast_fallback: bool,
    /// Our offer restarted ICE on its transport (new local credentials).
    pub local_ice_restarted: bool,
    /// The answer brought new credentials for it: the peer restarted ICE.
    pub remote_ice_restarted: bool,
    /// What the answer said that rtcpc tolerated, and how it took it.
    pub tolerated: Vec<String>,
}

impl AnsweredSection {
    /// A rejected m-section: nothing flows, nothing was tolerated.
    fn rejected() -> Self {
        AnsweredSection {
            accepted: false,
            direction: Direction::Inactive,
            simulcast_layers: Vec::new(),
            simulcast_fallback: false,
            local_ice_restarted: false,
            remote_ice_restarted: false,
            tolerated: Vec::new(),
        }
    }
}

/// Checks `answer` (read like any remote description) against `offer` and
/// what the session `established`; what it comes to.
pub fn check(
    offer: &Offer,
    answer: &RemoteDescription,
    established: &Established,
) -> Result<Answered> {
    if answer.sections.len() != offer.sections.len() {
        return Err(Error::invalid_access(format!(
            "the answer has {} m-sections where the offer has {} (RFC 3264 6)",
            answer.sections.len(),
            offer.sections.len()
        )));
    }
    let mut sections = Vec::with_capacity(answer.sections.len());
    for (o, a) in offer.sections.iter().zip(&answer.sections) {
        let mut s = check_section(o, a)?;
        s.local_ice_restarted = s.accepted && offer.ice_restart;
        s.remote_ice_restarted = s.accepted && restarted_by_peer(a, established);
        sections.push(s);
    }
    let bundle_groups = check_bundle(offer, answer, established, &mut sections)?;
    let dtls_role = dtls_role(offer, answer, &sections)?;
    for (s, a) in sections.iter().zip(&answer.sections) {
        for why in &s.tolerated {
            log::warn!(
                "setRemoteDescription(answer): line {}: tolerated: {why}",
                a.line
            );
        }
    }
    Ok(Answered {
        sections,
        dtls_role,
        bundle_groups,
        ice_role: IceRole::of_offerer(offer.ice_lite, answer.ice_lite),
    })
}

/// RFC 8842 5.3 and 5.5: the role is the transport's, the BUNDLE group's
/// tagged m-section's (Firefox writes another a=setup on an m-section it
/// bundles), else the first accepted one's; a re-offer's stated role stays.
fn dtls_role(
    offer: &Offer,
    answer: &RemoteDescription,
    taken: &[AnsweredSection],
) -> Result<DtlsRole> {
    let mut roles = Vec::with_capacity(answer.sections.len());
    for (a, t) in answer.sections.iter().zip(taken) {
        roles.push(match (t.accepted, a.dtls.setup) {
            (false, _) => None,
            (true, Setup::Active) => Some(DtlsRole::Server),
            (true, Setup::Passive) => Some(DtlsRole::Client),
            (true, other) => {
                let what = format!("{other:?}").to_lowercase();
                return Err(refuse(
                    a,
                    format!(
                        "an answer's a=setup must be active or passive, not {what} (RFC 8842 5.3)"
                    ),
                ));
            }
        });
    }
    let tagged = answer
        .bundle_groups
        .first()
        .and_then(|g| g.first())
        .and_then(|mid| answer.index_of_mid(mid));
    let role = tagged
        .and_then(|t| roles[t])
        .or_else(|| roles.iter().flatten().next().copied());
    match (role, offer.dtls_role) {
        (Some(r), Some(ours)) if r != ours => Err(Error::invalid_access(format!(
            "the answer's a=setup makes us the DTLS {}, but the offer kept the association's {} role (RFC 8842 5.5)",
            r.as_str(),
            ours.as_str()
        ))),
        _ => Ok(role.or(offer.dtls_role).unwrap_or(DtlsRole::Client)),
    }
}

/// JSEP 5.8 as Chromium takes it: new credentials in an answer are the
/// peer restarting ICE, whether or not the offer restarted.
fn restarted_by_peer(a: &RemoteSection, established: &Established) -> bool {
    let Some(mid) = a.mid.as_deref() else {
        return false;
    };
    established
        .remote_ice
        .iter()
        .find(|(m, _, _)| *m == mid)
        .is_some_and(|(_, ufrag, pwd)| {
            a.ice.ufrag.as_deref() != Some(*ufrag) || a.ice.pwd.as_deref() != Some(*pwd)
        })
}

/// One m-section: same mid and media, nothing re-enabled, payload types
/// and extensions among the offered, rtcp-mux; the direction within the
/// offered one.
fn check_section(o: &OfferSection, a: &RemoteSection) -> Result<AnsweredSection> {
    if a.mid.as_deref() != Some(o.mid.as_str()) {
        return Err(refuse(
            a,
            format!(
                "m-section {} has mid {:?} where the offer has '{}': the answer must keep the offer's m-lines in order",
                a.index, a.mid, o.mid
            ),
        ));
    }
    if a.media != o.media {
        let why = format!(
            "m-section '{}' is {} in the answer but {} in the offer",
            o.mid, a.media, o.media
        );
        return Err(refuse(a, why));
    }
    let mut rejected = AnsweredSection::rejected();
    if o.rejected && !a.rejected {
        // webrtcbin 1.22 answers our port-0 m-line with port 9, inactive.
        rejected.tolerated.push(format!(
            "m-section '{}' was offered with port 0 and answered with port {}: taken as rejected",
            o.mid, a.port
        ));
    }
    if a.rejected || o.rejected {
        return Ok(rejected);
    }
    // RFC 3264 6: the answer keeps the offered transport (SCTP in either form).
    let sctp = |t| matches!(t, Transport::Sctp | Transport::SctpLegacy);
    if a.transport != o.transport && !(sctp(a.transport) && sctp(o.transport)) {
        let why = format!(
            "m-section '{}' is answered over {} but was offered over {}",
            o.mid, a.proto, o.proto
        );
        return Err(refuse(a, why));
    }
    let accepted = AnsweredSection {
        accepted: true,
        direction: Direction::SendRecv,
        ..AnsweredSection::rejected()
    };
    if a.transport != Transport::Rtp {
        return Ok(accepted);
    }
    check_rtp(o, a)?;
    // RFC 3264 6.1: the answer sends only if the offer receives, and back.
    // Pion answers a sendonly offer sendrecv; Chromium takes it.
    let allowed = o.direction.reversed();
    let clamped = Direction::from_flags(
        a.direction.sends() && allowed.sends(),
        a.direction.recvs() && allowed.recvs(),
    );
    let mut s = AnsweredSection {
        direction: clamped.reversed(),
        ..accepted
    };
    if clamped != a.direction {
        s.tolerated.push(format!(
            "direction {} answers an offered {} (RFC 3264 6.1): taken as {clamped}",
            a.direction, o.direction
        ));
    }
    simulcast(o, a, &mut s);
    Ok(s)
}

/// What an accepted RTP m-section must hold: offered payload types and
/// extension ids only, at least one codec, and rtcp-mux (rtcpMuxPolicy
/// "require", the only policy: our offers have no RTCP port of their own).
fn check_rtp(o: &OfferSection, a: &RemoteSection) -> Result<()> {
    for c in &a.rtp.codecs {
        let Some(oc) = o.codecs.iter().find(|oc| oc.pt == c.pt) else {
            return Err(refuse(
                a,
                format!("payload type {} ({}) was not offered", c.pt, c.name),
            ));
        };
        // RFC 3264 8.3.2: a payload type keeps naming the codec offered.
        if !oc.same_codec(c) {
            let why = format!(
                "payload type {} is {} in the answer but {} in the offer",
                c.pt,
                shown(c),
                shown(oc)
            );
            return Err(refuse(a, why));
        }
    }
    if a.rtp.codecs.is_empty() {
        return Err(refuse(
            a,
            "an accepted m-section has no codec that was offered",
        ));
    }
    let offered = |id: u16, uri: &str| o.extensions.iter().any(|(i, u)| *i == id && &**u == uri);
    if let Some(e) = a.rtp.extmaps.iter().find(|e| !offered(e.id, &e.uri)) {
        return Err(refuse(
            a,
            format!("extension {} {} was not offered with that id", e.id, e.uri),
        ));
    }
    if !a.rtp.rtcp_mux {
        return Err(refuse(
            a,
            format!(
                "m-section '{}' has no a=rtcp-mux, which rtcpMuxPolicy \"require\" needs (RFC 8858; Chromium refuses it too)",
                o.mid
            ),
        ));
    }
    Ok(())
}

/// A codec for messages: encoding and, where it has them, the parameters
/// that make its variant.
fn shown(c: &RtpCodec) -> String {
    let f = Format::from(c);
    match f.family.has_variants() {
        true => format!("{}/{} ({})", c.name, c.clock_rate, f.describe()),
        false => format!("{}/{}", c.name, c.clock_rate),
    }
}

/// RFC 8853 5.3: the layers the answer receives among the RIDs we offered;
/// without the rtp-stream-id extension it cannot tell them apart, so one
/// stream is sent (RFC 8852).
fn simulcast(o: &OfferSection, a: &RemoteSection, s: &mut AnsweredSection) {
    let offered = |rid: &str| o.send_rids.iter().any(|r| r == rid);
    let layers = crate::answer::simulcast_layers_among(&a.rtp.simulcast_recv, offered);
    let rid_extension = a.rtp.extmaps.iter().any(|e| &*e.uri == ext::RID);
    if !layers.is_empty() && !rid_extension {
        s.tolerated.push(
            "a=simulcast:recv without the rtp-stream-id extension (RFC 8852): one stream is sent"
                .to_string(),
        );
    } else {
        s.simulcast_layers = layers;
    }
    s.simulcast_fallback = !o.send_rids.is_empty() && s.simulcast_layers.is_empty();
}

/// RFC 8843 7.3 and RFC 9143 7.3.2: the answer's BUNDLE group holds offered
/// mids of m-sections it accepts, and keeps every m-line of the group the
/// session established. A mid our offer rejected (port 0) is left out and
/// tolerated: aiortc, webrtcbin, werift, Pion and libdatachannel keep it.
fn check_bundle(
    offer: &Offer,
    answer: &RemoteDescription,
    established: &Established,
    sections: &mut [AnsweredSection],
) -> Result<Vec<Vec<String>>> {
    let mut groups = Vec::with_capacity(answer.bundle_groups.len());
    for group in &answer.bundle_groups {
        let mut taken = Vec::with_capacity(group.len());
        for mid in group {
            let at = answer.index_of_mid(mid);
            let offered_rejected = at.is_some_and(|i| offer.sections[i].rejected);
            if offered_rejected {
                let i = at.expect("checked");
                sections[i].tolerated.push(format!(
                    "the answer's BUNDLE group names mid '{mid}', which the offer rejected: left out"
                ));
                continue;
            }
            if !offer.bundle.contains(mid) {
                return Err(Error::invalid_access(format!(
                    "the answer's BUNDLE group has mid '{mid}', which the offer's group does not"
                )));
            }
            if at.is_some_and(|i| answer.sections[i].rejected) {
                return Err(Error::invalid_access(format!(
                    "the answer's BUNDLE group has mid '{mid}', whose m-section it rejects"
                )));
            }
            taken.push(mid.clone());
        }
        groups.push(taken);
    }
    for mid in established.bundle {
        let accepted = answer
            .index_of_mid(mid)
            .is_some_and(|i| sections[i].accepted);
        if accepted && !groups.iter().any(|g| g.contains(mid)) {
            return Err(Error::invalid_access(format!(
                "the answer moves m-section '{mid}' out of the established BUNDLE group (RFC 9143 7.3.2; Chromium refuses it too)"
            )));
        }
    }
    Ok(groups)
}
