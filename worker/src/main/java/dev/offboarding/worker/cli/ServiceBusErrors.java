package dev.offboarding.worker.cli;

import com.azure.core.amqp.exception.AmqpException;
import com.azure.core.exception.HttpResponseException;
import com.azure.messaging.servicebus.ServiceBusException;

/** Short, secret-free descriptions of Service Bus failures for the operator's commands. */
final class ServiceBusErrors {
  private ServiceBusErrors() {}

  static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ServiceBusException sb) {
        return sb.getReason() + ": " + Preflight.safeMessage(firstLine(sb));
      }
      if (t instanceof AmqpException amqp && amqp.getErrorCondition() != null) {
        return amqp.getErrorCondition().getErrorCondition()
            + ": "
            + Preflight.safeMessage(firstLine(amqp));
      }
      if (t instanceof HttpResponseException http) {
        return "HTTP " + http.getResponse().getStatusCode();
      }
    }
    return Preflight.safeMessage(e);
  }

  private static Throwable firstLine(Throwable t) {
    String m = t.getMessage() == null ? "" : t.getMessage();
    int nl = m.indexOf('\n');
    return new RuntimeException(nl < 0 ? m : m.substring(0, nl));
  }
}
