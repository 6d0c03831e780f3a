/*
 * dtls.c: DTLS 1.2 (OpenSSL) over the ICE component: the DTLS-SRTP keys,
 * and the channel SCTP runs on.
 *
 * What rtcpc feeds it:
 *   rtc_pc_certificate_pem -> our certificate and key: the one whose
 *                             fingerprint the answer announced (checked
 *                             against local_fingerprints)
 *   dtls_role              -> CLIENT (a=setup:active): we send ClientHello;
 *                             SERVER (a=setup:passive): we wait for it
 *   remote_fingerprints    -> the peer's certificate must hash to one of
 *                             them, else the handshake is refused
 * Outgoing records go through a tiny BIO that sends each datagram over ICE;
 * incoming datagrams are written into a memory BIO.
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "internal.h"

struct wt_dtls {
    wt_transport *tr;
    bool client;          /* a=setup:active: we send the ClientHello */
    char **remote_fingerprints; /* copied: a restart replaces the section */
    SSL_CTX *ctx;
    SSL *ssl;
    BIO_METHOD *ice_bio;
    GMutex lock;     /* the SSL is used from the GLib thread and usrsctp's threads */
    guint timer;     /* handshake retransmissions */
    bool connected;
    char refused[512]; /* why the fingerprint check refused the peer */
};

/* The outgoing BIO: each write is one datagram on the ICE component. One
 * that cannot go out yet (a ServerHello before libnice selected a pair) is
 * lost like any UDP datagram: DTLS retransmits it. */
static int ice_bio_write(BIO *b, const char *data, int len) {
    wt_dtls *d = BIO_get_data(b);
    if (wt_ice_send(d->tr, data, (size_t)len) < 0)
        wt_debug(d->tr, "dtls: a %d-byte datagram could not be sent yet", len);
    return len;
}

static long ice_bio_ctrl(BIO *b, int cmd, long num, void *ptr) {
    (void)b, (void)num, (void)ptr;
    if (cmd == BIO_CTRL_FLUSH)
        return 1;
    if (cmd == BIO_CTRL_DGRAM_QUERY_MTU)
        return WT_MTU;
    return 0;
}

/* "AB:CD:..." of the certificate's digest with `alg` ("sha-256"); false if unknown. */
static bool fingerprint(X509 *cert, const char *alg, char *out, size_t cap) {
    char name[16];
    size_t n = 0;
    for (const char *p = alg; *p && n + 1 < sizeof name; p++) /* "sha-256" -> "sha256" */
        if (*p != '-')
            name[n++] = *p;
    name[n] = '\0';
    const EVP_MD *md = EVP_get_digestbyname(name);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!md || !X509_digest(cert, md, digest, &len) || cap < 3 * len + 1)
        return false;
    for (unsigned int i = 0; i < len; i++)
        snprintf(out + 3 * i, 4, i + 1 < len ? "%02X:" : "%02X", digest[i]);
    return true;
}

/* Whether the certificate matches one of "sha-256 AB:CD:..." (rtcpc's fingerprint strings). */
static bool matches(X509 *cert, const char *const *fingerprints, size_t count, char *got,
                    size_t cap) {
    bool ok = false;
    snprintf(got, cap, "nothing (no fingerprint)");
    for (size_t i = 0; i < count && !ok; i++) {
        const char *space = strchr(fingerprints[i], ' ');
        char alg[16], hex[3 * EVP_MAX_MD_SIZE + 1];
        if (!space || space - fingerprints[i] >= (long)sizeof alg)
            continue;
        snprintf(alg, sizeof alg, "%.*s", (int)(space - fingerprints[i]), fingerprints[i]);
        if (fingerprint(cert, alg, hex, sizeof hex)) {
            ok = g_ascii_strcasecmp(hex, space + 1) == 0;
            snprintf(got, cap, "%s %s", alg, hex);
        }
    }
    return ok;
}

/* Replaces certificate chain checks: self-signed is the rule in WebRTC, the
 * fingerprint the offer carried is what authenticates the peer. */
static int check_peer(X509_STORE_CTX *store, void *arg) {
    wt_dtls *d = arg;
    char got[256];
    X509 *peer = X509_STORE_CTX_get0_cert(store);
    size_t count = g_strv_length(d->remote_fingerprints);
    if (peer && matches(peer, (const char *const *)d->remote_fingerprints, count, got, sizeof got))
        return 1;
    snprintf(d->refused, sizeof d->refused,
             "remote fingerprint mismatch: the remote description says %s, the peer's certificate is %s",
             count ? d->remote_fingerprints[0] : "none", got);
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
}

static const char *ssl_error(void) {
    static char buf[256];
    unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (!e)
        return "no OpenSSL error";
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

/* Loads rtcpc's certificate and key (one PEM buffer, the key is secret). */
static bool use_rtcpc_certificate(wt_dtls *d, rtc_pc *pc, const rtc_negotiated_section *t) {
    size_t len = rtc_pc_certificate_pem(pc, NULL, 0);
    char *pem = g_malloc(len + 1), got[256];
    rtc_pc_certificate_pem(pc, pem, len + 1);
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    X509 *cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    bool ok = cert && key && SSL_CTX_use_certificate(d->ctx, cert) &&
              SSL_CTX_use_PrivateKey(d->ctx, key) && SSL_CTX_check_private_key(d->ctx);
    if (!ok)
        wt_fail(d->tr, "dtls", "cannot use rtc_pc_certificate_pem: %s", ssl_error());
    else if (!matches(cert, (const char *const *)t->local_fingerprints, t->local_fingerprint_count, got, sizeof got))
        ok = false, wt_fail(d->tr, "dtls", "our description's fingerprint is not rtc_pc_certificate_pem's "
                                            "certificate (%s)", got);
    X509_free(cert);
    EVP_PKEY_free(key);
    BIO_free(bio);
    OPENSSL_cleanse(pem, len);
    g_free(pem);
    return ok;
}

/* The retransmission timer of each flight: 100 ms, then doubling up to 60 s,
 * like browsers, not OpenSSL's 1 s start. A first ClientHello is often lost:
 * libnice (controlled) reports connected before the browser has its DTLS
 * transport ready (Firefox), and waiting 1 s for the retransmission delayed
 * every session by that much. OpenSSL calls this with 0 for a new flight. */
static unsigned int dtls_timer(SSL *ssl, unsigned int previous_us) {
    (void)ssl;
    return previous_us == 0 ? 100000 : previous_us >= 30000000 ? 60000000 : 2 * previous_us;
}

/* DTLSv1_handle_timeout retransmits a lost flight; it gives up after a while. */
static gboolean on_timer(gpointer data) {
    wt_dtls *d = data;
    g_mutex_lock(&d->lock);
    int r = d->connected ? 0 : (int)DTLSv1_handle_timeout(d->ssl);
    g_mutex_unlock(&d->lock);
    if (r < 0)
        wt_fail(d->tr, "dtls", "handshake timed out: the peer stopped answering");
    if (d->connected || r < 0) {
        d->timer = 0;
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

wt_dtls *wt_dtls_new(wt_transport *tr, rtc_pc *pc, const rtc_negotiated_section *t) {
    wt_dtls *d = g_new0(wt_dtls, 1);
    d->tr = tr, d->client = t->dtls_role == RTC_DTLS_ROLE_CLIENT;
    d->remote_fingerprints = g_new0(char *, t->remote_fingerprint_count + 1);
    for (size_t i = 0; i < t->remote_fingerprint_count; i++)
        d->remote_fingerprints[i] = g_strdup(t->remote_fingerprints[i]);
    g_mutex_init(&d->lock);
    d->ctx = SSL_CTX_new(DTLS_method());
    SSL_CTX_set_min_proto_version(d->ctx, DTLS1_2_VERSION);
    /* use_srtp (RFC 5764): the profiles libsrtp2 takes (srtp.c). 0 is success. */
    SSL_CTX_set_tlsext_use_srtp(d->ctx, "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80");
    SSL_CTX_set_verify(d->ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    SSL_CTX_set_cert_verify_callback(d->ctx, check_peer, d);
    if (!use_rtcpc_certificate(d, pc, t)) {
        wt_dtls_free(d);
        return NULL;
    }
    d->ice_bio = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "ice");
    BIO_meth_set_write(d->ice_bio, ice_bio_write);
    BIO_meth_set_ctrl(d->ice_bio, ice_bio_ctrl);
    BIO *in = BIO_new(BIO_s_mem()), *out = BIO_new(d->ice_bio);
    BIO_set_mem_eof_return(in, -1); /* empty means "retry", not EOF */
    BIO_set_data(out, d);
    BIO_set_init(out, 1);
    d->ssl = SSL_new(d->ctx);
    SSL_set_bio(d->ssl, in, out);
    SSL_set_options(d->ssl, SSL_OP_NO_QUERY_MTU);
    DTLS_set_link_mtu(d->ssl, WT_MTU);
    DTLS_set_timer_cb(d->ssl, dtls_timer);
    if (d->client)
        SSL_set_connect_state(d->ssl);
    else
        SSL_set_accept_state(d->ssl);
    d->timer = g_timeout_add(50, on_timer, d);
    return d;
}

/* One handshake step, lock held: 1 done, 0 more to come, -1 refused. */
static int handshake(wt_dtls *d, char *why, size_t cap) {
    int r = SSL_do_handshake(d->ssl);
    if (r == 1)
        return 1;
    int e = SSL_get_error(d->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        return 0;
    snprintf(why, cap, "%s", d->refused[0] ? d->refused : ssl_error());
    if (!d->refused[0])
        g_strlcat(why, " (handshake refused)", cap);
    return -1;
}

/* Lock held: the SRTP profile and keys (RFC 5764 4.2: client key, server
 * key, client salt, server salt), ours and the peer's by dtls_role. */
static bool export_keys(wt_dtls *d, wt_srtp_keys *k) {
    const SRTP_PROTECTION_PROFILE *p = SSL_get_selected_srtp_profile(d->ssl);
    if (!p)
        return false;
    size_t key = 16, salt = p->id == SRTP_AEAD_AES_128_GCM ? 12 : 14;
    uint8_t m[2 * (16 + 14)];
    if (SSL_export_keying_material(d->ssl, m, 2 * (key + salt), "EXTRACTOR-dtls_srtp", 19, NULL,
                                   0, 0) != 1)
        return false;
    const uint8_t *client_key = m, *server_key = m + key;
    const uint8_t *client_salt = m + 2 * key, *server_salt = m + 2 * key + salt;
    bool client = d->client;
    k->profile = p->name, k->profile_id = p->id;
    memcpy(k->local, client ? client_key : server_key, key);
    memcpy(k->local + key, client ? client_salt : server_salt, salt);
    memcpy(k->remote, client ? server_key : client_key, key);
    memcpy(k->remote + key, client ? server_salt : client_salt, salt);
    OPENSSL_cleanse(m, sizeof m);
    return true;
}

void wt_dtls_start(wt_dtls *d) {
    char why[600];
    if (!d->client)
        return; /* the server waits for the peer's ClientHello */
    g_mutex_lock(&d->lock);
    int r = handshake(d, why, sizeof why); /* writes the ClientHello */
    g_mutex_unlock(&d->lock);
    if (r < 0)
        wt_fail(d->tr, "dtls", "%s", why);
}

void wt_dtls_input(wt_dtls *d, const uint8_t *data, size_t len) {
    char why[600];
    wt_srtp_keys keys;
    int r = 1;
    bool have_keys = false;
    g_mutex_lock(&d->lock);
    BIO_write(SSL_get_rbio(d->ssl), data, (int)len);
    if (!d->connected) {
        r = handshake(d, why, sizeof why);
        if (r == 1)
            d->connected = have_keys = export_keys(d, &keys);
    }
    g_mutex_unlock(&d->lock);
    if (r < 0) {
        wt_fail(d->tr, "dtls", "%s", why);
        return;
    }
    if (r == 1 && !d->connected) {
        wt_fail(d->tr, "dtls", "no DTLS-SRTP profile negotiated (use_srtp)");
        return;
    }
    if (have_keys) {
        wt_on_dtls_connected(d->tr, &keys);
        OPENSSL_cleanse(&keys, sizeof keys);
    }
    /* Application data: SCTP packets. Unlocked while SCTP handles them,
     * because SCTP may answer at once (wt_dtls_send). */
    while (d->connected && !wt_ended(d->tr)) {
        uint8_t buf[16384];
        g_mutex_lock(&d->lock);
        int n = SSL_read(d->ssl, buf, sizeof buf);
        int e = n > 0 ? SSL_ERROR_NONE : SSL_get_error(d->ssl, n);
        g_mutex_unlock(&d->lock);
        if (n > 0)
            wt_on_dtls_data(d->tr, buf, (size_t)n);
        else if (e == SSL_ERROR_ZERO_RETURN)
            wt_on_dtls_closed(d->tr);
        else if (e != SSL_ERROR_WANT_READ)
            wt_fail(d->tr, "dtls", "%s", ssl_error());
        if (n <= 0)
            break;
    }
}

int wt_dtls_send(wt_dtls *d, const void *data, size_t len) {
    g_mutex_lock(&d->lock);
    int n = d->connected ? SSL_write(d->ssl, data, (int)len) : -1;
    g_mutex_unlock(&d->lock);
    return n > 0 ? 0 : -1;
}

void wt_dtls_free(wt_dtls *d) {
    if (!d)
        return;
    if (d->timer)
        g_source_remove(d->timer);
    if (d->ssl && d->connected)
        SSL_shutdown(d->ssl); /* close_notify */
    SSL_free(d->ssl);         /* and its BIOs */
    SSL_CTX_free(d->ctx);
    BIO_meth_free(d->ice_bio);
    g_mutex_clear(&d->lock);
    g_strfreev(d->remote_fingerprints);
    g_free(d);
    ERR_clear_error();
}
