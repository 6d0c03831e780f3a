//! Identity assertions (W3C "Identity for WebRTC 1.0", RFC 8827 section 7):
//! the contents an identity provider signs, the a=identity attribute, and the
//! checks on a validated remote identity. The provider itself is the
//! application's (callbacks at the C boundary); this module is plain data.

use crate::error::{Error, ErrorKind};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

/// Who vouches: the identity provider's domain and protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityProvider {
    /// The provider's domain (idp.domain in a=identity).
    pub domain: String,
    /// The provider's protocol; "default" when not given.
    pub protocol: String,
}

/// What the application's validation of a remote assertion gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RemoteIdentity {
    /// The offer carries no a=identity.
    Absent,
    /// It carries one that could not be validated, and why.
    Invalid(String),
    /// The provider says the assertion names `identity` and covers `contents`.
    Validated {
        /// The asserted identity, `name@domain`.
        identity: String,
        /// The contents the assertion covers: JSON with the fingerprints.
        contents: String,
        /// The domain of the provider that validated it.
        idp_domain: String,
    },
}

/// The contents a provider signs: the fingerprints the answer carries.
pub fn contents(fingerprints: &[(&str, String)]) -> String {
    let list: Vec<Value> = fingerprints
        .iter()
        .map(|(alg, digest)| json!({"algorithm": alg, "digest": digest}))
        .collect();
    json!({ "fingerprint": list }).to_string()
}

/// The value of a=identity: base64 of {"idp":{"domain","protocol"},"assertion"}.
pub fn encode_attribute(idp: &IdentityProvider, assertion: &str) -> String {
    let v =
        json!({"idp": {"domain": idp.domain, "protocol": idp.protocol}, "assertion": assertion});
    STANDARD.encode(v.to_string())
}

/// A decoded a=identity: the provider named and the inner assertion.
#[derive(Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The provider the attribute names.
    pub idp: IdentityProvider,
    /// The provider's assertion, opaque to rtcpc.
    pub assertion: String,
}

/// Decodes an a=identity value (the inverse of `encode_attribute`); Err says what is wrong.
pub fn decode_attribute(value: &str) -> Result<Decoded, String> {
    let token = value.split_whitespace().next().unwrap_or("");
    let bytes = STANDARD
        .decode(token)
        .map_err(|e| format!("a=identity is not base64: {e}"))?;
    let v: Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("a=identity is not JSON: {e}"))?;
    let s = |v: &Value, what: &str| {
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("a=identity has no string {what}"))
    };
    Ok(Decoded {
        idp: IdentityProvider {
            domain: s(&v["idp"]["domain"], "idp.domain")?,
            protocol: v["idp"]["protocol"]
                .as_str()
                .unwrap_or("default")
                .to_string(),
        },
        assertion: s(&v["assertion"], "assertion")?,
    })
}

/// What an identity provider's callback reported: at most one of an
/// assertion (generate), an identity with the contents it covers (validate)
/// or a failure; `misuse` when it called a result setter wrongly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProviderReport {
    /// The assertion a generate callback gave.
    pub assertion: Option<String>,
    /// The identity and the contents a validate callback gave.
    pub identity: Option<(String, String)>,
    /// The RTCErrorDetailType and message of a failure.
    pub failure: Option<(String, String)>,
    /// The first setter misuse (wrong setter, bad argument).
    pub misuse: Option<String>,
}

impl ProviderReport {
    /// A generate callback's report: the assertion, or NotReadableError
    /// saying what the provider did instead.
    pub fn into_assertion(self) -> Result<String, Error> {
        let why = match self {
            ProviderReport {
                failure: Some((detail, msg)),
                ..
            } => format!(
                "the identity provider could not provide an assertion: {detail}{}{msg}",
                if msg.is_empty() { "" } else { ": " }
            ),
            ProviderReport {
                assertion: Some(a), ..
            } if !a.is_empty() => return Ok(a),
            ProviderReport {
                assertion: Some(_), ..
            } => "the identity provider gave an empty assertion".into(),
            ProviderReport {
                misuse: Some(m), ..
            } => format!("the identity provider's callback misused the result: {m}"),
            _ => "the identity provider reported nothing".into(),
        };
        Err(Error::new(ErrorKind::NotReadable, why))
    }
}

/// The remote identity of an offer: absent without a=identity, else what
/// `validate` (the provider, asked with the inner assertion) reports;
/// `validate` is None when no validate callback is configured.
pub fn validate_offer(
    sdp: &str,
    validate: Option<impl FnOnce(&str) -> ProviderReport>,
) -> RemoteIdentity {
    let Some(value) = find_attribute(sdp) else {
        return RemoteIdentity::Absent;
    };
    let decoded = match decode_attribute(value) {
        Ok(d) => d,
        Err(e) => return RemoteIdentity::Invalid(e),
    };
    let Some(validate) = validate else {
        return RemoteIdentity::Invalid("no validate callback is configured".into());
    };
    match validate(&decoded.assertion) {
        ProviderReport {
            failure: Some((detail, msg)),
            ..
        } => RemoteIdentity::Invalid(format!(
            "the identity provider refused the assertion: {detail}: {msg}"
        )),
        ProviderReport {
            identity: Some((identity, contents)),
            ..
        } => RemoteIdentity::Validated {
            identity,
            contents,
            idp_domain: decoded.idp.domain,
        },
        _ => RemoteIdentity::Invalid("the identity provider reported nothing".into()),
    }
}

/// The session-level a=identity value of an SDP, found without parsing all of it.
pub fn find_attribute(sdp: &str) -> Option<&str> {
    sdp.lines()
        .take_while(|l| !l.starts_with("m="))
        .find_map(|l| l.trim_end().strip_prefix("a=identity:"))
}

/// RFC 8827 section 7.4: a validated identity is `name@domain` of the
/// provider's domain, and its contents cover every fingerprint of the offer
/// (given as "sha-256 AB:CD:..." strings).
pub fn check(
    identity: &str,
    contents: &str,
    idp_domain: &str,
    offered: &[String],
) -> Result<(), String> {
    let domain = identity
        .rsplit_once('@')
        .filter(|(name, _)| !name.is_empty())
        .map(|(_, d)| d)
        .ok_or_else(|| format!("the identity '{identity}' is not name@domain"))?;
    if !domain.eq_ignore_ascii_case(idp_domain) {
        return Err(format!(
            "the identity '{identity}' is not of the provider's domain {idp_domain}"
        ));
    }
    let v: Value = serde_json::from_str(contents)
        .map_err(|e| format!("the asserted contents are not JSON: {e}"))?;
    let asserted: Vec<(String, String)> = v["fingerprint"]
        .as_array()
        .ok_or("the asserted contents have no fingerprint list")?
        .iter()
        .filter_map(|f| {
            Some((
                f["algorithm"].as_str()?.to_ascii_lowercase(),
                f["digest"].as_str()?.to_ascii_uppercase(),
            ))
        })
        .collect();
    for fp in offered {
        let (alg, digest) = fp.split_once(' ').unwrap_or((fp, ""));
        let covered = asserted
            .iter()
            .any(|(a, d)| a.eq_ignore_ascii_case(alg) && d.eq_ignore_ascii_case(digest));
        if !covered {
            return Err(format!(
                "the assertion does not cover the offer's fingerprint {fp}"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn w3c_identity_a_generate_report_gives_the_assertion_or_not_readable() {
        let report = |a: Option<&str>, f: Option<(&str, &str)>, m: Option<&str>| ProviderReport {
            assertion: a.map(str::to_string),
            failure: f.map(|(d, m)| (d.to_string(), m.to_string())),
            misuse: m.map(str::to_string),
            identity: None,
        };
        assert_eq!(report(Some("x"), None, None).into_assertion().unwrap(), "x");
        let fails = [
            (
                report(None, Some(("idp-need-login", "who")), None),
                "idp-need-login: who",
            ),
            (
                report(Some("x"), Some(("idp-timeout", "")), None),
                "idp-timeout",
            ),
            (report(Some(""), None, None), "empty assertion"),
            (report(None, None, Some("bad")), "misused the result: bad"),
            (report(None, None, None), "reported nothing"),
        ];
        for (r, why) in fails {
            let e = r.into_assertion().unwrap_err();
            assert_eq!(e.kind, ErrorKind::NotReadable);
            assert!(e.message.contains(why), "{}", e.message);
        }
    }

    #[test]
    fn w3c_identity_an_offer_is_validated_by_the_provider() {
        let idp = IdentityProvider {
            domain: "idp.example".into(),
            protocol: "default".into(),
        };
        let sdp = format!("v=0\r\na=identity:{}\r\n", encode_attribute(&idp, "signed"));
        let said = |r: ProviderReport| validate_offer(&sdp, Some(move |_: &str| r));
        let valid = ProviderReport {
            identity: Some(("a@idp.example".into(), "{}".into())),
            ..Default::default()
        };
        assert_eq!(
            said(valid),
            RemoteIdentity::Validated {
                identity: "a@idp.example".into(),
                contents: "{}".into(),
                idp_domain: "idp.example".into(),
            }
        );
        let refused = ProviderReport {
            failure: Some(("idp-token-invalid".into(), "no".into())),
            ..Default::default()
        };
        assert!(matches!(said(refused), RemoteIdentity::Invalid(m) if m.contains("refused")));
        assert!(matches!(
            said(ProviderReport::default()),
            RemoteIdentity::Invalid(_)
        ));
        let none: Option<fn(&str) -> ProviderReport> = None;
        assert!(matches!(
            validate_offer(&sdp, none),
            RemoteIdentity::Invalid(_)
        ));
        assert_eq!(validate_offer("v=0\r\n", none), RemoteIdentity::Absent);
        let asked = std::cell::Cell::new(String::new());
        validate_offer(
            &sdp,
            Some(|a: &str| {
                asked.set(a.to_string());
                ProviderReport::default()
            }),
        );
        assert_eq!(asked.take(), "signed");
    }

    #[test]
    fn rfc8827_attribute_round_trip_and_checks() {
        let idp = IdentityProvider {
            domain: "idp.example".into(),
            protocol: "default".into(),
        };
        let value = encode_attribute(&idp, "signed-stuff");
        let d = decode_attribute(&value).unwrap();
        assert_eq!((d.idp, d.assertion.as_str()), (idp, "signed-stuff"));
        assert!(decode_attribute("!!!").unwrap_err().contains("base64"));
        assert!(decode_attribute(&STANDARD.encode("{}")).is_err());
        let c = contents(&[("sha-256", "AB:CD".into())]);
        assert_eq!(
            c,
            r#"{"fingerprint":[{"algorithm":"sha-256","digest":"AB:CD"}]}"#
        );
        let offered = vec!["sha-256 AB:CD".to_string()];
        assert!(check("alice@idp.example", &c, "idp.example", &offered).is_ok());
        assert!(check("alice@other.example", &c, "idp.example", &offered).is_err());
        assert!(check("idp.example", &c, "idp.example", &offered).is_err());
        assert!(check(
            "alice@idp.example",
            &c,
            "idp.example",
            &["sha-256 EF:00".into()]
        )
        .is_err());
        assert_eq!(
            find_attribute("v=0\r\na=identity:abc\r\nm=audio\r\na=identity:x"),
            Some("abc")
        );
    }
}
