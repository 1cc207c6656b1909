#include <gtest/gtest.h>

#include "report/finding.h"
#include "report/sink.h"

namespace tokensweep::report {
namespace {

TEST(ReportFormat, ParsesEveryFormatNameOfTheCli) {
  EXPECT_EQ(parse_format("text"), Format::kText);
  EXPECT_EQ(parse_format("json"), Format::kJson);
  EXPECT_EQ(parse_format("jsonl"), Format::kJsonl);
  EXPECT_EQ(parse_format("sarif"), Format::kSarif);
}

TEST(ReportFormat, RejectsUnknownNames) {
  EXPECT_FALSE(parse_format("").has_value());
  EXPECT_FALSE(parse_format("JSON").has_value());
  EXPECT_FALSE(parse_format("ndjson").has_value());
  EXPECT_FALSE(parse_format("sarif ").has_value());
}

TEST(ReportFormat, NameRoundTrips) {
  for (Format f : {Format::kText, Format::kJson, Format::kJsonl, Format::kSarif}) {
    EXPECT_EQ(parse_format(format_name(f)), f) << format_name(f);
  }
}

// design §3.2: these strings are a contract.
TEST(ReportFormat, ValidationAndStatusNamesAreTheContractValues) {
  EXPECT_STREQ(validation_name(Validation::kValid), "valid");
  EXPECT_STREQ(validation_name(Validation::kInvalid), "invalid");
  EXPECT_STREQ(validation_name(Validation::kExpired), "expired");
  EXPECT_STREQ(validation_name(Validation::kUnchecked), "unchecked");
  EXPECT_STREQ(broker_status_name(BrokerStatus::kActive), "active");
  EXPECT_STREQ(broker_status_name(BrokerStatus::kInactive), "inactive");
  EXPECT_STREQ(broker_status_name(BrokerStatus::kRevoked), "revoked");
  EXPECT_STREQ(broker_status_name(BrokerStatus::kUnknown), "unknown");
  EXPECT_STREQ(broker_status_name(BrokerStatus::kUnchecked), "unchecked");
}

}  // namespace
}  // namespace tokensweep::report
