/*
 * srtp.c: SRTP and SRTCP (libsrtp2) with the keys DTLS exported, and the
 * demultiplexing of what arrives on the one ICE component (RFC 7983).
 *
 * Nothing here comes from rtcpc directly: the profile and keys come from
 * the DTLS handshake, whose certificate and role rtcpc gave (dtls.c). Both
 * sessions match any SSRC, so the SSRCs rtcpc negotiated (echo.c) need no
 * setup here.
 */
#include <string.h>

#include <openssl/srtp.h>
#include <srtp2/srtp.h>

#include "echo.h"

struct echo_srtp {
    echo_session *s;
    srtp_t in;  /* the browser's packets, with its key */
    srtp_t out; /* ours, with our key */
};

echo_packet_kind echo_demux(const uint8_t *data, size_t len) {
    if (len < 2)
        return ECHO_PACKET_OTHER;
    if (data[0] >= 20 && data[0] <= 63) /* libnice already took STUN (0..3) */
        return ECHO_PACKET_DTLS;
    if (data[0] >= 128 && data[0] <= 191) /* RTCP payload types 192..223 (RFC 5761) */
        return data[1] >= 192 && data[1] <= 223 ? ECHO_PACKET_RTCP : ECHO_PACKET_RTP;
    return ECHO_PACKET_OTHER;
}

static void set_profile(srtp_policy_t *p, unsigned long profile_id) {
    if (profile_id == SRTP_AEAD_AES_128_GCM) {
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtcp);
    } else { /* SRTP_AES128_CM_SHA1_80 */
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtcp);
    }
}

/* srtp_init runs libsrtp's cipher self-tests (10 s under valgrind): done
 * once at startup, so it never stalls the main loop of a live session. */
bool echo_srtp_library_init(void) { return srtp_init() == srtp_err_status_ok; }

void echo_srtp_library_shutdown(void) { srtp_shutdown(); }

echo_srtp *echo_srtp_new(echo_session *s, const echo_srtp_keys *keys) {
    srtp_err_status_t e;
    echo_srtp *srtp = g_new0(echo_srtp, 1);
    srtp->s = s;
    srtp_policy_t p;
    memset(&p, 0, sizeof p);
    set_profile(&p, keys->profile_id);
    p.window_size = 1024;
    p.ssrc.type = ssrc_any_inbound;
    p.key = (unsigned char *)keys->remote;
    e = srtp_create(&srtp->in, &p);
    if (e == srtp_err_status_ok) {
        p.ssrc.type = ssrc_any_outbound;
        p.key = (unsigned char *)keys->local;
        p.allow_repeat_tx = 1; /* we relay the browser's retransmissions as they come */
        e = srtp_create(&srtp->out, &p);
    }
    if (e != srtp_err_status_ok) {
        echo_fail(s, "srtp", "srtp_create failed (%d) for %s", (int)e, keys->profile);
        echo_srtp_free(srtp);
        return NULL;
    }
    return srtp;
}

bool echo_srtp_unprotect(echo_srtp *srtp, uint8_t *packet, size_t *len, bool rtcp) {
    int n = (int)*len;
    srtp_err_status_t e = rtcp ? srtp_unprotect_rtcp(srtp->in, packet, &n)
                               : srtp_unprotect(srtp->in, packet, &n);
    if (e != srtp_err_status_ok) {
        /* replays and packets from before the keys are normal: drop them */
        echo_debug(srtp->s, "srtp: dropped an %s packet (error %d)", rtcp ? "SRTCP" : "SRTP", (int)e);
        return false;
    }
    *len = (size_t)n;
    return true;
}

bool echo_srtp_send(echo_srtp *srtp, const uint8_t *packet, size_t len, bool rtcp) {
    uint8_t buf[ECHO_MAX_PACKET + SRTP_MAX_TRAILER_LEN + 4];
    if (len > ECHO_MAX_PACKET)
        return false;
    memcpy(buf, packet, len);
    int n = (int)len;
    srtp_err_status_t e = rtcp ? srtp_protect_rtcp(srtp->out, buf, &n)
                               : srtp_protect(srtp->out, buf, &n);
    return e == srtp_err_status_ok && echo_ice_send(srtp->s->ice, buf, (size_t)n) == n;
}

void echo_srtp_free(echo_srtp *srtp) {
    if (!srtp)
        return;
    if (srtp->in)
        srtp_dealloc(srtp->in);
    if (srtp->out)
        srtp_dealloc(srtp->out);
    g_free(srtp);
}
