// SPDX-License-Identifier: GPL-2.0-or-later
// The dashboard's files (serve/dashboard/), compiled in by tools/embed.py.
#pragma once

#include <string_view>

namespace hidupsd::serve {

extern const std::string_view kDashboardHtml; ///< dashboard/index.html
extern const std::string_view kDashboardCss;  ///< dashboard/dashboard.css
extern const std::string_view kDashboardJs;   ///< dashboard/dashboard.js
extern const std::string_view kDashboardIcon; ///< dashboard/favicon.svg

} // namespace hidupsd::serve
