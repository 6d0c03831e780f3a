//! Identity assertions (W3C "Identity for WebRTC 1.0", RFC 8827 section 7):
//! the contents an identity provider signs, the a=identity attribute, and the
//! checks on a validated remote identity. The provider itself is the
//! application's (callbacks at the C boundary); this module is plain data.

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
