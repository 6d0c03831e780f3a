/*
 * Identity assertions (issue 7; W3C "Identity for WebRTC 1.0", RFC 8827
 * section 7) and createAnswer's options, end to end from C.
 *
 * The identity provider (IdP) here is real in the one way that matters for
 * the round trip: it signs the contents rtcpc hands it with HMAC-SHA256 under
 * a secret shared by every IdP instance, and its validate callback recomputes
 * the HMAC, so a tampered assertion is refused by the IdP itself.
 *
 * Libraries: rtcpc (the connections, include/rtcpc.h) and OpenSSL's libcrypto
 * for the IdP: HMAC() for HMAC-SHA256, EVP_EncodeBlock/EVP_DecodeBlock for
 * base64 and CRYPTO_memcmp for the constant-time MAC check (CMake:
 * find_package(OpenSSL), OpenSSL::Crypto; Debian: libssl-dev). The IdP's use
 * of them is checked against published test vectors before anything else runs.
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

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h> /* CRYPTO_memcmp */
#include <openssl/evp.h>    /* EVP_sha256, EVP_EncodeBlock, EVP_DecodeBlock */
#include <openssl/hmac.h>   /* HMAC */

#include "rtcpc.h"
#include "check.h"

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

/* ----------------------------------------------------- HMAC, hex and base64 */
/* HMAC-SHA256 and base64 are OpenSSL's (libcrypto); only hex is done here. */

/* RFC 2104 HMAC with SHA-256: 1, or 0 when OpenSSL fails. */
static int hmac_sha256(const void *key, size_t key_len, const void *msg, size_t msg_len,
                       uint8_t out[32]) {
    unsigned int out_len = 0;
    if (key_len > INT_MAX)
        return 0;
    return HMAC(EVP_sha256(), key, (int)key_len, msg, msg_len, out, &out_len) != NULL &&
           out_len == 32;
}

static void to_hex(const uint8_t *p, size_t n, char *out /* 2n+1 */) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* RFC 4648 section 4 base64, with padding, no line breaks: what
 * EVP_EncodeBlock writes. Results are malloc'ed; the caller frees. */

static char *base64_encode(const void *data, size_t n) {
    if (n > INT_MAX / 4 * 3)
        return NULL;
    char *out = malloc(4 * ((n + 2) / 3) + 1);
    if (out) /* writes the terminating NUL too */
        EVP_EncodeBlock((unsigned char *)out, data, (int)n);
    return out;
}

/* Decodes `n` characters of base64 into a NUL-terminated string; NULL when
 * they are not base64 or decode to a NUL byte. EVP_DecodeBlock is lenient
 * where an IdP should not be (it skips surrounding whitespace and reads '='
 * anywhere as zero bits) and its length counts the padding, so the form is
 * checked and the padding counted here first. */
static char *base64_decode(const char *s, size_t n) {
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (n % 4 != 0 || n > INT_MAX)
        return NULL;
    size_t pad = n > 0 && s[n - 1] == '=' ? 1 + (s[n - 2] == '=') : 0;
    for (size_t i = 0; i < n - pad; i++)
        if (!s[i] || !strchr(alphabet, s[i]))
            return NULL;
    char *out = malloc(n / 4 * 3 + 1);
    if (!out)
        return NULL;
    int got = EVP_DecodeBlock((unsigned char *)out, (const unsigned char *)s, (int)n);
    if (got < 0 || memchr(out, '\0', (size_t)got - pad)) {
        free(out);
        return NULL;
    }
    out[(size_t)got - pad] = '\0';
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
    free(b64);
    uint8_t mac[32];
    if (!hmac_sha256(secret, strlen(secret), out, n, mac)) {
        free(out);
        return NULL;
    }
    out[n] = '|';
    to_hex(mac, 32, out + n + 1);
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
    if (!hmac_sha256(secret, strlen(secret), assertion, (size_t)(bar2 - assertion), mac))
        return "the IdP could not compute the HMAC";
    to_hex(mac, 32, want);
    if (CRYPTO_memcmp(want, bar2 + 1, 64) != 0) /* constant time, as a real IdP would */
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
    /* RFC 4231 test cases 1, 2 and 6 (a key longer than the block). */
    uint8_t key1[20], key6[131];
    memset(key1, 0x0b, sizeof key1);
    memset(key6, 0xaa, sizeof key6);
    CHECK(hmac_sha256(key1, sizeof key1, "Hi There", 8, d));
    to_hex(d, 32, hex);
    CHECK_STR(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK(hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, d));
    to_hex(d, 32, hex);
    CHECK_STR(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    CHECK(hmac_sha256(key6, sizeof key6, m6, strlen(m6), d));
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
    /* Refused: a character outside the alphabet, '=' before the end, a length
     * that is not a multiple of 4, whitespace, a NUL byte decoded. */
    const char *bad[] = {"Zm9v!A==", "Zm=v", "Zg=A", "Zm9vY", " Zm9", "Zm9v\n   ", "AA=="};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *b = base64_decode(bad[i], strlen(bad[i]));
        if (b)
            fprintf(stderr, "base64_decode accepted \"%s\"\n", bad[i]);
        CHECK(b == NULL);
        free(b);
    }

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
    /* No answer was created: setLocalDescription creates one (W3C), so it
     * asks the IdP too, which still cannot sign. */
    CHECK(sld_last_answer(pc, &o) == RTC_ERROR_NOT_READABLE && o.successes == 0 &&
          o.failures == 1);
    CHECK(idp.generate_calls == 3);
    CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);

    /* The IdP recovers (the user logged in): the next createAnswer asks again. */
    idp.mode = GEN_SIGN;
    if (EXPECT_OK(create_answer(pc, NULL, &o), o)) {
        CHECK(idp.generate_calls == 4);
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
        CHECK(idp.generate_calls == 4);
        EXPECT_OK(sld_last_answer(pc, &o), o);
        CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_STABLE);
        /* And so does the answer to a later offer on the connection. */
        EXPECT_OK(srd(pc, chrome_offer, &o), o);
        if (EXPECT_OK(create_answer(pc, NULL, &o), o)) {
            char *third = line_value(o.sdp, "a=identity:", 1);
            CHECK(first && same(first, third));
            free(third);
        }
        CHECK(idp.generate_calls == 4);
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
        fprintf(stderr, "identity: the IdP's HMAC/base64 failed their test vectors\n");
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
