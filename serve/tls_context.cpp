// SPDX-License-Identifier: GPL-2.0-or-later
// TlsContext and TlsStream over OpenSSL 3: the certificate and key checked once, then one
// SSL object per STARTTLS connection driven by the NUT server's poll loop.
#include "serve/tls_context.hpp"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "lib/unique_fd.hpp"

namespace hidupsd::serve {
namespace {

struct BioFree {
  void operator()(BIO* b) const noexcept { BIO_free(b); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

/// The oldest error OpenSSL queued on this thread, in words; the queue is emptied.
std::string takeOpenSslError(const char* fallback) {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return fallback;
  if (const char* reason = ERR_reason_error_string(e); reason != nullptr) return reason;
  char text[256];
  ERR_error_string_n(e, text, sizeof(text));
  return text;
}

/// An encrypted key would ask for a passphrase: nobody is there to type it.
int noPassphrase(char*, int, int, void*) { return 0; }

std::string timeText(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return "(unreadable)";
  char text[64];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text;
}

std::string subjectText(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) < 0)
    return "(unreadable)";
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string("(empty)");
}

CertificateInfo describe(X509* cert) {
  CertificateInfo info;
  info.subject = subjectText(cert);
  info.notBefore = timeText(X509_get0_notBefore(cert));
  info.notAfter = timeText(X509_get0_notAfter(cert));
  info.expired = X509_cmp_current_time(X509_get0_notAfter(cert)) < 0;
  info.notYetValid = X509_cmp_current_time(X509_get0_notBefore(cert)) > 0;
  std::time_t inThirtyDays = std::time(nullptr) + 30 * 24 * 3600;
  info.expiresSoon = !info.expired && X509_cmp_time(X509_get0_notAfter(cert), &inThirtyDays) < 0;
  return info;
}

/// Readable by us at all? (OpenSSL's own message for a missing file is "system lib".)
void checkReadable(const std::string& what, const std::string& path) {
  lib::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.valid())
    throw TlsError(fmt::format("{} {}: cannot open: {}", what, path, std::strerror(errno)));
}

KeyPtr parseKey(std::string_view pem, const std::string& keyPath) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw TlsError("out of memory reading the key");
  KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr));
  if (!key)
    throw TlsError(fmt::format(
        "key {}: not a PEM private key, or one protected by a passphrase ({}): give the key "
        "unencrypted, readable by root alone",
        keyPath, takeOpenSslError("unreadable")));
  return key;
}

void configure(SSL_CTX* ctx) {
  // TLS 1.2 and 1.3 (NUT 2.8's clients speak both); renegotiation is a CPU-bound attack on
  // a server, compression leaks (CRIME); no session cache or tickets: upsmon keeps one
  // connection for hours and nothing is gained by remembering sessions.
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET |
                               SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(ctx, 0);
  // Partial writes from a buffer that may move (the server's std::string); buffers released
  // while a connection is idle (memory per client stays small).
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                            SSL_MODE_RELEASE_BUFFERS);
}

} // namespace

TlsContext::TlsContext(const std::string& certificatePath, std::string_view keyPem,
                       const std::string& keyPath) {
  ERR_clear_error();
  ctx_ = SSL_CTX_new(TLS_server_method());
  if (ctx_ == nullptr) throw TlsError("cannot make a TLS context: " + takeOpenSslError("?"));
  try {
    configure(ctx_);
    checkReadable("certificate", certificatePath);
    if (SSL_CTX_use_certificate_chain_file(ctx_, certificatePath.c_str()) != 1)
      throw TlsError(fmt::format("certificate {}: not a PEM certificate ({})", certificatePath,
                                 takeOpenSslError("unreadable")));
    const auto key = parseKey(keyPem, keyPath);
    if (SSL_CTX_use_PrivateKey(ctx_, key.get()) != 1 || SSL_CTX_check_private_key(ctx_) != 1)
      throw TlsError(fmt::format("key {} is not the key of certificate {} ({})", keyPath,
                                 certificatePath, takeOpenSslError("mismatch")));
    info_ = describe(SSL_CTX_get0_certificate(ctx_));
  } catch (...) {
    SSL_CTX_free(ctx_);
    throw;
  }
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

TlsStream::TlsStream(const TlsContext& context, int fd) {
  ERR_clear_error();
  ssl_ = SSL_new(context.get());
  if (ssl_ == nullptr || SSL_set_fd(ssl_, fd) != 1) {
    SSL_free(ssl_);
    throw TlsError("cannot start TLS: " + takeOpenSslError("SSL_new failed"));
  }
}

TlsStream::~TlsStream() { SSL_free(ssl_); }

TlsStream::Status TlsStream::handshake() {
  ERR_clear_error();
  return statusOf(SSL_accept(ssl_));
}

TlsStream::Result TlsStream::read(char* buffer, std::size_t size) {
  ERR_clear_error();
  std::size_t n = 0;
  const int ret = SSL_read_ex(ssl_, buffer, size, &n);
  return {statusOf(ret), n};
}

TlsStream::Result TlsStream::write(const char* data, std::size_t size) {
  ERR_clear_error();
  std::size_t n = 0;
  const int ret = SSL_write_ex(ssl_, data, size, &n);
  return {statusOf(ret), n};
}

bool TlsStream::pending() const noexcept { return SSL_has_pending(ssl_) == 1; }

void TlsStream::shutdown() noexcept {
  ERR_clear_error();
  (void)SSL_shutdown(ssl_);
  ERR_clear_error();
}

std::string TlsStream::version() const { return SSL_get_version(ssl_); }

TlsStream::Status TlsStream::statusOf(int ret) {
  if (ret == 1) return Status::Done;
  const int saved = errno;
  switch (SSL_get_error(ssl_, ret)) {
  case SSL_ERROR_WANT_READ: return Status::WantRead;
  case SSL_ERROR_WANT_WRITE: return Status::WantWrite;
  case SSL_ERROR_ZERO_RETURN: return Status::Closed;
  case SSL_ERROR_SYSCALL:
    error_ = saved != 0 ? std::strerror(saved) : "the connection ended";
    ERR_clear_error();
    return saved != 0 ? Status::Failed : Status::Closed;
  default: error_ = takeOpenSslError("TLS error"); return Status::Failed;
  }
}

} // namespace hidupsd::serve
