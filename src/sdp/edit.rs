//! Edits of a description's text that keep it the description it was:
//! lines added at the end of m-sections (trickled candidates), ICE
//! credentials replaced (an ICE restart by fragment, RFC 9725 4.3.3). One
//! pass each, line endings kept.

use crate::ice::IceCredentials;

/// Appends `line` at the end of m-section `index` of `sdp`.
pub(crate) fn insert_in_section(sdp: &str, index: usize, line: &str) -> String {
    append_to_sections(sdp, line, |i| i == index)
}

/// Appends `line` at the end of each m-section `chosen` picks, in one pass.
pub(crate) fn append_to_sections(sdp: &str, line: &str, chosen: impl Fn(usize) -> bool) -> String {
    let nl = if sdp.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::with_capacity(sdp.len() + 64);
    let mut section: Option<usize> = None;
    let close = |out: &mut String, section: Option<usize>| {
        if section.is_some_and(&chosen) {
            if !out.ends_with('\n') {
                out.push_str(nl);
            }
            out.push_str(line);
            out.push_str(nl);
        }
    };
    for l in sdp.split_inclusive('\n') {
        if l.starts_with("m=") {
            close(&mut out, section);
            section = Some(section.map_or(0, |i| i + 1));
        }
        out.push_str(l);
    }
    close(&mut out, section);
    out
}

/// `sdp` with the ICE credentials of the `chosen` m-sections replaced by
/// `ice` (media-level lines written where it had only session-level
/// ones, which they override, RFC 8839 5.4), and, with `drop_candidates`,
/// their a=candidate and a=end-of-candidates lines left out.
pub(crate) fn replace_ice(
    sdp: &str,
    chosen: impl Fn(usize) -> bool,
    ice: &IceCredentials,
    drop_candidates: bool,
) -> String {
    let nl = if sdp.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::with_capacity(sdp.len() + 64);
    let (mut section, mut wrote) = (None::<usize>, false);
    let close = |out: &mut String, section: Option<usize>, wrote: bool| {
        if section.is_some_and(&chosen) && !wrote {
            if !out.ends_with('\n') {
                out.push_str(nl);
            }
            out.push_str(&format!(
                "a=ice-ufrag:{}{nl}a=ice-pwd:{}{nl}",
                ice.ufrag, ice.pwd
            ));
        }
    };
    for l in sdp.split_inclusive('\n') {
        if l.starts_with("m=") {
            close(&mut out, section, wrote);
            (section, wrote) = (Some(section.map_or(0, |i| i + 1)), false);
        }
        if !section.is_some_and(&chosen) {
            out.push_str(l);
        } else if l.starts_with("a=ice-ufrag:") {
            out.push_str(&format!("a=ice-ufrag:{}{nl}", ice.ufrag));
            wrote = true;
        } else if l.starts_with("a=ice-pwd:") {
            out.push_str(&format!("a=ice-pwd:{}{nl}", ice.pwd));
        } else if !(drop_candidates
            && (l.starts_with("a=candidate:") || l.starts_with("a=end-of-candidates")))
        {
            out.push_str(l);
        }
    }
    close(&mut out, section, wrote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ice_credentials_are_replaced_in_the_chosen_m_sections() {
        let ice = IceCredentials {
            ufrag: "NEWU".into(),
            pwd: "NEWPWD0123456789012345".into(),
        };
        let sdp = "v=0\r\na=ice-ufrag:sess\r\na=ice-pwd:sesspwd\r\nm=audio 9 X 0\r\na=ice-ufrag:old\r\na=ice-pwd:oldpwd\r\na=candidate:1 1 udp 1 192.0.2.1 9 typ host\r\na=end-of-candidates\r\nm=video 9 X 96\r\na=mid:1\r\n";
        assert_eq!(
            replace_ice(sdp, |_| true, &ice, true),
            "v=0\r\na=ice-ufrag:sess\r\na=ice-pwd:sesspwd\r\nm=audio 9 X 0\r\na=ice-ufrag:NEWU\r\na=ice-pwd:NEWPWD0123456789012345\r\n\
             m=video 9 X 96\r\na=mid:1\r\na=ice-ufrag:NEWU\r\na=ice-pwd:NEWPWD0123456789012345\r\n"
        );
        assert_eq!(replace_ice(sdp, |_| false, &ice, true), sdp);
    }

    #[test]
    fn lines_go_at_the_end_of_the_chosen_m_sections_in_one_pass() {
        let sdp = "v=0\r\ns=-\r\nm=audio 9 X 0\r\na=mid:0\r\nm=video 9 X 96\r\na=mid:1\r\n";
        assert_eq!(
            append_to_sections(sdp, "a=end-of-candidates", |_| true),
            "v=0\r\ns=-\r\nm=audio 9 X 0\r\na=mid:0\r\na=end-of-candidates\r\n\
             m=video 9 X 96\r\na=mid:1\r\na=end-of-candidates\r\n"
        );
        // A text without a final line break, with LF only, and one section.
        assert_eq!(
            insert_in_section("v=0\nm=audio 9 X 0\na=mid:0", 0, "a=x"),
            "v=0\nm=audio 9 X 0\na=mid:0\na=x\n"
        );
        assert_eq!(append_to_sections(sdp, "a=x", |_| false), sdp);
    }
}
