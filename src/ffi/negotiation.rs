//! rtc_negotiation: an immutable snapshot of what was negotiated, owned by
//! the caller, whose C structs point into memory the snapshot owns.

use super::*;

use crate::negotiated::Negotiated;
use std::ffi::CString;

/// Opaque snapshot from rtc_pc_negotiation; free with rtc_negotiation_free.
pub struct rtc_negotiation {
    sections: Vec<rtc_negotiated_section>,
    dtls_role: rtc_dtls_role,
    ice_role: rtc_ice_role,
    // Owned storage the structs above point into. Heap buffers do not move
    // when these Vecs grow, so the pointers stay valid until the free.
    strings: Vec<CString>,
    ptr_arrays: Vec<Box<[*const c_char]>>,
    codecs: Vec<Box<[rtc_codec_parameters]>>,
    extensions: Vec<Box<[rtc_header_extension]>>,
    rids: Vec<Box<[rtc_simulcast_rid]>>,
    ssrcs: Vec<Box<[u32]>>,
    groups: Vec<Box<[rtc_ssrc_group]>>,
}

impl rtc_negotiation {
    fn s(&mut self, v: &str) -> *const c_char {
        let c = c_string(v);
        let p = c.as_ptr();
        self.strings.push(c);
        p
    }
    fn opt(&mut self, v: Option<&str>) -> *const c_char {
        v.map_or(std::ptr::null(), |v| self.s(v))
    }
    fn list<S: AsRef<str>>(&mut self, v: &[S]) -> (*const *const c_char, usize) {
        let ptrs: Box<[*const c_char]> = v.iter().map(|x| self.s(x.as_ref())).collect();
        let p = ptrs.as_ptr();
        self.ptr_arrays.push(ptrs);
        (p, v.len())
    }
    /// Simulcast layers as rtc_simulcast_rid entries, layer by layer.
    fn simulcast_rids(&mut self, layers: &[Vec<(String, bool)>]) -> Box<[rtc_simulcast_rid]> {
        layers
            .iter()
            .enumerate()
            .flat_map(|(layer, alts)| alts.iter().map(move |(rid, paused)| (layer, rid, *paused)))
            .map(|(layer, rid, paused)| rtc_simulcast_rid {
                rid: self.s(rid),
                layer,
                paused,
            })
            .collect()
    }
    fn u32s(&mut self, v: &[u32]) -> (*const u32, usize) {
        let b: Box<[u32]> = v.into();
        let p = b.as_ptr();
        self.ssrcs.push(b);
        (p, v.len())
    }

    fn groups(&mut self, groups: &[(String, Vec<u32>)]) -> (*const rtc_ssrc_group, usize) {
        let b: Box<[rtc_ssrc_group]> = groups
            .iter()
            .map(|(sem, ssrcs)| {
                let (p, n) = self.u32s(ssrcs);
                rtc_ssrc_group {
                    semantics: self.s(sem),
                    ssrcs: p,
                    ssrc_count: n,
                }
            })
            .collect();
        let p = b.as_ptr();
        let n = b.len();
        self.groups.push(b);
        (p, n)
    }

    fn build(n: &Negotiated) -> Box<rtc_negotiation> {
        let mut o = Box::new(rtc_negotiation {
            sections: Vec::with_capacity(n.sections.len()),
            dtls_role: n.dtls_role.into(),
            ice_role: n.ice_role.into(),
            strings: Vec::new(),
            ptr_arrays: Vec::new(),
            codecs: Vec::new(),
            extensions: Vec::new(),
            rids: Vec::new(),
            ssrcs: Vec::new(),
            groups: Vec::new(),
        });
        for s in &n.sections {
            let codecs: Box<[rtc_codec_parameters]> = s
                .codecs
                .iter()
                .map(|c| {
                    let (fb, fb_n) = o.list(&c.codec.rtcp_fb);
                    rtc_codec_parameters {
                        payload_type: c.codec.pt,
                        name: o.s(&c.codec.name),
                        clock_rate: c.codec.clock_rate,
                        channels: c.codec.channels.unwrap_or(0),
                        fmtp: o.s(&c.codec.fmtp),
                        remote_fmtp: o.s(&c.remote_fmtp),
                        associated_payload_type: c.associated_payload_type.map_or(-1, i16::from),
                        rtcp_feedback: fb,
                        rtcp_feedback_count: fb_n,
                    }
                })
                .collect();
            let exts: Box<[rtc_header_extension]> = s
                .extensions
                .iter()
                .map(|(id, uri)| rtc_header_extension {
                    id: *id,
                    uri: o.s(uri),
                })
                .collect();
            let rids = o.simulcast_rids(&s.simulcast_layers);
            let send_rids = o.simulcast_rids(&s.send_simulcast_layers);
            let (groups, group_n) = o.groups(&s.remote_ssrc_groups);
            let (ssrcs, ssrc_n) = o.u32s(&s.remote_ssrcs);
            let l = &s.local;
            let sender = l.sender.as_ref();
            let (l_cands, l_cand_n) = o.list(&l.candidates);
            let (l_fps, l_fp_n) = o.list(&l.fingerprints);
            let (l_ssrcs, l_ssrc_n) = o.u32s(sender.map_or(&[][..], |s| &s.ssrcs));
            let (l_groups, l_group_n) = o.groups(sender.map_or(&[][..], |s| &s.ssrc_groups));
            let (cands, cand_n) = o.list(&s.remote_candidates);
            let (fps, fp_n) = o.list(&s.remote_fingerprints);
            let msid = s.remote_msids.first();
            let (tolerated, tolerated_n) = o.list(&s.tolerated);
            let section = rtc_negotiated_section {
                index: s.index,
                mid: o.opt(s.mid.as_deref()),
                media: o.s(&s.media),
                protocol: o.s(&s.protocol),
                accepted: s.accepted,
                reason: o.opt(s.reason.as_deref()),
                // W3C: a rejected m-section's transceiver is stopped.
                direction: if s.accepted {
                    rtc_direction::from(s.direction)
                } else {
                    rtc_direction::RTC_DIRECTION_STOPPED
                },
                codecs: codecs.as_ptr(),
                codec_count: codecs.len(),
                extensions: exts.as_ptr(),
                extension_count: exts.len(),
                simulcast_rids: rids.as_ptr(),
                simulcast_rid_count: rids.len(),
                remote_ssrcs: ssrcs,
                remote_ssrc_count: ssrc_n,
                remote_ssrc_groups: groups,
                remote_ssrc_group_count: group_n,
                remote_msid_stream: o.opt(msid.map(|m| m.0.as_str())),
                remote_msid_track: o.opt(msid.and_then(|m| m.1.as_deref())),
                transport_index: s.transport_index,
                bundled: s.bundled,
                remote_ice_ufrag: o.opt(s.remote_ice_ufrag.as_deref()),
                remote_ice_pwd: o.opt(s.remote_ice_pwd.as_deref()),
                remote_candidates: cands,
                remote_candidate_count: cand_n,
                remote_end_of_candidates: s.remote_end_of_candidates,
                remote_fingerprints: fps,
                remote_fingerprint_count: fp_n,
                sctp_port: s.sctp_port.map_or(0, |p| p.min(65535) as u16),
                max_message_size: s.max_message_size.unwrap_or(0),
                local_ice_ufrag: o.opt(l.ice.as_ref().map(|c| c.ufrag.as_str())),
                local_ice_pwd: o.opt(l.ice.as_ref().map(|c| c.pwd.as_str())),
                ice_role: n.ice_role.into(),
                local_candidates: l_cands,
                local_candidate_count: l_cand_n,
                local_fingerprints: l_fps,
                local_fingerprint_count: l_fp_n,
                dtls_role: n.dtls_role.into(),
                local_ssrcs: l_ssrcs,
                local_ssrc_count: l_ssrc_n,
                local_ssrc_groups: l_groups,
                local_ssrc_group_count: l_group_n,
                // Only where a=ssrc states it (simulcast layers go by RID).
                local_cname: o.opt(
                    sender
                        .filter(|s| !s.ssrcs.is_empty())
                        .map(|s| s.cname.as_str()),
                ),
                local_msid_stream: o
                    .opt(sender.and_then(|s| s.streams.first()).map(String::as_str)),
                local_msid_track: o.opt(sender.map(|s| s.track.as_str())),
                local_sctp_port: l.sctp_port.unwrap_or(0),
                simulcast_fallback: s.simulcast_fallback,
                ice_restarted: s.ice_restarted,
                local_ice_restarted: s.local_ice_restarted,
                remote_ice_restarted: s.remote_ice_restarted,
                tolerated,
                tolerated_count: tolerated_n,
                send_simulcast_rids: send_rids.as_ptr(),
                send_simulcast_rid_count: send_rids.len(),
            };
            o.codecs.push(codecs);
            o.extensions.push(exts);
            o.rids.push(rids);
            o.rids.push(send_rids);
            o.sections.push(section);
        }
        o
    }
}

/// A snapshot of what the applied offer and answer negotiated (the current
/// descriptions), or NULL before any answer was applied or when pc is NULL.
/// Free it with rtc_negotiation_free; it does not change with the connection.
///
/// `pc` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_negotiation(pc: *const rtc_pc) -> *mut rtc_negotiation {
    let Some(p) = pc.as_ref() else {
        return std::ptr::null_mut();
    };
    boundary(|| {
        let n = p.lock().negotiated();
        n.map_or(std::ptr::null_mut(), |n| {
            Box::into_raw(rtc_negotiation::build(&n))
        })
    })
}

/// Frees a snapshot. NULL is ignored.
///
/// `n` is NULL or from rtc_pc_negotiation, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn rtc_negotiation_free(n: *mut rtc_negotiation) {
    if !n.is_null() {
        boundary(|| drop(Box::from_raw(n)));
    }
}

/// How many m-sections the offer had (one entry per offered m-section).
///
/// `n` is NULL or a live snapshot.
#[no_mangle]
pub unsafe extern "C" fn rtc_negotiation_section_count(n: *const rtc_negotiation) -> usize {
    n.as_ref().map_or(0, |n| n.sections.len())
}

/// The m-section at `index`, or NULL when out of range.
///
/// `n` is NULL or a live snapshot.
#[no_mangle]
pub unsafe extern "C" fn rtc_negotiation_section(
    n: *const rtc_negotiation,
    index: usize,
) -> *const rtc_negotiated_section {
    n.as_ref()
        .and_then(|n| n.sections.get(index))
        .map_or(std::ptr::null(), |s| s as *const _)
}

/// The local DTLS role.
///
/// `n` is a live snapshot (NULL gives CLIENT).
#[no_mangle]
pub unsafe extern "C" fn rtc_negotiation_dtls_role(n: *const rtc_negotiation) -> rtc_dtls_role {
    n.as_ref()
        .map_or(rtc_dtls_role::RTC_DTLS_ROLE_CLIENT, |n| n.dtls_role)
}

/// The local ICE agent's role: how to set up the host's ICE agent.
///
/// `n` is a live snapshot (NULL gives CONTROLLED).
#[no_mangle]
pub unsafe extern "C" fn rtc_negotiation_ice_role(n: *const rtc_negotiation) -> rtc_ice_role {
    n.as_ref()
        .map_or(rtc_ice_role::RTC_ICE_ROLE_CONTROLLED, |n| n.ice_role)
}

/// Writes the report of the last answer created on this connection (or,
/// when the last exchange was our offer, of the peer's answer to it) as
/// NUL-terminated JSON, like snprintf: at most capacity-1 bytes plus the NUL;
/// returns the length of the whole report (without the NUL), so a caller can
/// size the buffer; returns 0 when there is no report yet (no answer created
/// or applied) or pc is NULL. buffer may be NULL when capacity is 0.
///
/// The report: {"side": "answer", "dtls_role", "bundle_groups", "m_lines": [{"index", "mid",
/// "kind", "protocol", "accepted", "reason", "direction": {"offered",
/// "local", "answered"}, "codecs": [{"pt", "name", "clock_rate", "channels",
/// "accepted", "reason", "fmtp", "offered_fmtp", "rtcp_fb"}], "extensions":
/// [{"id", "uri", "accepted", "reason"}], "bundle", "transport_index",
/// "rids"}]}: one entry per offered m-line; every offered payload type and
/// extension with the reason it was refused. For our offer ("side": "offer")
/// every codec and extension we offered, with what the answer took
/// ("answered_fmtp"), and "direction": {"offered", "answered", "current"}.
///
/// `pc` is NULL or a live handle; `buffer` is valid for `capacity` bytes.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_negotiation_report(
    pc: *const rtc_pc,
    buffer: *mut c_char,
    capacity: usize,
) -> usize {
    let Some(p) = pc.as_ref() else { return 0 };
    boundary(|| {
        let report = p.lock().negotiation_report();
        report.map_or(0, |r| write_buf(&r, buffer, capacity))
    })
}
