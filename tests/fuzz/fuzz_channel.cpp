// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: the privilege-separation channel (serve/channel.hpp), as either side reads
// it: a byte stream cut into frames, each frame decoded.
//
// The input is the stream. Each message that decodes must encode again, and that encoding
// must decode to a message that encodes to the same bytes (the format has one spelling of
// each message once decoded). A ChannelError is a normal outcome; anything else escaping,
// a crash, a sanitizer report or a read past the input is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "serve/channel.hpp"

namespace ch = hidupsd::serve::channel;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  ch::FrameReader frames;
  // Fed in two pieces (cut where the first byte says), as reads cut a stream anywhere.
  const std::size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  std::string message;
  try {
    for (const auto piece : {input.substr(0, cut), input.substr(cut)}) {
      frames.feed(piece);
      while (frames.next(message)) {
        try {
          const auto once = ch::encode(ch::decode(message));
          const auto twice = ch::encode(ch::decode(once));
          if (once != twice) {
            std::fprintf(stderr, "fuzz_channel: a decoded message encodes two ways\n");
            std::abort();
          }
        } catch (const ch::ChannelError&) {
        }
      }
    }
  } catch (const ch::ChannelError&) {
    // An oversized frame: the channel is closed, as both sides do.
  }
  return 0;
}
