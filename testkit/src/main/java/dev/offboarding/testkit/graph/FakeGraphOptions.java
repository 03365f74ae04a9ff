package dev.offboarding.testkit.graph;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link FakeGraphServer} behaves beyond the directory itself: where it listens, its write
 * budget, latency, paging and response styles. Immutable; build with {@link #builder()}.
 *
 * @param bindAddress address to bind, {@code 127.0.0.1} unless told otherwise
 * @param port port, 0 for an ephemeral one
 * @param writesPerWindow write tokens refilled per {@code writeWindow}; 0 or less = unlimited
 * @param writeWindow the refill window (Graph: 3,000 writes per 150 s per app and tenant)
 * @param writeBurst bucket capacity (Graph's bucket holds a whole window's worth)
 * @param latency fixed delay added to every HTTP request
 * @param jitter extra random delay in {@code [0, jitter]} added to every HTTP request
 * @param seed seeds jitter and batch response shuffling
 * @param pageSize page size of collections when no {@code $top} is given (Graph: 100)
 * @param revokeResponse how revokeSignInSessions answers success
 * @param retryAfterFormat how {@code Retry-After} is written on 429 and 503 responses
 * @param clock time source of the write budget, timestamps and HTTP dates; inject one in tests
 * @param shuffleBatchResponses answer {@code $batch} items in an order other than the request's, as
 *     Graph may (clients must correlate by id)
 * @param strictAdvancedQueries require {@code ConsistencyLevel: eventual} for {@code $count} and
 *     OData casts on member lists, as the older Graph docs do
 * @param writeLogCapacity most recent writes kept in {@link FakeGraphServer#writeLog()}, and most
 *     recent requests in {@link FakeGraphServer#requestLog()}
 * @param limitWarnings answer writes with {@code x-ms-throttle-limit-percentage} once more than 0.8
 *     of the write budget is used, as Graph's identity and access service does (on by default)
 * @param identityProtectionInterval the least time between two ID Protection requests the tenant
 *     accepts, reads included (Graph: about 1 request per second per tenant, answered 429 without
 *     {@code Retry-After}); zero for no limit
 * @param signInLogRequests sign-in log requests accepted per {@code signInLogWindow} (Graph's
 *     reports: 5 per 10 s per app and tenant, answered 429 with {@code Retry-After}); 0 for no
 *     limit
 * @param signInLogWindow the window of {@code signInLogRequests}
 * @param signInLogLatency how long after a sign-in the log shows it, on {@code clock} (Microsoft's
 *     retired latency page: 2 minutes at p95, 5 at p99)
 */
public record FakeGraphOptions(
    String bindAddress,
    int port,
    int writesPerWindow,
    Duration writeWindow,
    int writeBurst,
    Duration latency,
    Duration jitter,
    long seed,
    int pageSize,
    RevokeResponse revokeResponse,
    RetryAfterFormat retryAfterFormat,
    Clock clock,
    boolean shuffleBatchResponses,
    boolean strictAdvancedQueries,
    int writeLogCapacity,
    boolean limitWarnings,
    Duration identityProtectionInterval,
    int signInLogRequests,
    Duration signInLogWindow,
    Duration signInLogLatency) {

  /** Graph's documented write quota per application and tenant. */
  public static final int GRAPH_WRITES_PER_WINDOW = 3_000;

  /** The window of {@link #GRAPH_WRITES_PER_WINDOW}. */
  public static final Duration GRAPH_WRITE_WINDOW = Duration.ofSeconds(150);

  /** How {@code POST /users/{id}/revokeSignInSessions} answers success. */
  public enum RevokeResponse {
    /**
     * {@code 200} with {@code {"@odata.context": "...#Edm.Boolean", "value": true}}, as Graph does
     * today.
     */
    OK_WITH_VALUE,
    /** {@code 204 No Content}, as Graph's known-issues page says it should. */
    NO_CONTENT
  }

  /** The form of {@code Retry-After} values. */
  public enum RetryAfterFormat {
    /** Whole seconds, rounded up: {@code Retry-After: 3}. */
    SECONDS,
    /** Seconds with three decimals, rounded up: {@code Retry-After: 2.128}. */
    FRACTIONAL_SECONDS,
    /** An RFC 1123 HTTP-date: {@code Retry-After: Fri, 27 Nov 2026 09:00:03 GMT}. */
    HTTP_DATE
  }

  public FakeGraphOptions {
    Objects.requireNonNull(bindAddress, "bindAddress");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    Objects.requireNonNull(writeWindow, "writeWindow");
    if (writesPerWindow > 0
        && (writeWindow.isZero() || writeWindow.isNegative() || writeBurst < 1)) {
      throw new IllegalArgumentException(
          "a write budget needs a positive window and a burst of at least 1");
    }
    requireNonNegative(latency, "latency");
    requireNonNegative(jitter, "jitter");
    if (pageSize < 1 || pageSize > 999) {
      throw new IllegalArgumentException("pageSize must be 1..999: " + pageSize);
    }
    Objects.requireNonNull(revokeResponse, "revokeResponse");
    Objects.requireNonNull(retryAfterFormat, "retryAfterFormat");
    Objects.requireNonNull(clock, "clock");
    if (writeLogCapacity < 0) {
      throw new IllegalArgumentException("writeLogCapacity must not be negative");
    }
    requireNonNegative(identityProtectionInterval, "identityProtectionInterval");
    requireNonNegative(signInLogLatency, "signInLogLatency");
    Objects.requireNonNull(signInLogWindow, "signInLogWindow");
    if (signInLogRequests > 0 && (signInLogWindow.isZero() || signInLogWindow.isNegative())) {
      throw new IllegalArgumentException("a sign-in log limit needs a positive window");
    }
  }

  /** ID Protection's documented limit: 1 request per second per tenant. */
  public static final Duration GRAPH_IDENTITY_PROTECTION_INTERVAL = Duration.ofSeconds(1);

  /** The reports API's documented limit: 5 requests ... */
  public static final int GRAPH_SIGN_IN_LOG_REQUESTS = 5;

  /** ... per 10 seconds. */
  public static final Duration GRAPH_SIGN_IN_LOG_WINDOW = Duration.ofSeconds(10);

  /** The sign-in log's latency by default: 3 minutes, between the documented p95 and p99. */
  public static final Duration DEFAULT_SIGN_IN_LOG_LATENCY = Duration.ofMinutes(3);

  /** Graph's defaults on an ephemeral loopback port. */
  public static FakeGraphOptions defaults() {
    return builder().build();
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.bindAddress = bindAddress;
    b.port = port;
    b.writesPerWindow = writesPerWindow;
    b.writeWindow = writeWindow;
    b.writeBurst = writeBurst;
    b.latency = latency;
    b.jitter = jitter;
    b.seed = seed;
    b.pageSize = pageSize;
    b.revokeResponse = revokeResponse;
    b.retryAfterFormat = retryAfterFormat;
    b.clock = clock;
    b.shuffleBatchResponses = shuffleBatchResponses;
    b.strictAdvancedQueries = strictAdvancedQueries;
    b.writeLogCapacity = writeLogCapacity;
    b.limitWarnings = limitWarnings;
    b.identityProtectionInterval = identityProtectionInterval;
    b.signInLogRequests = signInLogRequests;
    b.signInLogWindow = signInLogWindow;
    b.signInLogLatency = signInLogLatency;
    return b;
  }

  /** True when writes are limited. */
  public boolean writeBudgetEnabled() {
    return writesPerWindow > 0;
  }

  private static void requireNonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative");
    }
  }

  /** Builds {@link FakeGraphOptions}. Not thread-safe. */
  public static final class Builder {
    private String bindAddress = "127.0.0.1";
    private int port;
    private int writesPerWindow = GRAPH_WRITES_PER_WINDOW;
    private Duration writeWindow = GRAPH_WRITE_WINDOW;
    private int writeBurst = GRAPH_WRITES_PER_WINDOW;
    private Duration latency = Duration.ZERO;
    private Duration jitter = Duration.ZERO;
    private long seed;
    private int pageSize = 100;
    private RevokeResponse revokeResponse = RevokeResponse.OK_WITH_VALUE;
    private RetryAfterFormat retryAfterFormat = RetryAfterFormat.SECONDS;
    private Clock clock = Clock.systemUTC();
    private boolean shuffleBatchResponses = true;
    private boolean strictAdvancedQueries;
    private int writeLogCapacity = 1_000_000;
    private boolean limitWarnings = true;
    private Duration identityProtectionInterval = GRAPH_IDENTITY_PROTECTION_INTERVAL;
    private int signInLogRequests = GRAPH_SIGN_IN_LOG_REQUESTS;
    private Duration signInLogWindow = GRAPH_SIGN_IN_LOG_WINDOW;
    private Duration signInLogLatency = DEFAULT_SIGN_IN_LOG_LATENCY;

    private Builder() {}

    /** Address to bind; e.g. {@code 0.0.0.0} inside a container. */
    public Builder bindAddress(String bindAddress) {
      this.bindAddress = bindAddress;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** {@code writes} tokens per {@code window}, bucket capacity {@code writes}. */
    public Builder writeBudget(int writes, Duration window) {
      return writeBudget(writes, window, writes);
    }

    /** {@code writes} tokens per {@code window}, bucket capacity {@code burst}. */
    public Builder writeBudget(int writes, Duration window, int burst) {
      this.writesPerWindow = writes;
      this.writeWindow = window;
      this.writeBurst = burst;
      return this;
    }

    /** No write budget: no write is ever throttled. */
    public Builder unlimitedWrites() {
      this.writesPerWindow = 0;
      return this;
    }

    /**
     * Every HTTP request waits {@code fixed} plus a random {@code [0, jitter]}; neither blocks
     * other requests.
     */
    public Builder latency(Duration fixed, Duration jitter) {
      this.latency = fixed;
      this.jitter = jitter;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder pageSize(int pageSize) {
      this.pageSize = pageSize;
      return this;
    }

    public Builder revokeResponse(RevokeResponse revokeResponse) {
      this.revokeResponse = revokeResponse;
      return this;
    }

    public Builder retryAfterFormat(RetryAfterFormat retryAfterFormat) {
      this.retryAfterFormat = retryAfterFormat;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder shuffleBatchResponses(boolean shuffle) {
      this.shuffleBatchResponses = shuffle;
      return this;
    }

    public Builder strictAdvancedQueries(boolean strict) {
      this.strictAdvancedQueries = strict;
      return this;
    }

    public Builder writeLogCapacity(int capacity) {
      this.writeLogCapacity = capacity;
      return this;
    }

    /**
     * Whether writes carry Graph's early throttling warning ({@code
     * x-ms-throttle-limit-percentage}).
     */
    public Builder limitWarnings(boolean on) {
      this.limitWarnings = on;
      return this;
    }

    /** The least time between two ID Protection requests; zero for none. */
    public Builder identityProtectionInterval(Duration interval) {
      this.identityProtectionInterval = interval;
      return this;
    }

    /** {@code requests} sign-in log requests per {@code window}; 0 for no limit. */
    public Builder signInLogLimit(int requests, Duration window) {
      this.signInLogRequests = requests;
      this.signInLogWindow = window;
      return this;
    }

    /** How long after a sign-in the log shows it. */
    public Builder signInLogLatency(Duration latency) {
      this.signInLogLatency = latency;
      return this;
    }

    public FakeGraphOptions build() {
      return new FakeGraphOptions(
          bindAddress,
          port,
          writesPerWindow,
          writeWindow,
          writeBurst,
          latency,
          jitter,
          seed,
          pageSize,
          revokeResponse,
          retryAfterFormat,
          clock,
          shuffleBatchResponses,
          strictAdvancedQueries,
          writeLogCapacity,
          limitWarnings,
          identityProtectionInterval,
          signInLogRequests,
          signInLogWindow,
          signInLogLatency);
    }
  }
}
