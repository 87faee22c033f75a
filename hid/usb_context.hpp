// SPDX-License-Identifier: GPL-2.0-or-later
// UsbContext, UsbDevice, UsbDeviceHandle: move-only owners of libusb's handles.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hid/usb_control.hpp"

struct libusb_context;
struct libusb_device;
struct libusb_device_handle;

namespace hidupsd::hid {

class UsbDeviceHandle;

/// The parts of a USB device descriptor (USB 2.0 §9.6.1) we use.
struct UsbDeviceDescriptor {
  std::uint16_t vendorId = 0;
  std::uint16_t productId = 0;
  std::uint16_t bcdDevice = 0;
  std::uint8_t iManufacturer = 0;
  std::uint8_t iProduct = 0;
  std::uint8_t iSerialNumber = 0;
};

/// One reference to a libusb_device (a device on the bus, not opened).
/// Move-only; must not outlive the UsbContext it came from.
class UsbDevice {
public:
  /// Takes a new reference on `device`.
  explicit UsbDevice(libusb_device* device) noexcept;
  UsbDevice(UsbDevice&& other) noexcept;
  UsbDevice& operator=(UsbDevice&& other) noexcept;
  UsbDevice(const UsbDevice&) = delete;
  UsbDevice& operator=(const UsbDevice&) = delete;
  ~UsbDevice();

  std::uint8_t busNumber() const noexcept;
  std::uint8_t address() const noexcept;
  /// "1-4.2": bus, then the port numbers from the root (as hidapi and the kernel name it).
  std::string busPath() const;
  /// "/dev/bus/usb/001/005": the usbfs node libusb opens.
  std::string node() const;
  /// From libusb's cache: no I/O. Throws std::system_error (usbCategory()).
  UsbDeviceDescriptor descriptor() const;
  /// Throws std::system_error (usbCategory()): Access without permission
  /// on node(), NoDevice when it is gone.
  UsbDeviceHandle open() const;

private:
  libusb_device* device_;
};

/// A libusb context (libusb_init / libusb_exit). Move-only. Separate from
/// hidapi's own context. Thread rules: one thread at a time.
class UsbContext {
public:
  /// Throws std::system_error (usbCategory()).
  UsbContext();
  UsbContext(UsbContext&& other) noexcept;
  UsbContext& operator=(UsbContext&& other) noexcept;
  UsbContext(const UsbContext&) = delete;
  UsbContext& operator=(const UsbContext&) = delete;
  ~UsbContext();

  /// Every device on every bus. Throws std::system_error.
  std::vector<UsbDevice> devices() const;
  /// The device at bus path `busPath` ("1-4.2"), if attached. Throws std::system_error.
  std::optional<UsbDevice> findByBusPath(std::string_view busPath) const;

private:
  libusb_context* context_;
};

/// An open device (libusb_open / libusb_close). Move-only; must not outlive
/// its UsbContext. Thread rules: one caller thread. Every method throws
/// std::system_error (usbCategory()) unless noexcept.
class UsbDeviceHandle final : public UsbControl {
public:
  /// Owns `handle`.
  explicit UsbDeviceHandle(libusb_device_handle* handle) noexcept;
  UsbDeviceHandle(UsbDeviceHandle&& other) noexcept;
  UsbDeviceHandle& operator=(UsbDeviceHandle&& other) noexcept;
  UsbDeviceHandle(const UsbDeviceHandle&) = delete;
  UsbDeviceHandle& operator=(const UsbDeviceHandle&) = delete;
  ~UsbDeviceHandle() override;

  std::vector<std::uint8_t> controlIn(const ControlSetup& setup,
                                      std::chrono::milliseconds timeout) override;
  std::string stringDescriptor(std::uint8_t index) override;
  HidInterface hidInterface() override;
  void resetDevice() override;

  bool kernelDriverActive(std::uint8_t interface);
  void detachKernelDriver(std::uint8_t interface);
  /// Best effort (the kernel may refuse); true on success.
  bool attachKernelDriver(std::uint8_t interface) noexcept;
  void claimInterface(std::uint8_t interface);
  void releaseInterface(std::uint8_t interface) noexcept;

private:
  libusb_device_handle* handle_;
};

/// A claimed interface, released on destruction.
class InterfaceClaim {
public:
  /// Throws std::system_error (usbCategory()): Busy when another process
  /// or a kernel driver holds it.
  InterfaceClaim(UsbDeviceHandle& handle, std::uint8_t interface);
  InterfaceClaim(const InterfaceClaim&) = delete;
  InterfaceClaim& operator=(const InterfaceClaim&) = delete;
  ~InterfaceClaim();

private:
  UsbDeviceHandle& handle_;
  std::uint8_t interface_;
};

} // namespace hidupsd::hid
