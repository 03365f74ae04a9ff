package dev.offboarding.worker.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.kiota.http.middleware.options.HeadersInspectionOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Graph's early throttling warning as the write adapter reads it: only values Graph documents
 * count.
 */
class LimitUseHeaderTest {

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0.8|0.8",
        "0.95|0.95",
        " 1.2 |1.2",
        "1.8|1.8",
        "0.5|NaN",
        "1.9|NaN",
        "-1|NaN",
        "NaN|NaN",
        "Infinity|NaN",
        "ninety|NaN",
        "0.9000000000000000000001|NaN",
      })
  void readsTheShareUsedOnlyWithinTheDocumentedRange(String header, double expected) {
    HeadersInspectionOption inspection = new HeadersInspectionOption(false, true);
    inspection.getResponseHeaders().add("X-Ms-Throttle-Limit-Percentage", header);

    assertEquals(expected, GraphErrors.limitUse(inspection));
  }

  @Test
  void isNotANumberWithoutTheHeader() {
    assertEquals(Double.NaN, GraphErrors.limitUse(new HeadersInspectionOption(false, true)));
  }
}
