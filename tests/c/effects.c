/*
 * The effect of each configuration and transceiver call on the answer: every
 * check answers a real offer with and without the call and compares the
 * answer's SDP text and what rtc_pc_negotiation reports, so a call that did
 * nothing (or the wrong thing) fails a check. Covered:
 *   rtc_configuration_set_codecs, rtc_configuration_set_header_extensions,
 *   rtc_configuration_generate_shared_certificate,
 *   rtc_configuration_set_certificate_pem, rtc_configuration_set_ice_credentials,
 *   rtc_pc_add_transceiver, rtc_pc_transceiver_set_direction,
 *   rtc_pc_transceiver_stop, rtc_pc_transceiver_set_codec_preferences,
 *   rtc_pc_transceiver_index, rtc_pc_add_ice_candidate,
 *   rtc_pc_add_local_candidate, rtc_negotiation_dtls_role, rtc_version,
 *   rtc_configuration_set_dtls_role, rtc_negotiation_ice_role,
 *   rtc_pc_certificate_pem and the local_* fields of rtc_negotiated_section,
 *   rtc_offer_options_init, rtc_pc_create_offer, rtc_pc_request_data_channels,
 *   rtc_pc_set_negotiation_needed_callback, rtc_pc_negotiation_needed,
 *   rtc_configuration_set_bundle_policy.
 *
 * Offers: the Chromium 156 offer (mids 0 audio, 1 video, 2 data, one BUNDLE
 * group, a=setup:actpass) and the Firefox 84 video offer from
 * c_examples/offers/, and variants of the Chromium one made here by editing
 * its text.
 *
 * At the end, the checks that found bugs in rtcpc (fixed since), each with
 * what it documents.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtcpc.h"
#include "check.h"

/* ---------------------------------------------------------- SDP text helpers */

/* A malloc'd copy of m-section `index` of sdp (from its m= line to the next
 * one), or of the session part for index -1; NULL when there is none. */
static char *section(const char *sdp, int index) {
    if (!sdp)
        return NULL;
    const char *start = sdp;
    if (index >= 0) {
        start = strncmp(sdp, "m=", 2) == 0 ? sdp : strstr(sdp, "\nm=");
        for (int i = 0; start && i < index; i++)
            start = strstr(start + 1, "\nm=");
        if (!start)
            return NULL;
        if (*start == '\n')
            start++;
    }
    const char *end = strstr(index >= 0 ? start + 1 : start, "\nm=");
    size_t n = end ? (size_t)(end - start) + 1 : strlen(start);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    memcpy(out, start, n);
    out[n] = '\0';
    return out;
}

/* Whether text has a line that is exactly `line` (CRLF or LF endings). */
static int has_line(const char *text, const char *line) {
    if (!text)
        return 0;
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, line)) != NULL; p++) {
        int at_start = p == text || p[-1] == '\n';
        int at_end = p[n] == '\0' || p[n] == '\n' || (p[n] == '\r' && p[n + 1] == '\n');
        if (at_start && at_end)
            return 1;
    }
    return 0;
}

/* How many lines of text start with prefix. */
static int count_lines(const char *text, const char *prefix) {
    int n = 0;
    if (!text)
        return 0;
    for (const char *line = text; *line;) {
        if (strncmp(line, prefix, strlen(prefix)) == 0)
            n++;
        const char *end = strchr(line, '\n');
        if (!end)
            break;
        line = end + 1;
    }
    return n;
}

/* Position of the line `line` in text, or -1 (to check the order of lines). */
static long line_pos(const char *text, const char *line) {
    if (!text)
        return -1;
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
        if ((p == text || p[-1] == '\n') && (p[n] == '\r' || p[n] == '\n' || p[n] == '\0'))
            return (long)(p - text);
    return -1;
}

/* ------------------------------------------------------- checks with output */

/* Checks that m-section `index` of sdp has the line `line` (or, with want 0,
 * does not); on failure prints the section. */
#define EXPECT_LINE(sdp, index, line) expect_line(__FILE__, __LINE__, sdp, index, line, 1)
#define EXPECT_NO_LINE(sdp, index, line) expect_line(__FILE__, __LINE__, sdp, index, line, 0)

static void expect_line(const char *file, int line_no, const char *sdp, int index,
                        const char *line, int want) {
    char *s = section(sdp, index);
    if (has_line(s, line) != want) {
        fprintf(stderr, "%s:%d: m-section %d %s the line \"%s\":\n%s\n", file, line_no, index,
                want ? "lacks" : "has", line, s ? s : "(no such section)");
        failures++;
    }
    free(s);
}

/* Checks the m= line of m-section `index` of sdp. */
#define EXPECT_MLINE(sdp, index, want) expect_mline(__FILE__, __LINE__, sdp, index, want)

static void expect_mline(const char *file, int line_no, const char *sdp, int index,
                         const char *want) {
    char *s = section(sdp, index);
    size_t n = s ? strcspn(s, "\r\n") : 0;
    if (!s || strlen(want) != n || strncmp(s, want, n) != 0) {
        fprintf(stderr, "%s:%d: m-section %d: \"%.*s\", expected \"%s\"\n", file, line_no, index,
                (int)n, s ? s : "", want);
        failures++;
    }
    free(s);
}

/* How many lines of m-section `index` start with prefix. */
static int section_count(const char *sdp, int index, const char *prefix) {
    char *s = section(sdp, index);
    int n = count_lines(s, prefix);
    free(s);
    return n;
}

/* Checks the payload types a negotiated section reports, in order. */
#define EXPECT_PTS(sec, ...)                                                                  \
    expect_pts(__FILE__, __LINE__, sec, (const int[]){__VA_ARGS__},                           \
               sizeof((const int[]){__VA_ARGS__}) / sizeof(int))

static void expect_pts(const char *file, int line_no, const rtc_negotiated_section *sec,
                       const int *pts, size_t n) {
    int ok = sec && sec->codec_count == n;
    for (size_t i = 0; ok && i < n; i++)
        ok = sec->codecs[i].payload_type == pts[i];
    if (!ok) {
        fprintf(stderr, "%s:%d: negotiated payload types [", file, line_no);
        for (size_t i = 0; sec && i < sec->codec_count; i++)
            fprintf(stderr, "%s%u", i ? " " : "", sec->codecs[i].payload_type);
        fprintf(stderr, "]%s, expected [", sec ? "" : " (no section)");
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "%s%d", i ? " " : "", pts[i]);
        fprintf(stderr, "]\n");
        failures++;
    }
}

/* The negotiated codec with payload type pt, or NULL. */
static const rtc_codec_parameters *codec_pt(const rtc_negotiated_section *sec, int pt) {
    for (size_t i = 0; sec && i < sec->codec_count; i++)
        if (sec->codecs[i].payload_type == pt)
            return &sec->codecs[i];
    return NULL;
}

/* Whether a negotiated section reports extension id with uri. */
static int has_extension(const rtc_negotiated_section *sec, unsigned id, const char *uri) {
    for (size_t i = 0; sec && i < sec->extension_count; i++)
        if (sec->extensions[i].id == id && strcmp(sec->extensions[i].uri, uri) == 0)
            return 1;
    return 0;
}

/* Whether a negotiated section reports the remote candidate text. */
static int has_remote_candidate(const rtc_negotiated_section *sec, const char *candidate) {
    for (size_t i = 0; sec && i < sec->remote_candidate_count; i++)
        if (strcmp(sec->remote_candidates[i], candidate) == 0)
            return 1;
    return 0;
}

/* ------------------------------------------------------- connection helpers */

static void on_answer(const rtc_session_description *d, void *user_data) {
    outcome *o = user_data;
    o->successes++;
    free(o->sdp);
    o->sdp = dup_str(d->sdp);
}

/* A connection from cfg (NULL: defaults), or NULL after a failed check. */
static rtc_pc *new_pc(const rtc_configuration *cfg) {
    rtc_pc *pc = rtc_pc_new(cfg);
    CHECK(pc != NULL);
    return pc;
}

/* setRemoteDescription(offer); checks it succeeded. */
static int srd(rtc_pc *pc, const char *sdp) {
    outcome o = {0};
    rtc_session_description d = {RTC_SDP_TYPE_OFFER, sdp};
    rtc_error_code rc =
        rtc_pc_set_remote_description(pc, &d, outcome_on_void, outcome_on_error, &o);
    if (rc != RTC_OK || o.successes != 1)
        fprintf(stderr, "setRemoteDescription failed: %s: %s\n", o.name, o.message);
    CHECK(rc == RTC_OK && o.successes == 1);
    return rc == RTC_OK;
}

/* The description a create call (what) kept in o, or NULL after a failed check. */
static char *created(rtc_error_code rc, outcome *o, const char *what) {
    if (rc != RTC_OK)
        fprintf(stderr, "%s failed: %s: %s\n", what, o->name, o->message);
    CHECK(rc == RTC_OK && o->successes == 1 && o->sdp != NULL);
    return o->sdp;
}

/* createAnswer; the answer (malloc'd) or NULL after a failed check. */
static char *create(rtc_pc *pc) {
    outcome o = {0};
    return created(rtc_pc_create_answer(pc, on_answer, outcome_on_error, NULL, &o), &o,
                   "createAnswer");
}

/* setLocalDescription with the answer created last. */
static void apply(rtc_pc *pc) {
    outcome o = {0};
    rtc_session_description d = {RTC_SDP_TYPE_ANSWER, ""};
    rtc_error_code rc = rtc_pc_set_local_description(pc, &d, outcome_on_void, outcome_on_error, &o);
    if (rc != RTC_OK)
        fprintf(stderr, "setLocalDescription failed: %s: %s\n", o.name, o.message);
    CHECK(rc == RTC_OK && o.successes == 1);
}

/* createAnswer and apply it: the answer (malloc'd) or NULL. */
static char *answer_and_apply(rtc_pc *pc) {
    char *a = create(pc);
    if (a)
        apply(pc);
    return a;
}

/* addTrack for the audio (0) and video (1) transceivers the Chrome offer made. */
static void add_tracks(rtc_pc *pc) {
    CHECK(rtc_pc_add_track(pc, RTC_MEDIA_KIND_AUDIO, "mic", "local-stream") == RTC_OK);
    CHECK(rtc_pc_add_track(pc, RTC_MEDIA_KIND_VIDEO, "cam", "local-stream") == RTC_OK);
}

/* A connection from cfg that answered (and applied) offer with tracks on
 * every offered audio/video m-line; the answer in *answer (malloc'd). */
static rtc_pc *answered(const rtc_configuration *cfg, const char *offer, int tracks,
                        char **answer) {
    *answer = NULL;
    rtc_pc *pc = new_pc(cfg);
    if (!pc)
        return NULL;
    if (srd(pc, offer)) {
        if (tracks)
            add_tracks(pc);
        *answer = answer_and_apply(pc);
    }
    return pc;
}

/* The index of the transceiver with mid, or (size_t)-1 after a failed check. */
static size_t index_of(const rtc_pc *pc, const char *mid) {
    size_t i = (size_t)-1;
    rtc_error_code rc = rtc_pc_transceiver_index(pc, mid, &i);
    if (rc != RTC_OK)
        fprintf(stderr, "no transceiver has mid %s\n", mid);
    CHECK(rc == RTC_OK);
    return i;
}

static rtc_codec codec(const char *name, uint32_t rate, uint32_t channels, const char *fmtp) {
    rtc_codec c = {name, rate, channels, fmtp, NULL, 0};
    return c;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const AUDIO_M = "m=audio 9 UDP/TLS/RTP/SAVPF";
static const char *const VIDEO_M = "m=video 9 UDP/TLS/RTP/SAVPF";

/* "m=audio 9 UDP/TLS/RTP/SAVPF <pts>" in buf. */
static const char *mline(char *buf, size_t cap, const char *head, const char *pts) {
    snprintf(buf, cap, "%s %s", head, pts);
    return buf;
}

/* ----------------------------------------------- rtc_configuration_set_codecs */

#define H264_CB "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"
static const char *const OPUS_FMTP = "minptime=10;useinbandfec=1";
static const char *const H264_CB_FMTP = H264_CB;

static void test_set_codecs(const char *chrome) {
    char m[256];
    char *a = NULL;
    rtc_pc *pc;
    rtc_negotiation *n;

    /* Without the call: the default codecs answer every offered audio
     * payload type and H.264, VP9, AV1, red and ulpfec in video. */
    pc = answered(NULL, chrome, 1, &a);
    EXPECT_MLINE(a, 0, mline(m, sizeof m, AUDIO_M, "111 63 9 0 8 13 110 126"));
    EXPECT_LINE(a, 1, "a=rtpmap:102 H264/90000");
    EXPECT_LINE(a, 1, "a=rtpmap:118 red/90000");
    free(a);
    rtc_pc_free(pc);

    /* Only opus for audio, only VP8 and rtx for video. */
    rtc_configuration *cfg = rtc_configuration_new();
    CHECK(cfg != NULL);
    if (!cfg)
        return;
    const char *opus_fb[] = {"transport-cc"};
    rtc_codec opus = {"opus", 48000, 2, OPUS_FMTP, opus_fb, 1};
    const char *vp8_fb[] = {"nack", "nack pli", "goog-remb"};
    rtc_codec video[] = {{"VP8", 90000, 0, NULL, vp8_fb, 3}, codec("rtx", 90000, 0, NULL)};
    CHECK(rtc_configuration_set_codecs(cfg, RTC_MEDIA_KIND_AUDIO, &opus, 1) == RTC_OK);
    CHECK(rtc_configuration_set_codecs(cfg, RTC_MEDIA_KIND_VIDEO, video, COUNT(video)) == RTC_OK);
    pc = answered(cfg, chrome, 1, &a);
    /* red, telephone-event and CN are not configured: gone with the others. */
    EXPECT_MLINE(a, 0, mline(m, sizeof m, AUDIO_M, "111"));
    EXPECT_LINE(a, 0, "a=rtpmap:111 opus/48000/2");
    EXPECT_LINE(a, 0, "a=fmtp:111 minptime=10;useinbandfec=1");
    EXPECT_NO_LINE(a, 0, "a=rtpmap:63 red/48000/2");
    EXPECT_NO_LINE(a, 0, "a=rtpmap:110 telephone-event/48000");
    /* VP8 and the rtx whose apt is VP8's payload type, nothing else. */
    EXPECT_MLINE(a, 1, mline(m, sizeof m, VIDEO_M, "96 97"));
    EXPECT_LINE(a, 1, "a=rtpmap:96 VP8/90000");
    EXPECT_LINE(a, 1, "a=rtpmap:97 rtx/90000");
    EXPECT_LINE(a, 1, "a=fmtp:97 apt=96");
    CHECK(section_count(a, 1, "a=rtpmap:") == 2);
    /* rtcp-fb: the intersection of the offered and the configured feedback. */
    EXPECT_LINE(a, 1, "a=rtcp-fb:96 nack");
    EXPECT_LINE(a, 1, "a=rtcp-fb:96 nack pli");
    EXPECT_LINE(a, 1, "a=rtcp-fb:96 goog-remb");
    EXPECT_NO_LINE(a, 1, "a=rtcp-fb:96 transport-cc");
    EXPECT_NO_LINE(a, 1, "a=rtcp-fb:96 ccm fir");
    /* The data channel does not care. */
    EXPECT_MLINE(a, 2, "m=application 9 UDP/DTLS/SCTP webrtc-datachannel");
    n = rtc_pc_negotiation(pc);
    CHECK(n != NULL);
    const rtc_negotiated_section *s0 = rtc_negotiation_section(n, 0);
    const rtc_negotiated_section *s1 = rtc_negotiation_section(n, 1);
    EXPECT_PTS(s0, 111);
    EXPECT_PTS(s1, 96, 97);
    const rtc_codec_parameters *c = codec_pt(s0, 111);
    CHECK(c && strcmp(c->name, "opus") == 0 && c->clock_rate == 48000 && c->channels == 2 &&
          strcmp(c->fmtp, OPUS_FMTP) == 0 && c->associated_payload_type == -1);
    c = codec_pt(s1, 97);
    CHECK(c && strcmp(c->name, "rtx") == 0 && c->associated_payload_type == 96);
    c = codec_pt(s1, 96);
    CHECK(c && c->rtcp_feedback_count == 3);
    /* setCodecPreferences may only name configured codecs. */
    size_t vi = index_of(pc, "1");
    rtc_codec vp9 = codec("VP9", 90000, 0, "profile-id=0");
    CHECK(rtc_pc_transceiver_set_codec_preferences(pc, vi, &vp9, 1) ==
          RTC_ERROR_INVALID_MODIFICATION);
    CHECK(rtc_pc_transceiver_set_codec_preferences(pc, vi, video, 1) == RTC_OK);
    rtc_negotiation_free(n);
    free(a);
    rtc_pc_free(pc);

    /* What follows from opus: red only with the encodings it names (111),
     * telephone-event and CN only at the clock rate of a kept codec (48 kHz,
     * not 8 kHz, though both are configured). */
    rtc_codec audio[] = {opus, codec("red", 48000, 2, NULL),
                         codec("telephone-event", 48000, 0, "0-16"),
                         codec("telephone-event", 8000, 0, "0-16"), codec("CN", 8000, 0, NULL)};
    CHECK(rtc_configuration_set_codecs(cfg, RTC_MEDIA_KIND_AUDIO, audio, COUNT(audio)) == RTC_OK);
    pc = answered(cfg, chrome, 1, &a);
    EXPECT_MLINE(a, 0, mline(m, sizeof m, AUDIO_M, "111 63 110"));
    EXPECT_LINE(a, 0, "a=fmtp:63 111/111");
    EXPECT_NO_LINE(a, 0, "a=rtpmap:126 telephone-event/8000");
    EXPECT_NO_LINE(a, 0, "a=rtpmap:13 CN/8000");
    n = rtc_pc_negotiation(pc);
    s0 = rtc_negotiation_section(n, 0);
    EXPECT_PTS(s0, 111, 63, 110);
    c = codec_pt(s0, 63);
    CHECK(c && strcmp(c->name, "red") == 0 && c->associated_payload_type == 111);
    rtc_negotiation_free(n);
    free(a);
    rtc_pc_free(pc);

    /* Without opus: PCMU makes the 8 kHz telephone-event and CN usable, and
     * red (which encodes opus, 111/111) goes. */
    rtc_codec narrow[] = {codec("PCMU", 8000, 0, NULL), codec("red", 48000, 2, NULL),
                          codec("telephone-event", 8000, 0, "0-16"), codec("CN", 8000, 0, NULL)};
    CHECK(rtc_configuration_set_codecs(cfg, RTC_MEDIA_KIND_AUDIO, narrow, COUNT(narrow)) ==
          RTC_OK);
    /* VP8 without rtx: the offered rtx for VP8 goes too. */
    CHECK(rtc_configuration_set_codecs(cfg, RTC_MEDIA_KIND_VIDEO, video, 1) == RTC_OK);
    pc = answered(cfg, chrome, 1, &a);
    EXPECT_MLINE(a, 0, mline(m, sizeof m, AUDIO_M, "0 13 126"));
    EXPECT_MLINE(a, 1, mline(m, sizeof m, VIDEO_M, "96"));
    n = rtc_pc_negotiation(pc);
    EXPECT_PTS(rtc_negotiation_section(n, 0), 0, 13, 126);
    EXPECT_PTS(rtc_negotiation_section(n, 1), 96);
    rtc_negotiation_free(n);
    free(a);
    rtc_pc_free(pc);

    /* The H.264 parameters that define the codec count: one configured
     * Constrained Baseline packetization-mode 1 matches only offered 108
     * (42e01f, mode 1), not 102 (Baseline 42001f) nor 114 (mode 0). And a
     * configured order changes nothing: without codec preferences the answer
     * keeps the offer's order (RFC 9429 5.3.1). */
    rtc_codec h264[] = {codec("VP9", 90000, 0, "profile-id=0"),
                        codec("H264", 90000, 0, H264_CB_FMTP), codec("rtx", 90000, 0, NULL)};
    CHECK(rtc_configuration_set_codecs(cfg, RTC_MEDIA_KIND_VIDEO, h264, COUNT(h264)) == RTC_OK);
    pc = answered(cfg, chrome, 1, &a);
    EXPECT_MLINE(a, 1, mline(m, sizeof m, VIDEO_M, "108 109 98 99"));
    EXPECT_LINE(a, 1, "a=fmtp:108 " H264_CB);
    n = rtc_pc_negotiation(pc);
    EXPECT_PTS(rtc_negotiation_section(n, 1), 108, 109, 98, 99);
    rtc_negotiation_free(n);
    free(a);
    rtc_pc_free(pc);

    /* No audio codec at all: the audio m-section is rejected (port 0). */
    CHECK(rtc_configuration_set_codecs(cfg, RTC_MEDIA_KIND_AUDIO, NULL, 0) == RTC_OK);
    pc = answered(cfg, chrome, 1, &a);
    EXPECT_MLINE(a, 0, "m=audio 0 UDP/TLS/RTP/SAVPF 0");
    EXPECT_LINE(a, 0, "a=inactive");
    EXPECT_MLINE(a, 1, mline(m, sizeof m, VIDEO_M, "108 109 98 99"));
    CHECK(a && strstr(a, "a=group:BUNDLE 1 2\r\n") != NULL);
    n = rtc_pc_negotiation(pc);
    s0 = rtc_negotiation_section(n, 0);
    CHECK(s0 && !s0->accepted && s0->direction == RTC_DIRECTION_STOPPED && s0->codec_count == 0);
    CHECK(s0 && s0->reason && strstr(s0->reason, "no codec in common"));
    rtc_negotiation_free(n);
    free(a);
    rtc_pc_free(pc);

    /* Refused arguments change nothing. */
    CHECK(rtc_configuration_set_codecs(cfg, (rtc_media_kind)2, &opus, 1) ==
          RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_configuration_set_codecs(cfg, RTC_MEDIA_KIND_AUDIO, NULL, 1) ==
          RTC_ERROR_INVALID_ARGUMENT);
    rtc_codec nameless = codec(NULL, 48000, 2, NULL);
    CHECK(rtc_configuration_set_codecs(cfg, RTC_MEDIA_KIND_AUDIO, &nameless, 1) ==
          RTC_ERROR_INVALID_ARGUMENT);
    pc = answered(cfg, chrome, 1, &a);
    EXPECT_MLINE(a, 0, "m=audio 0 UDP/TLS/RTP/SAVPF 0"); /* still no audio codec */
    free(a);
    rtc_pc_free(pc);
    rtc_configuration_free(cfg);
}

/* ------------------------------------ rtc_configuration_set_header_extensions */

#define EXT_AUDIO_LEVEL "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
#define EXT_ABS_SEND_TIME "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
#define EXT_TWCC "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
#define EXT_MID "urn:ietf:params:rtp-hdrext:sdes:mid"
#define EXT_TOFFSET "urn:ietf:params:rtp-hdrext:toffset"
#define EXT_PLAYOUT_DELAY "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay"

static void test_set_header_extensions(const char *chrome, const char *firefox) {
    char *a = NULL;
    rtc_pc *pc;
    rtc_negotiation *n;

    /* Without the call: every offered extension the defaults know. */
    pc = answered(NULL, chrome, 1, &a);
    CHECK(section_count(a, 0, "a=extmap:") == 4);
    EXPECT_LINE(a, 0, "a=extmap:2 " EXT_ABS_SEND_TIME);
    EXPECT_LINE(a, 1, "a=extmap:2 " EXT_ABS_SEND_TIME);
    EXPECT_LINE(a, 1, "a=extmap:3 " EXT_TWCC);
    free(a);
    rtc_pc_free(pc);

    /* A subset per kind: only those, with the offered ids (in video the
     * offer gives toffset id 14 and mid id 4). abs-send-time is configured
     * for audio only. */
    rtc_configuration *cfg = rtc_configuration_new();
    CHECK(cfg != NULL);
    if (!cfg)
        return;
    const char *audio[] = {EXT_MID, EXT_AUDIO_LEVEL, EXT_ABS_SEND_TIME};
    const char *video[] = {EXT_MID, EXT_TOFFSET, "urn:example:not-offered"};
    CHECK(rtc_configuration_set_header_extensions(cfg, RTC_MEDIA_KIND_AUDIO, audio,
                                                  COUNT(audio)) == RTC_OK);
    CHECK(rtc_configuration_set_header_extensions(cfg, RTC_MEDIA_KIND_VIDEO, video,
                                                  COUNT(video)) == RTC_OK);
    pc = answered(cfg, chrome, 1, &a);
    EXPECT_LINE(a, 0, "a=extmap:1 " EXT_AUDIO_LEVEL);
    EXPECT_LINE(a, 0, "a=extmap:2 " EXT_ABS_SEND_TIME);
    EXPECT_LINE(a, 0, "a=extmap:4 " EXT_MID);
    EXPECT_NO_LINE(a, 0, "a=extmap:3 " EXT_TWCC);
    CHECK(section_count(a, 0, "a=extmap:") == 3);
    EXPECT_LINE(a, 1, "a=extmap:14 " EXT_TOFFSET);
    EXPECT_LINE(a, 1, "a=extmap:4 " EXT_MID);
    EXPECT_NO_LINE(a, 1, "a=extmap:2 " EXT_ABS_SEND_TIME);
    EXPECT_NO_LINE(a, 1, "a=extmap:3 " EXT_TWCC);
    CHECK(section_count(a, 1, "a=extmap:") == 2);
    CHECK(a && strstr(a, "not-offered") == NULL); /* an answer only takes offered ones */
    n = rtc_pc_negotiation(pc);
    const rtc_negotiated_section *s0 = rtc_negotiation_section(n, 0);
    const rtc_negotiated_section *s1 = rtc_negotiation_section(n, 1);
    /* Reported in the offer's order. */
    CHECK(s0 && s0->extension_count == 3 && s0->extensions[0].id == 1 &&
          strcmp(s0->extensions[0].uri, EXT_AUDIO_LEVEL) == 0 && s0->extensions[1].id == 2 &&
          strcmp(s0->extensions[1].uri, EXT_ABS_SEND_TIME) == 0 && s0->extensions[2].id == 4 &&
          strcmp(s0->extensions[2].uri, EXT_MID) == 0);
    CHECK(s1 && s1->extension_count == 2 && s1->extensions[0].id == 14 &&
          strcmp(s1->extensions[0].uri, EXT_TOFFSET) == 0 && s1->extensions[1].id == 4 &&
          strcmp(s1->extensions[1].uri, EXT_MID) == 0);
    CHECK(!has_extension(s0, 3, EXT_TWCC) && !has_extension(s1, 2, EXT_ABS_SEND_TIME));
    rtc_negotiation_free(n);
    free(a);
    rtc_pc_free(pc);

    /* None for video: no extmap line there at all; the answer stays valid. */
    CHECK(rtc_configuration_set_header_extensions(cfg, RTC_MEDIA_KIND_VIDEO, NULL, 0) == RTC_OK);
    pc = answered(cfg, chrome, 1, &a);
    CHECK(a && section_count(a, 1, "a=extmap:") == 0);
    CHECK(section_count(a, 0, "a=extmap:") == 3);
    n = rtc_pc_negotiation(pc);
    s1 = rtc_negotiation_section(n, 1);
    CHECK(s1 && s1->accepted && s1->extension_count == 0);
    rtc_negotiation_free(n);
    free(a);
    rtc_pc_free(pc);

    /* An extension the defaults lack, configured: Firefox offers
     * playout-delay as a=extmap:6/recvonly; the answer takes it, reversed. */
    pc = answered(NULL, firefox, 1, &a);
    EXPECT_NO_LINE(a, 0, "a=extmap:6/sendonly " EXT_PLAYOUT_DELAY);
    CHECK(section_count(a, 0, "a=extmap:") == 4);
    free(a);
    rtc_pc_free(pc);
    const char *with_delay[] = {EXT_PLAYOUT_DELAY, EXT_MID};
    CHECK(rtc_configuration_set_header_extensions(cfg, RTC_MEDIA_KIND_VIDEO, with_delay,
                                                  COUNT(with_delay)) == RTC_OK);
    pc = answered(cfg, firefox, 1, &a);
    EXPECT_LINE(a, 0, "a=extmap:3 " EXT_MID);
    EXPECT_LINE(a, 0, "a=extmap:6/sendonly " EXT_PLAYOUT_DELAY);
    CHECK(section_count(a, 0, "a=extmap:") == 2);
    n = rtc_pc_negotiation(pc);
    s0 = rtc_negotiation_section(n, 0);
    CHECK(s0 && s0->extension_count == 2 && has_extension(s0, 3, EXT_MID) &&
          has_extension(s0, 6, EXT_PLAYOUT_DELAY));
    rtc_negotiation_free(n);
    free(a);
    rtc_pc_free(pc);

    /* Refused arguments. */
    CHECK(rtc_configuration_set_header_extensions(cfg, (rtc_media_kind)7, audio, 1) ==
          RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_configuration_set_header_extensions(cfg, RTC_MEDIA_KIND_AUDIO, NULL, 2) ==
          RTC_ERROR_INVALID_ARGUMENT);
    const char *null_uri[] = {EXT_MID, NULL};
    CHECK(rtc_configuration_set_header_extensions(cfg, RTC_MEDIA_KIND_AUDIO, null_uri, 2) ==
          RTC_ERROR_INVALID_ARGUMENT);
    pc = answered(cfg, chrome, 1, &a);
    CHECK(section_count(a, 0, "a=extmap:") == 3); /* the audio list is unchanged */
    free(a);
    rtc_pc_free(pc);
    rtc_configuration_free(cfg);
}

/* ------------------------------------------------------ rtc_pc_add_transceiver */

static void expect_info(int line_no, const rtc_pc *pc, size_t index, rtc_media_kind kind,
                        rtc_direction direction, rtc_direction current, int has_track) {
    rtc_transceiver_info info;
    memset(&info, 0, sizeof info);
    rtc_error_code rc = rtc_pc_transceiver_info(pc, index, &info);
    if (rc != RTC_OK || info.kind != kind || info.direction != direction ||
        info.current_direction != current || info.has_track != (has_track != 0)) {
        fprintf(stderr,
                "%s:%d: transceiver %zu: rc %d kind %d direction %d current %d track %d; "
                "expected kind %d direction %d current %d track %d\n",
                __FILE__, line_no, index, (int)rc, (int)info.kind, (int)info.direction,
                (int)info.current_direction, (int)info.has_track, (int)kind, (int)direction,
                (int)current, has_track);
        failures++;
    }
}
#define EXPECT_INFO(pc, index, kind, direction, current, has_track) \
    expect_info(__LINE__, pc, index, kind, direction, current, has_track)

static void test_add_transceiver(const char *chrome) {
    char m[256];
    char *a = NULL;
    rtc_negotiation *n;
    size_t index = 99;

    /* Without the call: the offer makes two transceivers, mids 0 and 1. */
    rtc_pc *pc = answered(NULL, chrome, 0, &a);
    CHECK(rtc_pc_transceiver_count(pc) == 2);
    CHECK(index_of(pc, "0") == 0 && index_of(pc, "1") == 1);
    free(a);
    rtc_pc_free(pc);

    /* Before the offer: a sendrecv audio transceiver with a stream. JSEP
     * 5.10: an answerer matches new offered m-lines only to transceivers
     * from addTrack, so this one stays without a mid (only an offer of its
     * own would give it one), and the offered audio gets a new recvonly
     * transceiver: nothing of it (its stream) reaches the answer. */
    pc = new_pc(NULL);
    if (!pc)
        return;
    const char *streams[] = {"s-added"};
    rtc_transceiver_init init = {RTC_DIRECTION_SENDRECV, streams, 1, NULL, 0};
    CHECK(rtc_pc_add_transceiver(pc, RTC_MEDIA_KIND_AUDIO, &init, &index) == RTC_OK);
    CHECK(index == 0);
    CHECK(rtc_pc_transceiver_count(pc) == 1);
    EXPECT_INFO(pc, 0, RTC_MEDIA_KIND_AUDIO, RTC_DIRECTION_SENDRECV, RTC_DIRECTION_NONE, 0);
    CHECK(rtc_pc_transceiver_mid(pc, 0, NULL, 0) == 0);
    if (srd(pc, chrome)) {
        CHECK(rtc_pc_transceiver_count(pc) == 3);
        CHECK(rtc_pc_transceiver_mid(pc, 0, NULL, 0) == 0);
        CHECK(index_of(pc, "0") == 1 && index_of(pc, "1") == 2);
        a = answer_and_apply(pc);
        EXPECT_LINE(a, 0, "a=recvonly");
        CHECK(section_count(a, 0, "a=msid:") == 0);
        CHECK(a && strstr(a, "s-added") == NULL);
        /* It was not negotiated; the one the offer made was. */
        EXPECT_INFO(pc, 0, RTC_MEDIA_KIND_AUDIO, RTC_DIRECTION_SENDRECV, RTC_DIRECTION_NONE, 0);
        EXPECT_INFO(pc, 1, RTC_MEDIA_KIND_AUDIO, RTC_DIRECTION_RECVONLY, RTC_DIRECTION_RECVONLY, 0);
        free(a);
    }
    rtc_pc_free(pc);

    /* After the offer: a new video transceiver (recvonly, NULL init is
     * sendrecv) takes no m-line either; the answer keeps one m-section per
     * offered one and addTrack still reuses the offer's video transceiver. */
    pc = new_pc(NULL);
    if (!pc)
        return;
    if (srd(pc, chrome)) {
        rtc_transceiver_init recvonly = {RTC_DIRECTION_RECVONLY, NULL, 0, NULL, 0};
        CHECK(rtc_pc_add_transceiver(pc, RTC_MEDIA_KIND_VIDEO, &recvonly, &index) == RTC_OK);
        CHECK(index == 2);
        CHECK(rtc_pc_add_transceiver(pc, RTC_MEDIA_KIND_VIDEO, NULL, NULL) == RTC_OK);
        CHECK(rtc_pc_transceiver_count(pc) == 4);
        EXPECT_INFO(pc, 2, RTC_MEDIA_KIND_VIDEO, RTC_DIRECTION_RECVONLY, RTC_DIRECTION_NONE, 0);
        EXPECT_INFO(pc, 3, RTC_MEDIA_KIND_VIDEO, RTC_DIRECTION_SENDRECV, RTC_DIRECTION_NONE, 0);
        CHECK(rtc_pc_add_track(pc, RTC_MEDIA_KIND_VIDEO, "cam", "local-stream") == RTC_OK);
        EXPECT_INFO(pc, 1, RTC_MEDIA_KIND_VIDEO, RTC_DIRECTION_SENDRECV, RTC_DIRECTION_NONE, 1);
        a = answer_and_apply(pc);
        CHECK(count_lines(a, "m=") == 3);
        EXPECT_LINE(a, 1, "a=sendrecv");
        EXPECT_LINE(a, 1, "a=msid:local-stream cam");
        EXPECT_MLINE(a, 0, mline(m, sizeof m, AUDIO_M, "111 63 9 0 8 13 110 126"));
        n = rtc_pc_negotiation(pc);
        CHECK(rtc_negotiation_section_count(n) == 3);
        rtc_negotiation_free(n);
        free(a);
    }

    /* Refused: a direction that cannot be set, bad or repeated RIDs, an
     * unknown kind. Nothing is added. */
    size_t before = rtc_pc_transceiver_count(pc);
    rtc_transceiver_init bad = {RTC_DIRECTION_STOPPED, NULL, 0, NULL, 0};
    CHECK(rtc_pc_add_transceiver(pc, RTC_MEDIA_KIND_AUDIO, &bad, NULL) ==
          RTC_ERROR_INVALID_ARGUMENT);
    const char *bad_rids[] = {"not a rid"};
    rtc_transceiver_init spaces = {RTC_DIRECTION_SENDONLY, NULL, 0, bad_rids, 1};
    CHECK(rtc_pc_add_transceiver(pc, RTC_MEDIA_KIND_VIDEO, &spaces, NULL) ==
          RTC_ERROR_INVALID_ARGUMENT);
    const char *twice[] = {"hi", "hi"};
    rtc_transceiver_init dup = {RTC_DIRECTION_SENDONLY, NULL, 0, twice, 2};
    CHECK(rtc_pc_add_transceiver(pc, RTC_MEDIA_KIND_VIDEO, &dup, NULL) ==
          RTC_ERROR_INVALID_ARGUMENT);
    rtc_transceiver_init null_streams = {RTC_DIRECTION_SENDONLY, NULL, 1, NULL, 0};
    CHECK(rtc_pc_add_transceiver(pc, RTC_MEDIA_KIND_VIDEO, &null_streams, NULL) ==
          RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_pc_add_transceiver(pc, (rtc_media_kind)2, NULL, NULL) == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_pc_transceiver_count(pc) == before);
    /* RIDs are 1-16 letters and digits (as Chromium takes them). */
    const char *dashed[] = {"mid-1"};
    rtc_transceiver_init dashes = {RTC_DIRECTION_SENDONLY, NULL, 0, dashed, 1};
    CHECK(rtc_pc_add_transceiver(pc, RTC_MEDIA_KIND_VIDEO, &dashes, NULL) ==
          RTC_ERROR_INVALID_ARGUMENT);
    const char *rids[] = {"hi", "mid1", "lo2"};
    rtc_transceiver_init simulcast = {RTC_DIRECTION_SENDONLY, NULL, 0, rids, 3};
    CHECK(rtc_pc_add_transceiver(pc, RTC_MEDIA_KIND_VIDEO, &simulcast, NULL) == RTC_OK);
    CHECK(rtc_pc_transceiver_count(pc) == before + 1);
    rtc_pc_close(pc);
    CHECK(rtc_pc_add_transceiver(pc, RTC_MEDIA_KIND_AUDIO, NULL, NULL) == RTC_ERROR_INVALID_STATE);
    rtc_pc_free(pc);
}

/* ---------------------------------------- rtc_pc_transceiver_set_direction */

static void test_set_direction(const char *chrome) {
    char m[256];
    char *a = NULL;
    rtc_negotiation *n;
    const rtc_negotiated_section *s0;

    /* Without the call: with a track, the sendrecv offer is answered sendrecv. */
    rtc_pc *pc = answered(NULL, chrome, 1, &a);
    EXPECT_LINE(a, 0, "a=sendrecv");
    EXPECT_LINE(a, 0, "a=msid:local-stream mic");
    free(a);
    rtc_pc_free(pc);

    pc = new_pc(NULL);
    if (!pc || !srd(pc, chrome)) {
        rtc_pc_free(pc);
        return;
    }
    add_tracks(pc);
    size_t ai = index_of(pc, "0");
    /* recvonly: the answer receives only, and sends no track (no msid, no ssrc). */
    CHECK(rtc_pc_transceiver_set_direction(pc, ai, RTC_DIRECTION_RECVONLY) == RTC_OK);
    EXPECT_INFO(pc, ai, RTC_MEDIA_KIND_AUDIO, RTC_DIRECTION_RECVONLY, RTC_DIRECTION_NONE, 1);
    a = answer_and_apply(pc);
    EXPECT_LINE(a, 0, "a=recvonly");
    EXPECT_NO_LINE(a, 0, "a=sendrecv");
    CHECK(section_count(a, 0, "a=msid:") == 0 && section_count(a, 0, "a=ssrc:") == 0);
    EXPECT_LINE(a, 1, "a=sendrecv"); /* only that transceiver */
    n = rtc_pc_negotiation(pc);
    s0 = rtc_negotiation_section(n, 0);
    CHECK(s0 && s0->accepted && s0->direction == RTC_DIRECTION_RECVONLY);
    CHECK(rtc_negotiation_section(n, 1) &&
          rtc_negotiation_section(n, 1)->direction == RTC_DIRECTION_SENDRECV);
    rtc_negotiation_free(n);
    EXPECT_INFO(pc, ai, RTC_MEDIA_KIND_AUDIO, RTC_DIRECTION_RECVONLY, RTC_DIRECTION_RECVONLY, 1);
    free(a);

    /* The same offer again (renegotiation): inactive, still accepted (port 9). */
    if (srd(pc, chrome)) {
        CHECK(rtc_pc_transceiver_set_direction(pc, ai, RTC_DIRECTION_INACTIVE) == RTC_OK);
        a = answer_and_apply(pc);
        EXPECT_LINE(a, 0, "a=inactive");
        EXPECT_MLINE(a, 0, mline(m, sizeof m, AUDIO_M, "111 63 9 0 8 13 110 126"));
        CHECK(section_count(a, 0, "a=msid:") == 0);
        n = rtc_pc_negotiation(pc);
        s0 = rtc_negotiation_section(n, 0);
        CHECK(s0 && s0->accepted && s0->direction == RTC_DIRECTION_INACTIVE &&
              s0->codec_count == 8);
        rtc_negotiation_free(n);
        EXPECT_INFO(pc, ai, RTC_MEDIA_KIND_AUDIO, RTC_DIRECTION_INACTIVE, RTC_DIRECTION_INACTIVE,
                    1);
        free(a);
    }
    /* sendonly: sends the track, receives nothing. */
    if (srd(pc, chrome)) {
        CHECK(rtc_pc_transceiver_set_direction(pc, ai, RTC_DIRECTION_SENDONLY) == RTC_OK);
        a = answer_and_apply(pc);
        EXPECT_LINE(a, 0, "a=sendonly");
        EXPECT_LINE(a, 0, "a=msid:local-stream mic");
        n = rtc_pc_negotiation(pc);
        s0 = rtc_negotiation_section(n, 0);
        CHECK(s0 && s0->direction == RTC_DIRECTION_SENDONLY);
        rtc_negotiation_free(n);
        free(a);
    }
    /* The intersection with the offer (RFC 3264 6.1): the offerer only
     * receives audio now, and we only receive: inactive. */
    char *recvonly_offer = replaced(chrome, "a=sendrecv", "a=recvonly", 1);
    CHECK(recvonly_offer != NULL);
    if (recvonly_offer && srd(pc, recvonly_offer)) {
        CHECK(rtc_pc_transceiver_set_direction(pc, ai, RTC_DIRECTION_RECVONLY) == RTC_OK);
        a = answer_and_apply(pc);
        EXPECT_LINE(a, 0, "a=inactive");
        free(a);
        /* ... and with sendrecv again we send only. */
        if (srd(pc, recvonly_offer)) {
            CHECK(rtc_pc_transceiver_set_direction(pc, ai, RTC_DIRECTION_SENDRECV) == RTC_OK);
            a = answer_and_apply(pc);
            EXPECT_LINE(a, 0, "a=sendonly");
            free(a);
        }
    }
    free(recvonly_offer);

    /* Refused: values that are not settable, an unknown index; and the
     * direction is unchanged. */
    CHECK(rtc_pc_transceiver_set_direction(pc, ai, RTC_DIRECTION_STOPPED) ==
          RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_pc_transceiver_set_direction(pc, ai, RTC_DIRECTION_NONE) ==
          RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_pc_transceiver_set_direction(pc, ai, (rtc_direction)42) ==
          RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_pc_transceiver_set_direction(pc, 99, RTC_DIRECTION_RECVONLY) ==
          RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_pc_transceiver_set_direction(NULL, 0, RTC_DIRECTION_RECVONLY) ==
          RTC_ERROR_INVALID_ARGUMENT);
    EXPECT_INFO(pc, ai, RTC_MEDIA_KIND_AUDIO, RTC_DIRECTION_SENDRECV, RTC_DIRECTION_SENDONLY, 1);
    rtc_pc_free(pc);
}

/* ----------------------------------------------- rtc_pc_transceiver_stop */

static void test_stop(const char *chrome) {
    char m[256];
    rtc_pc *pc = new_pc(NULL);
    if (!pc || !srd(pc, chrome)) {
        rtc_pc_free(pc);
        return;
    }
    add_tracks(pc);
    size_t ai = index_of(pc, "0");
    CHECK(rtc_pc_transceiver_stop(pc, ai) == RTC_OK);
    rtc_transceiver_info info;
    memset(&info, 0, sizeof info);
    CHECK(rtc_pc_transceiver_info(pc, ai, &info) == RTC_OK && info.stopped &&
          info.direction == RTC_DIRECTION_STOPPED);
    /* W3C: stopping, not stopped yet: never negotiated, so no currentDirection. */
    CHECK(info.current_direction == RTC_DIRECTION_NONE);
    /* A stopped transceiver takes no direction. */
    CHECK(rtc_pc_transceiver_set_direction(pc, ai, RTC_DIRECTION_SENDRECV) ==
          RTC_ERROR_INVALID_STATE);
    /* Its m-section is rejected; the BUNDLE group goes on without it. */
    char *a = answer_and_apply(pc);
    EXPECT_MLINE(a, 0, "m=audio 0 UDP/TLS/RTP/SAVPF 0");
    EXPECT_LINE(a, 0, "a=inactive");
    EXPECT_LINE(a, 0, "a=mid:0");
    CHECK(a && strstr(a, "a=group:BUNDLE 1 2\r\n") != NULL);
    EXPECT_MLINE(a, 1, mline(m, sizeof m, VIDEO_M,
                             "96 97 102 103 104 107 108 109 114 115 116 117 39 40 45 46 98 99 "
                             "100 101 118 119 120"));
    rtc_negotiation *n = rtc_pc_negotiation(pc);
    const rtc_negotiated_section *s0 = rtc_negotiation_section(n, 0);
    const rtc_negotiated_section *s1 = rtc_negotiation_section(n, 1);
    CHECK(s0 && !s0->accepted && s0->direction == RTC_DIRECTION_STOPPED && s0->reason &&
          s0->codec_count == 0);
    CHECK(s1 && s1->accepted && s1->bundled && s1->transport_index == 1);
    rtc_negotiation_free(n);
    /* Applied: the transceiver is gone, the others shift down. */
    CHECK(rtc_pc_transceiver_count(pc) == 1);
    CHECK(index_of(pc, "1") == 0);
    CHECK(rtc_pc_transceiver_stop(pc, 5) == RTC_ERROR_INVALID_ARGUMENT);
    /* close() stops every transceiver for good: currentDirection stopped. */
    rtc_pc_close(pc);
    memset(&info, 0, sizeof info);
    CHECK(rtc_pc_transceiver_info(pc, 0, &info) == RTC_OK &&
          info.current_direction == RTC_DIRECTION_STOPPED);
    free(a);
    rtc_pc_free(pc);
}

/* --------------------------------- rtc_pc_transceiver_set_codec_preferences */

/* Answers the Chrome offer with codec preferences on transceiver `mid`
 * (count 0: none); returns the answer, the negotiation in *n. */
static char *answer_with_preferences(const char *chrome, const char *mid, const rtc_codec *prefs,
                                     size_t count, rtc_negotiation **n) {
    *n = NULL;
    rtc_pc *pc = new_pc(NULL);
    if (!pc)
        return NULL;
    char *a = NULL;
    if (srd(pc, chrome)) {
        add_tracks(pc);
        if (count) {
            rtc_error_code rc =
                rtc_pc_transceiver_set_codec_preferences(pc, index_of(pc, mid), prefs, count);
            CHECK(rc == RTC_OK);
        }
        a = answer_and_apply(pc);
        *n = rtc_pc_negotiation(pc);
    }
    rtc_pc_free(pc);
    return a;
}

static void test_set_codec_preferences(const char *chrome) {
    char m[256];
    rtc_negotiation *n;
    char *a;
    static const char *const ALL_VIDEO =
        "96 97 102 103 104 107 108 109 114 115 116 117 39 40 45 46 98 99 100 101 118 119 120";

    /* Without the call: every supported offered codec, in the offer's order. */
    a = answer_with_preferences(chrome, "1", NULL, 0, &n);
    EXPECT_MLINE(a, 1, mline(m, sizeof m, VIDEO_M, ALL_VIDEO));
    rtc_negotiation_free(n);
    free(a);

    /* Only VP8: VP8 alone; rtx is kept only when the preferences list it. */
    rtc_codec vp8 = codec("VP8", 90000, 0, NULL);
    a = answer_with_preferences(chrome, "1", &vp8, 1, &n);
    EXPECT_MLINE(a, 1, mline(m, sizeof m, VIDEO_M, "96"));
    CHECK(section_count(a, 1, "a=rtpmap:") == 1);
    EXPECT_PTS(rtc_negotiation_section(n, 1), 96);
    /* The other transceiver is untouched. */
    EXPECT_MLINE(a, 0, mline(m, sizeof m, AUDIO_M, "111 63 9 0 8 13 110 126"));
    rtc_negotiation_free(n);
    free(a);

    /* VP8 and rtx: VP8, then its rtx. */
    rtc_codec vp8_rtx[] = {codec("VP8", 90000, 0, NULL), codec("rtx", 90000, 0, NULL)};
    a = answer_with_preferences(chrome, "1", vp8_rtx, COUNT(vp8_rtx), &n);
    EXPECT_MLINE(a, 1, mline(m, sizeof m, VIDEO_M, "96 97"));
    EXPECT_LINE(a, 1, "a=fmtp:97 apt=96");
    EXPECT_PTS(rtc_negotiation_section(n, 1), 96, 97);
    rtc_negotiation_free(n);
    free(a);

    /* A reordered list: the answer follows the preferences, each codec
     * followed by its rtx (RFC 9429 5.3.1), in the m= line, in the rtpmap
     * lines and in what rtc_pc_negotiation reports. */
    rtc_codec reordered[] = {codec("VP9", 90000, 0, "profile-id=2"),
                             codec("H264", 90000, 0, H264_CB_FMTP), codec("VP8", 90000, 0, NULL),
                             codec("rtx", 90000, 0, NULL)};
    a = answer_with_preferences(chrome, "1", reordered, COUNT(reordered), &n);
    EXPECT_MLINE(a, 1, mline(m, sizeof m, VIDEO_M, "100 101 108 109 96 97"));
    {
        char *v = section(a, 1);
        long p100 = line_pos(v, "a=rtpmap:100 VP9/90000");
        long p108 = line_pos(v, "a=rtpmap:108 H264/90000");
        long p96 = line_pos(v, "a=rtpmap:96 VP8/90000");
        CHECK(p100 >= 0 && p108 > p100 && p96 > p108);
        free(v);
    }
    const rtc_negotiated_section *s1 = rtc_negotiation_section(n, 1);
    EXPECT_PTS(s1, 100, 101, 108, 109, 96, 97);
    CHECK(s1 && s1->codec_count == 6 && strcmp(s1->codecs[0].name, "VP9") == 0 &&
          strcmp(s1->codecs[0].fmtp, "profile-id=2") == 0 &&
          s1->codecs[1].associated_payload_type == 100);
    rtc_negotiation_free(n);
    free(a);

    /* Audio: PCMU before opus; red, CN and telephone-event are not listed. */
    rtc_codec audio[] = {codec("PCMU", 8000, 0, NULL), codec("opus", 48000, 2, OPUS_FMTP)};
    a = answer_with_preferences(chrome, "0", audio, COUNT(audio), &n);
    EXPECT_MLINE(a, 0, mline(m, sizeof m, AUDIO_M, "0 111"));
    EXPECT_PTS(rtc_negotiation_section(n, 0), 0, 111);
    EXPECT_MLINE(a, 1, mline(m, sizeof m, VIDEO_M, ALL_VIDEO));
    rtc_negotiation_free(n);
    free(a);
    /* ... opus and telephone-event/48000: the secondary one after the codec. */
    rtc_codec dtmf[] = {codec("opus", 48000, 2, OPUS_FMTP),
                        codec("telephone-event", 48000, 0, "0-16")};
    a = answer_with_preferences(chrome, "0", dtmf, COUNT(dtmf), &n);
    EXPECT_MLINE(a, 0, mline(m, sizeof m, AUDIO_M, "111 110"));
    EXPECT_PTS(rtc_negotiation_section(n, 0), 111, 110);
    rtc_negotiation_free(n);
    free(a);

    /* Refused lists leave the preferences as they were; count 0 resets. */
    rtc_pc *pc = new_pc(NULL);
    if (!pc || !srd(pc, chrome)) {
        rtc_pc_free(pc);
        return;
    }
    add_tracks(pc);
    size_t ai = index_of(pc, "0"), vi = index_of(pc, "1");
    CHECK(rtc_pc_transceiver_set_codec_preferences(pc, vi, vp8_rtx, 2) == RTC_OK);
    CHECK(rtc_pc_transceiver_set_codec_preferences(pc, ai, &vp8, 1) ==
          RTC_ERROR_INVALID_MODIFICATION); /* a video codec for audio */
    rtc_codec rtx_only = codec("rtx", 90000, 0, NULL);
    CHECK(rtc_pc_transceiver_set_codec_preferences(pc, vi, &rtx_only, 1) ==
          RTC_ERROR_INVALID_MODIFICATION);
    rtc_codec h265 = codec("H265", 90000, 0, NULL);
    CHECK(rtc_pc_transceiver_set_codec_preferences(pc, vi, &h265, 1) ==
          RTC_ERROR_INVALID_MODIFICATION);
    rtc_codec vp9_profile1 = codec("VP9", 90000, 0, "profile-id=1");
    CHECK(rtc_pc_transceiver_set_codec_preferences(pc, vi, &vp9_profile1, 1) ==
          RTC_ERROR_INVALID_MODIFICATION);
    CHECK(rtc_pc_transceiver_set_codec_preferences(pc, vi, NULL, 1) ==
          RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_pc_transceiver_set_codec_preferences(pc, 99, &vp8, 1) ==
          RTC_ERROR_INVALID_ARGUMENT);
    a = create(pc);
    EXPECT_MLINE(a, 1, mline(m, sizeof m, VIDEO_M, "96 97"));
    EXPECT_MLINE(a, 0, mline(m, sizeof m, AUDIO_M, "111 63 9 0 8 13 110 126"));
    free(a);
    CHECK(rtc_pc_transceiver_set_codec_preferences(pc, vi, NULL, 0) == RTC_OK);
    a = create(pc);
    EXPECT_MLINE(a, 1, mline(m, sizeof m, VIDEO_M, ALL_VIDEO));
    free(a);
    rtc_pc_free(pc);
}

/* ------------------------------------------------- rtc_pc_add_ice_candidate */

#define REMOTE_CAND \
    "candidate:3 1 udp 1686052607 203.0.113.9 61000 typ srflx raddr 10.0.0.1 rport 61000"
#define REMOTE_CAND_2 "candidate:4 1 udp 2122194687 198.51.100.77 61002 typ host"
#define REMOTE_CAND_3 "candidate:5 1 tcp 1518214911 198.51.100.78 9 typ host tcptype active"

/* addIceCandidate; checks that the callbacks agree with the code. */
static rtc_error_code add_remote(rtc_pc *pc, const char *candidate, const char *mid, int index) {
    outcome o = {0};
    rtc_error_code rc = rtc_pc_add_ice_candidate(pc, candidate, mid, index, outcome_on_void,
                                                 outcome_on_error, &o);
    CHECK(rc == RTC_OK ? o.successes == 1 && o.failures == 0
                       : o.successes == 0 && o.failures == 1 && o.code == rc);
    return rc;
}

static void test_add_ice_candidate(const char *chrome) {
    rtc_pc *pc = new_pc(NULL);
    if (!pc)
        return;
    /* No remote description yet. */
    CHECK(add_remote(pc, REMOTE_CAND, "0", -1) == RTC_ERROR_INVALID_STATE);
    if (!srd(pc, chrome)) {
        rtc_pc_free(pc);
        return;
    }
    /* Without the call: the offer's two candidates per m-section. */
    char *remote = description_text(pc, RTC_DESCRIPTION_REMOTE);
    CHECK(section_count(remote, 0, "a=candidate:") == 2);
    EXPECT_NO_LINE(remote, 0, "a=" REMOTE_CAND);
    free(remote);

    /* Trickled while the offer is pending: by mid, by m-line index (with
     * "a="), and an empty one for end-of-candidates. Each lands in its
     * m-section of the remote description. */
    CHECK(add_remote(pc, REMOTE_CAND, "0", -1) == RTC_OK);
    CHECK(add_remote(pc, "a=" REMOTE_CAND_2, NULL, 1) == RTC_OK);
    CHECK(add_remote(pc, "", "1", -1) == RTC_OK);
    remote = description_text(pc, RTC_DESCRIPTION_PENDING_REMOTE);
    EXPECT_LINE(remote, 0, "a=" REMOTE_CAND);
    EXPECT_NO_LINE(remote, 1, "a=" REMOTE_CAND);
    EXPECT_LINE(remote, 1, "a=" REMOTE_CAND_2);
    EXPECT_NO_LINE(remote, 0, "a=" REMOTE_CAND_2);
    EXPECT_LINE(remote, 1, "a=end-of-candidates");
    EXPECT_NO_LINE(remote, 0, "a=end-of-candidates");
    EXPECT_NO_LINE(remote, 2, "a=end-of-candidates");
    CHECK(section_count(remote, 0, "a=candidate:") == 3);
    CHECK(section_count(remote, 2, "a=candidate:") == 2);
    free(remote);

    /* Refused: an unknown mid or index, a bad line, a foreign ufrag, neither
     * mid nor index; the remote description stays as it was. */
    char *before = description_text(pc, RTC_DESCRIPTION_REMOTE);
    CHECK(add_remote(pc, REMOTE_CAND, "nope", -1) == RTC_ERROR_OPERATION);
    CHECK(add_remote(pc, REMOTE_CAND, NULL, 3) == RTC_ERROR_OPERATION);
    CHECK(add_remote(pc, "candidate:garbage", "0", -1) == RTC_ERROR_OPERATION);
    CHECK(add_remote(pc, REMOTE_CAND " ufrag zzzz", "0", -1) == RTC_ERROR_OPERATION);
    CHECK(add_remote(pc, REMOTE_CAND, NULL, -1) != RTC_OK);
    CHECK(add_remote(pc, NULL, "0", -1) == RTC_ERROR_INVALID_ARGUMENT);
    char *after = description_text(pc, RTC_DESCRIPTION_REMOTE);
    CHECK(before && after && strcmp(before, after) == 0);
    free(before);
    free(after);

    /* Negotiated: the candidates in their sections, after the offer's. */
    char *a = answer_and_apply(pc);
    rtc_negotiation *n = rtc_pc_negotiation(pc);
    const rtc_negotiated_section *s0 = rtc_negotiation_section(n, 0);
    const rtc_negotiated_section *s1 = rtc_negotiation_section(n, 1);
    const rtc_negotiated_section *s2 = rtc_negotiation_section(n, 2);
    CHECK(s0 && s0->remote_candidate_count == 3 &&
          strcmp(s0->remote_candidates[2], REMOTE_CAND) == 0 && !s0->remote_end_of_candidates);
    CHECK(s1 && s1->remote_candidate_count == 3 &&
          strcmp(s1->remote_candidates[2], REMOTE_CAND_2) == 0 && s1->remote_end_of_candidates);
    CHECK(s2 && s2->remote_candidate_count == 2 && !s2->remote_end_of_candidates);
    CHECK(!has_remote_candidate(s1, REMOTE_CAND));
    /* The local answer does not carry remote candidates. */
    CHECK(a && strstr(a, "203.0.113.9") == NULL);
    free(a);

    /* After the answer (stable): kept in the current remote description; a
     * new snapshot has it, the earlier one does not change. */
    CHECK(add_remote(pc, REMOTE_CAND_3, "2", -1) == RTC_OK);
    remote = description_text(pc, RTC_DESCRIPTION_CURRENT_REMOTE);
    EXPECT_LINE(remote, 2, "a=" REMOTE_CAND_3);
    free(remote);
    rtc_negotiation *n2 = rtc_pc_negotiation(pc);
    s2 = rtc_negotiation_section(n2, 2);
    CHECK(s2 && s2->remote_candidate_count == 3 && has_remote_candidate(s2, REMOTE_CAND_3));
    s2 = rtc_negotiation_section(n, 2);
    CHECK(s2 && s2->remote_candidate_count == 2 && !has_remote_candidate(s2, REMOTE_CAND_3));
    rtc_negotiation_free(n2);
    rtc_negotiation_free(n);

    rtc_pc_close(pc);
    CHECK(add_remote(pc, REMOTE_CAND, "0", -1) == RTC_ERROR_INVALID_STATE);
    rtc_pc_free(pc);
}

/* ----------------------------------------------- rtc_pc_add_local_candidate */

#define LOCAL_CAND "candidate:1 1 udp 2122260223 192.0.2.7 40000 typ host"
#define LOCAL_CAND_2 \
    "candidate:2 1 udp 1686052607 203.0.113.20 40010 typ srflx raddr 192.0.2.7 rport 40000"
#define LOCAL_CAND_V6 "candidate:3 1 udp 2122262783 2001:db8::7 40002 typ host"
#define LOCAL_CAND_RTCP "candidate:4 2 udp 2122260222 192.0.2.7 40001 typ host"

static void test_add_local_candidate(const char *chrome) {
    char m[256];
    rtc_pc *pc = new_pc(NULL);
    if (!pc || !srd(pc, chrome)) {
        rtc_pc_free(pc);
        return;
    }
    add_tracks(pc);
    /* Without the call: no candidate, the default address 0.0.0.0 port 9. */
    char *a = create(pc);
    CHECK(a && strstr(a, "a=candidate:") == NULL);
    EXPECT_LINE(a, 0, "c=IN IP4 0.0.0.0");
    EXPECT_MLINE(a, 0, mline(m, sizeof m, AUDIO_M, "111 63 9 0 8 13 110 126"));
    free(a);

    /* With it (mid NULL: the first m-section of every transport, here the
     * one BUNDLE transport): the next answer carries the line in the tagged
     * m-section, and every bundled m-section takes its address and port as
     * the default (RFC 8839 5.1, the first component-1 candidate). */
    CHECK(rtc_pc_add_local_candidate(pc, LOCAL_CAND, NULL) == RTC_OK);
    CHECK(rtc_pc_add_local_candidate(pc, "a=" LOCAL_CAND_2, NULL) == RTC_OK);
    a = create(pc);
    EXPECT_LINE(a, 0, "a=" LOCAL_CAND);
    EXPECT_LINE(a, 0, "a=" LOCAL_CAND_2);
    {
        char *s = section(a, 0);
        CHECK(line_pos(s, "a=" LOCAL_CAND) < line_pos(s, "a=" LOCAL_CAND_2));
        free(s);
    }
    EXPECT_LINE(a, 0, "c=IN IP4 192.0.2.7");
    EXPECT_MLINE(a, 0, "m=audio 40000 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126");
    EXPECT_LINE(a, 1, "c=IN IP4 192.0.2.7");
    CHECK(section_count(a, 1, "m=video 40000 ") == 1);
    EXPECT_LINE(a, 2, "c=IN IP4 192.0.2.7");
    EXPECT_MLINE(a, 2, "m=application 40000 UDP/DTLS/SCTP webrtc-datachannel");
    CHECK(section_count(a, 1, "a=candidate:") == 0 && section_count(a, 2, "a=candidate:") == 0);
    free(a);
    apply(pc); /* the answer with the candidates is the one applied */
    char *local = description_text(pc, RTC_DESCRIPTION_CURRENT_LOCAL);
    EXPECT_LINE(local, 0, "a=" LOCAL_CAND);
    free(local);

    /* Refused: not a candidate; later answers are unchanged. */
    CHECK(rtc_pc_add_local_candidate(pc, "not a candidate", NULL) == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_pc_add_local_candidate(pc, NULL, NULL) == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_pc_add_local_candidate(NULL, LOCAL_CAND, NULL) == RTC_ERROR_INVALID_ARGUMENT);
    if (srd(pc, chrome)) {
        a = create(pc);
        CHECK(section_count(a, 0, "a=candidate:") == 2);
        free(a);
    }
    rtc_pc_close(pc);
    CHECK(rtc_pc_add_local_candidate(pc, LOCAL_CAND, NULL) == RTC_ERROR_INVALID_STATE);
    rtc_pc_free(pc);

    /* Before the offer, IPv6, and an RTCP (component 2) candidate first: the
     * line is carried but only component 1 gives the default address. */
    pc = new_pc(NULL);
    if (!pc)
        return;
    CHECK(rtc_pc_add_local_candidate(pc, LOCAL_CAND_RTCP, NULL) == RTC_OK);
    if (srd(pc, chrome)) {
        a = create(pc);
        EXPECT_LINE(a, 0, "a=" LOCAL_CAND_RTCP);
        EXPECT_LINE(a, 0, "c=IN IP4 0.0.0.0");
        CHECK(section_count(a, 0, "m=audio 9 ") == 1);
        free(a);
        CHECK(rtc_pc_add_local_candidate(pc, LOCAL_CAND_V6, NULL) == RTC_OK);
        a = create(pc);
        EXPECT_LINE(a, 0, "a=" LOCAL_CAND_V6);
        EXPECT_LINE(a, 0, "c=IN IP6 2001:db8::7");
        CHECK(section_count(a, 0, "m=audio 40002 ") == 1);
        EXPECT_LINE(a, 1, "c=IN IP6 2001:db8::7");
        free(a);
    }
    rtc_pc_free(pc);

    /* Without BUNDLE every m-section has its own transport: a candidate for
     * mid 1 goes to that m-section only; one without mid to each of them. */
    char *unbundled = without_lines(chrome, "a=group:BUNDLE");
    pc = new_pc(NULL);
    if (unbundled && pc && srd(pc, unbundled)) {
        CHECK(rtc_pc_add_local_candidate(pc, LOCAL_CAND, "1") == RTC_OK);
        a = create(pc);
        CHECK(a && strstr(a, "a=group:BUNDLE") == NULL);
        EXPECT_NO_LINE(a, 0, "a=" LOCAL_CAND);
        EXPECT_LINE(a, 0, "c=IN IP4 0.0.0.0");
        EXPECT_LINE(a, 1, "a=" LOCAL_CAND);
        EXPECT_LINE(a, 1, "c=IN IP4 192.0.2.7");
        CHECK(section_count(a, 1, "m=video 40000 ") == 1);
        EXPECT_NO_LINE(a, 2, "a=" LOCAL_CAND);
        EXPECT_LINE(a, 2, "c=IN IP4 0.0.0.0");
        free(a);
        CHECK(rtc_pc_add_local_candidate(pc, LOCAL_CAND_2, NULL) == RTC_OK);
        a = create(pc);
        EXPECT_LINE(a, 0, "a=" LOCAL_CAND_2);
        EXPECT_LINE(a, 1, "a=" LOCAL_CAND_2);
        EXPECT_LINE(a, 2, "a=" LOCAL_CAND_2);
        EXPECT_MLINE(a, 2, "m=application 40010 UDP/DTLS/SCTP webrtc-datachannel");
        EXPECT_LINE(a, 1, "c=IN IP4 192.0.2.7"); /* its own first candidate stays the default */
        free(a);
    }
    rtc_pc_free(pc);
    free(unbundled);
}

/* ------------------------------------------------- rtc_negotiation_dtls_role */

static void test_dtls_role(const char *chrome) {
    struct {
        const char *offered; /* a=setup of the offer */
        const char *answered;
        rtc_dtls_role role;
    } cases[] = {
        {"a=setup:actpass", "a=setup:active", RTC_DTLS_ROLE_CLIENT},
        {"a=setup:active", "a=setup:passive", RTC_DTLS_ROLE_SERVER},
        {"a=setup:passive", "a=setup:active", RTC_DTLS_ROLE_CLIENT},
    };
    CHECK(rtc_negotiation_dtls_role(NULL) == RTC_DTLS_ROLE_CLIENT);
    for (size_t i = 0; i < COUNT(cases); i++) {
        char *offer = i == 0 ? dup_str(chrome)
                             : replaced(chrome, "a=setup:actpass", cases[i].offered, 0);
        CHECK(offer != NULL);
        if (!offer)
            continue;
        char *a = NULL;
        rtc_pc *pc = answered(NULL, offer, 1, &a);
        for (int s = 0; s < 3; s++)
            EXPECT_LINE(a, s, cases[i].answered);
        rtc_negotiation *n = rtc_pc_negotiation(pc);
        CHECK(n != NULL);
        if (rtc_negotiation_dtls_role(n) != cases[i].role)
            fprintf(stderr, "offer %s: role %d, expected %d\n", cases[i].offered,
                    (int)rtc_negotiation_dtls_role(n), (int)cases[i].role);
        CHECK(n && rtc_negotiation_dtls_role(n) == cases[i].role);
        rtc_negotiation_free(n);
        free(a);
        rtc_pc_free(pc);
        free(offer);
    }
}

/* ----------------------- certificates and ICE credentials from the configuration */

/* A throwaway self-signed ECDSA P-256 certificate made for this test with
 * openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes,
 * and its SHA-256 fingerprint (openssl x509 -noout -fingerprint -sha256). */
static const char TEST_CERT[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBhjCCAS2gAwIBAgIUdfTp3QpwTU/H2Vzcew8pMW/JDMgwCgYIKoZIzj0EAwIw\n"
    "GDEWMBQGA1UEAwwNcnRjcGMtZWZmZWN0czAgFw0yNjEyMDEyMzA4MThaGA8yMTI2\n"
    "MTEwNzIzMDgxOFowGDEWMBQGA1UEAwwNcnRjcGMtZWZmZWN0czBZMBMGByqGSM49\n"
    "AgEGCCqGSM49AwEHA0IABI3oSpI8L1p9P9fM/OTNyFFD8emVVoztTZzknde1ZIaN\n"
    "891KZV+jB+HfINp5RWOZr0CDWoH6iujQG5UhgfR0Y2GjUzBRMB0GA1UdDgQWBBSU\n"
    "glIFmTx5/2t1S9Tbls9TtX1NsTAfBgNVHSMEGDAWgBSUglIFmTx5/2t1S9Tbls9T\n"
    "tX1NsTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCICi7qqZdnFXp\n"
    "efRV70Di++f5Grv++a88WZwBAgxiOx7uAiA49/WMKQCYGqPhdOvh8E7VQjYxlYar\n"
    "HJZM/wMpZv6pOA==\n"
    "-----END CERTIFICATE-----\n";
static const char TEST_KEY[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgAShC0lWUpL8viBxk\n"
    "TfyeccbdGTyzhgJmzud15UeJLlGhRANCAASN6EqSPC9afT/XzPzkzchRQ/HplVaM\n"
    "7U2c5J3XtWSGjfPdSmVfowfh3yDaeUVjma9Ag1qB+oro0BuVIYH0dGNh\n"
    "-----END PRIVATE KEY-----\n";
static const char TEST_FINGERPRINT[] =
    "a=fingerprint:sha-256 51:AD:DB:BD:F8:BC:05:F6:91:17:5C:84:EA:0E:DE:D7:E5:C2:02:F4:A9:9B:9A:"
    "BF:14:AE:CA:AF:31:6E:F2:38";

/* The answer's a=fingerprint line of m-section 0 (malloc'd), or NULL. */
static char *fingerprint_of(const rtc_configuration *cfg, const char *offer) {
    char *a = NULL;
    rtc_pc *pc = answered(cfg, offer, 0, &a);
    rtc_pc_free(pc);
    char *s = section(a, 0);
    free(a);
    char *fp = s ? strstr(s, "a=fingerprint:") : NULL;
    char *out = NULL;
    if (fp) {
        fp[strcspn(fp, "\r\n")] = '\0';
        out = dup_str(fp);
    }
    free(s);
    CHECK(out != NULL);
    return out;
}

static int same_str(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

static void test_certificates(const char *chrome) {
    /* Without a configured certificate: a fresh one per connection. */
    rtc_configuration *cfg = rtc_configuration_new();
    CHECK(cfg != NULL);
    if (!cfg)
        return;
    char *f1 = fingerprint_of(cfg, chrome), *f2 = fingerprint_of(cfg, chrome);
    CHECK(f1 && f2 && !same_str(f1, f2));
    free(f1);
    free(f2);

    /* rtc_configuration_generate_shared_certificate: one for all of them. */
    CHECK(rtc_configuration_generate_shared_certificate(cfg) == RTC_OK);
    f1 = fingerprint_of(cfg, chrome);
    f2 = fingerprint_of(cfg, chrome);
    CHECK(same_str(f1, f2));
    CHECK(f1 && !same_str(f1, TEST_FINGERPRINT));
    /* Another call makes another one. */
    CHECK(rtc_configuration_generate_shared_certificate(cfg) == RTC_OK);
    char *f3 = fingerprint_of(cfg, chrome);
    CHECK(f3 && !same_str(f1, f3));
    free(f1);
    free(f2);
    free(f3);

    /* rtc_configuration_set_certificate_pem: that certificate's fingerprint. */
    CHECK(rtc_configuration_set_certificate_pem(cfg, TEST_CERT, TEST_KEY) == RTC_OK);
    f1 = fingerprint_of(cfg, chrome);
    f2 = fingerprint_of(cfg, chrome);
    if (!same_str(f1, TEST_FINGERPRINT))
        fprintf(stderr, "fingerprint \"%s\", expected \"%s\"\n", f1 ? f1 : "", TEST_FINGERPRINT);
    CHECK(same_str(f1, TEST_FINGERPRINT) && same_str(f2, TEST_FINGERPRINT));
    free(f1);
    free(f2);
    /* Refused: the key and the certificate swapped, a truncated certificate;
     * the configured one stays. */
    CHECK(rtc_configuration_set_certificate_pem(cfg, TEST_KEY, TEST_CERT) ==
          RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_configuration_set_certificate_pem(cfg, TEST_CERT, NULL) ==
          RTC_ERROR_INVALID_ARGUMENT);
    f1 = fingerprint_of(cfg, chrome);
    CHECK(same_str(f1, TEST_FINGERPRINT));
    free(f1);
    rtc_configuration_free(cfg);
}

/* rtc_configuration_copy: what the original holds, then each changes apart. */
static void test_configuration_copy(const char *chrome) {
    rtc_configuration *cfg = rtc_configuration_new();
    CHECK(rtc_configuration_generate_shared_certificate(cfg) == RTC_OK);
    CHECK(rtc_configuration_add_local_candidate(cfg, LOCAL_CAND, NULL) == RTC_OK);
    rtc_configuration *copy = rtc_configuration_copy(cfg);
    CHECK(copy != NULL);
    char *f1 = fingerprint_of(cfg, chrome), *f2 = fingerprint_of(copy, chrome);
    CHECK(f1 && same_str(f1, f2)); /* the same shared certificate */
    free(f1);
    free(f2);
    CHECK(rtc_configuration_set_ice_lite(copy, true) == RTC_OK);
    char *a = NULL, *b = NULL;
    rtc_pc_free(answered(copy, chrome, 0, &a));
    rtc_pc_free(answered(cfg, chrome, 0, &b));
    CHECK(has_line(a, "a=ice-lite") && has_line(a, "a=" LOCAL_CAND));
    CHECK(b && !has_line(b, "a=ice-lite") && has_line(b, "a=" LOCAL_CAND));
    free(a);
    free(b);
    rtc_configuration_free(cfg); /* the copy outlives it */
    rtc_configuration *again = rtc_configuration_copy(copy);
    rtc_pc_free(answered(again, chrome, 0, &a));
    CHECK(has_line(a, "a=ice-lite"));
    free(a);
    rtc_configuration_free(again);
    rtc_configuration_free(copy);
    CHECK(rtc_configuration_copy(NULL) == NULL);
}

static void test_ice_credentials(const char *chrome) {
    const char *ufrag = "effU", *pwd = "effects+pwd/0123456789AB";
    char *a = NULL;
    /* Without the call: random credentials. */
    rtc_pc *pc = answered(NULL, chrome, 0, &a);
    EXPECT_NO_LINE(a, 0, "a=ice-ufrag:effU");
    free(a);
    rtc_pc_free(pc);

    rtc_configuration *cfg = rtc_configuration_new();
    CHECK(cfg && rtc_configuration_set_ice_credentials(cfg, ufrag, pwd) == RTC_OK);
    pc = answered(cfg, chrome, 0, &a);
    for (int s = 0; s < 3; s++) {
        EXPECT_LINE(a, s, "a=ice-ufrag:effU");
        EXPECT_LINE(a, s, "a=ice-pwd:effects+pwd/0123456789AB");
    }
    free(a);
    rtc_pc_free(pc);
    /* Refused ones keep the configured ones. */
    CHECK(rtc_configuration_set_ice_credentials(cfg, "bad ufrag", pwd) ==
          RTC_ERROR_INVALID_ARGUMENT);
    pc = answered(cfg, chrome, 0, &a);
    EXPECT_LINE(a, 0, "a=ice-ufrag:effU");
    free(a);
    rtc_pc_free(pc);
    rtc_configuration_free(cfg);
}

/* ------------- the local side: rtc_configuration_set_dtls_role, ice role, PEM */

/* Every local_* value of the snapshot is a line of the applied answer. */
static void expect_local_lines(const char *a, const rtc_negotiation *n) {
    char line[512];
    for (int i = 0; i < 3; i++) {
        const rtc_negotiated_section *s = rtc_negotiation_section(n, (size_t)i);
        int ok = s && s->local_ice_ufrag && s->local_ice_pwd && s->local_fingerprint_count == 1;
        CHECK(ok);
        if (!ok)
            continue;
        CHECK(s->dtls_role == RTC_DTLS_ROLE_SERVER && s->ice_role == RTC_ICE_ROLE_CONTROLLED);
        snprintf(line, sizeof line, "a=ice-ufrag:%s", s->local_ice_ufrag);
        EXPECT_LINE(a, i, line);
        snprintf(line, sizeof line, "a=ice-pwd:%s", s->local_ice_pwd);
        EXPECT_LINE(a, i, line);
        snprintf(line, sizeof line, "a=fingerprint:%s", s->local_fingerprints[0]);
        EXPECT_LINE(a, i, line);
        CHECK(s->local_candidate_count == (i == 0 ? 1u : 0u));
        for (size_t c = 0; c < s->local_candidate_count; c++) {
            snprintf(line, sizeof line, "a=%s", s->local_candidates[c]);
            EXPECT_LINE(a, i, line);
        }
        CHECK((size_t)section_count(a, i, "a=ssrc:") == 2 * s->local_ssrc_count);
        for (size_t k = 0; k < s->local_ssrc_count; k++) {
            snprintf(line, sizeof line, "a=ssrc:%u cname:%s", (unsigned)s->local_ssrcs[k],
                     s->local_cname);
            EXPECT_LINE(a, i, line);
            snprintf(line, sizeof line, "a=ssrc:%u msid:%s %s", (unsigned)s->local_ssrcs[k],
                     s->local_msid_stream, s->local_msid_track);
            EXPECT_LINE(a, i, line);
        }
        if (s->local_ssrc_group_count == 1 && s->local_ssrc_groups[0].ssrc_count == 2) {
            const rtc_ssrc_group *g = &s->local_ssrc_groups[0];
            snprintf(line, sizeof line, "a=ssrc-group:%s %u %u", g->semantics,
                     (unsigned)g->ssrcs[0], (unsigned)g->ssrcs[1]);
            EXPECT_LINE(a, i, line);
        }
        if (i == 2) {
            snprintf(line, sizeof line, "a=sctp-port:%u", (unsigned)s->local_sctp_port);
            EXPECT_LINE(a, i, line);
        }
    }
    /* Audio sends one SSRC; video its primary and rtx, paired in FID. */
    const rtc_negotiated_section *audio = rtc_negotiation_section(n, 0);
    const rtc_negotiated_section *video = rtc_negotiation_section(n, 1);
    CHECK(audio && audio->local_ssrc_count == 1 && audio->local_ssrc_group_count == 0);
    CHECK(video && video->local_ssrc_count == 2 && video->local_ssrc_group_count == 1);
    CHECK(video && video->local_msid_track && strcmp(video->local_msid_track, "cam") == 0);
}

static void test_local_side(const char *chrome) {
    CHECK(rtc_configuration_set_dtls_role(NULL, RTC_DTLS_ROLE_SERVER) ==
          RTC_ERROR_INVALID_ARGUMENT);
    rtc_configuration *cfg = rtc_configuration_new();
    CHECK(cfg != NULL);
    if (!cfg)
        return;
    CHECK(rtc_configuration_set_dtls_role(cfg, (rtc_dtls_role)7) == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_configuration_set_dtls_role(cfg, RTC_DTLS_ROLE_SERVER) == RTC_OK);
    CHECK(rtc_configuration_add_local_candidate(
              cfg, "candidate:1 1 udp 2122260223 198.51.100.10 50000 typ host", NULL) == RTC_OK);
    char *a = NULL;
    rtc_pc *pc = answered(cfg, chrome, 1, &a);
    rtc_configuration_free(cfg);
    /* To actpass, the configured role: passive. */
    for (int s = 0; s < 3; s++)
        EXPECT_LINE(a, s, "a=setup:passive");
    rtc_negotiation *n = rtc_pc_negotiation(pc);
    CHECK(n && rtc_negotiation_dtls_role(n) == RTC_DTLS_ROLE_SERVER);
    CHECK(n && rtc_negotiation_ice_role(n) == RTC_ICE_ROLE_CONTROLLED);
    CHECK(rtc_negotiation_ice_role(NULL) == RTC_ICE_ROLE_CONTROLLED);
    if (n && a)
        expect_local_lines(a, n);

    /* rtc_pc_certificate_pem: the certificate, then its key (the echo peer
     * proves with OpenSSL that the pair is the answer's fingerprint). */
    size_t len = rtc_pc_certificate_pem(pc, NULL, 0);
    char *pem = malloc(len + 1);
    CHECK(pem && rtc_pc_certificate_pem(pc, pem, len + 1) == len && strlen(pem) == len);
    CHECK(pem && strncmp(pem, "-----BEGIN CERTIFICATE-----", 27) == 0);
    CHECK(pem && strstr(pem, "-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----"));
    CHECK(rtc_pc_certificate_pem(NULL, pem, len + 1) == 0);
    free(pem);
    rtc_negotiation_free(n);
    free(a);
    rtc_pc_free(pc);

    /* An imported certificate comes back as given, its key after it. */
    cfg = rtc_configuration_new();
    CHECK(cfg && rtc_configuration_set_certificate_pem(cfg, TEST_CERT, TEST_KEY) == RTC_OK);
    pc = new_pc(cfg);
    rtc_configuration_free(cfg);
    char buf[4096];
    CHECK(rtc_pc_certificate_pem(pc, buf, sizeof buf) < sizeof buf);
    CHECK(strncmp(buf, TEST_CERT, strlen(TEST_CERT)) == 0);
    CHECK(strcmp(buf + strlen(TEST_CERT), TEST_KEY) == 0);
    rtc_pc_free(pc);
}

/* ------------- the offering side: rtc_pc_create_offer, rtc_offer_options_init,
 * ------------- rtc_pc_request_data_channels */

static void on_offer(const rtc_session_description *d, void *user_data) {
    CHECK(d->type == RTC_SDP_TYPE_OFFER);
    on_answer(d, user_data);
}

/* createOffer with options (NULL: defaults); the offer (malloc'd) or NULL. */
static char *offer_of(rtc_pc *pc, const rtc_offer_options *options) {
    outcome o = {0};
    return created(rtc_pc_create_offer(pc, on_offer, outcome_on_error, options, &o), &o,
                   "createOffer");
}

/* A description call of type t with sdp; its return code. */
static rtc_error_code describe(rtc_pc *pc, int local, rtc_sdp_type t, const char *sdp) {
    outcome o = {0};
    rtc_session_description d = {t, sdp};
    rtc_error_code rc =
        local ? rtc_pc_set_local_description(pc, &d, outcome_on_void, outcome_on_error, &o)
              : rtc_pc_set_remote_description(pc, &d, outcome_on_void, outcome_on_error, &o);
    if (rc != RTC_OK)
        fprintf(stderr, "%s description: %s: %s\n", local ? "local" : "remote", o.name,
                o.message);
    return rc;
}

static void test_offer_options(void) {
    rtc_offer_options opts;
    memset(&opts, 0x55, sizeof opts);
    rtc_offer_options_init(&opts);
    CHECK(!opts.ice_restart && opts.voice_activity_detection);
    CHECK(opts.offer_to_receive_audio == -1 && opts.offer_to_receive_video == -1);
    rtc_offer_options_init(NULL);

    /* No transceiver: offer_to_receive_audio adds a recvonly audio one. */
    rtc_pc *pc = new_pc(NULL);
    opts.offer_to_receive_audio = 1;
    char *o = offer_of(pc, &opts);
    CHECK(o && count_lines(o, "m=audio ") == 1 && count_lines(o, "a=recvonly") == 1);
    CHECK(rtc_pc_transceiver_count(pc) == 1);
    free(o);
    /* offer_to_receive_video = 0 makes a sendrecv video sendonly; VAD off drops CN. */
    CHECK(rtc_pc_add_track(pc, RTC_MEDIA_KIND_VIDEO, "cam", "s") == RTC_OK);
    rtc_offer_options_init(&opts);
    opts.offer_to_receive_video = 0;
    opts.voice_activity_detection = false;
    o = offer_of(pc, &opts);
    char *video = section(o, 1);
    CHECK(video && has_line(video, "a=sendonly"));
    CHECK(o && count_lines(o, "a=rtpmap:") > 0 && strstr(o, " CN/") == NULL);
    free(video);
    free(o);
    rtc_offer_options_init(&opts);
    o = offer_of(pc, &opts);
    CHECK(o && strstr(o, " CN/8000") != NULL);
    /* ice_restart: fresh credentials. */
    opts.ice_restart = true;
    char *r = offer_of(pc, &opts);
    char *u1 = o ? strstr(o, "a=ice-ufrag:") : NULL, *u2 = r ? strstr(r, "a=ice-ufrag:") : NULL;
    CHECK(u1 && u2 && strncmp(u1, u2, 28) != 0);
    free(o);
    free(r);
    rtc_pc_free(pc);
}

static void test_create_offer(const char *chrome) {
    outcome o = {0};
    CHECK(rtc_pc_create_offer(NULL, on_offer, outcome_on_error, NULL, &o) ==
          RTC_ERROR_INVALID_ARGUMENT);
    CHECK(o.code == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_pc_request_data_channels(NULL) == RTC_ERROR_INVALID_ARGUMENT);

    rtc_pc *a = new_pc(NULL), *b = new_pc(NULL);
    add_tracks(a);
    char *plain = offer_of(a, NULL);
    CHECK(plain && count_lines(plain, "m=") == 2 && !strstr(plain, "m=application"));
    free(plain);
    CHECK(rtc_pc_request_data_channels(a) == RTC_OK);
    char *offer = offer_of(a, NULL);
    CHECK(offer && count_lines(offer, "m=") == 3);
    EXPECT_LINE(offer, 2, "a=sctp-port:5000");
    EXPECT_LINE(offer, 0, "a=setup:actpass");
    CHECK(describe(a, 1, RTC_SDP_TYPE_OFFER, "") == RTC_OK);
    CHECK(rtc_pc_signaling_state(a) == RTC_SIGNALING_STATE_HAVE_LOCAL_OFFER);
    /* createOffer is refused while a remote offer is pending. */
    CHECK(srd(b, chrome));
    outcome refused = {0};
    CHECK(rtc_pc_create_offer(b, on_offer, outcome_on_error, NULL, &refused) ==
          RTC_ERROR_INVALID_STATE);
    CHECK(refused.failures == 1 && refused.successes == 0);
    rtc_pc_free(b);
    /* b answers a's offer; a applies the answer and is stable. */
    b = new_pc(NULL);
    char *answer = NULL;
    if (offer && srd(b, offer)) {
        add_tracks(b);
        answer = answer_and_apply(b);
    }
    CHECK(answer && describe(a, 0, RTC_SDP_TYPE_ANSWER, answer) == RTC_OK);
    CHECK(rtc_pc_signaling_state(a) == RTC_SIGNALING_STATE_STABLE);
    rtc_negotiation *n = rtc_pc_negotiation(a);
    CHECK(n && rtc_negotiation_section_count(n) == 3);
    /* b answered active: a is the DTLS server and the controlling agent. */
    CHECK(n && rtc_negotiation_dtls_role(n) == RTC_DTLS_ROLE_SERVER);
    CHECK(n && rtc_negotiation_ice_role(n) == RTC_ICE_ROLE_CONTROLLING);
    const rtc_negotiated_section *v = n ? rtc_negotiation_section(n, 1) : NULL;
    CHECK(v && v->accepted && v->direction == RTC_DIRECTION_SENDRECV && v->codec_count > 0);
    CHECK(v && v->remote_ssrc_count == 2 && v->local_ssrc_count == 2);
    CHECK(v && !v->ice_restarted);
    rtc_negotiation_free(n);
    free(answer);
    free(offer);
    /* An ICE restart: both snapshots say the transport restarted. */
    rtc_offer_options restart;
    rtc_offer_options_init(&restart);
    restart.ice_restart = true;
    offer = offer_of(a, &restart);
    answer = NULL;
    if (offer && describe(a, 1, RTC_SDP_TYPE_OFFER, "") == RTC_OK && srd(b, offer))
        answer = answer_and_apply(b);
    CHECK(answer && describe(a, 0, RTC_SDP_TYPE_ANSWER, answer) == RTC_OK);
    for (int side = 0; side < 2; side++) {
        n = rtc_pc_negotiation(side ? b : a);
        v = n ? rtc_negotiation_section(n, 0) : NULL;
        CHECK(v && v->ice_restarted && v->local_ice_restarted && v->remote_ice_restarted);
        rtc_negotiation_free(n);
    }
    free(answer);
    free(offer);
    rtc_pc_free(a);
    rtc_pc_free(b);
}

/* --------- rtc_pc_set_negotiation_needed_callback, rtc_pc_negotiation_needed */

typedef struct {
    rtc_pc *pc;
    int events;
    int flag_seen; /* rtc_pc_negotiation_needed from inside: no lock held */
} nn_state;

static void on_negotiation_needed(void *user_data) {
    nn_state *s = user_data;
    s->events++;
    s->flag_seen += rtc_pc_negotiation_needed(s->pc);
}

static void test_negotiation_needed(void) {
    CHECK(rtc_pc_set_negotiation_needed_callback(NULL, on_negotiation_needed, NULL) ==
          RTC_ERROR_INVALID_ARGUMENT);
    CHECK(!rtc_pc_negotiation_needed(NULL));
    rtc_pc *a = new_pc(NULL), *b = new_pc(NULL);
    nn_state s = {a, 0, 0};
    CHECK(rtc_pc_set_negotiation_needed_callback(a, on_negotiation_needed, &s) == RTC_OK);
    CHECK(!rtc_pc_negotiation_needed(a));
    add_tracks(a); /* two tracks: one need, one event */
    CHECK(s.events == 1 && s.flag_seen == 1 && rtc_pc_negotiation_needed(a));
    char *offer = offer_of(a, NULL);
    CHECK(describe(a, 1, RTC_SDP_TYPE_OFFER, "") == RTC_OK);
    char *answer = NULL;
    if (offer && srd(b, offer)) {
        add_tracks(b);
        answer = answer_and_apply(b);
    }
    CHECK(answer && describe(a, 0, RTC_SDP_TYPE_ANSWER, answer) == RTC_OK);
    CHECK(s.events == 1 && !rtc_pc_negotiation_needed(a));
    CHECK(rtc_pc_transceiver_set_direction(a, 0, RTC_DIRECTION_SENDONLY) == RTC_OK);
    CHECK(s.events == 2 && rtc_pc_negotiation_needed(a));
    CHECK(rtc_pc_transceiver_set_direction(a, 0, RTC_DIRECTION_SENDRECV) == RTC_OK);
    CHECK(s.events == 2 && !rtc_pc_negotiation_needed(a));
    /* Removed: no more events, the flag still follows. */
    CHECK(rtc_pc_set_negotiation_needed_callback(a, NULL, NULL) == RTC_OK);
    CHECK(rtc_pc_request_data_channels(a) == RTC_OK);
    CHECK(s.events == 2 && rtc_pc_negotiation_needed(a));
    free(offer);
    free(answer);
    rtc_pc_free(a);
    rtc_pc_free(b);
}

static void test_bundle_policy(void) {
    CHECK(rtc_configuration_set_bundle_policy(NULL, RTC_BUNDLE_POLICY_MAX_BUNDLE) ==
          RTC_ERROR_INVALID_ARGUMENT);
    rtc_configuration *cfg = rtc_configuration_new();
    CHECK(cfg && rtc_configuration_set_bundle_policy(cfg, (rtc_bundle_policy)3) ==
                     RTC_ERROR_INVALID_ARGUMENT);
    const rtc_bundle_policy policies[] = {RTC_BUNDLE_POLICY_MAX_COMPAT, RTC_BUNDLE_POLICY_MAX_BUNDLE};
    for (size_t i = 0; cfg && i < COUNT(policies); i++) {
        CHECK(rtc_configuration_set_bundle_policy(cfg, policies[i]) == RTC_OK);
        rtc_pc *pc = new_pc(cfg);
        add_tracks(pc);
        char *o = offer_of(pc, NULL);
        /* max-bundle: the video m-section has no transport of its own. */
        int bundle_only = policies[i] == RTC_BUNDLE_POLICY_MAX_BUNDLE;
        CHECK(o && (strstr(o, "m=video 0 ") != NULL) == bundle_only);
        CHECK(o && count_lines(o, "a=bundle-only") == bundle_only);
        free(o);
        rtc_pc_free(pc);
    }
    rtc_configuration_free(cfg);
}

/* Simulcast offered: rtcpc's answerer takes the three layers; an answer
 * without a=simulcast (as browsers answer today) sets simulcast_fallback;
 * so does one whose a=simulcast:recv comes without the rtp-stream-id
 * extension, which rtcpc tolerates (and says so in `tolerated`). */
static void test_simulcast_send(void) {
    const char *rids[] = {"h", "m", "l"};
    const char *streams[] = {"s"};
    const char *rid_ext = "a=extmap:6 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    rtc_transceiver_init init = {RTC_DIRECTION_SENDONLY, streams, 1, rids, 3};
    for (int strip = 0; strip < 3; strip++) {
        rtc_pc *a = new_pc(NULL), *b = new_pc(NULL);
        CHECK(rtc_pc_add_transceiver(a, RTC_MEDIA_KIND_VIDEO, &init, NULL) == RTC_OK);
        char *offer = offer_of(a, NULL);
        CHECK(offer && has_line(offer, "a=simulcast:send h;m;l"));
        CHECK(describe(a, 1, RTC_SDP_TYPE_OFFER, "") == RTC_OK);
        char *answer = offer && srd(b, offer) ? answer_and_apply(b) : NULL;
        CHECK(answer && has_line(answer, rid_ext));
        const char *first = strip == 1 ? "a=simulcast" : rid_ext;
        char *applied = answer && strip ? without_lines(answer, first) : answer;
        char *applied2 = applied && strip == 1 ? without_lines(applied, "a=rid:") : applied;
        CHECK(applied2 && describe(a, 0, RTC_SDP_TYPE_ANSWER, applied2) == RTC_OK);
        rtc_negotiation *n = rtc_pc_negotiation(a);
        const rtc_negotiated_section *v = n ? rtc_negotiation_section(n, 0) : NULL;
        CHECK(v && v->accepted && v->simulcast_fallback == (strip != 0));
        CHECK(v && v->simulcast_rid_count == (strip ? 0u : 3u));
        CHECK(v && v->tolerated_count == (strip == 2 ? 1u : 0u));
        CHECK(v && (strip != 2 || strstr(v->tolerated[0], "rtp-stream-id")));
        rtc_negotiation_free(n);
        if (applied2 != applied)
            free(applied2);
        if (applied != answer)
            free(applied);
        free(answer);
        free(offer);
        rtc_pc_free(a);
        rtc_pc_free(b);
    }
}

/* --------------------------------------------------- rtc_pc_transceiver_index */

static void test_transceiver_index(const char *chrome) {
    rtc_pc *pc = new_pc(NULL);
    if (!pc)
        return;
    size_t i = 77;
    CHECK(rtc_pc_transceiver_index(pc, "0", &i) == RTC_ERROR_INVALID_ARGUMENT && i == 77);
    /* A transceiver from addTrack before the offer comes first. */
    CHECK(rtc_pc_add_track(pc, RTC_MEDIA_KIND_VIDEO, "cam", "s") == RTC_OK);
    if (srd(pc, chrome)) {
        /* The video m-line (mid 1) took it: index 0; the audio one is new. */
        CHECK(rtc_pc_transceiver_index(pc, "1", &i) == RTC_OK && i == 0);
        CHECK(rtc_pc_transceiver_index(pc, "0", &i) == RTC_OK && i == 1);
        rtc_media_kind kind = RTC_MEDIA_KIND_VIDEO;
        CHECK(rtc_pc_transceiver_kind(pc, i, &kind) == RTC_OK && kind == RTC_MEDIA_KIND_AUDIO);
        /* The data channel m-line has no transceiver. */
        CHECK(rtc_pc_transceiver_index(pc, "2", &i) == RTC_ERROR_INVALID_ARGUMENT);
        CHECK(rtc_pc_transceiver_index(pc, "1", NULL) == RTC_ERROR_INVALID_ARGUMENT);
        CHECK(rtc_pc_transceiver_index(pc, NULL, &i) == RTC_ERROR_INVALID_ARGUMENT);
        char *a = answer_and_apply(pc);
        EXPECT_LINE(a, 1, "a=msid:s cam");
        EXPECT_LINE(a, 0, "a=recvonly");
        free(a);
    }
    rtc_pc_free(pc);
}

/* ---------------------------------------------------------------- rtc_version */

static void test_version(void) {
    char header[32];
    snprintf(header, sizeof header, "%d.%d.%d", RTCPC_VERSION_MAJOR, RTCPC_VERSION_MINOR,
             RTCPC_VERSION_PATCH);
    const char *v = rtc_version();
    if (!v || strcmp(v, header) != 0)
        fprintf(stderr, "rtc_version() is \"%s\", the header's %s\n", v ? v : "(null)", header);
    CHECK(v && strcmp(v, header) == 0);
    CHECK(rtc_version() == v); /* static: the same string every time */
}

/* ----------------------------------- found by these checks, fixed since */

/* JSEP 5.10, RFC 9429; WPT webrtc/protocol/transceiver-direction-match):
 * an offered m-section is matched to a free transceiver from addTrack only
 * when the offerer wants to receive on it (sendrecv or recvonly); a
 * sendonly or inactive one gets a new recvonly transceiver, so the track
 * stays free for an m-line that can carry it. rtcpc matches regardless of
 * the offered direction: with an offer of a sendonly audio m-line and then
 * a sendrecv one, the track is tied to the first, where it can never be
 * sent, and the answer sends nothing although the second m-line asks for
 * it (fixed: rtcpc now follows JSEP 5.10). */
static void test_add_track_matches_sendonly_mline(const char *chrome) {
    /* The Chrome offer with its audio m-line twice: mid 0 sendonly, then
     * mid 3 sendrecv (other SSRC), in the BUNDLE group. */
    char *session = section(chrome, -1), *audio = section(chrome, 0);
    char *rest1 = section(chrome, 1), *rest2 = section(chrome, 2);
    char *first = audio ? replaced(audio, "a=sendrecv", "a=sendonly", 1) : NULL;
    char *second0 = audio ? replaced(audio, "a=mid:0", "a=mid:3", 1) : NULL;
    char *second = second0 ? replaced(second0, "260650162", "260650163", 0) : NULL;
    char *group = session ? replaced(session, "a=group:BUNDLE 0 1 2", "a=group:BUNDLE 0 3 1 2", 1)
                          : NULL;
    char *offer = NULL;
    if (group && first && second && rest1 && rest2) {
        size_t n = strlen(group) + strlen(first) + strlen(second) + strlen(rest1) + strlen(rest2);
        offer = malloc(n + 1);
        if (offer)
            snprintf(offer, n + 1, "%s%s%s%s%s", group, first, second, rest1, rest2);
    }
    CHECK(offer != NULL);
    rtc_pc *pc = new_pc(NULL);
    if (offer && pc) {
        CHECK(rtc_pc_add_track(pc, RTC_MEDIA_KIND_AUDIO, "mic", "s") == RTC_OK);
        if (srd(pc, offer)) {
            CHECK(index_of(pc, "3") == 0);
            CHECK(rtc_pc_transceiver_count(pc) == 3);
            char *a = answer_and_apply(pc);
            EXPECT_LINE(a, 0, "a=recvonly");
            CHECK(section_count(a, 0, "a=msid:") == 0);
            EXPECT_LINE(a, 1, "a=sendrecv");
            EXPECT_LINE(a, 1, "a=msid:s mic");
            free(a);
        }
    }
    rtc_pc_free(pc);
    free(offer);
    free(group);
    free(second);
    free(second0);
    free(first);
    free(rest2);
    free(rest1);
    free(audio);
    free(session);
}

/* W3C setCodecPreferences, and the header: "each must be a codec of
 * the connection's capabilities"): preferences choose and order codecs of
 * the capabilities; the codec answered is the capability's. rtcpc answers
 * the rtc_codec given instead, so a preference without rtcp_feedback (the
 * W3C RTCRtpCodec has none) drops every a=rtcp-fb of that codec (nack, nack
 * pli, ccm fir, goog-remb, transport-cc) (fixed: the capability is
 * answered, with its rtcp-fb and fmtp). */
static void test_codec_preferences_keep_feedback(const char *chrome) {
    rtc_negotiation *n;
    rtc_codec vp8 = codec("VP8", 90000, 0, NULL);
    char *a = answer_with_preferences(chrome, "1", &vp8, 1, &n);
    EXPECT_MLINE(a, 1, "m=video 9 UDP/TLS/RTP/SAVPF 96");
    EXPECT_LINE(a, 1, "a=rtcp-fb:96 nack");
    EXPECT_LINE(a, 1, "a=rtcp-fb:96 nack pli");
    EXPECT_LINE(a, 1, "a=rtcp-fb:96 transport-cc");
    const rtc_codec_parameters *c = codec_pt(rtc_negotiation_section(n, 1), 96);
    CHECK(c && c->rtcp_feedback_count == 5);
    rtc_negotiation_free(n);
    free(a);
    /* W3C: the fmtp line must be the capability's (issue 21): without it,
     * opus is no codec of the capabilities. */
    rtc_pc *pc = new_pc(NULL);
    CHECK(pc && srd(pc, chrome));
    add_tracks(pc);
    rtc_codec bare_opus = codec("opus", 48000, 2, NULL);
    CHECK(rtc_pc_transceiver_set_codec_preferences(pc, index_of(pc, "0"), &bare_opus, 1) ==
          RTC_ERROR_INVALID_MODIFICATION);
    rtc_pc_free(pc);
    rtc_codec opus = codec("opus", 48000, 2, OPUS_FMTP);
    a = answer_with_preferences(chrome, "0", &opus, 1, &n);
    EXPECT_LINE(a, 0, "a=fmtp:111 minptime=10;useinbandfec=1");
    EXPECT_LINE(a, 0, "a=rtcp-fb:111 transport-cc");
    rtc_negotiation_free(n);
    free(a);
}

/* Header: rtc_pc_add_local_candidate "later answers carry it"; also
 * rtc_configuration_add_local_candidate): a candidate given for the mid of a
 * bundled m-section other than the tagged one is accepted (RTC_OK) and then
 * appears in no answer, and does not give the default address either: the
 * answer writes candidates only in the tagged m-section, and only those for
 * its mid or no mid. It belongs to the BUNDLE transport (RFC 8843 7.3.1:
 * the answerer uses the tagged m-section's transport): carry it there, or
 * refuse it (fixed: carried on the BUNDLE transport). */
static void test_local_candidate_for_bundled_mid(const char *chrome) {
    rtc_pc *pc = new_pc(NULL);
    if (pc && srd(pc, chrome)) {
        rtc_error_code rc = rtc_pc_add_local_candidate(pc, LOCAL_CAND, "1");
        char *a = create(pc);
        CHECK(rc != RTC_OK || has_line(a, "a=" LOCAL_CAND));
        if (rc == RTC_OK) {
            EXPECT_LINE(a, 0, "a=" LOCAL_CAND);
            EXPECT_LINE(a, 1, "c=IN IP4 192.0.2.7");
        }
        free(a);
    }
    rtc_pc_free(pc);
}

/* ------------------------- rtc_pc_set_local_description with no description */

/* W3C setLocalDescription(): NULL creates and applies the offer (stable) or
 * the answer (have-remote-offer); a NULL sdp is "". */
static void test_parameterless_set_local_description(const char *chrome) {
    rtc_pc *a = new_pc(NULL), *b = new_pc(NULL);
    outcome o = {0};
    CHECK(rtc_pc_add_track(a, RTC_MEDIA_KIND_AUDIO, "mic", "s") == RTC_OK);
    CHECK(rtc_pc_set_local_description(a, NULL, outcome_on_void, outcome_on_error, &o) == RTC_OK);
    CHECK(o.successes == 1 && rtc_pc_signaling_state(a) == RTC_SIGNALING_STATE_HAVE_LOCAL_OFFER);
    char *offer = description_text(a, RTC_DESCRIPTION_PENDING_LOCAL);
    CHECK(offer && has_line(offer, "a=mid:0"));
    CHECK(offer && srd(b, offer));
    rtc_session_description no_sdp = {RTC_SDP_TYPE_ANSWER, NULL};
    CHECK(rtc_pc_set_local_description(b, &no_sdp, NULL, NULL, NULL) == RTC_OK);
    CHECK(rtc_pc_signaling_state(b) == RTC_SIGNALING_STATE_STABLE);
    /* In stable an answer cannot be made: InvalidStateError. */
    outcome e = {0};
    EXPECT_FAILURE(rtc_pc_set_local_description(b, &no_sdp, outcome_on_void, outcome_on_error, &e),
                   e, RTC_ERROR_INVALID_STATE, "InvalidStateError");
    free(offer);
    rtc_pc_free(a);
    rtc_pc_free(b);
    /* A Chromium offer answered with no description at all. */
    rtc_pc *c = new_pc(NULL);
    CHECK(srd(c, chrome));
    CHECK(rtc_pc_set_local_description(c, NULL, NULL, NULL, NULL) == RTC_OK);
    CHECK(rtc_pc_signaling_state(c) == RTC_SIGNALING_STATE_STABLE);
    rtc_pc_free(c);
}

/* ------- rtc_pc_add_track_with_streams, _remove_track, _replace_track, _sender_set_streams */

/* a offers to b and applies b's answer. */
static void exchange_with(rtc_pc *a, rtc_pc *b) {
    char *offer = offer_of(a, NULL);
    CHECK(offer && describe(a, 1, RTC_SDP_TYPE_OFFER, "") == RTC_OK);
    char *answer = offer && srd(b, offer) ? answer_and_apply(b) : NULL;
    CHECK(answer && describe(a, 0, RTC_SDP_TYPE_ANSWER, answer) == RTC_OK);
    free(offer);
    free(answer);
}

static void test_sender_calls(void) {
    rtc_pc *a = new_pc(NULL), *b = new_pc(NULL);
    const char *streams[] = {"s1", "s2"};
    size_t i = 99;
    CHECK(rtc_pc_add_track_with_streams(a, RTC_MEDIA_KIND_AUDIO, "mic", streams, 2, &i) == RTC_OK);
    CHECK(i == 0);
    const char *bad[] = {"not a token"};
    CHECK(rtc_pc_add_track_with_streams(a, RTC_MEDIA_KIND_AUDIO, "mic2", bad, 1, NULL) ==
          RTC_ERROR_INVALID_ARGUMENT);
    char *offer = offer_of(a, NULL);
    CHECK(offer && has_line(offer, "a=msid:s1 mic") && has_line(offer, "a=msid:s2 mic"));
    free(offer);
    exchange_with(a, b);
    CHECK(!rtc_pc_negotiation_needed(a));
    /* replaceTrack: no renegotiation; the other kind is a TypeError. */
    CHECK(rtc_pc_replace_track(a, 0, RTC_MEDIA_KIND_AUDIO, "mic-b") == RTC_OK);
    CHECK(!rtc_pc_negotiation_needed(a));
    CHECK(rtc_pc_replace_track(a, 0, RTC_MEDIA_KIND_VIDEO, "cam") == RTC_ERROR_INVALID_ARGUMENT);
    /* setStreams: one stream now; negotiation needed, the offer says so. */
    const char *one[] = {"s3"};
    CHECK(rtc_pc_sender_set_streams(a, 0, one, 1) == RTC_OK);
    CHECK(rtc_pc_negotiation_needed(a));
    offer = offer_of(a, NULL);
    CHECK(offer && has_line(offer, "a=msid:s3 mic") && !has_line(offer, "a=msid:s1 mic"));
    free(offer);
    exchange_with(a, b);
    /* removeTrack: recvonly, negotiation needed. */
    CHECK(rtc_pc_remove_track(a, 0) == RTC_OK);
    rtc_transceiver_info info;
    memset(&info, 0, sizeof info);
    CHECK(rtc_pc_transceiver_info(a, 0, &info) == RTC_OK && !info.has_track &&
          info.direction == RTC_DIRECTION_RECVONLY);
    CHECK(rtc_pc_negotiation_needed(a));
    CHECK(rtc_pc_remove_track(a, 7) == RTC_ERROR_INVALID_ACCESS);
    rtc_pc_close(a);
    CHECK(rtc_pc_remove_track(a, 0) == RTC_ERROR_INVALID_STATE);
    CHECK(rtc_pc_sender_set_streams(a, 0, NULL, 0) == RTC_ERROR_INVALID_STATE);
    rtc_pc_free(a);
    rtc_pc_free(b);
}

/* -------------- rtc_pc_get_configuration, rtc_pc_set_configuration,
 *                rtc_pc_add_ice_candidate_with_ufrag */

static void test_configuration_and_ufrag(const char *chrome) {
    rtc_pc *pc = new_pc(NULL);
    CHECK(rtc_pc_add_track(pc, RTC_MEDIA_KIND_AUDIO, "mic", "s") == RTC_OK);
    rtc_configuration *c = rtc_pc_get_configuration(pc);
    CHECK(c != NULL);
    CHECK(rtc_configuration_add_local_candidate(c, LOCAL_CAND, NULL) == RTC_OK);
    CHECK(rtc_pc_set_configuration(pc, c) == RTC_OK);
    char *offer = offer_of(pc, NULL);
    CHECK(offer && has_line(offer, "a=" LOCAL_CAND));
    free(offer);
    /* The bundle policy is the connection's: InvalidModificationError. */
    CHECK(rtc_configuration_set_bundle_policy(c, RTC_BUNDLE_POLICY_MAX_BUNDLE) == RTC_OK);
    CHECK(rtc_pc_set_configuration(pc, c) == RTC_ERROR_INVALID_MODIFICATION);
    CHECK(rtc_pc_set_configuration(pc, NULL) == RTC_ERROR_INVALID_ARGUMENT);
    rtc_configuration_free(c);
    CHECK(rtc_pc_get_configuration(NULL) == NULL);
    rtc_pc_close(pc);
    c = rtc_configuration_new();
    CHECK(rtc_pc_set_configuration(pc, c) == RTC_ERROR_INVALID_STATE);
    rtc_configuration_free(c);
    rtc_pc_free(pc);

    /* usernameFragment: the remote description's ice-ufrag, else OperationError. */
    rtc_pc *b = new_pc(NULL);
    CHECK(srd(b, chrome));
    char ufrag[64] = "";
    const char *u = strstr(chrome, "a=ice-ufrag:");
    if (u)
        sscanf(u + strlen("a=ice-ufrag:"), "%63s", ufrag);
    outcome o = {0};
    CHECK(rtc_pc_add_ice_candidate_with_ufrag(b, REMOTE_CAND, "0", -1, ufrag, outcome_on_void,
                                              outcome_on_error, &o) == RTC_OK);
    outcome e = {0};
    EXPECT_FAILURE(rtc_pc_add_ice_candidate_with_ufrag(b, REMOTE_CAND, "0", -1, "nosuch",
                                                       outcome_on_void, outcome_on_error, &e),
                   e, RTC_ERROR_OPERATION, "OperationError");
    rtc_pc_free(b);
}

/* ------------------ rtc_pc_set_signaling_state_callback, rtc_pc_set_track_callback */

typedef struct {
    rtc_pc *pc;
    int states[8], state_count;
    int added, removed;
    char first_stream[64];
    size_t last_index;
    int reentered; /* callbacks that could call into the handle */
} events_seen;

static void on_state(rtc_signaling_state state, void *user_data) {
    events_seen *s = user_data;
    if (s->state_count < 8)
        s->states[s->state_count++] = (int)state;
    /* No lock is held: the handle can be used from here (events are
     * delivered after the call, so it is already in its final state). */
    s->reentered += rtc_pc_signaling_state(s->pc) != RTC_SIGNALING_STATE_CLOSED;
}

static void on_track(const rtc_track_event *e, void *user_data) {
    events_seen *s = user_data;
    if (e->removed) {
        s->removed++;
        return;
    }
    s->added++;
    s->last_index = e->transceiver_index;
    if (e->stream_id_count > 0 && !s->first_stream[0])
        snprintf(s->first_stream, sizeof s->first_stream, "%s", e->stream_ids[0]);
}

static void test_event_callbacks(const char *chrome) {
    rtc_pc *pc = new_pc(NULL);
    events_seen s;
    memset(&s, 0, sizeof s);
    s.pc = pc;
    CHECK(rtc_pc_set_signaling_state_callback(pc, on_state, &s) == RTC_OK);
    CHECK(rtc_pc_set_track_callback(pc, on_track, &s) == RTC_OK);
    CHECK(rtc_pc_set_track_callback(NULL, on_track, &s) == RTC_ERROR_INVALID_ARGUMENT);
    /* A local offer, then the browser's offer: glare, two transitions. */
    CHECK(rtc_pc_add_track(pc, RTC_MEDIA_KIND_AUDIO, "mic", "s") == RTC_OK);
    CHECK(rtc_pc_set_local_description(pc, NULL, NULL, NULL, NULL) == RTC_OK);
    CHECK(srd(pc, chrome));
    CHECK(s.state_count == 3 && s.states[0] == RTC_SIGNALING_STATE_HAVE_LOCAL_OFFER &&
          s.states[1] == RTC_SIGNALING_STATE_STABLE &&
          s.states[2] == RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);
    CHECK(s.reentered == 3);
    /* The offer sends audio and video: two tracks, with Chromium's stream. */
    const char *msid = strstr(chrome, "a=msid:");
    CHECK(s.added == 2 && s.removed == 0 && msid &&
          strncmp(msid + 7, s.first_stream, strlen(s.first_stream)) == 0 && s.first_stream[0]);
    CHECK(rtc_pc_set_local_description(pc, NULL, NULL, NULL, NULL) == RTC_OK);
    CHECK(s.state_count == 4 && s.states[3] == RTC_SIGNALING_STATE_STABLE);
    /* Removed callbacks stay quiet. */
    CHECK(rtc_pc_set_signaling_state_callback(pc, NULL, NULL) == RTC_OK);
    CHECK(srd(pc, chrome));
    CHECK(s.state_count == 4);
    CHECK(describe(pc, 1, RTC_SDP_TYPE_ROLLBACK, "") == RTC_OK);
    rtc_pc_free(pc);
}

/* ------------------------------------------------------- rtc_pc_restart_ice */

/* The first a=ice-ufrag value of `sdp`, copied into `out`. */
static void first_ufrag(const char *sdp, char *out, size_t size) {
    const char *u = sdp ? strstr(sdp, "a=ice-ufrag:") : NULL;
    size_t n = u ? strcspn(u + 12, "\r\n") : 0;
    snprintf(out, size, "%.*s", (int)n, u ? u + 12 : "");
}

static void test_restart_ice(void) {
    CHECK(rtc_pc_restart_ice(NULL) == RTC_ERROR_INVALID_ARGUMENT);
    rtc_pc *a = new_pc(NULL), *b = new_pc(NULL);
    nn_state s = {a, 0, 0};
    CHECK(rtc_pc_set_negotiation_needed_callback(a, on_negotiation_needed, &s) == RTC_OK);
    CHECK(rtc_pc_restart_ice(a) == RTC_OK && !rtc_pc_negotiation_needed(a)); /* nothing yet */
    CHECK(rtc_pc_add_track(a, RTC_MEDIA_KIND_AUDIO, "mic", "s") == RTC_OK);
    char before[64], after[64];
    char *offer = offer_of(a, NULL);
    first_ufrag(offer, before, sizeof before);
    free(offer);
    exchange_with(a, b);
    int events = s.events;
    CHECK(rtc_pc_restart_ice(a) == RTC_OK);
    CHECK(s.events == events + 1 && rtc_pc_negotiation_needed(a));
    offer = offer_of(a, NULL);
    first_ufrag(offer, after, sizeof after);
    CHECK(before[0] && after[0] && strcmp(before, after) != 0);
    free(offer);
    exchange_with(a, b);
    CHECK(!rtc_pc_negotiation_needed(a));
    rtc_pc_close(a);
    CHECK(rtc_pc_restart_ice(a) == RTC_OK && !rtc_pc_negotiation_needed(a));
    rtc_pc_free(a);
    rtc_pc_free(b);
}

/* --------- rtc_pc_apply_ice_fragment, _restart_ice_by_fragment, _local_ice_fragment,
 *           rtc_pc_ice_generation, rtc_negotiation_ice_generation, rtc_pc_unanswered */

static void test_ice_fragments(const char *chrome) {
    rtc_pc *pc = new_pc(NULL);
    outcome o = {0};
    /* Before an exchange: nothing to trickle into, no fragment of ours. */
    CHECK(rtc_pc_apply_ice_fragment(pc, "a=end-of-candidates\r\n", NULL, outcome_on_void,
                                    outcome_on_error, &o) == RTC_ERROR_INVALID_STATE);
    CHECK(rtc_pc_local_ice_fragment(pc, NULL, 0) == 0);
    CHECK(rtc_pc_restart_ice_by_fragment(pc) == RTC_ERROR_INVALID_STATE);
    CHECK(rtc_pc_apply_ice_fragment(NULL, "", NULL, NULL, NULL, NULL) ==
          RTC_ERROR_INVALID_ARGUMENT);
    char *answer = NULL;
    if (srd(pc, chrome)) {
        add_tracks(pc);
        answer = answer_and_apply(pc);
    }
    CHECK(answer != NULL);
    CHECK(rtc_pc_unanswered(pc, NULL, 0) == 0); /* answered whole */
    CHECK(rtc_pc_ice_generation(pc) == 0);
    /* A trickle (simple-whip-client's shape) with a bad line: syntax error, line 3. */
    const char *bad = "a=ice-ufrag:Xb7Q\r\nm=audio 9 RTP/AVP 0\r\na=candidate:x\r\n";
    memset(&o, 0, sizeof o);
    rtc_error_code rc = rtc_pc_apply_ice_fragment(pc, bad, NULL, outcome_on_void,
                                                  outcome_on_error, &o);
    EXPECT_FAILURE(rc, o, RTC_ERROR_SYNTAX, "OperationError");
    /* A restart from the peer: new credentials, so ours are new too. */
    rtc_ice_fragment_result r;
    memset(&r, 0, sizeof r);
    memset(&o, 0, sizeof o);
    rc = rtc_pc_apply_ice_fragment(pc, "a=ice-ufrag:ysXw\r\na=ice-pwd:vw5LmwG4y/e6dPP/zAP9Gp5k\r\n",
                                   &r, outcome_on_void, outcome_on_error, &o);
    CHECK(rc == RTC_OK && o.successes == 1 && r.restarted && r.candidates == 0);
    CHECK(rtc_pc_ice_generation(pc) == 1);
    rtc_negotiation *n = rtc_pc_negotiation(pc);
    CHECK(n && rtc_negotiation_ice_generation(n) == 1);
    const rtc_negotiated_section *s = n ? rtc_negotiation_section(n, 0) : NULL;
    CHECK(s && s->remote_ice_ufrag && strcmp(s->remote_ice_ufrag, "ysXw") == 0);
    char reply[4096];
    size_t len = rtc_pc_local_ice_fragment(pc, reply, sizeof reply);
    CHECK(len > 0 && len < sizeof reply && s && s->local_ice_ufrag);
    if (len > 0 && s && s->local_ice_ufrag) {
        char want[128];
        snprintf(want, sizeof want, "a=ice-ufrag:%s\r\n", s->local_ice_ufrag);
        CHECK(strstr(reply, want) != NULL && strstr(reply, "a=mid:0\r\n") != NULL);
    }
    rtc_negotiation_free(n);
    CHECK(rtc_pc_restart_ice_by_fragment(pc) == RTC_OK);
    free(answer);
    rtc_pc_free(pc);
    /* An answer that cannot take the offer whole says why. */
    rtc_configuration *cfg = rtc_configuration_new();
    CHECK(rtc_configuration_set_codecs(cfg, RTC_MEDIA_KIND_VIDEO, NULL, 0) == RTC_OK);
    rtc_pc *narrow = new_pc(cfg);
    rtc_configuration_free(cfg);
    if (srd(narrow, chrome)) {
        char *a = create(narrow);
        char why[1024];
        size_t n_why = rtc_pc_unanswered(narrow, why, sizeof why);
        CHECK(a && n_why > 0 && strstr(why, "m-line 1 (video, mid 1): no codec in common") == why);
        free(a);
    }
    rtc_pc_free(narrow);
}

int main(void) {
    const char *chrome_path = RTCPC_DEFAULT_OFFER;
    char firefox_path[1024];
    const char *slash = strrchr(chrome_path, '/');
    size_t dir = slash ? (size_t)(slash - chrome_path) + 1 : 0;
    snprintf(firefox_path, sizeof firefox_path, "%.*ssipsorcery-tests__firefox-84-video-rtx.sdp",
             (int)dir, chrome_path);
    char *chrome = read_file(chrome_path), *firefox = read_file(firefox_path);
    if (!chrome || !firefox) {
        fprintf(stderr, "cannot read %s or %s\n", chrome_path, firefox_path);
        free(chrome);
        free(firefox);
        return 1;
    }
    test_set_codecs(chrome);
    test_set_header_extensions(chrome, firefox);
    test_add_transceiver(chrome);
    test_set_direction(chrome);
    test_stop(chrome);
    test_set_codec_preferences(chrome);
    test_add_ice_candidate(chrome);
    test_add_local_candidate(chrome);
    test_dtls_role(chrome);
    test_certificates(chrome);
    test_configuration_copy(chrome);
    test_local_side(chrome);
    test_offer_options();
    test_create_offer(chrome);
    test_negotiation_needed();
    test_bundle_policy();
    test_simulcast_send();
    test_ice_credentials(chrome);
    test_transceiver_index(chrome);
    test_version();
    test_add_track_matches_sendonly_mline(chrome);
    test_codec_preferences_keep_feedback(chrome);
    test_local_candidate_for_bundled_mid(chrome);
    test_parameterless_set_local_description(chrome);
    test_sender_calls();
    test_configuration_and_ufrag(chrome);
    test_event_callbacks(chrome);
    test_restart_ice();
    test_ice_fragments(chrome);
    free(chrome);
    free(firefox);
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    else
        printf("effects: all checks passed\n");
    return failures ? 1 : 0;
}
