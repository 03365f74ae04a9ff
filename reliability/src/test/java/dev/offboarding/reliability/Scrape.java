package dev.offboarding.reliability;

/** Sums of series in a Prometheus text scrape. */
final class Scrape {
  private Scrape() {}

  /**
   * The sum of every series of {@code name} whose labels contain each of {@code labels} (e.g.
   * {@code type="target"}).
   */
  static double sum(String scrape, String name, String... labels) {
    double total = 0;
    for (String line : scrape.split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      boolean all = true;
      for (String label : labels) {
        all &= line.contains(label);
      }
      if (all) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }
}
