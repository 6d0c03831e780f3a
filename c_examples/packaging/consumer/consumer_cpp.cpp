// A C++17 consumer of rtcpc.hpp: both createAnswer forms, errors as
// rtcpc::Error, exceptions from callables rethrown after the C call, RAII and
// moves. Built in tree (ctest hpp_wrapper) and out of tree against an install
// (find_package(rtcpc)). Usage: consumer_cpp [OFFER_FILE]
#include <rtcpc.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#ifndef RTCPC_DEFAULT_OFFER
#define RTCPC_DEFAULT_OFFER "offer.sdp"
#endif

static int failures = 0;
#define CHECK(cond)                                                     \
    do {                                                                \
        if (!(cond)) {                                                  \
            std::fprintf(stderr, "%s:%d: CHECK(%s)\n", __FILE__, __LINE__, #cond); \
            ++failures;                                                 \
        }                                                               \
    } while (0)

int main(int argc, char **argv) {
    std::ifstream in(argc > 1 ? argv[1] : RTCPC_DEFAULT_OFFER, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string offer = buf.str();
    if (offer.empty()) {
        std::fprintf(stderr, "cannot read the offer\n");
        return 1;
    }

    // The returning form.
    {
        rtcpc::PeerConnection pc;
        pc.set_remote_description(rtcpc::SdpType::Offer, offer);
        CHECK(pc.signaling_state() == RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);
        pc.add_track(rtcpc::MediaKind::Audio, "mic", "stream");
        pc.add_track(rtcpc::MediaKind::Video, "cam", nullptr);
        std::string answer = pc.create_answer();
        CHECK(answer.find("a=setup:active") != std::string::npos);
        pc.set_local_description(rtcpc::SdpType::Answer, "");
        CHECK(pc.signaling_state() == RTC_SIGNALING_STATE_STABLE);
        try {
            pc.create_answer();  // no remote offer any more
            CHECK(false);
        } catch (const rtcpc::Error &e) {
            CHECK(e.code() == RTC_ERROR_INVALID_STATE);
            CHECK(e.name() == "InvalidStateError");
            CHECK(std::string(e.what()).size() > 0);
        }
    }

    // The legacy form, with capturing lambdas.
    {
        rtcpc::PeerConnection pc;
        pc.set_remote_description(rtcpc::SdpType::Offer, offer);
        std::string answer;
        int successes = 0, errors = 0;
        rtc_answer_options options;
        rtc_answer_options_init(&options);
        pc.create_answer(
            [&](const rtcpc::SessionDescription &d) {
                ++successes;
                CHECK(d.type == rtcpc::SdpType::Answer);
                answer = d.sdp;
            },
            [&](const rtcpc::Error &) { ++errors; }, &options);
        CHECK(successes == 1 && errors == 0);
        CHECK(answer.find("a=setup:active") != std::string::npos);

        // A callable that throws: the exception comes out after the C call.
        try {
            // The answer it made is the last created one: keep it for SLD.
            pc.create_answer([&](const rtcpc::SessionDescription &d) {
                answer = d.sdp;
                throw std::runtime_error("boom");
            },
                             [](const rtcpc::Error &) {});
            CHECK(false);
        } catch (const std::runtime_error &e) {
            CHECK(std::string(e.what()) == "boom");
        }
        CHECK(pc.signaling_state() == RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);
        pc.set_local_description(rtcpc::SdpType::Answer, answer);
        CHECK(pc.signaling_state() == RTC_SIGNALING_STATE_STABLE);

        // The failure callable.
        std::string name;
        pc.create_answer([&](const rtcpc::SessionDescription &) { ++successes; },
                         [&](const rtcpc::Error &e) {
                             ++errors;
                             name = e.name();
                             CHECK(e.code() == RTC_ERROR_INVALID_STATE);
                         });
        CHECK(successes == 1 && errors == 1 && name == "InvalidStateError");
    }

    // Errors of the other calls, moves.
    {
        rtcpc::PeerConnection a;
        try {
            a.set_remote_description(rtcpc::SdpType::Offer, "v=0\r\nnot sdp\r\n");
            CHECK(false);
        } catch (const rtcpc::Error &e) {
            CHECK(e.code() == RTC_ERROR_SYNTAX && e.name() == "OperationError");
        }
        try {
            a.add_track(rtcpc::MediaKind::Audio, nullptr);
            CHECK(false);
        } catch (const rtcpc::Error &e) {
            CHECK(e.code() == RTC_ERROR_INVALID_ARGUMENT && e.name() == "TypeError");
        }
        rtcpc::PeerConnection b(std::move(a));
        CHECK(a.get() == nullptr && b.get() != nullptr);
        rtcpc::PeerConnection c;
        c = std::move(b);
        CHECK(b.get() == nullptr && c.get() != nullptr);
        CHECK(c.signaling_state() == RTC_SIGNALING_STATE_STABLE);
    }

    if (failures) return 1;
    std::printf("rtcpc.hpp (rtcpc %s): ok\n", rtc_version());
    return 0;
}
