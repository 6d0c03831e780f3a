//! Codec negotiation for one m-section (JSEP 5.3.1, RFC 3264 section 6.1):
//! the offered codecs that are local ones ([`Format::same_codec`]), with the
//! offerer's payload types and order, and why each other one was refused.

use super::identity::{fmtp_param, h264_profile_level, replace_fmtp_param, Family, Format};
use super::{Codec, CodecRole, RefusedCodec, RtpCodec};
use crate::transceiver::MediaKind;
use std::sync::Arc;

/// The fmtp the answer carries for a matched primary codec.
fn answer_fmtp(offered: &RtpCodec, local: &Codec) -> Arc<str> {
    // The answer states how the local side wants to receive opus.
    if offered.name.eq_ignore_ascii_case("opus") {
        return local.fmtp.as_str().into();
    }
    match Family::of(&offered.name) {
        Family::H264 => {
            // RFC 6184 8.2.2: the answer's level is at most the offered one,
            // unless both sides allow level asymmetry.
            let (Some(o), Some(l)) = (
                h264_profile_level(&offered.fmtp),
                h264_profile_level(&local.fmtp),
            ) else {
                return offered.fmtp.clone();
            };
            let asym = |f: &str| fmtp_param(f, "level-asymmetry-allowed") == Some("1");
            let level = if asym(&offered.fmtp) && asym(&local.fmtp) {
                l.level
            } else {
                o.level.min(l.level)
            };
            let plid = fmtp_param(&offered.fmtp, "profile-level-id").unwrap_or("42000a");
            let new_plid = format!("{}{:02x}", &plid[..4], level);
            if fmtp_param(&offered.fmtp, "profile-level-id").is_some() {
                let fmtp = replace_fmtp_param(&offered.fmtp, "profile-level-id", &new_plid);
                unless_same(offered, fmtp)
            } else {
                offered.fmtp.clone()
            }
        }
        Family::Av1 => unless_same(offered, av1_answer_fmtp(&offered.fmtp, &local.fmtp)),
        // RFC 7798 7.2.2: the configuration as offered, level-id (default
        // 93, level 3.1) at most the offered one; libwebrtc writes the lower.
        Family::H265 => unless_same(
            offered,
            answer_lower(&offered.fmtp, &local.fmtp, &[("level-id", 93)]),
        ),
        _ => offered.fmtp.clone(),
    }
}

/// `fmtp`, or the offered codec's own text when it is the same.
fn unless_same(offered: &RtpCodec, fmtp: String) -> Arc<str> {
    match *fmtp == *offered.fmtp {
        true => offered.fmtp.clone(),
        false => fmtp.into(),
    }
}

/// AV1 RTP payload format, SDP parameters: level-idx (default 5) and tier
/// (default 0) give the highest level and tier the side receives; the
/// answer takes the lower of the offered and the local ones.
pub(super) fn av1_answer_fmtp(offered: &str, local: &str) -> String {
    answer_lower(offered, local, &[("level-idx", 5), ("tier", 0)])
}

/// The offered fmtp with each of `params` (key, default) the lower of the
/// offered and the local value: written when offered or when not the default.
fn answer_lower(offered: &str, local: &str, params: &[(&str, u8)]) -> String {
    let num = |f: &str, key: &str, default: u8| {
        fmtp_param(f, key)
            .and_then(|v| v.parse::<u8>().ok())
            .unwrap_or(default)
    };
    let mut fmtp = offered.to_string();
    for &(key, default) in params {
        let value = num(offered, key, default).min(num(local, key, default));
        fmtp = if fmtp_param(&fmtp, key).is_some() {
            replace_fmtp_param(&fmtp, key, &value.to_string())
        } else if value != default {
            let sep = if fmtp.is_empty() { "" } else { ";" };
            format!("{fmtp}{sep}{key}={value}")
        } else {
            fmtp
        };
    }
    fmtp
}

/// Options that change codec choice.
#[derive(Clone, Copy, Debug)]
pub struct CodecOptions {
    /// RTCAnswerOptions.voiceActivityDetection: false refuses CN.
    pub voice_activity_detection: bool,
    /// List kept codecs in local order (codec preferences) instead of offer order.
    pub local_order: bool,
}

/// The outcome of codec negotiation for one m-section.
#[derive(Clone, Default, Debug)]
pub struct CodecNegotiation {
    /// The codecs the answer keeps, with the offerer's payload types, in answer order.
    pub kept: Vec<RtpCodec>,
    /// The offered codecs not kept, in offer order, each with why.
    pub refused: Vec<RefusedCodec>,
}

/// Intersects the offered codecs with the local ones (JSEP 5.3.1): primary
/// codecs first, then the codecs that only make sense next to a kept primary
/// (red, fec, telephone-event, CN), then rtx. The answer lists them in offer
/// order (or, with codec preferences, in local order).
pub fn negotiate(
    kind: MediaKind,
    offered: &[RtpCodec],
    local: &[Codec],
    opts: CodecOptions,
) -> CodecNegotiation {
    let mut d = Decisions {
        kind,
        offered,
        local,
        offered_formats: offered.iter().map(Format::from).collect(),
        local_formats: local.iter().map(Format::from).collect(),
        kept: vec![None; offered.len()],
        reasons: vec![None; offered.len()],
    };
    d.primary();
    d.dependent(opts);
    d.rtx();
    d.finish(opts)
}

/// The decision for each offered codec while the passes run.
struct Decisions<'a> {
    kind: MediaKind,
    offered: &'a [RtpCodec],
    local: &'a [Codec],
    /// The formats of `offered` and `local`, each read once.
    offered_formats: Vec<Format<'a>>,
    local_formats: Vec<Format<'a>>,
    kept: Vec<Option<RtpCodec>>,
    reasons: Vec<Option<String>>,
}

/// The answer's codec: the offered one with `fmtp`, its rtcp-fb narrowed
/// to the local ones.
fn keep(o: &RtpCodec, l: &Codec, fmtp: Arc<str>) -> RtpCodec {
    let mut rtcp_fb: Vec<_> = o
        .rtcp_fb
        .iter()
        .filter(|fb| l.rtcp_fb.iter().any(|lf| lf.eq_ignore_ascii_case(fb)))
        .cloned()
        .collect();
    rtcp_fb.shrink_to_fit();
    RtpCodec {
        pt: o.pt,
        name: o.name.clone(),
        clock_rate: o.clock_rate,
        channels: o.channels,
        fmtp,
        rtcp_fb,
    }
}

impl<'a> Decisions<'a> {
    fn kept_primaries(&self) -> impl Iterator<Item = &RtpCodec> {
        self.kept
            .iter()
            .flatten()
            .filter(|k| !k.role().is_secondary())
    }

    /// The local codec that is the offered codec `i`.
    fn local_match(&self, i: usize) -> Option<&'a Codec> {
        let o = &self.offered_formats[i];
        let at = self.local_formats.iter().position(|l| o.same_codec(l))?;
        Some(&self.local[at])
    }

    /// Primary codecs: the same encoding, and the format parameters that
    /// make the variant (RFC 6184, RFC 7798, VP9, AV1).
    fn primary(&mut self) {
        let kind = self.kind;
        for (i, o) in self.offered.iter().enumerate() {
            if o.role().is_secondary() {
                continue;
            }
            let fo = self.offered_formats[i];
            let candidates: Vec<usize> = (0..self.local.len())
                .filter(|&l| fo.same_encoding(&self.local_formats[l]))
                .collect();
            if candidates.is_empty() {
                self.reasons[i] = Some(format!(
                    "no local {kind} codec {}/{}{}",
                    o.name,
                    o.clock_rate,
                    o.channels.map(|c| format!("/{c}")).unwrap_or_default()
                ));
                continue;
            }
            let mut why = Vec::new();
            for &l in &candidates {
                match fo.variant_diff(&self.local_formats[l]) {
                    None => {
                        let local = &self.local[l];
                        self.kept[i] = Some(keep(o, local, answer_fmtp(o, local)));
                        why.clear();
                        break;
                    }
                    Some(d) => why.push(d),
                }
            }
            self.reasons[i] = match why.as_slice() {
                [] => None,
                [one] => Some(one.to_string()),
                // Name every local variant it was compared with.
                [first, ..] => Some(format!(
                    "{first}; no local {} matches (local: {})",
                    o.name,
                    candidates
                        .iter()
                        .map(|&l| self.local_formats[l].describe())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
        }
    }

    /// red, fec, telephone-event and CN: kept only next to a kept primary
    /// (RFC 2198 for audio red's encodings, RFC 4733 and RFC 3389 at a kept rate).
    fn dependent(&mut self, opts: CodecOptions) {
        for (i, o) in self.offered.iter().enumerate() {
            let role = o.role();
            if matches!(role, CodecRole::Primary | CodecRole::Rtx) {
                continue;
            }
            let Some(l) = self.local_match(i) else {
                self.reasons[i] = Some(format!(
                    "no local {} codec {}/{}",
                    self.kind, o.name, o.clock_rate
                ));
                continue;
            };
            let result = match role {
                CodecRole::Red if self.kind == MediaKind::Audio => {
                    let pts: Vec<u8> = o
                        .fmtp
                        .split('/')
                        .filter_map(|p| p.trim().parse().ok())
                        .collect();
                    let kept = |pt: &u8| self.kept_primaries().any(|k| k.pt == *pt);
                    if !pts.is_empty() && pts.iter().all(kept) {
                        Ok(())
                    } else {
                        Err(format!("red encodes {} whose codec was refused", o.fmtp))
                    }
                }
                CodecRole::ComfortNoise if !opts.voice_activity_detection => {
                    Err("CN dropped because voice activity detection is off".into())
                }
                CodecRole::TelephoneEvent | CodecRole::ComfortNoise => {
                    if self.kept_primaries().any(|k| k.clock_rate == o.clock_rate) {
                        Ok(())
                    } else {
                        Err(format!("no audio codec at {} Hz was kept", o.clock_rate))
                    }
                }
                _ => {
                    if self.kept_primaries().next().is_some() {
                        Ok(())
                    } else {
                        Err("no primary codec was kept".into())
                    }
                }
            };
            match result {
                Ok(()) => self.kept[i] = Some(keep(o, l, o.fmtp.clone())),
                Err(e) => self.reasons[i] = Some(e),
            }
        }
    }

    /// rtx goes with the codec its apt names (RFC 4588 section 8.6).
    fn rtx(&mut self) {
        for (i, o) in self.offered.iter().enumerate() {
            if o.role() != CodecRole::Rtx {
                continue;
            }
            let Some(l) = self.local_match(i) else {
                self.reasons[i] =
                    Some(format!("no local {} codec rtx/{}", self.kind, o.clock_rate));
                continue;
            };
            match fmtp_param(&o.fmtp, "apt").and_then(|a| a.parse::<u8>().ok()) {
                Some(apt) if self.kept.iter().flatten().any(|k| k.pt == apt) => {
                    self.kept[i] = Some(keep(o, l, o.fmtp.clone()))
                }
                Some(apt) => {
                    self.reasons[i] = Some(format!("rtx for payload type {apt}, which was refused"))
                }
                None => self.reasons[i] = Some("rtx without apt".into()),
            }
        }
    }

    fn finish(self, opts: CodecOptions) -> CodecNegotiation {
        let mut out = CodecNegotiation::default();
        let decided = self.kept.into_iter().zip(self.reasons);
        for ((k, reason), o) in decided.zip(self.offered) {
            match k {
                Some(k) => out.kept.push(k),
                None => out.refused.push(RefusedCodec {
                    pt: o.pt,
                    reason: reason.unwrap_or_else(|| "not supported".into()),
                }),
            }
        }
        if opts.local_order {
            out.kept = order_by_local(out.kept, self.local);
        }
        out.kept.shrink_to_fit();
        out.refused.shrink_to_fit();
        out
    }
}

/// Primary codecs in the order of `local`, each followed by its rtx; then
/// the other secondary codecs in offer order.
fn order_by_local(kept: Vec<RtpCodec>, local: &[Codec]) -> Vec<RtpCodec> {
    let local: Vec<Format> = local.iter().map(Format::from).collect();
    let rank = |k: &RtpCodec| {
        let k = Format::from(k);
        local
            .iter()
            .position(|l| k.same_codec(l))
            .unwrap_or(usize::MAX)
    };
    let mut primaries: Vec<&RtpCodec> = kept.iter().filter(|k| !k.role().is_secondary()).collect();
    primaries.sort_by_cached_key(|k| rank(k));
    let is_rtx_of = |r: &RtpCodec, pt: u8| {
        r.role() == CodecRole::Rtx
            && fmtp_param(&r.fmtp, "apt").and_then(|a| a.parse().ok()) == Some(pt)
    };
    let mut out: Vec<RtpCodec> = Vec::with_capacity(kept.len());
    for p in primaries {
        out.push(p.clone());
        out.extend(kept.iter().filter(|r| is_rtx_of(r, p.pt)).cloned());
    }
    let rest: Vec<RtpCodec> = kept
        .iter()
        .filter(|k| k.role().is_secondary() && !out.iter().any(|o| o.pt == k.pt))
        .cloned()
        .collect();
    out.extend(rest);
    out
}

/// The codec of `local` that `c` names (for setCodecPreferences, which
/// chooses and orders capabilities: the capability's fmtp and rtcp-fb
/// count): [`Format::same_capability`].
pub fn capability_for<'a>(c: &Codec, local: &'a [Codec]) -> Option<&'a Codec> {
    let c = Format::from(c);
    local.iter().find(|l| c.same_capability(&Format::from(*l)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Capabilities;

    fn oc(pt: u8, name: &str, rate: u32, ch: Option<u32>, fmtp: &str) -> RtpCodec {
        RtpCodec {
            pt,
            name: name.into(),
            clock_rate: rate,
            channels: ch,
            fmtp: fmtp.into(),
            rtcp_fb: vec!["nack".into(), "goog-lntf".into()],
        }
    }
    const OPTS: CodecOptions = CodecOptions {
        voice_activity_detection: true,
        local_order: false,
    };

    #[test]
    fn rfc6184_h264_profile_must_match_and_level_is_narrowed() {
        let caps = Capabilities::default();
        let offered = vec![
            oc(
                102,
                "H264",
                90000,
                None,
                "level-asymmetry-allowed=0;packetization-mode=1;profile-level-id=640c34",
            ),
            oc(
                103,
                "H264",
                90000,
                None,
                "packetization-mode=1;profile-level-id=42e034",
            ),
            oc(104, "rtx", 90000, None, "apt=102"),
            oc(105, "rtx", 90000, None, "apt=103"),
        ];
        let n = negotiate(MediaKind::Video, &offered, &caps.video, OPTS);
        let pts: Vec<u8> = n.kept.iter().map(|k| k.pt).collect();
        // 640c34 is Constrained High, which the defaults do not have.
        assert_eq!(pts, vec![103, 105]);
        // Level narrowed to the local 3.1 (1f) since the offer does not allow asymmetry.
        assert_eq!(
            &*n.kept[0].fmtp,
            "packetization-mode=1;profile-level-id=42e01f"
        );
        assert!(n
            .refused
            .iter()
            .any(|r| r.pt == 104 && r.reason.contains("102")));
        // Unknown feedback is not answered.
        assert_eq!(n.kept[0].rtcp_fb, vec![Arc::from("nack")]);
    }

    #[test]
    fn rfc6184_packetization_mode_must_be_equal() {
        let local = vec![Codec::new(
            "H264",
            90000,
            None,
            "packetization-mode=1;profile-level-id=42e01f",
            &[],
        )];
        let offered = vec![oc(96, "H264", 90000, None, "profile-level-id=42e01f")];
        let n = negotiate(MediaKind::Video, &offered, &local, OPTS);
        assert!(n.kept.is_empty());
        assert!(
            n.refused[0].reason.contains("packetization-mode 0"),
            "{}",
            n.refused[0].reason
        );
    }

    #[test]
    fn vp9_profile_and_opus_fmtp() {
        let caps = Capabilities::default();
        let n = negotiate(
            MediaKind::Video,
            &[oc(98, "VP9", 90000, None, "profile-id=1")],
            &caps.video,
            OPTS,
        );
        assert!(n.kept.is_empty());
        let n = negotiate(
            MediaKind::Audio,
            &[oc(
                109,
                "opus",
                48000,
                Some(2),
                "maxplaybackrate=48000;stereo=1;useinbandfec=1",
            )],
            &caps.audio,
            OPTS,
        );
        assert_eq!(&*n.kept[0].fmtp, "minptime=10;useinbandfec=1");
    }

    /// Issue 12.8: AV1 level-idx and tier are the lower of offer and local.
    #[test]
    fn av1_level_and_tier_are_negotiated_against_the_local_ones() {
        let local = "level-idx=5;profile=0;tier=0";
        assert_eq!(
            av1_answer_fmtp("level-idx=8;profile=0;tier=1", local),
            "level-idx=5;profile=0;tier=0"
        );
        assert_eq!(
            av1_answer_fmtp("level-idx=2;profile=0;tier=0", local),
            "level-idx=2;profile=0;tier=0"
        );
        assert_eq!(av1_answer_fmtp("", local), "");
        assert_eq!(
            av1_answer_fmtp("profile=0", "level-idx=4"),
            "profile=0;level-idx=4"
        );
        let local = [Codec::new("AV1", 90000, None, local, &[])];
        let n = negotiate(
            MediaKind::Video,
            &[oc(45, "AV1", 90000, None, "level-idx=12;profile=0;tier=1")],
            &local,
            CodecOptions {
                voice_activity_detection: true,
                local_order: false,
            },
        );
        assert_eq!(&*n.kept[0].fmtp, "level-idx=5;profile=0;tier=0");
    }

    #[test]
    fn telephone_event_and_cn_follow_kept_rates() {
        let caps = Capabilities::default();
        let offered = vec![
            oc(111, "opus", 48000, Some(2), ""),
            oc(126, "telephone-event", 8000, None, "0-15"),
            oc(110, "telephone-event", 48000, None, "0-15"),
            oc(13, "CN", 8000, None, ""),
            oc(63, "red", 48000, Some(2), "111/111"),
        ];
        let n = negotiate(MediaKind::Audio, &offered, &caps.audio, OPTS);
        let pts: Vec<u8> = n.kept.iter().map(|k| k.pt).collect();
        assert_eq!(pts, vec![111, 110, 63]);
    }
}
