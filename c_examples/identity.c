/*
 * Identity assertions (issue 7; W3C "Identity for WebRTC 1.0", RFC 8827
 * section 7) and createAnswer's options, end to end from C.
 *
 * The identity provider (IdP) here is real in the one way that matters for
 * the round trip: it signs the contents rtcpc hands it with HMAC-SHA256 under
 * a secret shared by every IdP instance, and its validate callback recomputes
 * the HMAC, so a tampered assertion is refused by the IdP itself. SHA-256,
 * HMAC, base64 and hex are implemented below (no external library) and
 * checked against published test vectors before anything else runs.
 *
 * The assertion format (the IdP's choice; rtcpc treats it as opaque text):
 *
 *     <identity> "|" base64(<contents>) "|" hex(HMAC-SHA256(secret, <identity> "|" base64(<contents>)))
 *
 * What is checked:
 *  1. round trip: connection A (IdP identity alice@idp.example) answers the
 *     Chrome offer; its answer's session-level a=identity and A's fingerprint
 *     go into an offer for connection B (IdP with validation, peer identity
 *     alice@idp.example required); B accepts it and rtc_pc_peer_identity(B)
 *     is alice@idp.example;
 *  2. generate failing (rtc_identity_result_fail "idp-need-login", reporting
 *     nothing, an empty assertion, the wrong setter): createAnswer fails with
 *     RTC_ERROR_NOT_READABLE / "NotReadableError" naming the detail and the
 *     message, and nothing in the connection changes; the next createAnswer
 *     asks the IdP again and succeeds; later ones do not ask again;
 *  3. validation: success, fingerprint mismatch, required-identity mismatch,
 *     a domain that is not the IdP's, tampered assertions, a missing or
 *     malformed a=identity; each with and without a required peer identity;
 *  4. answer options: rtc_answer_options_init's defaults, CN kept with voice
 *     activity detection and left out without it, and the legacy offer-only
 *     members having no effect on the answer.
 *
 * OWNERSHIP AND LIFETIME OF EVERY STRING AROUND THE IDENTITY CALLBACKS (as
 * include/rtcpc.h states them):
 *  - rtc_identity_provider's strings (domain, protocol, origin,
 *    username_hint) are copied by rtc_configuration_set_identity_provider:
 *    the caller may free or overwrite them right after the call (done below
 *    with `domain_buf`). Its callbacks and user_data are kept as given: the
 *    idp_state they point to must outlive every connection made from the
 *    configuration (here: locals of the test function that frees the
 *    connections before returning).
 *  - rtc_configuration_set_peer_identity copies `identity`.
 *  - Into the generate callback: `contents`, `origin` and `username_hint`
 *    (NULL when none was configured) are owned by rtcpc and valid only until
 *    the callback returns; so is `result`. The callbacks below copy what they
 *    keep into idp_state's arrays.
 *  - Into the validate callback: `assertion`, `origin` and `result`, the same.
 *  - Out of the callbacks: rtc_identity_result_set_assertion,
 *    rtc_identity_result_set_identity and rtc_identity_result_fail copy their
 *    strings during the call; the callbacks below free their heap buffers
 *    right after handing them over (memcheck would see a later use).
 *  - rtc_pc_peer_identity returns a string owned by the connection, valid
 *    until rtc_pc_free; never free it.
 *  - The description and rtc_error handed to createAnswer's and
 *    setRemoteDescription's callbacks are valid only during the callback:
 *    `outcome` copies them.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtcpc.h"
#include "example_util.h"

/* Checks that a string equals an expected one, showing both when not. */
#define CHECK_STR(got, want) check_str(__LINE__, #got, got, want)

static void check_str(int line, const char *what, const char *got, const char *want) {
    if (!got || !want || strcmp(got, want) != 0) {
        fprintf(stderr, "%s:%d: %s is \"%s\", want \"%s\"\n", __FILE__, line, what,
                got ? got : "(null)", want ? want : "(null)");
        failures++;
    }
}

/* Checks that `hay` contains `needle`. */
#define CHECK_HAS(hay, needle) check_has(__LINE__, #hay, hay, needle)

static void check_has(int line, const char *what, const char *hay, const char *needle) {
    if (!hay || !strstr(hay, needle)) {
        fprintf(stderr, "%s:%d: %s lacks \"%s\"; it is \"%s\"\n", __FILE__, line, what, needle,
                hay ? hay : "(null)");
        failures++;
    }
}

/* ------------------------------------------------------------------ SHA-256 */
/* FIPS 180-4. */

typedef struct {
    uint32_t h[8];
    uint64_t bytes;
    uint8_t block[64];
    size_t used;
} sha256_ctx;

static const uint32_t SHA256_K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_compress(sha256_ctx *c, const uint8_t *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
               (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3];
    uint32_t e = c->h[4], f = c->h[5], g = c->h[6], h = c->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) +
                      SHA256_K[i] + w[i];
        uint32_t t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = cc;
        cc = b;
        b = a;
        a = t1 + t2;
    }
    c->h[0] += a;
    c->h[1] += b;
    c->h[2] += cc;
    c->h[3] += d;
    c->h[4] += e;
    c->h[5] += f;
    c->h[6] += g;
    c->h[7] += h;
}

static void sha256_init(sha256_ctx *c) {
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, iv, sizeof iv);
    c->bytes = 0;
    c->used = 0;
}

static void sha256_update(sha256_ctx *c, const void *data, size_t n) {
    const uint8_t *p = data;
    c->bytes += n;
    while (n > 0) {
        size_t take = 64 - c->used < n ? 64 - c->used : n;
        memcpy(c->block + c->used, p, take);
        c->used += take;
        p += take;
        n -= take;
        if (c->used == 64) {
            sha256_compress(c, c->block);
            c->used = 0;
        }
    }
}

static void sha256_final(sha256_ctx *c, uint8_t out[32]) {
    uint64_t bits = c->bytes * 8;
    uint8_t pad = 0x80, zero = 0, len[8];
    sha256_update(c, &pad, 1);
    while (c->used != 56)
        sha256_update(c, &zero, 1);
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_update(c, len, 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(c->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)c->h[i];
    }
}

static void sha256(const void *data, size_t n, uint8_t out[32]) {
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, data, n);
    sha256_final(&c, out);
}

/* RFC 2104 HMAC with SHA-256 (block size 64). */
static void hmac_sha256(const void *key, size_t key_len, const void *msg, size_t msg_len,
                        uint8_t out[32]) {
    uint8_t k[64] = {0}, ipad[64], opad[64], inner[32];
    if (key_len > 64)
        sha256(key, key_len, k);
    else
        memcpy(k, key, key_len);
    for (int i = 0; i < 64; i++) {
        ipad[i] = k[i] ^ 0x36;
        opad[i] = k[i] ^ 0x5c;
    }
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, ipad, 64);
    sha256_update(&c, msg, msg_len);
    sha256_final(&c, inner);
    sha256_init(&c);
    sha256_update(&c, opad, 64);
    sha256_update(&c, inner, 32);
    sha256_final(&c, out);
}

static void to_hex(const uint8_t *p, size_t n, char *out /* 2n+1 */) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* ------------------------------------------------------------------ base64 */
/* RFC 4648 section 4, with padding. Results are malloc'ed; the caller frees. */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *base64_encode(const void *data, size_t n) {
    const uint8_t *p = data;
    char *out = malloc(4 * ((n + 2) / 3) + 1), *w = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        *w++ = B64[v >> 18];
        *w++ = B64[(v >> 12) & 63];
        *w++ = i + 1 < n ? B64[(v >> 6) & 63] : '=';
        *w++ = i + 2 < n ? B64[v & 63] : '=';
    }
    *w = '\0';
    return out;
}

/* Decodes `n` characters of base64 into a NUL-terminated string; NULL when
 * they are not base64 or decode to a NUL byte. */
static char *base64_decode(const char *s, size_t n) {
    if (n % 4 != 0)
        return NULL;
    char *out = malloc(n / 4 * 3 + 1), *w = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i += 4) {
        uint32_t v = 0;
        int pad = 0;
        for (size_t j = 0; j < 4; j++) {
            const char *at = s[i + j] ? strchr(B64, s[i + j]) : NULL;
            if (s[i + j] == '=' && i + 4 == n && j >= 2 && (j == 3 || s[i + 3] == '=')) {
                pad++;
                v <<= 6;
            } else if (at && !pad) {
                v = v << 6 | (uint32_t)(at - B64);
            } else {
                free(out);
                return NULL;
            }
        }
        *w++ = (char)(v >> 16);
        if (pad < 2)
            *w++ = (char)(v >> 8);
        if (pad < 1)
            *w++ = (char)v;
    }
    *w = '\0';
    if ((size_t)(w - out) != strlen(out)) {
        free(out);
        return NULL;
    }
    return out;
}

/* --------------------------------------------------------------- the IdP */

static const char SECRET[] = "shared IdP secret: not for production";

/* The assertion `identity` "|" b64(contents) "|" hex(hmac); malloc'ed. */
static char *sign_assertion(const char *secret, const char *identity, const char *contents) {
    char *b64 = base64_encode(contents, strlen(contents));
    size_t n = strlen(identity) + 1 + (b64 ? strlen(b64) : 0);
    char *out = malloc(n + 1 + 64 + 1);
    if (!b64 || !out) {
        free(b64);
        free(out);
        return NULL;
    }
    snprintf(out, n + 1, "%s|%s", identity, b64);
    uint8_t mac[32];
    hmac_sha256(secret, strlen(secret), out, n, mac);
    out[n] = '|';
    to_hex(mac, 32, out + n + 1);
    free(b64);
    return out;
}

/* Verifies an assertion: NULL and the identity and contents (malloc'ed), or
 * why it is refused. */
static const char *verify_assertion(const char *secret, const char *assertion, char **identity,
                                    char **contents) {
    *identity = *contents = NULL;
    const char *bar1 = strchr(assertion, '|'), *bar2 = strrchr(assertion, '|');
    if (!bar1 || bar1 == bar2 || memchr(bar1 + 1, '|', (size_t)(bar2 - bar1 - 1)))
        return "the assertion is not identity|contents|mac";
    if (strlen(bar2 + 1) != 64)
        return "the assertion's MAC is not 64 hex digits";
    uint8_t mac[32];
    char want[65];
    hmac_sha256(secret, strlen(secret), assertion, (size_t)(bar2 - assertion), mac);
    to_hex(mac, 32, want);
    unsigned diff = 0; /* constant time, as a real IdP would */
    for (int i = 0; i < 64; i++)
        diff |= (unsigned)(want[i] ^ bar2[1 + i]);
    if (diff)
        return "HMAC mismatch: the assertion was not signed by this IdP or was altered";
    *contents = base64_decode(bar1 + 1, (size_t)(bar2 - bar1 - 1));
    if (!*contents)
        return "the assertion's contents are not base64";
    size_t id_len = (size_t)(bar1 - assertion);
    *identity = malloc(id_len + 1);
    if (!*identity) {
        free(*contents);
        *contents = NULL;
        return "out of memory";
    }
    memcpy(*identity, assertion, id_len);
    (*identity)[id_len] = '\0';
    return NULL;
}

typedef enum {
    GEN_SIGN,         /* sets a signed assertion */
    GEN_FAIL,         /* rtc_identity_result_fail("idp-need-login", LOGIN_MESSAGE) */
    GEN_FAIL_NULLS,   /* rtc_identity_result_fail(NULL, NULL) */
    GEN_NOTHING,      /* returns without reporting anything */
    GEN_EMPTY,        /* sets an empty assertion */
    GEN_WRONG_SETTER, /* calls the validate-only rtc_identity_result_set_identity */
} gen_mode;

static const char LOGIN_MESSAGE[] = "log in at https://idp.example/login first";

/* The IdP's user_data. The strings are copies: the callback's arguments die
 * with the callback. */
typedef struct {
    const char *identity; /* who generate vouches for */
    gen_mode mode;
    rtc_pc *pc;           /* when set, generate reads its state (no lock is held) */
    int generate_calls, validate_calls;
    rtc_signaling_state state_in_generate;
    rtc_error_code setter_rc;
    char contents[512], origin[128], hint[128];
    char generated[1024]; /* the last assertion generate set */
    char validated[1024]; /* the last assertion validate was given */
    char validate_origin[128];
} idp_state;

static void idp_generate(const char *contents, const char *origin, const char *username_hint,
                         rtc_identity_result *result, void *user_data) {
    idp_state *s = user_data;
    s->generate_calls++;
    snprintf(s->contents, sizeof s->contents, "%s", contents ? contents : "(null)");
    snprintf(s->origin, sizeof s->origin, "%s", origin ? origin : "(null)");
    snprintf(s->hint, sizeof s->hint, "%s", username_hint ? username_hint : "(null)");
    if (s->pc) /* any rtc_* call is allowed here: no lock is held */
        s->state_in_generate = rtc_pc_signaling_state(s->pc);
    switch (s->mode) {
    case GEN_SIGN: {
        char *a = sign_assertion(SECRET, s->identity, contents);
        s->setter_rc = rtc_identity_result_set_assertion(result, a);
        snprintf(s->generated, sizeof s->generated, "%s", a ? a : "");
        free(a); /* copied by rtcpc: freed at once */
        break;
    }
    case GEN_FAIL:
        s->setter_rc = rtc_identity_result_fail(result, "idp-need-login", LOGIN_MESSAGE);
        break;
    case GEN_FAIL_NULLS:
        s->setter_rc = rtc_identity_result_fail(result, NULL, NULL);
        break;
    case GEN_NOTHING:
        s->setter_rc = RTC_OK;
        break;
    case GEN_EMPTY:
        s->setter_rc = rtc_identity_result_set_assertion(result, "");
        break;
    case GEN_WRONG_SETTER:
        s->setter_rc = rtc_identity_result_set_identity(result, s->identity, contents);
        break;
    }
}

static void idp_validate(const char *assertion, const char *origin, rtc_identity_result *result,
                         void *user_data) {
    idp_state *s = user_data;
    s->validate_calls++;
    snprintf(s->validated, sizeof s->validated, "%s", assertion ? assertion : "(null)");
    snprintf(s->validate_origin, sizeof s->validate_origin, "%s", origin ? origin : "(null)");
    char *identity, *contents;
    const char *why = verify_assertion(SECRET, assertion, &identity, &contents);
    if (why)
        s->setter_rc = rtc_identity_result_fail(result, "idp-token-invalid", why);
    else
        s->setter_rc = rtc_identity_result_set_identity(result, identity, contents);
    free(identity); /* copied by rtcpc */
    free(contents);
}

/* ------------------------------------------------------------ SDP helpers */

/* The value of the first line starting with `prefix` (malloc'ed), looking
 * only at the session level when session_only. */
static char *line_value(const char *sdp, const char *prefix, int session_only) {
    for (const char *line = sdp; line && *line;) {
        if (session_only && strncmp(line, "m=", 2) == 0)
            break;
        size_t len = strcspn(line, "\r\n");
        if (strncmp(line, prefix, strlen(prefix)) == 0) {
            size_t n = len - strlen(prefix);
            char *v = malloc(n + 1);
            if (v) {
                memcpy(v, line + strlen(prefix), n);
                v[n] = '\0';
            }
            return v;
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return NULL;
}

static int count_lines(const char *sdp, const char *prefix) {
    int n = 0;
    for (const char *line = sdp; line && *line;) {
        if (strncmp(line, prefix, strlen(prefix)) == 0)
            n++;
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return n;
}

/* A copy of `sdp`, line by line (CRLF kept): lines starting with `drop` are
 * left out, lines starting with `from` become `to` + CRLF, and `insert`
 * (a whole line, CRLF included) goes after the line starting with `after`.
 * Any of them may be NULL. */
static char *edit_sdp(const char *sdp, const char *drop, const char *from, const char *to,
                      const char *after, const char *insert) {
    size_t lines = (size_t)count_lines(sdp, "") + 1;
    size_t cap = strlen(sdp) + lines * (to ? strlen(to) + 2 : 0) + (insert ? strlen(insert) : 0) + 1;
    char *out = malloc(cap), *w = out;
    if (!out)
        return NULL;
    for (const char *line = sdp; *line;) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) + 1 : strlen(line);
        if (drop && strncmp(line, drop, strlen(drop)) == 0) {
            /* left out */
        } else if (from && strncmp(line, from, strlen(from)) == 0) {
            w += sprintf(w, "%s\r\n", to);
        } else {
            memcpy(w, line, n);
            w += n;
        }
        if (after && insert && strncmp(line, after, strlen(after)) == 0) {
            strcpy(w, insert);
            w += strlen(insert);
        }
        line += n;
    }
    *w = '\0';
    return out;
}

/* The Chrome offer with every a=fingerprint replaced by sha-256 `digest`
 * (NULL: kept) and, when identity_value is not NULL, "a=identity:" + it at
 * session level (after t=). */
static char *make_offer(const char *base, const char *digest, const char *identity_value) {
    char fp[256], *insert = NULL;
    if (digest)
        snprintf(fp, sizeof fp, "a=fingerprint:sha-256 %s", digest);
    if (identity_value) {
        insert = malloc(strlen(identity_value) + 16);
        if (!insert)
            return NULL;
        sprintf(insert, "a=identity:%s\r\n", identity_value);
    }
    char *out = edit_sdp(base, NULL, digest ? "a=fingerprint:" : NULL, digest ? fp : NULL, "t=",
                         insert);
    free(insert);
    return out;
}

/* The a=identity value RFC 8827 section 7 defines:
 * base64({"idp":{"domain":...,"protocol":"default"},"assertion":...}). */
static char *identity_attribute(const char *domain, const char *assertion) {
    size_t n = strlen(domain) + strlen(assertion) + 80;
    char *json = malloc(n);
    if (!json)
        return NULL;
    snprintf(json, n, "{\"idp\":{\"domain\":\"%s\",\"protocol\":\"default\"},\"assertion\":\"%s\"}",
             domain, assertion);
    char *b64 = base64_encode(json, strlen(json));
    free(json);
    return b64;
}

/* The contents rtcpc asks an IdP to sign for this sha-256 digest. */
static void contents_for(const char *digest, char *out, size_t cap) {
    snprintf(out, cap, "{\"fingerprint\":[{\"algorithm\":\"sha-256\",\"digest\":\"%s\"}]}", digest);
}

/* ------------------------------------------------------------- rtcpc calls */

static void outcome_reset(outcome *o) {
    free(o->sdp);
    memset(o, 0, sizeof *o);
}

static void on_description(const rtc_session_description *d, void *user_data) {
    outcome *o = user_data;
    o->successes++;
    free(o->sdp);
    o->sdp = dup_str(d->sdp); /* d->sdp dies with the callback */
}

static rtc_error_code srd(rtc_pc *pc, const char *sdp, outcome *o) {
    outcome_reset(o);
    rtc_session_description d = {RTC_SDP_TYPE_OFFER, sdp};
    return rtc_pc_set_remote_description(pc, &d, outcome_on_void, outcome_on_error, o);
}

static rtc_error_code create_answer(rtc_pc *pc, const rtc_answer_options *opts, outcome *o) {
    outcome_reset(o);
    return rtc_pc_create_answer(pc, on_description, outcome_on_error, opts, o);
}

static rtc_error_code sld_last_answer(rtc_pc *pc, outcome *o) {
    outcome_reset(o);
    rtc_session_description d = {RTC_SDP_TYPE_ANSWER, ""};
    return rtc_pc_set_local_description(pc, &d, outcome_on_void, outcome_on_error, o);
}

/* One success, no failure. */
#define EXPECT_OK(rc, o) expect_ok(__LINE__, rc, &(o))

static int expect_ok(int line, rtc_error_code rc, const outcome *o) {
    if (rc != RTC_OK || o->successes != 1 || o->failures != 0) {
        fprintf(stderr, "%s:%d: expected success; got rc %d, %d success / %d failure call(s): %s: %s\n",
                __FILE__, line, (int)rc, o->successes, o->failures, o->name, o->message);
        failures++;
        return 0;
    }
    return 1;
}

/* A connection with an IdP (when idp is not NULL) and a required peer
 * identity (when required is not NULL). The provider's strings live in a
 * buffer overwritten right after the call: rtcpc must have copied them. */
static rtc_pc *new_pc(idp_state *idp, const char *origin, const char *hint, const char *required) {
    rtc_configuration *cfg = rtc_configuration_new();
    if (!cfg)
        return NULL;
    if (idp) {
        char domain_buf[32], origin_buf[64];
        snprintf(domain_buf, sizeof domain_buf, "%s", "idp.example");
        snprintf(origin_buf, sizeof origin_buf, "%s", origin ? origin : "");
        rtc_identity_provider p = {
            .domain = domain_buf,
            .protocol = NULL, /* "default" */
            .origin = origin ? origin_buf : NULL,
            .username_hint = hint,
            .generate_assertion = idp_generate,
            .validate_assertion = idp_validate,
            .user_data = idp,
        };
        CHECK(rtc_configuration_set_identity_provider(cfg, &p) == RTC_OK);
        memset(domain_buf, 'X', sizeof domain_buf - 1);
        memset(origin_buf, 'X', sizeof origin_buf - 1);
    }
    if (required) {
        char *copy = dup_str(required);
        CHECK(rtc_configuration_set_peer_identity(cfg, copy) == RTC_OK);
        free(copy); /* copied */
    }
    rtc_pc *pc = rtc_pc_new(cfg);
    rtc_configuration_free(cfg); /* the connection keeps its own copy */
    CHECK(pc != NULL);
    return pc;
}

static char *report_of(const rtc_pc *pc) {
    size_t n = rtc_pc_negotiation_report(pc, NULL, 0);
    char *buf = malloc(n + 1);
    if (buf) {
        buf[0] = '\0';
        if (n)
            rtc_pc_negotiation_report(pc, buf, n + 1);
    }
    return buf;
}

static int same(const char *a, const char *b) {
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* ------------------------------------------------------------------ tests */

static void test_crypto(void) {
    uint8_t d[32];
    char hex[65];
    struct {
        const char *msg, *want;
    } sha[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    };
    for (size_t i = 0; i < sizeof sha / sizeof sha[0]; i++) {
        sha256(sha[i].msg, strlen(sha[i].msg), d);
        to_hex(d, 32, hex);
        CHECK_STR(hex, sha[i].want);
    }
    /* RFC 4231 test cases 1, 2 and 6 (a key longer than the block). */
    uint8_t key1[20], key6[131];
    memset(key1, 0x0b, sizeof key1);
    memset(key6, 0xaa, sizeof key6);
    hmac_sha256(key1, sizeof key1, "Hi There", 8, d);
    to_hex(d, 32, hex);
    CHECK_STR(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, d);
    to_hex(d, 32, hex);
    CHECK_STR(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    hmac_sha256(key6, sizeof key6, m6, strlen(m6), d);
    to_hex(d, 32, hex);
    CHECK_STR(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");

    /* RFC 4648 section 10. */
    const char *plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char *coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (size_t i = 0; i < 7; i++) {
        char *e = base64_encode(plain[i], strlen(plain[i]));
        char *back = base64_decode(coded[i], strlen(coded[i]));
        CHECK_STR(e, coded[i]);
        CHECK_STR(back, plain[i]);
        free(e);
        free(back);
    }
    char *bad = base64_decode("Zm9v!A==", 8);
    CHECK(bad == NULL);
    free(bad);

    /* The IdP's own round trip and its refusals. */
    char *a = sign_assertion(SECRET, "alice@idp.example", "{\"x\":1}");
    char *id, *contents;
    CHECK(a && verify_assertion(SECRET, a, &id, &contents) == NULL);
    CHECK_STR(id, "alice@idp.example");
    CHECK_STR(contents, "{\"x\":1}");
    free(id);
    free(contents);
    CHECK(verify_assertion("another secret", a, &id, &contents) != NULL && !id && !contents);
    a[0] = 'A'; /* Alice@...: the identity changed, the MAC did not */
    CHECK(verify_assertion(SECRET, a, &id, &contents) != NULL && !id && !contents);
    free(a);
}

/* The answer's digest and a=identity value, for the tests that follow. */
typedef struct {
    char *digest;
    char *identity_value;
    char *assertion;
} alice_answer;

static void test_round_trip(const char *chrome_offer, alice_answer *alice) {
    outcome o = {0};
    idp_state idp_a = {.identity = "alice@idp.example", .mode = GEN_SIGN};
    idp_state idp_b = {.identity = "bob@idp.example", .mode = GEN_SIGN};
    rtc_pc *a = new_pc(&idp_a, "https://alice.example", "alice", NULL);
    rtc_pc *b = new_pc(&idp_b, "https://bob.example", NULL, "alice@idp.example");
    if (!a || !b)
        goto done;
    idp_a.pc = a;

    /* A answers the Chrome offer: the IdP signs the contents once. */
    EXPECT_OK(srd(a, chrome_offer, &o), o);
    CHECK(rtc_pc_peer_identity(a) == NULL); /* the Chrome offer has no a=identity */
    CHECK(idp_a.validate_calls == 0);
    if (!EXPECT_OK(create_answer(a, NULL, &o), o))
        goto done;
    CHECK(idp_a.generate_calls == 1);
    CHECK(idp_a.setter_rc == RTC_OK);
    CHECK(idp_a.state_in_generate == RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);
    CHECK_STR(idp_a.origin, "https://alice.example");
    CHECK_STR(idp_a.hint, "alice");
    alice->digest = line_value(o.sdp, "a=fingerprint:sha-256 ", 0);
    CHECK(alice->digest != NULL);
    if (!alice->digest)
        goto done;
    char want_contents[256];
    contents_for(alice->digest, want_contents, sizeof want_contents);
    CHECK_STR(idp_a.contents, want_contents);

    /* One a=identity, at session level, as RFC 8827 section 7 writes it. */
    CHECK(count_lines(o.sdp, "a=identity:") == 1);
    alice->identity_value = line_value(o.sdp, "a=identity:", 1);
    CHECK(alice->identity_value != NULL);
    if (!alice->identity_value)
        goto done;
    char *json = base64_decode(alice->identity_value, strlen(alice->identity_value));
    CHECK_HAS(json, "\"domain\":\"idp.example\"");
    CHECK_HAS(json, "\"protocol\":\"default\"");
    char want_assertion[1100];
    snprintf(want_assertion, sizeof want_assertion, "\"assertion\":\"%s\"", idp_a.generated);
    CHECK_HAS(json, want_assertion);
    free(json);
    alice->assertion = dup_str(idp_a.generated);
    EXPECT_OK(sld_last_answer(a, &o), o);
    CHECK(rtc_pc_signaling_state(a) == RTC_SIGNALING_STATE_STABLE);

    /* B gets an offer with A's fingerprint and A's a=identity; it requires
     * alice@idp.example, validates with the same IdP and accepts. */
    char *offer_b = make_offer(chrome_offer, alice->digest, alice->identity_value);
    CHECK(offer_b && count_lines(offer_b, "a=fingerprint:sha-256 ") == 3);
    if (offer_b && EXPECT_OK(srd(b, offer_b, &o), o)) {
        CHECK(idp_b.validate_calls == 1);
        CHECK_STR(idp_b.validated, alice->assertion);
        CHECK_STR(idp_b.validate_origin, "https://bob.example");
        CHECK(idp_b.setter_rc == RTC_OK);
        const char *peer = rtc_pc_peer_identity(b);
        CHECK_STR(peer, "alice@idp.example");
        CHECK(rtc_pc_peer_identity(b) == peer); /* the same string until rtc_pc_free */
        CHECK(rtc_pc_signaling_state(b) == RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);

        /* B answers with its own assertion, which A's IdP would accept. */
        if (EXPECT_OK(create_answer(b, NULL, &o), o)) {
            CHECK(idp_b.generate_calls == 1);
            CHECK_STR(idp_b.hint, "(null)"); /* no username_hint configured */
            char *v = line_value(o.sdp, "a=identity:", 1);
            char *bjson = v ? base64_decode(v, strlen(v)) : NULL;
            CHECK_HAS(bjson, idp_b.generated);
            char *id = NULL, *contents = NULL;
            CHECK(verify_assertion(SECRET, idp_b.generated, &id, &contents) == NULL);
            CHECK_STR(id, "bob@idp.example");
            char *bdigest = line_value(o.sdp, "a=fingerprint:sha-256 ", 0);
            char bwant[256];
            contents_for(bdigest ? bdigest : "?", bwant, sizeof bwant);
            CHECK_STR(contents, bwant);
            CHECK(!same(bdigest, alice->digest)); /* each connection its own certificate */
            free(bdigest);
            free(id);
            free(contents);
            free(bjson);
            free(v);
            EXPECT_OK(sld_last_answer(b, &o), o);
            CHECK_STR(rtc_pc_peer_identity(b), "alice@idp.example");
        }
    }
    free(offer_b);

done:
    outcome_reset(&o);
    rtc_pc_free(a);
    rtc_pc_free(b);
}

/* One generate failure mode: NotReadableError, nothing changed, asked again
 * next time; then the IdP recovers, and later answers reuse the assertion. */
static void test_not_readable(const char *chrome_offer, gen_mode mode, const char *what) {
    outcome o = {0};
    idp_state idp = {.identity = "alice@idp.example", .mode = mode};
    rtc_pc *pc = new_pc(&idp, NULL, NULL, NULL);
    if (!pc)
        return;
    idp.pc = pc;
    fprintf(stderr, "not readable: %s\n", what);

    /* State errors come first: in stable the IdP is not asked. */
    EXPECT_FAILURE(create_answer(pc, NULL, &o), o, RTC_ERROR_INVALID_STATE, "InvalidStateError");
    CHECK(idp.generate_calls == 0);

    EXPECT_OK(srd(pc, chrome_offer, &o), o);
    CHECK(rtc_pc_add_track(pc, RTC_MEDIA_KIND_AUDIO, "a0", "s0") == RTC_OK);
    char *remote_before = description_text(pc, RTC_DESCRIPTION_REMOTE);
    char *report_before = report_of(pc);
    size_t transceivers_before = rtc_pc_transceiver_count(pc);
    rtc_transceiver_info info_before = {0}, info_after = {0};
    CHECK(rtc_pc_transceiver_info(pc, 0, &info_before) == RTC_OK);

    for (int attempt = 1; attempt <= 2; attempt++) {
        rtc_error_code rc = create_answer(pc, NULL, &o);
        EXPECT_FAILURE(rc, o, RTC_ERROR_NOT_READABLE, "NotReadableError");
        if (attempt == 1)
            fprintf(stderr, "  %s: %s\n", o.name, o.message);
        CHECK(o.sdp == NULL);
        CHECK(idp.generate_calls == attempt); /* asked again each time */
        CHECK(idp.state_in_generate == RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);
        if (mode == GEN_FAIL) {
            CHECK(idp.setter_rc == RTC_OK);
            CHECK_HAS(o.message, "idp-need-login");
            CHECK_HAS(o.message, LOGIN_MESSAGE);
        }
        if (mode == GEN_WRONG_SETTER) /* set_identity is for validate callbacks */
            CHECK(idp.setter_rc == RTC_ERROR_INVALID_STATE);
        /* Nothing changed. */
        CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);
        CHECK(rtc_pc_description(pc, RTC_DESCRIPTION_LOCAL, NULL, NULL, 0) == 0);
        char *remote_after = description_text(pc, RTC_DESCRIPTION_REMOTE);
        char *report_after = report_of(pc);
        CHECK(remote_after && same(remote_before, remote_after));
        CHECK(same(report_before, report_after));
        CHECK(rtc_pc_negotiation_report(pc, NULL, 0) == 0); /* no answer was created */
        CHECK(rtc_pc_transceiver_count(pc) == transceivers_before);
        CHECK(rtc_pc_transceiver_info(pc, 0, &info_after) == RTC_OK);
        /* Field by field: a struct's padding bytes are unspecified, so memcmp would read them. */
        CHECK(info_before.kind == info_after.kind && info_before.direction == info_after.direction &&
              info_before.current_direction == info_after.current_direction &&
              info_before.stopped == info_after.stopped && info_before.has_track == info_after.has_track);
        free(remote_after);
        free(report_after);
    }
    /* There is no answer to apply. */
    CHECK(sld_last_answer(pc, &o) != RTC_OK && o.successes == 0 && o.failures == 1);
    CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);

    /* The IdP recovers (the user logged in): the next createAnswer asks again. */
    idp.mode = GEN_SIGN;
    if (EXPECT_OK(create_answer(pc, NULL, &o), o)) {
        CHECK(idp.generate_calls == 3);
        char *first = line_value(o.sdp, "a=identity:", 1);
        CHECK(first != NULL);
        CHECK(rtc_pc_negotiation_report(pc, NULL, 0) > 0);
        /* Later answers reuse the assertion without asking. */
        idp.mode = GEN_FAIL;
        if (EXPECT_OK(create_answer(pc, NULL, &o), o)) {
            char *second = line_value(o.sdp, "a=identity:", 1);
            CHECK(first && same(first, second));
            free(second);
        }
        CHECK(idp.generate_calls == 3);
        EXPECT_OK(sld_last_answer(pc, &o), o);
        CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_STABLE);
        /* And so does the answer to a later offer on the connection. */
        EXPECT_OK(srd(pc, chrome_offer, &o), o);
        if (EXPECT_OK(create_answer(pc, NULL, &o), o)) {
            char *third = line_value(o.sdp, "a=identity:", 1);
            CHECK(first && same(first, third));
            free(third);
        }
        CHECK(idp.generate_calls == 3);
        free(first);
    }
    free(remote_before);
    free(report_before);
    outcome_reset(&o);
    rtc_pc_free(pc);
}

/* One setRemoteDescription case on a fresh connection with and without a
 * required peer identity. want_identity: the peer identity without the
 * requirement (NULL: none); required_ok: whether it passes with `required`. */
static void validation_case(const char *what, const char *offer, const char *required,
                            int required_ok, const char *want_identity, int want_validate_calls,
                            const char *want_in_message) {
    outcome o = {0};
    fprintf(stderr, "validation: %s\n", what);
    if (!offer) {
        CHECK(offer != NULL);
        return;
    }
    /* Without a required identity: always applied. */
    idp_state idp = {.identity = "bob@idp.example", .mode = GEN_SIGN};
    rtc_pc *pc = new_pc(&idp, NULL, NULL, NULL);
    if (pc) {
        EXPECT_OK(srd(pc, offer, &o), o);
        CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);
        CHECK(same(rtc_pc_peer_identity(pc), want_identity));
        if (!same(rtc_pc_peer_identity(pc), want_identity))
            fprintf(stderr, "  peer identity \"%s\", want \"%s\"\n",
                    rtc_pc_peer_identity(pc) ? rtc_pc_peer_identity(pc) : "(null)",
                    want_identity ? want_identity : "(null)");
        CHECK(idp.validate_calls == want_validate_calls);
        EXPECT_OK(create_answer(pc, NULL, &o), o); /* and answerable */
        rtc_pc_free(pc);
    }

    /* With one: refused unless it is proven, and nothing changes. */
    idp_state idp2 = {.identity = "bob@idp.example", .mode = GEN_SIGN};
    pc = new_pc(&idp2, NULL, NULL, required);
    if (pc) {
        rtc_error_code rc = srd(pc, offer, &o);
        CHECK(idp2.validate_calls == want_validate_calls);
        if (required_ok) {
            EXPECT_OK(rc, o);
            CHECK_STR(rtc_pc_peer_identity(pc), required);
        } else {
            EXPECT_FAILURE(rc, o, RTC_ERROR_OPERATION, "OperationError");
            fprintf(stderr, "  required %s: %s: %s\n", required, o.name, o.message);
            if (want_in_message)
                CHECK_HAS(o.message, want_in_message);
            CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_STABLE);
            CHECK(rtc_pc_description(pc, RTC_DESCRIPTION_REMOTE, NULL, NULL, 0) == 0);
            CHECK(rtc_pc_transceiver_count(pc) == 0);
            CHECK(rtc_pc_peer_identity(pc) == NULL);
        }
        rtc_pc_free(pc);
    }
    outcome_reset(&o);
}

static void test_validation(const char *chrome_offer, const alice_answer *alice) {
    const char *alice_id = "alice@idp.example";
    char *chrome_fp = line_value(chrome_offer, "a=fingerprint:sha-256 ", 0);
    char chrome_contents[256];
    contents_for(chrome_fp ? chrome_fp : "?", chrome_contents, sizeof chrome_contents);

    /* Success: A's real assertion with A's fingerprint. */
    char *good = make_offer(chrome_offer, alice->digest, alice->identity_value);
    validation_case("success", good, alice_id, 1, alice_id, 1, NULL);

    /* Fingerprint mismatch: A's genuine a=identity replayed onto an offer
     * with another fingerprint (Chrome's): the IdP validates it (alice), but
     * its contents do not cover the offer's fingerprint. */
    char *replayed = make_offer(chrome_offer, NULL, alice->identity_value);
    validation_case("fingerprint mismatch", replayed, alice_id, 0, NULL, 1, "fingerprint");

    /* Required-identity mismatch: eve, validly signed over the offer's own
     * fingerprint. Without a requirement eve is the peer identity. */
    char *eve_a = sign_assertion(SECRET, "eve@idp.example", chrome_contents);
    char *eve_v = eve_a ? identity_attribute("idp.example", eve_a) : NULL;
    char *eve = eve_v ? make_offer(chrome_offer, NULL, eve_v) : NULL;
    validation_case("required identity mismatch", eve, alice_id, 0, "eve@idp.example", 1,
                    "eve@idp.example");
    validation_case("eve required and proven", eve, "eve@idp.example", 1, "eve@idp.example", 1,
                    NULL);

    /* An identity of another domain than the IdP's in a=identity. */
    char *dom_a = sign_assertion(SECRET, "alice@evil.example", chrome_contents);
    char *dom_v = dom_a ? identity_attribute("idp.example", dom_a) : NULL;
    char *dom = dom_v ? make_offer(chrome_offer, NULL, dom_v) : NULL;
    validation_case("identity not of the IdP's domain", dom, "alice@evil.example", 0, NULL, 1,
                    "domain");

    /* Tampered assertions: the IdP's HMAC check refuses them. */
    char *t1 = dup_str(alice->assertion), *t2 = dup_str(alice->assertion);
    char *t3 = NULL;
    if (t1)
        memcpy(t1, "carol", 5); /* alice@ -> carol@, MAC unchanged */
    if (t2) {
        char *last = t2 + strlen(t2) - 1;
        *last = *last == '0' ? '1' : '0'; /* one MAC digit */
    }
    {
        /* The contents swapped for ones naming the offer's fingerprint. */
        char *b64 = base64_encode(chrome_contents, strlen(chrome_contents));
        const char *bar2 = alice->assertion ? strrchr(alice->assertion, '|') : NULL;
        if (b64 && bar2) {
            size_t n = strlen("alice@idp.example|") + strlen(b64) + strlen(bar2) + 1;
            t3 = malloc(n);
            if (t3)
                snprintf(t3, n, "alice@idp.example|%s%s", b64, bar2);
        }
        free(b64);
    }
    char *tampered[3] = {t1, t2, t3};
    const char *tamper_what[3] = {"tampered: identity changed", "tampered: MAC digit changed",
                                  "tampered: contents swapped"};
    for (int i = 0; i < 3; i++) {
        char *v = tampered[i] ? identity_attribute("idp.example", tampered[i]) : NULL;
        char *offer = v ? make_offer(chrome_offer, i == 2 ? NULL : alice->digest, v) : NULL;
        validation_case(tamper_what[i], offer, alice_id, 0, NULL, 1, "idp-token-invalid");
        free(v);
        free(offer);
        free(tampered[i]);
    }

    /* No a=identity at all, and one that is not base64 JSON: the IdP is not asked. */
    validation_case("no a=identity", chrome_offer, alice_id, 0, NULL, 0, NULL);
    char *garbage = make_offer(chrome_offer, NULL, "!!!not-base64!!!");
    validation_case("malformed a=identity", garbage, alice_id, 0, NULL, 0, NULL);

    /* On one connection requiring alice: refusals leave it usable, the good
     * offer is then accepted, and a later offer proving someone else is
     * refused (the peer identity never changes). */
    {
        outcome o = {0};
        idp_state idp = {.identity = "bob@idp.example", .mode = GEN_SIGN};
        rtc_pc *pc = new_pc(&idp, NULL, NULL, alice_id);
        if (pc) {
            const char *bad[] = {replayed, eve, chrome_offer};
            for (int i = 0; i < 3; i++) {
                if (!bad[i])
                    continue;
                EXPECT_FAILURE(srd(pc, bad[i], &o), o, RTC_ERROR_OPERATION, "OperationError");
                CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_STABLE);
            }
            if (good && EXPECT_OK(srd(pc, good, &o), o)) {
                CHECK_STR(rtc_pc_peer_identity(pc), alice_id);
                char *remote = description_text(pc, RTC_DESCRIPTION_REMOTE);
                /* A replacing offer proving eve: refused, the pending offer stays. */
                if (eve)
                    EXPECT_FAILURE(srd(pc, eve, &o), o, RTC_ERROR_OPERATION, "OperationError");
                CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);
                char *remote2 = description_text(pc, RTC_DESCRIPTION_REMOTE);
                CHECK(remote && same(remote, remote2));
                CHECK_STR(rtc_pc_peer_identity(pc), alice_id);
                EXPECT_OK(create_answer(pc, NULL, &o), o);
                EXPECT_OK(sld_last_answer(pc, &o), o);
                free(remote);
                free(remote2);
            }
            rtc_pc_free(pc);
        }
        /* Without a requirement, a changed identity is refused as well. */
        idp_state idp2 = {.identity = "bob@idp.example", .mode = GEN_SIGN};
        pc = new_pc(&idp2, NULL, NULL, NULL);
        if (pc && good && eve) {
            EXPECT_OK(srd(pc, good, &o), o);
            EXPECT_FAILURE(srd(pc, eve, &o), o, RTC_ERROR_OPERATION, "OperationError");
            CHECK_STR(rtc_pc_peer_identity(pc), alice_id);
            CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);
            /* An offer without a=identity keeps the identity it had. */
            EXPECT_OK(srd(pc, chrome_offer, &o), o);
            CHECK_STR(rtc_pc_peer_identity(pc), alice_id);
        }
        rtc_pc_free(pc);
        outcome_reset(&o);
    }

    /* A connection without an IdP cannot validate: with a requirement the
     * offer is refused, without one it is applied with no peer identity. */
    {
        outcome o = {0};
        rtc_pc *pc = new_pc(NULL, NULL, NULL, alice_id);
        if (pc && good) {
            EXPECT_FAILURE(srd(pc, good, &o), o, RTC_ERROR_OPERATION, "OperationError");
            CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_STABLE);
        }
        rtc_pc_free(pc);
        pc = new_pc(NULL, NULL, NULL, NULL);
        if (pc && good) {
            EXPECT_OK(srd(pc, good, &o), o);
            CHECK(rtc_pc_peer_identity(pc) == NULL);
            if (EXPECT_OK(create_answer(pc, NULL, &o), o))
                CHECK(count_lines(o.sdp, "a=identity:") == 0); /* no IdP, no assertion */
        }
        rtc_pc_free(pc);
        outcome_reset(&o);
    }

    free(garbage);
    free(dom);
    free(dom_v);
    free(dom_a);
    free(eve);
    free(eve_v);
    free(eve_a);
    free(replayed);
    free(good);
    free(chrome_fp);
}

static void test_api_misuse(void) {
    rtc_configuration *cfg = rtc_configuration_new();
    idp_state idp = {.identity = "alice@idp.example"};
    rtc_identity_provider p = {"idp.example", NULL, NULL, NULL, idp_generate, NULL, &idp};
    CHECK(rtc_configuration_set_identity_provider(NULL, &p) == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_configuration_set_identity_provider(cfg, NULL) == RTC_ERROR_INVALID_ARGUMENT);
    p.domain = NULL;
    CHECK(rtc_configuration_set_identity_provider(cfg, &p) == RTC_ERROR_INVALID_ARGUMENT);
    p.domain = "";
    CHECK(rtc_configuration_set_identity_provider(cfg, &p) == RTC_ERROR_INVALID_ARGUMENT);
    p.domain = "idp.example";
    p.generate_assertion = NULL;
    CHECK(rtc_configuration_set_identity_provider(cfg, &p) == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_configuration_set_peer_identity(cfg, NULL) == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_configuration_set_peer_identity(NULL, "alice@idp.example") ==
          RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_identity_result_set_assertion(NULL, "x") == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_identity_result_set_identity(NULL, "a@b", "{}") == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_identity_result_fail(NULL, NULL, NULL) == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_pc_peer_identity(NULL) == NULL);
    rtc_configuration_free(cfg);
}

/* `answer` with its o= line's version (third field) replaced by "V". */
static char *without_origin_version(const char *answer) {
    char *o = line_value(answer, "o=", 1);
    if (!o)
        return NULL;
    char *sp1 = strchr(o, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    char *sp3 = sp2 ? strchr(sp2 + 1, ' ') : NULL;
    char *out = NULL;
    if (sp3) {
        char line[256];
        snprintf(line, sizeof line, "o=%.*s V%s", (int)(sp2 - o), o, sp3);
        out = edit_sdp(answer, NULL, "o=", line, NULL, NULL);
    }
    free(o);
    return out;
}

/* The m=audio line's payload types and the rtpmap of `pt` removed. */
static char *without_payload(const char *answer, const char *pt) {
    char *m = line_value(answer, "m=audio ", 0);
    char drop[32], token[16];
    snprintf(drop, sizeof drop, "a=rtpmap:%s ", pt);
    snprintf(token, sizeof token, " %s", pt);
    char *out = NULL;
    if (m) {
        char line[512];
        snprintf(line, sizeof line, "m=audio %s", m);
        /* remove the token as a whole word */
        for (char *at = strstr(line, token); at; at = strstr(at + 1, token)) {
            if (at[strlen(token)] == ' ' || at[strlen(token)] == '\0') {
                memmove(at, at + strlen(token), strlen(at + strlen(token)) + 1);
                break;
            }
        }
        char *tmp = edit_sdp(answer, drop, "m=audio ", line, NULL, NULL);
        out = tmp;
    }
    free(m);
    return out;
}

static int has_cn(const char *sdp) { return sdp && strstr(sdp, " CN/") != NULL; }

static void test_answer_options(const char *chrome_offer) {
    rtc_answer_options opts;
    memset(&opts, 0xA5, sizeof opts);
    rtc_answer_options_init(&opts);
    CHECK(opts.voice_activity_detection == true);
    CHECK(opts.ice_restart == false);
    CHECK(opts.offer_to_receive_audio == 0);
    CHECK(opts.offer_to_receive_video == 0);
    rtc_answer_options_init(NULL); /* ignored */

    outcome o = {0};
    rtc_pc *pc = new_pc(NULL, NULL, NULL, NULL);
    if (!pc)
        return;
    CHECK(has_cn(chrome_offer)); /* Chrome offers CN/8000 as payload type 13 */
    EXPECT_OK(srd(pc, chrome_offer, &o), o);
    CHECK(rtc_pc_add_track(pc, RTC_MEDIA_KIND_AUDIO, "a0", "s0") == RTC_OK);

    EXPECT_OK(create_answer(pc, NULL, &o), o); /* NULL: the defaults */
    char *with_null = o.sdp;
    o.sdp = NULL;
    EXPECT_OK(create_answer(pc, &opts, &o), o);
    char *with_vad = o.sdp;
    o.sdp = NULL;
    rtc_answer_options legacy = opts;
    legacy.ice_restart = true;
    legacy.offer_to_receive_audio = 3;
    legacy.offer_to_receive_video = -1;
    EXPECT_OK(create_answer(pc, &legacy, &o), o);
    char *with_legacy = o.sdp;
    o.sdp = NULL;
    rtc_answer_options no_vad = opts;
    no_vad.voice_activity_detection = false;
    EXPECT_OK(create_answer(pc, &no_vad, &o), o);
    char *without_vad = o.sdp;
    o.sdp = NULL;
    rtc_answer_options legacy_no_vad = legacy;
    legacy_no_vad.voice_activity_detection = false;
    EXPECT_OK(create_answer(pc, &legacy_no_vad, &o), o);
    char *legacy_without_vad = o.sdp;
    o.sdp = NULL;

    /* With VAD (and by default) CN is answered where offered. */
    CHECK_HAS(with_vad, "a=rtpmap:13 CN/8000\r\n");
    char *m_vad = with_vad ? line_value(with_vad, "m=audio ", 0) : NULL;
    CHECK_HAS(m_vad, " 13");
    free(m_vad);
    CHECK_HAS(with_null, "a=rtpmap:13 CN/8000\r\n");
    /* Without, there is no CN, and that is the only difference. */
    CHECK(without_vad && !has_cn(without_vad));
    CHECK(legacy_without_vad && !has_cn(legacy_without_vad));
    char *m_novad = without_vad ? line_value(without_vad, "m=audio ", 0) : NULL;
    CHECK(m_novad && !strstr(m_novad, " 13 ") && strcmp(m_novad + strlen(m_novad) - 3, " 13") != 0);
    free(m_novad);

    char *n_null = without_origin_version(with_null), *n_vad = without_origin_version(with_vad);
    char *n_legacy = without_origin_version(with_legacy);
    char *n_novad = without_origin_version(without_vad);
    char *n_legacy_novad = without_origin_version(legacy_without_vad);
    char *n_vad_minus_cn = n_vad ? without_payload(n_vad, "13") : NULL;
    CHECK(n_null && n_vad && same(n_null, n_vad));
    /* The legacy members change nothing (all but o='s version is identical). */
    CHECK(n_legacy && same(n_vad, n_legacy));
    if (!same(n_vad, n_legacy))
        fprintf(stderr, "answer with the legacy members set:\n%s\nwithout:\n%s\n",
                with_legacy ? with_legacy : "(null)", with_vad ? with_vad : "(null)");
    CHECK(n_legacy_novad && same(n_novad, n_legacy_novad));
    CHECK(n_vad_minus_cn && same(n_vad_minus_cn, n_novad));
    if (!same(n_vad_minus_cn, n_novad))
        fprintf(stderr, "answer without VAD:\n%s\nwith VAD less CN:\n%s\n",
                n_novad ? n_novad : "(null)", n_vad_minus_cn ? n_vad_minus_cn : "(null)");
    /* The session id stays, whatever the options. */
    char *o1 = line_value(with_vad, "o=", 1), *o2 = line_value(with_legacy, "o=", 1);
    CHECK(o1 && o2 && strncmp(o1, o2, (size_t)(strchr(o1 + 2, ' ') - o1)) == 0);
    free(o1);
    free(o2);

    /* Applying the answer without VAD negotiates no CN. */
    EXPECT_OK(sld_last_answer(pc, &o), o);
    rtc_negotiation *n = rtc_pc_negotiation(pc);
    CHECK(n != NULL);
    const rtc_negotiated_section *audio = rtc_negotiation_section(n, 0);
    CHECK(audio && strcmp(audio->media, "audio") == 0 && audio->accepted && audio->codec_count > 0);
    for (size_t i = 0; audio && i < audio->codec_count; i++)
        CHECK(strcmp(audio->codecs[i].name, "CN") != 0);
    rtc_negotiation_free(n);

    /* And a later answer with VAD on the same connection has CN again. */
    EXPECT_OK(srd(pc, chrome_offer, &o), o);
    EXPECT_OK(create_answer(pc, &opts, &o), o);
    CHECK_HAS(o.sdp, "a=rtpmap:13 CN/8000\r\n");
    EXPECT_OK(sld_last_answer(pc, &o), o);
    n = rtc_pc_negotiation(pc);
    audio = rtc_negotiation_section(n, 0);
    int cn = 0;
    for (size_t i = 0; audio && i < audio->codec_count; i++)
        cn += strcmp(audio->codecs[i].name, "CN") == 0;
    CHECK(cn == 1);
    rtc_negotiation_free(n);

    free(n_null);
    free(n_vad);
    free(n_legacy);
    free(n_novad);
    free(n_legacy_novad);
    free(n_vad_minus_cn);
    free(with_null);
    free(with_vad);
    free(with_legacy);
    free(without_vad);
    free(legacy_without_vad);
    outcome_reset(&o);
    rtc_pc_free(pc);
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : RTCPC_DEFAULT_OFFER;
    char *chrome_offer = read_file(path);
    if (!chrome_offer) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }

    test_crypto();
    if (failures) { /* the IdP's crypto must be right before it proves anything */
        fprintf(stderr, "identity: the IdP's SHA-256/HMAC/base64 failed their test vectors\n");
        free(chrome_offer);
        return 1;
    }
    test_api_misuse();
    alice_answer alice = {0};
    test_round_trip(chrome_offer, &alice);
    test_not_readable(chrome_offer, GEN_FAIL, "rtc_identity_result_fail(\"idp-need-login\", msg)");
    test_not_readable(chrome_offer, GEN_FAIL_NULLS, "rtc_identity_result_fail(NULL, NULL)");
    test_not_readable(chrome_offer, GEN_NOTHING, "nothing reported");
    test_not_readable(chrome_offer, GEN_EMPTY, "empty assertion");
    test_not_readable(chrome_offer, GEN_WRONG_SETTER, "set_identity from generate");
    if (alice.digest && alice.identity_value && alice.assertion)
        test_validation(chrome_offer, &alice);
    else
        CHECK(!"the round trip gave no answer to build the validation cases on");
    test_answer_options(chrome_offer);

    free(alice.digest);
    free(alice.identity_value);
    free(alice.assertion);
    free(chrome_offer);
    if (failures) {
        fprintf(stderr, "identity: %d check(s) failed\n", failures);
        return 1;
    }
    printf("identity: all checks passed\n");
    return 0;
}
