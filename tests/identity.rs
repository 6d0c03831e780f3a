//! Identity assertions and answer options (issue 7) through the Rust API:
//! the provider's role is played by the test (sans-IO: the core asks for
//! contents, the application brings the assertion back).

use rtcpc::identity::{self, IdentityProvider, RemoteIdentity};
use rtcpc::{AnswerOptions, Configuration, ErrorKind, PeerConnection, SdpType, SignalingState};

mod common;
use common::CHROME;

fn idp() -> IdentityProvider {
    IdentityProvider {
        domain: "idp.example".into(),
        protocol: "default".into(),
    }
}

fn with_idp(peer_identity: Option<&str>) -> PeerConnection {
    PeerConnection::new(Configuration {
        identity_provider: Some(idp()),
        peer_identity: peer_identity.map(str::to_string),
        ..Default::default()
    })
    .unwrap()
}

#[test]
fn an_answer_carries_the_assertion_and_reuses_it() {
    let mut pc = with_idp(None);
    assert_eq!(
        pc.identity_request().unwrap_err().kind,
        ErrorKind::InvalidState,
        "state first"
    );
    pc.set_remote_description(SdpType::Offer, CHROME).unwrap();
    let contents = pc.identity_request().unwrap().expect("contents to sign");
    let fp = pc.certificate().fingerprint_hex();
    assert_eq!(
        contents,
        format!(r#"{{"fingerprint":[{{"algorithm":"sha-256","digest":"{fp}"}}]}}"#)
    );
    // Without an assertion: NotReadableError, nothing changes.
    let e = pc.create_answer(AnswerOptions::default()).unwrap_err();
    assert_eq!(
        (e.kind, e.kind.dom_name()),
        (ErrorKind::NotReadable, "NotReadableError")
    );
    assert_eq!(pc.signaling_state(), SignalingState::HaveRemoteOffer);
    assert!(pc.last_answer().is_none());
    assert_eq!(
        pc.set_identity_assertion("").unwrap_err().kind,
        ErrorKind::NotReadable
    );
    pc.set_identity_assertion("signed(contents)").unwrap();
    let a = pc.create_answer(AnswerOptions::default()).unwrap();
    let value = a
        .lines()
        .find_map(|l| l.strip_prefix("a=identity:"))
        .unwrap();
    let first_m = a.find("\r\nm=").unwrap();
    assert!(
        a.find("a=identity:").unwrap() < first_m,
        "session level, before the first m-line"
    );
    let d = identity::decode_attribute(value).unwrap();
    assert_eq!((d.idp, d.assertion.as_str()), (idp(), "signed(contents)"));
    assert!(
        pc.identity_request().unwrap().is_none(),
        "kept for the connection"
    );
    pc.set_local_description(SdpType::Answer, "").unwrap();
}

fn offer_with_identity(assertion: &str) -> String {
    let value = identity::encode_attribute(&idp(), assertion);
    CHROME.replacen("t=0 0\r\n", &format!("t=0 0\r\na=identity:{value}\r\n"), 1)
}

fn offered_fingerprint() -> String {
    CHROME
        .lines()
        .find_map(|l| l.strip_prefix("a=fingerprint:"))
        .unwrap()
        .to_string()
}

fn validated(identity: &str, fingerprint: &str) -> RemoteIdentity {
    let (alg, digest) = fingerprint.split_once(' ').unwrap();
    RemoteIdentity::Validated {
        identity: identity.into(),
        contents: identity::contents(&[(alg, digest.into())]),
        idp_domain: "idp.example".into(),
    }
}

#[test]
fn rfc8827_remote_identity_validation() {
    let offer = offer_with_identity("whatever");
    let fp = offered_fingerprint();
    // Validated and covering the offer's fingerprint: the peer identity.
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    pc.set_remote_description_with_identity(
        SdpType::Offer,
        &offer,
        validated("bob@idp.example", &fp),
    )
    .unwrap();
    assert_eq!(pc.peer_identity(), Some("bob@idp.example"));
    // A fingerprint mismatch or a foreign domain leaves no identity, but
    // without a required identity the offer is still taken (as Firefox does).
    for bad in [
        validated("bob@idp.example", "sha-256 00:11"),
        validated("bob@evil.example", &fp),
        RemoteIdentity::Invalid("idp-token-invalid".into()),
    ] {
        let mut pc = PeerConnection::new(Configuration::default()).unwrap();
        pc.set_remote_description_with_identity(SdpType::Offer, &offer, bad)
            .unwrap();
        assert_eq!(pc.peer_identity(), None);
    }
    // The plain call does not validate: no identity.
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    pc.set_remote_description(SdpType::Offer, &offer).unwrap();
    assert_eq!(pc.peer_identity(), None);
}

#[test]
fn w3c_required_peer_identity() {
    let offer = offer_with_identity("x");
    let fp = offered_fingerprint();
    let mut pc = with_idp(Some("bob@idp.example"));
    for (remote, needle) in [
        (RemoteIdentity::Absent, "no identity assertion"),
        (
            validated("eve@idp.example", &fp),
            "'eve@idp.example' is not the required",
        ),
        (
            validated("bob@idp.example", "sha-256 00:11"),
            "does not cover",
        ),
        (
            RemoteIdentity::Invalid("idp-token-invalid: expired".into()),
            "expired",
        ),
    ] {
        let e = pc
            .set_remote_description_with_identity(SdpType::Offer, &offer, remote)
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Operation, "{e}");
        assert!(e.message.contains(needle), "{}", e.message);
        assert_eq!(pc.signaling_state(), SignalingState::Stable);
        assert!(pc.remote_description().is_none());
    }
    pc.set_remote_description_with_identity(
        SdpType::Offer,
        &offer,
        validated("bob@idp.example", &fp),
    )
    .unwrap();
    assert_eq!(pc.peer_identity(), Some("bob@idp.example"));
}

#[test]
fn voice_activity_detection_controls_comfort_noise() {
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    pc.set_remote_description(SdpType::Offer, CHROME).unwrap();
    let with = pc
        .create_answer(AnswerOptions {
            voice_activity_detection: true,
        })
        .unwrap();
    let without = pc
        .create_answer(AnswerOptions {
            voice_activity_detection: false,
        })
        .unwrap();
    assert!(with.contains(" CN/8000"));
    assert!(!without.contains(" CN/"));
}

/// Issue 12.4: rollback restores the peer identity from before the offer.
#[test]
fn w3c_rollback_restores_the_peer_identity() {
    let offer = offer_with_identity("whatever");
    let fp = offered_fingerprint();
    let offer_as = |pc: &mut PeerConnection, who: &str| {
        pc.set_remote_description_with_identity(SdpType::Offer, &offer, validated(who, &fp))
    };
    let mut pc = PeerConnection::new(Configuration::default()).unwrap();
    offer_as(&mut pc, "bob@idp.example").unwrap();
    assert_eq!(pc.peer_identity(), Some("bob@idp.example"));
    pc.set_remote_description(SdpType::Rollback, "").unwrap();
    assert_eq!(pc.peer_identity(), None);
    // A replacing offer may not change it; a rollback still takes it back
    // to before the first pending offer.
    offer_as(&mut pc, "bob@idp.example").unwrap();
    let e = offer_as(&mut pc, "carol@idp.example").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Operation);
    offer_as(&mut pc, "bob@idp.example").unwrap();
    pc.set_remote_description(SdpType::Rollback, "").unwrap();
    assert_eq!(pc.peer_identity(), None);
    offer_as(&mut pc, "carol@idp.example").unwrap();
    assert_eq!(pc.peer_identity(), Some("carol@idp.example"));
}

/// Issue 15: an offer carries the assertion too; NotReadableError without
/// one, and an answerer with a provider validates it.
#[test]
fn an_offer_carries_the_assertion() {
    use rtcpc::offer::OfferOptions;
    let mut pc = with_idp(None);
    pc.add_track(rtcpc::MediaKind::Audio, "mic", "s").unwrap();
    let contents = pc
        .offer_identity_request()
        .unwrap()
        .expect("contents to sign");
    let e = pc.create_offer(OfferOptions::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotReadable);
    pc.set_identity_assertion("signed(offer)").unwrap();
    let offer = pc.create_offer(OfferOptions::default()).unwrap();
    let value = offer
        .lines()
        .find_map(|l| l.strip_prefix("a=identity:"))
        .unwrap();
    let d = identity::decode_attribute(value).unwrap();
    assert_eq!(d.assertion, "signed(offer)");
    assert!(contents.contains(&pc.certificate().fingerprint_hex()));
    // The answering side sees a validated identity over that offer.
    let mut b = with_idp(Some("alice@idp.example"));
    let fp = format!("sha-256 {}", pc.certificate().fingerprint_hex());
    let signed = identity::contents(&[("sha-256", pc.certificate().fingerprint_hex())]);
    let remote = RemoteIdentity::Validated {
        identity: "alice@idp.example".into(),
        contents: signed,
        idp_domain: "idp.example".into(),
    };
    assert!(offer.contains(&fp));
    b.set_remote_description_with_identity(SdpType::Offer, &offer, remote)
        .unwrap();
    assert_eq!(b.peer_identity(), Some("alice@idp.example"));
}
