package dev.offboarding.worker.continuation;

import dev.offboarding.contracts.Action;
import dev.offboarding.worker.codec.ContinuationCodec;
import dev.offboarding.worker.plan.StreamingPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How an event's users are split between deliveries: in ascending id order, a follow-up's pending
 * users first, then the next users after its cursor, up to a bound that also keeps the follow-up
 * under the broker's message limit.
 */
public final class Chunks {
  private Chunks() {}

  /**
   * The users of one delivery.
   *
   * @param users the selection, in the order to stream it
   * @param rounds rounds used so far by pending users
   * @param done actions pending users already had done
   * @param noLongerReached pending users the event's targets no longer reach
   * @param cursor the highest id taken in order after this chunk
   * @param usersBeyond counted users after the cursor, for a later delivery
   */
  public record Chunk(
      List<String> users,
      Map<String, Integer> rounds,
      Map<String, Set<Action>> done,
      List<String> noLongerReached,
      String cursor,
      int usersBeyond) {

    /** True when nothing of the event is left after this chunk but {@code pending} users. */
    public boolean last(int pending) {
      return pending == 0 && usersBeyond == 0;
    }

    /**
     * Users taken in order after the cursor, as opposed to a follow-up's pending users tried again.
     */
    public int newUsers() {
      return users.size() - rounds.size();
    }
  }

  /**
   * Users one delivery may take: the bound, and no more than a follow-up can carry beside the event
   * itself if every one of them had to be tried again (about 30 bytes each; 40 to be safe).
   */
  public static int limit(byte[] eventBody, DeliveryBounds bounds) {
    int room = (ContinuationCodec.MAX_BYTES - eventBody.length - 4096) / 40;
    return Math.max(1, Math.min(bounds.maxUsers(), room));
  }

  /** The next chunk of {@code plan} after {@code from} (null: the first delivery). */
  public static Chunk next(StreamingPlan plan, Continuation from, int limit) {
    List<String> ids = plan.sortedIds();
    List<String> users = new ArrayList<>();
    Map<String, Integer> rounds = new HashMap<>();
    Map<String, Set<Action>> done = new HashMap<>();
    List<String> gone = new ArrayList<>();
    String cursor = null;
    if (from != null) {
      cursor = from.cursor();
      for (Continuation.Pending p : from.pending()) {
        if (rounds.containsKey(p.userId())) {
          continue;
        }
        if (plan.reaches(p.userId())) {
          users.add(p.userId());
          rounds.put(p.userId(), p.rounds());
          done.put(p.userId(), p.done());
        } else {
          gone.add(p.userId());
        }
      }
    }
    int next = indexAfter(ids, cursor);
    while (users.size() < limit && next < ids.size()) {
      String id = ids.get(next++);
      cursor = id;
      if (!rounds.containsKey(id)) {
        users.add(id);
      }
    }
    return new Chunk(users, rounds, done, gone, cursor, ids.size() - next);
  }

  /**
   * The chunk with only its first {@code keep} new users (the mass-action brake had room for no
   * more): its pending users stay, and the cursor goes back to just before the first new user left
   * out, so the next delivery takes the rest in order.
   */
  public static Chunk withNewUsers(Chunk chunk, int keep, StreamingPlan plan) {
    if (keep >= chunk.newUsers()) {
      return chunk;
    }
    List<String> users = new ArrayList<>();
    String firstLeftOut = null;
    int taken = 0;
    for (String id : chunk.users()) {
      if (chunk.rounds().containsKey(id)) {
        users.add(id);
      } else if (taken < keep) {
        users.add(id);
        taken++;
      } else if (firstLeftOut == null) {
        firstLeftOut = id;
      }
    }
    List<String> ids = plan.sortedIds();
    int at = Collections.binarySearch(ids, firstLeftOut);
    return new Chunk(
        List.copyOf(users),
        chunk.rounds(),
        chunk.done(),
        chunk.noLongerReached(),
        at == 0 ? null : ids.get(at - 1),
        ids.size() - at);
  }

  /** The users of the plan after {@code cursor} in id order (all of them when it is null). */
  public static List<String> afterCursor(StreamingPlan plan, String cursor) {
    List<String> ids = plan.sortedIds();
    return ids.subList(Math.min(indexAfter(ids, cursor), ids.size()), ids.size());
  }

  private static int indexAfter(List<String> ids, String cursor) {
    return cursor == null ? 0 : -Collections.binarySearch(ids, cursor + "\u0000") - 1;
  }
}
