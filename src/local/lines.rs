//! The lines offers and answers both write for the local side (RFC 8839,
//! 8842, 8866, 4585, 5576), onto a description value (`sdp::model`).

use super::{LocalSection, MAX_MESSAGE_SIZE, SCTP_PORT};
use crate::codec::RtpCodec;
use crate::dtls::DtlsRole;
use crate::remote::Transport;
use crate::sdp::model::{Attribute, MediaSection};
use crate::transceiver::MediaKind;

/// The session-level attributes of an offer or answer (RFC 8843 7, RFC
/// 8285 6, RFC 8830, RFC 8827, RFC 8839), in the order browsers write them.
pub(crate) fn session_attributes(
    bundle_groups: &[Vec<String>],
    extmap_allow_mixed: bool,
    identity: Option<&str>,
    ice_lite: bool,
) -> Vec<Attribute> {
    let mut attributes: Vec<Attribute> = bundle_groups
        .iter()
        .filter(|g| !g.is_empty())
        .map(|g| Attribute::new("group", format!("BUNDLE {}", g.join(" "))))
        .collect();
    if extmap_allow_mixed {
        attributes.push(Attribute::flag("extmap-allow-mixed"));
    }
    attributes.push(Attribute::new("msid-semantic", " WMS"));
    if let Some(identity) = identity {
        attributes.push(Attribute::new("identity", identity));
    }
    if ice_lite {
        attributes.push(Attribute::flag("ice-lite"));
    }
    attributes
}

/// RFC 8842 5: the a=setup value that states `role`.
pub(crate) fn setup_value(role: DtlsRole) -> &'static str {
    match role {
        DtlsRole::Client => "active",
        DtlsRole::Server => "passive",
    }
}

/// RFC 8839 5.4, RFC 8842 5: the transport's candidates (in the m-section
/// owning it), ICE credentials and options, fingerprints and a=setup.
pub(crate) fn transport_lines(m: &mut MediaSection, l: &LocalSection, setup: &'static str) {
    for c in &l.candidates {
        m.push("candidate", c.strip_prefix("candidate:").unwrap_or(c));
    }
    if let Some(ice) = &l.ice {
        m.push("ice-ufrag", ice.ufrag.clone());
        m.push("ice-pwd", ice.pwd.clone());
    }
    m.push("ice-options", "trickle");
    for f in &l.fingerprints {
        m.push("fingerprint", f.clone());
    }
    m.push("setup", setup);
}

/// RFC 8866 6.6, 6.15 and RFC 4585: a=rtpmap, a=rtcp-fb, a=fmtp per codec.
pub(crate) fn codec_lines(m: &mut MediaSection, codecs: &[RtpCodec], kind: MediaKind) {
    for c in codecs {
        let ch = match (kind, c.channels) {
            // Mirror the offer: Firefox writes G722/8000/1 and expects it back.
            (MediaKind::Audio, Some(ch)) => format!("/{ch}"),
            _ => String::new(),
        };
        m.push(
            "rtpmap",
            format!("{} {}/{}{ch}", c.pt, c.name, c.clock_rate),
        );
        for fb in &c.rtcp_fb {
            m.push("rtcp-fb", pt_value(c.pt, fb));
        }
        if !c.fmtp.is_empty() {
            m.push("fmtp", pt_value(c.pt, &c.fmtp));
        }
    }
}

/// RFC 8866 5.14: the m= line's format list, the codecs' payload types.
pub(crate) fn format_list(codecs: &[RtpCodec]) -> String {
    let pts: Vec<String> = codecs.iter().map(|c| c.pt.to_string()).collect();
    pts.join(" ")
}

/// RFC 8841 5: a data channel m-section's a=sctp-port and
/// a=max-message-size; in the legacy `DTLS/SCTP 5000` form, a=sctpmap.
pub(crate) fn sctp_lines(m: &mut MediaSection, transport: Transport) {
    match transport {
        Transport::SctpLegacy => m.push("sctpmap", format!("{SCTP_PORT} webrtc-datachannel 1024")),
        _ => m.push("sctp-port", SCTP_PORT.to_string()),
    }
    m.push("max-message-size", MAX_MESSAGE_SIZE.to_string());
}

/// The m= line's formats of a data channel m-section (RFC 8841 4.1), or of
/// the legacy form (its SCTP port).
pub(crate) fn sctp_formats(transport: Transport) -> String {
    match transport {
        Transport::SctpLegacy => SCTP_PORT.to_string(),
        _ => "webrtc-datachannel".to_string(),
    }
}

/// RFC 8830 2: the sender's a=msid lines, one per stream.
pub(crate) fn msid_lines(m: &mut MediaSection, l: &LocalSection) {
    let Some(s) = &l.sender else { return };
    for stream in &s.streams {
        m.push("msid", format!("{stream} {}", s.track));
    }
}

/// RFC 5576: the sender's a=ssrc-group and a=ssrc (cname, msid) lines; the
/// msid one with the first stream, as browsers write it.
pub(crate) fn ssrc_lines(m: &mut MediaSection, l: &LocalSection) {
    let Some(s) = &l.sender else { return };
    for (semantics, ssrcs) in &s.ssrc_groups {
        let list: Vec<String> = ssrcs.iter().map(u32::to_string).collect();
        m.push("ssrc-group", format!("{semantics} {}", list.join(" ")));
    }
    for ssrc in &s.ssrcs {
        m.push("ssrc", format!("{ssrc} cname:{}", s.cname));
        if let Some(stream) = s.streams.first() {
            m.push("ssrc", format!("{ssrc} msid:{stream} {}", s.track));
        }
    }
}

/// "PT REST", as rtcp-fb and fmtp lines begin; written without the
/// formatting machinery, as an answer has a hundred of them.
fn pt_value(pt: u8, rest: &str) -> String {
    let mut v = String::with_capacity(4 + rest.len());
    if pt >= 100 {
        v.push(char::from(b'0' + pt / 100));
    }
    if pt >= 10 {
        v.push(char::from(b'0' + pt / 10 % 10));
    }
    v.push(char::from(b'0' + pt % 10));
    v.push(' ');
    v.push_str(rest);
    v
}

#[cfg(test)]
mod tests {
    use super::pt_value;

    #[test]
    fn pt_value_writes_the_payload_type_and_the_rest() {
        assert_eq!(pt_value(0, "nack"), "0 nack");
        assert_eq!(pt_value(96, "nack pli"), "96 nack pli");
        assert_eq!(pt_value(127, "apt=126"), "127 apt=126");
    }
}
