/*
 * rtcpc.hpp: header-only C++17 wrapper over the C API in rtcpc.h.
 *
 *   rtcpc::PeerConnection pc;                          // default configuration
 *   pc.set_remote_description(rtcpc::SdpType::Offer, offer_sdp);
 *   pc.add_track(rtcpc::MediaKind::Audio, "mic", "stream");
 *   std::string answer = pc.create_answer();           // throws rtcpc::Error
 *   pc.set_local_description(rtcpc::SdpType::Answer, answer);
 *
 * or, in the legacy callback form (both callables run before it returns):
 *
 *   pc.create_answer([&](const rtcpc::SessionDescription &d) { answer = d.sdp; },
 *                    [&](const rtcpc::Error &e) { std::cerr << e.what(); });
 *
 * Exceptions never cross into the C library: the C callbacks are noexcept
 * trampolines that copy what rtcpc hands them and catch whatever your
 * callables throw; the exception is rethrown after the C call has returned.
 * Failures of calls without a callable throw rtcpc::Error.
 *
 * The rest of the C API (configurations, transceivers, negotiation
 * snapshots, logging) is used directly on PeerConnection::get().
 */
#ifndef RTCPC_HPP
#define RTCPC_HPP

#include "rtcpc.h"

#include <exception>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace rtcpc {

enum class SdpType {
    Offer = RTC_SDP_TYPE_OFFER,
    Pranswer = RTC_SDP_TYPE_PRANSWER,
    Answer = RTC_SDP_TYPE_ANSWER,
    Rollback = RTC_SDP_TYPE_ROLLBACK,
};

enum class MediaKind {
    Audio = RTC_MEDIA_KIND_AUDIO,
    Video = RTC_MEDIA_KIND_VIDEO,
};

struct SessionDescription {
    SdpType type;
    std::string sdp;
};

namespace detail {
// The DOMException name rtcpc gives each code (for failures reported by a
// return code alone).
inline const char *error_name(rtc_error_code code) noexcept { return rtc_error_name(code); }
}  // namespace detail

// A failed call: the rtc_error_code, the W3C DOMException name and the message.
class Error : public std::exception {
public:
    Error(rtc_error_code code, std::string name, std::string message)
        : code_(code), name_(std::move(name)), message_(std::move(message)) {}
    // Copies an rtc_error handed to a failure callback.
    explicit Error(const rtc_error &e)
        : Error(e.code, e.name ? e.name : detail::error_name(e.code), e.message ? e.message : "") {}
    // For a failure reported by a return code alone.
    explicit Error(rtc_error_code code, std::string message = {})
        : Error(code, detail::error_name(code), std::move(message)) {}

    rtc_error_code code() const noexcept { return code_; }
    const std::string &name() const noexcept { return name_; }
    const char *what() const noexcept override { return message_.c_str(); }

private:
    rtc_error_code code_;
    std::string name_;
    std::string message_;
};

namespace detail {

inline SdpType sdp_type(rtc_sdp_type t) noexcept { return static_cast<SdpType>(t); }

// State shared with the trampolines of one C call. Each trampoline copies
// what it is given before anything else, and catches everything.
struct CallState {
    bool failed = false;
    rtc_error_code code = RTC_OK;
    std::string name, message;
    std::exception_ptr exception;  // thrown inside a trampoline; rethrown later

    void record(const rtc_error *e) noexcept {
        try {
            failed = true;
            code = e->code;
            name = e->name ? e->name : error_name(e->code);
            message = e->message ? e->message : "";
        } catch (...) {
            exception = std::current_exception();
        }
    }
    // The failure trampoline when user_data is a CallState.
    static void on_failure(const rtc_error *e, void *user_data) noexcept {
        static_cast<CallState *>(user_data)->record(e);
    }
    // After the C call has returned: rethrow a caught exception, or throw the failure.
    void finish(rtc_error_code returned) {
        if (exception) std::rethrow_exception(exception);
        if (failed) throw Error(code, std::move(name), std::move(message));
        if (returned != RTC_OK) throw Error(returned);
    }
};

}  // namespace detail

// A move-only owner of an rtc_pc (rtc_pc_free in the destructor).
class PeerConnection {
public:
    // `config` nullptr: the defaults. The configuration is copied by
    // rtc_pc_new and may be freed afterwards. Throws Error when the
    // connection cannot be made.
    explicit PeerConnection(const rtc_configuration *config = nullptr) : pc_(rtc_pc_new(config)) {
        if (!pc_) throw Error(RTC_ERROR_OPERATION, "rtc_pc_new failed");
    }
    ~PeerConnection() { rtc_pc_free(pc_); }

    PeerConnection(const PeerConnection &) = delete;
    PeerConnection &operator=(const PeerConnection &) = delete;
    PeerConnection(PeerConnection &&other) noexcept : pc_(std::exchange(other.pc_, nullptr)) {}
    PeerConnection &operator=(PeerConnection &&other) noexcept {
        if (this != &other) {
            rtc_pc_free(pc_);
            pc_ = std::exchange(other.pc_, nullptr);
        }
        return *this;
    }

    // The C handle, for the rest of the C API (nullptr after a move).
    rtc_pc *get() const noexcept { return pc_; }

    void set_remote_description(SdpType type, std::string_view sdp) {
        describe(type, sdp, &rtc_pc_set_remote_description);
    }

    // An empty `sdp` applies the answer create_answer made last.
    void set_local_description(SdpType type, std::string_view sdp) {
        describe(type, sdp, &rtc_pc_set_local_description);
    }

    // `stream_id` may be nullptr (no stream).
    void add_track(MediaKind kind, const char *track_id, const char *stream_id = nullptr) {
        rtc_error_code rc =
            rtc_pc_add_track(pc_, static_cast<rtc_media_kind>(kind), track_id, stream_id);
        if (rc != RTC_OK) throw Error(rc, "rtc_pc_add_track failed");
    }

    rtc_signaling_state signaling_state() const noexcept { return rtc_pc_signaling_state(pc_); }

    // createAnswer: returns the answer's SDP, or throws Error.
    std::string create_answer(const rtc_answer_options *options = nullptr) {
        struct State {
            detail::CallState call;
            std::string sdp;
        } state;
        auto on_success = [](const rtc_session_description *d, void *user_data) noexcept {
            auto *s = static_cast<State *>(user_data);
            try {
                s->sdp = d->sdp;
            } catch (...) {
                s->call.exception = std::current_exception();
            }
        };
        auto on_failure = [](const rtc_error *e, void *user_data) noexcept {
            static_cast<State *>(user_data)->call.record(e);
        };
        rtc_error_code rc = rtc_pc_create_answer(pc_, on_success, on_failure, options, &state);
        state.call.finish(rc);
        return std::move(state.sdp);
    }

    // createAnswer in the legacy form: exactly one of the callables runs,
    // before this returns: `success` with the answer, or `failure` with the
    // error. What either throws is rethrown once the C call has returned.
    template <class Success, class Failure>
    void create_answer(Success &&success, Failure &&failure,
                       const rtc_answer_options *options = nullptr) {
        static_assert(std::is_invocable_v<Success &, const SessionDescription &>,
                      "success must be callable with const rtcpc::SessionDescription &");
        static_assert(std::is_invocable_v<Failure &, const Error &>,
                      "failure must be callable with const rtcpc::Error &");
        struct State {
            Success &success;
            Failure &failure;
            std::exception_ptr exception;
        } state{success, failure, nullptr};
        auto on_success = [](const rtc_session_description *d, void *user_data) noexcept {
            auto *s = static_cast<State *>(user_data);
            try {
                const SessionDescription description{detail::sdp_type(d->type), d->sdp};
                s->success(description);
            } catch (...) {
                s->exception = std::current_exception();
            }
        };
        auto on_failure = [](const rtc_error *e, void *user_data) noexcept {
            auto *s = static_cast<State *>(user_data);
            try {
                const Error error(*e);
                s->failure(error);
            } catch (...) {
                s->exception = std::current_exception();
            }
        };
        rtc_pc_create_answer(pc_, on_success, on_failure, options, &state);
        if (state.exception) std::rethrow_exception(state.exception);
    }

private:
    using DescribeFn = rtc_error_code (*)(rtc_pc *, const rtc_session_description *,
                                          rtc_void_callback, rtc_error_callback, void *);

    void describe(SdpType type, std::string_view sdp, DescribeFn fn) {
        const std::string text(sdp);  // NUL-terminated copy
        const rtc_session_description d{static_cast<rtc_sdp_type>(type), text.c_str()};
        detail::CallState state;
        rtc_error_code rc = fn(pc_, &d, nullptr, &detail::CallState::on_failure, &state);
        state.finish(rc);
    }

    rtc_pc *pc_;
};

}  // namespace rtcpc

#endif  // RTCPC_HPP
