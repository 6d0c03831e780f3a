//! The remote answer to a local offer, checked against it (RFC 3264 6 and
//! 8, JSEP 5.8: what an answer may say in reply to what was offered).

use super::Offer;
use crate::dtls::{DtlsRole, Setup};
use crate::error::{Error, Result};
use crate::remote_offer::{RemoteOffer, RemoteSection, Transport};

fn refuse(sec: &RemoteSection, why: impl std::fmt::Display) -> Error {
    Error::invalid_access(format!("line {}: {why}", sec.line))
}

/// Checks `answer` (read like any remote description) against `offer`;
/// gives the local DTLS role its a=setup states.
pub fn check(offer: &Offer, answer: &RemoteOffer) -> Result<DtlsRole> {
    if answer.sections.len() != offer.sections.len() {
        return Err(Error::invalid_access(format!(
            "the answer has {} m-sections where the offer has {} (RFC 3264 6)",
            answer.sections.len(),
            offer.sections.len()
        )));
    }
    let mut roles = Vec::with_capacity(answer.sections.len());
    for (o, a) in offer.sections.iter().zip(&answer.sections) {
        check_section(o, a)?;
        roles.push(match (a.rejected, a.dtls.setup) {
            (true, _) => None,
            (false, Setup::Active) => Some(DtlsRole::Server),
            (false, Setup::Passive) => Some(DtlsRole::Client),
            (false, other) => {
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
    check_bundle(offer, answer)?;
    // The role is the transport's: the BUNDLE group's tagged m-section's
    // (Firefox writes another a=setup on an m-section it bundles), else the
    // first accepted one's. All rejected: no transport, the role is moot.
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
            "the answer's a=setup makes us the DTLS {r:?}, but the offer kept the association's {ours:?} role (RFC 8842 5.5)"
        ))),
        _ => Ok(role.or(offer.dtls_role).unwrap_or(DtlsRole::Client)),
    }
}

/// One m-section: same mid and media, nothing re-enabled, payload types
/// and extensions among the offered, a direction the offer allows.
fn check_section(o: &super::OfferSection, a: &RemoteSection) -> Result<()> {
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
    if o.rejected && !a.rejected {
        return Err(refuse(
            a,
            format!(
                "m-section '{}' was offered with port 0 and cannot be accepted",
                o.mid
            ),
        ));
    }
    if a.rejected || a.transport != Transport::Rtp {
        return Ok(());
    }
    if let Some(c) = a
        .rtp
        .codecs
        .iter()
        .find(|c| !o.codecs.iter().any(|oc| oc.pt == c.pt))
    {
        return Err(refuse(
            a,
            format!("payload type {} ({}) was not offered", c.pt, c.name),
        ));
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
    // RFC 3264 6.1: the answer sends only if the offer receives, and back.
    let allowed = o.direction.reversed();
    if (a.direction.sends() && !allowed.sends()) || (a.direction.recvs() && !allowed.recvs()) {
        return Err(refuse(
            a,
            format!(
                "direction {} answers an offered {}",
                a.direction, o.direction
            ),
        ));
    }
    Ok(())
}

/// RFC 8843 7.3: the answer's BUNDLE group holds offered mids only, each
/// of an m-section it accepts.
fn check_bundle(offer: &Offer, answer: &RemoteOffer) -> Result<()> {
    for group in &answer.bundle_groups {
        for mid in group {
            if !offer.bundle.contains(mid) {
                return Err(Error::invalid_access(format!(
                    "the answer's BUNDLE group has mid '{mid}', which the offer's group does not"
                )));
            }
            let rejected = answer
                .index_of_mid(mid)
                .is_some_and(|i| answer.sections[i].rejected);
            if rejected {
                return Err(Error::invalid_access(format!(
                    "the answer's BUNDLE group has mid '{mid}', whose m-section it rejects"
                )));
            }
        }
    }
    Ok(())
}
