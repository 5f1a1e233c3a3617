// Tests for WriteCertChain: the written chain verifies against ca.pem with OpenSSL's own verifier
// for the right host only, has the expected shape, and bad input gives errors, not crashes.
#include "runner/cert_chain.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

#include "util/openssl_ptr.h"
#include <string>
#include <vector>

namespace qir::runner {
namespace {

using util::BioPtr;
using util::PkeyPtr;
using util::X509Ptr;
using StorePtr = util::OsslPtr<X509_STORE, X509_STORE_free>;
using StoreCtxPtr = util::OsslPtr<X509_STORE_CTX, X509_STORE_CTX_free>;
struct StackDeleter {  // sk_X509_free is a macro-generated inline, not an addressable function
  void operator()(STACK_OF(X509) * p) const { sk_X509_free(p); }
};
using StackPtr = std::unique_ptr<STACK_OF(X509), StackDeleter>;
using NamesPtr = util::OsslPtr<GENERAL_NAMES, GENERAL_NAMES_free>;

/// A fresh directory under the system temp dir, removed with its contents on destruction.
/// Move-less and copy-less: it owns a path on disk.
class ScopedTempDir {
 public:
  ScopedTempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "qir-cert-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~ScopedTempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<X509Ptr> ReadCerts(const std::string& path) {
  std::vector<X509Ptr> certs;
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) return certs;
  while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) certs.emplace_back(c);
  ERR_clear_error();  // the read past the last certificate leaves "no start line" queued
  return certs;
}

PkeyPtr ReadKey(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) return nullptr;
  return PkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// X509_verify_cert of cert_dir/cert.pem (leaf + untrusted intermediates) against ca_dir/ca.pem
/// for `host` as a TLS server; returns the X509_V_* code (X509_V_OK on success).
int Verify(const std::string& cert_dir, const std::string& ca_dir, const std::string& host) {
  std::vector<X509Ptr> chain = ReadCerts(cert_dir + "/" + kCertFile);
  std::vector<X509Ptr> roots = ReadCerts(ca_dir + "/" + kCaFile);
  if (chain.empty() || roots.size() != 1) return -1;
  StorePtr store(X509_STORE_new());
  StackPtr untrusted(sk_X509_new_null());
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !untrusted || !ctx || X509_STORE_add_cert(store.get(), roots[0].get()) != 1) {
    return -1;
  }
  for (size_t i = 1; i < chain.size(); ++i) sk_X509_push(untrusted.get(), chain[i].get());
  if (X509_STORE_CTX_init(ctx.get(), store.get(), chain[0].get(), untrusted.get()) != 1) return -1;
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  const int ok = X509_verify_cert(ctx.get());
  const int code = X509_STORE_CTX_get_error(ctx.get());
  ERR_clear_error();
  return ok == 1 ? X509_V_OK : (code == X509_V_OK ? -1 : code);
}

/// The leaf's DNS subjectAltNames in order.
std::vector<std::string> DnsNames(X509* leaf) {
  std::vector<std::string> out;
  NamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(leaf, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    if (gn->type != GEN_DNS) continue;
    const ASN1_IA5STRING* s = gn->d.dNSName;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     ASN1_STRING_length(s));
  }
  return out;
}

TEST(CertChainTest, VerifiesOnlyForTheRightRootAndHost) {
  struct Row {
    const char* name;
    int chain_length;
    const char* host;
    bool other_root;  // verify against a different, freshly made root
    bool want_ok;
  };
  const Row rows[] = {
      {.name = "chain1 server4", .chain_length = 1, .host = "server4", .want_ok = true},
      {.name = "chain1 server46", .chain_length = 1, .host = "server46", .want_ok = true},
      {.name = "chain9 server4", .chain_length = 9, .host = "server4", .want_ok = true},
      {.name = "chain2 server6", .chain_length = 2, .host = "server6", .want_ok = true},
      {.name = "chain1 other host", .chain_length = 1, .host = "other", .want_ok = false},
      {.name = "chain9 other host", .chain_length = 9, .host = "other", .want_ok = false},
      {.name = "chain1 other root",
       .chain_length = 1,
       .host = "server4",
       .other_root = true,
       .want_ok = false},
      {.name = "chain9 other root",
       .chain_length = 9,
       .host = "server4",
       .other_root = true,
       .want_ok = false},
  };
  ScopedTempDir other;
  ASSERT_FALSE(other.path().empty());
  ASSERT_TRUE(WriteCertChain(other.path(), 1).ok());
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    ScopedTempDir dir;
    ASSERT_FALSE(dir.path().empty());
    Status s = WriteCertChain(dir.path(), row.chain_length);
    ASSERT_TRUE(s.ok()) << s.error().Text();
    const std::string& ca_dir = row.other_root ? other.path() : dir.path();
    const int code = Verify(dir.path(), ca_dir, row.host);
    EXPECT_EQ(code == X509_V_OK, row.want_ok)
        << "verify code " << code << ": " << X509_verify_cert_error_string(code);
  }
}

TEST(CertChainTest, ShapeOfTheFiles) {
  struct Row {
    const char* name;
    int chain_length;
    size_t want_certs;      // in cert.pem
    size_t want_dns_names;  // in the leaf's SAN
  };
  const Row rows[] = {
      {.name = "chain1", .chain_length = 1, .want_certs = 1, .want_dns_names = 4},
      {.name = "chain2", .chain_length = 2, .want_certs = 2, .want_dns_names = 24},
      {.name = "chain9", .chain_length = 9, .want_certs = 9, .want_dns_names = 24},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    ScopedTempDir dir;
    ASSERT_TRUE(WriteCertChain(dir.path(), row.chain_length).ok());
    std::vector<X509Ptr> certs = ReadCerts(dir.path() + "/" + kCertFile);
    std::vector<X509Ptr> roots = ReadCerts(dir.path() + "/" + kCaFile);
    ASSERT_EQ(certs.size(), row.want_certs);
    ASSERT_EQ(roots.size(), 1u);
    PkeyPtr key = ReadKey(dir.path() + "/" + kKeyFile);
    ASSERT_TRUE(key);
    EXPECT_EQ(X509_check_private_key(certs[0].get(), key.get()), 1) << "key is the leaf's";
    if (certs.size() > 1) {
      EXPECT_NE(X509_check_private_key(certs[1].get(), key.get()), 1);
      ERR_clear_error();
    }
    EXPECT_EQ(EVP_PKEY_get_bits(key.get()), 256);
    EXPECT_EQ(ReadText(dir.path() + "/" + kKeyFile).rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
    EXPECT_EQ(X509_check_ca(certs[0].get()), 0) << "leaf is not a CA";
    for (size_t i = 1; i < certs.size(); ++i) EXPECT_NE(X509_check_ca(certs[i].get()), 0);
    EXPECT_NE(X509_check_ca(roots[0].get()), 0);
    // Issuer order: each certificate in cert.pem is signed by the next, the last by the root.
    for (size_t i = 0; i < certs.size(); ++i) {
      X509* issuer = i + 1 < certs.size() ? certs[i + 1].get() : roots[0].get();
      EXPECT_EQ(X509_check_issued(issuer, certs[i].get()), X509_V_OK) << "cert " << i;
    }
    std::vector<std::string> names = DnsNames(certs[0].get());
    ASSERT_EQ(names.size(), row.want_dns_names);
    EXPECT_EQ(names[0], "server");
    EXPECT_EQ(names[3], "server46");
    for (size_t i = 4; i < names.size(); ++i) EXPECT_EQ(names[i].size(), 250u);
    EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(certs[0].get())), 0);
    EXPECT_GT(X509_cmp_current_time(X509_get0_notAfter(certs[0].get())), 0);
  }
}

TEST(CertChainTest, EveryCallMakesNewKeysAndSerials) {
  ScopedTempDir a;
  ScopedTempDir b;
  ASSERT_TRUE(WriteCertChain(a.path(), 1).ok());
  ASSERT_TRUE(WriteCertChain(b.path(), 1).ok());
  std::vector<X509Ptr> ca = ReadCerts(a.path() + "/" + kCaFile);
  std::vector<X509Ptr> cb = ReadCerts(b.path() + "/" + kCaFile);
  ASSERT_EQ(ca.size(), 1u);
  ASSERT_EQ(cb.size(), 1u);
  EXPECT_NE(
      ASN1_INTEGER_cmp(X509_get0_serialNumber(ca[0].get()), X509_get0_serialNumber(cb[0].get())),
      0);
  EXPECT_NE(ReadText(a.path() + "/" + kKeyFile), ReadText(b.path() + "/" + kKeyFile));
}

TEST(CertChainTest, BadInputIsAnError) {
  Status s = WriteCertChain("/nonexistent-qir-dir/certs", 1);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Error::kIo);
  EXPECT_NE(s.error().arg.find("/nonexistent-qir-dir/certs/"), std::string::npos);
  ScopedTempDir dir;
  for (int length : {0, -1, kMaxChainLength + 1}) {
    Status bad = WriteCertChain(dir.path(), length);
    ASSERT_FALSE(bad.ok()) << length;
    EXPECT_EQ(bad.error().code, Error::kInvalidArgument);
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/" + kCertFile));
}

TEST(CertChainTest, Chain9IsFast) {
  ScopedTempDir dir;
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(WriteCertChain(dir.path(), 9).ok());
  const auto ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  RecordProperty("chain9_ms", std::to_string(ms));
  std::printf("WriteCertChain(9) took %.2f ms\n", ms);
  // The budget is 50 ms; leave headroom for sanitizers and valgrind on a loaded machine.
  EXPECT_LT(ms, 2000.0);
}

}  // namespace
}  // namespace qir::runner
