#include "sys/numbers.h"

#include <gtest/gtest.h>

namespace sb::sys {
namespace {

TEST(Numbers, Decimal) {
  EXPECT_EQ(parse_decimal("0", 10), 0u);
  EXPECT_EQ(parse_decimal("10", 10), 10u);
  EXPECT_FALSE(parse_decimal("11", 10));
  EXPECT_FALSE(parse_decimal("", 10));
  EXPECT_FALSE(parse_decimal("+1", 10));
  EXPECT_FALSE(parse_decimal("1 ", 10));
  EXPECT_EQ(parse_decimal("18446744073709551615", UINT64_MAX), UINT64_MAX);
  EXPECT_FALSE(parse_decimal("18446744073709551616", UINT64_MAX));
  EXPECT_EQ(parse_decimal("007", 10), 7u);
}

TEST(Numbers, Octal) {
  EXPECT_EQ(parse_octal("0755", 07777), 0755u);
  EXPECT_EQ(parse_octal("7777", 07777), 07777u);
  EXPECT_FALSE(parse_octal("8", 07777));
  EXPECT_FALSE(parse_octal("17777", 07777));
}

TEST(Numbers, Fd) {
  EXPECT_EQ(parse_fd("3"), 3);
  EXPECT_EQ(parse_fd("2147483647"), 2147483647);
  EXPECT_FALSE(parse_fd("2147483648"));
  EXPECT_FALSE(parse_fd("-3"));
  EXPECT_FALSE(parse_fd("three"));
}

}  // namespace
}  // namespace sb::sys
