// SPDX-License-Identifier: GPL-2.0-or-later
// Database, Statement: thin owners over SQLite's C API (sqlite.org/c3ref).
#include "history/sqlite.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace hidupsd::history {

namespace {

std::int64_t steadyMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

[[noreturn]] void fail(sqlite3* db, int code, std::string_view context) {
  const int extended = db != nullptr ? sqlite3_extended_errcode(db) : code;
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  throw SqliteError(extended, fmt::format("{}: {}", context, message));
}

} // namespace

SqliteError::SqliteError(int code, const std::string& what)
    : std::runtime_error(what), code_(code) {}

Fault SqliteError::fault() const noexcept { return faultOf(code_); }

Fault faultOf(int extendedCode) noexcept {
  // A full disk shows as SQLITE_FULL, or as an I/O error whose errno was ENOSPC
  // (sqlite's unix VFS maps a short write to SQLITE_FULL; fsync and truncate give IOERR).
  switch (extendedCode & 0xff) {
  case SQLITE_FULL: return Fault::Full;
  case SQLITE_READONLY:
  case SQLITE_PERM:
  case SQLITE_CANTOPEN:
  case SQLITE_AUTH: return Fault::ReadOnly;
  case SQLITE_IOERR: return Fault::Io;
  case SQLITE_CORRUPT:
  case SQLITE_NOTADB: return Fault::Corrupt;
  case SQLITE_BUSY:
  case SQLITE_LOCKED: return Fault::Busy;
  case SQLITE_INTERRUPT: return Fault::Interrupted;
  default: return Fault::Other;
  }
}

std::string_view nameOf(Fault fault) noexcept {
  switch (fault) {
  case Fault::Full: return "disk full";
  case Fault::ReadOnly: return "read-only or not accessible";
  case Fault::Io: return "I/O error";
  case Fault::Corrupt: return "corrupt database";
  case Fault::Busy: return "locked by another process";
  case Fault::Interrupted: return "query took too long";
  case Fault::Other: break;
  }
  return "error";
}

// Statement

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(db, rc, fmt::format("preparing \"{:.40}\"", sql));
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail(db_, SQLITE_ERROR, "bind");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  if (std::isnan(value)) return bindNull(index);
  if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK) fail(db_, SQLITE_ERROR, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  // SQLITE_TRANSIENT: SQLite copies the text, the view may die before step().
  if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK)
    fail(db_, SQLITE_ERROR, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::optional<double> value) {
  return value ? bind(index, *value) : bindNull(index);
}

Statement& Statement::bindNull(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) fail(db_, SQLITE_ERROR, "bind");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const int extended = sqlite3_extended_errcode(db_);
  sqlite3_reset(stmt_);
  throw SqliteError(extended,
                    fmt::format("\"{:.40}\": {}", sqlite3_sql(stmt_), sqlite3_errmsg(db_)));
}

void Statement::run() {
  step();
  reset();
}

void Statement::reset() noexcept {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::isNull(int column) const noexcept {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::integer(int column) const noexcept {
  return sqlite3_column_int64(stmt_, column);
}

double Statement::real(int column) const noexcept { return sqlite3_column_double(stmt_, column); }

std::optional<double> Statement::optReal(int column) const noexcept {
  if (isNull(column)) return std::nullopt;
  return real(column);
}

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p),
          static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

// Database

Database::Database(const std::filesystem::path& path, Mode mode) : path_(path) {
  const int flags =
      (mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const int extended = db_ != nullptr ? sqlite3_extended_errcode(db_) : rc;
    const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError(extended, fmt::format("opening {}: {}", path.string(), message));
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_progress_handler(db_, 1000, &Database::onProgress, this);
}

Database::~Database() { sqlite3_close(db_); }

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)),
      deadlineMs_(other.deadlineMs_) {
  if (db_ != nullptr) sqlite3_progress_handler(db_, 1000, &Database::onProgress, this);
}

void Database::exec(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return;
  const std::string why = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  throw SqliteError(sqlite3_extended_errcode(db_), fmt::format("\"{:.40}\": {}", sql, why));
}

std::int64_t Database::scalar(std::string_view sql) {
  Statement s = prepare(sql);
  return s.step() ? s.integer(0) : 0;
}

std::int64_t Database::changes() const noexcept { return sqlite3_changes64(db_); }

std::int64_t Database::lastInsertId() const noexcept { return sqlite3_last_insert_rowid(db_); }

void Database::setBusyTimeout(int ms) noexcept { sqlite3_busy_timeout(db_, ms); }

void Database::startTimeBudget(int ms) noexcept { deadlineMs_ = ms > 0 ? steadyMs() + ms : 0; }

void Database::persistWal() noexcept {
  int on = 1;
  sqlite3_file_control(db_, "main", SQLITE_FCNTL_PERSIST_WAL, &on);
}

int Database::onProgress(void* self) noexcept {
  const auto* db = static_cast<const Database*>(self);
  return db->deadlineMs_ != 0 && steadyMs() > db->deadlineMs_ ? 1 : 0;
}

// Transaction

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (done_) return;
  try {
    db_.exec("ROLLBACK");
  } catch (...) {
    // The transaction is already gone (SQLite rolls back itself on some errors).
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

} // namespace hidupsd::history
