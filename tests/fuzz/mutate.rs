// Line edits over real offers, for the structure-aware fuzz target.

use arbitrary::Arbitrary;

const SEEDS: &[&str] = &[
    include_str!("../data/chrome-156-audio-video-data.sdp"),
    include_str!("../data/corpus/offers/medooze-semantic-sdp__firefox-59-17-mlines-bundle-only.sdp"),
    include_str!("../data/corpus/offers/gen-libwebrtc-m106__simulcast-rid-sendonly.sdp"),
    include_str!("../data/corpus/offers/aiortc__firefox-58-datachannel-sctpmap.sdp"),
    include_str!("../data/corpus/offers/aiortc__safari-13-audio-video-data.sdp"),
    include_str!("../data/corpus/offers/jitsi-sdp-interop__jvb-planb-simulcast-2participants.sdp"),
];

const LINES: &[&str] = &[
    "a=bundle-only", "a=group:BUNDLE 0 1 2 9", "a=group:BUNDLE", "a=mid:0", "a=mid:1",
    "a=rtpmap:96 rtx/90000", "a=fmtp:96 apt=250", "a=fmtp:97 apt=96;rtx-time=3000",
    "a=rtpmap:127 H264/90000", "a=fmtp:127 profile-level-id=640c34;packetization-mode=1",
    "a=rid:h send", "a=rid:h send pt=96;max-width=1280", "a=simulcast:send h;~m;l",
    "a=setup:holdconn", "a=setup:active", "a=setup:passive", "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid",
    "a=extmap:15 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", "a=extmap-allow-mixed",
    "m=audio 0 UDP/TLS/RTP/SAVPF 0", "m=video 9 UDP/TLS/RTP/SAVPF 96 97 127", "m=application 9 DTLS/SCTP 5000",
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "m=text 9 RTP/AVP 98", "m=image 9 udptl t38",
    "a=sctpmap:5000 webrtc-datachannel 1024", "a=sctp-port:0", "a=max-message-size:0",
    "a=ssrc-group:SIM 1 2 3", "a=ssrc-group:FID 1", "a=ssrc:1 cname:x", "a=msid:- -",
    "c=IN IP6 ::1", "c=IN IP4 0.0.0.0", "a=ice-ufrag:abcd", "a=ice-pwd:0123456789012345678901", "a=ice-lite",
    "a=fingerprint:sha-1 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33",
    "a=candidate:1 1 udp 2122260223 192.0.2.1 9 typ host", "a=candidate:1 2 tcp 1 host.local 9 typ host tcptype active",
    "a=end-of-candidates", "a=rtcp-fb:* nack", "a=rtcp-mux", "a=rtcp-mux-only", "a=sendonly", "a=inactive",
    "b=AS:30", "i=info", "a=identity:eyJ9", "t=0 0", "v=0", "s=-",
];

const VALUES: &[&str] = &[
    "0", "1", "127", "128", "255", "65535", "65536", "4294967296", "-1", "", "*", "~", "/", ";", "=", " ",
    "0.0.0.0", "::", "sha-256", "UDP/TLS/RTP/SAVPF", "webrtc-datachannel",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
];

#[derive(Arbitrary, Debug)]
pub enum Edit {
    Delete(u16),
    Duplicate(u16),
    Swap(u16, u16),
    Insert(u16, u8),
    /// Replaces the n-th token (split on ' ', ':' and '=') of a line.
    Replace(u16, u8, u8),
    Truncate(u16, u8),
}

#[derive(Arbitrary, Debug)]
pub struct Edits {
    seed: u8,
    edits: Vec<Edit>,
}

pub fn apply(input: &Edits) -> String {
    let seed = SEEDS[input.seed as usize % SEEDS.len()];
    let mut lines: Vec<String> = seed.lines().map(str::to_string).collect();
    for e in input.edits.iter().take(16) {
        let n = lines.len().max(1);
        let at = |i: u16| i as usize % n;
        match *e {
            Edit::Delete(i) if !lines.is_empty() => {
                lines.remove(at(i));
            }
            Edit::Duplicate(i) if !lines.is_empty() => {
                let l = lines[at(i)].clone();
                lines.insert(at(i), l);
            }
            Edit::Swap(a, b) if !lines.is_empty() => lines.swap(at(a), at(b)),
            Edit::Insert(i, d) => lines.insert(at(i).min(lines.len()), LINES[d as usize % LINES.len()].to_string()),
            Edit::Replace(i, tok, v) if !lines.is_empty() => {
                let line = &lines[at(i)];
                let mut spans = Vec::new();
                let mut start = 0;
                for (p, c) in line.char_indices() {
                    if c == ' ' || c == ':' || c == '=' {
                        spans.push((start, p));
                        start = p + 1;
                    }
                }
                spans.push((start, line.len()));
                let (s, e) = spans[tok as usize % spans.len()];
                let new = format!("{}{}{}", &line[..s], VALUES[v as usize % VALUES.len()], &line[e..]);
                let idx = at(i);
                lines[idx] = new;
            }
            Edit::Truncate(i, len) if !lines.is_empty() => {
                let idx = at(i);
                let l = &mut lines[idx];
                let mut cut = (len as usize).min(l.len());
                while !l.is_char_boundary(cut) {
                    cut -= 1;
                }
                l.truncate(cut);
            }
            _ => {}
        }
    }
    let mut out = lines.join("\r\n");
    out.push_str("\r\n");
    out
}
