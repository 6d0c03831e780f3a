//! Trickle ICE and ICE restart fragments (`application/trickle-ice-sdpfrag`,
//! RFC 8840 sections 4.4 and 9, as RFC 9725 section 4.3 uses them for WHIP
//! and WHEP): read as real clients write them, and written for the peer.
//!
//! A fragment has no v=/o=/s=/t= lines: session-level ICE lines, then
//! "pseudo" m= lines that only anchor an `a=mid` (their port, protocol and
//! formats mean nothing: simple-whip-client writes `m=audio 9 RTP/AVP 0`).
//! Credentials may be at session or media level (media level wins); a
//! fragment with credentials and no m= line at all (whip-whep-js restarts)
//! names every transport.

use crate::error::{Error, Result};
use crate::ice::{self, IceCredentials};
use crate::sdp::printable;

/// A fragment as read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IceFragment {
    /// Session-level a=ice-ufrag and a=ice-pwd, when both are there.
    pub ice: Option<IceCredentials>,
    /// Session-level a=end-of-candidates: every m-section's candidates ended.
    pub end_of_candidates: bool,
    /// The m-sections, in order.
    pub sections: Vec<FragmentSection>,
}

/// One m= block of a fragment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FragmentSection {
    /// Its a=mid (None: matched by position).
    pub mid: Option<String>,
    /// Media-level credentials, when both lines are there.
    pub ice: Option<IceCredentials>,
    /// "candidate:..." values, in order.
    pub candidates: Vec<String>,
    /// It ends its candidates.
    pub end_of_candidates: bool,
    /// 1-based line of its m= line.
    pub line: usize,
}

impl IceFragment {
    /// The credentials that hold for `section` (its own, else the session's).
    pub fn credentials<'a>(
        &'a self,
        section: Option<&'a FragmentSection>,
    ) -> Option<&'a IceCredentials> {
        section.and_then(|s| s.ice.as_ref()).or(self.ice.as_ref())
    }
}

/// A syntax error on a line, as descriptions report them.
fn bad(line: usize, what: impl std::fmt::Display, text: &str) -> Error {
    Error::syntax_at(
        line,
        format!("line {line}: {what}: \"{}\"", printable(text)),
    )
}

/// Half-read ICE credentials of one level, with the line of the first.
#[derive(Default)]
struct Credentials {
    ufrag: Option<String>,
    pwd: Option<String>,
    line: usize,
}

impl Credentials {
    fn done(self, what: &str) -> Result<Option<IceCredentials>> {
        match (self.ufrag, self.pwd) {
            (Some(ufrag), Some(pwd)) => Ok(Some(IceCredentials { ufrag, pwd })),
            (None, None) => Ok(None),
            _ => Err(Error::syntax_at(
                self.line,
                format!(
                    "line {}: the fragment's {what} has a=ice-ufrag or a=ice-pwd without the other",
                    self.line
                ),
            )),
        }
    }
}

/// Reads a fragment. Errors name the line; lines of a full description's
/// header (v=, o=, s=, t=, c=, b=) are ignored, as are unknown attributes.
pub fn parse(text: &str) -> Result<IceFragment> {
    let mut frag = IceFragment::default();
    let mut session = Credentials::default();
    let mut media: Vec<Credentials> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let (line_no, line) = (i + 1, raw.strip_suffix('\r').unwrap_or(raw));
        if line.trim().is_empty()
            || matches!(line.get(..2), Some("v=" | "o=" | "s=" | "t=" | "c=" | "b="))
        {
            continue;
        }
        if let Some(m) = line.strip_prefix("m=") {
            if m.split(' ').filter(|t| !t.is_empty()).count() < 4 {
                return Err(bad(
                    line_no,
                    "an m= line needs media, port, protocol and a format",
                    line,
                ));
            }
            frag.sections.push(FragmentSection {
                line: line_no,
                ..Default::default()
            });
            media.push(Credentials::default());
            continue;
        }
        let Some(attr) = line.strip_prefix("a=") else {
            return Err(bad(line_no, "a fragment holds only a= and m= lines", line));
        };
        let (name, value) = attr.split_once(':').unwrap_or((attr, ""));
        let creds = media.last_mut().unwrap_or(&mut session);
        match name {
            "ice-ufrag" => {
                ice::check_ufrag(value).map_err(|e| bad(line_no, e, line))?;
                creds.line = line_no;
                creds.ufrag = Some(value.to_string());
            }
            "ice-pwd" => {
                ice::check_pwd(value).map_err(|e| bad(line_no, e, line))?;
                creds.line = creds.line.max(line_no);
                creds.pwd = Some(value.to_string());
            }
            "mid" | "candidate" => {
                let Some(s) = frag.sections.last_mut() else {
                    return Err(bad(line_no, "outside any m= section", line));
                };
                match name {
                    "mid" => s.mid = Some(value.trim().to_string()),
                    _ => s.candidates.push(candidate(attr, line_no, line)?),
                }
            }
            "end-of-candidates" => match frag.sections.last_mut() {
                Some(s) => s.end_of_candidates = true,
                None => frag.end_of_candidates = true,
            },
            _ => {}
        }
    }
    frag.ice = session.done("session level")?;
    for (s, c) in frag.sections.iter_mut().zip(media) {
        s.ice = c.done("m-section")?;
    }
    Ok(frag)
}

/// A candidate attribute ("candidate:..."), checked as addIceCandidate checks it.
fn candidate(attr: &str, line_no: usize, line: &str) -> Result<String> {
    crate::config::LocalCandidate::parse(attr, None)
        .map(|c| c.text)
        .map_err(|e| bad(line_no, e.message, line))
}

/// What a fragment states of one transport we write it for.
pub struct FragmentBlock<'a> {
    /// The m= line as our description wrote it (without "m=").
    pub m_line: &'a str,
    /// Its mid.
    pub mid: &'a str,
    /// The credentials of the transport.
    pub ice: &'a IceCredentials,
    /// "candidate:..." values.
    pub candidates: &'a [String],
}

/// Writes a fragment (CRLF, as SDP): the session's ICE lines as our
/// descriptions state them, then one block per transport.
pub fn write(ice_lite: bool, bundle: &[String], blocks: &[FragmentBlock]) -> String {
    let mut out = String::with_capacity(256);
    if ice_lite {
        out.push_str("a=ice-lite\r\n");
    }
    out.push_str("a=ice-options:trickle\r\n");
    if !bundle.is_empty() {
        out.push_str(&format!("a=group:BUNDLE {}\r\n", bundle.join(" ")));
    }
    for b in blocks {
        out.push_str(&format!("m={}\r\na=mid:{}\r\n", b.m_line, b.mid));
        out.push_str(&format!(
            "a=ice-ufrag:{}\r\na=ice-pwd:{}\r\n",
            b.ice.ufrag, b.ice.pwd
        ));
        for c in b.candidates {
            out.push_str(&format!("a={c}\r\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "candidate:1 1 UDP 2015363327 192.0.2.10 48111 typ host";

    /// simple-whip-client: session-level credentials, `m=audio 9 RTP/AVP 0`.
    #[test]
    fn rfc8840_9_simple_whip_client_trickle() {
        let f = parse(&format!(
            "a=ice-ufrag:Xb7Q\r\na=ice-pwd:0rVq2hT6uRZyWb1sKcD9fA3m\r\nm=audio 9 RTP/AVP 0\r\na=mid:audio0\r\na={HOST}\r\na=end-of-candidates\r\n"
        ))
        .unwrap();
        assert_eq!(f.ice.as_ref().unwrap().ufrag, "Xb7Q");
        let s = &f.sections[0];
        assert_eq!(s.mid.as_deref(), Some("audio0"));
        assert_eq!(s.candidates.len(), 1);
        assert!(s.end_of_candidates && s.ice.is_none());
        assert_eq!(f.credentials(Some(s)).unwrap().ufrag, "Xb7Q");
    }

    /// whip-whep-js restarts with credentials only; RFC 9725's examples put
    /// them at media level; LF line ends are read too.
    #[test]
    fn rfc9725_4_3_restart_shapes() {
        let f = parse("a=ice-ufrag:ysXw\na=ice-pwd:vw5LmwG4y/e6dPP/zAP9Gp5k\n").unwrap();
        assert!(f.sections.is_empty() && f.ice.is_some());
        let f = parse(&format!(
            "a=ice-options:trickle ice2\r\na=group:BUNDLE 0 1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=ice-ufrag:ysXw\r\na=ice-pwd:vw5LmwG4y/e6dPP/zAP9Gp5k\r\na={HOST}\r\n"
        ))
        .unwrap();
        assert_eq!(f.sections[0].ice.as_ref().unwrap().ufrag, "ysXw");
    }

    #[test]
    fn rfc8840_9_errors_name_the_line() {
        for (text, line) in [
            ("m=audio 9 RTP/AVP\r\n", 1),
            ("a=mid:0\r\n", 1),
            ("m=audio 9 RTP/AVP 0\r\na=candidate:x\r\n", 2),
            ("a=ice-ufrag:ab\r\n", 1),
            ("a=ice-ufrag:abcd\r\n", 1),
            ("m=audio 9 RTP/AVP 0\r\nhello\r\n", 2),
        ] {
            let e = parse(text).unwrap_err();
            assert_eq!(e.sdp_line, Some(line), "{text:?}: {}", e.message);
        }
        // A full description's header lines are tolerated.
        assert!(parse("v=0\r\na=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901\r\n").is_ok());
    }

    #[test]
    fn rfc8840_a_written_fragment_reads_back() {
        let ice = IceCredentials::random();
        let cands = vec![HOST.to_string()];
        let text = write(
            true,
            &["0".into(), "1".into()],
            &[FragmentBlock {
                m_line: "audio 9 UDP/TLS/RTP/SAVPF 111",
                mid: "0",
                ice: &ice,
                candidates: &cands,
            }],
        );
        assert!(text.starts_with("a=ice-lite\r\na=ice-options:trickle\r\na=group:BUNDLE 0 1\r\n"));
        let f = parse(&text).unwrap();
        assert_eq!(f.sections[0].ice.as_ref(), Some(&ice));
        assert_eq!(f.sections[0].candidates, cands);
    }
}
