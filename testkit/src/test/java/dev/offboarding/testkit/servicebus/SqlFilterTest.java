package dev.offboarding.testkit.servicebus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlFilterTest {

  /**
   * status=REJECTED, targets=3 (long), dryRun=false, ticket absent; correlation id event-1, label
   * summary.
   */
  private static Message message() {
    Message message = Proton.message();
    Map<String, Object> props = new HashMap<>();
    props.put("status", "REJECTED");
    props.put("targets", 3L);
    props.put("dryRun", false);
    props.put("note", null);
    message.setApplicationProperties(new ApplicationProperties(props));
    message.setCorrelationId("event-1");
    message.setMessageId("m-1");
    message.setSubject("dev.offboarding.audit.summary.v1");
    message.setContentType("application/json");
    message.setAddress("audit");
    message.setReplyTo("replies");
    message.setGroupId("session-1");
    return message;
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "status = 'REJECTED'                                   | true",
        "status = 'COMPLETED'                                  | false",
        "status <> 'COMPLETED'                                 | true",
        "status != 'REJECTED'                                  | false",
        "user.status = 'REJECTED'                              | true",
        "STATUS = 'REJECTED'                                   | true",
        "targets = 3                                           | true",
        "targets > 2 AND targets <= 3                          | true",
        "targets >= 3.5                                        | false",
        "targets = 3.0                                         | true",
        "targets IN (1, 2, 3)                                  | true",
        "status NOT IN ('COMPLETED', 'PARTIAL')                | true",
        "status IN ('COMPLETED', 'PARTIAL')                    | false",
        "dryRun = FALSE                                        | true",
        "NOT dryRun                                            | true",
        "ticket IS NULL                                        | true",
        "status IS NOT NULL                                    | true",
        "note IS NULL                                          | true",
        "EXISTS(note)                                          | true",
        "EXISTS(ticket)                                        | false",
        "NOT EXISTS(ticket)                                    | true",
        "ticket = 'x'                                          | false",
        "NOT (ticket = 'x')                                    | false",
        "ticket = 'x' OR status = 'REJECTED'                   | true",
        "ticket = 'x' AND status = 'REJECTED'                  | false",
        "status = 'REJECTED' AND (targets = 1 OR targets = 3)  | true",
        "sys.CorrelationId = 'event-1'                         | true",
        "sys.correlationid = 'event-2'                         | false",
        "sys.Label = 'dev.offboarding.audit.summary.v1'        | true",
        "sys.Label LIKE 'dev.offboarding.audit.%'              | true",
        "sys.Label NOT LIKE '%.target.%'                       | true",
        "sys.MessageId = 'm-1' AND sys.ContentType = 'application/json' | true",
        "sys.To = 'audit' AND sys.ReplyTo = 'replies'          | true",
        "sys.SessionId = 'session-1'                           | true",
        "sys.ReplyToSessionId IS NULL                          | true",
        "status = 3                                            | false",
        "1 = 1                                                 | true",
        "TRUE                                                  | true",
        "[status] = 'REJECTED'                                 | true",
        "status = 'it''s'                                      | false",
        "targets = -3                                          | false",
      })
  void evaluatesTheExpressionAgainstTheMessage(String expression, boolean expected) {
    assertEquals(expected, SqlFilter.parse(expression).matches(message()), expression);
  }

  @Test
  void comparesTypedPropertiesThatTheSdkSendsAsIntegersOrDoubles() {
    Message message = Proton.message();
    message.setApplicationProperties(new ApplicationProperties(Map.of("count", 7, "ratio", 0.5)));

    assertTrue(SqlFilter.parse("count = 7 AND ratio < 1").matches(message));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "status =",
        "status = 'unterminated",
        "(status = 'x'",
        "status IN ()",
        "EXISTS('x')",
        "status = 'x' garbage",
        "status # 1",
      })
  void rejectsAMalformedExpressionWithItsPosition(String expression) {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> SqlFilter.parse(expression));
    assertTrue(error.getMessage().contains("position"), error.getMessage());
  }
}
