package dev.offboarding.worker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offboarding.contracts.Action;
import dev.offboarding.worker.plan.Plan;
import dev.offboarding.worker.plan.PlannedUser;
import java.io.PrintStream;
import java.util.List;
import java.util.stream.Collectors;

/** Renders a plan for people (aligned text) or scripts (one JSON document). */
final class DryRunReport {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private DryRunReport() {}

  static void text(Plan plan, PrintStream out) {
    text(plan, java.util.Map.of(), out);
  }

  /** With what each containment action would do, by user id ({@link ContainmentPreview}). */
  static void text(
      Plan plan, java.util.Map<String, java.util.Map<Action, String>> preview, PrintStream out) {
    List<String> actions = plan.actions().stream().map(Action::wireName).toList();
    out.printf(
        "Event %s (%s)%s%n",
        plan.event().id(),
        plan.event().type().wireName(),
        plan.event().data().dryRun() ? ", marked dryRun" : "");
    out.printf("Actions, in order: %s%n", String.join(", ", actions));
    List<PlannedUser> writable = plan.writable();
    out.printf("%nWould write to %d user(s):%n", writable.size());
    for (PlannedUser u : writable) {
      out.printf(
          "  %-40s %s  via %s%s%n",
          nullToDash(u.user().userPrincipalName()),
          u.user().id(),
          String.join(", ", u.via()),
          u.guest() ? "  [guest: home-tenant sessions are not revoked]" : "");
      preview
          .getOrDefault(u.user().id(), java.util.Map.of())
          .forEach((action, what) -> out.printf("      %-20s %s%n", action.wireName(), what));
    }
    List<PlannedUser> guarded = plan.users().stream().filter(PlannedUser::isProtected).toList();
    out.printf("%nProtected, never touched: %d%n", guarded.size());
    for (PlannedUser u : guarded) {
      out.printf(
          "  %-40s %s  via %s  (%s)%n",
          nullToDash(u.user().userPrincipalName()),
          u.user().id(),
          String.join(", ", u.via()),
          u.protectedBecause());
    }
    out.printf("%nNot resolved: %d%n", plan.unresolved().size());
    for (Plan.Unresolved u : plan.unresolved()) {
      out.printf("  %s  %s  (%s)%n", u.via(), u.outcome(), u.detail());
    }
    out.printf(
        "%nGroup members that are not users, not acted on: %s%n",
        plan.skippedMembers().isEmpty()
            ? "none"
            : plan.skippedMembers().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")));
    out.println("\nNothing was written.");
  }

  static void json(Plan plan, PrintStream out) throws java.io.IOException {
    json(plan, java.util.Map.of(), out);
  }

  /** With what each containment action would do, by user id, as {@code users[].containment}. */
  static void json(
      Plan plan, java.util.Map<String, java.util.Map<Action, String>> preview, PrintStream out)
      throws java.io.IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("status", "PLANNED");
    root.put("eventId", plan.event().id());
    root.put("type", plan.event().type().wireName());
    ArrayNode actions = root.putArray("actions");
    plan.actions().forEach(a -> actions.add(a.wireName()));
    ArrayNode users = root.putArray("users");
    for (PlannedUser u : plan.users()) {
      ObjectNode n = users.addObject();
      n.put("id", u.user().id());
      n.put("userPrincipalName", u.user().userPrincipalName());
      ArrayNode via = n.putArray("via");
      u.via().forEach(via::add);
      ArrayNode userActions = n.putArray("actions");
      if (!u.isProtected()) {
        plan.actions().forEach(a -> userActions.add(a.wireName()));
      }
      n.put("status", u.isProtected() ? "PROTECTED" : "PLANNED");
      java.util.Map<Action, String> containment = preview.get(u.user().id());
      if (containment != null && !u.isProtected()) {
        ObjectNode c = n.putObject("containment");
        containment.forEach((action, what) -> c.put(action.wireName(), what));
      }
      n.put("guest", u.guest());
      if (u.isProtected()) {
        n.put("reason", u.protectedBecause());
      }
    }
    ArrayNode unresolved = root.putArray("notFound");
    for (Plan.Unresolved u : plan.unresolved()) {
      unresolved
          .addObject()
          .put("via", u.via())
          .put("status", u.outcome().name())
          .put("reason", u.detail());
    }
    ObjectNode skipped = root.putObject("skippedMembers");
    plan.skippedMembers().forEach(skipped::put);
    out.println(JSON.writeValueAsString(root));
  }

  static void rejectedJson(String eventId, String code, String detail, PrintStream out)
      throws java.io.IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("status", "REJECTED");
    root.put("eventId", eventId);
    root.put("reason", code);
    root.put("detail", detail);
    out.println(JSON.writeValueAsString(root));
  }

  private static String nullToDash(String s) {
    return s == null ? "-" : s;
  }
}
