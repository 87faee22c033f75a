// SPDX-License-Identifier: GPL-2.0-or-later
// Database, Statement: the one owner of each sqlite3 handle, errors as exceptions with codes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace hidupsd::history {

/// What went wrong, by the kind of fault the history reacts to (store.cpp).
enum class Fault : std::uint8_t {
  Other,       ///< a bug, a constraint, out of memory
  Full,        ///< SQLITE_FULL: the disk (or the quota) is full
  ReadOnly,    ///< SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN: cannot write or open
  Io,          ///< SQLITE_IOERR (not ENOSPC): the disk fails
  Corrupt,     ///< SQLITE_CORRUPT, SQLITE_NOTADB: the file is not a sound database
  Busy,        ///< SQLITE_BUSY, SQLITE_LOCKED: another connection holds the lock
  Interrupted, ///< SQLITE_INTERRUPT: a query ran out of its time budget
};

/// A failed SQLite call: what() is "CONTEXT: sqlite's message", code() the
/// extended result code.
class SqliteError : public std::runtime_error {
public:
  SqliteError(int code, const std::string& what);
  int code() const noexcept { return code_; }
  Fault fault() const noexcept;

private:
  int code_;
};

/// The fault class of an extended result code.
Fault faultOf(int extendedCode) noexcept;
std::string_view nameOf(Fault fault) noexcept;

/// A prepared statement. Move-only; finalized by its destructor. Binds are
/// 1-based, columns 0-based (as in SQLite's C API). Thread rules: the
/// thread that uses its Database.
class Statement {
public:
  Statement(sqlite3* db, std::string_view sql); ///< Throws SqliteError.
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  /// NaN and nullopt bind NULL.
  Statement& bind(int index, std::optional<double> value);
  Statement& bindNull(int index);

  /// Runs to the next row: true when there is one. Throws SqliteError.
  bool step();
  /// step() for a statement without rows, then reset(): one call per INSERT.
  void run();
  /// Ready to run again with new binds.
  void reset() noexcept;

  bool isNull(int column) const noexcept;
  std::int64_t integer(int column) const noexcept;
  double real(int column) const noexcept;
  /// NULL as nullopt.
  std::optional<double> optReal(int column) const noexcept;
  std::string text(int column) const;

private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

/// One connection. Move-only; closed by its destructor.
class Database {
public:
  enum class Mode : std::uint8_t { ReadOnly, ReadWriteCreate };

  /// Opens `path`. Throws SqliteError (CANTOPEN when absent and ReadOnly).
  Database(const std::filesystem::path& path, Mode mode);
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&&) = delete;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// Runs one or more statements without results. Throws SqliteError.
  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) { return Statement(db_, sql); }
  /// The first column of the first row of `sql` as an integer (0 when no row).
  std::int64_t scalar(std::string_view sql);
  std::int64_t changes() const noexcept;
  std::int64_t lastInsertId() const noexcept;

  /// Waits up to `ms` for a lock held by another connection.
  void setBusyTimeout(int ms) noexcept;
  /// From now, statements fail with SQLITE_INTERRUPT once `ms` of wall time
  /// has passed (a bounded query: call it before each); 0 = no limit.
  void startTimeBudget(int ms) noexcept;
  /// Keeps the -wal and -shm files after the last connection closes, so a
  /// read-only connection (hidupsd --history) can open the database while
  /// the daemon is stopped too.
  void persistWal() noexcept;
  const std::filesystem::path& path() const noexcept { return path_; }

private:
  static int onProgress(void* self) noexcept;

  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
  std::int64_t deadlineMs_ = 0; ///< steady ms; 0 = none
};

/// A transaction: BEGIN IMMEDIATE now, COMMIT by commit(), ROLLBACK when
/// left without it (an exception).
class Transaction {
public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

private:
  Database& db_;
  bool done_ = false;
};

} // namespace hidupsd::history
