//! DTLS identity (RFC 8842): the certificate, its fingerprint and the role.

use crate::error::{Error, Result};
use ring::digest;
use std::sync::Arc;

/// A certificate and the SHA-256 fingerprint the SDP carries for it.
#[derive(Debug)]
pub struct Certificate {
    /// The certificate, PEM.
    pub cert_pem: String,
    /// Its private key, PEM.
    pub key_pem: String,
    /// The certificate, DER: what the fingerprint hashes.
    pub der: Vec<u8>,
    /// SHA-256 of `der`, for a=fingerprint (RFC 8122).
    pub sha256: [u8; 32],
}

impl Certificate {
    /// A fresh self-signed ECDSA P-256 certificate, as browsers make.
    pub fn generate() -> Result<Arc<Certificate>> {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
            .map_err(|e| Error::operation(format!("cannot generate a DTLS key: {e}")))?;
        let params = rcgen::CertificateParams::new(vec!["rtcpc".to_string()])
            .map_err(|e| Error::operation(format!("cannot make certificate parameters: {e}")))?;
        let cert = params
            .self_signed(&key)
            .map_err(|e| Error::operation(format!("cannot sign the DTLS certificate: {e}")))?;
        Ok(Arc::new(Self::from_der(
            cert.der().to_vec(),
            cert.pem(),
            key.serialize_pem(),
        )))
    }

    /// A certificate given by the application, as PEM certificate and PEM private key.
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<Arc<Certificate>> {
        let block = pem::parse(cert_pem)
            .map_err(|e| Error::invalid_argument(format!("certificate PEM does not parse: {e}")))?;
        if block.tag() != "CERTIFICATE" {
            return Err(Error::invalid_argument(format!(
                "certificate PEM holds a {} block, not a CERTIFICATE",
                block.tag()
            )));
        }
        let key = rcgen::KeyPair::from_pem(key_pem)
            .map_err(|e| Error::invalid_argument(format!("private key PEM is not usable: {e}")))?;
        // The certificate's subjectPublicKey bit string holds the key's raw
        // public key verbatim: a key of another certificate is not in it.
        let public = key.public_key_raw();
        if public.is_empty() || !block.contents().windows(public.len()).any(|w| w == public) {
            return Err(Error::invalid_argument(
                "the private key does not belong to the certificate (its public key is not the certificate's)",
            ));
        }
        Ok(Arc::new(Self::from_der(
            block.contents().to_vec(),
            cert_pem.to_string(),
            key_pem.to_string(),
        )))
    }

    fn from_der(der: Vec<u8>, cert_pem: String, key_pem: String) -> Certificate {
        let mut sha256 = [0u8; 32];
        sha256.copy_from_slice(digest::digest(&digest::SHA256, &der).as_ref());
        Certificate {
            cert_pem,
            key_pem,
            der,
            sha256,
        }
    }

    /// The certificate then the key, PEM, each ending in a newline.
    pub fn pem(&self) -> String {
        let mut out = String::with_capacity(self.cert_pem.len() + self.key_pem.len() + 2);
        for block in [&self.cert_pem, &self.key_pem] {
            out.push_str(block.trim_end());
            out.push('\n');
        }
        out
    }

    /// "AB:CD:..." as in a=fingerprint.
    pub fn fingerprint_hex(&self) -> String {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let mut s = String::with_capacity(32 * 3);
        for (i, b) in self.sha256.iter().enumerate() {
            if i > 0 {
                s.push(':');
            }
            s.push(HEX[usize::from(b >> 4)].into());
            s.push(HEX[usize::from(b & 15)].into());
        }
        s
    }
}

/// An a=setup value (RFC 4145 4, RFC 8842 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setup {
    /// active: the side writing it starts the DTLS handshake (the client).
    Active,
    /// passive: the side writing it waits for the handshake (the server).
    Passive,
    /// actpass: either role; the answerer chooses.
    Actpass,
    /// holdconn: no connection for now; refused (RFC 8842 section 5.1).
    Holdconn,
}

/// The DTLS role of the local side (RFC 8842 section 5.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DtlsRole {
    /// a=setup:active: the local side starts the handshake.
    Client,
    /// a=setup:passive.
    Server,
}

impl DtlsRole {
    /// "client" or "server", as the negotiation report writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            DtlsRole::Client => "client",
            DtlsRole::Server => "server",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_certificate_round_trips_through_pem() {
        let c = Certificate::generate().unwrap();
        let again = Certificate::from_pem(&c.cert_pem, &c.key_pem).unwrap();
        assert_eq!(c.sha256, again.sha256);
        assert_eq!(c.fingerprint_hex().len(), 95);
        // RFC 8122 5: upper-case hex pairs, colon-separated, of the digest.
        for (pair, byte) in c.fingerprint_hex().split(':').zip(c.sha256) {
            assert_eq!(pair, format!("{byte:02X}"));
        }
        assert!(Certificate::from_pem(&c.key_pem, &c.key_pem).is_err());
    }

    /// Issue 12.9: a private key of another certificate is refused.
    #[test]
    fn a_key_that_does_not_match_the_certificate_is_refused() {
        let (a, b) = (
            Certificate::generate().unwrap(),
            Certificate::generate().unwrap(),
        );
        let e = Certificate::from_pem(&a.cert_pem, &b.key_pem).unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::InvalidArgument);
        assert!(
            e.message.contains("does not belong to the certificate"),
            "{}",
            e.message
        );
        assert!(Certificate::from_pem(&b.cert_pem, &b.key_pem).is_ok());
    }
}
