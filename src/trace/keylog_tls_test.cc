// Tests for the NSS key log parser (RFC 9850 §2) and the TLS message decoders
// (RFC 8446 §4, RFC 9000 §18 transport parameters): accepted spellings,
// must-fail lines, CRYPTO reassembly out of order, every truncated prefix.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "trace/keylog.h"
#include "trace/tls.h"
#include "trace/trace_test_util.h"

namespace qir::trace {
namespace {

using testing::Bytes;
using testing::Hex;

const std::string kRandom(64, 'a');
const std::string kSecret(64, '1');

TEST(KeyLog, ParsesLabelsLineEndsAndLegacyNames) {
  const std::string text = "# comment\r\nCLIENT_HANDSHAKE_TRAFFIC_SECRET " + kRandom + " " +
                           kSecret + "\r\nQUIC_SERVER_HANDSHAKE_TRAFFIC_SECRET " + kRandom + " " +
                           kSecret + "\rEXPORTER_SECRET " + kRandom + " " + kSecret +
                           "\n\nSERVER_TRAFFIC_SECRET_0 " + std::string(64, 'A') + " " +
                           std::string(96, 'F');
  Result<KeyLog> log = ParseKeyLog(text);
  ASSERT_TRUE(log.ok()) << log.error().Text();
  EXPECT_EQ(log->connections.size(), 1u);
  EXPECT_EQ(log->ignored_lines, 1u);
  EXPECT_TRUE(log->HasServerHandshakeSecret());
  ClientRandom random;
  random.fill(0xaa);
  const ConnectionSecrets* s = log->Find(random);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->client_handshake.size(), 32u);
  EXPECT_EQ(s->server_traffic_0.size(), 48u);
  EXPECT_TRUE(s->client_traffic_0.empty());
  Result<KeyLog> again = ParseKeyLog(FormatKeyLog(*log));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->connections.begin()->second.server_traffic_0, s->server_traffic_0);
}

TEST(KeyLog, MustFail) {
  const std::string bad[] = {
      "CLIENT_TRAFFIC_SECRET_0 " + kRandom,                                // no secret
      "CLIENT_TRAFFIC_SECRET_0 " + kRandom.substr(2) + " " + kSecret,      // short random
      "CLIENT_TRAFFIC_SECRET_0 " + kRandom + " " + kSecret.substr(1),      // odd hex
      "CLIENT_TRAFFIC_SECRET_0 " + kRandom + " " + std::string(64, 'g'),   // not hex
      "CLIENT_TRAFFIC_SECRET_0 " + kRandom + " " + std::string(40, '0'),   // 20-byte secret
  };
  for (const std::string& line : bad) EXPECT_FALSE(ParseKeyLog(line).ok()) << line;
  EXPECT_FALSE(LoadKeyLog("/nonexistent/keys.log").ok());
}

TEST(KeyLog, SelectsClientThenServerThenNone) {
  const std::string dir = ::testing::TempDir();
  const std::string with = dir + "/with.log", without = dir + "/without.log";
  std::ofstream(with) << "SERVER_HANDSHAKE_TRAFFIC_SECRET " << kRandom << " " << kSecret << "\n";
  std::ofstream(without) << "CLIENT_HANDSHAKE_TRAFFIC_SECRET " << kRandom << " " << kSecret
                         << "\n";
  EXPECT_EQ(SelectKeyLogFile(with, without), with);
  EXPECT_EQ(SelectKeyLogFile(without, with), with);
  EXPECT_EQ(SelectKeyLogFile(without, without), "");
  EXPECT_EQ(SelectKeyLogFile("/nonexistent", ""), "");
  std::remove(with.c_str());
  std::remove(without.c_str());
}

// A ClientHello body: version, random, empty session id, two suites, null compression,
// extensions: SNI "ab", ALPN "hq-interop", early_data, transport parameters
// (initial_max_streams_bidi = 100, version_information v1 / [v1, v2]).
const Bytes kClientHello = Hex(
    "0303" + std::string(64, '7') + "00" + "0004 1301 1303" + "0100" +
    "0036"                                        // extensions length = 54
    "0000 0007 0005 00 0002 6162"                 // server_name (11)
    "0010 000d 000b 0a 68712d696e7465726f70"      // ALPN (17)
    "002a 0000"                                   // early_data (4)
    "0039 0012 08 02 4064 11 0c 00000001 00000001 6b3343cf");  // transport params (22)

TEST(Tls, ParsesClientHello) {
  Result<ClientHello> hello = ParseClientHello(kClientHello);
  ASSERT_TRUE(hello.ok()) << hello.error().Text();
  EXPECT_EQ(hello->random[0], 0x77);
  EXPECT_EQ(hello->cipher_suites, (std::vector<uint16_t>{0x1301, 0x1303}));
  EXPECT_EQ(hello->server_name, "ab");
  EXPECT_EQ(hello->alpn, std::vector<std::string>{"hq-interop"});
  EXPECT_TRUE(hello->early_data);
  EXPECT_FALSE(hello->pre_shared_key);
  ASSERT_TRUE(hello->transport_parameters.has_value());
  EXPECT_EQ(hello->transport_parameters->Integer(kTpInitialMaxStreamsBidi), 100u);
  EXPECT_TRUE(hello->transport_parameters->has_version_information);
  EXPECT_EQ(hello->transport_parameters->available_versions.size(), 2u);
  for (size_t n = 0; n < kClientHello.size(); ++n) {
    EXPECT_FALSE(ParseClientHello(std::span(kClientHello).first(n)).ok()) << n;
  }
}

TEST(Tls, ParsesServerHelloEncryptedExtensionsCertificate) {
  const Bytes server_hello = Hex("0303" + std::string(64, '1') + "00 1302 00 0006 0029 0002 0000");
  Result<ServerHello> sh = ParseServerHello(server_hello);
  ASSERT_TRUE(sh.ok()) << sh.error().Text();
  EXPECT_EQ(sh->cipher_suite, 0x1302);
  EXPECT_TRUE(sh->pre_shared_key);
  const Bytes ee = Hex("0008 0039 0004 08 02 4064");
  Result<EncryptedExtensions> parsed = ParseEncryptedExtensions(ee);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->transport_parameters->Integer(kTpInitialMaxStreamsBidi), 100u);
  const Bytes cert = Hex("00 00000e 000003 aabbcc 0000 000001 dd 0000");
  Result<CertificateInfo> info = ParseCertificate(cert);
  ASSERT_TRUE(info.ok()) << info.error().Text();
  EXPECT_EQ(info->count, 2u);
  EXPECT_EQ(info->total_bytes, 4u);
  for (size_t n = 0; n < cert.size(); ++n) {
    EXPECT_FALSE(ParseCertificate(std::span(cert).first(n)).ok()) << n;
  }
  for (size_t n = 0; n + 1 < ee.size(); ++n) {
    EXPECT_FALSE(ParseEncryptedExtensions(std::span(ee).first(n)).ok()) << n;
  }
  EXPECT_FALSE(ParseTransportParameters(Hex("08 05 01")).ok());
}

TEST(Tls, CryptoStreamReassemblesOutOfOrder) {
  const Bytes message = Hex("01 000003 aabbcc 14 000001 dd");
  CryptoStream stream;
  EXPECT_TRUE(stream.Add(5, std::span(message).subspan(5)));
  EXPECT_TRUE(stream.TakeMessages().empty());
  EXPECT_TRUE(stream.Add(0, std::span(message).first(6)));  // overlaps the later chunk
  std::vector<TlsMessage> got = stream.TakeMessages();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].type, kTlsClientHello);
  EXPECT_EQ(got[1].body, Hex("dd"));
  EXPECT_TRUE(stream.Add(0, message));  // retransmission: nothing new
  EXPECT_TRUE(stream.TakeMessages().empty());
  EXPECT_EQ(stream.max_end(), message.size());
  EXPECT_FALSE(stream.Add(CryptoStream::kMaxStreamBytes, message));  // hostile offset
}

}  // namespace
}  // namespace qir::trace
