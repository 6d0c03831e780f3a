//! A description as a value that prints itself (RFC 8866 order: v=, o=,
//! s=, t=, session attributes, then each m-section with c= and its
//! attributes). Offers and answers are built as one.

use std::fmt;

/// One `a=` line: a name and, unless it is a flag, a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    pub name: &'static str,
    pub value: Option<String>,
}

impl Attribute {
    pub fn new(name: &'static str, value: impl Into<String>) -> Attribute {
        Attribute {
            name,
            value: Some(value.into()),
        }
    }
    pub fn flag(name: &'static str) -> Attribute {
        Attribute { name, value: None }
    }
}

impl Attribute {
    fn write_to(&self, out: &mut String) {
        out.push_str("a=");
        out.push_str(self.name);
        if let Some(v) = &self.value {
            out.push(':');
            out.push_str(v);
        }
        out.push_str("\r\n");
    }
}

/// One m-section: the m= line, its c= line and its attributes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaSection {
    pub media: String,
    pub port: u32,
    pub proto: String,
    /// The format list as written after the protocol.
    pub formats: String,
    /// The c= value, e.g. "IN IP4 0.0.0.0".
    pub connection: String,
    pub attributes: Vec<Attribute>,
}

impl MediaSection {
    pub fn push(&mut self, name: &'static str, value: impl Into<String>) {
        self.attributes.push(Attribute::new(name, value));
    }
    pub fn flag(&mut self, name: &'static str) {
        self.attributes.push(Attribute::flag(name));
    }
}

impl MediaSection {
    fn write_to(&self, out: &mut String) {
        use fmt::Write;
        let _ = write!(out, "m={} {} {} ", self.media, self.port, self.proto);
        out.push_str(&self.formats);
        out.push_str("\r\nc=");
        out.push_str(&self.connection);
        out.push_str("\r\n");
        self.attributes.iter().for_each(|a| a.write_to(out));
    }
}

/// A whole description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionDescription {
    pub session_id: u64,
    pub session_version: u64,
    pub attributes: Vec<Attribute>,
    pub media: Vec<MediaSection>,
}

impl SessionDescription {
    /// A description with its o= session id and version.
    pub fn new(
        session_id: u64,
        session_version: u64,
        attributes: Vec<Attribute>,
        media: Vec<MediaSection>,
    ) -> Self {
        SessionDescription {
            session_id,
            session_version,
            attributes,
            media,
        }
    }

    /// The text, written into one buffer sized for it.
    pub fn to_text(&self) -> String {
        use fmt::Write;
        let lines = self.attributes.len()
            + self
                .media
                .iter()
                .map(|m| m.attributes.len() + 2)
                .sum::<usize>();
        let mut out = String::with_capacity(64 + 48 * lines);
        let _ = write!(
            out,
            "v=0\r\no=- {} {} IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n",
            self.session_id, self.session_version
        );
        self.attributes.iter().for_each(|a| a.write_to(&mut out));
        self.media.iter().for_each(|m| m.write_to(&mut out));
        out
    }
}

impl fmt::Display for SessionDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc8866_a_description_prints_in_order() {
        let mut m = MediaSection {
            media: "audio".into(),
            port: 9,
            proto: "UDP/TLS/RTP/SAVPF".into(),
            formats: "111".into(),
            connection: "IN IP4 0.0.0.0".into(),
            attributes: Vec::new(),
        };
        m.push("mid", "0");
        m.flag("rtcp-mux");
        let d = SessionDescription {
            session_id: 7,
            session_version: 2,
            attributes: vec![Attribute::new("group", "BUNDLE 0")],
            media: vec![m],
        };
        assert_eq!(
            d.to_text(),
            "v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n\
             m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=rtcp-mux\r\n"
        );
    }
}
