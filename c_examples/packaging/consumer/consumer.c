/* An application using an installed rtcpc (pkg-config or find_package(rtcpc)):
 * answers the offer in argv[1] and checks the header and library versions agree.
 * Built out of tree by c_examples/packaging/run_consumers.sh. */
#include <rtcpc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STR_(x) #x
#define STR(x) STR_(x)

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *text = malloc((size_t)n + 1);
    if (text && fread(text, 1, (size_t)n, f) != (size_t)n) {
        free(text);
        text = NULL;
    }
    if (text) text[n] = '\0';
    fclose(f);
    return text;
}

static void on_error(const rtc_error *e, void *user_data) {
    (void)user_data;
    fprintf(stderr, "%s: %s\n", e->name, e->message);
}

static void on_answer(const rtc_session_description *d, void *user_data) {
    int *ok = user_data;
    *ok = d->type == RTC_SDP_TYPE_ANSWER && strstr(d->sdp, "a=setup:active") != NULL;
}

int main(int argc, char **argv) {
    const char *header_version =
        STR(RTCPC_VERSION_MAJOR) "." STR(RTCPC_VERSION_MINOR) "." STR(RTCPC_VERSION_PATCH);
    if (strcmp(rtc_version(), header_version) != 0) {
        fprintf(stderr, "library %s, header %s\n", rtc_version(), header_version);
        return 1;
    }
    char *offer_sdp = argc > 1 ? read_file(argv[1]) : NULL;
    if (!offer_sdp) {
        fprintf(stderr, "usage: %s OFFER_FILE\n", argv[0]);
        return 1;
    }
    rtc_pc *pc = rtc_pc_new(NULL);
    rtc_session_description offer = {RTC_SDP_TYPE_OFFER, offer_sdp};
    int ok = 0;
    if (rtc_pc_set_remote_description(pc, &offer, NULL, on_error, NULL) == RTC_OK &&
        rtc_pc_add_track(pc, RTC_MEDIA_KIND_AUDIO, "mic", "stream") == RTC_OK)
        rtc_pc_create_answer(pc, on_answer, on_error, NULL, &ok);
    rtc_pc_free(pc);
    free(offer_sdp);
    if (!ok) return 1;
    printf("rtcpc %s: answered\n", rtc_version());
    return 0;
}
