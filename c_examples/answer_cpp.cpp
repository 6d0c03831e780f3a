// answer_cpp: rtcpc-answer's steps from C++17, on the C API itself (for a
// C++ wrapper, see include/rtcpc.hpp and packaging/consumer/consumer_cpp.cpp).
// The handles are unique_ptrs that call rtc_*_free; the callbacks are
// noexcept functions (nothing may unwind into rtcpc) that copy what they are
// handed into their user_data. Linked against librtcpc.so. It checks the
// answer and exits with 1 when a check fails.

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "rtcpc.h"

#ifndef RTCPC_DEFAULT_OFFER
#define RTCPC_DEFAULT_OFFER "offers/chrome-156-audio-video-data.sdp"
#endif

namespace {

// Owning handles: rtc_configuration_free and rtc_pc_free run when they go.
struct ConfigurationFree {
    void operator()(rtc_configuration *c) const noexcept { rtc_configuration_free(c); }
};
struct PcFree {
    void operator()(rtc_pc *pc) const noexcept { rtc_pc_free(pc); }
};
using Configuration = std::unique_ptr<rtc_configuration, ConfigurationFree>;
using PeerConnection = std::unique_ptr<rtc_pc, PcFree>;

// What a call's callbacks hand back through user_data: the description it
// created, or its error. The pointers rtcpc hands them die with the callback.
struct Result {
    std::string sdp;
    bool failed = false;
    std::string error_name, error_message;
};

// on_success of calls that give nothing.
void on_success(void *) noexcept {}

// on_success of createAnswer: copies the answer.
void on_description(const rtc_session_description *d, void *user_data) noexcept {
    try {
        static_cast<Result *>(user_data)->sdp = d->sdp;
    } catch (...) {  // out of memory: the empty answer fails the checks
    }
}

// on_failure: copies the error's DOMException name and message.
void on_failure(const rtc_error *e, void *user_data) noexcept {
    auto *r = static_cast<Result *>(user_data);
    r->failed = true;
    try {
        r->error_name = e->name ? e->name : "";
        r->error_message = e->message ? e->message : "";
    } catch (...) {
    }
}

int failures = 0;

void check(bool ok, const char *what) {
    if (!ok) {
        std::cerr << "check failed: " << what << "\n";
        failures++;
    }
}

size_t count(const std::string &s, const std::string &needle) {
    size_t n = 0;
    for (size_t at = s.find(needle); at != std::string::npos; at = s.find(needle, at + 1))
        n++;
    return n;
}

// The snprintf-style getter: ask for the length, then copy.
std::string description(const rtc_pc *pc, rtc_description_slot slot) {
    size_t len = rtc_pc_description(pc, slot, nullptr, nullptr, 0);
    std::string s(len, '\0');
    if (len > 0)
        rtc_pc_description(pc, slot, nullptr, s.data(), len + 1);
    return s;
}

// A failed call: "error: <name>: <message>" and exit code 1.
int fail(const char *call, const Result &r) {
    std::cerr << "error: " << (r.failed ? r.error_name + ": " + r.error_message : call) << "\n";
    return 1;
}

}  // namespace

int main() {
    std::ifstream file(RTCPC_DEFAULT_OFFER, std::ios::binary);
    std::stringstream buf;
    buf << file.rdbuf();
    const std::string offer = buf.str();
    if (!file || offer.empty()) {
        std::cerr << "cannot read " << RTCPC_DEFAULT_OFFER << "\n";
        return 1;
    }
    const char *candidate = "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host";

    // 1. A configuration with a local candidate, and the connection; the
    //    connection keeps its own copy, so the configuration goes at once.
    Configuration config(rtc_configuration_new());
    check(config != nullptr, "rtc_configuration_new");
    check(rtc_configuration_add_local_candidate(config.get(), candidate, nullptr) == RTC_OK,
          "add_local_candidate");
    PeerConnection pc(rtc_pc_new(config.get()));
    config.reset();
    if (!pc)
        return fail("rtc_pc_new failed", Result{});

    // 2. setRemoteDescription(offer).
    Result remote;
    rtc_session_description offer_description{RTC_SDP_TYPE_OFFER, offer.c_str()};
    if (rtc_pc_set_remote_description(pc.get(), &offer_description, on_success, on_failure,
                                      &remote) != RTC_OK)
        return fail("setRemoteDescription failed", remote);

    // 3. addTrack: a track for every transceiver the offer made.
    for (size_t i = 0, n = rtc_pc_transceiver_count(pc.get()); i < n; i++) {
        rtc_media_kind kind{};
        std::string track = "track-" + std::to_string(i);
        if (rtc_pc_transceiver_kind(pc.get(), i, &kind) != RTC_OK ||
            rtc_pc_add_track(pc.get(), kind, track.c_str(), "stream-0") != RTC_OK)
            return fail("addTrack failed", Result{});
    }

    // 4. createAnswer (options nullptr: the defaults).
    Result created;
    if (rtc_pc_create_answer(pc.get(), on_description, on_failure, nullptr, &created) != RTC_OK)
        return fail("createAnswer failed", created);
    const std::string answer = created.sdp;

    // 5. setLocalDescription(answer).
    Result local;
    rtc_session_description answer_description{RTC_SDP_TYPE_ANSWER, answer.c_str()};
    if (rtc_pc_set_local_description(pc.get(), &answer_description, on_success, on_failure,
                                     &local) != RTC_OK)
        return fail("setLocalDescription failed", local);

    // What the answer holds, and what the connection reports.
    check(rtc_pc_signaling_state(pc.get()) == RTC_SIGNALING_STATE_STABLE, "state is stable");
    check(answer.rfind("v=0\r\n", 0) == 0, "answer starts with v=0");
    check(count(answer, "\nm=") == count(offer, "\nm="), "one m-line per offered m-line");
    check(count(answer, "a=setup:active") == count(answer, "\nm="), "a=setup:active everywhere");
    check(count(answer, "\na=sendrecv\r\n") == 2, "audio and video are sendrecv");
    check(answer.find("\r\na=" + std::string(candidate) + "\r\n") != std::string::npos,
          "the local candidate is in the answer as given");
    check(description(pc.get(), RTC_DESCRIPTION_CURRENT_LOCAL) == answer, "currentLocalDescription");
    check(description(pc.get(), RTC_DESCRIPTION_CURRENT_REMOTE) == offer, "currentRemoteDescription");

    // A failed call returns its code and calls on_failure, with the name.
    Result again;
    check(rtc_pc_create_answer(pc.get(), on_description, on_failure, nullptr, &again) ==
                  RTC_ERROR_INVALID_STATE &&
              again.failed && again.error_name == "InvalidStateError" && again.sdp.empty(),
          "createAnswer in stable is an InvalidStateError");

    if (failures) {
        std::cerr << failures << " check(s) failed\n";
        return 1;
    }
    std::cout << "answer_cpp: all checks passed\n";
    return 0;
}
