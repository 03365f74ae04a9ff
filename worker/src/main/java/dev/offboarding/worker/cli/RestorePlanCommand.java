package dev.offboarding.worker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offboarding.contracts.Action;
import dev.offboarding.contracts.ActionResult;
import dev.offboarding.contracts.AuditCodec;
import dev.offboarding.contracts.EventCodec;
import dev.offboarding.contracts.EventData;
import dev.offboarding.contracts.EventType;
import dev.offboarding.contracts.OffboardingEvent;
import dev.offboarding.contracts.Target;
import dev.offboarding.contracts.TargetAudit;
import dev.offboarding.contracts.TargetOutcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code restore-plan --from-audit FILE [--requested-by WHO] [--ticket T] [--out-dir DIR]
 * EVENT_ID}: reads an exported audit, one audit message (a CloudEvent in JSON) per line, and prints
 * the {@code dev.offboarding.restore.v1} event that re-enables exactly the users event {@code
 * EVENT_ID} disabled: those whose {@code disableAccount} result is SUCCEEDED or UNVERIFIED (an
 * unverified disable may have taken effect). Where their {@code disableDevices} results list
 * devices, the restore also asks for {@code enableDevices} and names exactly those ({@code
 * deviceIds}); a password reset and a risk confirmation are not undone by a restore, and the
 * command says so. Prints it for a person to review, save and {@code send}; sends nothing.
 * Summaries and other events' messages in the file are passed over; a line that is not an audit
 * message fails the command with its line number, so a damaged export never yields a partial plan.
 *
 * <p>One event names at most {@link EventData#MAX_TARGET_ENTRIES} targets (the contract's limit).
 * More users than that need several restore events: with {@code --out-dir DIR} the command writes
 * them there, one file each ({@code restore-1-of-N.json}, ...; existing files are never
 * overwritten), each to be reviewed and sent on its own; without it, it refuses and says so, since
 * {@code send} takes one event per file and several on the standard output could not be sent as
 * printed.
 */
public final class RestorePlanCommand {
  static final String USAGE =
      "usage: restore-plan --from-audit FILE [--requested-by WHO] [--ticket T] [--out-dir DIR] EVENT_ID";

  /** The CloudEvents source of the restore events this command writes. */
  static final String SOURCE = "/offboarding-worker/restore-plan";

  /** The longest line read: an audit message is at most a Service Bus message. */
  private static final int MAX_LINE = 256 * 1024;

  private RestorePlanCommand() {}

  /**
   * {@code restore-plan}: the restore event that undoes an event, from its audit.
   *
   * @return an {@link ExitCode}
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, Clock.systemUTC());
  }

  static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
    String file = null;
    String requestedBy = null;
    String ticket = null;
    String eventId = null;
    String outDir = null;
    for (int i = 0; i < args.length; i++) {
      boolean hasValue = i + 1 < args.length;
      switch (args[i]) {
        case "--from-audit" -> file = hasValue ? args[++i] : null;
        case "--requested-by" -> requestedBy = hasValue ? args[++i] : null;
        case "--ticket" -> ticket = hasValue ? args[++i] : null;
        case "--out-dir" -> outDir = hasValue ? args[++i] : null;
        default -> {
          if (eventId != null || args[i].startsWith("--")) {
            err.println(USAGE);
            return ExitCode.REJECTED;
          }
          eventId = args[i];
        }
      }
    }
    if (file == null || eventId == null) {
      err.println(USAGE);
      return ExitCode.REJECTED;
    }
    Set<String> disabled = new LinkedHashSet<>();
    AuditCodec codec = new AuditCodec();
    int lineNumber = 0;
    // By user: the devices its disableDevices result lists, the only ones a restore may re-enable.
    java.util.Map<String, List<String>> devicesOf = new java.util.HashMap<>();
    try (BufferedReader lines = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        if (line.length() > MAX_LINE) {
          err.println(
              file
                  + ":"
                  + lineNumber
                  + ": longer than an audit message can be; not an audit export");
          return ExitCode.REJECTED;
        }
        byte[] message = line.getBytes(StandardCharsets.UTF_8);
        if (!TargetAudit.TYPE.equals(codec.typeOf(message))) {
          continue;
        }
        TargetAudit target = codec.decodeTarget(message);
        if (eventId.equals(target.eventId()) && target.userId() != null && disabledBy(target)) {
          disabled.add(target.userId());
          devicesOf.put(target.userId(), devicesDisabledBy(target));
        }
      }
    } catch (IOException e) {
      err.println("cannot read " + file + ": " + e.getMessage());
      return ExitCode.FAILED;
    } catch (IllegalArgumentException e) {
      err.println(file + ":" + lineNumber + ": not an audit message: " + e.getMessage());
      return ExitCode.REJECTED;
    }
    String shownId = eventId.replaceAll("\\p{Cntrl}", "?");
    if (disabled.isEmpty()) {
      err.println(
          "no user was disabled by event "
              + shownId
              + " according to "
              + file
              + "; nothing to restore");
      return ExitCode.REJECTED;
    }
    int limit = EventData.MAX_TARGET_ENTRIES;
    int parts = (disabled.size() + limit - 1) / limit;
    if (parts > 1 && outDir == null) {
      err.println(
          disabled.size()
              + " users were disabled by event "
              + shownId
              + "; one restore event names at most "
              + limit
              + ", so restoring them takes "
              + parts
              + " events. Run again with --out-dir DIR to write them there,"
              + " one file each, to review and send one by one");
      return ExitCode.REJECTED;
    }
    List<String> users = new ArrayList<>(disabled);
    List<byte[]> events = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try {
      for (int part = 0; part < parts; part++) {
        List<Target> targets = new ArrayList<>();
        List<String> partUsers =
            users.subList(part * limit, Math.min(users.size(), (part + 1) * limit));
        partUsers.forEach(id -> targets.add(new Target.User(id)));
        List<String> deviceIds =
            partUsers.stream()
                .flatMap(id -> devicesOf.getOrDefault(id, List.of()).stream())
                .distinct()
                .toList();
        if (deviceIds.size() > EventData.MAX_DEVICE_IDS) {
          err.println(
              "the users of part "
                  + (part + 1)
                  + " had "
                  + deviceIds.size()
                  + " devices disabled; one restore"
                  + " names at most "
                  + EventData.MAX_DEVICE_IDS
                  + ": nothing written");
          return ExitCode.REJECTED;
        }
        List<Action> actions =
            deviceIds.isEmpty()
                ? List.of(Action.ENABLE_ACCOUNT)
                : List.of(Action.ENABLE_ACCOUNT, Action.ENABLE_DEVICES);
        String reason =
            "Restore of the accounts disabled by event "
                + eventId
                + (parts > 1 ? " (part " + (part + 1) + " of " + parts + ")" : "");
        OffboardingEvent restore =
            new OffboardingEvent(
                UUID.randomUUID().toString(),
                SOURCE,
                EventType.RESTORE,
                clock.instant(),
                new EventData(
                    targets, actions, reason, ticket, requestedBy, false, null, deviceIds));
        events.add(
            json.writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(json.readTree(new EventCodec().encode(restore))));
      }
    } catch (IllegalArgumentException | IOException e) {
      err.println("no restore event written: " + e.getMessage().replaceAll("\\p{Cntrl}", "?"));
      return ExitCode.REJECTED;
    }
    if (outDir == null) {
      out.println(new String(events.get(0), StandardCharsets.UTF_8));
    } else {
      List<Path> files = new ArrayList<>();
      for (int part = 0; part < parts; part++) {
        files.add(Path.of(outDir).resolve("restore-" + (part + 1) + "-of-" + parts + ".json"));
      }
      for (Path f : files) {
        if (Files.exists(f)) {
          err.println(f + " exists; nothing written (choose an empty --out-dir)");
          return ExitCode.REJECTED;
        }
      }
      try {
        Files.createDirectories(Path.of(outDir));
        for (int part = 0; part < parts; part++) {
          Files.write(
              files.get(part), events.get(part), java.nio.file.StandardOpenOption.CREATE_NEW);
          out.println(files.get(part));
        }
      } catch (IOException e) {
        err.println("cannot write the restore events to " + outDir + ": " + e.getMessage());
        return ExitCode.FAILED;
      }
      err.println(
          disabled.size()
              + " user(s) disabled by event "
              + shownId
              + ", in "
              + parts
              + " restore event(s)"
              + " of at most "
              + limit
              + " users, written to the files above: review each, and enqueue each with"
              + " `send FILE`. Revoked sessions are not restored: the users sign in again.");
      return ExitCode.OK;
    }
    err.println(
        disabled.size()
            + " user(s) disabled by event "
            + shownId
            + ": review the restore event above, save it, and enqueue it with `send FILE`."
            + " Revoked sessions are not restored: the users sign in again. A password reset and a risk confirmation"
            + " are not undone by a restore: the users set a new password, and an administrator dismisses the risk in"
            + " Identity Protection.");
    return ExitCode.OK;
  }

  /**
   * The devices the user's {@code disableDevices} result lists: those Graph accepted this worker's
   * disable for (a device found already disabled is never listed, so never re-enabled).
   */
  private static List<String> devicesDisabledBy(TargetAudit target) {
    return target.actions().stream()
        .filter(a -> a.action() == Action.DISABLE_DEVICES)
        .flatMap(a -> a.deviceIds().stream())
        .distinct()
        .toList();
  }

  /** True when the user's disable went through, or may have: Graph accepted it. */
  private static boolean disabledBy(TargetAudit target) {
    for (ActionResult a : target.actions()) {
      if (a.action() == Action.DISABLE_ACCOUNT
          && (a.outcome() == TargetOutcome.SUCCEEDED || a.outcome() == TargetOutcome.UNVERIFIED)) {
        return true;
      }
    }
    return false;
  }
}
