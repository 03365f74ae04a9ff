package dev.offboarding.testkit.servicebus;

import dev.offboarding.testkit.servicebus.EmulatorConfig.AccessRight;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnknownDescribedType;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Modified;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transaction.TransactionalState;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.message.Message;

/**
 * The AMQP 1.0 side of the emulator: a non-blocking socket loop driving one Proton-J engine per
 * connection.
 *
 * <p>One thread (the loop) owns every engine object and the {@link Broker}; other threads reach
 * them only through {@link #call(Callable)}. The loop also runs the broker's housekeeping every
 * {@value #HOUSEKEEPING_MILLIS} ms and calls {@code Transport.tick} so idle connections get
 * heartbeats.
 */
final class AmqpServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AmqpServer.class.getName());

  /**
   * The most bytes one transfer (a message or a batch) may have, announced as {@code
   * max-message-size} on every link a client sends on: 262144, as the Standard tier announces.
   */
  static final int MAX_MESSAGE_SIZE = 256 * 1024;

  static final long HOUSEKEEPING_MILLIS = 50;
  private static final int CREDIT_WINDOW = 200;
  private static final Symbol SESSION_FILTER = Symbol.valueOf("com.microsoft:session-filter");

  /** Stands for a session filter without a value (Map.entry takes no null): any session. */
  private static final Object NO_SESSION = new Object();

  private static final Symbol LOCKED_UNTIL_UTC = Symbol.valueOf("com.microsoft:locked-until-utc");
  private static final Symbol TIMEOUT = Symbol.valueOf("com.microsoft:timeout");
  private static final Symbol SESSION_CANNOT_BE_LOCKED =
      Symbol.valueOf("com.microsoft:session-cannot-be-locked");
  private static final Symbol SESSION_LOCK_LOST = Symbol.valueOf("com.microsoft:session-lock-lost");
  private static final Symbol MESSAGE_LOCK_LOST = Symbol.valueOf("com.microsoft:message-lock-lost");
  private static final Symbol MESSAGE_SIZE_EXCEEDED =
      Symbol.valueOf("amqp:link:message-size-exceeded");

  private final Broker broker;
  private final RequestHandler requests;

  /** Entities (lower case) whose limit is not {@link #MAX_MESSAGE_SIZE}. Loop thread only. */
  private final Map<String, Integer> maxMessageSizes = new HashMap<>();

  private final String host;
  private final ServerSocketChannel serverChannel;
  private final Selector selector;
  private final Thread thread;
  private final List<AmqpConnection> connections = new ArrayList<>();
  private final AccessControl access;
  private final List<Consumer> consumers = new ArrayList<>();
  private final List<PendingSession> pendingSessions = new ArrayList<>();
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private volatile boolean stopping;
  private long nextHousekeeping;
  private long nextTagNumber;

  AmqpServer(Broker broker, AccessControl access, String host, int port) throws IOException {
    this.broker = broker;
    this.access = access;
    this.requests = new RequestHandler(broker, access);
    this.host = host;
    this.selector = Selector.open();
    this.serverChannel = ServerSocketChannel.open();
    try {
      serverChannel.bind(new InetSocketAddress(host, port));
      serverChannel.configureBlocking(false);
      serverChannel.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException e) {
      serverChannel.close();
      selector.close();
      throw e;
    }
    this.thread = new Thread(this::loop, "servicebus-emulator-" + port());
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  int port() {
    try {
      return ((InetSocketAddress) serverChannel.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new IllegalStateException("emulator socket is closed", e);
    }
  }

  String host() {
    return host;
  }

  /** Runs a task on the loop thread and waits for its result (directly when already on it). */
  <T> T call(Callable<T> task) {
    if (Thread.currentThread() == thread) {
      try {
        return task.call();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    if (stopping || !thread.isAlive()) {
      throw new IllegalStateException("the emulator is closed");
    }
    FutureTask<T> future = new FutureTask<>(task);
    tasks.add(future);
    selector.wakeup();
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("the emulator loop did not answer", e);
    }
  }

  /**
   * Fault injection: closes every client connection's socket at once, with no AMQP close, as a
   * network fault or a broker failover would. Locks the connections held stay until they expire;
   * the listening socket stays open, so clients can reconnect at once.
   *
   * @return how many connections were dropped
   */
  int dropConnections() {
    return call(
        () -> {
          List<AmqpConnection> open = new ArrayList<>(connections);
          open.forEach(this::drop);
          return open.size();
        });
  }

  /**
   * From now on no key carries the Send right on {@code entity} (or every key that had it has it
   * again).
   */
  /**
   * From now on links attached to {@code entity} (and its {@code $management} link) announce, and
   * transfers to it are held to, {@code bytes} rather than {@link #MAX_MESSAGE_SIZE}. Links already
   * attached keep the size they announced, but their transfers are held to the new one.
   */
  void maxMessageSize(String entity, int bytes) {
    call(
        () -> {
          maxMessageSizes.put(entity.toLowerCase(Locale.ROOT), bytes);
          return null;
        });
  }

  /** The limit of an entity, or {@link #MAX_MESSAGE_SIZE} for a control link ({@code $cbs}). */
  private int maxMessageSize(String entity) {
    return entity == null
        ? MAX_MESSAGE_SIZE
        : maxMessageSizes.getOrDefault(entity.toLowerCase(Locale.ROOT), MAX_MESSAGE_SIZE);
  }

  void denySend(String entity, boolean denied) {
    call(
        () -> {
          access.denySend(entity, denied);
          return null;
        });
  }

  /**
   * Closes every connection (sending AMQP close where possible) and the listening socket; never
   * throws.
   */
  @Override
  public void close() {
    stopping = true;
    selector.wakeup();
    if (Thread.currentThread() != thread && thread.isAlive()) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (!thread.isAlive()) {
      closeQuietly();
    }
  }

  // ---------------------------------------------------------------- the loop

  private void loop() {
    try {
      while (!stopping) {
        long now = System.currentTimeMillis();
        long wait = Math.max(1, nextHousekeeping - now);
        for (AmqpConnection c : connections) {
          if (c.tickDeadline > 0) {
            wait = Math.min(wait, Math.max(1, c.tickDeadline - now));
          }
        }
        selector.select(wait);
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          if (!key.isValid()) {
            continue;
          }
          if (key.isAcceptable()) {
            accept();
          } else if (key.attachment() instanceof AmqpConnection c) {
            if (key.isReadable()) {
              read(c);
            }
          }
        }
        Runnable task;
        while ((task = tasks.poll()) != null) {
          task.run();
        }
        now = System.currentTimeMillis();
        if (now >= nextHousekeeping) {
          broker.housekeeping();
          nextHousekeeping = now + HOUSEKEEPING_MILLIS;
        }
        connections.forEach(this::processEvents);
        pump();
        for (AmqpConnection c : new ArrayList<>(connections)) {
          processEvents(c);
          c.tickDeadline = c.transport.tick(System.currentTimeMillis());
          write(c);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.ERROR, "Service Bus emulator loop failed; closing", e);
    } finally {
      closeQuietly();
      Runnable task;
      while ((task = tasks.poll()) != null) {
        task.run();
      }
    }
  }

  private void accept() throws IOException {
    SocketChannel channel = serverChannel.accept();
    if (channel == null) {
      return;
    }
    channel.configureBlocking(false);
    channel.socket().setTcpNoDelay(true);
    Transport transport = Proton.transport();
    Sasl sasl = transport.sasl();
    sasl.server();
    // The SDK's proton-j client always offers ANONYMOUS; authorization happens afterwards through
    // $cbs.
    sasl.setMechanisms("ANONYMOUS");
    sasl.done(Sasl.SaslOutcome.PN_SASL_OK);
    Connection connection = Proton.connection();
    Collector collector = Proton.collector();
    connection.collect(collector);
    transport.bind(connection);
    AmqpConnection c = new AmqpConnection(channel, transport, connection, collector);
    c.key = channel.register(selector, SelectionKey.OP_READ, c);
    connections.add(c);
  }

  private void read(AmqpConnection c) {
    try {
      while (true) {
        int capacity = c.transport.capacity();
        if (capacity <= 0) {
          return;
        }
        ByteBuffer tail = c.transport.tail();
        int n = c.channel.read(tail);
        if (n < 0) {
          c.transport.close_tail();
          c.peerGone = true;
          return;
        }
        if (n == 0) {
          return;
        }
        c.transport.process();
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, "connection read failed", e);
      c.transport.close_tail();
      c.peerGone = true;
    }
  }

  private void write(AmqpConnection c) {
    try {
      while (true) {
        int pending = c.transport.pending();
        if (pending < 0) {
          // Nothing more will ever be written: the AMQP close went out, or the transport failed.
          drop(c);
          return;
        }
        if (pending == 0) {
          break;
        }
        int n = c.channel.write(c.transport.head());
        if (n <= 0) {
          break;
        }
        c.transport.pop(n);
      }
      if (c.peerGone) {
        drop(c);
        return;
      }
      int ops = SelectionKey.OP_READ;
      if (c.transport.pending() > 0) {
        ops |= SelectionKey.OP_WRITE;
      }
      c.key.interestOps(ops);
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, "connection write failed", e);
      drop(c);
    }
  }

  private void drop(AmqpConnection c) {
    connections.remove(c);
    consumers.stream()
        .filter(consumer -> consumer.connection == c)
        .forEach(Consumer::releaseSession);
    consumers.removeIf(consumer -> consumer.connection == c);
    pendingSessions.removeIf(pending -> pending.consumer().connection == c);
    c.key.cancel();
    try {
      c.channel.close();
    } catch (IOException ignored) {
      // Already gone.
    }
  }

  private void closeQuietly() {
    for (AmqpConnection c : new ArrayList<>(connections)) {
      try {
        c.connection.setCondition(
            new ErrorCondition(
                Symbol.valueOf("amqp:connection:forced"), "The emulator is shutting down."));
        c.connection.close();
        processEvents(c);
        int pending;
        while ((pending = c.transport.pending()) > 0) {
          int n = c.channel.write(c.transport.head());
          if (n <= 0) {
            break;
          }
          c.transport.pop(n);
        }
      } catch (IOException | RuntimeException ignored) {
        // Best effort: the socket closes below either way.
      }
      drop(c);
    }
    try {
      serverChannel.close();
    } catch (IOException ignored) {
      // Nothing left to release.
    }
    try {
      selector.close();
    } catch (IOException ignored) {
      // Nothing left to release.
    }
  }

  // ---------------------------------------------------------------- protocol events

  private void processEvents(AmqpConnection c) {
    Event event;
    while ((event = c.collector.peek()) != null) {
      try {
        handle(c, event);
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING, "failed to handle " + event.getType() + "; closing the connection", e);
        c.connection.setCondition(new ErrorCondition(AmqpError.INTERNAL_ERROR, String.valueOf(e)));
        c.connection.close();
      }
      c.collector.pop();
    }
  }

  private void handle(AmqpConnection c, Event event) {
    switch (event.getType()) {
      case CONNECTION_REMOTE_OPEN -> {
        Connection connection = event.getConnection();
        if (connection.getLocalState() == EndpointState.UNINITIALIZED) {
          connection.setContainer("servicebus-emulator");
          connection.open();
        }
      }
      case CONNECTION_REMOTE_CLOSE -> event.getConnection().close();
      case SESSION_REMOTE_OPEN -> {
        Session session = event.getSession();
        if (session.getLocalState() == EndpointState.UNINITIALIZED) {
          session.open();
        }
      }
      case SESSION_REMOTE_CLOSE -> event.getSession().close();
      case LINK_REMOTE_OPEN -> onLinkRemoteOpen(c, event.getLink());
      case LINK_REMOTE_DETACH, LINK_REMOTE_CLOSE -> onLinkRemoteClose(c, event.getLink());
      case DELIVERY -> {
        Delivery delivery = event.getDelivery();
        if (delivery.getLink() instanceof Receiver receiver) {
          onTransfer(c, receiver, delivery);
        } else {
          onDispositionUpdate(delivery);
        }
      }
      case TRANSPORT_ERROR ->
          LOG.log(Level.DEBUG, "transport error: {0}", event.getTransport().getCondition());
      default -> {
        // Flow is handled by the pump after each round; the other events need nothing.
      }
    }
  }

  /** What a link the client sends on is for. */
  private enum InboundKind {
    CBS,
    MANAGEMENT,
    ENTITY
  }

  private record Inbound(InboundKind kind, String entityPath, Broker.SendTarget target) {}

  private void onLinkRemoteOpen(AmqpConnection c, Link link) {
    link.setSource(link.getRemoteSource());
    link.setTarget(link.getRemoteTarget());
    link.setSenderSettleMode(link.getRemoteSenderSettleMode());
    link.setReceiverSettleMode(link.getRemoteReceiverSettleMode());
    if (link instanceof Receiver receiver) {
      String address = link.getRemoteTarget() instanceof Target t ? t.getAddress() : null;
      Inbound inbound;
      if ("$cbs".equals(address)) {
        inbound = new Inbound(InboundKind.CBS, null, null);
      } else if (address != null && address.toLowerCase(Locale.ROOT).endsWith("/$management")) {
        // Each operation is authorized on its own (RequestHandler), not the attach.
        String entity = address.substring(0, address.length() - "/$management".length());
        if (!requests.entityExists(entity)) {
          refuse(c, link, entity, false);
          return;
        }
        inbound = new Inbound(InboundKind.MANAGEMENT, entity, null);
      } else {
        // The service authorizes before it looks the entity up, so a caller without rights learns
        // nothing of it.
        String refusal =
            address == null
                ? null
                : access.refusal(c.tokens, address, AccessRight.SEND, hostname(c));
        if (refusal != null) {
          refuseWith(link, AmqpError.UNAUTHORIZED_ACCESS, refusal, false);
          return;
        }
        Broker.SendTarget target = broker.target(address);
        if (target == null) {
          refuse(c, link, address, false);
          return;
        }
        inbound = new Inbound(InboundKind.ENTITY, address, target);
      }
      receiver.setContext(inbound);
      receiver.setMaxMessageSize(UnsignedLong.valueOf(maxMessageSize(inbound.entityPath())));
      receiver.open();
      receiver.flow(CREDIT_WINDOW);
    } else {
      Sender sender = (Sender) link;
      Source source = link.getRemoteSource() instanceof Source s ? s : null;
      String address = source == null ? null : source.getAddress();
      if ("$cbs".equals(address)
          || (address != null && address.toLowerCase(Locale.ROOT).endsWith("/$management"))) {
        c.replyLinks.add(new ReplyLink(sender, address));
        sender.open();
        return;
      }
      String refusal =
          address == null
              ? null
              : access.refusal(c.tokens, address, AccessRight.LISTEN, hostname(c));
      if (refusal != null) {
        refuseWith(link, AmqpError.UNAUTHORIZED_ACCESS, refusal, true);
        return;
      }
      MessageStore store = broker.source(address);
      if (store == null) {
        refuse(c, link, address, true);
        return;
      }
      boolean receiveAndDelete = link.getRemoteSenderSettleMode() == SenderSettleMode.SETTLED;
      Consumer consumer = new Consumer(c, sender, store, receiveAndDelete);
      Map.Entry<Symbol, Object> sessionFilter = sessionFilter(source);
      if (sessionFilter == null && store.requiresSession()) {
        refuseWith(
            link,
            AmqpError.NOT_ALLOWED,
            "It is not possible for an entity that requires sessions to create"
                + " a non-sessionful message receiver.",
            true);
        return;
      }
      if (sessionFilter != null) {
        if (!store.requiresSession()) {
          refuseWith(
              link,
              AmqpError.NOT_ALLOWED,
              "It is not possible for an entity that does not require sessions"
                  + " to create a sessionful message receiver.",
              true);
          return;
        }
        Object value =
            sessionFilter.getValue() instanceof DescribedType d
                ? d.getDescribed()
                : sessionFilter.getValue();
        value = value == NO_SESSION ? null : value;
        Object timeout =
            link.getRemoteProperties() == null ? null : link.getRemoteProperties().get(TIMEOUT);
        long waitMillis = timeout instanceof Number n && n.longValue() > 0 ? n.longValue() : 60_000;
        pendingSessions.add(
            new PendingSession(
                consumer,
                sessionFilter,
                value == null ? null : value.toString(),
                System.currentTimeMillis() + waitMillis));
        return;
      }
      sender.setContext(consumer);
      sender.open();
      consumers.add(consumer);
    }
  }

  /**
   * The {@code com.microsoft:session-filter} entry of a receiver's source, or null for a
   * non-session receiver.
   */
  private static Map.Entry<Symbol, Object> sessionFilter(Source source) {
    if (source.getFilter() == null) {
      return null;
    }
    for (Map.Entry<?, ?> e : ((Map<?, ?>) source.getFilter()).entrySet()) {
      if (SESSION_FILTER.toString().equals(String.valueOf(e.getKey()))) {
        return Map.entry(
            Symbol.valueOf(String.valueOf(e.getKey())),
            e.getValue() == null ? NO_SESSION : e.getValue());
      }
    }
    return null;
  }

  /**
   * Gives waiting session receivers a session: the one they named, or the next one nobody holds. A
   * named session that another receiver holds is refused at once; a receiver waiting for any
   * session is refused with {@code com.microsoft:timeout} when its timeout passes without one.
   */
  private void acceptSessions() {
    long now = System.currentTimeMillis();
    for (PendingSession pending : new ArrayList<>(pendingSessions)) {
      Sender sender = pending.consumer().sender;
      if (sender.getRemoteState() != EndpointState.ACTIVE
          || !connections.contains(pending.consumer().connection)) {
        pendingSessions.remove(pending);
        continue;
      }
      MessageStore store = pending.consumer().store;
      String id = store.acceptSession(pending.requested(), pending.consumer());
      if (id != null) {
        pendingSessions.remove(pending);
        openSession(pending, id);
      } else if (pending.requested() != null) {
        pendingSessions.remove(pending);
        refuseWith(
            sender,
            SESSION_CANNOT_BE_LOCKED,
            "The requested session '"
                + pending.requested()
                + "' cannot be accepted. It may be locked by another receiver.",
            true);
      } else if (now >= pending.deadline()) {
        pendingSessions.remove(pending);
        refuseWith(
            sender,
            TIMEOUT,
            "No unlocked session with messages is available in '" + store.path() + "'.",
            true);
      }
    }
  }

  private void openSession(PendingSession pending, String sessionId) {
    Consumer consumer = pending.consumer();
    consumer.sessionId = sessionId;
    Source remote = (Source) consumer.sender.getRemoteSource();
    Source local = new Source();
    local.setAddress(remote.getAddress());
    local.setDurable(remote.getDurable());
    local.setExpiryPolicy(remote.getExpiryPolicy());
    local.setTimeout(remote.getTimeout());
    local.setDynamic(remote.getDynamic());
    local.setDistributionMode(remote.getDistributionMode());
    local.setDefaultOutcome(remote.getDefaultOutcome());
    local.setOutcomes(remote.getOutcomes());
    local.setCapabilities(remote.getCapabilities());
    @SuppressWarnings("unchecked")
    Map<Symbol, Object> filter = new LinkedHashMap<>((Map<Symbol, Object>) remote.getFilter());
    // Answer in the client's own form: a described value stays described, a plain string stays
    // plain.
    filter.keySet().removeIf(key -> SESSION_FILTER.toString().equals(String.valueOf(key)));
    filter.put(
        pending.filter().getKey(),
        pending.filter().getValue() instanceof DescribedType d
            ? new UnknownDescribedType(d.getDescriptor(), sessionId)
            : sessionId);
    local.setFilter(filter);
    consumer.sender.setSource(local);
    Instant until = consumer.store.sessionLockedUntil(sessionId, consumer);
    consumer.sender.setProperties(Map.of(LOCKED_UNTIL_UTC, dotNetTicks(until)));
    consumer.sender.setContext(consumer);
    consumer.sender.open();
    consumers.add(consumer);
  }

  /** .NET ticks (100 ns since 0001-01-01), the unit of {@code com.microsoft:locked-until-utc}. */
  static long dotNetTicks(Instant instant) {
    return instant.toEpochMilli() * 10_000 + 621_355_968_000_000_000L;
  }

  /**
   * Opens and at once closes a link with an error, with a null terminus on the side the client
   * asked for.
   */
  private static void refuseWith(
      Link link, Symbol condition, String description, boolean clientReceives) {
    if (clientReceives) {
      link.setSource(null);
    } else {
      link.setTarget(null);
    }
    link.open();
    link.setCondition(new ErrorCondition(condition, description));
    link.close();
  }

  /**
   * Answers an attach to a missing entity the way the SDK recognises as final: null terminus,
   * not-found.
   */
  private void refuse(AmqpConnection c, Link link, String address, boolean clientReceives) {
    if (clientReceives) {
      link.setSource(null);
    } else {
      link.setTarget(null);
    }
    link.open();
    link.setCondition(
        new ErrorCondition(
            AmqpError.NOT_FOUND,
            "The messaging entity 'sb://" + hostname(c) + "/" + address + "' could not be found."));
    link.close();
  }

  /**
   * The namespace host the client named in its Open ({@code localhost} for the SDKs), else the
   * bound address.
   */
  private String hostname(AmqpConnection c) {
    return c.connection.getRemoteHostname() == null ? host : c.connection.getRemoteHostname();
  }

  private void onLinkRemoteClose(AmqpConnection c, Link link) {
    if (link.getContext() instanceof Consumer consumer) {
      consumers.remove(consumer);
      consumer.releaseSession();
    }
    c.replyLinks.removeIf(reply -> reply.sender() == link);
    if (link.getLocalState() != EndpointState.CLOSED) {
      link.close();
    }
  }

  // ---------------------------------------------------------------- client -> emulator transfers

  private void onTransfer(AmqpConnection c, Receiver receiver, Delivery delivery) {
    if (!delivery.isReadable() || delivery.isPartial()) {
      return;
    }
    byte[] bytes = new byte[delivery.pending()];
    int read = receiver.recv(bytes, 0, bytes.length);
    receiver.advance();
    if (receiver.getCredit() < CREDIT_WINDOW / 2) {
      receiver.flow(CREDIT_WINDOW - receiver.getCredit());
    }
    if (!(receiver.getContext() instanceof Inbound inbound)) {
      delivery.settle();
      return;
    }
    switch (inbound.kind()) {
      case CBS, MANAGEMENT -> {
        Message request = AmqpCodec.decode(bytes, 0, read);
        Message response =
            inbound.kind() == InboundKind.CBS
                ? requests.cbs(request, c.tokens, hostname(c))
                : requests.management(
                    inbound.entityPath(),
                    request,
                    c.tokens,
                    hostname(c),
                    (store, sessionId) ->
                        store.sessionHolder(sessionId) instanceof Consumer holder
                            && holder.connection == c);
        if (!delivery.remotelySettled()) {
          delivery.disposition(Accepted.getInstance());
        }
        delivery.settle();
        reply(
            c,
            receiver,
            inbound.kind() == InboundKind.CBS ? "$cbs" : inbound.entityPath() + "/$management",
            request,
            response);
      }
      case ENTITY -> {
        DeliveryState outcome =
            accept(
                inbound.target(),
                bytes,
                read,
                delivery.getMessageFormat(),
                maxMessageSize(inbound.entityPath()));
        if (!delivery.remotelySettled()) {
          delivery.disposition(outcome);
        }
        delivery.settle();
      }
    }
  }

  private DeliveryState accept(
      Broker.SendTarget target, byte[] bytes, int length, int messageFormat, int limit) {
    if (length > limit) {
      return rejected(
          MESSAGE_SIZE_EXCEEDED,
          "The received message (size "
              + length
              + " bytes) exceeds the limit ("
              + limit
              + " bytes) currently allowed on the link.");
    }
    List<Message> messages;
    try {
      byte[] exact = length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length);
      messages = AmqpCodec.decodeTransfer(exact, messageFormat);
    } catch (RuntimeException e) {
      return rejected(
          AmqpError.DECODE_ERROR, "The message could not be decoded: " + e.getMessage());
    }
    for (Message message : messages) {
      String refusal = target.refusal(message);
      if (refusal != null) {
        return rejected(AmqpError.INVALID_FIELD, refusal);
      }
    }
    messages.forEach(target::send);
    return Accepted.getInstance();
  }

  private static Rejected rejected(Symbol condition, String description) {
    Rejected rejected = new Rejected();
    rejected.setError(new ErrorCondition(condition, description));
    return rejected;
  }

  private void reply(
      AmqpConnection c, Receiver requestLink, String node, Message request, Message response) {
    Sender sender = replyLink(c, requestLink.getSession(), node, request.getReplyTo());
    if (sender == null) {
      LOG.log(Level.DEBUG, "no reply link for {0}; dropping the response", request.getReplyTo());
      return;
    }
    byte[] bytes = AmqpCodec.encode(response);
    Delivery d = sender.delivery(nextTag());
    sender.send(bytes, 0, bytes.length);
    sender.advance();
    d.settle();
  }

  /**
   * The client's link a response goes out on. SDKs name their reply address differently: the Java,
   * .NET, Python and Go clients attach the reply link with the reply-to address as its target; the
   * Node client (rhea) attaches the $cbs reply link with the reply-to address as the link name and
   * an empty target. So the reply-to is matched against the target address first, then against the
   * link name; failing both, a request gets its answer on the only reply link of the same node in
   * the same session, if there is exactly one.
   */
  private static Sender replyLink(AmqpConnection c, Session session, String node, String replyTo) {
    List<ReplyLink> open =
        c.replyLinks.stream()
            .filter(r -> r.sender().getLocalState() == EndpointState.ACTIVE)
            .toList();
    if (replyTo != null) {
      for (ReplyLink r : open) {
        if (replyTo.equals(r.targetAddress())) {
          return r.sender();
        }
      }
      for (ReplyLink r : open) {
        if (replyTo.equals(r.sender().getName())) {
          return r.sender();
        }
      }
    }
    List<ReplyLink> sameNode =
        open.stream()
            .filter(r -> r.sender().getSession() == session && r.node().equalsIgnoreCase(node))
            .toList();
    return sameNode.size() == 1 ? sameNode.get(0).sender() : null;
  }

  private byte[] nextTag() {
    return ByteBuffer.allocate(8).putLong(nextTagNumber++).array();
  }

  // ---------------------------------------------------------------- emulator -> client deliveries

  /**
   * Hands receivable messages to consumers with credit, one per consumer per round for fairness.
   */
  private void pump() {
    acceptSessions();
    for (Consumer consumer : new ArrayList<>(consumers)) {
      if (consumer.sessionId != null
          && consumer.sender.getLocalState() == EndpointState.ACTIVE
          && consumer.store.sessionLockedUntil(consumer.sessionId, consumer) == null) {
        // The session lock expired unrenewed: the receiver loses the session, as on the service.
        consumers.remove(consumer);
        consumer.sender.setCondition(
            new ErrorCondition(
                SESSION_LOCK_LOST,
                "The session lock has expired on the MessageSession. Accept a new MessageSession."));
        consumer.sender.close();
      }
    }
    boolean progress = true;
    while (progress) {
      progress = false;
      for (Consumer consumer : new ArrayList<>(consumers)) {
        Sender sender = consumer.sender;
        if (sender.getLocalState() != EndpointState.ACTIVE || sender.getCredit() <= 0) {
          continue;
        }
        StoredMessage message =
            consumer.sessionId == null
                ? consumer.store.nextAvailable()
                : consumer.store.nextAvailable(consumer.sessionId);
        if (message != null) {
          deliver(consumer, message);
          progress = true;
        }
      }
    }
    // A receiver asking to drain (the Node SDK does when receiveMessages times out) gets its unused
    // credit back
    // once nothing is left to deliver; without the answering flow it would wait for the drain
    // forever.
    for (Consumer consumer : consumers) {
      Sender sender = consumer.sender;
      if (sender.getLocalState() == EndpointState.ACTIVE
          && sender.getDrain()
          && sender.getCredit() > 0) {
        sender.drained();
      }
    }
  }

  private void deliver(Consumer consumer, StoredMessage message) {
    UUID token = consumer.receiveAndDelete ? UUID.randomUUID() : consumer.store.lock(message);
    byte[] bytes = AmqpCodec.encode(RequestHandler.forDelivery(message));
    Delivery delivery = consumer.sender.delivery(AmqpCodec.lockTokenTag(token));
    consumer.sender.send(bytes, 0, bytes.length);
    consumer.sender.advance();
    if (consumer.receiveAndDelete) {
      consumer.store.remove(message);
      delivery.settle();
    } else {
      delivery.setContext(new LockRef(consumer.store, token));
    }
  }

  /**
   * Applies a client's settlement of a peek-locked delivery and acknowledges it with the same
   * outcome.
   */
  private void onDispositionUpdate(Delivery delivery) {
    DeliveryState state = delivery.getRemoteState();
    if (!(delivery.getContext() instanceof LockRef ref) || state == null) {
      if (delivery.remotelySettled()) {
        delivery.settle();
      }
      return;
    }
    delivery.setContext(null);
    if (state instanceof TransactionalState transactional && transactional.getOutcome() != null) {
      state = (DeliveryState) transactional.getOutcome();
    }
    MessageStore store = ref.store();
    MessageStore.Outcome outcome;
    DeliveryState ack = state;
    if (state instanceof Accepted) {
      outcome = store.complete(ref.token());
    } else if (state instanceof Modified modified) {
      Map<String, Object> changes = stringKeys(modified.getMessageAnnotations());
      outcome =
          Boolean.TRUE.equals(modified.getUndeliverableHere())
              ? store.defer(ref.token(), changes)
              : store.abandon(ref.token(), changes);
    } else if (state instanceof Rejected rejected) {
      Map<String, Object> info =
          rejected.getError() == null ? Map.of() : stringKeys(rejected.getError().getInfo());
      Map<String, Object> changes = new LinkedHashMap<>(info);
      Object reason = changes.remove(MessageStore.DEAD_LETTER_REASON);
      Object description = changes.remove(MessageStore.DEAD_LETTER_DESCRIPTION);
      outcome =
          store.deadLetter(
              ref.token(),
              reason == null ? null : reason.toString(),
              description == null ? null : description.toString(),
              changes);
      // The Java SDK accepts any Rejected as the acknowledgement of a dead-letter; the Node SDK
      // fails the
      // operation when the acknowledging Rejected carries an error. So the error is not echoed.
      ack = new Rejected();
    } else if (state instanceof Released) {
      outcome = store.release(ref.token());
    } else {
      outcome = store.release(ref.token());
      ack = Released.getInstance();
    }
    if (!delivery.remotelySettled()) {
      delivery.disposition(
          outcome == MessageStore.Outcome.LOCK_LOST
              ? rejected(
                  MESSAGE_LOCK_LOST,
                  "The lock supplied is invalid. Either the lock expired, or the message"
                      + " has already been removed from the queue.")
              : ack);
    }
    delivery.settle();
  }

  static Map<String, Object> stringKeys(Map<?, ?> map) {
    Map<String, Object> result = new LinkedHashMap<>();
    if (map != null) {
      map.forEach((k, v) -> result.put(String.valueOf(k), v));
    }
    return result;
  }

  // ---------------------------------------------------------------- per-connection state

  private record LockRef(MessageStore store, UUID token) {}

  /** A client's receive link on $cbs or an entity's $management node, which responses go out on. */
  private record ReplyLink(Sender sender, String node) {
    String targetAddress() {
      return sender.getRemoteTarget() instanceof Target t ? t.getAddress() : null;
    }
  }

  /** A client receive link bound to a store. */
  /** A session receiver waiting for its session; {@code requested} null means any. */
  private record PendingSession(
      Consumer consumer, Map.Entry<Symbol, Object> filter, String requested, long deadline) {}

  private static final class Consumer {
    final AmqpConnection connection;
    final Sender sender;
    final MessageStore store;
    final boolean receiveAndDelete;

    /** The session this receiver holds, or null for a receiver of a non-session entity. */
    String sessionId;

    void releaseSession() {
      if (sessionId != null) {
        store.releaseSession(sessionId, this);
      }
    }

    Consumer(
        AmqpConnection connection, Sender sender, MessageStore store, boolean receiveAndDelete) {
      this.connection = connection;
      this.sender = Objects.requireNonNull(sender);
      this.store = store;
      this.receiveAndDelete = receiveAndDelete;
    }
  }

  private static final class AmqpConnection {
    final SocketChannel channel;
    final Transport transport;
    final Connection connection;
    final Collector collector;

    /** The client's reply links of $cbs and $management, in attach order. */
    final List<ReplyLink> replyLinks = new ArrayList<>();

    /**
     * The tokens the client put on $cbs, which its links and $management requests are authorized
     * by.
     */
    final AccessControl.Tokens tokens = new AccessControl.Tokens();

    SelectionKey key;
    long tickDeadline;
    boolean peerGone;

    AmqpConnection(
        SocketChannel channel, Transport transport, Connection connection, Collector collector) {
      this.channel = channel;
      this.transport = transport;
      this.connection = connection;
      this.collector = collector;
    }
  }
}
