// SPDX-License-Identifier: GPL-2.0-or-later
// UsbContext, UsbDevice, UsbDeviceHandle: the only file that includes libusb.h.
#include "hid/usb_context.hpp"

#include <libusb.h>

#include <array>
#include <memory>
#include <system_error>
#include <utility>

#include "hid/usb_discovery.hpp"

namespace hidupsd::hid {

static_assert(static_cast<int>(UsbErrc::Io) == LIBUSB_ERROR_IO);
static_assert(static_cast<int>(UsbErrc::InvalidParam) == LIBUSB_ERROR_INVALID_PARAM);
static_assert(static_cast<int>(UsbErrc::Access) == LIBUSB_ERROR_ACCESS);
static_assert(static_cast<int>(UsbErrc::NoDevice) == LIBUSB_ERROR_NO_DEVICE);
static_assert(static_cast<int>(UsbErrc::NotFound) == LIBUSB_ERROR_NOT_FOUND);
static_assert(static_cast<int>(UsbErrc::Busy) == LIBUSB_ERROR_BUSY);
static_assert(static_cast<int>(UsbErrc::Timeout) == LIBUSB_ERROR_TIMEOUT);
static_assert(static_cast<int>(UsbErrc::Overflow) == LIBUSB_ERROR_OVERFLOW);
static_assert(static_cast<int>(UsbErrc::Pipe) == LIBUSB_ERROR_PIPE);
static_assert(static_cast<int>(UsbErrc::Interrupted) == LIBUSB_ERROR_INTERRUPTED);
static_assert(static_cast<int>(UsbErrc::NoMem) == LIBUSB_ERROR_NO_MEM);
static_assert(static_cast<int>(UsbErrc::NotSupported) == LIBUSB_ERROR_NOT_SUPPORTED);
static_assert(static_cast<int>(UsbErrc::Other) == LIBUSB_ERROR_OTHER);

namespace {

constexpr std::size_t kStringMax = 256; // a string descriptor has at most 126 UTF-16 units

/// Throws std::system_error for a negative libusb return, else returns it.
int check(int rc, const char* what) {
  if (rc < 0) throw std::system_error(rc, usbCategory(), what);
  return rc;
}

struct ConfigFree {
  void operator()(libusb_config_descriptor* c) const noexcept { libusb_free_config_descriptor(c); }
};
using ConfigPtr = std::unique_ptr<libusb_config_descriptor, ConfigFree>;

struct DeviceListFree {
  void operator()(libusb_device** list) const noexcept { libusb_free_device_list(list, 1); }
};

/// The active configuration, or the first when the device reports none.
ConfigPtr configOf(libusb_device* device) {
  libusb_config_descriptor* config = nullptr;
  if (libusb_get_active_config_descriptor(device, &config) < 0)
    check(libusb_get_config_descriptor(device, 0, &config), "libusb_get_config_descriptor");
  return ConfigPtr(config);
}

std::optional<HidInterface> firstHidInterface(const libusb_config_descriptor& config) {
  for (int i = 0; i < config.bNumInterfaces; ++i) {
    const libusb_interface& interface = config.interface[i];
    for (int a = 0; a < interface.num_altsetting; ++a) {
      const libusb_interface_descriptor& alt = interface.altsetting[a];
      if (alt.bInterfaceClass != LIBUSB_CLASS_HID) continue;
      const auto* extra = alt.extra;
      return HidInterface{alt.bInterfaceNumber, {extra, extra + alt.extra_length}};
    }
  }
  return std::nullopt;
}

} // namespace

// --- UsbDevice ---

UsbDevice::UsbDevice(libusb_device* device) noexcept : device_(libusb_ref_device(device)) {}

UsbDevice::UsbDevice(UsbDevice&& other) noexcept : device_(std::exchange(other.device_, nullptr)) {}

UsbDevice& UsbDevice::operator=(UsbDevice&& other) noexcept {
  if (this != &other) {
    if (device_ != nullptr) libusb_unref_device(device_);
    device_ = std::exchange(other.device_, nullptr);
  }
  return *this;
}

UsbDevice::~UsbDevice() {
  if (device_ != nullptr) libusb_unref_device(device_);
}

std::uint8_t UsbDevice::busNumber() const noexcept { return libusb_get_bus_number(device_); }

std::uint8_t UsbDevice::address() const noexcept { return libusb_get_device_address(device_); }

std::string UsbDevice::busPath() const {
  std::array<std::uint8_t, 8> ports{}; // USB 3 allows 7 tiers of hubs
  const int n = libusb_get_port_numbers(device_, ports.data(), static_cast<int>(ports.size()));
  return formatBusPath(busNumber(), std::span(ports.data(), n > 0 ? std::size_t(n) : 0));
}

std::string UsbDevice::node() const { return usbNodePath(busNumber(), address()); }

UsbDeviceDescriptor UsbDevice::descriptor() const {
  libusb_device_descriptor d{};
  check(libusb_get_device_descriptor(device_, &d), "libusb_get_device_descriptor");
  return {d.idVendor, d.idProduct, d.bcdDevice, d.iManufacturer, d.iProduct, d.iSerialNumber};
}

UsbDeviceHandle UsbDevice::open() const {
  libusb_device_handle* handle = nullptr;
  check(libusb_open(device_, &handle), "libusb_open");
  return UsbDeviceHandle(handle);
}

// --- UsbContext ---

UsbContext::UsbContext() : context_(nullptr) { check(libusb_init(&context_), "libusb_init"); }

UsbContext::UsbContext(UsbContext&& other) noexcept
    : context_(std::exchange(other.context_, nullptr)) {}

UsbContext& UsbContext::operator=(UsbContext&& other) noexcept {
  if (this != &other) {
    if (context_ != nullptr) libusb_exit(context_);
    context_ = std::exchange(other.context_, nullptr);
  }
  return *this;
}

UsbContext::~UsbContext() {
  if (context_ != nullptr) libusb_exit(context_);
}

std::vector<UsbDevice> UsbContext::devices() const {
  libusb_device** raw = nullptr;
  const auto n = libusb_get_device_list(context_, &raw);
  check(static_cast<int>(n < 0 ? n : 0), "libusb_get_device_list");
  const std::unique_ptr<libusb_device*, DeviceListFree> list(raw);
  std::vector<UsbDevice> out;
  for (ssize_t i = 0; i < n; ++i)
    out.emplace_back(raw[i]);
  return out;
}

std::optional<UsbDevice> UsbContext::findByBusPath(std::string_view busPath) const {
  for (auto& device : devices())
    if (device.busPath() == busPath) return std::move(device);
  return std::nullopt;
}

// --- UsbDeviceHandle ---

UsbDeviceHandle::UsbDeviceHandle(libusb_device_handle* handle) noexcept : handle_(handle) {}

UsbDeviceHandle::UsbDeviceHandle(UsbDeviceHandle&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)) {}

UsbDeviceHandle& UsbDeviceHandle::operator=(UsbDeviceHandle&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) libusb_close(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

UsbDeviceHandle::~UsbDeviceHandle() {
  if (handle_ != nullptr) libusb_close(handle_);
}

std::vector<std::uint8_t> UsbDeviceHandle::controlIn(const ControlSetup& setup,
                                                     std::chrono::milliseconds timeout) {
  std::vector<std::uint8_t> buffer(setup.length);
  const int n =
      check(libusb_control_transfer(handle_, setup.requestType | LIBUSB_ENDPOINT_IN, setup.request,
                                    setup.value, setup.index, buffer.data(), setup.length,
                                    static_cast<unsigned>(timeout.count())),
            "libusb_control_transfer");
  buffer.resize(static_cast<std::size_t>(n));
  return buffer;
}

std::string UsbDeviceHandle::stringDescriptor(std::uint8_t index) {
  std::array<unsigned char, kStringMax> buffer{};
  const int n = check(libusb_get_string_descriptor_ascii(handle_, index, buffer.data(),
                                                         static_cast<int>(buffer.size())),
                      "libusb_get_string_descriptor_ascii");
  return std::string(buffer.begin(), buffer.begin() + n);
}

HidInterface UsbDeviceHandle::hidInterface() {
  const auto config = configOf(libusb_get_device(handle_));
  auto hid = firstHidInterface(*config);
  if (!hid) throw std::system_error(UsbErrc::NotFound, "no HID interface");
  return std::move(*hid);
}

void UsbDeviceHandle::resetDevice() { check(libusb_reset_device(handle_), "libusb_reset_device"); }

bool UsbDeviceHandle::kernelDriverActive(std::uint8_t interface) {
  return check(libusb_kernel_driver_active(handle_, interface), "libusb_kernel_driver_active") == 1;
}

void UsbDeviceHandle::detachKernelDriver(std::uint8_t interface) {
  check(libusb_detach_kernel_driver(handle_, interface), "libusb_detach_kernel_driver");
}

bool UsbDeviceHandle::attachKernelDriver(std::uint8_t interface) noexcept {
  return libusb_attach_kernel_driver(handle_, interface) == 0;
}

void UsbDeviceHandle::claimInterface(std::uint8_t interface) {
  check(libusb_claim_interface(handle_, interface), "libusb_claim_interface");
}

void UsbDeviceHandle::releaseInterface(std::uint8_t interface) noexcept {
  libusb_release_interface(handle_, interface);
}

// --- InterfaceClaim ---

InterfaceClaim::InterfaceClaim(UsbDeviceHandle& handle, std::uint8_t interface)
    : handle_(handle), interface_(interface) {
  handle_.claimInterface(interface_);
}

InterfaceClaim::~InterfaceClaim() { handle_.releaseInterface(interface_); }

} // namespace hidupsd::hid
