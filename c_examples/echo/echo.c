/*
 * echo.c: the media echo. Every RTP packet the browser sends goes back to
 * it on the m-section it came on, as if our track had sent it.
 *
 * What rtcpc's negotiation feeds it, per audio/video section:
 *   remote_ssrcs, remote_ssrc_groups (FID) -> which section and stream a
 *       packet is on: the browser's primary SSRC and its rtx SSRC
 *   extensions (urn:ietf:params:rtp-hdrext:sdes:mid) -> the same, for SSRCs
 *       the offer did not announce
 *   local_ssrcs, local_ssrc_groups (FID)   -> the SSRCs we rewrite to: the
 *       ones our answer announced (primary, and rtx)
 *   codecs[].payload_type, name "rtx"      -> kept as is (the same payload
 *       type both ways); rtx packets go out on our rtx SSRC
 * RTCP: a PLI or FIR about one of our SSRCs becomes a PLI about the
 * browser's SSRC of that section (its encoder makes a key frame), a NACK is
 * passed on the same way; and until video flows we ask for a key frame
 * every 2 s.
 */
#include <string.h>

#include "echo.h"

#define MID_URI "urn:ietf:params:rtp-hdrext:sdes:mid"

typedef struct media_section {
    const rtc_negotiated_section *sec;
    bool video, flowing;
    uint32_t remote_ssrc, remote_rtx_ssrc; /* the browser's */
    uint32_t local_ssrc, local_rtx_ssrc;   /* ours; 0: we do not send that */
    unsigned mid_id;                       /* the sdes:mid extension's id; 0: none */
} media_section;

struct echo_media {
    echo_session *s;
    media_section *sections;
    size_t count;
    guint pli_timer;
};

/* The FID pair (RFC 5576) of a group list, else the first SSRC and no rtx. */
static void ssrc_pair(const rtc_ssrc_group *groups, size_t group_count, const uint32_t *ssrcs,
                      size_t ssrc_count, uint32_t *primary, uint32_t *rtx) {
    *primary = ssrc_count ? ssrcs[0] : 0, *rtx = 0;
    for (size_t i = 0; i < group_count; i++)
        if (strcmp(groups[i].semantics, "FID") == 0 && groups[i].ssrc_count >= 2) {
            *primary = groups[i].ssrcs[0], *rtx = groups[i].ssrcs[1];
            return;
        }
}

static bool is_rtx(const media_section *ms, uint8_t pt) {
    for (size_t i = 0; i < ms->sec->codec_count; i++)
        if (ms->sec->codecs[i].payload_type == pt)
            return g_ascii_strcasecmp(ms->sec->codecs[i].name, "rtx") == 0;
    return false;
}

/* The section of a packet whose SSRC the offer did not announce, by its
 * sdes:mid header extension (RFC 8843 9.2; one- or two-byte form, RFC 8285). */
static media_section *by_mid(echo_media *m, const uint8_t *p, size_t len) {
    size_t off = 12 + 4 * (p[0] & 0x0f);
    if (!(p[0] & 0x10) || off + 4 > len)
        return NULL;
    uint16_t profile = wt_rd16(p + off);
    size_t end = off + 4 + 4 * (size_t)wt_rd16(p + off + 2);
    bool one_byte = profile == 0xBEDE;
    if (end > len || (!one_byte && (profile & 0xfff0) != 0x1000))
        return NULL;
    for (off += 4; off < end;) {
        if (p[off] == 0) { /* padding */
            off++;
            continue;
        }
        unsigned id = one_byte ? p[off] >> 4 : p[off];
        size_t n = one_byte ? (p[off] & 0x0f) + 1u : (off + 1 < end ? p[off + 1] : 0);
        const uint8_t *value = p + off + (one_byte ? 1 : 2);
        if ((one_byte && id == 15) || value + n > p + end)
            return NULL;
        for (size_t i = 0; i < m->count; i++) {
            const char *mid = m->sections[i].sec->mid;
            if (m->sections[i].mid_id == id && mid && strlen(mid) == n && !memcmp(mid, value, n))
                return &m->sections[i];
        }
        off = (size_t)(value - p) + n;
    }
    return NULL;
}

static void send_rtcp(echo_media *m, const uint8_t *packet, size_t len) {
    if (wt_send_rtcp(m->s->wt, packet, len))
        m->s->stats.rtcp_out++;
}

/* An empty receiver report (a compound packet must start with one) and a
 * PLI (RFC 4585 6.3.1) about the browser's SSRC of the section. */
static void send_pli(echo_media *m, const media_section *ms) {
    uint32_t sender = ms->local_ssrc ? ms->local_ssrc : 1;
    uint8_t b[20] = {0x80, 201, 0, 1, 0, 0, 0, 0, 0x81, 206, 0, 2};
    wt_wr32(b + 4, sender);
    wt_wr32(b + 12, sender);
    wt_wr32(b + 16, ms->remote_ssrc);
    send_rtcp(m, b, sizeof b);
}

static gboolean on_pli_timer(gpointer data) {
    echo_media *m = data;
    for (size_t i = 0; i < m->count; i++)
        if (m->sections[i].video && !m->sections[i].flowing && m->sections[i].remote_ssrc)
            send_pli(m, &m->sections[i]);
    return G_SOURCE_CONTINUE;
}

echo_media *echo_media_new(echo_session *s) {
    echo_media *m = g_new0(echo_media, 1);
    m->s = s;
    size_t n = rtc_negotiation_section_count(s->negotiation);
    m->sections = g_new0(media_section, n);
    for (size_t i = 0; i < n; i++) {
        const rtc_negotiated_section *sec = rtc_negotiation_section(s->negotiation, i);
        bool video = strcmp(sec->media, "video") == 0;
        if (!sec->accepted || (!video && strcmp(sec->media, "audio") != 0))
            continue;
        media_section *ms = &m->sections[m->count++];
        ms->sec = sec, ms->video = video;
        ssrc_pair(sec->remote_ssrc_groups, sec->remote_ssrc_group_count, sec->remote_ssrcs,
                  sec->remote_ssrc_count, &ms->remote_ssrc, &ms->remote_rtx_ssrc);
        ssrc_pair(sec->local_ssrc_groups, sec->local_ssrc_group_count, sec->local_ssrcs,
                  sec->local_ssrc_count, &ms->local_ssrc, &ms->local_rtx_ssrc);
        for (size_t e = 0; e < sec->extension_count; e++)
            if (strcmp(sec->extensions[e].uri, MID_URI) == 0)
                ms->mid_id = sec->extensions[e].id;
        echo_debug(s, "media: mid %s %s: browser ssrc %u rtx %u -> ours %u rtx %u, mid id %u",
                   sec->mid ? sec->mid : "-", sec->media, ms->remote_ssrc, ms->remote_rtx_ssrc,
                   ms->local_ssrc, ms->local_rtx_ssrc, ms->mid_id);
    }
    on_pli_timer(m); /* a key frame now, then every 2 s until video flows */
    m->pli_timer = g_timeout_add(2000, on_pli_timer, m);
    return m;
}

void echo_media_rtp(echo_media *m, uint8_t *p, size_t len) {
    m->s->stats.rtp_in++;
    if (len < 12)
        return;
    uint32_t ssrc = wt_rd32(p + 8);
    uint8_t pt = p[1] & 0x7f;
    media_section *ms = NULL;
    for (size_t i = 0; i < m->count && !ms; i++)
        if (m->sections[i].remote_ssrc == ssrc || m->sections[i].remote_rtx_ssrc == ssrc)
            ms = &m->sections[i];
    if (!ms && (ms = by_mid(m, p, len)) != NULL) { /* learn the SSRC */
        if (is_rtx(ms, pt))
            ms->remote_rtx_ssrc = ssrc;
        else
            ms->remote_ssrc = ssrc;
        echo_debug(m->s, "media: mid %s: browser ssrc %u (from the mid extension)", ms->sec->mid, ssrc);
    }
    if (!ms)
        return; /* not on any section: drop */
    bool rtx = ssrc == ms->remote_rtx_ssrc || is_rtx(ms, pt);
    uint32_t out = rtx ? ms->local_rtx_ssrc : ms->local_ssrc;
    if (!out)
        return; /* we do not send on this section, or have no rtx SSRC */
    if (ms->video && !rtx && !ms->flowing) {
        ms->flowing = true;
        echo_debug(m->s, "media: video flowing on mid %s", ms->sec->mid ? ms->sec->mid : "-");
    }
    wt_wr32(p + 8, out); /* payload type, sequence number, timestamp: kept */
    if (wt_send_rtp(m->s->wt, p, len))
        m->s->stats.rtp_out++;
}

static media_section *by_local_ssrc(echo_media *m, uint32_t ssrc) {
    for (size_t i = 0; i < m->count; i++)
        if (m->sections[i].local_ssrc == ssrc && ssrc)
            return &m->sections[i];
    return NULL;
}

void echo_media_rtcp(echo_media *m, const uint8_t *p, size_t len) {
    m->s->stats.rtcp_in++;
    for (size_t off = 0, n; off + 12 <= len; off += n) { /* each packet of the compound */
        uint8_t fmt = p[off] & 0x1f, pt = p[off + 1];
        n = 4 * ((size_t)wt_rd16(p + off + 2) + 1);
        if (off + n > len)
            break;
        media_section *ms = NULL;
        if (pt == 206 && fmt == 1) /* PLI: the media source SSRC is ours */
            ms = by_local_ssrc(m, wt_rd32(p + off + 8));
        else if (pt == 206 && fmt == 4 && n >= 20) /* FIR: the SSRC is in the FCI */
            ms = by_local_ssrc(m, wt_rd32(p + off + 12));
        if (ms && ms->remote_ssrc) {
            send_pli(m, ms);
            m->s->stats.pli_forwarded++;
        }
        if (pt == 205 && fmt == 1 && n <= 512 && (ms = by_local_ssrc(m, wt_rd32(p + off + 8))) &&
            ms->remote_ssrc) {
            /* NACK: same sequence numbers, so only the SSRCs change */
            uint8_t b[8 + 512] = {0x80, 201, 0, 1};
            wt_wr32(b + 4, ms->local_ssrc);
            memcpy(b + 8, p + off, n);
            wt_wr32(b + 12, ms->local_ssrc);
            wt_wr32(b + 16, ms->remote_ssrc);
            send_rtcp(m, b, 8 + n);
        }
    }
}

void echo_media_free(echo_media *m) {
    if (!m)
        return;
    if (m->pli_timer)
        g_source_remove(m->pli_timer);
    g_free(m->sections);
    g_free(m);
}
