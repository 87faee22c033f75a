// SPDX-License-Identifier: GPL-2.0-or-later
// TlsContext and TlsStream: the NUT server's STARTTLS (OpenSSL 3), server side, non-blocking.
#pragma once

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

// OpenSSL's types, without its headers (they stay in tls_context.cpp).
struct ssl_ctx_st;
struct ssl_st;

namespace hidupsd::serve {

/// A certificate or key that cannot serve, or a TLS object OpenSSL cannot make. The text
/// names the file and says why; it never holds the key.
class TlsError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// What the server's certificate says (for --check-config and the start-up line).
struct CertificateInfo {
  std::string subject;   ///< "CN=pve1.example"
  std::string notBefore; ///< "2026-12-07 04:00:00 UTC"
  std::string notAfter;
  bool expired = false;     ///< notAfter has passed: clients that verify refuse it
  bool notYetValid = false; ///< notBefore is still to come: likewise
  bool expiresSoon = false; ///< valid now, expired in less than 30 days
};

/// The server's certificate chain and private key, TLS 1.2 or newer, no renegotiation, no
/// compression, no session cache. Immutable once made: thread-safe to share.
class TlsContext {
public:
  /// `certificatePath`: PEM, the server's certificate first, then its chain. `keyPem`: the
  /// PEM private key's bytes (read with the secrets' file rules by config/); `keyPath` only
  /// names it in messages. Throws TlsError: the certificate unreadable or not PEM, the key
  /// not a key (or encrypted), the key not the certificate's.
  TlsContext(const std::string& certificatePath, std::string_view keyPem,
             const std::string& keyPath);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  const CertificateInfo& certificate() const noexcept { return info_; }
  ssl_ctx_st* get() const noexcept { return ctx_; }

private:
  ssl_ctx_st* ctx_ = nullptr;
  CertificateInfo info_;
};

/// One connection's TLS over a non-blocking socket it does not own (the caller keeps the
/// descriptor open while the stream lives). Each call does what the socket allows now and
/// says what it waits for. Not thread-safe: the NUT server thread alone uses it (OpenSSL's
/// error queue is per thread).
class TlsStream {
public:
  enum class Status {
    Done,      ///< the handshake is over / bytes were moved
    WantRead,  ///< call again when the socket is readable
    WantWrite, ///< call again when the socket is writable
    Closed,    ///< the peer ended the TLS session (close_notify or end of stream)
    Failed,    ///< a TLS or socket error: see error()
  };
  struct Result {
    Status status = Status::Failed;
    std::size_t bytes = 0; ///< moved, when Done
  };

  /// Throws TlsError if OpenSSL cannot make the session.
  TlsStream(const TlsContext& context, int fd);
  ~TlsStream();
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  /// SSL_accept: Done when the handshake is complete.
  Status handshake();
  /// Up to `size` decrypted bytes.
  Result read(char* buffer, std::size_t size);
  /// Up to `size` bytes encrypted and sent (a partial write is Done with fewer bytes).
  Result write(const char* data, std::size_t size);
  /// Decrypted bytes already held here: poll() will not announce them.
  bool pending() const noexcept;
  /// Sends close_notify once, without waiting for anything.
  void shutdown() noexcept;
  /// Why the last call Failed ("wrong version number", "Connection reset by peer").
  const std::string& error() const noexcept { return error_; }
  /// "TLSv1.3" once the handshake is done.
  std::string version() const;

private:
  Status statusOf(int ret);

  ssl_st* ssl_ = nullptr;
  std::string error_;
};

} // namespace hidupsd::serve
