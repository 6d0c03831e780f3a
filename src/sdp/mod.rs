//! A linear driver around webrtc-sdp's line parser.
//!
//! webrtc-sdp's `parse_sdp` removes lines from the front of a Vec (quadratic in
//! the number of lines), reports the last error rather than the first with a
//! 0-based line number, and fails the whole offer on an m= line with a protocol
//! it does not know. We call its per-line parser and assemble the session and
//! media sections ourselves, in one pass, keeping 1-based line numbers.
//! `model` is the other direction: a description as a value that prints itself.

pub(crate) mod edit;
pub(crate) mod fast;
pub mod model;

use crate::error::{Error, Result};
use std::sync::Arc;
use webrtc_sdp::attribute_type::{SdpAttribute, SdpAttributePayloadType, SdpAttributeRtpmap};
use webrtc_sdp::error::SdpParserError;
use webrtc_sdp::media_type::{
    SdpFormatList, SdpMedia, SdpMediaLine, SdpMediaValue, SdpProtocolValue,
};
use webrtc_sdp::{parse_sdp_line, SdpOrigin, SdpSession, SdpType};

/// A parsed description plus what webrtc-sdp's types do not keep.
#[derive(Clone)]
pub struct Sdp {
    pub session: SdpSession,
    /// 1-based line of each session attribute, parallel to `session.attribute`.
    pub session_attr_lines: Vec<usize>,
    pub media: Vec<MediaExtra>,
    /// Lines skipped because webrtc-sdp does not support them: (line, the
    /// m-section index or None for session level, the line text).
    pub ignored: Vec<(usize, Option<usize>, String)>,
}

/// Per m-section side data, parallel to `session.media`.
#[derive(Clone, Default)]
pub struct MediaExtra {
    /// 1-based line number of the m= line.
    pub line: usize,
    /// 1-based line of each attribute, parallel to `SdpMedia::get_attributes()`.
    pub attr_lines: Vec<usize>,
    /// The m= line's protocol when webrtc-sdp does not know it (e.g. `udptl`).
    pub unknown_proto: Option<String>,
    /// a=fmtp parameters exactly as written, by payload type, with their
    /// line: read here, not by webrtc-sdp (which reorders and drops defaults,
    /// corrupts unknown parameters when printing, and is the costliest
    /// attribute parser for lines an answer only copies and compares).
    pub fmtp_raw: Vec<(u8, String, usize)>,
    /// a=rtpmap lines read by `fast`, with their line (the others are
    /// among the attributes, as webrtc-sdp read them).
    pub rtpmaps: Vec<(SdpAttributeRtpmap, usize)>,
    /// a=rtcp-fb lines read by `fast`: payload type, value ("nack pli"), line.
    pub rtcp_fb: Vec<(SdpAttributePayloadType, Arc<str>, usize)>,
    /// The a=candidate values as written ("candidate:..."), in order:
    /// webrtc-sdp prints them back changed (e.g. the transport in capitals).
    pub candidates_raw: Vec<String>,
    /// `a=mid` of an m-section with an unknown protocol, whose other
    /// attributes are not parsed: (value, line).
    pub unknown_mid: Option<(String, usize)>,
}

impl std::fmt::Debug for Sdp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sdp {{ {} m-sections }}", self.media.len())
    }
}

impl MediaExtra {
    pub fn fmtp(&self, pt: u8) -> Option<&str> {
        self.fmtp_raw
            .iter()
            .find(|(p, _, _)| *p == pt)
            .map(|(_, s, _)| s.as_str())
    }
}

fn line_error(line_no: usize, what: impl std::fmt::Display, text: &str) -> Error {
    Error::syntax_at(
        line_no,
        format!("line {line_no}: {what}: \"{}\"", printable(text)),
    )
}

/// Cuts and cleans a line for an error message.
pub fn printable(text: &str) -> String {
    let mut s: String = text
        .chars()
        .take(120)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if text.chars().count() > 120 {
        s.push_str("...");
    }
    s
}

fn parser_error_text(e: &SdpParserError) -> String {
    match e {
        SdpParserError::Line { error, .. } | SdpParserError::Unsupported { error, .. } => {
            error.to_string()
        }
        SdpParserError::Sequence { message, .. } => message.clone(),
    }
}

/// Protocols webrtc-sdp parses; an m= line with one of these that fails to
/// parse is a real syntax error, not an unknown protocol.
const KNOWN_PROTOCOLS: &[&str] = &[
    "RTP/AVP",
    "RTP/AVPF",
    "RTP/SAVP",
    "RTP/SAVPF",
    "TCP/DTLS/RTP/SAVP",
    "TCP/DTLS/RTP/SAVPF",
    "UDP/TLS/RTP/SAVP",
    "UDP/TLS/RTP/SAVPF",
    "DTLS/SCTP",
    "UDP/DTLS/SCTP",
    "TCP/DTLS/SCTP",
];

/// Parses an m= line whose protocol webrtc-sdp does not know, so that the
/// section can be answered as rejected instead of failing the whole offer.
fn fallback_media_line(value: &str) -> Option<(SdpMediaLine, String)> {
    let mut it = value.split_whitespace();
    let media = match it.next()? {
        "audio" => SdpMediaValue::Audio,
        "video" => SdpMediaValue::Video,
        "application" => SdpMediaValue::Application,
        other => SdpMediaValue::Unknown(other.to_string()),
    };
    let tokens: Vec<&str> = value.split_whitespace().collect();
    let proto_known = tokens
        .get(2)
        .is_some_and(|p| KNOWN_PROTOCOLS.iter().any(|k| k.eq_ignore_ascii_case(p)));
    if proto_known && !matches!(media, SdpMediaValue::Unknown(_)) {
        return None;
    }
    let mut port_tokens = it.next()?.split('/');
    let port: u32 = port_tokens.next()?.parse().ok().filter(|p| *p <= 65535)?;
    let port_count: u32 = match port_tokens.next() {
        Some(c) => c.parse().ok()?,
        None => 0,
    };
    let proto = it.next()?.to_string();
    let formats = it.collect::<Vec<_>>().join(" ");
    Some((
        SdpMediaLine {
            media,
            port,
            port_count,
            proto: SdpProtocolValue::RtpAvp,
            formats: SdpFormatList::Unknown(formats),
        },
        proto,
    ))
}

/// RFC 8866 6.15: `a=fmtp:<format> <format specific parameters>`, where the
/// format is a payload type (RFC 3551); the parameters are kept as written.
fn fmtp_line(value: &str, line_no: usize, line: &str) -> Result<(u8, String, usize)> {
    let (pt, params) = value.split_once(' ').unwrap_or((value, ""));
    let pt = pt
        .parse::<u8>()
        .ok()
        .filter(|p| *p <= 127)
        .ok_or_else(|| line_error(line_no, "a=fmtp needs a payload type in 0-127", line))?;
    Ok((pt, params.trim().to_string(), line_no))
}

/// Parses SDP text. Errors name the first offending line (1-based).
pub fn parse(text: &str) -> Result<Sdp> {
    if text.trim().is_empty() {
        return Err(Error::syntax("empty SDP"));
    }
    if let Some(pos) = text.find('\0') {
        let line = text[..pos].matches('\n').count() + 1;
        return Err(Error::syntax_at(
            line,
            format!("line {line}: the SDP contains a NUL byte"),
        ));
    }
    let mut reader = Reader::default();
    for (idx, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        reader.line(idx + 1, line)?;
    }
    reader.finish()
}

/// The one pass over the lines: what was read so far.
#[derive(Default)]
struct Reader {
    session: Option<SdpSession>,
    session_attr_lines: Vec<usize>,
    media: Vec<SdpMedia>,
    extras: Vec<MediaExtra>,
    ignored: Vec<(usize, Option<usize>, String)>,
    /// How many of v=, o=, s= were seen.
    header: usize,
    version: u64,
    origin: Option<SdpOrigin>,
}

impl Reader {
    fn line(&mut self, line_no: usize, line: &str) -> Result<()> {
        if line.trim().is_empty() {
            return Ok(());
        }
        let bytes = line.as_bytes();
        // Lines webrtc-sdp refuses but that carry nothing an answer needs.
        if bytes.len() >= 2 && bytes[1] == b'=' && b"uepzrk".contains(&bytes[0]) {
            return Ok(());
        }
        if self.in_unknown_section(line_no, line) || self.fast_media_line(line_no, line)? {
            return Ok(());
        }
        let Some(parsed) = self.parse_line(line_no, line)? else {
            return Ok(());
        };
        if self.header < 3 {
            return self.header_line(parsed, line_no, line);
        }
        if let SdpType::Media(m) = parsed {
            self.media.push(SdpMedia::new(m));
            self.extras.push(MediaExtra {
                line: line_no,
                ..Default::default()
            });
            return Ok(());
        }
        match self.media.is_empty() {
            true => self.session_line(parsed, line_no, line),
            false => self.media_line(parsed, line_no, line),
        }
    }

    /// Inside an m-section webrtc-sdp cannot parse, only the mid matters
    /// (BUNDLE and the answer name it); other lines are not parsed at all.
    fn in_unknown_section(&mut self, line_no: usize, line: &str) -> bool {
        let Some(extra) = self.extras.last_mut().filter(|e| e.unknown_proto.is_some()) else {
            return false;
        };
        if line.starts_with("m=") {
            return false;
        }
        if let Some(mid) = line.strip_prefix("a=mid:") {
            extra.unknown_mid = Some((mid.trim().to_string(), line_no));
        }
        true
    }

    /// a=fmtp (kept as written), and a=rtpmap and a=rtcp-fb in the form
    /// `fast` reads: whether the line was one.
    fn fast_media_line(&mut self, line_no: usize, line: &str) -> Result<bool> {
        let Some(extra) = self.extras.last_mut() else {
            return Ok(false);
        };
        if let Some(value) = line.strip_prefix("a=fmtp:") {
            extra.fmtp_raw.push(fmtp_line(value, line_no, line)?);
        } else if let Some(r) = line.strip_prefix("a=rtpmap:").and_then(fast::rtpmap) {
            extra.rtpmaps.push((r, line_no));
        } else if let Some((pt, fb)) = line.strip_prefix("a=rtcp-fb:").and_then(fast::rtcp_fb) {
            extra.rtcp_fb.push((pt, fb.into(), line_no));
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    /// The line as webrtc-sdp (or `fast`, for a fingerprint) reads it; None
    /// when it is ignored: an attribute webrtc-sdp does not know (as
    /// browsers do), or an m= line of an unknown protocol (kept aside).
    fn parse_line(&mut self, line_no: usize, line: &str) -> Result<Option<SdpType>> {
        let fast = line
            .strip_prefix("a=fingerprint:")
            .and_then(fast::fingerprint);
        let parsed = fast.map_or_else(
            || parse_sdp_line(line, line_no).map(|l| l.sdp_type),
            |f| Ok(SdpType::Attribute(SdpAttribute::Fingerprint(f))),
        );
        let e = match parsed {
            Ok(t) => return Ok(Some(t)),
            Err(SdpParserError::Unsupported { .. }) if !line.starts_with("m=") => {
                log::trace!("line {line_no}: ignored unsupported line");
                let section = self.media.len().checked_sub(1);
                self.ignored.push((line_no, section, line.to_string()));
                return Ok(None);
            }
            Err(e) => e,
        };
        let fallback = line
            .strip_prefix("m=")
            .filter(|_| self.header == 3)
            .and_then(fallback_media_line);
        let Some((mline, proto)) = fallback else {
            return Err(line_error(line_no, parser_error_text(&e), line));
        };
        self.media.push(SdpMedia::new(mline));
        self.extras.push(MediaExtra {
            line: line_no,
            unknown_proto: Some(proto),
            ..Default::default()
        });
        Ok(None)
    }

    /// v=, o=, s=, in that order, first.
    fn header_line(&mut self, parsed: SdpType, line_no: usize, line: &str) -> Result<()> {
        match (self.header, parsed) {
            (0, SdpType::Version(v)) => self.version = v,
            (1, SdpType::Origin(o)) => self.origin = Some(o),
            (2, SdpType::Session(s)) => {
                let origin = self.origin.take().expect("read before");
                self.session = Some(SdpSession::new(self.version, origin, s))
            }
            _ => {
                let expected = ["v=", "o=", "s="][self.header];
                return Err(line_error(
                    line_no,
                    format!("expected the {expected} line here"),
                    line,
                ));
            }
        }
        self.header += 1;
        Ok(())
    }

    /// A line before the first m= line.
    fn session_line(&mut self, parsed: SdpType, line_no: usize, line: &str) -> Result<()> {
        let session = self.session.as_mut().expect("header complete");
        match parsed {
            SdpType::Information(i) => session.information = Some(i),
            SdpType::Connection(_) if session.connection.is_some() => {
                return Err(line_error(line_no, "second c= line at session level", line));
            }
            SdpType::Connection(c) => session.connection = Some(c),
            SdpType::Bandwidth(b) => session.bandwidth.push(b),
            SdpType::Timing(t) => {
                session.timing.get_or_insert(t);
            }
            SdpType::Attribute(a) => {
                session
                    .add_attribute(a)
                    .map_err(|e| line_error(line_no, e, line))?;
                self.session_attr_lines.push(line_no);
            }
            _ => return Err(line_error(line_no, "this line is not allowed here", line)),
        }
        Ok(())
    }

    /// A line of the last m-section.
    fn media_line(&mut self, parsed: SdpType, line_no: usize, line: &str) -> Result<()> {
        let m = self.media.last_mut().expect("an m-section");
        let extra = self.extras.last_mut().expect("parallel to media");
        match parsed {
            SdpType::Information(i) => m.set_information(Some(i)),
            SdpType::Connection(_) if m.get_connection().is_some() => {
                return Err(line_error(line_no, "second c= line in one m-section", line));
            }
            SdpType::Connection(c) => m.set_connection(c),
            SdpType::Bandwidth(b) => m.add_bandwidth(b),
            SdpType::Attribute(SdpAttribute::DtlsMessage(_)) => {}
            SdpType::Attribute(a) => {
                if let SdpAttribute::Candidate(_) = a {
                    extra
                        .candidates_raw
                        .push(line["a=".len()..].trim_end().to_string());
                }
                m.add_attribute(a)
                    .map_err(|e| line_error(line_no, e, line))?;
                extra.attr_lines.push(line_no);
            }
            _ => {
                return Err(line_error(
                    line_no,
                    "this line is not allowed inside an m-section",
                    line,
                ))
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<Sdp> {
        let mut session = match self.session {
            Some(s) if self.header == 3 => s,
            _ => {
                let missing = ["v=", "o=", "s="][self.header];
                return Err(Error::syntax(format!(
                    "the SDP has no {missing} line (it must start with v=, o=, s=)"
                )));
            }
        };
        if session.timing.is_none() {
            return Err(Error::syntax("the SDP has no t= line"));
        }
        session.media = self.media;
        Ok(Sdp {
            session,
            session_attr_lines: self.session_attr_lines,
            media: self.extras,
            ignored: self.ignored,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: &str = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";

    #[test]
    fn first_error_is_reported_with_its_1_based_line() {
        let sdp = format!(
            "{MIN}m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:abc opus/48000\r\na=rtpmap:x\r\n"
        );
        let e = parse(&sdp).unwrap_err();
        assert!(e.message.starts_with("line 6:"), "{}", e.message);
    }

    #[test]
    fn known_protocol_with_bad_tokens_is_a_syntax_error() {
        let sdp = format!("{MIN}m=audio 9 UDP/TLS/RTP/SAVPF\r\n");
        let e = parse(&sdp).unwrap_err();
        assert!(e.message.starts_with("line 5:"), "{}", e.message);
        let e = parse(&format!("{MIN}m=audio 9 RTP/AVP 0\0\r\n")).unwrap_err();
        assert!(
            e.message.contains("line 5: the SDP contains a NUL byte"),
            "{}",
            e.message
        );
    }

    #[test]
    fn unknown_protocol_keeps_the_section() {
        let sdp = format!("{MIN}m=image 9 udptl t38\r\nc=IN IP4 0.0.0.0\r\n");
        let p = parse(&sdp).unwrap();
        assert_eq!(p.media[0].unknown_proto.as_deref(), Some("udptl"));
        assert_eq!(p.media[0].line, 5);
    }

    #[test]
    fn unknown_protocol_keeps_its_mid_and_skips_its_other_lines() {
        let sdp = format!(
            "{MIN}m=application 9 TCP/BFCP *\r\nc=IN IP4 0.0.0.0\r\na=floorctrl:c-s\r\na=mid:3\r\na=rtpmap:x\r\n"
        );
        let p = parse(&sdp).unwrap();
        assert_eq!(p.media[0].unknown_mid, Some(("3".to_string(), 8)));
    }

    #[test]
    fn missing_header_lines_are_named() {
        let e = parse("o=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n").unwrap_err();
        assert!(e.message.contains("v="), "{}", e.message);
        let e = parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n").unwrap_err();
        assert!(e.message.contains("t="), "{}", e.message);
    }

    #[test]
    fn fmtp_is_kept_raw() {
        let sdp = format!("{MIN}m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 H265/90000\r\na=fmtp:96 level-id=93;profile-id=1;tx-mode=SRST\r\n");
        let p = parse(&sdp).unwrap();
        assert_eq!(
            p.media[0].fmtp(96),
            Some("level-id=93;profile-id=1;tx-mode=SRST")
        );
    }
}
