package dev.offboarding.worker.graph;

import dev.offboarding.worker.tenant.GraphFailure;
import java.net.URI;
import java.util.Set;

/** The checks every followed {@code @odata.nextLink} passes, for every paged read. */
final class NextLinks {
  private NextLinks() {}

  /**
   * A next link must point back at the configured Graph root (it is followed with our credentials)
   * and must not repeat (a loop would never end). Returns it, or null when there is none.
   */
  static String checked(URI baseUrl, String next, Set<String> seen) {
    if (next == null || next.isBlank()) {
      return null;
    }
    URI uri = URI.create(next);
    if (!baseUrl.getScheme().equalsIgnoreCase(uri.getScheme())
        || !baseUrl.getAuthority().equalsIgnoreCase(uri.getAuthority())
        || !uri.getPath().startsWith(baseUrl.getPath() + "/")) {
      throw new GraphFailure(
          GraphFailure.Kind.OTHER,
          0,
          "UnexpectedNextLink",
          "Graph returned a next link outside " + baseUrl,
          null,
          null,
          null);
    }
    if (!seen.add(next)) {
      throw new GraphFailure(
          GraphFailure.Kind.OTHER,
          0,
          "NextLinkLoop",
          "Graph returned the same next link twice",
          null,
          null,
          null);
    }
    return next;
  }
}
