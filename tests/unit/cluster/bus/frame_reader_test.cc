// FrameReader: every frame split at every byte boundary, back-to-back frames, garbage, limits.
#include "cluster/bus/frame_reader.h"

#include <gtest/gtest.h>

#include "cluster/bus/codec.h"
#include "tests/unit/cluster/bus/captured_frames.h"
#include "tests/unit/cluster/bus/sample_messages.h"

namespace slotd::bus {
namespace {

using Status = FrameReader::Status;

std::vector<std::string> AllFrames() {
  std::vector<std::string> frames;
  for (MessageType t : testing::AllTypes()) frames.push_back(Encode(testing::Sample(t)));
  frames.push_back(Encode(testing::PingWithAllExtensions()));
  frames.push_back(testing::FromHex(testdata::kMasterPongHex));
  frames.push_back(testing::FromHex(testdata::kReplicaPongHex));
  return frames;
}

// Feeds `chunks` and collects every frame produced; fails the test on an error.
std::vector<std::string> Feed(FrameReader& reader, const std::vector<std::string_view>& chunks) {
  std::vector<std::string> out;
  for (std::string_view c : chunks) {
    reader.Append(c);
    std::string_view frame;
    Status s;
    while ((s = reader.Next(&frame)) == Status::kFrame) out.emplace_back(frame);
    EXPECT_EQ(s, Status::kNeedMore) << reader.error();
  }
  return out;
}

TEST(BusFrameReader, EveryFrameSplitAtEveryByteBoundary) {
  for (const std::string& f : AllFrames()) {
    for (size_t cut = 0; cut <= f.size(); ++cut) {
      FrameReader reader;
      std::string_view v(f);
      auto got = Feed(reader, {v.substr(0, cut), v.substr(cut)});
      ASSERT_EQ(got.size(), 1u) << "cut " << cut;
      ASSERT_EQ(got[0], f) << "cut " << cut;
      ASSERT_TRUE(Decode(got[0]).ok());
      EXPECT_EQ(reader.buffered(), 0u);
    }
  }
}

TEST(BusFrameReader, OneByteAtATime) {
  const std::string f = testing::FromHex(testdata::kMasterPongHex);
  FrameReader reader;
  std::vector<std::string_view> chunks;
  for (size_t i = 0; i < f.size(); ++i) chunks.push_back(std::string_view(f).substr(i, 1));
  auto got = Feed(reader, chunks);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], f);
}

TEST(BusFrameReader, BackToBackFramesInOddChunks) {
  std::string stream;
  const auto frames = AllFrames();
  for (const auto& f : frames) stream += f;
  FrameReader reader;
  std::vector<std::string_view> chunks;
  for (size_t i = 0; i < stream.size(); i += 1000) {
    chunks.push_back(std::string_view(stream).substr(i, 1000));
  }
  EXPECT_EQ(Feed(reader, chunks), frames);
}

TEST(BusFrameReader, GarbageIsReportedAtTheFirstWrongByteAndSticks) {
  FrameReader reader;
  std::string_view frame;
  reader.Append("RC");
  EXPECT_EQ(reader.Next(&frame), Status::kNeedMore);
  reader.Append("x");
  EXPECT_EQ(reader.Next(&frame), Status::kError);
  EXPECT_EQ(reader.error(), "bus: bad signature, garbage on the link");
  reader.Append(Encode(testing::Sample(MessageType::kPing)));
  EXPECT_EQ(reader.Next(&frame), Status::kError);
}

TEST(BusFrameReader, GarbageAfterAValidFrame) {
  FrameReader reader;
  std::string_view frame;
  reader.Append(Encode(testing::Sample(MessageType::kMfStart)) + "GET / HTTP/1.1\r\n");
  EXPECT_EQ(reader.Next(&frame), Status::kFrame);
  EXPECT_EQ(reader.Next(&frame), Status::kError);
}

TEST(BusFrameReader, TotlenBelowHeaderIsGarbage) {
  FrameReader reader;
  std::string_view frame;
  reader.Append(std::string("RCmb\x00\x00\x00\x28", 8));
  EXPECT_EQ(reader.Next(&frame), Status::kError);
  EXPECT_EQ(reader.error(), "bus: frame totlen 40 < header 2256");
}

TEST(BusFrameReader, TotlenAboveMaximumIsRejectedBeforeBuffering) {
  FrameReader reader(4352);
  std::string_view frame;
  reader.Append(std::string("RCmb\x00\x00\x11\x01", 8));
  EXPECT_EQ(reader.Next(&frame), Status::kError);
  EXPECT_EQ(reader.error(), "bus: frame totlen 4353 > maximum 4352");
  FrameReader big_default;
  big_default.Append(std::string("RCmb\xff\xff\xff\xff", 8));
  EXPECT_EQ(big_default.Next(&frame), Status::kError);
}

TEST(BusFrameReader, FrameOfExactlyTheMaximumIsAccepted) {
  FrameReader reader(4352);
  std::string_view frame;
  const std::string f = Encode(testing::Sample(MessageType::kUpdate));
  reader.Append(f);
  ASSERT_EQ(reader.Next(&frame), Status::kFrame);
  EXPECT_EQ(frame, f);
}

}  // namespace
}  // namespace slotd::bus
