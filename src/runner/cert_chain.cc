// Generates the per-test certificate chain with the OpenSSL 3 API: ECDSA P-256 keys, SHA-256
// signatures, a root, chain_length-1 intermediates and a leaf for server/server4/server6/server46.
// Governed by interop-runner-facts.md §3 "Certificates" (the reference's certs.sh); RFC 5280 for
// the extensions. Every OpenSSL object is owned by a unique_ptr so no error path leaks.
#include "runner/cert_chain.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>

#include "util/openssl_ptr.h"
#include <vector>

namespace qir::runner {
namespace {

using util::BioPtr;
using util::PkeyPtr;
using util::X509Ptr;
using BignumPtr = util::OsslPtr<BIGNUM, BN_free>;
using ExtPtr = util::OsslPtr<X509_EXTENSION, X509_EXTENSION_free>;

constexpr const char* kCurve = "P-256";
constexpr long kNotBeforeOffsetS = -3600;          // now - 1 h, tolerates small clock skew
constexpr long kNotAfterOffsetS = 10 * 24 * 3600;  // now + 10 days, as the reference
constexpr int kSerialBits = 128;
constexpr const char* kServerNames = "DNS:server,DNS:server4,DNS:server6,DNS:server46";
constexpr int kPaddingNames = 20;        // extra SANs when chain_length != 1 (reference certs.sh)
constexpr int kPaddingNameLength = 250;  // characters per extra SAN
constexpr int kDnsLabelMax = 63;         // RFC 1035 §2.3.4; labels are kept below it

/// An ErrorInfo for a failed OpenSSL call, draining the thread's error queue into the message.
ErrorInfo OsslFail(const char* call) {
  std::string message = std::string(call) + " failed";
  unsigned long err = 0;
  const char* sep = ": ";
  while ((err = ERR_get_error()) != 0) {
    std::array<char, 256> buf{};
    ERR_error_string_n(err, buf.data(), buf.size());
    message += sep;
    message += buf.data();
    sep = "; ";
  }
  return Fail(Error::kInternal, std::move(message));
}

/// What distinguishes one certificate of the chain from another.
struct CertSpec {
  std::string org;          ///< subject O
  std::string common_name;  ///< subject CN
  bool is_ca = false;       ///< root/intermediate (true) or leaf (false)
  std::string san;          ///< subjectAltName config value; leaf only
};

/// A certificate with its private key.
struct KeyedCert {
  X509Ptr cert;
  PkeyPtr key;
};

Status SetRandomSerial(X509* cert) {
  BignumPtr bn(BN_new());
  if (!bn) return OsslFail("BN_new");
  if (BN_rand(bn.get(), kSerialBits, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1) {
    return OsslFail("BN_rand");
  }
  if (BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) == nullptr) {
    return OsslFail("BN_to_ASN1_INTEGER");
  }
  return {};
}

Status SetSubject(X509* cert, const CertSpec& spec) {
  X509_NAME* name = X509_get_subject_name(cert);  // owned by cert
  const auto* org = reinterpret_cast<const unsigned char*>(spec.org.c_str());
  const auto* cn = reinterpret_cast<const unsigned char*>(spec.common_name.c_str());
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, org, -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, cn, -1, -1, 0) != 1) {
    return OsslFail("X509_NAME_add_entry_by_txt");
  }
  return {};
}

Status AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  ExtPtr ext(X509V3_EXT_nconf_nid(nullptr, ctx, nid, value.c_str()));
  if (!ext) return OsslFail(OBJ_nid2sn(nid));
  if (X509_add_ext(cert, ext.get(), -1) != 1) return OsslFail("X509_add_ext");
  return {};
}

/// Adds the RFC 5280 §4.2 extensions; `issuer` is the signing certificate (cert itself for the
/// root).
Status AddExtensions(X509* cert, X509* issuer, const CertSpec& spec) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  struct Ext {
    int nid;
    std::string value;
  };
  std::vector<Ext> exts = {{NID_subject_key_identifier, "hash"}};
  if (issuer != cert) exts.push_back({NID_authority_key_identifier, "keyid:always"});
  if (spec.is_ca) {
    exts.push_back({NID_basic_constraints, "critical,CA:TRUE"});
    exts.push_back({NID_key_usage, "critical,keyCertSign,cRLSign"});
  } else {
    exts.push_back({NID_basic_constraints, "critical,CA:FALSE"});
    exts.push_back({NID_key_usage, "critical,digitalSignature"});
    exts.push_back({NID_ext_key_usage, "serverAuth"});
    exts.push_back({NID_subject_alt_name, spec.san});
  }
  for (const Ext& e : exts) {
    if (Status s = AddExtension(cert, &ctx, e.nid, e.value); !s) return s;
  }
  return {};
}

/// Creates a key and a certificate for `spec`, signed by `issuer` or self-signed when it is null.
Result<KeyedCert> MakeCert(const CertSpec& spec, const KeyedCert* issuer) {
  KeyedCert out{X509Ptr(X509_new()), PkeyPtr(EVP_EC_gen(kCurve))};
  if (!out.key) return OsslFail("EVP_EC_gen");
  X509* cert = out.cert.get();
  if (cert == nullptr) return OsslFail("X509_new");
  if (X509_set_version(cert, X509_VERSION_3) != 1) return OsslFail("X509_set_version");
  if (Status s = SetRandomSerial(cert); !s) return s.error();
  if (X509_gmtime_adj(X509_getm_notBefore(cert), kNotBeforeOffsetS) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert), kNotAfterOffsetS) == nullptr) {
    return OsslFail("X509_gmtime_adj");
  }
  if (Status s = SetSubject(cert, spec); !s) return s.error();
  X509* issuer_cert = issuer ? issuer->cert.get() : cert;
  if (X509_set_issuer_name(cert, X509_get_subject_name(issuer_cert)) != 1) {
    return OsslFail("X509_set_issuer_name");
  }
  if (X509_set_pubkey(cert, out.key.get()) != 1) return OsslFail("X509_set_pubkey");
  if (Status s = AddExtensions(cert, issuer_cert, spec); !s) return s.error();
  EVP_PKEY* signing_key = issuer ? issuer->key.get() : out.key.get();
  if (X509_sign(cert, signing_key, EVP_sha256()) <= 0) return OsslFail("X509_sign");
  return out;
}

/// One random DNS name of kPaddingNameLength characters: [a-z0-9] labels joined by dots.
Result<std::string> RandomDnsName() {
  std::array<unsigned char, kPaddingNameLength> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return OsslFail("RAND_bytes");
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string name(kPaddingNameLength, '.');
  for (size_t i = 0; i < name.size(); ++i) {
    // Every 63rd character is a dot, so labels stay at 62 characters (< kDnsLabelMax).
    if (i % kDnsLabelMax != kDnsLabelMax - 1) name[i] = kAlphabet[bytes[i] % 36];
  }
  return name;
}

/// The leaf's subjectAltName value.
Result<std::string> LeafSan(int chain_length) {
  std::string san = kServerNames;
  if (chain_length == 1) return san;
  for (int i = 0; i < kPaddingNames; ++i) {
    Result<std::string> name = RandomDnsName();
    if (!name) return name.error();
    san += ",DNS:" + *name;
  }
  return san;
}

/// Opens dir/file for writing, lets `write` fill it and flushes; kIo when the file cannot be made.
Status WritePemFile(const std::string& dir, const char* file,
                    const std::function<bool(BIO*)>& write) {
  const std::string path = dir + "/" + file;
  errno = 0;
  BioPtr bio(BIO_new_file(path.c_str(), "w"));
  if (!bio) {
    const int err = errno;
    ERR_clear_error();
    return Fail(Error::kIo, std::string("cannot create certificate file: ") + std::strerror(err),
                path);
  }
  if (!write(bio.get())) return OsslFail(("PEM write of " + path).c_str());
  if (BIO_flush(bio.get()) != 1) return Fail(Error::kIo, "cannot flush certificate file", path);
  return {};
}

/// The chain, root first: chain[0] = root, chain[1..n-1] = intermediates, chain[n] = leaf.
Result<std::vector<KeyedCert>> MakeChain(int chain_length) {
  std::vector<KeyedCert> chain;
  Result<KeyedCert> root =
      MakeCert({.org = "qir test root", .common_name = "qir test root CA", .is_ca = true}, nullptr);
  if (!root) return root.error();
  chain.push_back(std::move(*root));
  for (int i = 1; i < chain_length; ++i) {
    const std::string label = "qir test intermediate " + std::to_string(i);
    Result<KeyedCert> mid =
        MakeCert({.org = label, .common_name = label, .is_ca = true}, &chain.back());
    if (!mid) return mid.error();
    chain.push_back(std::move(*mid));
  }
  Result<std::string> san = LeafSan(chain_length);
  if (!san) return san.error();
  Result<KeyedCert> leaf =
      MakeCert({.org = "qir test server", .common_name = "server", .is_ca = false, .san = *san},
               &chain.back());
  if (!leaf) return leaf.error();
  chain.push_back(std::move(*leaf));
  return chain;
}

}  // namespace

Status WriteCertChain(const std::string& dir, int chain_length) {
  if (chain_length < 1 || chain_length > kMaxChainLength) {
    return Fail(Error::kInvalidArgument,
                "certificate chain length must be 1.." + std::to_string(kMaxChainLength),
                std::to_string(chain_length));
  }
  ERR_clear_error();  // so error strings name only this call's failures
  Result<std::vector<KeyedCert>> chain = MakeChain(chain_length);
  if (!chain) return chain.error();
  const std::vector<KeyedCert>& certs = *chain;
  Status s = WritePemFile(dir, kCaFile, [&](BIO* bio) {
    return PEM_write_bio_X509(bio, certs.front().cert.get()) == 1;
  });
  if (!s) return s;
  // cert.pem: leaf first, then each issuer towards the root (TLS Certificate message order).
  s = WritePemFile(dir, kCertFile, [&](BIO* bio) {
    for (size_t i = certs.size() - 1; i >= 1; --i) {
      if (PEM_write_bio_X509(bio, certs[i].cert.get()) != 1) return false;
    }
    return true;
  });
  if (!s) return s;
  // PEM_write_bio_PrivateKey writes PKCS#8 ("BEGIN PRIVATE KEY") in OpenSSL 3.
  return WritePemFile(dir, kKeyFile, [&](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, certs.back().key.get(), nullptr, nullptr, 0, nullptr,
                                    nullptr) == 1;
  });
}

}  // namespace qir::runner
