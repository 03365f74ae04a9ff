package dev.offboarding.testkit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Faults#forceReadStatus}: reads of one object answer an error; everything else answers as
 * usual.
 */
class ForcedReadStatusTest extends FakeGraphTestSupport {

  @Test
  void answersEveryReadOfAGroupWithTheForcedStatusAndGraphsErrorCode() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeGroup secret = tenant.addGroup("Secret", alice);
    FakeGroup open = tenant.addGroup("Open", alice);
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);
    server.faults().forceReadStatus(secret.id(), 403);

    GraphClient.Reply group = graph.get("/groups/" + secret.id());
    GraphClient.Reply members = graph.get("/groups/" + secret.id() + "/transitiveMembers");
    GraphClient.Reply other = graph.get("/groups/" + open.id() + "/members");
    GraphClient.Reply user = graph.get("/users/" + alice.id());

    assertEquals(403, group.status());
    assertEquals(403, members.status());
    assertEquals("Authorization_RequestDenied", members.errorCode());
    assertEquals(200, other.status());
    assertEquals(200, user.status());
  }

  @Test
  void answersAUserReadByIdOrUpnAndAFilterListingThatUserButNotItsWrites() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice =
        tenant.addUser(FakeUser.builder("alice@contoso.com").department("Finance").build());
    tenant.addUser(FakeUser.builder("bob@contoso.com").department("Sales").build());
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);
    server.faults().forceReadStatus(alice.id(), 503);

    GraphClient.Reply byUpn = graph.get("/users/alice@contoso.com");
    GraphClient.Reply filtered = graph.get("/users?$filter=department%20eq%20'Finance'");
    GraphClient.Reply otherFilter = graph.get("/users?$filter=department%20eq%20'Sales'");
    GraphClient.Reply write = graph.post("/users/" + alice.id() + "/revokeSignInSessions", null);

    assertEquals(503, byUpn.status());
    assertEquals("1", byUpn.header("Retry-After"));
    assertEquals(503, filtered.status());
    assertEquals(200, otherFilter.status());
    assertEquals(200, write.status());
    assertEquals(
        List.of(WriteRecord.Kind.REVOKE),
        server.writeLog().stream().map(WriteRecord::kind).toList());
  }

  @Test
  void stopsWhenClearedOrWhenEveryFaultIsCleared() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeGroup group = tenant.addGroup("G", alice);
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);

    server
        .faults()
        .forceReadStatus(alice.userPrincipalName(), 400)
        .forceReadStatus(group.id(), 404);
    GraphClient.Reply forcedUser = graph.get("/users/" + alice.id());
    GraphClient.Reply forcedGroup = graph.get("/groups/" + group.id() + "/members");
    server.faults().clearForcedReadStatus(alice.userPrincipalName());
    GraphClient.Reply clearedUser = graph.get("/users/" + alice.id());
    server.faults().clear();
    GraphClient.Reply clearedGroup = graph.get("/groups/" + group.id() + "/members");

    assertEquals(400, forcedUser.status());
    assertEquals("Request_BadRequest", forcedUser.errorCode());
    assertEquals(404, forcedGroup.status());
    assertEquals("Request_ResourceNotFound", forcedGroup.errorCode());
    assertEquals(200, clearedUser.status());
    assertEquals(200, clearedGroup.status());
  }
}
