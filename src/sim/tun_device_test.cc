// Tests for tun_device.h that need no privileges: argument checks happen before
// /dev/net/tun is touched, and a default device is inert.
#include "sim/tun_device.h"

#include <gtest/gtest.h>

#include <array>

namespace qir::sim {
namespace {

TEST(TunDeviceTest, RejectsBadNamesBeforeOpening) {
  for (const char* name : {"", "a-name-that-is-too-long"}) {
    SCOPED_TRACE(name);
    Result<TunDevice> tun = TunDevice::Open(name);
    ASSERT_FALSE(tun.ok());
    EXPECT_EQ(tun.error().code, Error::kInvalidArgument);
    EXPECT_EQ(tun.error().arg, name);
  }
}

TEST(TunDeviceTest, DefaultAndMovedFromDevicesAreClosed) {
  TunDevice a;
  EXPECT_EQ(a.fd(), -1);
  TunDevice b = std::move(a);
  EXPECT_EQ(b.fd(), -1);
  std::array<uint8_t, 16> buffer{};
  EXPECT_FALSE(b.Read(buffer).ok());  // EBADF is an error, not "no packet"
  EXPECT_FALSE(b.Write(buffer).ok());
}

}  // namespace
}  // namespace qir::sim
