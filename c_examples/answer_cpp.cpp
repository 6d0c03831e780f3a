// rtcpc from C++17: RAII handles (unique_ptr with custom deleters), lambdas as
// callbacks through a trampoline, and exceptions thrown only after the C call
// has returned (callbacks must never unwind through rtcpc).
// Linked against librtcpc.so.

#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "rtcpc.h"

#ifndef RTCPC_DEFAULT_OFFER
#define RTCPC_DEFAULT_OFFER "offers/chrome-156-audio-video-data.sdp"
#endif

namespace rtcpc {

struct ConfigDeleter {
    void operator()(rtc_configuration *c) const noexcept { rtc_configuration_free(c); }
};
struct PcDeleter {
    void operator()(rtc_pc *pc) const noexcept { rtc_pc_free(pc); }
};
using Configuration = std::unique_ptr<rtc_configuration, ConfigDeleter>;
using PeerConnectionHandle = std::unique_ptr<rtc_pc, PcDeleter>;

// A failed call, as a DOMException-like C++ exception.
class Error : public std::runtime_error {
public:
    Error(rtc_error_code code, std::string name, const std::string &message)
        : std::runtime_error(name + ": " + message), code_(code), name_(std::move(name)) {}
    rtc_error_code code() const noexcept { return code_; }
    const std::string &name() const noexcept { return name_; }

private:
    rtc_error_code code_;
    std::string name_;
};

// Runs one callback-taking C call. `call` receives the C callbacks and the
// user_data pointer; the trampolines turn user_data back into the lambda.
// Errors are copied inside the callback and thrown after the call returned.
template <class OnSuccess, class Call>
void invoke(OnSuccess &&on_success, Call &&call) {
    struct State {
        OnSuccess &on_success;
        bool failed = false;
        rtc_error_code code = RTC_OK;
        std::string name, message;
        std::exception_ptr exception;  // from on_success, rethrown later
    } state{on_success, false, RTC_OK, {}, {}, nullptr};

    auto failure = [](const rtc_error *e, void *user_data) noexcept {
        auto *s = static_cast<State *>(user_data);
        s->failed = true;
        s->code = e->code;
        try {
            s->name = e->name ? e->name : "";
            s->message = e->message ? e->message : "";
        } catch (...) {
            s->exception = std::current_exception();
        }
    };
    rtc_error_code rc = call(&state, failure);
    if (state.exception)
        std::rethrow_exception(state.exception);
    if (rc != RTC_OK || state.failed)
        throw Error(rc, state.name, state.message);
}

template <class State>
void success_void(void *user_data) noexcept {
    auto *s = static_cast<State *>(user_data);
    try {
        s->on_success();
    } catch (...) {
        s->exception = std::current_exception();
    }
}

class PeerConnection {
public:
    explicit PeerConnection(const rtc_configuration *config = nullptr)
        : pc_(rtc_pc_new(config)) {
        if (!pc_)
            throw Error(RTC_ERROR_OPERATION, "OperationError", "rtc_pc_new failed");
    }

    void set_remote_description(rtc_sdp_type type, const std::string &sdp) {
        rtc_session_description d{type, sdp.c_str()};
        auto ok = [] {};
        invoke(ok, [&](auto *state, rtc_error_callback failure) {
            using State = std::remove_pointer_t<decltype(state)>;
            return rtc_pc_set_remote_description(pc_.get(), &d, success_void<State>, failure,
                                                 state);
        });
    }

    void set_local_description(rtc_sdp_type type, const std::string &sdp) {
        rtc_session_description d{type, sdp.c_str()};
        auto ok = [] {};
        invoke(ok, [&](auto *state, rtc_error_callback failure) {
            using State = std::remove_pointer_t<decltype(state)>;
            return rtc_pc_set_local_description(pc_.get(), &d, success_void<State>, failure,
                                                state);
        });
    }

    std::string create_answer() {
        std::string answer;
        auto ok = [&](const rtc_session_description &d) { answer = d.sdp; };
        invoke(ok, [&](auto *state, rtc_error_callback failure) {
            using State = std::remove_pointer_t<decltype(state)>;
            auto success = [](const rtc_session_description *d, void *user_data) noexcept {
                auto *s = static_cast<State *>(user_data);
                try {
                    s->on_success(*d);
                } catch (...) {
                    s->exception = std::current_exception();
                }
            };
            return rtc_pc_create_answer(pc_.get(), success, failure, nullptr, state);
        });
        return answer;
    }

    void add_track(rtc_media_kind kind, const std::string &track, const std::string &stream) {
        rtc_error_code rc = rtc_pc_add_track(pc_.get(), kind, track.c_str(), stream.c_str());
        if (rc != RTC_OK)
            throw Error(rc, "Error", "addTrack failed with code " + std::to_string(rc));
    }

    size_t transceiver_count() const { return rtc_pc_transceiver_count(pc_.get()); }

    rtc_media_kind transceiver_kind(size_t i) const {
        rtc_media_kind kind{};
        rtc_error_code rc = rtc_pc_transceiver_kind(pc_.get(), i, &kind);
        if (rc != RTC_OK)
            throw Error(rc, "Error", "no transceiver " + std::to_string(i));
        return kind;
    }

    // The snprintf-style getter: ask for the length, then copy.
    std::string description(rtc_description_slot slot) const {
        size_t len = rtc_pc_description(pc_.get(), slot, nullptr, nullptr, 0);
        std::string s(len, '\0');
        if (len > 0)
            rtc_pc_description(pc_.get(), slot, nullptr, s.data(), len + 1);
        return s;
    }

    rtc_signaling_state signaling_state() const { return rtc_pc_signaling_state(pc_.get()); }

private:
    PeerConnectionHandle pc_;
};

}  // namespace rtcpc

static int failures = 0;

static void check(bool ok, const char *what) {
    if (!ok) {
        std::cerr << "check failed: " << what << "\n";
        failures++;
    }
}

static size_t count(const std::string &s, const std::string &needle) {
    size_t n = 0;
    for (size_t at = s.find(needle); at != std::string::npos; at = s.find(needle, at + 1))
        n++;
    return n;
}

int main() {
    std::ifstream file(RTCPC_DEFAULT_OFFER, std::ios::binary);
    std::stringstream buf;
    buf << file.rdbuf();
    const std::string offer = buf.str();
    if (!file || offer.empty()) {
        std::cerr << "cannot read " << RTCPC_DEFAULT_OFFER << "\n";
        return 1;
    }

    try {
        rtcpc::Configuration config(rtc_configuration_new());
        check(config != nullptr, "rtc_configuration_new");
        check(rtc_configuration_add_local_candidate(
                  config.get(), "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host",
                  nullptr) == RTC_OK,
              "add_local_candidate");
        rtcpc::PeerConnection pc(config.get());
        config.reset();  // the connection keeps its own copy

        pc.set_remote_description(RTC_SDP_TYPE_OFFER, offer);
        for (size_t i = 0, n = pc.transceiver_count(); i < n; i++)
            pc.add_track(pc.transceiver_kind(i), "track-" + std::to_string(i), "stream-0");
        std::string answer = pc.create_answer();
        pc.set_local_description(RTC_SDP_TYPE_ANSWER, answer);

        check(pc.signaling_state() == RTC_SIGNALING_STATE_STABLE, "state is stable");
        check(answer.rfind("v=0\r\n", 0) == 0, "answer starts with v=0");
        check(count(answer, "\nm=") == count(offer, "\nm="), "one m-line per offered m-line");
        check(count(answer, "a=setup:active") == count(answer, "\nm="), "a=setup:active everywhere");
        check(count(answer, "\na=sendrecv\r\n") == 2, "audio and video are sendrecv");
        check(answer.find("\r\na=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\r\n") !=
                  std::string::npos,
              "the local candidate is in the answer as given");
        check(pc.description(RTC_DESCRIPTION_CURRENT_LOCAL) == answer, "currentLocalDescription");
        check(pc.description(RTC_DESCRIPTION_CURRENT_REMOTE) == offer, "currentRemoteDescription");

        // A failure comes back as an exception, after the C call returned.
        try {
            pc.create_answer();
            check(false, "createAnswer in stable throws");
        } catch (const rtcpc::Error &e) {
            check(e.code() == RTC_ERROR_INVALID_STATE && e.name() == "InvalidStateError",
                  "createAnswer in stable is an InvalidStateError");
        }
    } catch (const std::exception &e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }

    if (failures) {
        std::cerr << failures << " check(s) failed\n";
        return 1;
    }
    std::cout << "answer_cpp: all checks passed\n";
    return 0;
}
