/*
 * forward.c: the publisher's RTP to each player, as if the player's own
 * track sent it. Per player, one lane per media m-section, built from the
 * two snapshots (no SDP is read):
 *   publisher codecs[].payload_type -> the player's payload type of the
 *       same codec (rtx through its apt)
 *   publisher remote_ssrcs / remote_ssrc_groups (FID), or the first
 *       packets -> which lane a packet is on, primary or rtx
 *   player local_ssrcs / local_ssrc_groups -> the SSRCs packets go out with
 *   extensions (id, uri) on both sides -> header extension ids rewritten by
 *       URI; ones the player did not negotiate are left out
 * RTCP: a player's PLI or FIR becomes a PLI to the publisher (at most one
 * per lane every 500 ms); players joining ask for a key frame at once; the
 * publisher's sender reports go to each player with its SSRCs.
 */
#include <string.h>

#include "relay.h"

#define MAX_LANES 8
#define NO_PT 0xff

typedef struct lane {
    bool video;
    uint32_t in_ssrc, in_rtx_ssrc;   /* the publisher's (0: learn from packets) */
    uint32_t out_ssrc, out_rtx_ssrc; /* the player's */
    uint8_t pt[128];                 /* publisher payload type -> the player's, or NO_PT */
    bool rtx[128];                   /* publisher payload types that are rtx */
    uint8_t ext[256];                /* publisher extension id -> the player's, 0: left out */
    gint64 last_pli;                 /* monotonic us */
} lane;

struct forward {
    session *player;
    lane lanes[MAX_LANES];
    size_t count;
};

/* ------------------------------------------------------------ building the lanes */

static bool same_codec(const rtc_codec_parameters *a, const rtc_codec_parameters *b) {
    return g_ascii_strcasecmp(a->name, b->name) == 0 && a->clock_rate == b->clock_rate &&
           (a->channels ? a->channels : 1) == (b->channels ? b->channels : 1);
}

/* Whether the player's codec `o` carries the publisher's `c`: the same
 * encoding (with `exact`, the same fmtp too), or for rtx the rtx of the
 * payload type `c` repairs, as already mapped in `l`. */
static bool carries(const lane *l, const rtc_codec_parameters *c, const rtc_codec_parameters *o,
                    bool exact) {
    if (g_ascii_strcasecmp(c->name, "rtx") != 0)
        return same_codec(c, o) && (!exact || strcmp(c->fmtp, o->fmtp) == 0);
    return o->associated_payload_type >= 0 && c->associated_payload_type >= 0 &&
           g_ascii_strcasecmp(o->name, "rtx") == 0 &&
           l->pt[c->associated_payload_type & 127] == (uint8_t)o->associated_payload_type;
}

/* The player's payload type for the publisher's codec `c`, or NO_PT; the
 * same fmtp is preferred (the player's codecs are the publisher's). */
static uint8_t player_pt(const lane *l, const rtc_codec_parameters *c,
                         const rtc_negotiated_section *out) {
    for (int exact = 1; exact >= 0; exact--)
        for (size_t k = 0; k < out->codec_count; k++)
            if (carries(l, c, &out->codecs[k], exact))
                return out->codecs[k].payload_type;
    return NO_PT;
}

/* Each of the publisher's payload types to the player's; rtx after the
 * codecs they repair, as an rtx maps through its apt's mapping. */
static void map_payload_types(lane *l, const rtc_negotiated_section *in,
                              const rtc_negotiated_section *out) {
    memset(l->pt, NO_PT, sizeof l->pt);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < in->codec_count; i++) {
            const rtc_codec_parameters *c = &in->codecs[i];
            uint8_t pt = c->payload_type & 127;
            l->rtx[pt] = g_ascii_strcasecmp(c->name, "rtx") == 0;
            if (l->rtx[pt] == (pass == 1) && l->pt[pt] == NO_PT)
                l->pt[pt] = player_pt(l, c, out);
        }
}

static void map_extensions(lane *l, const rtc_negotiated_section *in,
                           const rtc_negotiated_section *out) {
    memset(l->ext, 0, sizeof l->ext);
    for (size_t i = 0; i < in->extension_count; i++)
        for (size_t k = 0; k < out->extension_count; k++)
            if (strcmp(in->extensions[i].uri, out->extensions[k].uri) == 0 &&
                in->extensions[i].id < 256)
                l->ext[in->extensions[i].id] = (uint8_t)out->extensions[k].id;
}

/* The FID pair (RFC 5576) of a section's groups, else its first SSRC and no rtx. */
static void ssrc_pair(const rtc_ssrc_group *groups, size_t group_count, const uint32_t *ssrcs,
                      size_t ssrc_count, uint32_t *primary, uint32_t *rtx) {
    *primary = ssrc_count ? ssrcs[0] : 0, *rtx = 0;
    for (size_t i = 0; i < group_count; i++)
        if (strcmp(groups[i].semantics, "FID") == 0 && groups[i].ssrc_count >= 2) {
            *primary = groups[i].ssrcs[0], *rtx = groups[i].ssrcs[1];
            return;
        }
}

forward *forward_new(session *pub, session *player) {
    forward *f = g_new0(forward, 1);
    f->player = player;
    bool used[64] = {false};
    size_t in_count = rtc_negotiation_section_count(pub->negotiation);
    for (size_t i = 0; i < rtc_negotiation_section_count(player->negotiation); i++) {
        const rtc_negotiated_section *out = rtc_negotiation_section(player->negotiation, i);
        if (!out->accepted || out->local_ssrc_count == 0 || f->count == MAX_LANES)
            continue; /* not sending on it */
        for (size_t k = 0; k < in_count && k < 64; k++) {
            const rtc_negotiated_section *in = rtc_negotiation_section(pub->negotiation, k);
            if (used[k] || !in->accepted || strcmp(in->media, out->media) != 0)
                continue;
            lane *l = &f->lanes[f->count++];
            used[k] = true;
            l->video = strcmp(in->media, "video") == 0;
            ssrc_pair(in->remote_ssrc_groups, in->remote_ssrc_group_count, in->remote_ssrcs,
                      in->remote_ssrc_count, &l->in_ssrc, &l->in_rtx_ssrc);
            ssrc_pair(out->local_ssrc_groups, out->local_ssrc_group_count, out->local_ssrcs,
                      out->local_ssrc_count, &l->out_ssrc, &l->out_rtx_ssrc);
            map_payload_types(l, in, out);
            map_extensions(l, in, out);
            break;
        }
    }
    if (f->count == 0) {
        g_free(f);
        return NULL;
    }
    return f;
}

void forward_free(forward *f) { g_free(f); }

/* ------------------------------------------------------------ RTP */

/* The lane a packet is on, learning the publisher's SSRCs when its offer
 * announced none; *rtx says whether it is the rtx stream. */
static lane *lane_of(forward *f, uint32_t ssrc, uint8_t pt, bool *rtx) {
    for (size_t i = 0; i < f->count; i++) {
        lane *l = &f->lanes[i];
        if (ssrc == l->in_ssrc || ssrc == l->in_rtx_ssrc) {
            *rtx = ssrc == l->in_rtx_ssrc;
            return l;
        }
    }
    for (size_t i = 0; i < f->count; i++) {
        lane *l = &f->lanes[i];
        if (l->pt[pt] == NO_PT)
            continue;
        *rtx = l->rtx[pt];
        if (*rtx && !l->in_rtx_ssrc)
            l->in_rtx_ssrc = ssrc;
        else if (!*rtx && !l->in_ssrc)
            l->in_ssrc = ssrc;
        else
            return NULL;
        return l;
    }
    return NULL;
}

/* Rewrites the header extension ids of an RTP packet (RFC 8285, one- and
 * two-byte forms) in place; unknown ones become padding. */
static bool rewrite_extensions(const lane *l, uint8_t *p, size_t len, size_t at) {
    if (at + 4 > len)
        return false;
    unsigned profile = (unsigned)p[at] << 8 | p[at + 1];
    size_t end = at + 4 + 4 * ((size_t)p[at + 2] << 8 | p[at + 3]);
    if (end > len)
        return false;
    bool one_byte = profile == 0xBEDE, two_byte = (profile & 0xFFF0) == 0x1000;
    for (size_t i = at + 4; i < end && (one_byte || two_byte);) {
        unsigned id, n;
        if (one_byte) {
            id = p[i] >> 4, n = (p[i] & 15u) + 1;
            if (id == 0) { /* padding */
                i++;
                continue;
            }
            if (id == 15)
                break;
            if (i + 1 + n > end)
                return false;
            uint8_t to = l->ext[id];
            if (to && to < 15)
                p[i] = (uint8_t)(to << 4 | (p[i] & 15u));
            else
                memset(p + i, 0, 1 + n);
            i += 1 + n;
        } else {
            id = p[i];
            if (id == 0) {
                i++;
                continue;
            }
            if (i + 2 > end || i + 2 + p[i + 1] > end)
                return false;
            n = p[i + 1];
            if (l->ext[id])
                p[i] = l->ext[id];
            else
                memset(p + i, 0, 2 + n);
            i += 2 + n;
        }
    }
    return true;
}

/* A packet of the publisher's, rewritten for one player and sent. */
static void send_to(forward *f, const uint8_t *packet, size_t len) {
    uint8_t p[WT_MAX_PACKET];
    if (len < 12 || len > sizeof p || (packet[0] >> 6) != 2)
        return;
    memcpy(p, packet, len);
    uint8_t pt = p[1] & 127;
    bool rtx;
    lane *l = lane_of(f, wt_rd32(p + 8), pt, &rtx);
    if (!l) /* a stream the player does not take (e.g. video for an audio-only player) */
        return;
    if (l->pt[pt] == NO_PT || (rtx && !l->out_rtx_ssrc)) {
        if (f->player->r->dropped++ < 10) /* the first few say why */
            relay_debug(f->player->r, "%s: dropped ssrc %u pt %u: %s", f->player->id, wt_rd32(p + 8),
                        pt, l->pt[pt] == NO_PT ? "no payload type" : "no rtx");
        return;
    }
    p[1] = (uint8_t)((p[1] & 128) | l->pt[pt]);
    wt_wr32(p + 8, rtx ? l->out_rtx_ssrc : l->out_ssrc);
    size_t header = 12 + 4 * (size_t)(p[0] & 15);
    if ((p[0] & 16) && !rewrite_extensions(l, p, len, header))
        return;
    if (wt_send_rtp(f->player->transport, p, len)) {
        f->player->rtp_out++;
        f->player->r->forwarded++;
    }
}

void forward_rtp(session *pub, const uint8_t *packet, size_t len) {
    GPtrArray *players = pub->st->players;
    for (guint i = 0; i < players->len; i++) {
        session *s = g_ptr_array_index(players, i);
        if (s->connected && s->fwd)
            send_to(s->fwd, packet, len);
    }
}

/* ------------------------------------------------------------ RTCP */

/* The publisher's sender reports (RFC 3550 6.4.1), which players need to
 * synchronise audio with video: each goes to every player as a reduced-size
 * SR (RFC 5506; no report blocks: those are about what the publisher
 * receives) from the player's SSRC of that lane. */
void forward_rtcp_from_publisher(session *pub, const uint8_t *packet, size_t len) {
    GPtrArray *players = pub->st->players;
    for (size_t at = 0; at + 28 <= len;) {
        size_t n = 4 + 4 * ((size_t)packet[at + 2] << 8 | packet[at + 3]);
        if (at + n > len)
            break;
        uint32_t ssrc = wt_rd32(packet + at + 4);
        for (guint i = 0; packet[at + 1] == 200 && n >= 28 && i < players->len; i++) {
            session *player = g_ptr_array_index(players, i);
            forward *f = player->fwd;
            for (size_t k = 0; player->connected && f && k < f->count; k++) {
                if (f->lanes[k].in_ssrc != ssrc)
                    continue;
                uint8_t sr[28] = {0x80, 200, 0, 6};
                wt_wr32(sr + 4, f->lanes[k].out_ssrc);
                memcpy(sr + 8, packet + at + 8, 20); /* NTP, RTP timestamps, counts */
                wt_send_rtcp(player->transport, sr, sizeof sr);
            }
        }
        at += n;
    }
}

/* A PLI (RFC 4585 6.3.1) about `media_ssrc`, to the publisher. */
static void send_pli(session *pub, uint32_t media_ssrc) {
    uint8_t pli[12] = {0x81, 206, 0, 2};
    wt_wr32(pli + 4, 1); /* our (receiver) SSRC: any non-zero value */
    wt_wr32(pli + 8, media_ssrc);
    if (pub->connected && media_ssrc && wt_send_rtcp(pub->transport, pli, sizeof pli))
        pub->plis++;
}

static void key_frame(session *pub, lane *l) {
    gint64 now = g_get_monotonic_time();
    if (now - l->last_pli < 500000)
        return;
    l->last_pli = now;
    send_pli(pub, l->in_ssrc);
}

void forward_request_key_frame(session *pub) {
    GPtrArray *players = pub->st->players;
    for (guint i = 0; i < players->len; i++) {
        forward *f = ((session *)g_ptr_array_index(players, i))->fwd;
        for (size_t k = 0; f && k < f->count; k++)
            if (f->lanes[k].video)
                key_frame(pub, &f->lanes[k]);
    }
}

void forward_rtcp_from_player(session *player, const uint8_t *packet, size_t len) {
    session *pub = player->st->publisher;
    forward *f = player->fwd;
    for (size_t at = 0; pub && f && at + 4 <= len;) {
        size_t n = 4 + 4 * ((size_t)packet[at + 2] << 8 | packet[at + 3]);
        if (at + n > len)
            break;
        unsigned fmt = packet[at] & 31, type = packet[at + 1];
        /* PSFB: PLI (1) and FIR (4) name the media SSRC at offset 8. */
        if (type == 206 && (fmt == 1 || fmt == 4) && n >= 12) {
            uint32_t media = wt_rd32(packet + at + 8);
            if (fmt == 4 && n >= 16) /* FIR: the SSRC is in the FCI */
                media = wt_rd32(packet + at + 12);
            for (size_t k = 0; k < f->count; k++)
                if (f->lanes[k].out_ssrc == media)
                    key_frame(pub, &f->lanes[k]);
        }
        at += n;
    }
}
