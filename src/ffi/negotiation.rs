//! rtc_negotiation: an immutable snapshot of what was negotiated, owned by
//! the caller, whose C structs point into memory the snapshot owns.

use super::*;

use crate::local::LocalSection;
use crate::negotiated::{Negotiated, NegotiatedSection};
use std::ffi::CString;

/// Opaque snapshot from rtc_pc_negotiation; free with rtc_negotiation_free.
pub struct rtc_negotiation {
    sections: Vec<rtc_negotiated_section>,
    dtls_role: rtc_dtls_role,
    ice_role: rtc_ice_role,
    ice_generation: u64,
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
            ice_generation: n.ice_generation,
            strings: Vec::new(),
            ptr_arrays: Vec::new(),
            codecs: Vec::new(),
            extensions: Vec::new(),
            rids: Vec::new(),
            ssrcs: Vec::new(),
            groups: Vec::new(),
        });
        for s in &n.sections {
            let section = o.section(n, s);
            o.sections.push(section);
        }
        o
    }

    /// One m-section: what it is, then its RTP, the remote transport and the local side.
    fn section(&mut self, n: &Negotiated, s: &NegotiatedSection) -> rtc_negotiated_section {
        // SAFETY: every field is a pointer, a number, a bool or a C enum
        // whose 0 is a variant: all zero is a valid (empty) section.
        let mut c: rtc_negotiated_section = unsafe { std::mem::zeroed() };
        c.index = s.index;
        c.mid = self.opt(s.mid.as_deref());
        c.media = self.s(&s.media);
        c.protocol = self.s(&s.protocol);
        c.accepted = s.accepted;
        c.reason = self.opt(s.reason.as_deref());
        // W3C: a rejected m-section's transceiver is stopped.
        c.direction = match s.accepted {
            true => s.direction.into(),
            false => rtc_direction::RTC_DIRECTION_STOPPED,
        };
        c.transport_index = s.transport_index;
        c.bundled = s.bundled;
        c.sctp_port = s.sctp_port.map_or(0, |p| p.min(65535) as u16);
        c.max_message_size = s.max_message_size.unwrap_or(0);
        c.ice_role = n.ice_role.into();
        c.dtls_role = n.dtls_role.into();
        c.simulcast_fallback = s.simulcast_fallback;
        c.ice_restarted = s.ice_restarted;
        c.local_ice_restarted = s.local_ice_restarted;
        c.remote_ice_restarted = s.remote_ice_restarted;
        (c.tolerated, c.tolerated_count) = self.list(&s.tolerated);
        self.rtp(&mut c, s);
        self.remote_transport(&mut c, s);
        self.local(&mut c, &s.local);
        c
    }

    /// Codecs, extensions, simulcast layers and the remote streams.
    fn rtp(&mut self, c: &mut rtc_negotiated_section, s: &NegotiatedSection) {
        let codecs: Box<[rtc_codec_parameters]> = s
            .codecs
            .iter()
            .map(|k| {
                let (fb, fb_n) = self.list(&k.codec.rtcp_fb);
                rtc_codec_parameters {
                    payload_type: k.codec.pt,
                    name: self.s(&k.codec.name),
                    clock_rate: k.codec.clock_rate,
                    channels: k.codec.channels.unwrap_or(0),
                    fmtp: self.s(&k.codec.fmtp),
                    remote_fmtp: self.s(&k.remote_fmtp),
                    associated_payload_type: k.associated_payload_type.map_or(-1, i16::from),
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
                uri: self.s(uri),
            })
            .collect();
        let rids = self.simulcast_rids(&s.simulcast_layers);
        let send_rids = self.simulcast_rids(&s.send_simulcast_layers);
        (c.codecs, c.codec_count) = (codecs.as_ptr(), codecs.len());
        (c.extensions, c.extension_count) = (exts.as_ptr(), exts.len());
        (c.simulcast_rids, c.simulcast_rid_count) = (rids.as_ptr(), rids.len());
        (c.send_simulcast_rids, c.send_simulcast_rid_count) = (send_rids.as_ptr(), send_rids.len());
        self.codecs.push(codecs);
        self.extensions.push(exts);
        self.rids.push(rids);
        self.rids.push(send_rids);
        (c.remote_ssrc_groups, c.remote_ssrc_group_count) = self.groups(&s.remote_ssrc_groups);
        (c.remote_ssrcs, c.remote_ssrc_count) = self.u32s(&s.remote_ssrcs);
        let msid = s.remote_msids.first();
        c.remote_msid_stream = self.opt(msid.map(|m| m.0.as_str()));
        c.remote_msid_track = self.opt(msid.and_then(|m| m.1.as_deref()));
    }

    /// The peer's ICE credentials and candidates, and its fingerprints.
    fn remote_transport(&mut self, c: &mut rtc_negotiated_section, s: &NegotiatedSection) {
        c.remote_ice_ufrag = self.opt(s.remote_ice_ufrag.as_deref());
        c.remote_ice_pwd = self.opt(s.remote_ice_pwd.as_deref());
        (c.remote_candidates, c.remote_candidate_count) = self.list(&s.remote_candidates);
        c.remote_end_of_candidates = s.remote_end_of_candidates;
        (c.remote_fingerprints, c.remote_fingerprint_count) = self.list(&s.remote_fingerprints);
    }

    /// What our description states of the local side.
    fn local(&mut self, c: &mut rtc_negotiated_section, l: &LocalSection) {
        let sender = l.sender.as_ref();
        c.local_ice_ufrag = self.opt(l.ice.as_ref().map(|i| i.ufrag.as_str()));
        c.local_ice_pwd = self.opt(l.ice.as_ref().map(|i| i.pwd.as_str()));
        (c.local_candidates, c.local_candidate_count) = self.list(&l.candidates);
        (c.local_fingerprints, c.local_fingerprint_count) = self.list(&l.fingerprints);
        (c.local_ssrcs, c.local_ssrc_count) = self.u32s(sender.map_or(&[][..], |s| &s.ssrcs));
        (c.local_ssrc_groups, c.local_ssrc_group_count) =
            self.groups(sender.map_or(&[][..], |s| &s.ssrc_groups));
        // Only where a=ssrc states it (simulcast layers go by RID).
        let stated = sender.filter(|s| !s.ssrcs.is_empty());
        c.local_cname = self.opt(stated.map(|s| s.cname.as_str()));
        let stream = sender.and_then(|s| s.streams.first());
        c.local_msid_stream = self.opt(stream.map(String::as_str));
        c.local_msid_track = self.opt(sender.map(|s| s.track.as_str()));
        c.local_sctp_port = l.sctp_port.unwrap_or(0);
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

/// How many ICE restarts the connection had seen (by offer, answer or
/// fragment) when the snapshot was made: what a WHIP/WHEP endpoint's ETag
/// can be made of (RFC 9725 4.3.1).
///
/// `n` is a live snapshot (NULL gives 0).
#[no_mangle]
pub unsafe extern "C" fn rtc_negotiation_ice_generation(n: *const rtc_negotiation) -> u64 {
    n.as_ref().map_or(0, |n| n.ice_generation)
}

/// Why the answer created last does not take the offer whole: one line
/// per m-line it rejects though the offerer did not ("m-line 1 (video,
/// mid 1): no codec in common: ..."), joined by "\n", copied into `buffer`
/// like snprintf. Returns the full length: 0 when the answer takes the
/// offer whole (or there is none). A WHIP/WHEP endpoint answers such an
/// offer 422 with these words rather than a partial answer (RFC 9725 4.2).
///
/// `pc` is NULL or a live handle; `buffer` is NULL (with `capacity` 0) or
/// valid for `capacity` bytes.
#[no_mangle]
pub unsafe extern "C" fn rtc_pc_unanswered(
    pc: *const rtc_pc,
    buffer: *mut c_char,
    capacity: usize,
) -> usize {
    super::pc::text_out(pc, buffer, capacity, |p| Some(p.unanswered().join("\n")))
}

/// Writes the report of the last answer created on this connection (or,
/// when the last exchange was our offer, of the peer's answer to it) as
/// NUL-terminated JSON, like snprintf: at most capacity-1 bytes plus the NUL;
/// returns the length of the whole report (without the NUL), so a caller can
/// size the buffer; returns 0 when there is no report yet (no answer created
/// or applied) or pc is NULL. buffer may be NULL when capacity is 0.
///
/// The report: {"side": "answer", "dtls_role", "bundle_groups",
/// "answered_whole", "not_answered" (as rtc_pc_unanswered), "m_lines": [{"index", "mid",
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
    super::pc::text_out(pc, buffer, capacity, |p| p.negotiation_report())
}
