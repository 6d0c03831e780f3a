//! ICE credentials and candidates (RFC 8839).

use crate::error::{Error, Result};
use ring::rand::{SecureRandom, SystemRandom};

/// ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 section 5.4).
const ICE_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// N bytes from the system CSPRNG; panics if it fails.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    SystemRandom::new()
        .fill(&mut b)
        .expect("the system random generator failed");
    b
}

/// A random non-zero u32 (SSRCs).
pub fn random_u32_nonzero() -> u32 {
    loop {
        let v = u32::from_ne_bytes(random_bytes::<4>());
        if v != 0 {
            return v;
        }
    }
}

/// A random id in the form of a UUID (version 4): what browsers use for
/// track and stream ids, and RFC 8830 token characters only.
pub fn random_id() -> String {
    let mut b = random_bytes::<16>();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        const HEX: &[u8; 16] = b"0123456789abcdef";
        out.push(HEX[usize::from(byte >> 4)] as char);
        out.push(HEX[usize::from(byte & 15)] as char);
    }
    out
}

fn random_ice_string<const N: usize>() -> String {
    random_bytes::<N>()
        .iter()
        .map(|b| ICE_CHARS[(*b & 63) as usize] as char)
        .collect()
}

/// ICE credentials: a=ice-ufrag and a=ice-pwd (RFC 8839 section 5.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IceCredentials {
    /// The username fragment (ice-ufrag).
    pub ufrag: String,
    /// The password (ice-pwd).
    pub pwd: String,
}

impl IceCredentials {
    /// 16 characters of ufrag and 32 of password: 96 and 192 bits of entropy.
    pub fn random() -> Self {
        IceCredentials {
            ufrag: random_ice_string::<16>(),
            pwd: random_ice_string::<32>(),
        }
    }
}

fn check_ice_string(what: &str, value: &str, min: usize) -> std::result::Result<(), String> {
    if value.len() < min || value.len() > 256 {
        return Err(format!(
            "{what} must be {min} to 256 characters, got {}",
            value.len()
        ));
    }
    if let Some(c) = value.bytes().find(|c| !ICE_CHARS.contains(c)) {
        return Err(format!(
            "{what} has the character '{}', outside ALPHA / DIGIT / \"+\" / \"/\"",
            (c as char).escape_default()
        ));
    }
    Ok(())
}

/// Checks an ice-ufrag: 4 to 256 ice-chars (RFC 8839 section 5.4); Err says why not.
pub fn check_ufrag(v: &str) -> std::result::Result<(), String> {
    check_ice_string("ice-ufrag", v, 4)
}

/// Checks an ice-pwd: 22 to 256 ice-chars (RFC 8839 section 5.4); Err says why not.
pub fn check_pwd(v: &str) -> std::result::Result<(), String> {
    check_ice_string("ice-pwd", v, 22)
}

/// Validates credentials given by the application.
pub fn validate_local(ufrag: &str, pwd: &str) -> Result<IceCredentials> {
    check_ufrag(ufrag).map_err(Error::invalid_argument)?;
    check_pwd(pwd).map_err(Error::invalid_argument)?;
    Ok(IceCredentials {
        ufrag: ufrag.into(),
        pwd: pwd.into(),
    })
}

/// ICE role of the local agent (RFC 8445 section 6.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IceRole {
    /// Controlling: nominates the pair.
    Controlling,
    /// Controlled.
    Controlled,
}

impl IceRole {
    /// RFC 8445 6.1.1: the offerer controls, unless it is a lite agent and
    /// the answerer a full one.
    pub fn of_offerer(local_lite: bool, remote_lite: bool) -> IceRole {
        match local_lite && !remote_lite {
            true => IceRole::Controlled,
            false => IceRole::Controlling,
        }
    }

    /// RFC 8445 6.1.1: the answerer is controlled, unless the offerer is a
    /// lite agent and the answerer a full one.
    pub fn of_answerer(local_lite: bool, remote_lite: bool) -> IceRole {
        match remote_lite && !local_lite {
            true => IceRole::Controlling,
            false => IceRole::Controlled,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc8839_5_4_credentials() {
        let c = IceCredentials::random();
        assert!(check_ufrag(&c.ufrag).is_ok() && check_pwd(&c.pwd).is_ok());
        assert_ne!(c, IceCredentials::random());
        assert!(check_ufrag("abc").is_err());
        assert!(check_pwd("short").is_err());
        assert!(check_ufrag("ab-cd").unwrap_err().contains("'-'"));
    }

    #[test]
    fn rfc8445_6_1_1_the_answerer_controls_only_a_lite_offerer() {
        assert_eq!(IceRole::of_answerer(false, false), IceRole::Controlled);
        assert_eq!(IceRole::of_answerer(false, true), IceRole::Controlling);
        assert_eq!(IceRole::of_answerer(true, false), IceRole::Controlled);
        assert_eq!(IceRole::of_answerer(true, true), IceRole::Controlled);
    }
}
