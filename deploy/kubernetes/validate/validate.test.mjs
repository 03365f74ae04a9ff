// Renders every overlay with `kubectl kustomize` and validates each object against the
// Kubernetes, KEDA and Prometheus Operator schemas bundled in the npm packages (no download at
// test time), then checks the rules the worker's deployment must keep.
// Run: npm ci && node --test   (kubectl with kustomize on PATH)
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const baseDir = join(here, "..", "base");
const overlaysDir = join(here, "..", "overlays");
const overlays = readdirSync(overlaysDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

/** The npm module holding the models of an apiVersion. */
function modelModule(apiVersion) {
  if (apiVersion.startsWith("keda.sh/")) return `@kubernetes-models/keda/${apiVersion}`;
  if (apiVersion.startsWith("monitoring.coreos.com/")) return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

async function validate(object) {
  const module = await import(modelModule(object.apiVersion));
  const Model = module[object.kind];
  assert.ok(Model, `no schema for ${object.apiVersion} ${object.kind}`);
  new Model(object).validate();
}

function render(overlay) {
  return renderDir(join(overlaysDir, overlay));
}

function renderDir(dir) {
  const text = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8" });
  return parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean);
}

// The queues the worker takes work from (one per sender: HR integration, SIEM, operators, and its
// own internal queue) and the state queue, whose sessions hold the brake's counters, not work.
const QUEUE_VARIABLES = ["SERVICEBUS_QUEUE", "SERVICEBUS_URGENT_QUEUE", "SERVICEBUS_OPS_QUEUE",
  "SERVICEBUS_INTERNAL_QUEUE", "SERVICEBUS_STATE_QUEUE"];

const DRAIN_BOUND_SECONDS = 20;

test("there are overlays to check", () => {
  assert.ok(overlays.length >= 2, `overlays: ${overlays}`);
});

test("the base ConfigMap names every queue of the worker, each once", () => {
  const objects = renderDir(baseDir);
  const [deployment] = objects.filter((o) => o.kind === "Deployment");
  // kustomize appends a content hash to the generated name and rewrites the reference with it.
  const referenced = deployment.spec.template.spec.containers.flatMap((c) => c.envFrom ?? []).map((e) => e.configMapRef?.name);
  const [config] = objects.filter((o) => o.kind === "ConfigMap" && referenced.includes(o.metadata.name));
  assert.ok(config, `the worker's ConfigMap (${referenced}) is rendered`);
  for (const variable of QUEUE_VARIABLES) {
    assert.match(config.data?.[variable] ?? "", /^offboarding-[a-z]+$/, `${variable} in the base ConfigMap`);
  }
  const queues = QUEUE_VARIABLES.map((v) => config.data[v]);
  assert.equal(new Set(queues).size, queues.length, `one queue per sender: ${queues}`);
});

for (const overlay of overlays) {
  test(`overlay ${overlay}: every rendered object is valid against its schema`, async () => {
    const objects = render(overlay);
    assert.ok(objects.length > 0);
    for (const object of objects) {
      await assert.doesNotReject(validate(object), `${object.kind}/${object.metadata?.name} in ${overlay}`);
    }
  });

  test(`overlay ${overlay}: the worker's deployment keeps its safety rules`, () => {
    const objects = render(overlay);
    const of = (kind) => objects.filter((o) => o.kind === kind);
    const configMaps = new Map(of("ConfigMap").map((c) => [c.metadata.name, c.data ?? {}]));
    const serviceAccounts = new Map(of("ServiceAccount").map((s) => [s.metadata.name, s]));
    const deployments = of("Deployment");
    assert.ok(deployments.length >= 1);
    for (const d of deployments) {
      const name = d.metadata.name;
      const pod = d.spec.template;
      assert.equal(pod.metadata.labels["azure.workload.identity/use"], "true", `${name}: workload identity label`);
      const sa = serviceAccounts.get(pod.spec.serviceAccountName);
      assert.ok(sa, `${name}: service account ${pod.spec.serviceAccountName} is rendered`);
      assert.match(sa.metadata.annotations["azure.workload.identity/client-id"] ?? "", /^[0-9a-f-]{36}$/,
        `${name}: client-id annotation`);
      assert.notEqual(sa.metadata.annotations["azure.workload.identity/client-id"],
        "00000000-0000-0000-0000-000000000000", `${name}: the overlay sets the identity's client id`);
      // The worker never calls the Kubernetes API: no API token in the pod. Workload identity's
      // webhook projects its own token (audience api://AzureADTokenExchange) regardless.
      assert.equal(pod.spec.automountServiceAccountToken, false, `${name}: the pod does not mount an API token`);
      assert.equal(sa.automountServiceAccountToken, false, `${name}: nor does its service account`);
      assert.ok(pod.spec.terminationGracePeriodSeconds > DRAIN_BOUND_SECONDS + 5,
        `${name}: terminationGracePeriodSeconds beyond the ${DRAIN_BOUND_SECONDS} s drain bound`);
      assert.equal(pod.spec.securityContext.runAsNonRoot, true, `${name}: runAsNonRoot`);
      for (const c of pod.spec.containers) {
        const sc = c.securityContext ?? {};
        assert.equal(sc.readOnlyRootFilesystem, true, `${name}/${c.name}: read-only root`);
        assert.equal(sc.allowPrivilegeEscalation, false, `${name}/${c.name}: no privilege escalation`);
        assert.deepEqual(sc.capabilities?.drop, ["ALL"], `${name}/${c.name}: capabilities dropped`);
        assert.notEqual(sc.privileged, true);
        assert.ok(c.resources?.requests?.memory && c.resources?.requests?.cpu && c.resources?.limits?.memory,
          `${name}/${c.name}: requests and a memory limit`);
        assert.equal(c.livenessProbe?.httpGet?.path, "/health/live", `${name}/${c.name}: liveness`);
        assert.equal(c.readinessProbe?.httpGet?.path, "/health/ready", `${name}/${c.name}: readiness`);
      }
      // A deployment that serves the urgent queue must never scale to zero.
      const env = Object.assign({}, ...pod.spec.containers.flatMap((c) => [
        ...(c.envFrom ?? []).map((e) => configMaps.get(e.configMapRef?.name) ?? {}),
        Object.fromEntries((c.env ?? []).filter((e) => "value" in e).map((e) => [e.name, e.value])),
      ]));
      const scaled = of("ScaledObject").filter((s) => s.spec.scaleTargetRef.name === name);
      assert.ok(scaled.length <= 1, `${name}: one ScaledObject at most`);
      if (env.SERVICEBUS_URGENT_QUEUE) {
        for (const s of scaled) {
          assert.ok((s.spec.minReplicaCount ?? 0) >= 1,
            `${name} serves ${env.SERVICEBUS_URGENT_QUEUE}: ScaledObject ${s.metadata.name} must not scale to zero`);
          assert.ok(s.spec.triggers.some((t) => t.metadata.queueName === env.SERVICEBUS_QUEUE),
            `${name}: scales on its event queue`);
        }
      }
      // One queue per sender: the producers' three (events, urgent, ops), the worker's internal queue
      // (follow-ups, held events, cancellation markers) and its state queue (the brake's counters),
      // none named twice. KEDA scales on the backlog of every queue that carries work, never on the
      // state queue, whose sessions hold counters.
      for (const variable of QUEUE_VARIABLES) {
        assert.ok(env[variable], `${name}: ${variable} is set`);
      }
      const producerQueues = [env.SERVICEBUS_QUEUE, env.SERVICEBUS_URGENT_QUEUE, env.SERVICEBUS_OPS_QUEUE];
      const internalQueue = env.SERVICEBUS_INTERNAL_QUEUE;
      const stateQueue = env.SERVICEBUS_STATE_QUEUE;
      const queues = QUEUE_VARIABLES.map((v) => env[v]);
      assert.equal(new Set(queues).size, queues.length, `${name}: one queue per sender (${queues})`);
      const workQueues = [...producerQueues, internalQueue];
      for (const s of scaled) {
        const triggered = s.spec.triggers.map((t) => t.metadata.queueName);
        assert.deepEqual([...triggered].sort(), [...workQueues].sort(),
          `${name}: ScaledObject ${s.metadata.name} scales on every queue that carries work (${workQueues}), once each`);
        assert.ok(!triggered.includes(stateQueue), `${name}: no trigger on the state queue ${stateQueue}`);
      }
      for (const s of scaled) {
        for (const t of s.spec.triggers) {
          assert.equal(t.type, "azure-servicebus");
          const auth = objects.find((o) => o.kind === "TriggerAuthentication" && o.metadata.name === t.authenticationRef?.name);
          assert.equal(auth?.spec?.podIdentity?.provider, "azure-workload", `${s.metadata.name}: workload identity`);
          assert.match(t.metadata.namespace, /^[a-z][a-z0-9-]{4,48}[a-z0-9]$/, "the namespace's short name");
          if (env.SERVICEBUS_NAMESPACE) {
            assert.equal(t.metadata.namespace, env.SERVICEBUS_NAMESPACE.split(".")[0],
              `${s.metadata.name}: trigger on ${t.metadata.queueName} reads the namespace the worker uses`);
          }
        }
      }
      // run refuses to start with no break-glass account protected; a deployment never opts out.
      assert.ok((env.PROTECTED_USERS ?? "").trim() || (env.PROTECTED_GROUPS ?? "").trim(),
        `${name}: PROTECTED_USERS or PROTECTED_GROUPS names the break-glass accounts`);
      assert.notEqual((env.ALLOW_UNPROTECTED ?? "").trim().toLowerCase(), "true",
        `${name}: ALLOW_UNPROTECTED=true is for tests, not deployments`);
      assert.ok(of("PodDisruptionBudget").some((p) => p.spec.selector.matchLabels["app.kubernetes.io/name"]
        === d.spec.selector.matchLabels["app.kubernetes.io/name"]), `${name}: a PodDisruptionBudget`);
      assert.ok(of("NetworkPolicy").length >= 1, `${name}: a NetworkPolicy`);
    }
    const monitors = of("ServiceMonitor");
    assert.ok(monitors.length >= 1);
    for (const m of monitors) {
      assert.ok(m.spec.endpoints.every((e) => e.path === "/metrics" && e.port === "http"));
    }
  });
}

test("a schema violation is caught (the validator is not a no-op)", async () => {
  const [deployment] = render(overlays[0]).filter((o) => o.kind === "Deployment");
  deployment.spec.template.spec.terminationGracePeriodSeconds = "forty-five";
  await assert.rejects(validate(deployment));
  const [scaled] = render(overlays[0]).filter((o) => o.kind === "ScaledObject");
  scaled.spec.minReplicaCount = "one";
  await assert.rejects(validate(scaled));
});
