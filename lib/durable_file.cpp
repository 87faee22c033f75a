// SPDX-License-Identifier: GPL-2.0-or-later
// writeDurably: temporary file, fsync, rename, fsync of the directory.
#include "lib/durable_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "lib/unique_fd.hpp"

namespace hidupsd::lib {

void writeDurably(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  const auto tmp = path.string() + ".tmp";
  {
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd.valid()) throw std::system_error(errno, std::generic_category(), tmp);
    const bool ok =
        ::write(fd.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
        ::fsync(fd.get()) == 0;
    if (!ok) throw std::system_error(errno, std::generic_category(), tmp);
  }
  std::filesystem::rename(tmp, path);
  const UniqueFd dir(::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.valid()) ::fsync(dir.get());
}

} // namespace hidupsd::lib
