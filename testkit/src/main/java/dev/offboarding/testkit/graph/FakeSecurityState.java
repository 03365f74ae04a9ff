package dev.offboarding.testkit.graph;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The parts of a fake tenant that containment reaches beyond the user object: which devices each
 * user registered, ID Protection's risky users, the sign-in log, Lifecycle Workflows' task
 * processing results, and what the worker's app is licensed and allowed to do. Thread-safe.
 *
 * <p>Reach it with {@link FakeTenant#security()}; seed it from the tenant seed's {@code devices[]
 * .registeredUsers}, {@code riskyUsers}, {@code signIns}, {@code taskProcessingResults} and {@code
 * settings} (see {@code testkit/README.md}).
 */
public final class FakeSecurityState {

  private final ConcurrentHashMap<String, List<String>> devicesByUser = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, FakeRiskyUser> riskyUsers = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<FakeSignIn> signIns = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, TaskProcessingResult> results = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<ResumeRecord> resumes = new CopyOnWriteArrayList<>();
  private volatile boolean deviceAdministrator;
  private volatile boolean identityProtectionLicensed = true;
  private volatile boolean signInLogsLicensed = true;

  FakeSecurityState() {}

  // ------------------------------------------------------------------ settings

  /**
   * Whether the worker's app holds a directory role that may change a device's {@code
   * accountEnabled} (Cloud Device Administrator or higher). Off by default: {@code PATCH
   * /devices/{id}} then answers 403 {@code Authorization_RequestDenied}, as Graph does.
   */
  public FakeSecurityState deviceAdministrator(boolean holdsRole) {
    this.deviceAdministrator = holdsRole;
    return this;
  }

  public boolean deviceAdministrator() {
    return deviceAdministrator;
  }

  /**
   * Whether the tenant has Entra ID P2 (ID Protection); without it riskyUsers answer 403. On by
   * default.
   */
  public FakeSecurityState identityProtectionLicensed(boolean licensed) {
    this.identityProtectionLicensed = licensed;
    return this;
  }

  public boolean identityProtectionLicensed() {
    return identityProtectionLicensed;
  }

  /**
   * Whether the tenant has Entra ID P1 or P2; without it the sign-in log answers 403. On by
   * default.
   */
  public FakeSecurityState signInLogsLicensed(boolean licensed) {
    this.signInLogsLicensed = licensed;
    return this;
  }

  public boolean signInLogsLicensed() {
    return signInLogsLicensed;
  }

  // ------------------------------------------------------------------ devices

  /** Records that {@code userId} registered the device {@code deviceId} (both object ids). */
  public void registerDevice(String userId, String deviceId) {
    String user = key(DirectoryObject.requireGuid(userId, "user id"));
    String device = key(DirectoryObject.requireGuid(deviceId, "device id"));
    devicesByUser.compute(
        user,
        (k, list) -> {
          List<String> next = list == null ? new ArrayList<>() : new ArrayList<>(list);
          if (!next.contains(device)) {
            next.add(device);
          }
          return List.copyOf(next);
        });
  }

  /** Object ids of the devices {@code userId} registered, in the order registered. */
  public List<String> registeredDeviceIds(String userId) {
    return devicesByUser.getOrDefault(key(userId), List.of());
  }

  // ------------------------------------------------------------------ ID Protection

  /** Adds or replaces a risky user (e.g. one ID Protection already flagged {@code atRisk}). */
  public void putRiskyUser(FakeRiskyUser riskyUser) {
    riskyUsers.put(key(riskyUser.id()), riskyUser);
  }

  /** The risky user with this object id, if ID Protection knows one. */
  public Optional<FakeRiskyUser> riskyUser(String userId) {
    return Optional.ofNullable(riskyUsers.get(key(userId)));
  }

  /** Every risky user, ordered by id. */
  public List<FakeRiskyUser> riskyUsers() {
    return riskyUsers.values().stream().sorted(Comparator.comparing(FakeRiskyUser::id)).toList();
  }

  // ------------------------------------------------------------------ sign-in log

  /**
   * Adds an entry to the sign-in log, e.g. a successful sign-in after a revoke. It shows in {@code
   * GET /auditLogs/signIns} once the server's reporting latency has passed on its clock.
   */
  public FakeSignIn addSignIn(FakeSignIn signIn) {
    signIns.add(Objects.requireNonNull(signIn, "signIn"));
    return signIn;
  }

  /** Every entry, newest first (the log's default order). */
  public List<FakeSignIn> signIns() {
    return signIns.stream()
        .sorted(
            Comparator.comparing(FakeSignIn::createdDateTime)
                .reversed()
                .thenComparing(FakeSignIn::id))
        .toList();
  }

  // ------------------------------------------------------------------ Lifecycle Workflows

  /**
   * A Lifecycle Workflows task processing result waiting in {@code inProgress} for its custom task
   * extension's callback.
   */
  public void addTaskProcessingResult(
      String workflowId, String taskId, String resultId, String subjectUserId) {
    TaskProcessingResult result =
        new TaskProcessingResult(
            DirectoryObject.requireGuid(workflowId, "workflow id"),
            DirectoryObject.requireGuid(taskId, "task id"),
            DirectoryObject.requireGuid(resultId, "result id"),
            subjectUserId,
            "inProgress");
    if (results.putIfAbsent(key(resultId), result) != null) {
      throw new IllegalArgumentException("task processing result already exists: " + resultId);
    }
  }

  /** The result with this id, with its current {@code processingStatus}. */
  public Optional<TaskProcessingResult> taskProcessingResult(String resultId) {
    return Optional.ofNullable(results.get(key(resultId)));
  }

  /** Every resume call received, whatever its answer, in the order received. */
  public List<ResumeRecord> resumes() {
    return List.copyOf(resumes);
  }

  /** How many resume calls named this task processing result and were accepted (204). */
  public long acceptedResumes(String resultId) {
    return resumes.stream()
        .filter(r -> r.resultId().equalsIgnoreCase(resultId) && r.status() == 204)
        .count();
  }

  /**
   * A task processing result.
   *
   * @param processingStatus {@code inProgress} until resumed, then {@code completed} or {@code
   *     failed}
   */
  public record TaskProcessingResult(
      String workflowId, String taskId, String id, String subjectUserId, String processingStatus) {}

  /**
   * One {@code POST .../taskProcessingResults/{id}/resume} the server received.
   *
   * @param time when answered, by the server's clock
   * @param operationStatus {@code data.operationStatus} as sent (null when absent or not a string)
   * @param source {@code source} as sent
   * @param type {@code type} as sent
   * @param status the HTTP status answered
   */
  public record ResumeRecord(
      Instant time,
      String workflowId,
      String taskId,
      String resultId,
      String operationStatus,
      String source,
      String type,
      int status) {}

  // ------------------------------------------------------------------ for the routes

  void putRiskyUserInternal(FakeRiskyUser user) {
    putRiskyUser(user);
  }

  /** Resumes an inProgress result; false when it is no longer in progress. */
  synchronized boolean resume(String resultId, String operationStatus) {
    TaskProcessingResult current = results.get(key(resultId));
    if (current == null || !current.processingStatus().equals("inProgress")) {
      return false;
    }
    results.put(
        key(resultId),
        new TaskProcessingResult(
            current.workflowId(),
            current.taskId(),
            current.id(),
            current.subjectUserId(),
            operationStatus));
    return true;
  }

  void recordResume(ResumeRecord record) {
    resumes.add(record);
  }

  Map<String, TaskProcessingResult> resultsView() {
    return results;
  }

  private static String key(String id) {
    return id.toLowerCase(Locale.ROOT);
  }
}
