package dev.offboarding.worker.lifecycle;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Lifecycle Workflows task processing result an event id names: exactly {@code
 * lcw/<workflowId>/<taskId>/<taskProcessingResultId>}, each id a GUID. Nothing else of the event id
 * ever reaches a Graph URL: the three ids are read only when the whole id has this shape.
 *
 * @param workflowId the workflow's id (GUID)
 * @param taskId the task's id (GUID)
 * @param resultId the task processing result's id (GUID)
 */
public record LifecycleTask(String workflowId, String taskId, String resultId) {
  /** What an event id starts with when it names a task. */
  public static final String PREFIX = "lcw/";

  private static final Pattern GUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final String[] NAMES = {"workflow", "task", "task processing result"};

  public LifecycleTask {
    for (String id : new String[] {workflowId, taskId, resultId}) {
      if (id == null || !GUID.matcher(id).matches()) {
        throw new IllegalArgumentException("a Lifecycle Workflows id must be a GUID");
      }
    }
  }

  /** The event id that names this task. */
  public String eventId() {
    return PREFIX + workflowId + "/" + taskId + "/" + resultId;
  }

  /** What an event id says about a task. */
  public sealed interface Parsed {}

  /** The id does not claim to name a task: an ordinary event. */
  public record NotATask() implements Parsed {}

  /** The id names this task. */
  public record Named(LifecycleTask task) implements Parsed {}

  /**
   * The id claims to name a task ({@code lcw} and a separator, in any case or encoding) but is not
   * exactly {@code lcw/<guid>/<guid>/<guid>}.
   *
   * @param why what is wrong with it, quoting nothing of the id
   */
  public record Malformed(String why) implements Parsed {}

  /** Reads an event id. */
  public static Parsed parse(String eventId) {
    Objects.requireNonNull(eventId, "eventId");
    String lower = eventId.toLowerCase(Locale.ROOT);
    boolean claims =
        lower.startsWith("lcw/") || lower.startsWith("lcw%") || lower.startsWith("lcw\\");
    if (!claims) {
      return new NotATask();
    }
    if (!eventId.startsWith(PREFIX)) {
      return new Malformed(
          "a Lifecycle Workflows event id starts with lcw/ exactly, in lower case, with a plain"
              + " slash");
    }
    if (eventId.indexOf('%') >= 0 || eventId.indexOf('\\') >= 0) {
      return new Malformed(
          "a Lifecycle Workflows event id has no percent-encoded characters or backslashes"
              + " (an encoded separator could name another path)");
    }
    String[] parts = eventId.substring(PREFIX.length()).split("/", -1);
    if (parts.length != 3) {
      return new Malformed(
          "a Lifecycle Workflows event id is lcw/<workflowId>/<taskId>/<taskProcessingResultId>:"
              + " exactly three ids after lcw/, this one has "
              + parts.length
              + " segment(s)");
    }
    for (int i = 0; i < 3; i++) {
      if (!GUID.matcher(parts[i]).matches()) {
        return new Malformed(
            "the " + NAMES[i] + " id of a Lifecycle Workflows event id must be a GUID");
      }
    }
    return new Named(new LifecycleTask(parts[0], parts[1], parts[2]));
  }
}
