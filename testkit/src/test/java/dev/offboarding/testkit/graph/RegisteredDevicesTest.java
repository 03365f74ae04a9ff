package dev.offboarding.testkit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegisteredDevicesTest extends FakeGraphTestSupport {

  @Test
  void listsAUsersRegisteredDevicesAsTypedDirectoryObjectsPageByPage() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    for (int i = 0; i < 3; i++) {
      tenant.addDevice(FakeDevice.named("laptop-" + i), alice.id());
    }
    tenant.addDevice(FakeDevice.named("someone-else"));
    GraphClient graph = client(serve(tenant));

    List<JsonNode> items = new ArrayList<>();
    String next = "/users/" + alice.id() + "/registeredDevices?$select=id,accountEnabled&$top=2";
    int pages = 0;
    while (next != null) {
      GraphClient.Reply page = graph.get(next);
      assertEquals(200, page.status());
      page.body().get("value").forEach(items::add);
      next = page.body().path("@odata.nextLink").asText(null);
      pages++;
    }

    assertEquals(2, pages);
    assertEquals(3, items.size());
    assertTrue(
        items.stream()
            .allMatch(i -> i.get("@odata.type").asText().equals("#microsoft.graph.device")));
    assertTrue(items.stream().allMatch(i -> i.get("accountEnabled").asBoolean()));
  }

  @Test
  void answers404ForAUserThatDoesNotExist() {
    GraphClient graph = client(serve(new FakeTenant()));

    GraphClient.Reply reply =
        graph.get("/users/5f1d3c2a-0000-4000-8000-000000000009/registeredDevices");

    assertEquals(404, reply.status());
    assertEquals("Request_ResourceNotFound", reply.errorCode());
  }

  @Test
  void disablesADeviceOnlyWhenTheAppHoldsADeviceAdministratorRole() {
    FakeTenant tenant = new FakeTenant();
    FakeUser alice = tenant.addUser("alice@contoso.com");
    FakeDevice laptop = tenant.addDevice(FakeDevice.named("laptop"), alice.id());
    FakeGraphServer server = serve(tenant);
    GraphClient graph = client(server);

    GraphClient.Reply refused =
        graph.patch("/devices/" + laptop.id(), "{\"accountEnabled\":false}");
    tenant.security().deviceAdministrator(true);
    GraphClient.Reply accepted =
        graph.patch("/devices/" + laptop.id(), "{\"accountEnabled\":false}");
    GraphClient.Reply read = graph.get("/devices/" + laptop.id() + "?$select=id,accountEnabled");

    assertEquals(403, refused.status());
    assertEquals("Authorization_RequestDenied", refused.errorCode());
    assertEquals(204, accepted.status());
    assertFalse(read.body().get("accountEnabled").asBoolean());
    assertEquals(List.of(403, 204), server.writeLog().stream().map(WriteRecord::status).toList());
    assertTrue(
        server.writeLog().stream()
            .allMatch(
                w ->
                    w.kind() == WriteRecord.Kind.DISABLE_DEVICE && w.userId().equals(laptop.id())));
  }

  @Test
  void reEnablesADeviceAndAnswers404ForOneThatIsGone() {
    FakeTenant tenant = new FakeTenant();
    tenant.security().deviceAdministrator(true);
    FakeDevice laptop =
        tenant.addDevice(
            new FakeDevice(
                DirectoryObject.newId(), "laptop", DirectoryObject.newId(), "Windows", false));
    GraphClient graph = client(serve(tenant));

    assertEquals(204, graph.patch("/devices/" + laptop.id(), "{\"accountEnabled\":true}").status());
    assertTrue(tenant.device(laptop.id()).orElseThrow().accountEnabled());
    assertEquals(
        404,
        graph
            .patch("/devices/5f1d3c2a-0000-4000-8000-0000000000ff", "{\"accountEnabled\":false}")
            .status());
    assertEquals(400, graph.patch("/devices/" + laptop.id(), "{\"displayName\":\"x\"}").status());
  }

  @Test
  void filtersDevicesByIdsAndByState() {
    FakeTenant tenant = new FakeTenant();
    FakeDevice a = tenant.addDevice(FakeDevice.named("a"));
    FakeDevice b =
        tenant.addDevice(
            new FakeDevice(DirectoryObject.newId(), "b", DirectoryObject.newId(), "iOS", false));
    tenant.addDevice(FakeDevice.named("c"));
    GraphClient graph = client(serve(tenant));

    GraphClient.Reply byIds =
        graph.get(
            "/devices?$filter="
                + query("id in ('" + a.id() + "','" + b.id() + "')")
                + "&$select=id");
    GraphClient.Reply disabled = graph.get("/devices?$filter=" + query("accountEnabled eq false"));
    GraphClient.Reply unsupported =
        graph.get("/devices?$filter=" + query("startswith(displayName,'a')"));

    assertEquals(2, byIds.body().get("value").size());
    assertEquals(1, disabled.body().get("value").size());
    assertEquals(b.id(), disabled.body().get("value").get(0).get("id").asText());
    assertEquals(400, unsupported.status());
  }

  @Test
  void readsRegisteredUsersAndTheDeviceRoleFromASeed() {
    String seed =
        """
        {"users": [{"userPrincipalName": "alice@contoso.com"}],
         "devices": [{"displayName": "laptop", "registeredUsers": ["alice@contoso.com"]}],
         "settings": {"deviceAdministrator": true}}
        """;

    FakeTenant tenant =
        FakeTenant.fromJson(new ByteArrayInputStream(seed.getBytes(StandardCharsets.UTF_8)));

    FakeUser alice = tenant.requireUser("alice@contoso.com");
    assertEquals(1, tenant.security().registeredDeviceIds(alice.id()).size());
    assertTrue(tenant.security().deviceAdministrator());
  }
}
