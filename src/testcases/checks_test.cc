// Tests for the shared checks and the handshake/transfer test cases, on a real
// quic-go handshake captured by qir's simulator (tests/fixtures/handshake-quic-go)
// and on copies of it with crafted packets added: each check must pass on the
// real trace and fail, with a reason, on the doctored ones.
#include "testcases/checks.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "sim/scenario.h"
#include "testcases/registry.h"
#include "trace/ip_udp.h"
#include "trace/pcap_writer.h"
#include "trace/trace.h"

namespace qir::testcases {
namespace {

namespace fs = std::filesystem;

const std::string kFixture = std::string(QIR_FIXTURES_DIR) + "/handshake-quic-go";

trace::Trace Load(const std::string& path) {
  Result<trace::Trace> t = trace::LoadTrace(path);
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().Text());
  return t.ok() ? *t : trace::Trace{};
}

/// An IPv4/UDP packet server:443 → client:`client_port` carrying `payload`.
std::vector<uint8_t> ServerDatagram(const std::vector<uint8_t>& payload, uint16_t client_port) {
  std::vector<uint8_t> p(28 + payload.size());
  p[0] = 0x45;
  p[2] = static_cast<uint8_t>(p.size() >> 8);
  p[3] = static_cast<uint8_t>(p.size());
  p[8] = 64;
  p[9] = 17;
  const uint8_t src[4] = {198, 18, 100, 100}, dst[4] = {198, 18, 0, 100};
  std::copy(src, src + 4, &p[12]);
  std::copy(dst, dst + 4, &p[16]);
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += (p[i] << 8) | p[i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  p[10] = static_cast<uint8_t>(~sum >> 8);
  p[11] = static_cast<uint8_t>(~sum);
  p[20] = 443 >> 8;
  p[21] = 443 & 0xff;
  p[22] = static_cast<uint8_t>(client_port >> 8);
  p[23] = static_cast<uint8_t>(client_port);
  p[24] = static_cast<uint8_t>((8 + payload.size()) >> 8);
  p[25] = static_cast<uint8_t>(8 + payload.size());
  std::copy(payload.begin(), payload.end(), p.begin() + 28);
  EXPECT_TRUE(trace::FixUdpChecksum(p).ok());
  return p;
}

/// A v1 long-header packet: type bits, CIDs, then for Initial a token length and
/// a Length field covering `body` bytes; for Retry the token and a 16-byte tag.
std::vector<uint8_t> LongHeader(uint8_t type_bits, uint32_t version, std::vector<uint8_t> dcid,
                                std::vector<uint8_t> scid, size_t body) {
  std::vector<uint8_t> p = {static_cast<uint8_t>(0xc0 | (type_bits << 4)), static_cast<uint8_t>(version >> 24),
                            static_cast<uint8_t>(version >> 16), static_cast<uint8_t>(version >> 8),
                            static_cast<uint8_t>(version)};
  p.push_back(static_cast<uint8_t>(dcid.size()));
  p.insert(p.end(), dcid.begin(), dcid.end());
  p.push_back(static_cast<uint8_t>(scid.size()));
  p.insert(p.end(), scid.begin(), scid.end());
  if (type_bits == 3) {  // Retry: token, then the integrity tag
    p.insert(p.end(), {'t', 'o', 'k', 'e', 'n'});
    p.insert(p.end(), 16, 0xaa);
    return p;
  }
  p.push_back(0);  // token length
  p.push_back(static_cast<uint8_t>(0x40 | (body >> 8)));
  p.push_back(static_cast<uint8_t>(body));
  p.insert(p.end(), body, 0x5c);
  return p;
}

/// A copy of a fixture pcap with `extra` IP packets appended, written to a temp file.
std::string WithExtraPackets(const std::string& name, const std::vector<std::vector<uint8_t>>& extra) {
  std::string out = (fs::temp_directory_path() / ("qir-checks-" + std::to_string(::getpid()) + "-" + name)).string();
  fs::copy_file(kFixture + "/" + name, out, fs::copy_options::overwrite_existing);
  Result<trace::PcapWriter> w = trace::PcapWriter::Create(out + ".extra");
  EXPECT_TRUE(w.ok());
  for (const auto& p : extra) EXPECT_TRUE(w->Write(1, p).ok());
  EXPECT_TRUE(w->Flush().ok());
  // Append the new records (skip the second file's 24-byte header).
  std::ifstream in(out + ".extra", std::ios::binary);
  in.seekg(24);
  std::ofstream app(out, std::ios::binary | std::ios::app);
  app << in.rdbuf();
  fs::remove(out + ".extra");
  return out;
}

/// A www/downloads pair with `n` random files, downloads identical to www.
struct FileTree {
  std::string root, www, downloads;
  std::vector<std::string> files;

  explicit FileTree(int n) {
    root = (fs::temp_directory_path() / ("qir-files-" + std::to_string(::getpid()) + "-" + std::to_string(counter++))).string();
    www = root + "/www";
    downloads = root + "/downloads";
    fs::create_directories(www);
    fs::create_directories(downloads);
    std::mt19937 rng(7);
    for (int i = 0; i < n; ++i) {
      std::string name = "file" + std::to_string(i);
      std::string data(4000 + i, '\0');
      for (char& c : data) c = static_cast<char>(rng());
      std::ofstream(www + "/" + name, std::ios::binary) << data;
      std::ofstream(downloads + "/" + name, std::ios::binary) << data;
      files.push_back(name);
    }
  }
  ~FileTree() { fs::remove_all(root); }
  static inline int counter = 0;
};

class HandshakeFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = Load(kFixture + "/trace_node_left.pcap");
    server_ = Load(kFixture + "/trace_node_right.pcap");
  }
  CheckInput Input(const FileTree& files) const {
    return {.client_side = &client_, .server_side = &server_, .www_dir = files.www,
            .downloads_dir = files.downloads, .files = files.files};
  }
  uint16_t ClientPort() const {
    for (const auto& p : client_.packets) {
      if (p.direction == trace::Direction::kClientToServer) return p.src_port;
    }
    return 0;
  }
  trace::Trace client_, server_;
};

TEST_F(HandshakeFixture, RealTraceParsesWithBothDirections) {
  ASSERT_FALSE(server_.packets.empty());
  int initials = 0, handshakes = 0, one_rtt = 0;
  for (const auto& p : server_.packets) {
    initials += p.header.type == trace::PacketType::kInitial;
    handshakes += p.header.type == trace::PacketType::kHandshake;
    one_rtt += p.header.type == trace::PacketType::kOneRtt;
  }
  EXPECT_GE(initials, 2);
  EXPECT_GE(handshakes, 2);
  EXPECT_GE(one_rtt, 2);
  EXPECT_EQ(CountHandshakes(server_), 1);
  EXPECT_EQ(ServerInitialVersions(server_), std::set<uint32_t>{0x00000001});
  EXPECT_FALSE(RetrySeen(client_));
}

TEST_F(HandshakeFixture, HandshakePassesOnRealTrace) {
  FileTree files(1);
  Verdict v = kHandshake.check(Input(files));
  EXPECT_TRUE(v.passed()) << v.reason;
}

TEST_F(HandshakeFixture, HandshakeFailsWhenServerSentRetry) {
  FileTree files(1);
  std::string path = WithExtraPackets("trace_node_left.pcap",
                                      {ServerDatagram(LongHeader(3, 1, {1, 2, 3, 4}, {9, 9, 9, 9}, 0), ClientPort())});
  client_ = Load(path);
  fs::remove(path);
  ASSERT_TRUE(RetrySeen(client_));
  Verdict v = kHandshake.check(Input(files));
  EXPECT_FALSE(v.passed());
  EXPECT_NE(v.reason.find("Retry"), std::string::npos) << v.reason;
}

TEST_F(HandshakeFixture, SecondHandshakeFailsBothTests) {
  FileTree files(1);
  std::string path = WithExtraPackets(
      "trace_node_right.pcap",
      {ServerDatagram(LongHeader(0, 1, {1, 2, 3, 4}, {7, 7, 7, 7, 7, 7, 7, 7}, 1200), ClientPort())});
  server_ = Load(path);
  fs::remove(path);
  EXPECT_EQ(CountHandshakes(server_), 2);
  for (const TestCase* t : {&kHandshake, &kTransfer}) {
    Verdict v = t->check(Input(files));
    EXPECT_FALSE(v.passed()) << t->name;
    EXPECT_EQ(v.reason, "expected 1 handshake(s), saw 2") << t->name;
  }
}

TEST_F(HandshakeFixture, OtherServerVersionFails) {
  FileTree files(1);
  std::string path = WithExtraPackets(
      "trace_node_right.pcap", {ServerDatagram(LongHeader(1, 0x6b3343cf, {1, 2, 3, 4}, {}, 1200), ClientPort())});
  server_ = Load(path);
  fs::remove(path);
  Verdict v = CheckVersionAndFiles(Input(files));
  EXPECT_FALSE(v.passed());
  EXPECT_NE(v.reason.find("0x6b3343cf"), std::string::npos) << v.reason;
}

TEST_F(HandshakeFixture, EmptyServerTraceFails) {
  FileTree files(1);
  trace::Trace empty;
  CheckInput in = Input(files);
  in.server_side = &empty;
  EXPECT_EQ(CheckVersionAndFiles(in).reason, "no server Initial packet in the server-side trace");
  EXPECT_EQ(CheckHandshakeCount(in, 1).reason, "expected 1 handshake(s), saw 0");
}

TEST(CheckFiles, IdenticalFilesPass) {
  FileTree files(3);
  EXPECT_TRUE(CheckFiles(files.www, files.downloads, files.files).passed());
}

TEST(CheckFiles, FlippedByteFailsAtItsOffset) {
  FileTree files(3);
  std::fstream f(files.downloads + "/file1", std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(1234);
  char c;
  f.get(c);
  f.seekp(1234);
  f.put(static_cast<char>(c ^ 0x01));
  f.close();
  Verdict v = CheckFiles(files.www, files.downloads, files.files);
  EXPECT_FALSE(v.passed());
  EXPECT_EQ(v.reason, "file file1 differs at byte 1234");
}

TEST(CheckFiles, MissingFileFails) {
  FileTree files(3);
  fs::remove(files.downloads + "/file2");
  Verdict v = CheckFiles(files.www, files.downloads, files.files);
  EXPECT_EQ(v.reason, "file file2 was not downloaded (2 of 3 files present)");
}

TEST(CheckFiles, ExtraFileFails) {
  FileTree files(2);
  std::ofstream(files.downloads + "/stray") << "x";
  EXPECT_EQ(CheckFiles(files.www, files.downloads, files.files).reason, "unexpected file in downloads: stray");
}

TEST(CheckFiles, TruncatedFileFailsOnSize) {
  FileTree files(1);
  fs::resize_file(files.downloads + "/file0", 100);
  EXPECT_EQ(CheckFiles(files.www, files.downloads, files.files).reason, "file file0 has 100 bytes, expected 4000");
}

TEST(CheckFiles, MissingDownloadsFolderFails) {
  FileTree files(1);
  fs::remove_all(files.downloads);
  EXPECT_EQ(CheckFiles(files.www, files.downloads, files.files).reason, "no downloads folder");
}

TEST(Registry, NamesAndAbbreviationsAreUniqueAndFindable) {
  std::set<std::string> names, abbrs;
  for (const TestCase* t : AllTestCases()) {
    EXPECT_TRUE(names.insert(t->name).second) << t->name;
    EXPECT_TRUE(abbrs.insert(t->abbr).second) << t->abbr;
    EXPECT_EQ(FindTestCase(t->name), t);
    EXPECT_NE(t->check, nullptr);
  }
  EXPECT_EQ(FindTestCase("nosuchtest"), nullptr);
  EXPECT_EQ(FindTestCase("handshake")->files.sizes, std::vector<uint64_t>{1024});
  EXPECT_EQ(FindTestCase("transfer")->files.sizes, (std::vector<uint64_t>{2 << 20, 3 << 20, 5 << 20}));
}

TEST(Registry, EveryScenarioParses) {
  for (const TestCase* t : AllTestCases()) {
    Result<sim::Scenario> s = sim::ParseScenario(t->scenario);
    EXPECT_TRUE(s.ok()) << t->name << ": " << (s.ok() ? "" : s.error().Text());
  }
}

}  // namespace
}  // namespace qir::testcases
